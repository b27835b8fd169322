// The sync engine against the emulator (zero latency, quota off) and a real PostgreSQL:
// (a) an initial Gmail sync of 10,000 messages: messages stored per second;
// (b) an idle tick per integration (Gmail + Google Calendar, Microsoft mail + calendar): after a
//     sync, a second one with nothing new — provider calls per source and CPU ms per integration;
// (c) peak RSS of an initial sync of 10,000 vs 100,000 messages, each in its own process
//     (bench/support/syncRss.ts), which must stay flat because pages are streamed.
// Runs under `npm run bench sync`. SYNC_BENCH_MESSAGES, SYNC_BENCH_RSS_SIZES (e.g. "10000,100000").
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';

import { closeDatabase, openDatabase, type CrmDatabase } from '../core/store/database';
import type { IntegrationAccess } from '../core/sync/integrationAccess';
import { syncIntegration, type SyncDeps } from '../core/sync/syncIntegration';
import { startEmulator, type Emulator } from '../test/emulator';
import { EmulatorAccess, insertIntegration } from '../test/sync/faultMatrix.support';
import type { Bench, BenchContext } from './run';

const MESSAGES = Number(process.env.SYNC_BENCH_MESSAGES ?? 10_000);
const RSS_SIZES = (process.env.SYNC_BENCH_RSS_SIZES ?? '10000,100000')
	.split(',')
	.map(Number)
	.filter((size) => size > 0);
const RSS_TIMEOUT_MS = 12 * 60_000;
const root = path.join(__dirname, '..');

function seconds(since: bigint): number {
	return Number(process.hrtime.bigint() - since) / 1e9;
}

function depsFor(emu: Emulator, database: CrmDatabase): SyncDeps {
	return {
		database,
		access: new EmulatorAccess(emu, database),
		endpoints: { googleApiBaseUrl: emu.baseUrl, graphBaseUrl: emu.baseUrl },
		workerId: 'bench-sync',
		// The emulator's quota is off, so is the engine's pacing to it.
		paceGmail: false,
	};
}

async function withSchema<T>(
	databaseUrl: string,
	run: (database: CrmDatabase) => Promise<T>,
): Promise<T> {
	const schema = `bench_sync_${randomBytes(4).toString('hex')}`;
	const database = openDatabase({ url: databaseUrl, schema, autoMigrate: true, poolMax: 8 });
	try {
		await database.ready();
		return await run(database);
	} finally {
		await database.knex.raw('drop schema if exists ?? cascade', [schema]).catch(() => undefined);
		await closeDatabase(database);
	}
}

