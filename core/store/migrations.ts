import { Client } from 'pg';

import type { CrmDatabase } from './database';
import { DatabaseConnectionError } from './databaseErrors';
import { toPgConnection } from './databaseSettings';
// Plain CommonJS shared with knexfile.js and knex's CLI, so every path runs the same files.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CrmMigrationSource, migrationNames } = require('../../migrations/index.js') as {
	CrmMigrationSource: new () => import('knex').Knex.MigrationSource<{ file: string }>;
	migrationNames: string[];
};

const MIGRATIONS_TABLE = 'knex_migrations';

export interface MigrationReport {
	/** Migrations applied by this call (empty when the schema was already current). */
	applied: string[];
	/** Every migration the schema now has. */
	current: string[];
}

function migratorConfig(database: CrmDatabase) {
	return {
		migrationSource: new CrmMigrationSource(),
		schemaName: database.schema,
		tableName: MIGRATIONS_TABLE,
	};
}

/**
 * Brings the schema up to date. Workers that start together queue on a PostgreSQL advisory lock
 * (knex's own lock table only makes a second migrator fail), so the first migrates and the others
 * find nothing left to do.
 */
export async function migrateToLatest(database: CrmDatabase): Promise<MigrationReport> {
	return withMigrationLock(database, async () => {
		await database.knex.raw('create schema if not exists ??', [database.schema]);
		const [, applied] = (await database.knex.migrate.latest(migratorConfig(database))) as [
			number,
			string[],
		];
		return { applied, current: await listAppliedMigrations(database) };
	});
}

/** Undoes every migration (the schema itself is kept). */
export async function rollbackAllMigrations(database: CrmDatabase): Promise<string[]> {
	return withMigrationLock(database, async () => {
		const [, rolledBack] = (await database.knex.migrate.rollback(
			migratorConfig(database),
			true,
		)) as [number, string[]];
		return rolledBack;
	});
}

export interface MigrationStatus {
	schemaExists: boolean;
	applied: string[];
	pending: string[];
}

/**
 * What the schema has and lacks, read without side effects (knex's own `list` would create its
 * bookkeeping tables, which a connection check must not do).
 */
export async function getMigrationStatus(database: CrmDatabase): Promise<MigrationStatus> {
	const { knex, schema } = database;
	const existence = await knex.raw<{
		rows: Array<{ schema_exists: boolean; table_exists: boolean }>;
	}>(
		`select exists (select 1 from pg_namespace where nspname = ?) as schema_exists,
		        to_regclass(quote_ident(?) || '.' || quote_ident(?)) is not null as table_exists`,
		[schema, schema, MIGRATIONS_TABLE],
	);
	const { schema_exists: schemaExists, table_exists: tableExists } = existence.rows[0];
	const applied = tableExists
		? (await knex.withSchema(schema).from(MIGRATIONS_TABLE).orderBy('id').pluck('name')).map(String)
		: [];
	const done = new Set(applied);
	return { schemaExists, applied, pending: migrationNames.filter((name) => !done.has(name)) };
}

export async function listAppliedMigrations(database: CrmDatabase): Promise<string[]> {
	const [completed] = (await database.knex.migrate.list(migratorConfig(database))) as [
		Array<{ name: string } | string>,
		unknown,
	];
	return completed.map((entry) => (typeof entry === 'string' ? entry : entry.name));
}

async function withMigrationLock<T>(database: CrmDatabase, work: () => Promise<T>): Promise<T> {
	// A session-level advisory lock needs one dedicated connection for its whole life.
	const client = new Client({
		...toPgConnection(database.settings),
		application_name: 'crm-connect migrations',
	});
	await client.connect().catch((error: unknown) => {
		throw new DatabaseConnectionError(database.settings, error);
	});
	try {
		await client.query('select pg_advisory_lock(hashtext($1))', [
			`crm-connect:migrations:${database.schema}`,
		]);
		return await work();
	} finally {
		await client.end().catch(() => undefined); // ending the session releases the lock
	}
}
