import { closeAllDatabases, getMigrationStatus, openDatabase } from '../../core';
import type { StoredCredential } from '../harness/credentialsHelper';
import { chain, crmNode, runWorkflow } from '../harness/runWorkflow';
import { crmDatabaseConnectionTest } from '../../nodes/Crm/v1/methods/credentialTest';
import { testServerUrl } from '../support/testDatabase';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { migrationNames } = require('../../migrations/index.js') as { migrationNames: string[] };

const schema = `test_crm_node_${process.pid}`;

function databaseCredential(overrides: Record<string, unknown> = {}): StoredCredential {
	return {
		id: 'db-1',
		name: 'CRM Database',
		type: 'crmDatabase',
		data: {
			connectionType: 'url',
			url: testServerUrl(),
			schema,
			autoMigrate: true,
			ssl: 'disable',
			...overrides,
		},
	};
}

function crmWorkflow(operation: string, extra: Record<string, unknown> = {}) {
	return chain(
		crmNode(
			'crm',
			'CRM',
			{ resource: 'database', operation },
			{
				credentials: { crmDatabase: { id: 'db-1', name: 'CRM Database' } },
				...extra,
			},
		),
	);
}

afterAll(async () => {
	const database = openDatabase({ url: testServerUrl(), schema });
	await database.knex.raw('drop schema if exists ?? cascade', [schema]);
	await closeAllDatabases();
});

describe('CRM node, Database resource, run through n8n-core', () => {
	it('checks the connection of a fresh schema without creating anything', async () => {
		const result = await runWorkflow(crmWorkflow('checkConnection'), {
			credentials: [databaseCredential()],
		});
		expect(result.error).toBeUndefined();
		const [item] = result.output('CRM');
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			connected: true,
			schema,
			schemaExists: false,
			migrationsApplied: 0,
			migrationsPending: migrationNames,
		});
		expect(item.json.serverVersion).toMatch(/^\d+(\.\d+)?/);
	});

	it('runs the migrations, then reports nothing left to do', async () => {
		const first = await runWorkflow(crmWorkflow('runMigrations'), {
			credentials: [databaseCredential()],
		});
		expect(first.error).toBeUndefined();
		expect(first.json('CRM')).toEqual([
			{ schema, applied: migrationNames, current: migrationNames, upToDate: false },
		]);
		const status = await getMigrationStatus(openDatabase({ url: testServerUrl(), schema }));
		expect(status.pending).toEqual([]);

		const second = await runWorkflow(crmWorkflow('runMigrations'), {
			credentials: [databaseCredential()],
		});
		expect(second.json('CRM')).toEqual([
			{ schema, applied: [], current: migrationNames, upToDate: true },
		]);

		const check = await runWorkflow(crmWorkflow('checkConnection'), {
			credentials: [databaseCredential()],
		});
		expect(check.json('CRM')[0]).toMatchObject({
			schemaExists: true,
			migrationsApplied: migrationNames.length,
			migrationsPending: [],
		});
	});

	it('fails the run with an actionable message when the database cannot be reached', async () => {
		const unreachable = databaseCredential({
			url: 'postgres://postgres@127.0.0.1:1/test',
			schema: `${schema}_down`,
		});
		const result = await runWorkflow(crmWorkflow('checkConnection'), {
			credentials: [unreachable],
		});
		expect(result.error?.message).toMatch(
			/Could not reach PostgreSQL at 127\.0\.0\.1:1\/test .*connection was refused/,
		);
		expect(result.output('CRM')).toEqual([]);
	});

	it('honours Continue On Fail: the item carries the error and keeps its pairing', async () => {
		const unreachable = databaseCredential({
			url: 'postgres://postgres@127.0.0.1:1/test',
			schema: `${schema}_down`,
		});
		const result = await runWorkflow(
			crmWorkflow('checkConnection', { onError: 'continueRegularOutput' }),
			{
				credentials: [unreachable],
			},
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output('CRM');
		expect(item.json.error).toMatch(/connection was refused/);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('reports wrong passwords and missing databases in words a user can act on', async () => {
		const url = new URL(testServerUrl());
		url.pathname = '/no_such_database_here';
		const result = await runWorkflow(crmWorkflow('checkConnection'), {
			credentials: [databaseCredential({ url: url.toString() })],
		});
		expect(result.error?.message).toMatch(/database does not exist/);
	});
});

describe('CRM Database credential test', () => {
	const context = {} as never;
	it('reports the server version when it connects', async () => {
		const result = await crmDatabaseConnectionTest.call(context, {
			id: 'x',
			name: 'CRM Database',
			type: 'crmDatabase',
			data: databaseCredential().data,
		});
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/^Connected to PostgreSQL \d+/);
	});

	it('explains a setting it cannot use in a sentence, not as validation data', async () => {
		const result = await crmDatabaseConnectionTest.call(context, {
			id: 'x',
			name: 'CRM Database',
			type: 'crmDatabase',
			data: databaseCredential({ schema: 'x-y' }).data,
		});
		expect(result).toEqual({
			status: 'Error',
			message:
				"Schema name 'x-y' is not valid: use lower-case letters, digits and underscores, starting with a letter or an underscore (63 characters at most).",
		});
	});

	it('explains why it cannot connect', async () => {
		const result = await crmDatabaseConnectionTest.call(context, {
			id: 'x',
			name: 'CRM Database',
			type: 'crmDatabase',
			data: {
				connectionType: 'hostAndPort',
				host: '127.0.0.1',
				port: 1,
				database: 'test',
				user: 'postgres',
				schema: 'crm',
			},
		});
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringMatching(/connection was refused/),
		});
	});
});
