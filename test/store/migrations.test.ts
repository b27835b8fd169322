import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

import { closeDatabase, openDatabase } from '../../core/store/database';
import {
	listAppliedMigrations,
	migrateToLatest,
	rollbackAllMigrations,
} from '../../core/store/migrations';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { migrationNames } = require('../../migrations/index.js') as { migrationNames: string[] };

const WORKSPACE = '11111111-1111-4111-8111-111111111111';
const OTHER_WORKSPACE = '22222222-2222-4222-8222-222222222222';

const EXPECTED_TABLES = [
	'ad_conversions',
	'blocklist',
	'calendar_event_attendees',
	'calendar_events',
	'companies',
	'email_participants',
	'emails',
	'enrichment_results',
	'integrations',
	'mailbox_messages',
	'oauth_states',
	'people',
	'record_links',
	'sync_cursors',
	'sync_runs',
	'webhook_receipts',
	'webhook_subscriptions',
	'workspace_settings',
	'youtube_comments',
];

let test: TestDatabase;

beforeAll(async () => {
	test = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
	await test.drop();
});

async function tablesInSchema(schema: string): Promise<string[]> {
	const result = await test.database.knex.raw<{ rows: Array<{ table_name: string }> }>(
		`select table_name from information_schema.tables where table_schema = ? and table_name not like 'knex_migrations%' order by 1`,
		[schema],
	);
	return result.rows.map((row) => row.table_name);
}

/** Inserts one row into every table, through the unique keys an upsert relies on. */
async function seed(workspaceId: string) {
	const { knex } = test.database;
	await knex('workspace_settings').insert({
		workspace_id: workspaceId,
		own_domains: JSON.stringify(['acme.example']),
	});
	const [integration] = await knex('integrations')
		.insert({
			workspace_id: workspaceId,
			provider: 'google',
			account_email: 'ana@acme.example',
			granted_scopes: JSON.stringify(['https://www.googleapis.com/auth/gmail.readonly']),
		})
		.returning('*');
	const [company] = await knex('companies')
		.insert({ workspace_id: workspaceId, domain: 'globex.example', name: 'Globex' })
		.returning('*');
	const [person] = await knex('people')
		.insert({ workspace_id: workspaceId, email: 'bob@globex.example', company_id: company.id })
		.returning('*');
	const [email] = await knex('emails')
		.insert({
			workspace_id: workspaceId,
			internet_message_id: '<m1@globex.example>',
			subject: 'Hello',
			from_email: 'bob@globex.example',
			sent_at: new Date('2026-11-01T10:00:00Z'),
		})
		.returning('*');
	await knex('mailbox_messages').insert({
		workspace_id: workspaceId,
		email_id: email.id,
		integration_id: integration.id,
		provider_message_id: '18c0000000000001',
		direction: 'incoming',
		labels: JSON.stringify(['INBOX']),
	});
	await knex('email_participants').insert({
		workspace_id: workspaceId,
		email_id: email.id,
		role: 'from',
		address: 'bob@globex.example',
		person_id: person.id,
	});
	const [event] = await knex('calendar_events')
		.insert({
			workspace_id: workspaceId,
			integration_id: integration.id,
			provider_calendar_id: 'primary',
			provider_event_id: 'evt1',
			title: 'Kickoff',
			starts_at: new Date('2026-11-02T09:00:00Z'),
			ends_at: new Date('2026-11-02T10:00:00Z'),
			start_time_zone: 'Europe/Berlin',
			end_time_zone: 'Europe/Berlin',
		})
		.returning('*');
	await knex('calendar_event_attendees').insert({
		workspace_id: workspaceId,
		event_id: event.id,
		address: 'bob@globex.example',
		response_status: 'accepted',
		person_id: person.id,
	});
	await knex('record_links').insert({
		workspace_id: workspaceId,
		subject_type: 'email',
		subject_id: email.id,
		record_type: 'person',
		record_id: person.id,
		link_source: 'auto',
	});
	await knex('blocklist').insert({
		workspace_id: workspaceId,
		pattern: '@spam.example',
		kind: 'domain',
	});
	await knex('enrichment_results').insert({
		workspace_id: workspaceId,
		subject_type: 'person',
		subject_id: person.id,
		field: 'job_title',
		value: JSON.stringify('CTO'),
		confidence: 0.9,
		extractor: 'signature',
		source_email_id: email.id,
	});
	await knex('sync_cursors').insert({
		workspace_id: workspaceId,
		integration_id: integration.id,
		source_type: 'gmail_label',
		source_id: 'INBOX',
		cursor: '12345',
	});
	await knex('sync_runs').insert({
		workspace_id: workspaceId,
		integration_id: integration.id,
		kind: 'initial',
	});
	await knex('ad_conversions').insert({
		workspace_id: workspaceId,
		integration_id: integration.id,
		customer_id: '1234567890',
		conversion_action: 'customers/1234567890/conversionActions/1',
		gclid: 'abc',
		conversion_at: new Date(),
		dedupe_key: 'order-1',
	});
	await knex('youtube_comments').insert({
		workspace_id: workspaceId,
		integration_id: integration.id,
		channel_id: 'UC1',
		comment_id: 'c1',
		text_original: 'Nice',
	});
	await knex('webhook_receipts').insert({
		workspace_id: workspaceId,
		action: 'ads-webhook',
		dedupe_key: 'evt-1',
		payload: JSON.stringify({ ok: true }),
	});
	await knex('webhook_subscriptions').insert({
		workspace_id: workspaceId,
		integration_id: integration.id,
		hub_url: 'https://hub.example/',
		topic_url: 'https://topic.example/',
		callback_url: 'https://crm.example/hook',
		secret_encrypted: 'x',
		verify_token: 'y',
	});
	await knex('oauth_states').insert({
		workspace_id: workspaceId,
		nonce: `n-${workspaceId}`,
		provider: 'google',
		expires_at: new Date(Date.now() + 600_000),
	});
}

