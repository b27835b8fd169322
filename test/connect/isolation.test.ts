// Workspace isolation and token secrecy through the API. A token of workspace A, even with every
// scope, tries each route against workspace B's integration and reads or changes nothing; a user
// without integrations:admin cannot reach a colleague's integration either. Then every route, a
// refresh, a failed refresh and a disconnect run while console output is captured, and no access
// or refresh token the emulator ever issued appears in any output, response or error.
import type { Knex } from 'knex';

import { signOAuthState } from '../../core/security/oauthState';
import { createIntegrationAccess } from '../../core/sync/integrationAccess';
import { startEmulator, type Emulator } from '../emulator';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import {
	apiCaller,
	appsFor,
	connectThroughConsent,
	RETURN_URL,
	tokenFor,
	WORKSPACE_A,
	WORKSPACE_B,
	type ApiCaller,
} from './support';

let test: TestDatabase;
let knex: Knex;
let emu: Emulator;
let api: ApiCaller;
const ALL_SCOPES = ['integrations:read', 'integrations:write', 'integrations:admin'];

beforeAll(async () => {
	[test, emu] = await Promise.all([
		createTestDatabase(),
		startEmulator({ seed: 'connect-isolation', messages: 5 }),
	]);
	knex = test.database.knex;
	api = apiCaller(test.database, appsFor(emu));
});
afterAll(async () => {
	await Promise.all([test.drop(), emu.stop()]);
});

async function snapshot() {
	return JSON.stringify({
		integrations: await knex('integrations').orderBy('id'),
		cursors: await knex('sync_cursors').orderBy('id'),
		states: await knex('oauth_states').count('* as n'),
	});
}

describe('workspace isolation', () => {
	it("a token of workspace A reads and changes nothing of workspace B's integration", async () => {
		const b = await connectThroughConsent(api, emu, {
			workspaceId: WORKSPACE_B,
			userId: 'user-1',
			email: 'owner@b.example',
		});
		const bId = b.result.integrationId!;
		await knex('sync_cursors').insert({
			workspace_id: WORKSPACE_B,
			integration_id: bId,
			source_type: 'gmail_label',
			source_id: 'INBOX',
			cursor: '42',
		});
		// Same user id in A, every scope: the workspace is what separates them.
		const tokenA = await tokenFor(WORKSPACE_A, 'user-1', ALL_SCOPES);
		const before = await snapshot();

		const status = await api({ route: 'status' }, tokenA);
		expect(status.body).toEqual({ integrations: [] });

		const attempts = [
			{ route: 'settings', method: 'GET', query: { integrationId: bId } },
			{
				route: 'settings',
				method: 'PATCH',
				query: { integrationId: bId },
				body: { visibility: 'metadata', syncEnabled: false },
			},
			{ route: 'disconnect', method: 'POST', query: { integrationId: bId } },
			{ route: 'disconnect', method: 'POST', query: {}, body: { integrationId: bId } },
			{ route: 'resync', method: 'POST', query: { integrationId: bId }, body: { full: true } },
			{
				route: 'connect-url',
				method: 'GET',
				query: { provider: 'google', returnUrl: RETURN_URL, integrationId: bId },
			},
		];
		for (const attempt of attempts) {
			const response = await api(attempt, tokenA);
			expect([attempt.route, response.status]).toEqual([attempt.route, 404]);
			expect(response.body).toEqual({
				error: { code: 'not_found', message: 'Integration not found' },
			});
			expect(JSON.stringify(response)).not.toContain('owner@b.example');
		}
		expect(await snapshot()).toBe(before);

		// A state of workspace A relabelled for workspace B does not verify.
		const connect = await api(
			{ route: 'connect-url', query: { provider: 'google', returnUrl: RETURN_URL } },
			tokenA,
		);
		const state = new URL((connect.body as { url: string }).url).searchParams.get('state')!;
		const [body, signature] = state.split('.');
		const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
		const relabelled = `${Buffer.from(JSON.stringify({ ...payload, workspaceId: WORKSPACE_B })).toString('base64url')}.${signature}`;
		const callback = await api({
			route: 'oauth/callback',
			query: { state: relabelled, code: 'anything' },
		});
		expect(callback.status).toBe(400);
		// A state signed with another secret (another installation) is refused as well.
		const foreign = signOAuthState(
			{ workspaceId: WORKSPACE_B, userId: 'user-1', provider: 'google', returnUrl: RETURN_URL },
			{ secret: Buffer.alloc(32, 7) },
		);
		expect(
			(await api({ route: 'oauth/callback', query: { state: foreign.token, code: 'x' } })).status,
		).toBe(400);
		const after = JSON.parse(await snapshot());
		expect(after.integrations).toEqual(JSON.parse(before).integrations);
	});

	it("a user without integrations:admin cannot reach a colleague's integration", async () => {
		const colleague = await connectThroughConsent(api, emu, {
			userId: 'colleague',
			email: 'colleague@a.example',
		});
		const id = colleague.result.integrationId!;
		const before = await snapshot();
		const token = await tokenFor(WORKSPACE_A, 'someone-else');
		for (const attempt of [
			{ route: 'settings', query: { integrationId: id } },
			{ route: 'disconnect', method: 'POST', query: { integrationId: id } },
			{ route: 'resync', method: 'POST', query: { integrationId: id } },
		]) {
			expect((await api(attempt, token)).status).toBe(404);
		}
		expect(await snapshot()).toBe(before);
		const admin = await api(
			{ route: 'settings', query: { integrationId: id } },
			await tokenFor(WORKSPACE_A, 'admin', ALL_SCOPES),
		);
		expect(admin.status).toBe(200);
	});
});

