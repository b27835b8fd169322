// One initial Gmail sync of `n` messages into PostgreSQL, in a process of its own so that its peak
// RSS is its own: prints one JSON line { messages, stored, seconds, peakRssMb, startRssMb }.
// RSS is sampled every 50 ms (and at the end); the emulator runs in the same process (its mailbox
// is virtual: message i is computed on demand, so it does not grow with n).
//   CRM_TEST_DATABASE_URL=… node --expose-gc -r ts-node/register/transpile-only bench/support/syncRss.ts 10000
import { randomBytes } from 'node:crypto';

import { closeAllDatabases, openDatabase } from '../../core/store/database';
import { syncIntegration } from '../../core/sync/syncIntegration';
import { startEmulator } from '../../test/emulator';
import { EmulatorAccess, insertIntegration } from '../../test/sync/faultMatrix.support';

async function main(): Promise<void> {
	const messages = Number(process.argv[2] ?? 10_000);
	const url = process.env.CRM_TEST_DATABASE_URL;
	if (!url) throw new Error('CRM_TEST_DATABASE_URL is not set');
	const schema = `bench_rss_${randomBytes(4).toString('hex')}`;
	const database = openDatabase({ url, schema, autoMigrate: true, poolMax: 4 });
	const emu = await startEmulator({ seed: 'sync-rss', messages, quota: { enabled: false } });
	let peak = 0;
	const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
	try {
		await database.ready();
		global.gc?.();
		const startRss = process.memoryUsage().rss;
		const integration = await insertIntegration(database, {
			provider: 'google',
			accountEmail: emu.sandbox.googleEmail,
			settings: {
				mailFolders: ['all'],
				syncCalendar: false,
				initialHorizon: { kind: 'messages', count: 1_000_000 },
			},
		});
		const timer = setInterval(sample, 50);
		const started = process.hrtime.bigint();
		let result;
		try {
			result = await syncIntegration(
				{
					database,
					access: new EmulatorAccess(emu, database),
					endpoints: { googleApiBaseUrl: emu.baseUrl, graphBaseUrl: emu.baseUrl },
					workerId: 'bench-rss',
					paceGmail: false,
				},
				{ workspaceId: integration.workspaceId, integrationId: integration.integrationId },
			);
		} finally {
			clearInterval(timer);
			sample();
		}
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		if (result.outcome !== 'succeeded')
			throw new Error(`sync ${result.outcome}: ${result.errorMessage ?? ''}`);
		const [{ count }] = (
			await database.knex.raw(
				'select count(*)::int as count from mailbox_messages where integration_id = ?',
				[integration.integrationId],
			)
		).rows as Array<{ count: number }>;
		console.log(
			JSON.stringify({
				messages,
				stored: count,
				seconds,
				peakRssMb: peak / 1024 / 1024,
				startRssMb: startRss / 1024 / 1024,
			}),
		);
	} finally {
		await database.knex.raw('drop schema if exists ?? cascade', [schema]).catch(() => undefined);
		await closeAllDatabases();
		await emu.stop();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
