// `npm start`: crm-connect running on this machine as a user would run it — PostgreSQL (embedded
// unless CRM_DATABASE_URL points at a server), the crm-connect schema migrated, the provider
// emulator as a sandbox (Google and Microsoft accounts with a generated mailbox and calendars), and
// n8n with this package installed as a community package, an owner account, the sandbox
// credentials connected through n8n's real OAuth flow, and every published example imported.
// Prints where everything is and what to try, and runs until Ctrl-C or SIGTERM.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { Client } from 'pg';

import { closeAllDatabases, openDatabase } from '../core/store/database';
import {
	findFreePort,
	leaveShutdownToCaller,
	startEmbeddedPostgres,
	type EmbeddedServer,
} from '../core/store/embeddedPostgres';
import { getMigrationStatus } from '../core/store/migrations';
import { buildIfChanged } from './buildIfChanged';
import { n8nDatabaseFromUrl, startN8nProcess, type N8nProcess } from './n8n/instance';
import { installPackageInto } from './n8n/packageInstall';
import { N8nRest } from './n8n/rest';
import { ensureN8n } from './n8n/runtime';
import {
	connectSandboxCredential,
	saveAiModelCredential,
	saveConnectAppsCredential,
	saveWebhookCredential,
	SANDBOX_WORKSPACE_ID,
	importPublishedWorkflows,
	saveDatabaseCredential,
	type SandboxEmulator,
} from './n8n/sandbox';

const root = path.resolve(__dirname, '..');
const log = (line: string) => console.log(line);

/** The sandbox n8n's owner: a local test login, printed for the user. */
export const SANDBOX_OWNER = {
	email: 'owner@crm-connect.test',
	password: 'Sandbox-crm-connect-1',
	firstName: 'Sandbox',
	lastName: 'Owner',
};

async function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const probe = net.createServer();
		probe.once('error', () => resolve(false));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
	});
}

/** The preferred port when it is free (0: any), else any free port. */
async function pickPort(preferred: number): Promise<number> {
	return preferred > 0 && (await portIsFree(preferred)) ? preferred : await findFreePort();
}

/**
 * One `npm start` per data folder: a second one refuses before it touches anything (dist/
 * included). A lock left by a process that no longer runs is taken over.
 */
function takeStartLock(dataDir: string): () => void {
	mkdirSync(dataDir, { recursive: true });
	const lock = path.join(dataDir, 'start.pid');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			writeFileSync(lock, String(process.pid), { flag: 'wx' });
			return () => rmSync(lock, { force: true });
		} catch {
			const holder = Number(readFileSync(lock, 'utf8'));
			let alive = false;
			try {
				process.kill(holder, 0);
				alive = holder !== process.pid;
			} catch {
				alive = false;
			}
			if (alive) {
				throw new Error(
					`npm start is already running (process ${holder}) with its data in ${dataDir}. ` +
						'Stop it first (Ctrl-C), or give this one another folder with CRM_DATA_DIR.',
				);
			}
			rmSync(lock, { force: true });
		}
	}
	throw new Error(`could not take the start lock ${lock}`);
}

/** n8n's own tables live in their own schema of the same database. */
async function ensureSchema(url: string, schema: string): Promise<void> {
	const client = new Client({ connectionString: url });
	await client.connect();
	try {
		await client.query(`create schema if not exists "${schema.replace(/"/g, '""')}"`);
	} finally {
		await client.end();
	}
}

function readOrCreateKey(file: string): string {
	if (existsSync(file)) return readFileSync(file, 'utf8').trim();
	const key = randomBytes(24).toString('base64url');
	writeFileSync(file, `${key}\n`, { mode: 0o600 });
	return key;
}

/** A 32-byte AES key (base64), created once and kept in the data folder. */
function readOrCreateTokenKey(file: string): string {
	if (existsSync(file)) return readFileSync(file, 'utf8').trim();
	const key = randomBytes(32).toString('base64');
	writeFileSync(file, `${key}\n`, { mode: 0o600 });
	return key;
}

interface StartedEmulator extends SandboxEmulator {
	stop(): Promise<void>;
	/** The OpenAI-compatible model surface (base URL ending in /v1) and the key it accepts. */
	urls: { openai: string };
	openai: { apiKey: string };
	sandbox: SandboxEmulator['sandbox'] & { accessToken: string; microsoftAccessToken: string };
}

async function startSandbox(): Promise<StartedEmulator> {
	// The emulator is test tooling (TypeScript); ts-node compiles it on the fly.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { startEmulator } = require(path.join(root, 'test/emulator/index.ts')) as {
		startEmulator: (options: Record<string, unknown>) => Promise<StartedEmulator>;
	};
	return await startEmulator({
		port: await pickPort(Number(process.env.CRM_EMULATOR_PORT ?? 8025)),
		messages: Number(process.env.CRM_SANDBOX_MESSAGES ?? 500),
		seed: process.env.CRM_SANDBOX_SEED ?? 'sandbox',
	});
}

