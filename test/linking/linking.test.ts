// Record linking against real PostgreSQL: contact creation per policy and its filters, matching by
// primary and additional addresses (case-insensitive), events by attendees, idempotency, manual
// links and unlinks, and workspace isolation.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

import {
	CrmRecordNotFoundError,
	linkManually,
	linkRecords,
	listLinks,
	unlinkManually,
} from '../../core/sync/linking';
import { isGroupAddress, effectiveContactPolicy } from '../../core/sync/contactPolicy';
import { isFreeMailDomain } from '../../core/sync/freeMailDomains';
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

/** A workspace whose own domain is acme.example, with one connected account ana@acme.example. */
async function workspace(
	policy: 'sent_and_received' | 'sent' | 'none' = 'sent_and_received',
	integrationSettings: Record<string, unknown> = {},
) {
	const fx = new Fixtures(knex);
	await fx.settings({ ownDomains: ['acme.example'], policy });
	const integrationId = await fx.integration('ana@acme.example', integrationSettings);
	return { fx, integrationId };
}

describe('pure rules', () => {
	it('knows group addresses, free-mail domains and the effective policy', () => {
		for (const address of [
			'noreply@x.example',
			'no-reply@x.example',
			'No-Reply-1234@x.example',
			'info@x.example',
			'support+ticket@x.example',
			'sales@x.example',
			'billing@x.example',
			'notifications@x.example',
			'mailer-daemon@x.example',
			'postmaster@x.example',
			'bounces-123@x.example',
		])
			expect([address, isGroupAddress(address)]).toEqual([address, true]);
		for (const address of [
			'ana@x.example',
			'information.desk.joe@x.example',
			'salesforce-jo@x.example',
		])
			expect([address, isGroupAddress(address)]).toEqual([address, false]);
		expect(isFreeMailDomain('gmail.com')).toBe(true);
		expect(isFreeMailDomain('someone@Outlook.com')).toBe(true);
		expect(isFreeMailDomain('globex.example')).toBe(false);
		expect(effectiveContactPolicy('none', 'workspace_default')).toBe('none');
		expect(effectiveContactPolicy('none', 'sent')).toBe('sent');
		expect(effectiveContactPolicy(undefined, undefined)).toBe('sent_and_received');
	});
});

