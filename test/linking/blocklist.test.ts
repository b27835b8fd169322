// The blocklist against real PostgreSQL: validation, the matcher the engine uses, what adding an
// entry purges (and what it keeps), removal forgetting the mail cursors, and workspace isolation.
import type { Knex } from 'knex';

import { addToBlocklist, listBlocklist, removeFromBlocklist } from '../../core/store/blocklist';
import {
	BlocklistPatternError,
	loadBlocklist,
	parseBlocklistPattern,
} from '../../core/sync/blocklistFilter';
import { linkManually, linkRecords } from '../../core/sync/linking';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { Fixtures } from './fixtures';

let test: TestDatabase;
let knex: Knex;

beforeAll(async () => {
	test = await createTestDatabase();
	knex = test.database.knex;
});
afterAll(async () => {
	await test.drop();
});

async function workspace() {
	const fx = new Fixtures(knex);
	await fx.settings({ ownDomains: ['acme.example'] });
	const integrationId = await fx.integration('ana@acme.example');
	return { fx, integrationId };
}

describe('blocklist entries', () => {
	it('validates and lower-cases addresses and domains', () => {
		expect(parseBlocklistPattern('  Bob@Spam.Example ')).toEqual({
			pattern: 'bob@spam.example',
			kind: 'address',
		});
		expect(parseBlocklistPattern('@Spam.Example')).toEqual({
			pattern: '@spam.example',
			kind: 'domain',
		});
		expect(parseBlocklistPattern('spam.example')).toEqual({
			pattern: '@spam.example',
			kind: 'domain',
		});
		for (const bad of [
			'',
			'@',
			'bob@',
			'not an address',
			'a b@c.example',
			'@nodot',
			'x@@y.example',
		])
			expect(() => parseBlocklistPattern(bad)).toThrow(BlocklistPatternError);
	});

	it('loads a matcher for the engine; lists with keyset paging', async () => {
		const { fx } = await workspace();
		await addToBlocklist(test.database, fx.workspaceId, {
			pattern: 'Bob@Spam.example',
			userId: 'u1',
		});
		await addToBlocklist(test.database, fx.workspaceId, { pattern: '@junk.example' });
		await addToBlocklist(test.database, fx.workspaceId, { pattern: 'zed@z.example' });
		const matcher = await loadBlocklist(test.database, fx.workspaceId);
		expect(matcher.blocks('BOB@spam.example')).toBe(true);
		expect(matcher.blocks('alice@spam.example')).toBe(false);
		expect(matcher.blocks('anyone@JUNK.example')).toBe(true);
		expect(matcher.blocks('anyone@sub.junk.example')).toBe(false);
		expect(
			(await loadBlocklist(test.database, (await workspace()).fx.workspaceId)).blocks(
				'bob@spam.example',
			),
		).toBe(false);

		const first = await listBlocklist(test.database, fx.workspaceId, { limit: 2 });
		expect(first.items.map((entry) => entry.pattern)).toEqual([
			'@junk.example',
			'bob@spam.example',
		]);
		expect(first.items[1]).toMatchObject({ kind: 'address', createdBy: 'u1' });
		const second = await listBlocklist(test.database, fx.workspaceId, {
			limit: 2,
			cursor: first.nextCursor,
		});
		expect(second).toMatchObject({
			items: [expect.objectContaining({ pattern: 'zed@z.example' })],
			nextCursor: null,
		});
		const again = await addToBlocklist(test.database, fx.workspaceId, {
			pattern: 'bob@spam.example',
		});
		expect(again.created).toBe(false);
	});
});

