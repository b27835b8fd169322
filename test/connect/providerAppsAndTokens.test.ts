// The `CRM Connect Apps` credential read into provider apps (errors name the field, never a
// secret), and the CRM backend's API tokens (HS256, workspace, user, scopes, short lifetime).
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

import {
	API_TOKEN_MAX_LIFETIME_SECONDS,
	ApiAuthError,
	requireScope,
	signApiToken,
	verifyApiToken,
} from '../../core/security/apiToken';
import { parseProviderApps, ProviderAppsError } from '../../core/sync/providerApps';
import { credentialData, KEY_1, KEY_2, WORKSPACE_A } from './support';

function refusal(data: Record<string, unknown>): ProviderAppsError {
	try {
		parseProviderApps(data);
	} catch (error) {
		expect(error).toBeInstanceOf(ProviderAppsError);
		return error as ProviderAppsError;
	}
	throw new Error('expected the credential to be refused');
}

describe('parseProviderApps', () => {
	it('reads both apps, the keyring (first line active), origins and the real endpoints by default', () => {
		const apps = parseProviderApps(
			credentialData(undefined, {
				tokenKeys: `# rotated 2026-12\nk2:${KEY_2}\nk1:${KEY_1}\n`,
				allowedReturnOrigins:
					'https://crm.example/path, http://localhost:3000\nhttps://crm.example',
				publicBaseUrl: 'https://n8n.example/webhook/crm-api/',
				notice: '',
				customEndpoints: false,
			}),
		);
		expect(apps.google).toEqual({
			clientId: 'client.apps.googleusercontent.com',
			clientSecret: 'GOCSPX-secret',
		});
		expect(apps.microsoft).toMatchObject({ tenant: 'common' });
		expect(apps.cipher.activeKeyId).toBe('k2');
		expect(apps.cipher.keyIdOf(apps.cipher.encrypt('x', 'aad'))).toBe('k2');
		expect(apps.allowedReturnOrigins).toEqual(['https://crm.example', 'http://localhost:3000']);
		expect(apps.publicBaseUrl).toBe('https://n8n.example/webhook/crm-api');
		expect(apps.endpoints).toEqual({
			googleAuthBaseUrl: 'https://accounts.google.com',
			googleTokenBaseUrl: 'https://oauth2.googleapis.com',
			googleApiBaseUrl: 'https://www.googleapis.com',
			microsoftLoginBaseUrl: 'https://login.microsoftonline.com',
			graphBaseUrl: 'https://graph.microsoft.com',
		});
	});

	it('leaves out an app without client id and secret, and accepts nested endpoint overrides', () => {
		const apps = parseProviderApps(
			credentialData(undefined, {
				microsoftClientId: '',
				microsoftClientSecret: '',
				endpoints: { googleAuthBaseUrl: 'http://127.0.0.1:9/' },
			}),
		);
		expect(apps.microsoft).toBeUndefined();
		expect(apps.endpoints.googleAuthBaseUrl).toBe('http://127.0.0.1:9');
	});

	it('names the field and never echoes a secret', () => {
		const secret = 'GOCSPX-very-secret-value';
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ googleClientId: '', googleClientSecret: secret }, "'googleClientId' is required"],
			[{ tokenKeys: 'no-colon-here' }, "'tokenKeys' line 1 must be 'keyId:base64key'"],
			[{ tokenKeys: `k1:${secret}` }, "'tokenKeys' line 1: Key 'k1'"],
			[{ tokenKeys: `k1:${KEY_1}\nk1:${KEY_2}` }, "names key 'k1' twice"],
			[{ tokenKeys: '' }, "'tokenKeys'"],
			[{ apiSigningSecret: 'short' }, "'apiSigningSecret' must be at least 32 bytes"],
			[{ publicBaseUrl: 'not a url' }, "'publicBaseUrl'"],
			[{ allowedReturnOrigins: 'ftp://files.example' }, "'allowedReturnOrigins'"],
			[{ microsoftTenant: 'bad tenant/..' }, "'microsoftTenant'"],
		];
		for (const [overrides, expected] of cases) {
			const error = refusal(credentialData(undefined, overrides));
			expect(error.message).toContain(expected);
			expect(error.message).not.toContain(secret);
			expect(error.message).not.toContain(KEY_1);
			expect(error.message).not.toContain(KEY_2);
		}
		expect(refusal(undefined as unknown as Record<string, unknown>).message).toBe(
			'The CRM Connect Apps credential has no data',
		);
	});
});

