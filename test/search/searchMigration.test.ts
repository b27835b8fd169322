import { migrateToLatest } from '../../core/store/migrations';
import { searchEmails } from '../../core/store/emailSearch';
import { listEvents } from '../../core/store/eventQueries';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { insertEmail, insertIntegration, WORKSPACE } from './seed';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CrmMigrationSource } = require('../../migrations/index.js') as {
	CrmMigrationSource: new () => import('knex').Knex.MigrationSource<{ file: string }>;
};

let test: TestDatabase;

beforeAll(async () => {
	test = await createTestDatabase();
});
afterAll(async () => {
	await test.drop();
});

async function columns(table: string): Promise<string[]> {
	return test.database
		.knex('information_schema.columns')
		.where({ table_schema: test.schema, table_name: table })
		.pluck('column_name');
}

it('migrates down and up again over existing rows, which are indexed in their workspace language', async () => {
	const { knex } = test.database;
	const mailbox = await insertIntegration(test.database, WORKSPACE);
	await knex('workspace_settings').insert({ workspace_id: WORKSPACE, search_language: 'french' });
	await knex('calendar_events').insert({
		workspace_id: WORKSPACE,
		integration_id: mailbox,
		provider_calendar_id: 'primary',
		provider_event_id: 'e1',
		title: 'Jour férié',
		is_all_day: true,
		start_date: '2026-11-11',
		end_date: '2026-11-12',
	});
	const config = {
		migrationSource: new CrmMigrationSource(),
		schemaName: test.schema,
		tableName: 'knex_migrations',
	};
	await knex.migrate.down({ ...config, name: '20261201130100_calendar_event_listing' });
	await knex.migrate.down({ ...config, name: '20261201130000_email_search' });
	expect(await columns('emails')).not.toContain('search_vector');
	expect(await columns('workspace_settings')).not.toContain('search_language');
	expect(await columns('calendar_events')).not.toContain('starts_key');
	await knex('workspace_settings').where({ workspace_id: WORKSPACE }).delete();
	await knex('workspace_settings').insert({ workspace_id: WORKSPACE });
	// An email stored while search did not exist yet.
	await insertEmail(test.database, WORKSPACE, {
		subject: 'Réunions',
		bodyText: 'Nous avons des réunions demain',
		copies: [{ integrationId: mailbox }],
	});

	await migrateToLatest(test.database);
	expect(await columns('emails')).toEqual(
		expect.arrayContaining([
			'search_vector',
			'search_vector_language',
			'search_language',
			'sent_at_key',
		]),
	);
	expect(await knex('emails').pluck('search_language')).toEqual(['english']);
	expect((await searchEmails(test.database, WORKSPACE, { query: 'réunions' })).items).toHaveLength(
		1,
	);
	const events = await listEvents(test.database, WORKSPACE, {
		from: '2026-11-11',
		to: '2026-11-11',
	});
	expect(events.items.map((item) => item.startDate)).toEqual(['2026-11-11']);
	await expect(
		knex('workspace_settings')
			.where({ workspace_id: WORKSPACE })
			.update({ search_language: 'klingon' }),
	).rejects.toThrow(/workspace_settings_search_language/);
});
