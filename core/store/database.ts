import knexFactory, { type Knex } from 'knex';
import { Client } from 'pg';

import { DatabaseConnectionError } from './databaseErrors';

import {
	connectionKey,
	describeConnection,
	parseDatabaseSettings,
	toPgConnection,
	type DatabaseSettings,
	type DatabaseSettingsInput,
} from './databaseSettings';
import { migrateToLatest } from './migrations';

/** A pooled connection to the crm-connect schema of one PostgreSQL database. */
export interface CrmDatabase {
	readonly knex: Knex;
	readonly settings: DatabaseSettings;
	readonly schema: string;
	/** Runs pending migrations once per process (when the settings allow it). */
	ready(): Promise<void>;
	/** Where this database is, without secrets. */
	describe(): string;
}

const databases = new Map<string, CrmDatabase>();
const ignore = () => undefined;
let exitHookInstalled = false;

/**
 * Returns the shared database for these settings, creating its pool on first use. Pools are
 * reused for the life of the process: never one per item or per execution.
 */
export function openDatabase(input: DatabaseSettingsInput | DatabaseSettings): CrmDatabase {
	const settings = parseDatabaseSettings(input);
	const key = connectionKey(settings);
	const existing = databases.get(key);
	if (existing) return existing;

	const knex = knexFactory({
		client: 'pg',
		// Named per schema so an operator (and a test) can tell this pool's connections apart.
		connection: { ...toPgConnection(settings), application_name: `crm-connect:${settings.schema}` },
		// Unqualified table names resolve to our schema only, never to a host application's tables.
		searchPath: [settings.schema],
		pool: { min: 0, max: settings.poolMax, idleTimeoutMillis: 10_000 },
		acquireConnectionTimeout: 15_000,
		// knex would print connection failures to the console; they reach the caller as errors.
		log: { warn: ignore, error: ignore, deprecate: ignore, debug: ignore },
	});
	let migrated: Promise<unknown> | undefined;
	const database: CrmDatabase = {
		knex,
		settings,
		schema: settings.schema,
		ready() {
			if (!settings.autoMigrate) return Promise.resolve();
			migrated ??= migrateToLatest(database).catch((error: unknown) => {
				migrated = undefined; // a later call may try again (e.g. the server came back)
				throw error;
			});
			return migrated.then(() => undefined);
		},
		describe: () => describeConnection(settings),
	};
	databases.set(key, database);
	installExitHook();
	return database;
}

/** Closes every pool this process opened. */
export async function closeAllDatabases(): Promise<void> {
	const open = [...databases.values()];
	databases.clear();
	await Promise.all(open.map((database) => database.knex.destroy()));
}

/** Closes one database's pool and forgets it. */
export async function closeDatabase(database: CrmDatabase): Promise<void> {
	for (const [key, value] of databases) if (value === database) databases.delete(key);
	await database.knex.destroy();
}

function installExitHook() {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	// Idle connections would keep a finished process alive; release them when nothing else is left.
	process.once('beforeExit', () => {
		void closeAllDatabases();
	});
}

/** Server version and current schema, as a cheap round trip that proves the connection works. */
export async function checkConnection(
	database: CrmDatabase,
): Promise<{ serverVersion: string; schema: string; database: string; latencyMs: number }> {
	const started = process.hrtime.bigint();
	const result = await database.knex
		.raw<{
			rows: Array<{ server_version: string; database: string }>;
		}>(`select current_setting('server_version') as server_version, current_database() as database`)
		.catch((error: unknown) => {
			throw new DatabaseConnectionError(database.settings, error);
		});
	const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
	const row = result.rows[0];
	return {
		serverVersion: row.server_version,
		database: row.database,
		schema: database.schema,
		latencyMs: Math.round(latencyMs * 10) / 10,
	};
}

/**
 * Connects once without a pool (for a credential test): returns the server version or throws an
 * error worded for the user.
 */
export async function testDatabaseSettings(
	input: DatabaseSettingsInput,
): Promise<{ serverVersion: string; database: string; schemaExists: boolean }> {
	const settings = parseDatabaseSettings(input);
	const client = new Client({ ...toPgConnection(settings), connectionTimeoutMillis: 10_000 });
	try {
		await client.connect();
		const result = await client.query<{
			server_version: string;
			database: string;
			schema_exists: boolean;
		}>(
			`select current_setting('server_version') as server_version, current_database() as database,
			        exists (select 1 from pg_namespace where nspname = $1) as schema_exists`,
			[settings.schema],
		);
		const row = result.rows[0];
		return {
			serverVersion: row.server_version,
			database: row.database,
			schemaExists: row.schema_exists,
		};
	} catch (error) {
		throw new DatabaseConnectionError(settings, error);
	} finally {
		await client.end().catch(() => undefined);
	}
}
