// For knex's CLI: `CRM_DATABASE_URL=postgres://… npx knex migrate:latest` (and migrate:rollback,
// migrate:list). Runs the same migrations the nodes run on first use, in the schema CRM_DB_SCHEMA
// (default crm).
'use strict';
const { CrmMigrationSource } = require('./migrations/index.js');

const schema = process.env.CRM_DB_SCHEMA || 'crm';
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
	throw new Error(`CRM_DB_SCHEMA must be a lower-case PostgreSQL identifier, got "${schema}"`);
}
const connection = process.env.CRM_DATABASE_URL;
if (!connection) {
	throw new Error(
		'Set CRM_DATABASE_URL (postgres://user:password@host:5432/database) to run migrations',
	);
}

module.exports = {
	client: 'pg',
	connection,
	searchPath: [schema],
	pool: {
		min: 0,
		max: 2,
		// The CLI may run before anything created the schema.
		afterCreate(connection, done) {
			connection.query(`create schema if not exists "${schema}"`, (error) =>
				done(error, connection),
			);
		},
	},
	migrations: {
		migrationSource: new CrmMigrationSource(),
		schemaName: schema,
		tableName: 'knex_migrations',
	},
};
