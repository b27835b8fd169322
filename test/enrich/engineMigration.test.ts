// The enrichment migration goes down and up again on a seeded schema: the read mark, its partial
// index, the source date of values and the company website come and go; existing rows stay.
import type { Knex } from 'knex';

import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { EngineSeed } from './engineSeed';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const migration = require('../../migrations/20261201140000_enrichment.js') as {
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
		`select column_name from information_schema.columns
		  where table_schema = current_schema() and table_name = ? order by 1`,
		[table],
	);
	return result.rows.map((row) => row.column_name);
}

async function indexes(knex: Knex, table: string): Promise<string[]> {
	const result = await knex.raw<{ rows: Array<{ indexname: string }> }>(
		`select indexname from pg_indexes where schemaname = current_schema() and tablename = ?`,
		[table],
	);
	return result.rows.map((row) => row.indexname);
}

it('migrates down and up again, keeping the data', async () => {
	const { knex } = test.database;
	const seed = new EngineSeed(knex);
	const integrationId = await seed.integration('ana@acme.example');
	const emailId = await seed.mail({ integrationId, from: 'bob@globex.example' });
	const personId = await seed.person('bob@globex.example');
	await knex('enrichment_results').insert({
		workspace_id: seed.workspaceId,
		subject_type: 'person',
		subject_id: personId,
		field: 'job_title',
		value: JSON.stringify('Head of Sales'),
		confidence: 0.9,
		extractor: 'signature',
		source_email_id: emailId,
		source_sent_at: new Date('2026-11-01T10:00:00Z'),
	});
	const before = {
		copies: await columns(knex, 'mailbox_messages'),
		results: await columns(knex, 'enrichment_results'),
		companies: await columns(knex, 'companies'),
		indexes: (await indexes(knex, 'mailbox_messages')).sort(),
	};
	expect(before.copies).toContain('enriched_at');
	expect(before.results).toContain('source_sent_at');
	expect(before.companies).toContain('website');
	expect(before.indexes).toContain('mailbox_messages_unenriched');

	await knex.transaction(async (trx) => migration.down(trx));
	expect(await columns(knex, 'mailbox_messages')).not.toContain('enriched_at');
	expect(await columns(knex, 'enrichment_results')).not.toContain('source_sent_at');
	expect(await columns(knex, 'companies')).not.toContain('website');
	expect(await indexes(knex, 'mailbox_messages')).not.toContain('mailbox_messages_unenriched');
	expect(await knex('enrichment_results').where({ workspace_id: seed.workspaceId })).toHaveLength(
		1,
	);

	await knex.transaction(async (trx) => migration.up(trx));
	expect(await columns(knex, 'mailbox_messages')).toEqual(before.copies);
	expect(await columns(knex, 'enrichment_results')).toEqual(before.results);
	expect(await columns(knex, 'companies')).toEqual(before.companies);
	expect((await indexes(knex, 'mailbox_messages')).sort()).toEqual(before.indexes);
	// Copies present before the migration are unread: the first run reads them.
	expect(
		await knex('mailbox_messages')
			.where({ workspace_id: seed.workspaceId })
			.whereNull('enriched_at'),
	).toHaveLength(1);
});
