// The public surface of the crm-connect engine. Nodes import only from here: the build bundles
// this file (with knex, pg and the provider clients) into dist/core/index.js once, and every node
// requires that one bundle.
export {
	parseDatabaseSettings,
	describeConnection,
	type DatabaseSettings,
	type DatabaseSettingsInput,
} from './store/databaseSettings';
export {
	openDatabase,
	closeAllDatabases,
	checkConnection,
	testDatabaseSettings,
	type CrmDatabase,
} from './store/database';
export {
	migrateToLatest,
	listAppliedMigrations,
	getMigrationStatus,
	type MigrationStatus,
	type MigrationReport,
} from './store/migrations';
export { DatabaseConnectionError } from './store/databaseErrors';
