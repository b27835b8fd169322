// The enrichment engine against real PostgreSQL: values merged with provenance, idempotent
// re-runs, hand-edited fields, newer and older signatures, quoted senders, company detection,
// the per-integration opt-out, workspace scoping, visibility, bulk mail and poisoned batches.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

import {
	enrichIntegration,
	enrichRecord,
	getEnrichment,
	type EnrichDeps,
} from '../../core/enrich/enrichWorkspace';
import { upsertPersonByEmail } from '../../core/store/peopleAndCompanies';
import { CrmRecordNotFoundError } from '../../core/store/recordLinks';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { body, EngineSeed } from './engineSeed';

let test: TestDatabase;
let knex: Knex;
let deps: EnrichDeps;

beforeAll(async () => {
	test = await createTestDatabase();
	knex = test.database.knex;
	deps = { database: test.database };
});
afterAll(async () => {
	await test.drop();
});

const BOB_SIGNATURE = [
	'Bob Miller',
	'Head of Sales',
	'Globex Corporation',
	'Phone: +49 30 1234567',
	'https://www.linkedin.com/in/bob-miller',
];

/** A workspace (own domain acme.example) with one mailbox and Bob of Globex as a person. */
async function workspace(settings: Record<string, unknown> = {}) {
	const seed = new EngineSeed(knex);
	await seed.settings(['acme.example']);
	const integrationId = await seed.integration('ana@acme.example', settings);
	const bobId = await seed.person('bob@globex.example', { full_name: 'Bob' });
	return { seed, integrationId, bobId };
}

async function personRow(id: string) {
	return (await knex('people').where({ id }).first()) as {
		full_name: string | null;
		job_title: string | null;
		phones: string[];
		linkedin_url: string | null;
		company_id: string | null;
		classification: string;
		updated_at: Date;
	};
}