describe('contact creation policy', () => {
	it('sent_and_received: every participant of received and sent mail, people and companies', async () => {
		const { fx, integrationId } = await workspace();
		const received = await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'alice@globex.example',
			to: ['ana@acme.example'],
			cc: ['bob@initech.example'],
			names: { 'alice@globex.example': 'Alice Doe' },
		});
		const sent = await fx.mail({
			integrationId,
			direction: 'outgoing',
			from: 'ana@acme.example',
			to: ['carol@umbrella.example'],
		});
		const result = await linkRecords(test.database, fx.workspaceId);
		expect(await fx.peopleEmails()).toEqual([
			'alice@globex.example',
			'bob@initech.example',
			'carol@umbrella.example',
		]);
		expect(await fx.companyDomains()).toEqual([
			'globex.example',
			'initech.example',
			'umbrella.example',
		]);
		expect(result).toMatchObject({ peopleCreated: 3, companiesCreated: 3, eventLinks: 0 });
		// received: alice, bob and their companies; sent: carol and hers
		expect(result.emailLinks).toBe(6);
		const alice = await knex('people')
			.where({ workspace_id: fx.workspaceId, email: 'alice@globex.example' })
			.first();
		expect(alice.full_name).toBe('Alice Doe');
		expect(alice.source).toBe('sync');
		const globex = await knex('companies')
			.where({ workspace_id: fx.workspaceId, domain: 'globex.example' })
			.first();
		expect(globex.name).toBeNull();
		expect(alice.company_id).toBe(globex.id);
		expect(
			(await fx.linkedRecords(received)).map((link) => `${link.type}:${link.source}`).sort(),
		).toEqual(['company:auto', 'company:auto', 'person:auto', 'person:auto']);
		expect(await fx.linkedRecords(sent)).toHaveLength(2);
		const participants = await knex('email_participants')
			.where({ email_id: received })
			.orderBy('address');
		expect(participants.map((row) => [row.address, row.person_id !== null])).toEqual([
			['alice@globex.example', true],
			['ana@acme.example', false],
			['bob@initech.example', true],
		]);
	});

	it('sent: only recipients of mail the account sent', async () => {
		const { fx, integrationId } = await workspace('sent');
		await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'bob@initech.example',
			to: ['ana@acme.example'],
			cc: ['dan@hooli.example'],
		});
		await fx.mail({
			integrationId,
			direction: 'outgoing',
			from: 'ana@acme.example',
			to: ['carol@umbrella.example'],
			cc: ['erin@hooli.example'],
			bcc: ['fay@vandelay.example'],
		});
		await linkRecords(test.database, fx.workspaceId);
		expect(await fx.peopleEmails()).toEqual([
			'carol@umbrella.example',
			'erin@hooli.example',
			'fay@vandelay.example',
		]);
		expect(await fx.companyDomains()).toEqual([
			'hooli.example',
			'umbrella.example',
			'vandelay.example',
		]);
	});

	it('none: nobody is created, existing people and companies are still linked', async () => {
		const { fx, integrationId } = await workspace('none');
		const bob = await fx.person('bob@initech.example');
		const initech = await fx.company('initech.example');
		const email = await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'bob@initech.example',
			to: ['ana@acme.example'],
			cc: ['zed@other.example'],
		});
		const result = await linkRecords(test.database, fx.workspaceId);
		expect(result).toMatchObject({ peopleCreated: 0, companiesCreated: 0, emailLinks: 2 });
		expect(await fx.peopleEmails()).toEqual(['bob@initech.example']);
		expect(await fx.linkedRecords(email)).toEqual(
			[
				{ type: 'company', id: initech, source: 'auto' },
				{ type: 'person', id: bob, source: 'auto' },
			].sort((a, b) => a.type.localeCompare(b.type)),
		);
	});

	it('an integration overrides the workspace policy unless it says workspace_default', async () => {
		const fx = new Fixtures(knex);
		await fx.settings({ ownDomains: ['acme.example'], policy: 'none' });
		const own = await fx.integration('ana@acme.example', { contactCreation: 'sent_and_received' });
		const follows = await fx.integration('ben@acme.example', {
			contactCreation: 'workspace_default',
		});
		await fx.mail({
			integrationId: own,
			direction: 'incoming',
			from: 'alice@globex.example',
			to: ['ana@acme.example'],
		});
		await fx.mail({
			integrationId: follows,
			direction: 'incoming',
			from: 'bob@initech.example',
			to: ['ben@acme.example'],
		});
		await linkRecords(test.database, fx.workspaceId);
		expect(await fx.peopleEmails()).toEqual(['alice@globex.example']);
	});

	it('never group addresses, bulk mail, own domains, blocklisted or connected accounts; free mail makes no company', async () => {
		const { fx, integrationId } = await workspace();
		await fx.integration('partner.account@partner.example');
		await knex('blocklist').insert([
			{ workspace_id: fx.workspaceId, pattern: 'spam@junk.example', kind: 'address' },
			{ workspace_id: fx.workspaceId, pattern: '@blocked.example', kind: 'domain' },
		]);
		await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'noreply@github.example',
			to: ['ana@acme.example', 'info@globex.example', 'support+123@initech.example'],
			cc: ['colleague@acme.example', 'someone@eu.acme.example', 'partner.account@partner.example'],
		});
		await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'newsletter-person@shop.example',
			to: ['ana@acme.example'],
			isBulk: true,
		});
		await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'spam@junk.example',
			to: ['ana@acme.example'],
			cc: ['eve@blocked.example'],
		});
		await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'dave@gmail.com',
			to: ['ana@acme.example'],
			cc: ['Mixed.Case@Hooli.Example'],
		});
		await fx.company('gmail.com');
		const result = await linkRecords(test.database, fx.workspaceId);
		expect(await fx.peopleEmails()).toEqual(['dave@gmail.com', 'mixed.case@hooli.example']);
		expect(await fx.companyDomains()).toEqual(['gmail.com', 'hooli.example']);
		expect(result.companiesCreated).toBe(1);
		const links = await knex('record_links').where({
			workspace_id: fx.workspaceId,
			record_type: 'company',
		});
		expect(links.map((row) => row.record_id)).toEqual([
			await knex('companies')
				.where({ workspace_id: fx.workspaceId, domain: 'hooli.example' })
				.first()
				.then((row) => row.id),
		]);
	});
});

