// The connect flow's migration goes down and up again on a migrated schema holding a connected
// account: its columns leave and come back, the account's row stays.
import type { Knex } from 'knex';

import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { WORKSPACE_A } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const migration = require('../../migrations/20261201110000_workspace_connect') as {
	up(knex: Knex): Promise<void>;
	down(knex: Knex): Promise<void>;
};

let test: TestDatabase;
let knex: Knex;

beforeAll(async () => {
	test = await createTestDatabase();
	knex = test.database.knex;
});
afterAll(async () => {
	await test.drop();
});

async function columns(table: string): Promise<string[]> {
	const rows = (await knex('information_schema.columns')
		.select('column_name')
		.where({ table_schema: test.schema, table_name: table })) as Array<{ column_name: string }>;
	return rows.map((row) => row.column_name);
}

it('migrates down and up again', async () => {
	await knex('integrations').insert({
		workspace_id: WORKSPACE_A,
		provider: 'google',
		account_email: 'kept@acme.example',
		user_id: 'user-1',
		token_key_id: 'k1',
	});
	expect(await columns('integrations')).toEqual(
		expect.arrayContaining(['user_id', 'token_key_id']),
	);
	expect(await columns('oauth_states')).toEqual(
		expect.arrayContaining(['user_id', 'integration_id', 'login_hint']),
	);

	await migration.down(knex);
	expect(await columns('integrations')).not.toContain('user_id');
	expect(await columns('integrations')).not.toContain('token_key_id');
	for (const column of ['user_id', 'integration_id', 'login_hint']) {
		expect(await columns('oauth_states')).not.toContain(column);
	}

	await migration.up(knex);
	const row = await knex('integrations').where({ account_email: 'kept@acme.example' }).first();
	expect(row).toMatchObject({ user_id: null, token_key_id: null, provider: 'google' });
});
