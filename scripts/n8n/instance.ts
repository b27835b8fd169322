// Runs n8n processes (the main instance, and `n8n worker`s in queue mode) the way an operator runs
// them: loopback only, PostgreSQL as n8n's database, this package installed in the user folder's
// nodes/, telemetry and version checks off. Each process gets its own process group, so stopping it
// also stops the task runners it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

import type { N8nRuntime } from './runtime';

export interface N8nDatabase {
	host: string;
	port: number;
	database: string;
	user: string;
	password?: string;
}

/** n8n's database settings from a PostgreSQL URL; `database` names another database on its server. */
export function n8nDatabaseFromUrl(url: string, database?: string): N8nDatabase {
	const parsed = new URL(url);
	return {
		host: parsed.hostname,
		port: Number(parsed.port || 5432),
		database: database ?? decodeURIComponent(parsed.pathname.slice(1)),
		user: decodeURIComponent(parsed.username) || 'postgres',
		password: decodeURIComponent(parsed.password) || undefined,
	};
}

export interface N8nProcessOptions {
	runtime: N8nRuntime;
	/** n8n's user folder: n8n keeps `.n8n/` (config, nodes/) in it. */
	userFolder: string;
	database: N8nDatabase;
	encryptionKey: string;
	/** Main: the editor/REST port. Worker: its health-check port. */
	port: number;
	/** The task-runner broker's port (n8n's default, 5679, collides with a custom n8n port). */
	brokerPort: number;
	role?: 'main' | 'worker';
	/** Redis for queue mode (main and workers); without it n8n runs executions itself. */
	queue?: { host: string; port: number };
	logFile: string;
	env?: Record<string, string>;
}

export interface N8nProcess {
	role: 'main' | 'worker';
	url: string;
	child: ChildProcess;
	logFile: string;
	/** Milliseconds from spawn to ready. */
	readyMs: number;
	/** Resident memory of the n8n process (kB) as the kernel reports it. */
	rssKb(): number | undefined;
	stop(timeoutMs?: number): Promise<void>;
}

/** The environment every n8n process of one installation shares. */
export function n8nEnvironment(options: N8nProcessOptions): NodeJS.ProcessEnv {
	const { database } = options;
	const env: NodeJS.ProcessEnv = {
		...process.env,
		// As operators run it; n8n started under NODE_ENV=test (jest sets it) exits without a word.
		NODE_ENV: 'production',
		N8N_USER_FOLDER: options.userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(options.role === 'worker' ? 0 : options.port),
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
		N8N_ENCRYPTION_KEY: options.encryptionKey,
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		// Fetches a public catalogue of MCP servers from api.n8n.io at boot: an error offline.
		N8N_DISABLED_MODULES: 'mcp-registry',
		// Fast webhook answers for custom nodes (an expression sandbox only when one is needed).
		N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: database.host,
		DB_POSTGRESDB_PORT: String(database.port),
		DB_POSTGRESDB_DATABASE: database.database,
		DB_POSTGRESDB_USER: database.user,
		DB_POSTGRESDB_PASSWORD: database.password ?? '',
		...options.env,
	};
	if (options.queue) {
		env.EXECUTIONS_MODE = 'queue';
		env.QUEUE_BULL_REDIS_HOST = options.queue.host;
		env.QUEUE_BULL_REDIS_PORT = String(options.queue.port);
		env.QUEUE_HEALTH_CHECK_ACTIVE = 'true';
		if (options.role === 'worker') env.QUEUE_HEALTH_CHECK_PORT = String(options.port);
	}
	// npm's own variables would leak into n8n's child npm calls (community package installs).
	for (const key of Object.keys(env)) if (/^(npm_|JEST_)/.test(key)) delete env[key];
	return env;
}

async function waitReady(url: string, child: ChildProcess, logFile: string, timeoutMs: number) {
	const deadline = Date.now() + timeoutMs;
	let exited: number | null | undefined;
	child.once('exit', (code) => (exited = code));
	while (Date.now() < deadline) {
		if (exited !== undefined)
			throw new Error(`n8n exited (code ${exited}) before it was ready; see ${logFile}`);
		try {
			const response = await fetch(`${url}/healthz/readiness`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`n8n was not ready after ${timeoutMs / 1000} s; see ${logFile}`);
}

function rssOf(pid: number | undefined): number | undefined {
	if (!pid) return undefined;
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const status = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8') as string;
		return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
	} catch {
		return undefined;
	}
}

/** Starts one n8n process and resolves once it answers its readiness check. */
export async function startN8nProcess(options: N8nProcessOptions): Promise<N8nProcess> {
	const role = options.role ?? 'main';
	mkdirSync(path.dirname(options.logFile), { recursive: true });
	const log = createWriteStream(options.logFile, { flags: 'a' });
	const started = Date.now();
	const args = role === 'worker' ? ['worker', '--concurrency=5'] : ['start'];
	const child = spawn(options.runtime.bin, args, {
		env: n8nEnvironment({ ...options, role }),
		cwd: options.userFolder,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	child.stdout?.pipe(log, { end: false });
	child.stderr?.pipe(log, { end: false });
	const url = `http://127.0.0.1:${options.port}`;
	// n8n runs in a process group of its own, so it would outlive a caller that exits without
	// stopping it (a test run that fails or is killed): take the group down on the way out.
	const killOnExit = () => {
		try {
			process.kill(-(child.pid as number), 'SIGKILL');
		} catch {
			// already gone
		}
	};
	process.once('exit', killOnExit);
	child.once('exit', () => process.removeListener('exit', killOnExit));
	const stop = async (timeoutMs = 15_000) => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		const signalGroup = (signal: NodeJS.Signals) => {
			try {
				process.kill(-(child.pid as number), signal);
			} catch {
				// already gone
			}
		};
		signalGroup('SIGTERM');
		const timer = setTimeout(() => signalGroup('SIGKILL'), timeoutMs);
		await gone;
		clearTimeout(timer);
		// Task runners n8n started are in the same group: make sure none is left behind.
		signalGroup('SIGKILL');
		log.end();
	};
	try {
		await waitReady(url, child, options.logFile, 180_000);
	} catch (error) {
		await stop(2_000);
		throw error;
	}
	return {
		role,
		url,
		child,
		logFile: options.logFile,
		readyMs: Date.now() - started,
		rssKb: () => rssOf(child.pid),
		stop,
	};
}