describe('matching', () => {
	it('matches primary and additional addresses case-insensitively, without creating duplicates', async () => {
		const { fx, integrationId } = await workspace();
		const erin = await fx.person('Erin@Hooli.Example');
		const frank = await fx.person('frank@hooli.example', {
			additional_emails: ['frank.private@gmail.com'],
		});
		const email = await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'ERIN@hooli.example',
			to: ['ana@acme.example'],
			cc: ['Frank.Private@Gmail.com'],
		});
		const result = await linkRecords(test.database, fx.workspaceId);
		expect(result.peopleCreated).toBe(0);
		expect(await fx.peopleEmails()).toEqual(['Erin@Hooli.Example', 'frank@hooli.example']);
		const people = (await fx.linkedRecords(email))
			.filter((link) => link.type === 'person')
			.map((link) => link.id);
		expect(people.sort()).toEqual([erin, frank].sort());
		// gmail.com is free mail: frank's private address links no company, erin's domain does
		expect((await fx.linkedRecords(email)).filter((link) => link.type === 'company')).toHaveLength(
			1,
		);
	});

	it('links events to people by attendee and to companies by domain; events create nobody', async () => {
		const { fx, integrationId } = await workspace();
		const alice = await fx.person('alice@globex.example');
		const globex = await fx.company('globex.example');
		const event = await fx.event(integrationId, [
			'ana@acme.example',
			'ALICE@globex.example',
			'stranger@nowhere.example',
		]);
		const result = await linkRecords(test.database, fx.workspaceId);
		expect(result).toMatchObject({ peopleCreated: 0, companiesCreated: 0, eventLinks: 2 });
		expect(await fx.linkedRecords(event)).toEqual([
			{ type: 'company', id: globex, source: 'auto' },
			{ type: 'person', id: alice, source: 'auto' },
		]);
		const attendee = await knex('calendar_event_attendees')
			.where({ event_id: event, address: 'ALICE@globex.example' })
			.first();
		expect(attendee.person_id).toBe(alice);
	});

	it('is idempotent: a second run changes nothing', async () => {
		const { fx, integrationId } = await workspace();
		for (let i = 0; i < 5; i++)
			await fx.mail({
				integrationId,
				direction: 'incoming',
				from: `p${i}@globex.example`,
				to: ['ana@acme.example', `q${i}@initech.example`],
			});
		await fx.event(integrationId, ['p1@globex.example']);
		await linkRecords(test.database, fx.workspaceId);
		const snapshot = async () => ({
			links: await fx.links(),
			people: await knex('people')
				.where({ workspace_id: fx.workspaceId })
				.orderBy('id')
				.select('id', 'email', 'company_id', 'updated_at'),
			companies: await knex('companies').where({ workspace_id: fx.workspaceId }).orderBy('id'),
			participants: await knex('email_participants')
				.where({ workspace_id: fx.workspaceId })
				.orderBy('id'),
		});
		const before = await snapshot();
		const again = await linkRecords(test.database, fx.workspaceId);
		expect(again).toEqual({
			peopleCreated: 0,
			companiesCreated: 0,
			emailLinks: 0,
			eventLinks: 0,
			participantsMatched: 0,
			linksRemoved: 0,
		});
		expect(await snapshot()).toEqual(before);
	});

	it('links only the scope it is given', async () => {
		const { fx, integrationId } = await workspace();
		const first = await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'alice@globex.example',
			to: ['ana@acme.example'],
		});
		const second = await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'bob@initech.example',
			to: ['ana@acme.example'],
		});
		const result = await linkRecords(test.database, fx.workspaceId, { emailIds: [first] });
		expect(result.peopleCreated).toBe(1);
		expect(await fx.peopleEmails()).toEqual(['alice@globex.example']);
		expect(await fx.linkedRecords(second)).toEqual([]);
		expect(await linkRecords(test.database, fx.workspaceId, {})).toMatchObject({
			peopleCreated: 0,
			emailLinks: 0,
		});
	});

	it('removes automatic links that no longer follow from an address', async () => {
		const { fx, integrationId } = await workspace('none');
		const bob = await fx.person('bob@initech.example');
		const email = await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'bob@initech.example',
			to: ['ana@acme.example'],
		});
		await linkRecords(test.database, fx.workspaceId);
		expect(await fx.linkedRecords(email)).toEqual([{ type: 'person', id: bob, source: 'auto' }]);
		await knex('people').where({ id: bob }).update({ email: 'robert@initech.example' });
		const result = await linkRecords(test.database, fx.workspaceId);
		expect(result.linksRemoved).toBe(1);
		expect(await fx.linkedRecords(email)).toEqual([]);
	});
});