describe('migrations', () => {
	it('lists every file of migrations/ in migrations/index.js, in order', () => {
		const files = readdirSync(path.join(__dirname, '../../migrations'))
			.filter((file) => /^\d{14}_.+\.js$/.test(file))
			.map((file) => file.replace(/\.js$/, ''))
			.sort();
		expect(migrationNames).toEqual(files);
	});

	it('migrates up into its own schema with a comment on every table and column', async () => {
		const report = await migrateToLatest(test.database);
		expect(report.applied).toEqual(migrationNames.map((name) => name));
		expect(await tablesInSchema(test.schema)).toEqual(EXPECTED_TABLES);
		expect(await tablesInSchema('public')).not.toEqual(expect.arrayContaining(['emails']));

		const uncommented = await test.database.knex.raw<{ rows: Array<{ name: string }> }>(
			`select c.table_name || '.' || c.column_name as name
			   from information_schema.columns c
			  where c.table_schema = ? and c.table_name not like 'knex_migrations%'
			    and col_description((quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass, c.ordinal_position) is null
			 union all
			 select t.table_name from information_schema.tables t
			  where t.table_schema = ? and t.table_name not like 'knex_migrations%'
			    and obj_description((quote_ident(t.table_schema) || '.' || quote_ident(t.table_name))::regclass, 'pg_class') is null`,
			[test.schema, test.schema],
		);
		expect(uncommented.rows.map((row) => row.name)).toEqual([]);
	});

	it('gives every table a workspace_id and an index that starts with it', async () => {
		const result = await test.database.knex.raw<{
			rows: Array<{ table_name: string; has_workspace: boolean; indexed: boolean }>;
		}>(
			`select t.table_name,
			        exists (select 1 from information_schema.columns c where c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'workspace_id') as has_workspace,
			        exists (select 1 from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
			                 where i.indrelid = (quote_ident(t.table_schema) || '.' || quote_ident(t.table_name))::regclass and a.attname = 'workspace_id') as indexed
			   from information_schema.tables t where t.table_schema = ? and t.table_name not like 'knex_migrations%'`,
			[test.schema],
		);
		const missing = result.rows
			.filter((row) => !row.has_workspace || !row.indexed)
			.map((row) => row.table_name);
		expect(missing).toEqual([]);
		expect(result.rows.every((row) => row.has_workspace)).toBe(true);
	});

	it('keeps data valid: constraints refuse what the model forbids', async () => {
		const { knex } = test.database;
		await expect(
			knex('integrations').insert({
				workspace_id: WORKSPACE,
				provider: 'yahoo',
				account_email: 'x@y.example',
			}),
		).rejects.toThrow(/integrations_provider/);
		await expect(
			knex('ad_conversions').insert({
				workspace_id: WORKSPACE,
				customer_id: '1',
				conversion_action: 'a',
				gclid: 'g',
				gbraid: 'b',
				conversion_at: new Date(),
				dedupe_key: 'k',
			}),
		).rejects.toThrow(/ad_conversions_one_click_id/);
		await expect(
			knex('integrations').insert({
				workspace_id: WORKSPACE,
				provider: 'google',
				account_email: 'x@y.example',
				status: 'broken',
			}),
		).rejects.toThrow(/integrations_status/);
	});

	it('seeds every table, keeps workspaces apart and makes upserts idempotent', async () => {
		await seed(WORKSPACE);
		await seed(OTHER_WORKSPACE);
		const { knex } = test.database;
		for (const table of EXPECTED_TABLES) {
			const counts = await knex(table)
				.select('workspace_id')
				.count('* as n')
				.groupBy('workspace_id');
			expect({ table, workspaces: counts.length }).toEqual({ table, workspaces: 2 });
		}
		// The same message upserted again changes nothing but its fields.
		const upsert = () =>
			knex('emails')
				.insert({
					workspace_id: WORKSPACE,
					internet_message_id: '<m1@globex.example>',
					subject: 'Hello again',
				})
				.onConflict(['workspace_id', 'internet_message_id'])
				.merge(['subject']);
		await upsert();
		await upsert();
		const rows = await knex('emails').where({ workspace_id: WORKSPACE });
		expect(rows).toHaveLength(1);
		expect(rows[0].subject).toBe('Hello again');
	});

	it('migrates down exactly and up again', async () => {
		const rolledBack = await rollbackAllMigrations(test.database);
		expect(rolledBack.sort()).toEqual(migrationNames);
		expect(await tablesInSchema(test.schema)).toEqual([]);
		expect(await listAppliedMigrations(test.database)).toEqual([]);

		const again = await migrateToLatest(test.database);
		expect(again.applied).toEqual(migrationNames);
		expect(await tablesInSchema(test.schema)).toEqual(EXPECTED_TABLES);
		await seed(WORKSPACE);
	});

	it('lets two workers migrate the same fresh schema at once: one applies, both succeed', async () => {
		const schema = `${test.schema}_race`;
		const first = openDatabase({ url: test.url, schema, poolMax: 2 });
		const second = openDatabase({ url: test.url, schema, poolMax: 3 }); // another pool, as another worker has
		expect(first).not.toBe(second);
		try {
			const [a, b] = await Promise.all([migrateToLatest(first), migrateToLatest(second)]);
			expect([a.applied.length, b.applied.length].sort()).toEqual([0, migrationNames.length]);
			expect(a.current).toEqual(migrationNames);
			expect(b.current).toEqual(migrationNames);
		} finally {
			await first.knex.raw('drop schema if exists ?? cascade', [schema]);
			await closeDatabase(first);
			await closeDatabase(second);
		}
	});

	it("runs the same migrations from knex's CLI with the repository knexfile", async () => {
		const schema = `${test.schema}_cli`;
		const knexCli = require.resolve('knex/bin/cli.js');
		const run = (...args: string[]) =>
			execFileSync(process.execPath, [knexCli, ...args], {
				cwd: path.join(__dirname, '../..'),
				env: { ...process.env, CRM_DATABASE_URL: test.url, CRM_DB_SCHEMA: schema },
				encoding: 'utf8',
			});
		try {
			expect(run('migrate:latest')).toContain(`Batch 1 run: ${migrationNames.length} migrations`);
			const status = await test.database.knex
				.withSchema(schema)
				.from('knex_migrations')
				.pluck('name');
			expect(status.sort()).toEqual(migrationNames);
			expect(run('migrate:rollback', '--all')).toContain(
				`rolled back: ${migrationNames.length} migrations`,
			);
		} finally {
			await test.database.knex.raw('drop schema if exists ?? cascade', [schema]);
		}
	});

	it("names every pending and completed migration in knex's CLI migrate:list", async () => {
		const schema = `${test.schema}_list`;
		const knexCli = require.resolve('knex/bin/cli.js');
		const run = (...args: string[]) =>
			execFileSync(process.execPath, [knexCli, ...args], {
				cwd: path.join(__dirname, '../..'),
				env: { ...process.env, CRM_DATABASE_URL: test.url, CRM_DB_SCHEMA: schema, NO_COLOR: '1' },
				encoding: 'utf8',
			});
		// The names listed under a heading such as "Found 12 Pending Migration file/files.".
		const listed = (output: string, kind: 'Completed' | 'Pending') => {
			const lines = output.split('\n').map((line) => line.trim());
			const start = lines.findIndex((line) => line.includes(` ${kind} Migration file`));
			if (start < 0) return [];
			const end = lines.findIndex((line, index) => index > start && /Migration file/.test(line));
			return lines.slice(start + 1, end < 0 ? undefined : end).filter(Boolean);
		};
		try {
			expect(listed(run('migrate:list'), 'Pending')).toEqual(migrationNames);
			run('migrate:latest');
			const afterLatest = run('migrate:list');
			expect(listed(afterLatest, 'Completed')).toEqual(migrationNames);
			expect(afterLatest).toContain('No Pending Migration files Found.');
			run('migrate:rollback', '--all');
			expect(listed(run('migrate:list'), 'Pending')).toEqual(migrationNames);
		} finally {
			await test.database.knex.raw('drop schema if exists ?? cascade', [schema]);
		}
	});
});
