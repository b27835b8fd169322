// The integration state machine, one fault class at a time (emulator faults, real PostgreSQL):
// success, throttling with Retry-After, temporary failures, a revoked grant, a token without the
// mail scope; what is recorded in integrations and sync_runs, and that no token ever shows up in
// a result or a stored message.
import { listSyncRuns } from '../../core/store/syncRuns';
import { requestResync } from '../../core/sync/scheduler';
import { REAUTH_MESSAGE, syncIntegration } from '../../core/sync/syncIntegration';
import { startEmulator, type Emulator } from '../emulator';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { TestAccess, addIntegration, syncDeps, type TestIntegration } from './engineSupport';

let emu: Emulator;
let db: TestDatabase;
let access: TestAccess;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'sync-integration', messages: 30 });
	emu.control.setQuota({ enabled: false });
	db = await createTestDatabase();
	access = new TestAccess(emu, db.database);
});
afterEach(() => emu.control.clearFaults());
afterAll(async () => {
	await db?.drop();
	await emu?.stop();
});

const sync = (integration: TestIntegration, kind?: 'manual') =>
	syncIntegration(syncDeps(emu, db.database, access), {
		workspaceId: integration.workspaceId,
		integrationId: integration.integrationId,
		kind,
	});

const row = async (integration: TestIntegration) =>
	(await db.database.knex('integrations').where({ id: integration.integrationId }).first()) as {
		status: string;
		error_class: string | null;
		error_message: string | null;
		throttled_until: Date | null;
		next_sync_at: Date | null;
		last_success_at: Date | null;
		lease_owner: string | null;
	};

const google = (settings: Record<string, unknown> = {}) =>
	addIntegration(db.database, {
		provider: 'google',
		accountEmail: emu.sandbox.googleEmail,
		settings: { syncCalendar: false, ...settings },
	});

/** No token handed out in this file appears in what the engine returned or stored. */
async function expectNoTokens(...values: unknown[]) {
	const runs = await db.database.knex('sync_runs').select('error_message', 'counts', 'progress');
	const rows = await db.database.knex('integrations').select('error_message');
	const text = JSON.stringify([values, runs, rows]);
	expect(access.issued.length).toBeGreaterThan(0);
	for (const token of access.issued) expect(text.includes(token)).toBe(false);
}

it('succeeds: connected, last success and the next sync one interval later, the run recorded', async () => {
	const integration = await google();
	const before = Date.now();
	const result = await sync(integration);
	expect(result).toMatchObject({
		outcome: 'succeeded',
		kind: 'initial',
		statusBefore: 'connected',
		statusAfter: 'connected',
		stateChanged: false,
		provider: 'google',
	});
	expect(result.counts.created).toBeGreaterThan(0);
	const state = await row(integration);
	expect(state.status).toBe('connected');
	expect(state.last_success_at!.getTime()).toBeGreaterThanOrEqual(before);
	const delay = state.next_sync_at!.getTime() - Date.now();
	expect(delay).toBeGreaterThan(45_000);
	expect(delay).toBeLessThanOrEqual(60_000);
	expect(state.lease_owner).toBeNull();
	const [run] = await listSyncRuns(
		db.database.knex,
		integration.workspaceId,
		integration.integrationId,
	);
	expect(run).toMatchObject({ status: 'succeeded', kind: 'initial', id: result.syncRunId });
	expect(run.counts).toEqual(result.counts);
	expect(run.progress).toMatchObject({ source: 'gmail:INBOX,SENT' });
	expect(run.progress.done).toBeGreaterThan(0);
	expect(run.finishedAt).not.toBeNull();
	expect((await sync(integration, 'manual')).kind).toBe('manual');
	await expectNoTokens(result);
});

