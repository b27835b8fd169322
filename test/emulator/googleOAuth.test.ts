/**
 * Google OAuth 2.0 through google-auth-library, pointed at the emulator by its endpoints option
 * (OAuth2Client) or, for service accounts (JWT, whose token URL is fixed in the library), by a
 * Gaxios transporter that rewrites the oauth2.googleapis.com origin — the only change.
 */
import {
	createHash,
	createPrivateKey,
	createPublicKey,
	generateKeyPairSync,
	type KeyObject,
	sign as rsaSign,
} from 'node:crypto';
import { Gaxios, GaxiosError } from 'gaxios';
import { JWT, OAuth2Client } from 'google-auth-library';
import { startEmulator, type Emulator } from './index';

const GMAIL_READONLY = 'https://www.googleapis.com/auth/gmail.readonly';
const REDIRECT = 'http://127.0.0.1:53682/oauth2callback';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'google-oauth-test', messages: 20 });
});
afterAll(() => emu?.stop());

function oauthClient(options: { clientSecret?: string } = {}): OAuth2Client {
	return new OAuth2Client({
		clientId: emu.sandbox.clientId,
		clientSecret: options.clientSecret ?? emu.sandbox.clientSecret,
		redirectUri: REDIRECT,
		forceRefreshOnFailure: true,
		// Jest's CommonJS sandbox cannot run gaxios' dynamic import of node-fetch; outside jest
		// gaxios picks Node's fetch by itself.
		transporterOptions: { fetchImplementation: fetch },
		endpoints: {
			oauth2AuthBaseUrl: emu.urls.googleAuth,
			oauth2TokenUrl: emu.urls.googleToken,
			oauth2RevokeUrl: `${emu.baseUrl}/revoke`,
			tokenInfoUrl: `${emu.baseUrl}/tokeninfo`,
		},
	});
}

/** Approves (or denies) the consent page the way a browser would: GET the page, POST its form. */
async function clickConsent(
	authUrl: string,
	decision: 'approve' | 'deny',
	email?: string,
): Promise<URL> {
	const page = await fetch(authUrl);
	expect(page.status).toBe(200);
	expect(page.headers.get('content-type')).toContain('text/html');
	const html = await page.text();
	const form = new RegExp(
		`<form id="${decision}" method="POST" action="([^"]+)">([\\s\\S]*?)</form>`,
	).exec(html);
	expect(form).not.toBeNull();
	const fields = new URLSearchParams();
	for (const input of form![2]!.matchAll(
		/<input type="(?:hidden|email)" name="([^"]+)" value="([^"]*)">/g,
	)) {
		fields.set(
			input[1]!,
			input[2]!
				.replace(/&amp;/g, '&')
				.replace(/&#39;/g, "'")
				.replace(/&quot;/g, '"'),
		);
	}
	if (email) fields.set('login_hint', email);
	const res = await fetch(new URL(form![1]!, emu.baseUrl), {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: fields.toString(),
		redirect: 'manual',
	});
	expect(res.status).toBe(302);
	return new URL(res.headers.get('location')!);
}

async function gaxiosFailure(promise: Promise<unknown>): Promise<GaxiosError> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(GaxiosError);
		return error as GaxiosError;
	}
	throw new Error('expected the call to fail');
}