describe('tokens never leave', () => {
	it('appear in no console output, response, redirect or error of any route, refresh or disconnect', async () => {
		const captured: string[] = [];
		const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
			jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
				captured.push(
					args.map((arg) => (arg instanceof Error ? arg.stack : String(arg))).join(' '),
				);
			}),
		);
		const record = (value: unknown) =>
			captured.push(
				value instanceof Error
					? `${value.name}: ${value.message} ${value.stack ?? ''}`
					: JSON.stringify(value),
			);
		try {
			const google = await connectThroughConsent(api, emu, {
				userId: 'leaky',
				email: 'leaky@acme.example',
			});
			const microsoft = await connectThroughConsent(api, emu, {
				userId: 'leaky',
				provider: 'microsoft',
				email: 'leaky@contoso.onmicrosoft.test',
			});
			record(google);
			record(microsoft);
			const token = await tokenFor(WORKSPACE_A, 'leaky');
			const gId = google.result.integrationId!;
			const mId = microsoft.result.integrationId!;
			for (const request of [
				{ route: 'status' },
				{ route: 'settings', query: { integrationId: gId } },
				{
					route: 'settings',
					method: 'PATCH',
					query: { integrationId: gId },
					body: { autoEnrich: true },
				},
				{ route: 'resync', method: 'POST', query: { integrationId: mId } },
				{ route: 'connect-url', query: { provider: 'google', returnUrl: RETURN_URL } },
				{ route: 'status', headers: { authorization: 'Bearer not.a.jwt' } },
			]) {
				record(await api(request, token));
			}
			const access = createIntegrationAccess({ database: test.database, apps: api.context.apps });
			for (const key of [gId, mId]) {
				record(await access.accessToken({ workspaceId: WORKSPACE_A, id: key }, { force: true }));
			}
			// A refresh the provider fails, then one it refuses.
			emu.control.inject({ operation: 'google.oauth.token', status: 500 });
			record(
				await access
					.accessToken({ workspaceId: WORKSPACE_A, id: gId }, { force: true })
					.catch((error: unknown) => error),
			);
			emu.control.revokeGrants('leaky@contoso.onmicrosoft.test');
			record(
				await access
					.accessToken({ workspaceId: WORKSPACE_A, id: mId }, { force: true })
					.catch((error: unknown) => error),
			);
			record(await api({ route: 'status' }, token));
			record(
				await api({ route: 'disconnect', method: 'POST', query: { integrationId: gId } }, token),
			);
			record(
				await api({ route: 'disconnect', method: 'POST', query: { integrationId: mId } }, token),
			);
		} finally {
			for (const spy of spies) spy.mockRestore();
		}
		const issued = [...emu.state.accessTokens.keys(), ...emu.state.refreshTokens.keys()];
		expect(issued.length).toBeGreaterThan(4);
		// The access tokens handed to the engine are the only place a token may appear.
		const text = captured.filter((line) => !issued.some((token) => line === JSON.stringify(token)));
		const leaked = issued.filter((token) => text.some((line) => line.includes(token)));
		expect(leaked).toEqual([]);
		expect(text.join('\n')).toContain('Connected as leaky@acme.example');
	});
});
