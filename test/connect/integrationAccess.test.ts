// Access tokens for the sync engine: refreshed 5 minutes before expiry, single-flight under the row
// lock (two callers on separate connections, one refresh reaching the provider), Microsoft's
// rotated refresh token stored with it, a revoked grant turning the integration to
// requires_reauth; and a key rotation over connected rows.
import type { Knex } from 'knex';

import { createTokenCipher } from '../../core/security/tokenCipher';
import { closeDatabase, openDatabase, type CrmDatabase } from '../../core/store/database';
import { openTokens, reencryptIntegrationTokens } from '../../core/store/integrations';
import {
	createIntegrationAccess,
	IntegrationAuthError,
	REAUTH_MESSAGE,
} from '../../core/sync/integrationAccess';
import { startEmulator, type Emulator } from '../emulator';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import {
	apiCaller,
	appsFor,
	connectThroughConsent,
	KEY_1,
	KEY_2,
	WORKSPACE_A,
	type ApiCaller,
} from './support';

let test: TestDatabase;
let second: CrmDatabase;
let knex: Knex;
let emu: Emulator;
let api: ApiCaller;
const emulatorNow = () => new Date(emu.control.now());

beforeAll(async () => {
	[test, emu] = await Promise.all([
		createTestDatabase(),
		startEmulator({ seed: 'integration-access', messages: 5 }),
	]);
	knex = test.database.knex;
	// A second pool on the same schema: as a second n8n worker would have.
	second = openDatabase({ url: test.url, schema: test.schema, autoMigrate: false, poolMax: 2 });
	api = apiCaller(test.database, appsFor(emu), emulatorNow);
});
afterAll(async () => {
	await closeDatabase(second);
	await Promise.all([test.drop(), emu.stop()]);
});

async function connect(email: string, provider: 'google' | 'microsoft') {
	const { result } = await connectThroughConsent(api, emu, { email, provider, userId: email });
	expect(result.status).toBe('connected');
	return { workspaceId: WORKSPACE_A, id: result.integrationId! };
}

const rowQuery = (key: { workspaceId: string; id: string }) =>
	knex('integrations').where({ workspace_id: key.workspaceId, id: key.id });

const tokenCalls = (provider: 'google' | 'microsoft') =>
	emu.control.calls().byOperation[
		provider === 'google' ? 'google.oauth.token' : 'microsoft.identity.token'
	] ?? 0;

async function graphMeStatus(accessToken: string): Promise<number> {
	const response = await fetch(`${emu.baseUrl}/v1.0/me`, {
		headers: { authorization: `Bearer ${accessToken}` },
	});
	await response.arrayBuffer();
	return response.status;
}

