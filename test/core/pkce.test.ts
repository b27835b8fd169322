// PKCE: RFC 7636's own vector, the verifier's shape, and a code exchange against the emulator's
// Google OAuth where only the right verifier gets tokens.
import {
	codeChallengeS256,
	createCodeVerifier,
	createPkcePair,
	isCodeVerifier,
	PkceError,
	signOAuthState,
	verifyOAuthState,
} from '../../core';
import { startEmulator, type Emulator } from '../emulator';

const GMAIL_READONLY = 'https://www.googleapis.com/auth/gmail.readonly';
const REDIRECT = 'http://127.0.0.1:53682/oauth2callback';

describe('PKCE', () => {
	it("gives RFC 7636 Appendix B's challenge for its verifier", () => {
		expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
			'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
		);
	});

	it('makes verifiers of 43 to 128 unreserved characters, each different', () => {
		const seen = new Set<string>();
		for (const length of [43, 64, 100, 128]) {
			for (let i = 0; i < 50; i++) {
				const verifier = createCodeVerifier(length);
				expect(verifier).toHaveLength(length);
				expect(verifier).toMatch(/^[A-Za-z0-9\-._~]+$/);
				expect(isCodeVerifier(verifier)).toBe(true);
				seen.add(verifier);
			}
		}
		expect(seen.size).toBe(200);
		expect(createCodeVerifier()).toHaveLength(64);
		const pair = createPkcePair();
		expect(pair).toEqual({
			verifier: pair.verifier,
			challenge: codeChallengeS256(pair.verifier),
			method: 'S256',
		});
		for (const length of [42, 129, 0, 50.5]) {
			expect(() => createCodeVerifier(length)).toThrow(PkceError);
		}
		for (const verifier of [
			'a'.repeat(42),
			'a'.repeat(129),
			`${'a'.repeat(42)} `,
			`${'a'.repeat(42)}+`,
		]) {
			expect(isCodeVerifier(verifier)).toBe(false);
			expect(() => codeChallengeS256(verifier)).toThrow(PkceError);
		}
		expect(isCodeVerifier(`${'a'.repeat(40)}-._~`)).toBe(true);
	});
});

describe('PKCE and state against the emulated Google OAuth', () => {
	let emu: Emulator;
	const secret = 'a state signing secret of at least 32 bytes';

	beforeAll(async () => {
		emu = await startEmulator({ seed: 'pkce-test', messages: 1 });
	});
	afterAll(() => emu?.stop());

	function authorizationUrl(challenge: string, state: string): string {
		const url = new URL(emu.urls.googleAuth);
		url.search = new URLSearchParams({
			client_id: emu.sandbox.clientId,
			redirect_uri: REDIRECT,
			response_type: 'code',
			scope: GMAIL_READONLY,
			access_type: 'offline',
			prompt: 'consent',
			state,
			code_challenge: challenge,
			code_challenge_method: 'S256',
		}).toString();
		return url.href;
	}

	async function exchange(code: string, verifier: string) {
		const response = await fetch(emu.urls.googleToken, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'authorization_code',
				code,
				redirect_uri: REDIRECT,
				client_id: emu.sandbox.clientId,
				client_secret: emu.sandbox.clientSecret,
				code_verifier: verifier,
			}).toString(),
		});
		return { status: response.status, body: (await response.json()) as Record<string, unknown> };
	}

	async function consent(challenge: string) {
		const signed = signOAuthState(
			{
				workspaceId: '11111111-1111-4111-8111-111111111111',
				userId: 'user-1',
				provider: 'google',
				returnUrl: 'https://crm.example/back',
			},
			{ secret },
		);
		const result = await emu.control.approveConsent(authorizationUrl(challenge, signed.token), {
			email: emu.sandbox.googleEmail,
		});
		expect(result.error).toBeUndefined();
		expect(result.code).toBeTruthy();
		// The state comes back unchanged and still verifies.
		expect(result.state).toBe(signed.token);
		expect(verifyOAuthState(result.state!, { secret }).nonce).toBe(signed.nonce);
		return result.code!;
	}

	it('exchanges a code for tokens with the right verifier', async () => {
		const { verifier, challenge } = createPkcePair();
		const { status, body } = await exchange(await consent(challenge), verifier);
		expect(status).toBe(200);
		expect(body.access_token).toEqual(expect.any(String));
		expect(body.refresh_token).toEqual(expect.any(String));
	});

	it('refuses the exchange with another verifier', async () => {
		const { challenge } = createPkcePair();
		const { status, body } = await exchange(await consent(challenge), createCodeVerifier());
		expect(status).toBe(400);
		expect(body).toMatchObject({ error: 'invalid_grant' });
		expect(body.access_token).toBeUndefined();
	});
});