async function main() {
	const started = Date.now();
	const schema = process.env.CRM_DB_SCHEMA ?? 'crm';
	const dataDir = path.resolve(process.env.CRM_DATA_DIR ?? path.join(root, '.data'));
	const releaseLock = takeStartLock(dataDir);
	const stoppers: Array<{ name: string; stop: () => Promise<void> }> = [];
	let stopping: Promise<void> | undefined;
	const stopAll = (reason: string, code: number) => {
		stopping ??= (async () => {
			log(`\n${reason}: stopping…`);
			const deadline = setTimeout(() => {
				console.error('stopping took too long; exiting');
				process.exit(code || 1);
			}, 25_000);
			for (const { name, stop } of stoppers.reverse()) {
				await stop().catch((error: Error) =>
					console.error(`could not stop ${name}: ${error.message}`),
				);
			}
			await closeAllDatabases().catch(() => undefined);
			releaseLock();
			clearTimeout(deadline);
			log('stopped');
			process.exit(code);
		})();
		return stopping;
	};
	process.on('SIGINT', () => void stopAll('SIGINT', 0));
	process.on('SIGTERM', () => void stopAll('SIGTERM', 0));
	process.on('SIGHUP', () => void stopAll('SIGHUP', 0));

	// How long each phase took, reported in the ready line.
	const timings: Record<string, number> = {};
	let mark = Date.now();
	const phase = (name: string) => {
		timings[name] = Date.now() - mark;
		mark = Date.now();
	};
	try {
		const build = buildIfChanged(log);
		phase('buildMs');

		let embedded: EmbeddedServer | undefined;
		let url = process.env.CRM_DATABASE_URL;
		if (!url) {
			embedded = await startEmbeddedPostgres({
				dataDir: path.join(dataDir, 'postgres'),
				port: await pickPort(Number(process.env.CRM_DB_PORT ?? 54320)),
				persistent: true,
				database: 'crm',
			});
			leaveShutdownToCaller();
			const server = embedded;
			stoppers.push({ name: 'PostgreSQL', stop: () => server.stop() });
			url = embedded.url;
		}
		const database = openDatabase({ url, schema });
		await database.ready();
		const status = await getMigrationStatus(database);
		phase('databaseMs');

		const startN8n = process.env.CRM_START_N8N !== '0';
		let emulator: StartedEmulator | undefined;
		if (process.env.CRM_START_EMULATOR !== '0') {
			const sandbox = await startSandbox();
			emulator = sandbox;
			stoppers.push({ name: 'the emulator', stop: () => sandbox.stop() });
			phase('emulatorMs');
		}

		let n8n: N8nProcess | undefined;
		let imported: Awaited<ReturnType<typeof importPublishedWorkflows>> = [];
		let n8nVersion: string | undefined;
		if (startN8n) {
			const runtime = await ensureN8n(log);
			n8nVersion = runtime.version;
			const userFolder = path.join(dataDir, 'n8n');
			mkdirSync(userFolder, { recursive: true });
			installPackageInto(userFolder);
			const n8nSchema = process.env.CRM_N8N_SCHEMA ?? 'n8n';
			await ensureSchema(url, n8nSchema);
			log(`Starting n8n ${runtime.version} …`);
			const process_ = await startN8nProcess({
				runtime,
				userFolder,
				database: n8nDatabaseFromUrl(url),
				env: { DB_POSTGRESDB_SCHEMA: n8nSchema },
				encryptionKey: readOrCreateKey(path.join(dataDir, 'n8n-encryption-key')),
				port: await pickPort(Number(process.env.CRM_N8N_PORT ?? 5678)),
				brokerPort: await findFreePort(),
				logFile: path.join(dataDir, 'n8n.log'),
			});
			n8n = process_;
			stoppers.push({ name: 'n8n', stop: () => process_.stop() });
			phase('n8nMs');
			const rest = new N8nRest(n8n.url);
			await rest.signIn(SANDBOX_OWNER);
			await saveDatabaseCredential(rest, { url, schema });
			if (emulator) {
				const sandbox = emulator;
				await Promise.all(
					(['gmail', 'calendar', 'microsoft', 'ads', 'youtube', 'signIn'] as const).map(
						async (key) => await connectSandboxCredential(rest, sandbox, key),
					),
				);
				// The keys that seal stored tokens and sign API tokens stay in the data folder: a
				// restart must still open what an earlier run stored.
				await saveConnectAppsCredential(rest, sandbox, {
					publicBaseUrl: `${process_.url}/webhook/crm-api`,
					tokenKeys: `sandbox-1:${readOrCreateTokenKey(path.join(dataDir, 'token-key'))}`,
					apiSigningSecret: readOrCreateKey(path.join(dataDir, 'api-signing-secret')),
					allowedReturnOrigins: `${process_.url}, http://localhost, http://127.0.0.1`,
				});
				// To try "Use AI Model" of the enrichment without a real key; nothing uses it by default.
				await saveAiModelCredential(rest, {
					baseUrl: sandbox.urls.openai,
					apiKey: sandbox.openai.apiKey,
					model: 'gpt-4o-mini',
				});
				// Callers of the CRM Webhook Trigger send this secret (X-CRM-Webhook-Secret) or sign with it.
				await saveWebhookCredential(rest, {
					workspaceId: SANDBOX_WORKSPACE_ID,
					secret: readOrCreateKey(path.join(dataDir, 'webhook-secret')),
				});
				const existing = new Set(
					(await rest.request<Array<{ name: string }>>('GET', '/rest/workflows')).map(
						(w) => w.name,
					),
				);
				// Examples a user already has (and may have changed) are left as they are.
				imported = await importPublishedWorkflows(rest, undefined, (name) => !existing.has(name));
			}
			phase('sandboxMs');
		}

		const summary = {
			status: 'ready',
			startedInMs: Date.now() - started,
			timings,
			build: build.built ? 'built' : 'up to date',
			database: {
				// The embedded server's password is a local constant, so its URL is printed whole.
				url: embedded ? url : url.replace(/:[^:@/]*@/, ':***@'),
				schema,
				embedded: Boolean(embedded),
				dataDir: embedded?.dataDir,
				migrations: status.applied.length,
			},
			n8n: n8n
				? {
						url: n8n.url,
						version: n8nVersion,
						login: { email: SANDBOX_OWNER.email, password: SANDBOX_OWNER.password },
						log: n8n.logFile,
						workflowsImported: imported.length,
					}
				: undefined,
			// Sandbox tokens are the emulator's own (valid only against it), so printing them is safe.
			emulator: emulator
				? {
						baseUrl: emulator.baseUrl,
						googleEmail: emulator.sandbox.googleEmail,
						microsoftEmail: emulator.sandbox.microsoftEmail,
						accessToken: emulator.sandbox.accessToken,
						microsoftAccessToken: emulator.sandbox.microsoftAccessToken,
					}
				: undefined,
		};
		log(JSON.stringify(summary));
		log(readyText(summary, embedded, status.pending.length));
	} catch (error) {
		console.error(
			`crm-connect could not start: ${error instanceof Error ? error.message : String(error)}`,
		);
		await stopAll('error', 1);
	}
	// Keep running until a signal arrives.
	setInterval(() => undefined, 1 << 30);
}