describe('authorization code flow with OAuth2Client', () => {
	let client: OAuth2Client;
	let refreshToken: string;

	test('generateAuthUrl → consent approve (plain HTTP) → getToken', async () => {
		client = oauthClient();
		const url = client.generateAuthUrl({
			access_type: 'offline',
			scope: ['openid', 'email', 'profile', GMAIL_READONLY],
			state: 'state-123',
			prompt: 'consent',
		});
		const redirect = await clickConsent(url, 'approve');
		expect(redirect.origin + redirect.pathname).toBe(REDIRECT);
		expect(redirect.searchParams.get('state')).toBe('state-123');
		const code = redirect.searchParams.get('code')!;
		expect(code).toMatch(/^4\/0A/);

		const { tokens } = await client.getToken(code);
		expect(tokens.access_token).toMatch(/^ya29\./);
		expect(tokens.refresh_token).toBeTruthy();
		expect(tokens.token_type).toBe('Bearer');
		expect(tokens.scope!.split(' ').sort()).toEqual(
			[
				'openid',
				'https://www.googleapis.com/auth/userinfo.email',
				'https://www.googleapis.com/auth/userinfo.profile',
				GMAIL_READONLY,
			].sort(),
		);
		expect(tokens.expiry_date! - Date.now()).toBeGreaterThan(3500_000);
		refreshToken = tokens.refresh_token!;
		client.setCredentials(tokens);

		// The ID token verifies (with the library's own verifier) against the emulator's JWKS.
		const jwks = (await (await fetch(`${emu.baseUrl}/oauth2/v3/certs`)).json()) as Loose;
		const certs: Record<string, string> = {};
		for (const jwk of jwks.keys) {
			certs[jwk.kid] = createPublicKey({ key: jwk, format: 'jwk' })
				.export({ type: 'spki', format: 'pem' })
				.toString();
		}
		const ticket = await client.verifySignedJwtWithCertsAsync(
			tokens.id_token!,
			certs,
			emu.sandbox.clientId,
			['https://accounts.google.com'],
		);
		expect(ticket.getPayload()).toMatchObject({
			email: emu.sandbox.googleEmail,
			name: 'Sandbox User',
		});
	});

	test('userinfo v3 / v2 and tokeninfo', async () => {
		const v3 = await client.request<Loose>({ url: `${emu.baseUrl}/oauth2/v3/userinfo` });
		expect(v3.data).toMatchObject({
			email: emu.sandbox.googleEmail,
			email_verified: true,
			name: 'Sandbox User',
		});
		const v2 = await client.request<Loose>({ url: `${emu.baseUrl}/oauth2/v2/userinfo` });
		expect(v2.data).toMatchObject({
			email: emu.sandbox.googleEmail,
			verified_email: true,
			id: v3.data.sub,
		});
		const info = await client.getTokenInfo(client.credentials.access_token!);
		expect(info.scopes).toContain(GMAIL_READONLY);
		expect(info.email).toBe(emu.sandbox.googleEmail);
		expect(info.aud).toBe(emu.sandbox.clientId);
		const v1 = await fetch(
			`${emu.baseUrl}/oauth2/v1/tokeninfo?access_token=${client.credentials.access_token}`,
		);
		expect(await v1.json()).toMatchObject({
			issued_to: emu.sandbox.clientId,
			access_type: 'offline',
		});
		const bad = await fetch(`${emu.baseUrl}/tokeninfo?access_token=nope`);
		expect(bad.status).toBe(400);
		expect(await bad.json()).toEqual({
			error: 'invalid_token',
			error_description: 'Invalid Value',
		});
	});

	test('scopes are enforced: calendar with a gmail.readonly token is 403 insufficientPermissions', async () => {
		const error = await gaxiosFailure(
			client.request({ url: `${emu.baseUrl}/calendar/v3/users/me/calendarList`, retry: false }),
		);
		expect(error.response?.status).toBe(403);
		const body = error.response?.data as Loose;
		expect(body.error.message).toBe('Request had insufficient authentication scopes.');
		expect(body.error.errors[0].reason).toBe('insufficientPermissions');
	});

	test('the access token really expires (emulator clock); the client refreshes on the 401', async () => {
		const oldToken = client.credentials.access_token!;
		emu.control.advanceClock(3600_000);
		const direct = await fetch(`${emu.baseUrl}/gmail/v1/users/me/profile`, {
			headers: { authorization: `Bearer ${oldToken}` },
		});
		expect(direct.status).toBe(401);
		expect(direct.headers.get('www-authenticate')).toContain('invalid_token');
		emu.control.resetCalls();
		const profile = await client.request<Loose>({
			url: `${emu.baseUrl}/gmail/v1/users/me/profile`,
		});
		expect(profile.data.emailAddress).toBe(emu.sandbox.googleEmail);
		expect(client.credentials.access_token).not.toBe(oldToken);
		expect(client.credentials.refresh_token).toBe(refreshToken);
		const calls = emu.control.calls().byOperation;
		expect(calls['google.oauth.token']).toBe(1);
		expect(calls['gmail.users.getProfile']).toBe(2); // the 401, then the retry
		// Back to wall-clock time: service-account assertions are signed with the real clock.
		emu.control.advanceClock(-3600_000);
	});

	test('revoke → refresh fails with invalid_grant "Token has been expired or revoked."', async () => {
		await client.revokeToken(client.credentials.access_token!);
		const error = await gaxiosFailure(client.refreshAccessToken());
		expect(error.response?.status).toBe(400);
		expect(error.response?.data).toEqual({
			error: 'invalid_grant',
			error_description: 'Token has been expired or revoked.',
		});
		expect(error.message).toContain('invalid_grant');
		const again = await fetch(`${emu.baseUrl}/revoke?token=${refreshToken}`, { method: 'POST' });
		expect(again.status).toBe(400);
		expect(((await again.json()) as Loose).error).toBe('invalid_token');
	});

	test('refresh token only with access_type=offline, on first consent or prompt=consent', async () => {
		const c = oauthClient();
		const email = 'offline-check@crm-connect.test';
		const first = await emu.control.approveConsent(
			c.generateAuthUrl({ access_type: 'offline', scope: [GMAIL_READONLY], login_hint: email }),
		);
		expect((await c.getToken(first.code!)).tokens.refresh_token).toBeTruthy();
		const second = await emu.control.approveConsent(
			c.generateAuthUrl({ access_type: 'offline', scope: [GMAIL_READONLY], login_hint: email }),
		);
		expect((await c.getToken(second.code!)).tokens.refresh_token).toBeUndefined();
		const forced = await emu.control.approveConsent(
			c.generateAuthUrl({
				access_type: 'offline',
				scope: [GMAIL_READONLY],
				login_hint: email,
				prompt: 'consent',
			}),
		);
		expect((await c.getToken(forced.code!)).tokens.refresh_token).toBeTruthy();
		const online = await emu.control.approveConsent(
			c.generateAuthUrl({ scope: [GMAIL_READONLY], login_hint: email, prompt: 'consent' }),
		);
		expect((await c.getToken(online.code!)).tokens.refresh_token).toBeUndefined();
	});

	test('a code is single-use; replaying it revokes the tokens it produced', async () => {
		const c = oauthClient();
		const { code } = await emu.control.approveConsent(
			c.generateAuthUrl({ scope: [GMAIL_READONLY] }),
		);
		const { tokens } = await c.getToken(code!);
		const replay = await gaxiosFailure(c.getToken(code!));
		expect(replay.response?.status).toBe(400);
		expect((replay.response?.data as Loose).error).toBe('invalid_grant');
		const res = await fetch(`${emu.baseUrl}/gmail/v1/users/me/profile`, {
			headers: { authorization: `Bearer ${tokens.access_token}` },
		});
		expect(res.status).toBe(401);
	});

	test('login_hint chooses the consenting account', async () => {
		const c = oauthClient();
		const redirect = await clickConsent(
			c.generateAuthUrl({ scope: ['email', GMAIL_READONLY], login_hint: 'alice@example.test' }),
			'approve',
		);
		const { tokens } = await c.getToken(redirect.searchParams.get('code')!);
		c.setCredentials(tokens);
		const profile = await c.request<Loose>({ url: `${emu.baseUrl}/gmail/v1/users/me/profile` });
		expect(profile.data.emailAddress).toBe('alice@example.test');
	});
});