describe('manual links', () => {
	it('keeps a manual link, and a manual unlink sticks', async () => {
		const { fx, integrationId } = await workspace();
		const email = await fx.mail({
			integrationId,
			direction: 'incoming',
			from: 'alice@globex.example',
			to: ['ana@acme.example'],
		});
		const event = await fx.event(integrationId, ['alice@globex.example']);
		const unrelated = await fx.person('zoe@elsewhere.example', { source: 'manual' });
		await linkRecords(test.database, fx.workspaceId);
		const alice = (await fx.personId('alice@globex.example'))!;

		const manual = await linkManually(test.database, fx.workspaceId, {
			subjectType: 'email',
			subjectId: email,
			recordType: 'person',
			recordId: unrelated,
			userId: 'user-1',
		});
		expect(manual).toMatchObject({
			linkSource: 'manual',
			createdBy: 'user-1',
			recordId: unrelated,
		});
		expect(
			await unlinkManually(test.database, fx.workspaceId, {
				subjectType: 'email',
				subjectId: email,
				recordType: 'person',
				recordId: alice,
				userId: 'user-1',
			}),
		).toEqual({ removed: true });
		expect(
			await unlinkManually(test.database, fx.workspaceId, {
				subjectType: 'calendar_event',
				subjectId: event,
				recordType: 'person',
				recordId: alice,
				userId: 'user-1',
			}),
		).toEqual({ removed: true });

		await linkRecords(test.database, fx.workspaceId);
		await linkRecords(test.database, fx.workspaceId);
		const live = await listLinks(test.database, fx.workspaceId, 'email', [email]);
		expect(live.map((link) => [link.recordType, link.recordId, link.linkSource]).sort()).toEqual(
			[
				[
					'company',
					(
						await knex('companies')
							.where({ workspace_id: fx.workspaceId, domain: 'globex.example' })
							.first()
					).id,
					'auto',
				],
				['person', unrelated, 'manual'],
			].sort(),
		);
		expect(await listLinks(test.database, fx.workspaceId, 'calendar_event', [event])).toEqual(
			expect.not.arrayContaining([expect.objectContaining({ recordId: alice })]),
		);
		// Linking by hand again lifts the unlink.
		await linkManually(test.database, fx.workspaceId, {
			subjectType: 'email',
			subjectId: email,
			recordType: 'person',
			recordId: alice,
		});
		await linkRecords(test.database, fx.workspaceId);
		expect(
			(await listLinks(test.database, fx.workspaceId, 'email', [email])).find(
				(link) => link.recordId === alice,
			)?.linkSource,
		).toBe('manual');
		// Unlinking what was never linked still sticks.
		const bob = await fx.person('bob@initech.example');
		expect(
			await unlinkManually(test.database, fx.workspaceId, {
				subjectType: 'email',
				subjectId: email,
				recordType: 'person',
				recordId: bob,
			}),
		).toEqual({ removed: false });
	});

	it('refuses ids of another workspace as not found', async () => {
		const a = await workspace();
		const b = await workspace();
		const emailA = await a.fx.mail({
			integrationId: a.integrationId,
			direction: 'incoming',
			from: 'x@globex.example',
			to: ['ana@acme.example'],
		});
		const personB = await b.fx.person('y@initech.example');
		const personA = await a.fx.person('z@initech.example');
		await expect(
			linkManually(test.database, a.fx.workspaceId, {
				subjectType: 'email',
				subjectId: emailA,
				recordType: 'person',
				recordId: personB,
			}),
		).rejects.toBeInstanceOf(CrmRecordNotFoundError);
		await expect(
			linkManually(test.database, b.fx.workspaceId, {
				subjectType: 'email',
				subjectId: emailA,
				recordType: 'person',
				recordId: personB,
			}),
		).rejects.toBeInstanceOf(CrmRecordNotFoundError);
		await expect(
			unlinkManually(test.database, b.fx.workspaceId, {
				subjectType: 'email',
				subjectId: emailA,
				recordType: 'person',
				recordId: personA,
			}),
		).rejects.toBeInstanceOf(CrmRecordNotFoundError);
		await expect(
			linkManually(test.database, a.fx.workspaceId, {
				subjectType: 'email',
				subjectId: 'not-a-uuid',
				recordType: 'person',
				recordId: personA,
			}),
		).rejects.toBeInstanceOf(CrmRecordNotFoundError);
		expect(await a.fx.links()).toEqual([]);
		expect(await b.fx.links()).toEqual([]);
		expect(await listLinks(test.database, b.fx.workspaceId, 'email', [emailA])).toEqual([]);
	});
});

