// `npm start`: brings up what crm-connect has so far on this machine — PostgreSQL (embedded unless
// CRM_DATABASE_URL points at a server), the crm-connect schema migrated, and the provider
// emulator's sandbox accounts — prints where everything is, and runs until Ctrl-C.
import { existsSync } from 'node:fs';
import path from 'node:path';

import { closeAllDatabases, openDatabase } from '../core/store/database';
import {
	startEmbeddedPostgres,
	findFreePort,
	type EmbeddedServer,
} from '../core/store/embeddedPostgres';
import { getMigrationStatus } from '../core/store/migrations';

const root = path.resolve(__dirname, '..');

async function portIsFree(port: number): Promise<boolean> {
	const net = await import('node:net');
	return new Promise((resolve) => {
		const probe = net.createServer();
		probe.once('error', () => resolve(false));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
	});
}

async function main() {
	const schema = process.env.CRM_DB_SCHEMA ?? 'crm';
	const dataDir = path.resolve(process.env.CRM_DATA_DIR ?? path.join(root, '.data'));
	let embedded: EmbeddedServer | undefined;
	let url = process.env.CRM_DATABASE_URL;
	if (!url) {
		const preferred = Number(process.env.CRM_DB_PORT ?? 54320);
		// 0 (or a port in use) means: any free port.
		const port = preferred > 0 && (await portIsFree(preferred)) ? preferred : await findFreePort();
		embedded = await startEmbeddedPostgres({
			dataDir: path.join(dataDir, 'postgres'),
			port,
			persistent: true,
			database: 'crm',
		});
		url = embedded.url;
	}

	const database = openDatabase({ url, schema });
	await database.ready();
	const status = await getMigrationStatus(database);

	const stoppers: Array<() => Promise<void>> = [];
	let sandbox: Record<string, unknown> | undefined;
	const emulatorEntry = path.join(root, 'test/emulator/index.ts');
	if (existsSync(emulatorEntry) && process.env.CRM_START_EMULATOR !== '0') {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { startEmulator } = require(emulatorEntry) as {
			startEmulator: (options: Record<string, unknown>) => Promise<{
				baseUrl: string;
				sandbox?: Record<string, unknown>;
				stop(): Promise<void>;
			}>;
		};
		const emulator = await startEmulator({
			port: Number(process.env.CRM_EMULATOR_PORT ?? 0),
			messages: Number(process.env.CRM_SANDBOX_MESSAGES ?? 500),
			seed: process.env.CRM_SANDBOX_SEED ?? 'sandbox',
		});
		stoppers.push(() => emulator.stop());
		sandbox = { baseUrl: emulator.baseUrl, ...emulator.sandbox };
	}

	const summary = {
		status: 'ready',
		database: {
			url: url.replace(/:[^:@/]*@/, ':***@'),
			schema,
			embedded: Boolean(embedded),
			dataDir: embedded?.dataDir,
			migrations: status.applied.length,
		},
		// Sandbox tokens are the emulator's own (valid only against it), so printing them is safe.
		emulator: sandbox
			? {
					baseUrl: sandbox.baseUrl,
					googleEmail: sandbox.googleEmail,
					microsoftEmail: sandbox.microsoftEmail,
					accessToken: sandbox.accessToken,
					microsoftAccessToken: sandbox.microsoftAccessToken,
				}
			: undefined,
	};
	console.log(JSON.stringify(summary));
	console.log(
		[
			'',
			'crm-connect is running.',
			embedded
				? `  PostgreSQL (embedded): ${embedded.url.replace(/:[^:@/]*@/, ':***@')} — data lives in ${embedded.dataDir}`
				: `  PostgreSQL: ${summary.database.url}`,
			`  Schema "${schema}": ${status.applied.length} migrations applied, ${status.pending.length} pending`,
			sandbox
				? `  Provider emulator (sandbox Google + Microsoft accounts): ${String(sandbox.baseUrl)}`
				: undefined,
			'  Stop with Ctrl-C.',
		]
			.filter(Boolean)
			.join('\n'),
	);

	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping…`);
		for (const stopper of stoppers.reverse()) await stopper().catch(() => undefined);
		await closeAllDatabases();
		if (embedded) await embedded.stop();
		console.log('stopped');
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));
	// Keep the process alive until a signal arrives.
	setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
	console.error(
		`crm-connect could not start: ${error instanceof Error ? error.message : String(error)}`,
	);
	process.exit(1);
});