it('throttled: waits as long as Retry-After asks (or longer), then recovers', async () => {
	const integration = await google();
	emu.control.inject({
		operation: 'gmail.users.messages.list',
		status: 429,
		reason: 'userRateLimitExceeded',
		retryAfterSeconds: 600,
		times: -1,
	});
	const started = Date.now();
	const result = await sync(integration);
	expect(result).toMatchObject({
		outcome: 'throttled',
		statusAfter: 'throttled',
		stateChanged: true,
		errorClass: 'throttled',
	});
	const state = await row(integration);
	expect(state.status).toBe('throttled');
	expect(state.throttled_until!.getTime()).toBeGreaterThanOrEqual(started + 600_000);
	expect(state.throttled_until!.getTime()).toBeLessThan(started + 3_700_000);
	expect(new Date(result.throttledUntil!).getTime()).toBe(state.throttled_until!.getTime());
	const [run] = await listSyncRuns(
		db.database.knex,
		integration.workspaceId,
		integration.integrationId,
	);
	expect(run.status).toBe('throttled');

	emu.control.clearFaults();
	const recovered = await sync(integration, 'manual');
	expect(recovered).toMatchObject({
		outcome: 'succeeded',
		statusBefore: 'throttled',
		statusAfter: 'connected',
		stateChanged: true,
	});
	const after = await row(integration);
	expect(after.throttled_until).toBeNull();
	expect(after.error_class).toBeNull();
});

it('temporary (500 after retries): stays connected and is retried at the next tick', async () => {
	const integration = await google();
	emu.control.inject({ operation: 'gmail.users.messages.list', status: 500, times: -1 });
	const result = await sync(integration);
	expect(result).toMatchObject({
		outcome: 'failed',
		statusAfter: 'connected',
		stateChanged: false,
		errorClass: 'temporary',
	});
	const state = await row(integration);
	expect(state.error_class).toBe('temporary');
	const delay = state.next_sync_at!.getTime() - Date.now();
	expect(delay).toBeGreaterThan(0);
	expect(delay).toBeLessThanOrEqual(60_000);
	// Retried by the requester first (3 attempts in this file's policy).
	expect(emu.control.calls().byOperation['gmail.users.messages.list']).toBeGreaterThanOrEqual(3);

	emu.control.clearFaults();
	expect((await sync(integration)).outcome).toBe('succeeded');
	expect((await row(integration)).error_class).toBeNull();
});

it("the token store's own temporary failure (a token endpoint answering 503) stays temporary", async () => {
	const integration = await google();
	class TokenEndpointDown extends Error {
		readonly errorClass = 'temporary';
	}
	const down = {
		accessToken: async () => {
			throw new TokenEndpointDown(
				'The token endpoint answered HTTP 503; the refresh will be retried',
			);
		},
	};
	const result = await syncIntegration(syncDeps(emu, db.database, down), {
		workspaceId: integration.workspaceId,
		integrationId: integration.integrationId,
	});
	expect(result).toMatchObject({
		outcome: 'failed',
		statusAfter: 'connected',
		errorClass: 'temporary',
	});
	expect((await row(integration)).error_class).toBe('temporary');
});

it('revoked grant: requires re-authentication, and is skipped until reconnected', async () => {
	const integration = await google();
	expect((await sync(integration)).outcome).toBe('succeeded');
	emu.control.revokeGrants(integration.accountEmail);
	access.refuseRefresh.add(integration.integrationId);
	const result = await sync(integration);
	expect(result).toMatchObject({
		outcome: 'requires_reauth',
		statusAfter: 'requires_reauth',
		stateChanged: true,
		errorClass: 'auth_revoked',
		errorMessage: REAUTH_MESSAGE,
	});
	expect(await row(integration)).toMatchObject({
		status: 'requires_reauth',
		error_message: REAUTH_MESSAGE,
		next_sync_at: null,
	});
	const skipped = await sync(integration);
	expect(skipped.outcome).toBe('skipped');
	expect(skipped.syncRunId).toBeNull();
	await expectNoTokens(result, skipped);
});