describe('consent page errors', () => {
	test('deny → error=access_denied with state', async () => {
		const url = oauthClient().generateAuthUrl({ scope: [GMAIL_READONLY], state: 'deny-me' });
		const redirect = await clickConsent(url, 'deny');
		expect(redirect.searchParams.get('error')).toBe('access_denied');
		expect(redirect.searchParams.get('state')).toBe('deny-me');
		expect(redirect.searchParams.get('code')).toBeNull();
		const viaControl = await emu.control.denyConsent(url);
		expect(viaControl).toMatchObject({ error: 'access_denied', state: 'deny-me' });
	});

	test('unknown client, redirect_uri mismatch, bad response_type, invalid scope', async () => {
		const base = new URL(oauthClient().generateAuthUrl({ scope: [GMAIL_READONLY] }));
		const variant = async (changes: Record<string, string>) => {
			const url = new URL(base);
			for (const [k, v] of Object.entries(changes)) url.searchParams.set(k, v);
			const res = await fetch(url, { redirect: 'manual' });
			return { status: res.status, text: await res.text() };
		};
		expect(await variant({ client_id: 'nope.apps.googleusercontent.com' })).toMatchObject({
			status: 401,
		});
		expect((await variant({ client_id: 'nope.apps.googleusercontent.com' })).text).toContain(
			'invalid_client',
		);
		expect((await variant({ redirect_uri: 'https://evil.example/cb' })).text).toContain(
			'redirect_uri_mismatch',
		);
		expect((await variant({ response_type: 'token' })).text).toContain('unsupported_response_type');
		expect((await variant({ scope: 'https://www.googleapis.com/auth/nonsense' })).text).toContain(
			'invalid_scope',
		);
	});

	test('wrong client secret → invalid_client', async () => {
		const c = oauthClient({ clientSecret: 'wrong' });
		const { code } = await emu.control.approveConsent(
			c.generateAuthUrl({ scope: [GMAIL_READONLY] }),
		);
		const error = await gaxiosFailure(c.getToken(code!));
		expect(error.response?.status).toBe(401);
		expect((error.response?.data as Loose).error).toBe('invalid_client');
	});
});