/** The emulator as `npm run emulator` runs it: its own process, so its CPU is not the engine's. */
async function emulatorProcess(
	messages: number,
): Promise<{ baseUrl: string; accessToken: string; email: string; stop(): Promise<void> }> {
	const child = spawn(
		process.execPath,
		[
			path.join(root, 'test/emulator/launch.cjs'),
			'--port',
			'0',
			'--messages',
			String(messages),
			'--seed',
			'sync-bench',
			'--no-quota',
		],
		{ cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const first = await new Promise<string>((resolve, reject) => {
		let buffered = '';
		child.stdout.on('data', (chunk: Buffer) => {
			buffered += chunk.toString('utf8');
			const line = buffered.split('\n').find((candidate) => candidate.startsWith('{'));
			if (line && buffered.includes('\n')) resolve(line);
		});
		child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
	});
	const started = JSON.parse(first) as {
		baseUrl: string;
		accessToken: string;
		googleEmail: string;
	};
	return {
		baseUrl: started.baseUrl,
		accessToken: started.accessToken,
		email: started.googleEmail,
		stop: () =>
			new Promise<void>((resolve) => {
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			}),
	};
}

async function initialSync(
	databaseUrl: string,
	report: BenchContext['report'],
	where: 'in-process' | 'own process',
): Promise<void> {
	let baseUrl: string;
	let email: string;
	let access: (database: CrmDatabase) => IntegrationAccess;
	let calls: () => number | undefined;
	let stop: () => Promise<void>;
	if (where === 'in-process') {
		const emu = await startEmulator({
			seed: 'sync-bench',
			messages: MESSAGES,
			quota: { enabled: false },
		});
		({ baseUrl } = emu);
		email = emu.sandbox.googleEmail;
		access = (database) => new EmulatorAccess(emu, database);
		calls = () => emu.control.calls().total;
		stop = () => emu.stop();
	} else {
		const emu = await emulatorProcess(MESSAGES);
		({ baseUrl, email } = emu);
		// The sandbox token lives 30 days of the emulator's clock.
		access = () => ({ accessToken: () => Promise.resolve(emu.accessToken) });
		calls = () => undefined;
		stop = () => emu.stop();
	}
	try {
		await withSchema(databaseUrl, async (database) => {
			const integration = await insertIntegration(database, {
				provider: 'google',
				accountEmail: email,
				settings: {
					mailFolders: ['all'],
					syncCalendar: false,
					initialHorizon: { kind: 'messages', count: 1_000_000 },
				},
			});
			const callsBefore = calls() ?? 0;
			// Where the time goes: waiting for a page to be read (provider calls, MIME parsing) until
			// `fetched`, writing it (rows and cursor, one transaction) from `fetched` to `committed`.
			// The next page is read while one writes, so reading counts only what the writes do not hide.
			let readMs = 0;
			let writeMs = 0;
			let pages = 0;
			let mark = performance.now();
			const hooks: SyncDeps['hooks'] = {
				atStep(step) {
					const at = performance.now();
					if (step === 'fetched') {
						readMs += at - mark;
						pages++;
						mark = at;
					} else if (step === 'committed') {
						writeMs += at - mark;
						mark = at;
					}
				},
			};
			const cpu = process.cpuUsage();
			const started = process.hrtime.bigint();
			const result = await syncIntegration(
				{
					database,
					access: access(database),
					endpoints: { googleApiBaseUrl: baseUrl, graphBaseUrl: baseUrl },
					workerId: 'bench-sync',
					paceGmail: false,
					hooks,
				},
				{ workspaceId: integration.workspaceId, integrationId: integration.integrationId },
			);
			const elapsed = seconds(started);
			const used = process.cpuUsage(cpu);
			if (result.outcome !== 'succeeded')
				throw new Error(`initial sync ${result.outcome}: ${result.errorMessage ?? ''}`);
			const [{ count }] = (
				await database.knex.raw(
					'select count(*)::int as count from mailbox_messages where integration_id = ?',
					[integration.integrationId],
				)
			).rows as Array<{ count: number }>;
			const callCount = calls();
			const label = `initial Gmail sync into PostgreSQL, emulator ${where}`;
			report(
				label,
				count / elapsed,
				'messages/s',
				`${count} of ${MESSAGES} generated messages (spam, trash, drafts aside) in ${elapsed.toFixed(1)} s; goal ≥ 2,500/s${callCount === undefined ? '' : `; ${callCount - callsBefore} API calls`}`,
			);
			report(
				`${label}: reading pages`,
				readMs / 1000,
				's',
				`${pages} pages: messages.list + batches of 50 raw messages.get (two in flight) + MIME parsing, the time not hidden behind the previous page's write`,
			);
			report(
				`${label}: writing pages`,
				writeMs / 1000,
				's',
				'set-based upserts of emails, copies, participants and the cursor, one transaction a page',
			);
			report(
				`${label}: CPU of this process`,
				(used.user + used.system) / 1000 / count,
				'ms/message',
				where === 'in-process' ? 'engine + emulator + pg client' : 'engine + pg client',
			);
		});
	} finally {
		await stop();
	}
}

async function idleTicks(databaseUrl: string, report: BenchContext['report']): Promise<void> {
	const emu = await startEmulator({
		seed: 'sync-bench-idle',
		messages: 500,
		quota: { enabled: false },
	});
	try {
		await withSchema(databaseUrl, async (database) => {
			const deps = depsFor(emu, database);
			for (const provider of ['google', 'microsoft'] as const) {
				const integration = await insertIntegration(database, {
					provider,
					accountEmail:
						provider === 'google' ? emu.sandbox.googleEmail : emu.sandbox.microsoftEmail,
					settings: {
						mailFolders: ['inbox', 'sent'],
						calendars: ['primary'],
						initialHorizon: { kind: 'messages', count: 1_000_000 },
					},
				});
				const target = {
					workspaceId: integration.workspaceId,
					integrationId: integration.integrationId,
				};
				const first = await syncIntegration(deps, target);
				if (first.outcome !== 'succeeded')
					throw new Error(`${provider} sync ${first.outcome}: ${first.errorMessage ?? ''}`);
				const [{ sources }] = (
					await database.knex.raw(
						'select count(*)::int as sources from sync_cursors where integration_id = ?',
						[integration.integrationId],
					)
				).rows as Array<{ sources: number }>;
				// Ticks 2..6 measured: the first idle tick may still settle a cursor.
				await syncIntegration(deps, target);
				const ticks = 5;
				emu.control.resetCalls();
				const cpu = process.cpuUsage();
				const started = process.hrtime.bigint();
				for (let tick = 0; tick < ticks; tick++) {
					const idle = await syncIntegration(deps, target);
					if (idle.outcome !== 'succeeded' || idle.counts.created + idle.counts.updated > 0)
						throw new Error(`${provider} idle tick: ${JSON.stringify(idle)}`);
				}
				const used = process.cpuUsage(cpu);
				const wall = seconds(started) / ticks;
				const calls = emu.control.calls();
				const byOperation = Object.entries(calls.byOperation)
					.map(([name, n]) => `${name} ${n / ticks}`)
					.join(', ');
				const label =
					provider === 'google' ? 'Gmail + Google Calendar' : 'Microsoft 365 mail + calendar';
				report(
					`idle tick, ${label}: provider calls per source`,
					calls.total / ticks / sources,
					'calls',
					`${calls.total / ticks} calls per tick for ${sources} sources (${byOperation}); goal 1`,
				);
				report(
					`idle tick, ${label}: CPU`,
					(used.user + used.system) / 1000 / ticks,
					'ms/integration',
					`wall ${(wall * 1000).toFixed(0)} ms per tick, mean of ${ticks}; includes the in-process emulator`,
				);
			}
		});
	} finally {
		await emu.stop();
	}
}

interface RssResult {
	messages: number;
	stored: number;
	seconds: number;
	peakRssMb: number;
	startRssMb: number;
}

async function peakRss(databaseUrl: string, report: BenchContext['report']): Promise<void> {
	const results: RssResult[] = [];
	for (const size of RSS_SIZES) {
		try {
			const { stdout } = await promisify(execFile)(
				process.execPath,
				[
					'--expose-gc',
					'-r',
					'ts-node/register/transpile-only',
					path.join(__dirname, 'support/syncRss.ts'),
					String(size),
				],
				{
					cwd: root,
					env: { ...process.env, CRM_TEST_DATABASE_URL: databaseUrl },
					timeout: RSS_TIMEOUT_MS,
					maxBuffer: 16 * 1024 * 1024,
				},
			);
			const result = JSON.parse(stdout.trim().split('\n').pop() as string) as RssResult;
			results.push(result);
			report(
				`peak RSS, initial sync of ${size} messages`,
				result.peakRssMb,
				'MB',
				`${result.stored} stored in ${result.seconds.toFixed(0)} s (${(result.stored / result.seconds).toFixed(0)}/s); RSS before the sync ${result.startRssMb.toFixed(0)} MB; own process, sampled every 50 ms`,
			);
		} catch (error) {
			const killed = (error as { killed?: boolean }).killed;
			console.log(
				`  peak RSS at ${size} messages not measured: ${killed ? `over ${RSS_TIMEOUT_MS / 60_000} min` : (error as Error).message.split('\n')[0]}`,
			);
		}
	}
	if (results.length >= 2) {
		const smallest = results[0]!;
		const largest = results[results.length - 1]!;
		report(
			`peak RSS ratio, ${largest.messages} vs ${smallest.messages} messages`,
			largest.peakRssMb / smallest.peakRssMb,
			'×',
			'goal ≤ 1.2×',
		);
	}
}

const bench: Bench = {
	name: 'sync engine (emulator, zero latency, quota off)',
	async run({ databaseUrl, report }) {
		await initialSync(databaseUrl, report, 'in-process');
		await initialSync(databaseUrl, report, 'own process');
		await idleTicks(databaseUrl, report);
		await peakRss(databaseUrl, report);
	},
};
export default bench;