it('a token refused again after a forced refresh: requires re-authentication', async () => {
	const integration = await google();
	expect((await sync(integration)).outcome).toBe('succeeded');
	const forcedBefore = access.forced;
	emu.control.revokeGrants(integration.accountEmail);
	access.staleOnRefresh.add(integration.integrationId);
	const result = await sync(integration);
	expect(access.forced).toBe(forcedBefore + 1);
	expect(result).toMatchObject({ outcome: 'requires_reauth', statusAfter: 'requires_reauth' });
	access.staleOnRefresh.delete(integration.integrationId);
	await expectNoTokens(result);
});

it('insufficient permissions: failed, naming the permission', async () => {
	const integration = await google();
	access.scopes.set(integration.integrationId, ['openid', 'email']);
	const result = await sync(integration);
	expect(result).toMatchObject({
		outcome: 'failed',
		statusAfter: 'failed',
		errorClass: 'insufficient_permissions',
	});
	expect(result.errorMessage).toContain('https://www.googleapis.com/auth/gmail.readonly');
	expect((await row(integration)).error_message).toBe(result.errorMessage);

	const microsoft = await addIntegration(db.database, {
		provider: 'microsoft',
		accountEmail: emu.sandbox.microsoftEmail,
		settings: { syncCalendar: false },
	});
	access.scopes.set(microsoft.integrationId, ['User.Read']);
	const graph = await sync(microsoft);
	expect(graph).toMatchObject({ outcome: 'failed', errorClass: 'insufficient_permissions' });
	expect(graph.errorMessage).toContain('Mail.Read');
});

it('Microsoft 365 throttling (429 ApplicationThrottled) sets throttled', async () => {
	const microsoft = await addIntegration(db.database, {
		provider: 'microsoft',
		accountEmail: emu.sandbox.microsoftEmail,
		settings: { syncCalendar: false },
	});
	emu.control.inject({ operation: 'graph.*', status: 429, retryAfterSeconds: 30, times: -1 });
	const result = await sync(microsoft);
	expect(result).toMatchObject({ outcome: 'throttled', statusAfter: 'throttled' });
});

it('skips an integration with sync turned off, and a disconnected one', async () => {
	const off = await google({ syncEnabled: false });
	expect(await sync(off)).toMatchObject({ outcome: 'skipped', syncRunId: null });
	const gone = await google();
	await db.database
		.knex('integrations')
		.where({ id: gone.integrationId })
		.update({ status: 'disconnected' });
	expect(await sync(gone)).toMatchObject({ outcome: 'skipped', statusAfter: 'disconnected' });
	expect(await listSyncRuns(db.database.knex, gone.workspaceId, gone.integrationId)).toHaveLength(
		0,
	);
});

it('a full resync request relists everything within the horizon', async () => {
	const integration = await google();
	const first = await sync(integration);
	expect(
		await requestResync(db.database, integration.workspaceId, integration.integrationId, {
			full: true,
		}),
	).toBe(true);
	const again = await sync(integration);
	expect(again.kind).toBe('initial');
	expect(again.counts.fetched).toBe(first.counts.fetched);
	expect(again.counts.created).toBe(0);
	expect(
		await requestResync(
			db.database,
			integration.workspaceId,
			'00000000-0000-4000-8000-000000000000',
		),
	).toBe(false);
});

it('keeps the newest runs of an integration only', async () => {
	const integration = await google();
	const deps = syncDeps(emu, db.database, access, { keepSyncRuns: 2 });
	const ids: Array<string | null> = [];
	for (let i = 0; i < 4; i++)
		ids.push(
			(
				await syncIntegration(deps, {
					workspaceId: integration.workspaceId,
					integrationId: integration.integrationId,
				})
			).syncRunId,
		);
	const runs = await listSyncRuns(
		db.database.knex,
		integration.workspaceId,
		integration.integrationId,
	);
	expect(runs.map((run) => run.id)).toEqual([ids[3], ids[2]]);
});