function readyText(
	summary: {
		startedInMs: number;
		database: { url: string; schema: string; dataDir?: string; migrations: number };
		n8n?: {
			url: string;
			version?: string;
			login: { email: string; password: string };
			log: string;
		};
		emulator?: { baseUrl: string; googleEmail: string; microsoftEmail: string };
	},
	embedded: EmbeddedServer | undefined,
	pending: number,
): string {
	const { database, n8n, emulator } = summary;
	const lines = [
		'',
		`crm-connect is running (ready in ${(summary.startedInMs / 1000).toFixed(1)} s).`,
		embedded
			? `  PostgreSQL (embedded): ${database.url} — data lives in ${database.dataDir}`
			: `  PostgreSQL: ${database.url}`,
		`  Schema "${database.schema}": ${database.migrations} migrations applied, ${pending} pending`,
	];
	if (emulator) {
		lines.push(
			`  Sandbox (provider emulator): ${emulator.baseUrl} — Google ${emulator.googleEmail}, Microsoft ${emulator.microsoftEmail}`,
		);
	}
	if (n8n) {
		lines.push(
			`  n8n ${n8n.version}: ${n8n.url} — sign in as ${n8n.login.email} / ${n8n.login.password} (log: ${n8n.log})`,
			'',
			'Things to try:',
			`  1. Open ${n8n.url}, open "Example · Gmail CRM: answer every unread message from a customer domain" and click Execute workflow.`,
			'  2. Publish (activate) "Example · Gmail CRM Trigger: log every new customer email and star it", deliver three messages',
			`     to the sandbox mailbox and watch its executions appear within a minute:`,
			`       curl -s -X POST ${emulator?.baseUrl}/_emulator/gmail/deliver -H 'content-type: application/json' -d '{"email":"${emulator?.googleEmail}","count":3}'`,
			`  3. Look at the CRM tables: psql '${database.url}' -c '\\dt ${database.schema}.*'`,
		);
	}
	lines.push('', 'Stop with Ctrl-C.');
	return lines.join('\n');
}

void main();