describe('enrichIntegration', () => {
	it('merges signature values into the person and company, with provenance', async () => {
		const { seed, integrationId, bobId } = await workspace();
		const emailId = await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			fromName: 'Bob Miller',
			to: ['ana@acme.example'],
			text: body('Hi Ana,\n\nthe documents are attached.', BOB_SIGNATURE),
		});
		const result = await enrichIntegration(deps, {
			workspaceId: seed.workspaceId,
			integrationId,
		});
		expect(result.skipped).toBeUndefined();
		expect(result.done).toBe(true);
		expect(result.counts).toMatchObject({ emailsScanned: 1, signaturesFound: 1, peopleUpdated: 1 });

		const bob = await personRow(bobId);
		expect(bob.job_title).toBe('Head of Sales');
		expect(bob.full_name).toBe('Bob Miller');
		expect(bob.phones).toEqual(['+49301234567']);
		expect(bob.linkedin_url).toBe('https://www.linkedin.com/in/bob-miller');
		const company = (await knex('companies')
			.where({ workspace_id: seed.workspaceId, domain: 'globex.example' })
			.first()) as { id: string; name: string };
		expect(company.name).toBe('Globex Corporation');
		expect(bob.company_id).toBe(company.id);

		const { subject, values } = await getEnrichment(test.database, {
			workspaceId: seed.workspaceId,
			subjectType: 'person',
			subjectId: bobId,
		});
		expect(subject.id).toBe(bobId);
		const title = values.find((value) => value.field === 'job_title');
		expect(title).toMatchObject({
			value: 'Head of Sales',
			extractor: 'signature',
			sourceEmailId: emailId,
			applied: true,
		});
		expect(title!.confidence).toBeGreaterThan(0.5);
		expect(title!.sourceExcerpt).toContain('Head of Sales');
		const phones = values.find((value) => value.field === 'phones');
		expect(phones).toMatchObject({ applied: true, sourceEmailId: emailId });
		expect(phones!.value).toEqual([expect.objectContaining({ e164: '+49301234567' })]);
		const companyValues = await getEnrichment(test.database, {
			workspaceId: seed.workspaceId,
			subjectType: 'company',
			subjectId: company.id,
		});
		expect(companyValues.values.find((value) => value.field === 'name')).toMatchObject({
			value: 'Globex Corporation',
			applied: true,
			sourceEmailId: emailId,
		});
	});

	it('changes nothing when run again, and enrichRecord re-reading the same mail changes nothing', async () => {
		const { seed, integrationId, bobId } = await workspace();
		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			subject: 'Invoice 2026-118',
			text: body('Hi Ana,\n\nplease find our invoice attached.', BOB_SIGNATURE),
		});
		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			sentAt: new Date('2026-10-01T10:00:00Z'),
			text: body('Hello,\n\nsee below.', [...BOB_SIGNATURE, 'Mobile: +49 171 2345678']),
		});
		await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
		const before = await seed.snapshot();
		expect(before.enrichment_results.length).toBeGreaterThan(3);

		const again = await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
		expect(again.counts.emailsScanned).toBe(0);
		expect(await seed.snapshot()).toEqual(before);

		const record = await enrichRecord(deps, {
			workspaceId: seed.workspaceId,
			subjectType: 'person',
			subjectId: bobId,
		});
		expect(record.counts.emailsScanned).toBe(2);
		expect(record.counts.peopleUpdated).toBe(0);
		expect(await seed.snapshot()).toEqual(before);
		// Phones from both emails, without duplicates.
		expect((await personRow(bobId)).phones.sort()).toEqual(
			['+491712345678', '+49301234567'].sort(),
		);
	});

	it('never overwrites a field a user edited by hand', async () => {
		const { seed, integrationId, bobId } = await workspace();
		await upsertPersonByEmail(
			test.database,
			seed.workspaceId,
			{ email: 'bob@globex.example', jobTitle: 'Chief Wizard' },
			{ manual: true },
		);
		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			text: body('Hi.', BOB_SIGNATURE),
		});
		await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
		const bob = await personRow(bobId);
		expect(bob.job_title).toBe('Chief Wizard');
		expect(bob.phones).toEqual(['+49301234567']);
		const { values } = await getEnrichment(test.database, {
			workspaceId: seed.workspaceId,
			subjectType: 'person',
			subjectId: bobId,
		});
		expect(values.find((value) => value.field === 'job_title')).toMatchObject({
			value: 'Head of Sales',
			applied: false,
		});
	});

	it('lets a newer signature replace an older one, never the other way round', async () => {
		const { seed, integrationId, bobId } = await workspace();
		const signature = (title: string) => ['Bob Miller', title, 'Globex Corporation'];
		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			sentAt: new Date('2026-11-01T10:00:00Z'),
			text: body('Hi Ana,\n\nthanks.', signature('Sales Manager')),
		});
		await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
		expect((await personRow(bobId)).job_title).toBe('Sales Manager');

		const newer = await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			sentAt: new Date('2026-11-10T10:00:00Z'),
			text: body('Hi Ana,\n\ngood news.', signature('Head of Sales')),
		});
		await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
		expect((await personRow(bobId)).job_title).toBe('Head of Sales');

		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			sentAt: new Date('2026-09-01T10:00:00Z'),
			text: body('Hi Ana,\n\nan old one.', signature('Sales Intern')),
		});
		await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
		expect((await personRow(bobId)).job_title).toBe('Head of Sales');
		const { values } = await getEnrichment(test.database, {
			workspaceId: seed.workspaceId,
			subjectType: 'person',
			subjectId: bobId,
		});
		expect(values.find((value) => value.field === 'job_title')?.sourceEmailId).toBe(newer);
	});

	it("never gives a quoted sender's values to the replier", async () => {
		const { seed, integrationId } = await workspace();
		const carolId = await seed.person('carol@initech.example');
		await seed.mail({
			integrationId,
			from: 'carol@initech.example',
			fromName: 'Carol White',
			text: [
				'Thanks Bob, that works for us.',
				'',
				'On Mon, 2 Nov 2026 at 10:00, Bob Miller <bob@globex.example> wrote:',
				...['Hi Carol,', '', 'here is the plan.', '', 'Best regards,', ...BOB_SIGNATURE].map(
					(line) => `> ${line}`,
				),
			].join('\n'),
		});
		await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
		const carol = await personRow(carolId);
		expect(carol.job_title).toBeNull();
		expect(carol.phones).toEqual([]);
		expect(carol.linkedin_url).toBeNull();
		const stored = (await knex('enrichment_results')
			.where({ workspace_id: seed.workspaceId, subject_id: carolId })
			.pluck('value')) as unknown[];
		expect(JSON.stringify(stored)).not.toMatch(/Globex|1234567|bob-miller|Head of Sales/);
	});

	it('detects the company from the sender domain, never a free-mail or own domain', async () => {
		const { seed, integrationId } = await workspace();
		const joeId = await seed.person('joe.private@gmail.com');
		const colleagueId = await seed.person('eve@acme.example');
		await seed.mail({
			integrationId,
			from: 'joe.private@gmail.com',
			text: body('Hi,\n\nsee you.', ['Joe Private', 'Consultant', 'Acme Holdings Ltd']),
		});
		await seed.mail({
			integrationId,
			from: 'eve@acme.example',
			text: body('Hi Ana,\n\nlunch?', ['Eve Adams', 'Engineer', 'Acme']),
		});
		await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
		const domains = (await knex('companies')
			.where({ workspace_id: seed.workspaceId })
			.pluck('domain')) as string[];
		expect(domains).not.toContain('gmail.com');
		expect(domains).not.toContain('acme.example');
		expect((await personRow(joeId)).company_id).toBeNull();
		expect((await personRow(colleagueId)).company_id).toBeNull();
		expect((await personRow(joeId)).job_title).toBe('Consultant');
	});

	it('keeps a company name set by hand and sets company_id only when empty', async () => {
		const seed = new EngineSeed(knex);
		await seed.settings(['acme.example']);
		const integrationId = await seed.integration('ana@acme.example');
		const globex = await seed.company('globex.example', {
			name: 'Globex (our name)',
			manual_fields: ['name'],
		});
		const other = await seed.company('umbrella.example');
		const bobId = await seed.person('bob@globex.example', { company_id: other });
		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			text: body('Hi.', BOB_SIGNATURE),
		});
		await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
		expect((await knex('companies').where({ id: globex }).first()).name).toBe('Globex (our name)');
		expect((await personRow(bobId)).company_id).toBe(other);
	});

	it('honours the per-integration opt-out on the after-sync path, not on an explicit call', async () => {
		const { seed, integrationId, bobId } = await workspace({ autoEnrich: false });
		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			text: body('Hi.', BOB_SIGNATURE),
		});
		const before = await seed.snapshot();
		const skipped = await enrichIntegration(deps, {
			workspaceId: seed.workspaceId,
			integrationId,
			onlyIfAutoEnrich: true,
		});
		expect(skipped.skipped).toBe('opted_out');
		expect(skipped.counts.emailsScanned).toBe(0);
		expect(await seed.snapshot()).toEqual(before);

		const explicit = await enrichIntegration(deps, {
			workspaceId: seed.workspaceId,
			integrationId,
		});
		expect(explicit.counts.emailsScanned).toBe(1);
		expect((await personRow(bobId)).job_title).toBe('Head of Sales');

		const { seed: other, integrationId: optedIn } = await workspace();
		await other.mail({
			integrationId: optedIn,
			from: 'bob@globex.example',
			text: body('Hi.', BOB_SIGNATURE),
		});
		const afterSync = await enrichIntegration(deps, {
			workspaceId: other.workspaceId,
			integrationId: optedIn,
			onlyIfAutoEnrich: true,
		});
		expect(afterSync.skipped).toBeUndefined();
		expect(afterSync.counts.emailsScanned).toBe(1);
	});

	it('stays in its workspace', async () => {
		const a = await workspace();
		const b = await workspace();
		await a.seed.mail({
			integrationId: a.integrationId,
			from: 'bob@globex.example',
			text: body('Hi.', BOB_SIGNATURE),
		});
		await b.seed.mail({
			integrationId: b.integrationId,
			from: 'bob@globex.example',
			text: body('Hi.', BOB_SIGNATURE),
		});
		const bBefore = await b.seed.snapshot();
		// Another workspace's integration is not found in this one.
		const crossed = await enrichIntegration(deps, {
			workspaceId: a.seed.workspaceId,
			integrationId: b.integrationId,
		});
		expect(crossed.skipped).toBe('not_found');
		await enrichIntegration(deps, {
			workspaceId: a.seed.workspaceId,
			integrationId: a.integrationId,
		});
		expect((await personRow(a.bobId)).job_title).toBe('Head of Sales');
		expect(await b.seed.snapshot()).toEqual(bBefore);
		await expect(
			getEnrichment(test.database, {
				workspaceId: b.seed.workspaceId,
				subjectType: 'person',
				subjectId: a.bobId,
			}),
		).rejects.toBeInstanceOf(CrmRecordNotFoundError);
		await expect(
			enrichRecord(deps, {
				workspaceId: b.seed.workspaceId,
				subjectType: 'person',
				subjectId: a.bobId,
			}),
		).rejects.toBeInstanceOf(CrmRecordNotFoundError);
	});

	it('reads only fully visible, non-bulk incoming mail from people', async () => {
		const { seed, integrationId, bobId } = await workspace();
		const hidden = await seed.integration('ops@acme.example', {}, 'metadata');
		await seed.mail({
			integrationId: hidden,
			from: 'bob@globex.example',
			text: body('Hi.', BOB_SIGNATURE),
		});
		const hiddenRun = await enrichIntegration(deps, {
			workspaceId: seed.workspaceId,
			integrationId: hidden,
		});
		expect(hiddenRun.counts.emailsScanned).toBe(0);
		expect((await personRow(bobId)).job_title).toBeNull();

		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			visibility: 'subject',
			text: body('Hi.', BOB_SIGNATURE),
		});
		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			isBulk: true,
			text: body('Newsletter.', BOB_SIGNATURE),
		});
		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			direction: 'outgoing',
			text: body('Hi.', BOB_SIGNATURE),
		});
		await seed.mail({
			integrationId,
			from: 'stranger@initech.example',
			text: body('Hi.', ['Stan Ger', 'CEO', 'Initech']),
		});
		const run = await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
		expect(run.counts.emailsScanned).toBe(3);
		expect(run.counts.signaturesFound).toBe(0);
		expect((await personRow(bobId)).job_title).toBeNull();
		expect(
			await knex('enrichment_results').where({ workspace_id: seed.workspaceId }).count(),
		).toEqual([{ count: '0' }]);
		// The subject-only copy stays unread (readable once its visibility allows); the others are read.
		const unread = (await knex('mailbox_messages')
			.where({ workspace_id: seed.workspaceId, integration_id: integrationId })
			.whereNull('enriched_at')
			.pluck('direction')) as string[];
		expect(unread.sort()).toEqual(['incoming', 'outgoing']);
	});

	it('enriches the rest of a batch that holds poisoned mail', async () => {
		const { seed, integrationId, bobId } = await workspace();
		const broken = ['<div><table><tr><td>', '<p><b><i>'.repeat(20_000), '<!-- ', '<script>'].join(
			'',
		);
		await seed.mail({ integrationId, from: 'bob@globex.example', html: broken, text: null });
		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			text: `${'x'.repeat(3_000_000)}\n${'y '.repeat(100_000)}`,
		});
		await seed.mail({ integrationId, from: null, text: body('No sender.', BOB_SIGNATURE) });
		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			text: `\u200b\ufeff${'\u0301'.repeat(50_000)}\n-- \n${'|'.repeat(10_000)}`,
		});
		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			sentAt: null,
			text: body('Hi Ana,\n\nall good.', BOB_SIGNATURE),
		});
		const run = await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
		expect(run.counts.emailsScanned).toBe(5);
		expect((await personRow(bobId)).job_title).toBe('Head of Sales');
		expect(
			await knex('mailbox_messages')
				.where({ workspace_id: seed.workspaceId })
				.whereNull('enriched_at')
				.count(),
		).toEqual([{ count: '0' }]);
	}, 60_000);

	it('stops at the limit and says it is not done', async () => {
		const { seed, integrationId } = await workspace();
		for (let index = 0; index < 3; index++)
			await seed.mail({ integrationId, from: 'bob@globex.example', text: 'Hi.' });
		const first = await enrichIntegration(deps, {
			workspaceId: seed.workspaceId,
			integrationId,
			limit: 2,
		});
		expect(first).toMatchObject({ done: false, counts: { emailsScanned: 2 } });
		const second = await enrichIntegration(deps, {
			workspaceId: seed.workspaceId,
			integrationId,
			limit: 2,
		});
		expect(second).toMatchObject({ done: true, counts: { emailsScanned: 1 } });
	});

	it('refuses bad arguments', async () => {
		await expect(
			enrichIntegration(deps, { workspaceId: 'nope', integrationId: randomUUID() }),
		).rejects.toMatchObject({ code: 'invalid_argument' });
		await expect(
			getEnrichment(test.database, {
				workspaceId: randomUUID(),
				subjectType: 'person',
				subjectId: 'not-a-uuid',
			}),
		).rejects.toBeInstanceOf(CrmRecordNotFoundError);
	});
});

describe('enrichRecord', () => {
	it('re-reads a company’s people’s newest mail regardless of marks', async () => {
		const { seed, integrationId, bobId } = await workspace();
		const globex = await seed.company('globex.example');
		await knex('people').where({ id: bobId }).update({ company_id: globex });
		await seed.mail({
			integrationId,
			from: 'bob@globex.example',
			text: body('Hi.', BOB_SIGNATURE),
		});
		// Marked read without enrichment having stored anything (as if read by an older version).
		await knex('mailbox_messages')
			.where({ workspace_id: seed.workspaceId })
			.update({ enriched_at: new Date() });
		expect(
			(await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId })).counts
				.emailsScanned,
		).toBe(0);
		const result = await enrichRecord(deps, {
			workspaceId: seed.workspaceId,
			subjectType: 'company',
			subjectId: globex,
		});
		expect(result.counts.emailsScanned).toBe(1);
		expect((await personRow(bobId)).job_title).toBe('Head of Sales');
		expect((await knex('companies').where({ id: globex }).first()).name).toBe('Globex Corporation');
	});
});
