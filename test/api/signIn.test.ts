// Sign in with Google against the emulator's Google: start → consent → callback → the CRM's return
// URL with a verified identity, and every way a sign-in must be refused (foreign return URL, a
// callback from another browser or replayed, a wrong nonce, a tampered ID token) — plus the ID
// token checks one by one (issuer, audience, expiry, nonce, signature, keys) with tokens the
// emulator's key signs.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import { SignJWT } from 'jose';

import {
	completeSignIn,
	SIGN_IN_SCOPES,
	signInCallbackUrl,
	signInConfigOf,
	SignInError,
	startSignIn,
	type SignInConfig,
} from '../../core/api/signInRoutes';
import { createPkcePair } from '../../core/security/pkce';
import {
	clearJwksCache,
	SIGN_IN_ASSERTION_MAX_LIFETIME_SECONDS,
	signSignInAssertion,
	SignInTokenError,
	verifyGoogleIdToken,
	verifySignInAssertion,
} from '../../core/security/signInAssertion';
import { signApiToken, verifyApiToken } from '../../core/security/apiToken';
import { startEmulator, type Emulator } from '../emulator';
import { signingKey, signJwt } from '../emulator/core/oauth';
import { googleEmulatorApp } from '../support/providerCredentials';

const CRM_ORIGIN = 'https://crm.example';
const RETURN_URL = `${CRM_ORIGIN}/login/google/done?next=%2Finbox`;
const API_SECRET = new Uint8Array(randomBytes(32));
const EMAIL = 'gina@acme.example';

let emu: Emulator;
let config: SignInConfig;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'sign-in', messages: 0 });
	config = signInConfigOf(googleEmulatorApp(emu), {
		publicBaseUrl: 'http://127.0.0.1:5678/webhook/crm-api/',
		allowedReturnOrigins: [CRM_ORIGIN, 'http://localhost:3000'],
		apiSigningSecret: API_SECRET,
		stateSecret: new Uint8Array(randomBytes(32)),
	});
});
afterAll(async () => {
	await emu.stop();
});
beforeEach(() => clearJwksCache());

/** The browser's part: start, the cookie it keeps, the authorization URL it is sent to. */
async function start(returnUrl = RETURN_URL) {
	const answer = await startSignIn(config, { query: { return_url: returnUrl }, headers: {} });
	expect(answer.status).toBe(302);
	const setCookie = answer.headers?.['set-cookie'] ?? '';
	const cookie = setCookie.split(';')[0]!;
	return { authorize: new URL(answer.redirect!), setCookie, cookie };
}

/** The user approves at Google; the callback query Google sends the browser back with. */
async function consent(authorize: URL, email = EMAIL) {
	const result = await emu.control.approveConsent(authorize.toString(), { email });
	const location = new URL(result.location);
	expect(`${location.origin}${location.pathname}`).toBe(signInCallbackUrl(config));
	return Object.fromEntries(location.searchParams) as Record<string, string>;
}