describe('API tokens', () => {
	const secret = new Uint8Array(randomBytes(32));
	const claims = { workspaceId: WORKSPACE_A, userId: 'user-9', scopes: ['integrations:read'] };

	async function refused(token: string, options: { now?: Date } = {}): Promise<ApiAuthError> {
		const error = await verifyApiToken(token, secret, options).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ApiAuthError);
		expect((error as ApiAuthError).status).toBe(401);
		expect((error as Error).message).not.toContain(token);
		return error as ApiAuthError;
	}

	it('accepts a token the backend signed and gives workspace, user and scopes', async () => {
		const principal = await verifyApiToken(await signApiToken(claims, secret), secret);
		expect(principal).toMatchObject({
			workspaceId: WORKSPACE_A,
			userId: 'user-9',
			scopes: ['integrations:read'],
		});
		expect(() => requireScope(principal, 'integrations:read')).not.toThrow();
		expect(() => requireScope(principal, 'integrations:write')).toThrow(
			"The API token lacks the scope 'integrations:write'",
		);
	});

	it('refuses expired, long-lived, future, foreign, unsigned and incomplete tokens with a reason', async () => {
		const now = new Date();
		expect(
			(
				await refused(
					await signApiToken({ ...claims, now: new Date(now.getTime() - 600_000) }, secret),
				)
			).message,
		).toBe('The API token has expired');
		// 30 s of clock skew is tolerated, more is not.
		await verifyApiToken(
			await signApiToken({ ...claims, now: new Date(now.getTime() - 315_000) }, secret),
			secret,
		);
		expect(
			(
				await refused(
					await signApiToken(
						{ ...claims, lifetimeSeconds: API_TOKEN_MAX_LIFETIME_SECONDS + 60 },
						secret,
					),
				)
			).message,
		).toContain('at most 15 minutes');
		expect(
			(
				await refused(
					await signApiToken({ ...claims, now: new Date(now.getTime() + 120_000) }, secret),
				)
			).message,
		).toContain('issued in the future');
		expect(
			(await refused(await signApiToken(claims, new Uint8Array(randomBytes(32))))).message,
		).toBe('The API token signature does not verify: it was not signed with this secret');

		const iat = Math.floor(now.getTime() / 1000);
		const sign = (payload: Record<string, unknown>, alg = 'HS256') =>
			new SignJWT(payload)
				.setProtectedHeader({ alg })
				.sign(alg === 'HS256' ? secret : randomBytes(64));
		expect(
			(await refused(await sign({ workspace_id: WORKSPACE_A, sub: 'u', scopes: [], iat }))).message,
		).toBe("The API token lacks the 'exp' claim");
		expect(
			(
				await refused(
					await sign({ workspace_id: 'acme', sub: 'u', scopes: [], iat, exp: iat + 60 }),
				)
			).message,
		).toBe('The API token must carry workspace_id, a UUID');
		expect(
			(
				await refused(
					await sign({ workspace_id: WORKSPACE_A, sub: 'u', scopes: 'all', iat, exp: iat + 60 }),
				)
			).message,
		).toBe('The API token must carry scopes, an array of scope names');
		expect(
			(
				await refused(
					await sign(
						{ workspace_id: WORKSPACE_A, sub: 'u', scopes: [], iat, exp: iat + 60 },
						'HS512',
					),
				)
			).message,
		).toBe('The API token must be signed with HS256');
		const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
			JSON.stringify({ workspace_id: WORKSPACE_A, sub: 'u', scopes: [], iat, exp: iat + 60 }),
		).toString('base64url')}.`;
		await refused(unsigned);
		expect((await refused('garbage')).message).toBe('The API token is malformed');
	});
});
