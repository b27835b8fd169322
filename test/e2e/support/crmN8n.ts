// A real n8n (the pinned release `npm start` runs) with this package installed as a community
// package, for the end-to-end suite: its own PostgreSQL database on the test server, the provider
// emulator in this process as the sandbox, an owner signed in and every sandbox credential
// connected through n8n's OAuth flow. Optionally in queue mode with `n8n worker` processes and
// Redis. Driven only through n8n's REST API and CLI; `stop()` leaves nothing running.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	closeSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readFileSync,
	readSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Client } from 'pg';

import { findFreePort } from '../../../core/store/embeddedPostgres';
import {
	n8nDatabaseFromUrl,
	n8nEnvironment,
	startN8nProcess,
	type N8nProcess,
	type N8nProcessOptions,
} from '../../../scripts/n8n/instance';
import { installPackageInto } from '../../../scripts/n8n/packageInstall';
import { N8nRest, type N8nCredential } from '../../../scripts/n8n/rest';
import { ensureN8n } from '../../../scripts/n8n/runtime';
import {
	connectSandboxCredential,
	saveConnectAppsCredential,
	saveDatabaseCredential,
	saveWebhookCredential,
	type ConnectAppsSecrets,
	SANDBOX_CREDENTIALS,
	SANDBOX_WORKSPACE_ID,
	type SandboxCredentialKey,
} from '../../../scripts/n8n/sandbox';
import { startEmulator, type Emulator } from '../../emulator';
import { PACKED_PACKAGE_VARIABLE } from '../../setup/packedPackage';
import { RESOLVED_URL_VARIABLE } from '../../setup/testDatabaseServer';

export const E2E_OWNER = {
	email: 'owner@crm-connect.test',
	password: 'E2e-crm-connect-1',
	firstName: 'E2E',
	lastName: 'Owner',
};

export const OAUTH_CREDENTIALS = [
	'gmail',
	'calendar',
	'microsoft',
	'ads',
	'youtube',
	'signIn',
] as const satisfies ReadonlyArray<Exclude<SandboxCredentialKey, 'database'>>;

export interface CrmN8nOptions {
	/** Names the database and folders, so a failed run's leftovers say which test they were. */
	name: string;
	/** Queue mode: this many `n8n worker` processes beside the main one, Redis as the queue. */
	workers?: number;
	messages?: number;
}

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	output: string;
}

export interface CrmN8n {
	rest: N8nRest;
	emulator: Emulator;
	main: N8nProcess;
	workers: N8nProcess[];
	credentials: Record<SandboxCredentialKey, N8nCredential>;
	/** What the CRM Connect Apps credential holds beside the emulator's apps (keys, secrets). */
	connectApps: ConnectAppsSecrets;
	/** The database URL and schema the CRM Database credential points at. */
	crmDatabase: { url: string; schema: string };
	/** Everything the main process (and workers) logged so far. */
	mainLog(): string;
	workerLogs(): string[];
	/**
	 * Stops the main process and starts it again on the same data, as an operator's restart does;
	 * `whileStopped` runs in between.
	 */
	restartMain(whileStopped?: () => Promise<void>): Promise<void>;
	/** An n8n CLI command (`n8n execute …`) with the instance's environment. */
	cli(args: string[], timeoutMs?: number): Promise<CliResult>;
	stop(): Promise<void>;
}

const REDIS = { host: process.env.CRM_REDIS_HOST ?? '127.0.0.1', port: 6379 };

async function withClient<T>(url: string, run: (client: Client) => Promise<T>): Promise<T> {
	const client = new Client({ connectionString: url });
	await client.connect();
	try {
		return await run(client);
	} finally {
		await client.end();
	}
}

function databaseUrl(serverUrl: string, database: string): string {
	const url = new URL(serverUrl);
	url.pathname = `/${database}`;
	return url.toString();
}

/**
 * This package installed into the user folder's nodes/ as n8n installs a community package: the
 * run's tarball unpacked exactly as scripts/n8n/packageInstall.ts unpacks the one it packs, or,
 * without one (a run outside jest's global setup), packed and unpacked by that script itself.
 */