describe('adding purges what the entry covers', () => {
	it('deletes covered mail and what only it created; keeps what a user made', async () => {
		const { fx, integrationId } = await workspace();
		const spam = await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'promo@spam.example',
			to: ['ana@acme.example'],
			cc: ['victim@other.example'],
		});
		const spam2 = await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'deals@spam.example',
			to: ['ana@acme.example', 'friend@kept.example'],
		});
		const kept = await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'friend@kept.example',
			to: ['ana@acme.example'],
			cc: ['deals@spam.example'],
		});
		const toSpamOnly = await fx.mail({
			integrationId,
			direction: 'outgoing',
			from: 'ana@acme.example',
			to: ['unsubscribe@spam.example'],
		});
		const toMixed = await fx.mail({
			integrationId,
			direction: 'outgoing',
			from: 'ana@acme.example',
			to: ['deals@spam.example', 'friend@kept.example'],
		});
		const manualAtSpam = await fx.person('boss@spam.example', { source: 'manual' });
		await linkRecords(test.database, fx.workspaceId);
		expect(await fx.peopleEmails()).toEqual([
			'boss@spam.example',
			'deals@spam.example',
			'friend@kept.example',
			'promo@spam.example',
			'unsubscribe@spam.example',
			'victim@other.example',
		]);
		await linkManually(test.database, fx.workspaceId, {
			subjectType: 'email',
			subjectId: kept,
			recordType: 'person',
			recordId: manualAtSpam,
		});

		const { purged } = await addToBlocklist(test.database, fx.workspaceId, {
			pattern: '@spam.example',
		});
		const emails = await knex('emails').where({ workspace_id: fx.workspaceId }).pluck('id');
		expect(emails.sort()).toEqual([kept, toMixed].sort());
		expect(purged.emails).toBe(3);
		for (const id of [spam, spam2, toSpamOnly]) {
			expect(await knex('mailbox_messages').where({ email_id: id })).toEqual([]);
			expect(await knex('email_participants').where({ email_id: id })).toEqual([]);
			expect(await knex('record_links').where({ subject_id: id })).toEqual([]);
		}
		// Sync-made people at the domain go, the user's stays; victim appeared only on purged mail.
		expect(await fx.peopleEmails()).toEqual(['boss@spam.example', 'friend@kept.example']);
		expect(purged.people).toBe(4);
		// The spam.example company is gone; other.example had only the victim.
		expect(await fx.companyDomains()).toEqual(['kept.example']);
		expect(purged.companies).toBe(2);
		// The manual link survives; participants of kept mail stay, without a person.
		expect(await fx.linkedRecords(kept)).toEqual(
			expect.arrayContaining([{ type: 'person', id: manualAtSpam, source: 'manual' }]),
		);
		const cc = await knex('email_participants')
			.where({ email_id: kept, address: 'deals@spam.example' })
			.first();
		expect(cc.person_id).toBeNull();
		// Linking afterwards creates nobody at the blocked domain.
		expect((await linkRecords(test.database, fx.workspaceId)).peopleCreated).toBe(0);
	});

	it('purges what enrichment created as it purges what the sync created', async () => {
		const { fx, integrationId } = await workspace();
		await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'sales@spam.example',
			to: ['ana@acme.example'],
		});
		const person = await fx.person('rep@spam.example', { source: 'enrichment' });
		const company = await fx.company('spam.example', { source: 'enrichment', name: 'Spam Ltd' });
		await knex('enrichment_results').insert([
			{
				workspace_id: fx.workspaceId,
				subject_type: 'person',
				subject_id: person,
				field: 'job_title',
				value: JSON.stringify('Rep'),
				extractor: 'signature',
			},
			{
				workspace_id: fx.workspaceId,
				subject_type: 'company',
				subject_id: company,
				field: 'name',
				value: JSON.stringify('Spam Ltd'),
				extractor: 'signature',
			},
		]);
		const { purged } = await addToBlocklist(test.database, fx.workspaceId, {
			pattern: '@spam.example',
		});
		expect(purged).toMatchObject({ emails: 1, companies: 1 });
		expect(await fx.peopleEmails()).toEqual([]);
		expect(await fx.companyDomains()).toEqual([]);
		expect(await knex('enrichment_results').where({ workspace_id: fx.workspaceId })).toEqual([]);
	});

	it('an address entry purges that sender only, and nothing of another workspace', async () => {
		const a = await workspace();
		const b = await workspace();
		const fromBob = await a.fx.mail({
			integrationId: a.integrationId,
			direction: 'incoming',
			from: 'bob@spam.example',
			to: ['ana@acme.example'],
		});
		const fromAlice = await a.fx.mail({
			integrationId: a.integrationId,
			direction: 'incoming',
			from: 'alice@spam.example',
			to: ['ana@acme.example'],
		});
		const bobInB = await b.fx.mail({
			integrationId: b.integrationId,
			direction: 'incoming',
			from: 'bob@spam.example',
			to: ['ana@acme.example'],
		});
		await linkRecords(test.database, a.fx.workspaceId);
		await linkRecords(test.database, b.fx.workspaceId);
		const snapshotB = async () => ({
			emails: await knex('emails').where({ workspace_id: b.fx.workspaceId }).orderBy('id'),
			people: await knex('people').where({ workspace_id: b.fx.workspaceId }).orderBy('id'),
			companies: await knex('companies').where({ workspace_id: b.fx.workspaceId }).orderBy('id'),
			links: await b.fx.links(),
		});
		const before = await snapshotB();
		const { purged } = await addToBlocklist(test.database, a.fx.workspaceId, {
			pattern: 'BOB@spam.example',
		});
		expect(purged).toMatchObject({ emails: 1, people: 1, companies: 0 });
		expect(await knex('emails').where({ id: fromBob }).first()).toBeUndefined();
		expect(await knex('emails').where({ id: fromAlice }).first()).toBeDefined();
		expect(await a.fx.peopleEmails()).toEqual(['alice@spam.example']);
		expect(await a.fx.companyDomains()).toEqual(['spam.example']);
		expect(await snapshotB()).toEqual(before);
		expect(await knex('emails').where({ id: bobInB }).first()).toBeDefined();
	});
});

