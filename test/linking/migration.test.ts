// The linking migration goes down and up again on a migrated schema: its columns, indexes and the
// 'suppressed' link source come and go; the down step drops suppressed rows it could not keep.
import type { Knex } from 'knex';

import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { Fixtures } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const migration = require('../../migrations/20261201120000_linking.js') as {
	up(knex: Knex): Promise<void>;
	down(knex: Knex): Promise<void>;
};

let test: TestDatabase;

beforeAll(async () => {
	test = await createTestDatabase();
});
afterAll(async () => {
	await test.drop();
});

async function columns(knex: Knex, table: string): Promise<string[]> {
	const result = await knex.raw<{ rows: Array<{ column_name: string }> }>(
		`select column_name from information_schema.columns where table_schema = current_schema() and table_name = ? order by 1`,
		[table],
	);
	return result.rows.map((row) => row.column_name);
}

it('migrates down and up again', async () => {
	const { knex } = test.database;
	const fx = new Fixtures(knex);
	const integrationId = await fx.integration('ana@acme.example');
	const email = await fx.mail({ integrationId, direction: 'incoming', from: 'a@b.example' });
	const person = await fx.person('a@b.example', { additional_emails: ['a@c.example'] });
	await knex('record_links').insert({
		workspace_id: fx.workspaceId,
		subject_type: 'email',
		subject_id: email,
		record_type: 'person',
		record_id: person,
		link_source: 'suppressed',
	});
	await knex.transaction(async (trx) => migration.down(trx));
	expect(await columns(knex, 'people')).not.toContain('additional_emails');
	expect(await columns(knex, 'companies')).not.toContain('manual_fields');
	expect(await knex('record_links').where({ workspace_id: fx.workspaceId })).toEqual([]);
	await expect(
		knex('record_links').insert({
			workspace_id: fx.workspaceId,
			subject_type: 'email',
			subject_id: email,
			record_type: 'person',
			record_id: person,
			link_source: 'suppressed',
		}),
	).rejects.toThrow(/record_links_source/);
	await knex.transaction(async (trx) => migration.up(trx));
	expect(await columns(knex, 'people')).toEqual(
		expect.arrayContaining(['additional_emails', 'manual_fields']),
	);
	expect(await columns(knex, 'companies')).toContain('manual_fields');
	const comment = await knex.raw<{ rows: Array<{ comment: string }> }>(
		`select col_description('record_links'::regclass, (select attnum from pg_attribute where attrelid = 'record_links'::regclass and attname = 'link_source')) as comment`,
	);
	expect(comment.rows[0].comment).toMatch(/suppressed/);
});