describe('workspace isolation', () => {
	it('linking workspace A touches nothing of workspace B', async () => {
		const a = await workspace();
		const b = await workspace();
		// B has the same addresses, a person of its own, and mail not yet linked.
		await b.fx.person('alice@globex.example');
		const emailB = await b.fx.mail({
			integrationId: b.integrationId,
			direction: 'incoming',
			from: 'alice@globex.example',
			to: ['ana@acme.example'],
			cc: ['bob@initech.example'],
		});
		await a.fx.mail({
			integrationId: a.integrationId,
			direction: 'incoming',
			from: 'alice@globex.example',
			to: ['ana@acme.example'],
			cc: ['bob@initech.example'],
		});
		const snapshotB = async () => ({
			people: await knex('people').where({ workspace_id: b.fx.workspaceId }).orderBy('id'),
			companies: await knex('companies').where({ workspace_id: b.fx.workspaceId }).orderBy('id'),
			participants: await knex('email_participants')
				.where({ workspace_id: b.fx.workspaceId })
				.orderBy('id'),
			links: await b.fx.links(),
		});
		const before = await snapshotB();
		await linkRecords(test.database, a.fx.workspaceId);
		await linkRecords(test.database, a.fx.workspaceId, { emailIds: [emailB] });
		expect(await snapshotB()).toEqual(before);
		expect(await a.fx.peopleEmails()).toEqual(['alice@globex.example', 'bob@initech.example']);
		const aPeople = await knex('people').where({ workspace_id: a.fx.workspaceId }).pluck('id');
		const linkedIds = await knex('email_participants')
			.where({ workspace_id: a.fx.workspaceId })
			.whereNotNull('person_id')
			.pluck('person_id');
		expect(linkedIds.every((id: string) => aPeople.includes(id))).toBe(true);
		await expect(linkRecords(test.database, 'nope')).rejects.toThrow(/UUID/);
		expect(randomUUID()).toBeTruthy();
	});
});
