// Each test file works in its own schema of the run's server, so nothing leaks between files.
import { randomBytes } from 'node:crypto';

import { closeDatabase, openDatabase, type CrmDatabase } from '../../core/store/database';
import { DEFAULT_TEST_DATABASE_URL, RESOLVED_URL_VARIABLE } from '../setup/testDatabaseServer';

export function testServerUrl(): string {
	return (
		process.env[RESOLVED_URL_VARIABLE] ??
		process.env.CRM_TEST_DATABASE_URL ??
		DEFAULT_TEST_DATABASE_URL
	);
}

export interface TestDatabase {
	database: CrmDatabase;
	url: string;
	schema: string;
	/** Drops the schema and closes the pool. */
	drop(): Promise<void>;
}

export async function createTestDatabase(
	options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
	const schema = `test_${randomBytes(5).toString('hex')}`;
	const url = testServerUrl();
	const database = openDatabase({ url, schema, autoMigrate: true, poolMax: 4 });
	if (options.migrate !== false) await database.ready();
	return {
		database,
		url,
		schema,
		async drop() {
			await database.knex.raw('drop schema if exists ?? cascade', [schema]);
			await closeDatabase(database);
		},
	};
}
