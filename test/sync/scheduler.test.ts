// The scheduler: two workers on their own database connections run "sync due integrations" at the
// same time over 50 due integrations, and each integration is synced exactly once; one failing
// integration does not stop the others; what counts as due (status, time, throttling, sync off,
// a live or lapsed lease).
import { openDatabase, closeDatabase, type CrmDatabase } from '../../core/store/database';
import { leaseDueIntegrations, releaseLease } from '../../core/store/syncLeases';
import type { IntegrationAccess } from '../../core/sync/integrationRequester';
import { syncDueIntegrations } from '../../core/sync/scheduler';
import { syncIntegration, type IntegrationSyncResult } from '../../core/sync/syncIntegration';
import { startEmulator, type Emulator } from '../emulator';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { TestAccess, addIntegration, syncDeps, type TestIntegration } from './engineSupport';

let emu: Emulator;
let db: TestDatabase;
/** A second pool on the same schema: another worker's connections. */
let other: CrmDatabase;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'scheduler', messages: 4 });
	emu.control.setQuota({ enabled: false });
	db = await createTestDatabase();
	other = openDatabase({ url: db.url, schema: db.schema, poolMax: 3, autoMigrate: false });
});
afterAll(async () => {
	if (other) await closeDatabase(other);
	await db?.drop();
	await emu?.stop();
});

async function clearIntegrations() {
	await db.database.knex('integrations').delete();
}

it('two workers over 50 due integrations: each synced exactly once, a failing one alone fails', async () => {
	await clearIntegrations();
	const integrations: TestIntegration[] = [];
	for (let i = 0; i < 50; i++) {
		const email = `due-${i}@scheduler.example`;
		emu.state.getOrCreateAccount(email, 'google');
		integrations.push(
			await addIntegration(db.database, {
				provider: 'google',
				accountEmail: email,
				settings: { syncCalendar: false },
			}),
		);
	}
	const broken = integrations[7].integrationId;
	const tokens = new TestAccess(emu, db.database);
	const access: IntegrationAccess = {
		async accessToken(integration, options) {
			if (integration.id === broken) throw new Error('The token store is unreachable');
			return await tokens.accessToken(integration, options);
		},
	};
	emu.control.resetCalls();

	// Each worker ticks until nothing is due, leasing a few at a time.
	const work = async (database: CrmDatabase, workerId: string) => {
		const results: IntegrationSyncResult[] = [];
		for (;;) {
			const tick = await syncDueIntegrations(
				syncDeps(emu, database, access, { workerId, concurrency: 3 }),
				{ limit: 6, leaseMs: 60_000 },
			);
			if (tick.length === 0) return results;
			results.push(...tick);
		}
	};
	const [first, second] = await Promise.all([
		work(db.database, 'worker-a'),
		work(other, 'worker-b'),
	]);

	const synced = [...first, ...second].map((result) => result.integrationId);
	expect(synced).toHaveLength(50);
	expect(new Set(synced).size).toBe(50);
	const runs = (await db.database
		.knex('sync_runs')
		.select('integration_id', 'worker_id', 'status')) as Array<{
		integration_id: string;
		worker_id: string;
		status: string;
	}>;
	expect(runs).toHaveLength(50);
	expect(new Set(runs.map((run) => run.integration_id)).size).toBe(50);
	// Each mailbox was listed by one initial sync only (one page: 4 messages), the broken one not.
	expect(emu.control.calls().byOperation['gmail.users.messages.list']).toBe(49);

	const all = [...first, ...second];
	const failed = all.filter((result) => result.outcome !== 'succeeded');
	expect(failed.map((result) => result.integrationId)).toEqual([broken]);
	expect(failed[0].errorMessage).toContain('token store is unreachable');
	expect(runs.filter((run) => run.status === 'succeeded')).toHaveLength(49);
	// Every lease was given back.
	const leased = await db.database
		.knex('integrations')
		.whereNotNull('lease_owner')
		.count({ count: '*' });
	expect(Number(leased[0].count)).toBe(0);
	// Nothing is due any more: the next tick has nothing to do.
	expect(await syncDueIntegrations(syncDeps(emu, db.database, access), {})).toEqual([]);
});

it('leases only what is due, and not what another worker holds', async () => {
	await clearIntegrations();
	const make = async (name: string) =>
		addIntegration(db.database, {
			provider: 'google',
			accountEmail: `${name}@lease.example`,
			settings: name === 'off' ? { syncEnabled: false } : {},
		});
	const due = await make('due');
	const throttled = await make('throttled');
	const later = await make('later');
	const reauth = await make('reauth');
	await make('off');
	const heldByOther = await make('held');
	const lapsed = await make('lapsed');
	const failed = await make('failed');
	const knex = db.database.knex;
	const set = (integration: TestIntegration, values: Record<string, unknown>) =>
		knex('integrations').where({ id: integration.integrationId }).update(values);
	await set(throttled, {
		status: 'throttled',
		throttled_until: knex.raw(`now() + interval '1 hour'`),
	});
	await set(later, { next_sync_at: knex.raw(`now() + interval '1 minute'`) });
	await set(reauth, { status: 'requires_reauth' });
	await set(heldByOther, {
		lease_owner: 'worker-z',
		lease_expires_at: knex.raw(`now() + interval '1 minute'`),
	});
	await set(lapsed, {
		lease_owner: 'worker-z',
		lease_expires_at: knex.raw(`now() - interval '1 second'`),
	});
	await set(failed, { status: 'failed' });

	const leased = await leaseDueIntegrations(knex, {
		workerId: 'worker-a',
		limit: 10,
		leaseMs: 30_000,
	});
	expect(leased.map((lease) => lease.integrationId).sort()).toEqual(
		[due, lapsed, failed].map((integration) => integration.integrationId).sort(),
	);
	expect(leased.every((lease) => lease.leaseOwner === 'worker-a')).toBe(true);
	// Leased now: another worker gets none of them.
	expect(
		await leaseDueIntegrations(other.knex, { workerId: 'worker-b', limit: 10, leaseMs: 30_000 }),
	).toEqual([]);
	// Released, it is due again (its sync did not run, next_sync_at did not move).
	await releaseLease(knex, due.workspaceId, due.integrationId, 'worker-a');
	const again = await leaseDueIntegrations(other.knex, {
		workerId: 'worker-b',
		limit: 10,
		leaseMs: 30_000,
	});
	expect(again.map((lease) => lease.integrationId)).toEqual([due.integrationId]);

	// A sync asked for by hand does not run beside the worker that holds the lease.
	const access = new TestAccess(emu, db.database);
	const manual = await syncIntegration(syncDeps(emu, db.database, access), {
		workspaceId: heldByOther.workspaceId,
		integrationId: heldByOther.integrationId,
		kind: 'manual',
	});
	expect(manual).toMatchObject({ outcome: 'skipped', syncRunId: null });
	expect(manual.errorMessage).toMatch(/Another worker/);
	// Nor does a scheduled one whose lease was lost.
	const lost = await syncIntegration(syncDeps(emu, db.database, access), {
		workspaceId: heldByOther.workspaceId,
		integrationId: heldByOther.integrationId,
		leaseOwner: 'worker-a',
	});
	expect(lost.outcome).toBe('skipped');
});