describe('removing lets the next sync bring it back', () => {
	it('forgets the mail cursors of the workspace and makes its integrations due', async () => {
		const a = await workspace();
		const b = await workspace();
		const second = await a.fx.integration('ben@acme.example');
		const disconnected = await a.fx.integration('old@acme.example');
		await knex('integrations')
			.where({ id: disconnected })
			.update({ status: 'disconnected', next_sync_at: null });
		const cursor = (
			workspaceId: string,
			integrationId: string,
			sourceType: string,
			sourceId: string,
		) => ({
			workspace_id: workspaceId,
			integration_id: integrationId,
			source_type: sourceType,
			source_id: sourceId,
			cursor: JSON.stringify({ historyId: '1' }),
		});
		await knex('sync_cursors').insert([
			cursor(a.fx.workspaceId, a.integrationId, 'gmail_label', 'INBOX'),
			cursor(a.fx.workspaceId, a.integrationId, 'google_calendar', 'primary'),
			cursor(a.fx.workspaceId, second, 'graph_mail_folder', 'inbox'),
			cursor(b.fx.workspaceId, b.integrationId, 'gmail_label', 'INBOX'),
		]);
		await addToBlocklist(test.database, a.fx.workspaceId, { pattern: '@spam.example' });
		expect(
			await removeFromBlocklist(test.database, a.fx.workspaceId, { pattern: '@nothere.example' }),
		).toEqual({ removed: false, integrationsRelisted: 0 });
		expect(
			await removeFromBlocklist(test.database, b.fx.workspaceId, { pattern: '@spam.example' }),
		).toEqual({ removed: false, integrationsRelisted: 0 });

		const result = await removeFromBlocklist(test.database, a.fx.workspaceId, {
			pattern: 'Spam.Example',
		});
		expect(result).toEqual({ removed: true, integrationsRelisted: 2 });
		const left = await knex('sync_cursors')
			.orderBy('source_type')
			.select('workspace_id', 'source_type');
		expect(left).toEqual(
			expect.arrayContaining([
				{ workspace_id: a.fx.workspaceId, source_type: 'google_calendar' },
				{ workspace_id: b.fx.workspaceId, source_type: 'gmail_label' },
			]),
		);
		expect(left.filter((row) => row.workspace_id === a.fx.workspaceId)).toHaveLength(1);
		const integrations = await knex('integrations')
			.where({ workspace_id: a.fx.workspaceId })
			.orderBy('account_email');
		expect(integrations.map((row) => [row.account_email, row.next_sync_at !== null])).toEqual([
			['ana@acme.example', true],
			['ben@acme.example', true],
			['old@acme.example', false],
		]);
		expect(
			(await knex('integrations').where({ id: b.integrationId }).first()).next_sync_at,
		).toBeNull();
		expect((await listBlocklist(test.database, a.fx.workspaceId)).items).toEqual([]);
	});
});