function installPackage(userFolder: string): void {
	const tarball = process.env[PACKED_PACKAGE_VARIABLE];
	if (!tarball || !existsSync(tarball)) {
		installPackageInto(userFolder);
		return;
	}
	const { name, version } = JSON.parse(
		readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'),
	) as { name: string; version: string };
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', name);
	mkdirSync(target, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
	writeFileSync(
		path.join(nodesDir, 'package.json'),
		`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [name]: version } }, null, 2)}\n`,
	);
}

/**
 * n8n answers its readiness check before it has written the node and credential types the editor
 * loads (/types/nodes.json and the others, 18 MB: n8n's FrontendService writes them at every start
 * without waiting for them), and one requested meanwhile is cut short (seen as the editor's
 * /types/nodes.json request aborted, once n8n no longer spends its boot migrating). Waits until the
 * files of the start at `since` are complete: each ends with the "]" n8n writes last.
 */
async function typeFilesWritten(userFolder: string, since: number): Promise<void> {
	const folder = path.join(userFolder, '.cache', 'n8n', 'public', 'types');
	const complete = (name: string) => {
		const file = path.join(folder, `${name}.json`);
		try {
			const { mtimeMs, size } = statSync(file);
			if (mtimeMs < since || size < 3) return false;
			const tail = Buffer.alloc(2);
			const descriptor = openSync(file, 'r');
			try {
				readSync(descriptor, tail, 0, 2, size - 2);
			} finally {
				closeSync(descriptor);
			}
			return tail.toString() === ']\n';
		} catch {
			return false;
		}
	};
	const deadline = Date.now() + 180_000;
	while (!['nodes', 'node-versions', 'credentials'].every(complete)) {
		if (Date.now() > deadline) {
			throw new Error(`n8n did not finish writing ${folder}/*.json within 180 s of its start`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** Held while the template below is looked for, built or copied: one test file at a time. */
const TEMPLATE_LOCK = 7_285_011_301;

/**
 * n8n's database of one instance, empty but for n8n's tables: a copy of a template database that
 * n8n migrated once (per n8n release, on the test server), instead of n8n running its 275
 * migrations at every boot (10 s alone, half a minute on a busy machine). The template is made by
 * `n8n list:workflow`, a command that migrates the database and seeds nothing (no instance
 * identity, no encryption keys: each instance's first `n8n start` does that with its own key, as on
 * a new database), and renamed into place only once complete.
 */
async function createN8nDatabase(
	serverUrl: string,
	database: string,
	runtime: Awaited<ReturnType<typeof ensureN8n>>,
): Promise<void> {
	const template = `crm_e2e_n8n_template_${runtime.version.replace(/[^a-z0-9]+/gi, '_')}`;
	await withClient(serverUrl, async (client) => {
		await client.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
		try {
			const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [
				template,
			]);
			if (!rowCount) await buildTemplate(client, serverUrl, template, runtime);
			await client.query(`drop database if exists "${database}" with (force)`);
			await client.query(`create database "${database}" template "${template}"`);
		} finally {
			await client.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
		}
	});
}

async function buildTemplate(
	client: Client,
	serverUrl: string,
	template: string,
	runtime: Awaited<ReturnType<typeof ensureN8n>>,
): Promise<void> {
	const building = `${template}_building`;
	// Templates of other n8n releases are of no more use.
	const { rows } = await client.query<{ datname: string }>(
		"select datname from pg_database where datname like 'crm\\_e2e\\_n8n\\_template\\_%'",
	);
	for (const { datname } of rows) await client.query(`drop database "${datname}" with (force)`);
	await client.query(`create database "${building}"`);
	const userFolder = mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-n8n-template-'));
	try {
		const env = n8nEnvironment({
			runtime,
			userFolder,
			database: n8nDatabaseFromUrl(serverUrl, building),
			encryptionKey: 'e2e-n8n-template',
			port: await findFreePort(),
			brokerPort: await findFreePort(),
			logFile: path.join(userFolder, 'migrate.log'),
			role: 'main',
		});
		const result = await new Promise<CliResult>((resolve) => {
			const child = spawn(runtime.bin, ['list:workflow'], {
				env,
				cwd: userFolder,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let output = '';
			child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
			const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				resolve({ code, signal, output });
			});
		});
		const migrations = await withClient(databaseUrl(serverUrl, building), async (migrated) =>
			Number((await migrated.query('select count(*) as n from migrations')).rows[0].n),
		).catch(() => 0);
		if (result.code !== 0 || migrations === 0) {
			throw new Error(
				`n8n could not migrate its template database (exit ${result.code}, ${result.signal}, ${migrations} migrations):\n${result.output.slice(-3000)}`,
			);
		}
		await client.query(`alter database "${building}" rename to "${template}"`);
	} catch (error) {
		await client.query(`drop database if exists "${building}" with (force)`);
		throw error;
	} finally {
		rmSync(userFolder, { recursive: true, force: true });
	}
}

export async function startCrmN8n(options: CrmN8nOptions): Promise<CrmN8n> {
	const serverUrl = process.env[RESOLVED_URL_VARIABLE];
	if (!serverUrl) throw new Error('the jest global setup has not resolved a PostgreSQL server');
	const runtime = await ensureN8n(() => undefined);
	const stoppers: Array<() => Promise<void>> = [];
	const stopAll = async () => {
		for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => undefined);
	};
	try {
		const slug = options.name.replace(/[^a-z0-9]+/gi, '_').toLowerCase();
		const database = `crm_e2e_${slug}_${process.pid}`;
		await createN8nDatabase(serverUrl, database, runtime);
		stoppers.push(() =>
			withClient(serverUrl, async (client) => {
				await client.query(`drop database if exists "${database}" with (force)`);
			}),
		);
		const userFolder = mkdtempSync(path.join(os.tmpdir(), `crm-e2e-${slug}-`));
		stoppers.push(async () => rmSync(userFolder, { recursive: true, force: true }));
		installPackage(userFolder);

		const emulator = await startEmulator({ seed: `e2e-${slug}`, messages: options.messages ?? 40 });
		stoppers.push(() => emulator.stop());

		const processOptions: N8nProcessOptions = {
			runtime,
			userFolder,
			database: n8nDatabaseFromUrl(serverUrl, database),
			encryptionKey: `e2e-${slug}-encryption-key`,
			port: await findFreePort(),
			brokerPort: await findFreePort(),
			queue: options.workers ? REDIS : undefined,
			// The queue's keys are per instance, so parallel runs on one Redis do not share jobs.
			env: {
				// Debug: n8n says which packages it loaded, and what it did with each poll.
				N8N_LOG_LEVEL: 'debug',
				...(options.workers ? { QUEUE_BULL_PREFIX: `crm-e2e-${slug}-${process.pid}` } : {}),
			},
			logFile: path.join(userFolder, 'main.log'),
		};
		const mainStarted = Date.now();
		let main = await startN8nProcess(processOptions);
		stoppers.push(() => main.stop());
		await typeFilesWritten(userFolder, mainStarted);

		// The workers boot side by side (main has migrated the database by now); each one that
		// started is stopped again, even when another did not start.
		const workerOptions: N8nProcessOptions[] = [];
		for (let index = 0; index < (options.workers ?? 0); index++) {
			workerOptions.push({
				...processOptions,
				role: 'worker',
				port: await findFreePort(),
				brokerPort: await findFreePort(),
				logFile: path.join(userFolder, `worker-${index + 1}.log`),
			});
		}
		const started = await Promise.allSettled(workerOptions.map((one) => startN8nProcess(one)));
		const workers: N8nProcess[] = [];
		for (const outcome of started) {
			if (outcome.status !== 'fulfilled') continue;
			workers.push(outcome.value);
			stoppers.push(() => outcome.value.stop());
		}
		const failed = started.find((outcome) => outcome.status === 'rejected');
		if (failed) throw failed.reason;

		const rest = new N8nRest(main.url);
		await rest.signIn(E2E_OWNER);
		const crmDatabase = { url: databaseUrl(serverUrl, database), schema: 'crm' };
		const credentials = {
			database: await saveDatabaseCredential(rest, crmDatabase),
			// As npm start does, so the conversion webhook template finds its credential on import.
			webhook: await saveWebhookCredential(rest, {
				workspaceId: SANDBOX_WORKSPACE_ID,
				secret: randomBytes(32).toString('base64url'),
			}),
		} as Record<SandboxCredentialKey, N8nCredential>;
		const sandbox = { baseUrl: emulator.baseUrl, sandbox: emulator.sandbox };
		for (const key of OAUTH_CREDENTIALS) {
			credentials[key] = await connectSandboxCredential(rest, sandbox, key);
		}
		const connectApps: ConnectAppsSecrets = {
			publicBaseUrl: `${main.url}/webhook/crm-api`,
			tokenKeys: `e2e-1:${randomBytes(32).toString('base64')}`,
			apiSigningSecret: randomBytes(32).toString('base64url'),
			allowedReturnOrigins: 'http://127.0.0.1, http://localhost',
		};
		credentials.apps = await saveConnectAppsCredential(rest, sandbox, connectApps);

		const read = (file: string) => {
			try {
				return readFileSync(file, 'utf8');
			} catch {
				return '';
			}
		};
		return {
			rest,
			emulator,
			get main() {
				return main;
			},
			workers,
			credentials,
			connectApps,
			crmDatabase,
			mainLog: () => read(processOptions.logFile),
			workerLogs: () => workers.map((worker) => read(worker.logFile)),
			async restartMain(whileStopped) {
				await main.stop();
				await whileStopped?.();
				const restarted = Date.now();
				main = await startN8nProcess(processOptions);
				await typeFilesWritten(userFolder, restarted);
				await rest.signIn(E2E_OWNER);
			},
			cli: async (args, timeoutMs = 120_000) => {
				// A CLI process starts a task-runner broker of its own: it needs its own port.
				const brokerPort = await findFreePort();
				return await new Promise<CliResult>((resolve) => {
					const child = spawn(runtime.bin, args, {
						env: n8nEnvironment({ ...processOptions, brokerPort, role: 'main' }),
						cwd: userFolder,
						stdio: ['ignore', 'pipe', 'pipe'],
					});
					let output = '';
					child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
					child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
					const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
					child.on('close', (code, signal) => {
						clearTimeout(timer);
						resolve({ code, signal, output });
					});
				});
			},
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

/** The credential names the published examples refer to, by key. */
export const CREDENTIAL_NAMES = Object.fromEntries(
	Object.entries(SANDBOX_CREDENTIALS).map(([key, { name }]) => [key, name]),
) as Record<SandboxCredentialKey, string>;

/** Polls `check` until it returns a value (not undefined), or fails with what it last saw. */
export async function eventually<T>(
	what: string,
	check: () => Promise<T | undefined>,
	timeoutMs = 150_000,
	intervalMs = 1_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value !== undefined) return value;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline) {
			throw new Error(
				`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}