describe('IntegrationAccess', () => {
	it('hands out the stored token while it has more than 5 minutes left', async () => {
		const key = await connect('fresh@acme.example', 'google');
		const access = createIntegrationAccess({
			database: test.database,
			apps: api.context.apps,
			now: emulatorNow,
		});
		const stored = openTokens(api.context.apps.cipher, await rowQuery(key).first());
		const calls = tokenCalls('google');
		expect(await access.accessToken(key)).toBe(stored.accessToken);
		expect(tokenCalls('google')).toBe(calls);
	});

	it('refreshes once for two workers at once, and stores the rotated Microsoft refresh token', async () => {
		const key = await connect('rotating@contoso.onmicrosoft.test', 'microsoft');
		const apps = api.context.apps;
		const before = openTokens(apps.cipher, await rowQuery(key).first());
		// Four minutes left: inside the 5-minute window.
		await rowQuery(key).update({
			token_expires_at: new Date(emulatorNow().getTime() + 4 * 60_000),
		});
		const workerA = createIntegrationAccess({ database: test.database, apps, now: emulatorNow });
		const workerB = createIntegrationAccess({ database: second, apps, now: emulatorNow });
		const calls = tokenCalls('microsoft');
		// A slow token endpoint: the second worker surely reads the stale row before the first commits.
		emu.control.inject({ operation: 'microsoft.identity.token', latencyMs: 300 });
		const [tokenA, tokenB] = await Promise.all([
			workerA.accessToken(key),
			workerB.accessToken(key),
		]);
		expect(tokenCalls('microsoft') - calls).toBe(1);
		expect(tokenA).toBe(tokenB);
		expect(tokenA).not.toBe(before.accessToken);
		expect(await graphMeStatus(tokenA)).toBe(200);
		const after = await rowQuery(key).first();
		const opened = openTokens(apps.cipher, after);
		expect(opened.accessToken).toBe(tokenA);
		expect(opened.refreshToken).not.toBe(before.refreshToken);
		expect(after.token_expires_at.getTime()).toBeGreaterThan(emulatorNow().getTime() + 50 * 60_000);

		// The rotated token is the one that works once the old one's grace period is over.
		emu.control.advanceClock(2 * 60 * 60_000);
		const later = await workerA.accessToken(key);
		expect(await graphMeStatus(later)).toBe(200);
		expect(tokenCalls('microsoft') - calls).toBe(2);
	});

	it('forced refresh after a 401: concurrent callers share one refresh', async () => {
		const key = await connect('forced@acme.example', 'google');
		const apps = api.context.apps;
		const workerA = createIntegrationAccess({ database: test.database, apps, now: emulatorNow });
		const workerB = createIntegrationAccess({ database: second, apps, now: emulatorNow });
		const calls = tokenCalls('google');
		emu.control.inject({ operation: 'google.oauth.token', latencyMs: 300 });
		const [a, b] = await Promise.all([
			workerA.accessToken(key, { force: true }),
			workerB.accessToken(key, { force: true }),
		]);
		expect(a).toBe(b);
		expect(tokenCalls('google') - calls).toBe(1);
	});

	it('turns a revoked grant into requires_reauth with the message, and stops asking the provider', async () => {
		const key = await connect('revoked@acme.example', 'google');
		emu.control.revokeGrants('revoked@acme.example');
		const access = createIntegrationAccess({
			database: test.database,
			apps: api.context.apps,
			now: emulatorNow,
		});
		const error = await access.accessToken(key, { force: true }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(IntegrationAuthError);
		expect((error as IntegrationAuthError).errorClass).toBe('auth_revoked');
		expect((error as Error).message).toBe(REAUTH_MESSAGE);
		const row = await rowQuery(key).first();
		expect(row).toMatchObject({
			status: 'requires_reauth',
			error_class: 'auth_revoked',
			error_message: 'Your email connection needs re-authentication',
			next_sync_at: null,
		});
		const calls = tokenCalls('google');
		await expect(access.accessToken(key)).rejects.toBeInstanceOf(IntegrationAuthError);
		expect(tokenCalls('google')).toBe(calls);
	});
});

describe('token key rotation', () => {
	it('reads rows of the old key while it stays in the keyring, and moves them to the new key', async () => {
		const key = await connect('rotation@acme.example', 'google');
		const oldApps = api.context.apps;
		const plain = openTokens(oldApps.cipher, await rowQuery(key).first());
		const rotated = appsFor(emu, { tokenKeys: `k2:${KEY_2}\nk1:${KEY_1}` });
		const access = createIntegrationAccess({
			database: test.database,
			apps: rotated,
			now: emulatorNow,
		});
		expect(await access.accessToken(key)).toBe(plain.accessToken);

		const moved = await reencryptIntegrationTokens(knex, rotated.cipher);
		expect(moved).toBeGreaterThanOrEqual(1);
		const row = await rowQuery(key).first();
		expect(row.token_key_id).toBe('k2');
		expect(row.access_token_encrypted).toMatch(/^v1:k2:/);
		expect(row.refresh_token_encrypted).toMatch(/^v1:k2:/);
		expect(
			await knex('integrations').whereNot('token_key_id', 'k2').whereNotNull('token_key_id'),
		).toEqual([]);
		expect(await reencryptIntegrationTokens(knex, rotated.cipher)).toBe(0);

		// The old key can now leave the keyring.
		const onlyNew = createTokenCipher({ activeKeyId: 'k2', keys: { k2: KEY_2 } });
		expect(openTokens(onlyNew, row)).toEqual(plain);
	});
});