describe('PKCE', () => {
	test('S256: the verifier is checked at the token endpoint', async () => {
		const c = oauthClient();
		const { codeVerifier, codeChallenge } = await c.generateCodeVerifierAsync();
		const url = c.generateAuthUrl({
			scope: [GMAIL_READONLY],
			code_challenge: codeChallenge,
			code_challenge_method: 'S256' as never,
		});
		const wrong = await emu.control.approveConsent(url);
		const mismatch = await gaxiosFailure(
			c.getToken({ code: wrong.code!, codeVerifier: 'x'.repeat(64) }),
		);
		expect(mismatch.response?.data).toMatchObject({ error: 'invalid_grant' });
		const missing = await emu.control.approveConsent(url);
		expect((await gaxiosFailure(c.getToken(missing.code!))).response?.data).toEqual({
			error: 'invalid_grant',
			error_description: 'Missing code verifier.',
		});
		const right = await emu.control.approveConsent(url);
		const { tokens } = await c.getToken({ code: right.code!, codeVerifier: codeVerifier! });
		expect(tokens.access_token).toBeTruthy();
	});

	test('plain', async () => {
		const c = oauthClient();
		const verifier = 'plain-verifier-'.padEnd(50, 'v');
		const url = `${c.generateAuthUrl({ scope: [GMAIL_READONLY] })}&code_challenge=${verifier}&code_challenge_method=plain`;
		const { code } = await emu.control.approveConsent(url);
		const { tokens } = await c.getToken({ code: code!, codeVerifier: verifier });
		expect(tokens.access_token).toBeTruthy();
		expect(createHash('sha256').update(verifier).digest('base64url')).not.toBe(verifier);
	});
});

describe('service account with domain-wide delegation (JWT client)', () => {
	const transporter = () => {
		const gaxios = new Gaxios({ fetchImplementation: fetch });
		gaxios.interceptors.request.add({
			resolved: async (options) => {
				const url = new URL(options.url.toString());
				if (url.origin === 'https://oauth2.googleapis.com') {
					options.url = new URL(url.pathname + url.search, emu.baseUrl);
				}
				return options;
			},
		});
		return gaxios;
	};

	test('JWT with subject gets a token for the delegated user', async () => {
		const key = emu.control.createServiceAccount('delegated.test');
		expect(key).toMatchObject({ type: 'service_account', token_uri: `${emu.baseUrl}/token` });
		expect(key.private_key).toContain('BEGIN PRIVATE KEY');
		const jwt = new JWT({
			email: key.client_email,
			key: key.private_key,
			keyId: key.private_key_id,
			scopes: [GMAIL_READONLY],
			subject: 'bob@delegated.test',
			transporter: transporter(),
		});
		const tokens = await jwt.authorize();
		expect(tokens.access_token).toMatch(/^ya29\./);
		const profile = await jwt.request<Loose>({ url: `${emu.baseUrl}/gmail/v1/users/me/profile` });
		expect(profile.data.emailAddress).toBe('bob@delegated.test');
	});

	test('subject outside the domain → unauthorized_client; bad signature / audience / lifetime → invalid_grant', async () => {
		const key = emu.control.createServiceAccount('delegated.test', { name: 'strict' });
		const outside = new JWT({
			email: key.client_email,
			key: key.private_key,
			scopes: [GMAIL_READONLY],
			subject: 'eve@elsewhere.test',
			transporter: transporter(),
		});
		const refused = await gaxiosFailure(outside.authorize());
		expect(refused.response?.status).toBe(401);
		expect((refused.response?.data as Loose).error).toBe('unauthorized_client');

		const post = (assertion: string) =>
			fetch(`${emu.baseUrl}/token`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
					assertion,
				}),
			}).then(async (r) => ({ status: r.status, body: (await r.json()) as Loose }));
		const now = Math.floor(emu.control.now() / 1000);
		const claims = { iss: key.client_email, sub: 'bob@delegated.test', scope: GMAIL_READONLY };
		const sign = (privateKey: KeyObject, extra: Record<string, unknown> = {}) => {
			const payload = { ...claims, aud: key.token_uri, iat: now, exp: now + 3600, ...extra };
			const head = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
			const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
			const signature = rsaSign('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey);
			return Promise.resolve(`${head}.${body}.${signature.toString('base64url')}`);
		};
		const good = createPrivateKey(key.private_key);
		const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
		expect((await post(await sign(good))).status).toBe(200);
		expect((await post(await sign(other))).body).toEqual({
			error: 'invalid_grant',
			error_description: 'Invalid JWT Signature.',
		});
		expect((await post(await sign(good, { aud: 'https://example.test/token' }))).body.error).toBe(
			'invalid_grant',
		);
		const tooLong = await post(await sign(good, { exp: now + 7200 }));
		expect(tooLong.body.error).toBe('invalid_grant');
		expect(tooLong.body.error_description).toContain('short-lived token');
		const expired = await post(await sign(good, { iat: now - 7200, exp: now - 3600 }));
		expect(expired.body.error).toBe('invalid_grant');
	});
});
