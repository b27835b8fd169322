/**
 * Microsoft identity platform v2 over plain HTTP, exactly as the protocol documents it (MSAL
 * refuses non-https authorities, so it cannot be pointed at a local http server): code flow,
 * PKCE, refresh-token rotation with a grace period, and the AADSTS error bodies.
 */
import { createHash, randomBytes } from 'node:crypto';
import { startEmulator, type Emulator } from './index';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const REDIRECT = 'http://localhost:3000/auth/callback';
const SCOPES =
	'openid profile offline_access https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/User.Read';

let emu: Emulator;
let tenant: string;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'ms-identity-test', messages: 20 });
	tenant = 'common';
});
afterAll(() => emu?.stop());

function authorizeUrl(params: Record<string, string> = {}): string {
	const url = new URL(`${emu.urls.microsoftLogin}${tenant}/oauth2/v2.0/authorize`);
	url.search = new URLSearchParams({
		client_id: emu.sandbox.microsoftClientId,
		response_type: 'code',
		redirect_uri: REDIRECT,
		response_mode: 'query',
		scope: SCOPES,
		state: 'ms-state',
		...params,
	}).toString();
	return url.href;
}

async function token(form: Record<string, string>): Promise<{ status: number; body: Loose }> {
	const res = await fetch(`${emu.urls.microsoftLogin}${tenant}/oauth2/v2.0/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(form).toString(),
	});
	return { status: res.status, body: await res.json() };
}

const confidential = () => ({
	client_id: emu.sandbox.microsoftClientId,
	client_secret: emu.sandbox.microsoftClientSecret,
});

async function codeFor(params: Record<string, string> = {}, email?: string): Promise<string> {
	const result = await emu.control.approveConsent(authorizeUrl(params), { email });
	expect(result.state).toBe(params.state ?? 'ms-state');
	return result.code!;
}

function expectAadError(body: Loose, error: string, code: number): void {
	expect(body.error).toBe(error);
	expect(body.error_codes).toEqual([code]);
	expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
	expect(body.error_description).toContain('Trace ID:');
	expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
	expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
	expect(body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
}

describe('authorization code flow', () => {
	test('consent page over plain HTTP → code → tokens that Graph accepts', async () => {
		const page = await fetch(authorizeUrl());
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('https://graph.microsoft.com/Mail.ReadWrite');
		const consentId = /name="consent_id" value="([^"]+)"/.exec(html)![1]!;
		const action = /<form id="approve" method="POST" action="([^"]+)"/.exec(html)![1]!;
		const approved = await fetch(new URL(action, emu.baseUrl), {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ consent_id: consentId, decision: 'approve' }).toString(),
			redirect: 'manual',
		});
		expect(approved.status).toBe(302);
		const redirect = new URL(approved.headers.get('location')!);
		expect(redirect.origin + redirect.pathname).toBe(REDIRECT);
		expect(redirect.searchParams.get('state')).toBe('ms-state');

		const { status, body } = await token({
			...confidential(),
			grant_type: 'authorization_code',
			code: redirect.searchParams.get('code')!,
			redirect_uri: REDIRECT,
			scope: SCOPES,
		});
		expect(status).toBe(200);
		expect(body).toMatchObject({
			token_type: 'Bearer',
			expires_in: expect.any(Number),
			ext_expires_in: expect.any(Number),
		});
		expect(body.scope.split(' ')).toEqual(
			expect.arrayContaining([
				'https://graph.microsoft.com/Mail.ReadWrite',
				'https://graph.microsoft.com/User.Read',
				'offline_access',
			]),
		);
		expect(body.refresh_token).toBeTruthy();
		const claims = JSON.parse(Buffer.from(body.id_token.split('.')[1], 'base64url').toString());
		expect(claims).toMatchObject({
			preferred_username: emu.sandbox.microsoftEmail,
			ver: '2.0',
			aud: emu.sandbox.microsoftClientId,
		});
		const access = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
		expect(access.scp.split(' ').sort()).toEqual(['Mail.ReadWrite', 'User.Read']);

		const me = await fetch(`${emu.urls.graph}/me`, {
			headers: { authorization: `Bearer ${body.access_token}` },
		});
		expect(me.status).toBe(200);
		expect(((await me.json()) as Loose).mail ?? '').toBe(emu.sandbox.microsoftEmail);
	});

	test('short scope names map onto Graph permissions; a missing permission is 403 on Graph', async () => {
		const code = await codeFor({ scope: 'User.Read offline_access' });
		const { body } = await token({
			...confidential(),
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT,
		});
		const mail = await fetch(`${emu.urls.graph}/me/messages`, {
			headers: { authorization: `Bearer ${body.access_token}` },
		});
		expect(mail.status).toBe(403);
		expect(((await mail.json()) as Loose).error.code).toBe('ErrorAccessDenied');
	});

	test('no offline_access → no refresh token', async () => {
		const code = await codeFor({ scope: 'openid https://graph.microsoft.com/Mail.Read' });
		const { body } = await token({
			...confidential(),
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT,
		});
		expect(body.access_token).toBeTruthy();
		expect(body.refresh_token).toBeUndefined();
	});

	test('a code is redeemed once (AADSTS54005); a bad secret is invalid_client AADSTS7000215', async () => {
		const code = await codeFor();
		const bad = await token({
			client_id: emu.sandbox.microsoftClientId,
			client_secret: 'not-the-secret',
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT,
		});
		expect(bad.status).toBe(401);
		expectAadError(bad.body, 'invalid_client', 7000215);
		const missing = await token({
			client_id: emu.sandbox.microsoftClientId,
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT,
		});
		expectAadError(missing.body, 'invalid_client', 7000218);
		const first = await token({
			...confidential(),
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT,
		});
		expect(first.status).toBe(200);
		const again = await token({
			...confidential(),
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT,
		});
		expect(again.status).toBe(400);
		expectAadError(again.body, 'invalid_grant', 54005);
	});

	test('deny → access_denied AADSTS65004 with state; invalid scope → invalid_scope', async () => {
		const denied = await emu.control.denyConsent(authorizeUrl({ state: 'no-thanks' }));
		expect(denied.error).toBe('access_denied');
		expect(denied.state).toBe('no-thanks');
		expect(denied.errorDescription).toMatch(/^AADSTS65004:/);
		const res = await fetch(authorizeUrl({ scope: 'https://graph.microsoft.com/Nope.Nothing' }), {
			redirect: 'manual',
		});
		expect(res.status).toBe(302);
		expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
		const mismatch = await fetch(authorizeUrl({ redirect_uri: 'https://evil.example/cb' }));
		expect(mismatch.status).toBe(400);
		expect(await mismatch.text()).toContain('AADSTS50011');
	});

	test('PKCE (S256) with a public client', async () => {
		const app = emu.control.createOAuthClient({ provider: 'microsoft', public: true, name: 'SPA' });
		const verifier = randomBytes(48).toString('base64url');
		const challenge = createHash('sha256').update(verifier).digest('base64url');
		const params = {
			client_id: app.clientId,
			code_challenge: challenge,
			code_challenge_method: 'S256',
		};
		const wrongCode = await codeFor(params);
		const wrong = await token({
			client_id: app.clientId,
			grant_type: 'authorization_code',
			code: wrongCode,
			redirect_uri: REDIRECT,
			code_verifier: 'x'.repeat(50),
		});
		expectAadError(wrong.body, 'invalid_grant', 501481);
		const code = await codeFor(params);
		const ok = await token({
			client_id: app.clientId,
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT,
			code_verifier: verifier,
		});
		expect(ok.status).toBe(200);
	});
});

describe('refresh-token rotation', () => {
	test('every refresh returns a new refresh token; the old one dies after the grace period (AADSTS70008)', async () => {
		const code = await codeFor({}, 'rotation@crm-connect.onmicrosoft.test');
		const first = (
			await token({
				...confidential(),
				grant_type: 'authorization_code',
				code,
				redirect_uri: REDIRECT,
			})
		).body;
		const r1 = first.refresh_token as string;

		const second = await token({
			...confidential(),
			grant_type: 'refresh_token',
			refresh_token: r1,
			scope: SCOPES,
		});
		expect(second.status).toBe(200);
		const r2 = second.body.refresh_token as string;
		expect(r2).toBeTruthy();
		expect(r2).not.toBe(r1);

		// Within the grace period (default 60 s of emulator clock) the old token still works.
		emu.control.advanceClock(30_000);
		const withinGrace = await token({
			...confidential(),
			grant_type: 'refresh_token',
			refresh_token: r1,
		});
		expect(withinGrace.status).toBe(200);

		emu.control.advanceClock(31_000);
		const stale = await token({
			...confidential(),
			grant_type: 'refresh_token',
			refresh_token: r1,
		});
		expect(stale.status).toBe(400);
		expectAadError(stale.body, 'invalid_grant', 70008);

		// The newest token keeps working and rotates again.
		const third = await token({
			...confidential(),
			grant_type: 'refresh_token',
			refresh_token: r2,
		});
		expect(third.status).toBe(200);
		expect(third.body.refresh_token).not.toBe(r2);
		const me = await fetch(`${emu.urls.graph}/me`, {
			headers: { authorization: `Bearer ${third.body.access_token}` },
		});
		expect(me.status).toBe(200);
	});

	test('the grace period is configurable', async () => {
		emu.control.configure({ microsoftRefreshTokenGraceMs: 0 });
		try {
			const code = await codeFor();
			const r1 = (
				await token({
					...confidential(),
					grant_type: 'authorization_code',
					code,
					redirect_uri: REDIRECT,
				})
			).body.refresh_token;
			expect(
				(await token({ ...confidential(), grant_type: 'refresh_token', refresh_token: r1 })).status,
			).toBe(200);
			emu.control.advanceClock(1);
			const stale = await token({
				...confidential(),
				grant_type: 'refresh_token',
				refresh_token: r1,
			});
			expectAadError(stale.body, 'invalid_grant', 70008);
		} finally {
			emu.control.configure({ microsoftRefreshTokenGraceMs: 60_000 });
		}
	});

	test('revoked grant → invalid_grant AADSTS50173; expired access token → Graph 401', async () => {
		const email = 'revoked@crm-connect.onmicrosoft.test';
		const code = await codeFor({}, email);
		const tokens = (
			await token({
				...confidential(),
				grant_type: 'authorization_code',
				code,
				redirect_uri: REDIRECT,
			})
		).body;
		emu.control.advanceClock(tokens.expires_in * 1000 + 1000);
		const expired = await fetch(`${emu.urls.graph}/me`, {
			headers: { authorization: `Bearer ${tokens.access_token}` },
		});
		expect(expired.status).toBe(401);
		expect(((await expired.json()) as Loose).error.code).toBe('InvalidAuthenticationToken');
		emu.control.revokeGrants(email);
		const revoked = await token({
			...confidential(),
			grant_type: 'refresh_token',
			refresh_token: tokens.refresh_token,
		});
		expect(revoked.status).toBe(400);
		expectAadError(revoked.body, 'invalid_grant', 50173);
	});
});