describe('Sign in with Google', () => {
	test('start → consent → callback: the return URL gets a five-minute assertion of the verified identity', async () => {
		const { authorize, setCookie, cookie } = await start();
		expect(`${authorize.origin}${authorize.pathname}`).toBe(`${emu.baseUrl}/o/oauth2/v2/auth`);
		const params = Object.fromEntries(authorize.searchParams);
		expect(params).toMatchObject({
			client_id: emu.sandbox.clientId,
			redirect_uri: 'http://127.0.0.1:5678/webhook/crm-api/auth/google/callback',
			response_type: 'code',
			scope: 'openid email profile',
			code_challenge_method: 'S256',
			access_type: 'online',
		});
		expect(SIGN_IN_SCOPES).toBe('openid email profile');
		expect(params.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(params.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
		// The flow is in an HttpOnly cookie on the callback's path; the return URL is not in the URL.
		expect(setCookie).toMatch(
			/^crm_sign_in_[A-Za-z0-9_-]{16}=[^;]+; Path=\/webhook\/crm-api\/auth\/google\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/,
		);
		expect(authorize.toString()).not.toContain('crm.example');

		const callback = await consent(authorize);
		const { response, identity } = await completeSignIn(config, {
			query: callback,
			headers: { cookie: `other=1; ${cookie}` },
		});
		expect(response.status).toBe(302);
		const back = new URL(response.redirect!);
		expect(`${back.origin}${back.pathname}`).toBe(`${CRM_ORIGIN}/login/google/done`);
		expect(back.searchParams.get('next')).toBe('/inbox');
		expect(response.headers?.['set-cookie']).toMatch(/Max-Age=0/);

		const assertion = back.searchParams.get('sign_in_assertion')!;
		const claims = await verifySignInAssertion(assertion, API_SECRET);
		expect(claims).toMatchObject({
			email: EMAIL,
			email_verified: true,
			name: expect.any(String),
			sub: expect.any(String),
			hd: 'acme.example',
			provider: 'google',
		});
		expect(claims.exp - claims.iat).toBeLessThanOrEqual(SIGN_IN_ASSERTION_MAX_LIFETIME_SECONDS);
		expect(identity).toMatchObject({ email: EMAIL, hd: 'acme.example', sub: claims.sub });
		// Identity only: nothing of Google's tokens in what the browser gets.
		expect(JSON.stringify(response)).not.toMatch(/ya29|access_token|id_token|refresh/i);
		// Google granted identity scopes only.
		expect(callback.scope?.split(' ').sort()).toEqual(
			[
				'openid',
				'https://www.googleapis.com/auth/userinfo.email',
				'https://www.googleapis.com/auth/userinfo.profile',
			].sort(),
		);

		// The callback again (the cookie is gone from the browser; even with it, the code is spent).
		const withoutCookie = await completeSignIn(config, { query: callback, headers: {} });
		expect(withoutCookie.response.status).toBe(400);
		const withCookie = await completeSignIn(config, { query: callback, headers: { cookie } });
		expect(withCookie.response.status).toBe(302);
		expect(new URL(withCookie.response.redirect!).searchParams.get('sign_in_error')).toBe(
			'provider_error',
		);
		expect(withCookie.identity).toBeUndefined();
	});

	test('a return URL on a foreign origin (or not http) is refused before Google is asked', async () => {
		for (const returnUrl of [
			'https://evil.example/steal',
			'https://crm.example.evil.example/',
			'http://crm.example/login', // scheme is part of the origin
			'javascript:alert(1)',
			'https://user:pw@crm.example/',
			'/relative/path',
			'',
		]) {
			await expect(
				startSignIn(config, { query: { return_url: returnUrl }, headers: {} }),
			).rejects.toMatchObject({ status: 400, code: 'bad_request' });
		}
		await expect(startSignIn(config, { query: {}, headers: {} })).rejects.toBeInstanceOf(
			SignInError,
		);
	});

	test('a callback from another browser, with a state not matching the cookie, or a forged cookie is refused', async () => {
		const first = await start();
		const second = await start();
		const callback = await consent(first.authorize);
		for (const cookie of [
			undefined,
			second.cookie.replace(/^[^=]+/, first.cookie.split('=')[0]!), // the other flow's cookie under this name
			`${first.cookie.split('=')[0]}=${'x'.repeat(40)}`,
		]) {
			const { response } = await completeSignIn(config, {
				query: callback,
				headers: cookie ? { cookie } : {},
			});
			expect(response.status).toBe(400);
			expect(response.body).toEqual({
				error: { code: 'bad_request', message: expect.any(String) },
			});
		}
		// A state that is not ours at all.
		await expect(
			completeSignIn(config, { query: { ...callback, state: 'short' }, headers: {} }),
		).rejects.toMatchObject({ status: 400 });
	});

	test('an ID token with another nonce (the authorization request altered) is refused', async () => {
		const { authorize, cookie } = await start();
		authorize.searchParams.set('nonce', randomBytes(32).toString('base64url'));
		const callback = await consent(authorize);
		const { response, identity } = await completeSignIn(config, {
			query: callback,
			headers: { cookie },
		});
		const back = new URL(response.redirect!);
		expect(back.searchParams.get('sign_in_error')).toBe('invalid_id_token');
		expect(back.searchParams.get('sign_in_message')).toContain('nonce');
		expect(back.searchParams.get('sign_in_assertion')).toBeNull();
		expect(identity).toBeUndefined();
	});

	test('a tampered ID token from the token endpoint is refused', async () => {
		const { authorize, cookie } = await start();
		const callback = await consent(authorize);
		// A man in the middle swaps the email in the ID token's payload.
		const tampering: typeof fetch = async (input, init) => {
			const answer = await fetch(input, init);
			if (!String(input).endsWith('/token')) return answer;
			const body = (await answer.json()) as { id_token: string };
			const [head, payload, signature] = body.id_token.split('.');
			const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
			claims.email = 'ceo@acme.example';
			const forged = `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
			return new Response(JSON.stringify({ ...body, id_token: forged }), {
				status: 200,
				headers: { 'content-type': 'application/json' },
			});
		};
		const { response } = await completeSignIn(
			config,
			{ query: callback, headers: { cookie } },
			{ fetch: tampering },
		);
		const back = new URL(response.redirect!);
		expect(back.searchParams.get('sign_in_error')).toBe('invalid_id_token');
		expect(back.searchParams.get('sign_in_message')).toContain('signature');
	});

	test('the user cancelling at Google goes back to the CRM as access_denied', async () => {
		const { authorize, cookie } = await start();
		const denied = await emu.control.denyConsent(authorize.toString());
		const query = Object.fromEntries(new URL(denied.location).searchParams);
		const { response } = await completeSignIn(config, { query, headers: { cookie } });
		expect(new URL(response.redirect!).searchParams.get('sign_in_error')).toBe('access_denied');
	});

	test('without a Sign-In client the routes answer not configured', () => {
		expect(() =>
			signInConfigOf(
				{ clientId: '' },
				{
					publicBaseUrl: 'http://x',
					allowedReturnOrigins: [],
					apiSigningSecret: API_SECRET,
					stateSecret: API_SECRET,
				},
			),
		).toThrow(expect.objectContaining({ status: 503, code: 'not_configured' }));
	});
});

describe("Google's ID token checks", () => {
	const NONCE = 'n-0123456789abcdefghijklmnop';
	let certsUrl: string;
	let sign: (claims: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>;

	beforeAll(() => {
		certsUrl = `${emu.baseUrl}/oauth2/v3/certs`;
		sign = async (claims, header = {}) => {
			const key = await signingKey(emu.state);
			const iat = Math.floor(Date.now() / 1000);
			return signJwt(
				{
					iss: 'https://accounts.google.com',
					aud: emu.sandbox.clientId,
					azp: emu.sandbox.clientId,
					sub: '1234567890',
					email: EMAIL,
					email_verified: true,
					iat,
					exp: iat + 3600,
					nonce: NONCE,
					...claims,
				},
				key.privateKey,
				{ kid: key.kid, ...header },
			);
		};
	});

	const verify = (token: string, overrides: { nonce?: string; now?: Date } = {}) =>
		verifyGoogleIdToken(token, {
			clientId: emu.sandbox.clientId,
			nonce: overrides.nonce ?? NONCE,
			certsUrl,
			now: overrides.now,
		});

	test('a token Google signed for us with our nonce passes', async () => {
		await expect(verify(await sign({ hd: 'Acme.Example' }))).resolves.toEqual({
			sub: '1234567890',
			email: EMAIL,
			emailVerified: true,
			name: null,
			hd: 'acme.example',
		});
		// Without hd (a consumer account) and with email_verified as Google's string form.
		await expect(verify(await sign({ email_verified: 'true' }))).resolves.toMatchObject({
			hd: null,
			emailVerified: true,
		});
	});

	test.each([
		['another issuer', { iss: 'https://evil.example' }, 'issuer'],
		['another audience', { aud: 'someone-else.apps.googleusercontent.com' }, 'audience'],
		['another authorized party', { azp: 'someone-else.apps.googleusercontent.com' }, 'audience'],
		[
			'an expired token',
			{ iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 },
			'expired',
		],
		['another nonce', { nonce: 'n-another-nonce-0123456789abcd' }, 'nonce'],
		['no nonce', { nonce: undefined }, 'nonce'],
		['no email', { email: undefined }, 'claims'],
		['issued in the future', { iat: Math.floor(Date.now() / 1000) + 3600 }, 'claims'],
	])('%s is refused', async (_what, claims, reason) => {
		const error = await verify(await sign(claims)).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(SignInTokenError);
		expect((error as SignInTokenError).reason).toBe(reason);
	});

	test('a token that expires while in flight is refused at its expiry', async () => {
		const token = await sign({});
		await expect(verify(token, { now: new Date(Date.now() + 2 * 3600_000) })).rejects.toMatchObject(
			{
				reason: 'expired',
			},
		);
	});

	test('a tampered payload, a foreign key under Google key id, HS256 and alg none are refused', async () => {
		const genuine = await sign({});
		const [head, payload, signature] = genuine.split('.');
		const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
		const tampered = `${head}.${Buffer.from(JSON.stringify({ ...claims, email: 'ceo@acme.example' })).toString('base64url')}.${signature}`;
		await expect(verify(tampered)).rejects.toMatchObject({ reason: 'signature' });

		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const key = await signingKey(emu.state);
		const foreign = signJwt(claims, privateKey, { kid: key.kid });
		await expect(verify(foreign)).rejects.toMatchObject({ reason: 'signature' });

		const unknownKid = signJwt(claims, privateKey, { kid: 'not-a-google-key' });
		await expect(verify(unknownKid)).rejects.toMatchObject({ reason: 'signature' });

		const hs256 = await new SignJWT(claims)
			.setProtectedHeader({ alg: 'HS256', kid: key.kid })
			.sign(new TextEncoder().encode(emu.sandbox.clientSecret.padEnd(32, '-')));
		await expect(verify(hs256)).rejects.toMatchObject({ reason: 'signature' });

		const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
		await expect(verify(none)).rejects.toBeInstanceOf(SignInTokenError);
		await expect(verify('not a jwt')).rejects.toMatchObject({ reason: 'malformed' });
	});

	test("Google's keys not answering is a keys refusal, not a pass", async () => {
		await expect(
			verifyGoogleIdToken(await sign({}), {
				clientId: emu.sandbox.clientId,
				nonce: NONCE,
				certsUrl: `${emu.baseUrl}/no-such-certs`,
			}),
		).rejects.toMatchObject({ reason: 'keys' });
	});
});

describe('the assertion', () => {
	const identity = { sub: '42', email: EMAIL, emailVerified: true, name: 'Gina', hd: null };

	test('lives at most five minutes and expires', async () => {
		await expect(
			signSignInAssertion(identity, API_SECRET, { lifetimeSeconds: 301 }),
		).rejects.toThrow(RangeError);
		const now = new Date();
		const token = await signSignInAssertion(identity, API_SECRET, { now });
		await expect(verifySignInAssertion(token, API_SECRET, { now })).resolves.toMatchObject({
			sub: '42',
			email: EMAIL,
			hd: null,
		});
		await expect(
			verifySignInAssertion(token, API_SECRET, { now: new Date(now.getTime() + 331_000) }),
		).rejects.toMatchObject({ reason: 'expired' });
	});

	test('another secret, a tampered claim, or an API token are not assertions; an assertion is no API token', async () => {
		const token = await signSignInAssertion(identity, API_SECRET);
		await expect(
			verifySignInAssertion(token, new Uint8Array(randomBytes(32))),
		).rejects.toMatchObject({
			reason: 'signature',
		});
		const [head, payload, signature] = token.split('.');
		const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
		const tampered = `${head}.${Buffer.from(JSON.stringify({ ...claims, email: 'ceo@acme.example' })).toString('base64url')}.${signature}`;
		await expect(verifySignInAssertion(tampered, API_SECRET)).rejects.toMatchObject({
			reason: 'signature',
		});
		const apiToken = await signApiToken(
			{ workspaceId: '11111111-1111-4111-8111-111111111111', userId: 'u', scopes: [] },
			API_SECRET,
		);
		await expect(verifySignInAssertion(apiToken, API_SECRET)).rejects.toBeInstanceOf(
			SignInTokenError,
		);
		await expect(verifyApiToken(token, API_SECRET)).rejects.toMatchObject({ status: 401 });
	});

	test('PKCE is S256 with a fresh verifier per sign-in', async () => {
		const a = await start();
		const b = await start();
		expect(a.authorize.searchParams.get('code_challenge')).not.toBe(
			b.authorize.searchParams.get('code_challenge'),
		);
		expect(a.authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(createPkcePair().method).toBe('S256');
	});
});
