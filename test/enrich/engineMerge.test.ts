// The merge rules on their own (newer unless markedly less confident, phones as a list, company
// domains), and mergeFindings on hand-made findings, independent of what the extractor finds.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

import {
	beats,
	chooseValue,
	companyDomainOf,
	mergeFindings,
	mergePhoneLists,
	replacesStored,
	type Candidate,
	type EmailFinding,
} from '../../core/enrich/mergePolicy';
import type { FoundValue, SignatureContact } from '../../core/enrich/types';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { EngineSeed } from './engineSeed';

const day = (n: number) => new Date(Date.UTC(2026, 10, n, 10));
const candidate = (value: string, confidence: number, sentDay: number | null): Candidate => ({
	value,
	confidence,
	extractor: 'signature',
	sourceEmailId: randomUUID(),
	sourceExcerpt: value,
	sourceSentAt: sentDay === null ? null : day(sentDay),
});

describe('merge rules', () => {
	it('a newer value wins unless markedly less confident; an older one only when markedly more', () => {
		expect(beats(candidate('new', 0.8, 10), candidate('old', 0.8, 1))).toBe(true);
		expect(beats(candidate('new', 0.65, 10), candidate('old', 0.8, 1))).toBe(true);
		expect(beats(candidate('new', 0.5, 10), candidate('old', 0.9, 1))).toBe(false);
		expect(beats(candidate('old', 0.9, 1), candidate('new', 0.8, 10))).toBe(false);
		expect(beats(candidate('old', 0.95, 1), candidate('new', 0.5, 10))).toBe(true);
		expect(beats(candidate('undated', 0.9, null), candidate('dated', 0.8, 1))).toBe(false);
		// Same date: the more confident, then the model over the signature.
		expect(beats(candidate('a', 0.9, 5), candidate('b', 0.8, 5))).toBe(true);
		expect(beats({ ...candidate('a', 0.8, 5), extractor: 'llm:m' }, candidate('b', 0.8, 5))).toBe(
			true,
		);
	});

	it('a re-read of the same email replaces its value; chooseValue ignores weak values', () => {
		const stored = candidate('old reading', 0.9, 5);
		expect(replacesStored({ ...stored, value: 'new reading', confidence: 0.6 }, stored)).toBe(true);
		expect(replacesStored(candidate('x', 0.1, 1), undefined)).toBe(true);
		expect(chooseValue([candidate('weak', 0.3, 10)])).toBeUndefined();
		expect(chooseValue([candidate('weak', 0.3, 10), candidate('ok', 0.7, 1)])?.value).toBe('ok');
	});

	it('phones: union by E.164, the newer type wins, no duplicates', () => {
		expect(
			mergePhoneLists(
				[
					{ e164: '+4930123', type: 'other', written: '030 123' },
					{ e164: '+4917111', type: 'mobile', written: '0171 11' },
				],
				[
					{ e164: '+4930123', type: 'office', written: '+49 30 123' },
					{ e164: '+4940999', type: 'fax', written: '040 999' },
				],
			),
		).toEqual([
			{ e164: '+4930123', type: 'office', written: '+49 30 123' },
			{ e164: '+4917111', type: 'mobile', written: '0171 11' },
			{ e164: '+4940999', type: 'fax', written: '040 999' },
		]);
	});

	it('company domains: never free mail, never our own', () => {
		const own = new Set(['acme.example']);
		expect(companyDomainOf('bob@Globex.Example', own)).toBe('globex.example');
		expect(companyDomainOf('jo@gmail.com', own)).toBeNull();
		expect(companyDomainOf('jo@outlook.com', own)).toBeNull();
		expect(companyDomainOf('eve@acme.example', own)).toBeNull();
		expect(companyDomainOf('broken', own)).toBeNull();
	});
});

describe('mergeFindings', () => {
	let test: TestDatabase;
	let knex: Knex;
	beforeAll(async () => {
		test = await createTestDatabase();
		knex = test.database.knex;
	});
	afterAll(async () => {
		await test.drop();
	});

	const found = (value: string, confidence: number): FoundValue<string> => ({
		value,
		confidence,
		extractor: 'signature',
		excerpt: value,
	});

	async function merge(
		seed: EngineSeed,
		personId: string,
		contact: Partial<SignatureContact>,
		sentDay: number,
	) {
		const finding: EmailFinding = {
			emailId: await seed.mail({
				integrationId: await seed.integration(`x${randomUUID().slice(0, 6)}@acme.example`),
				from: 'bob@globex.example',
				sentAt: day(sentDay),
			}),
			sentAt: day(sentDay),
			personId,
			senderAddress: 'bob@globex.example',
			contact: { phones: [], ...contact },
		};
		return knex.transaction((trx) =>
			mergeFindings(trx, seed.workspaceId, [finding], [], {
				ownDomains: new Set(['acme.example']),
			}),
		);
	}

	it('keeps a confident title over a newer, markedly less confident one', async () => {
		const seed = new EngineSeed(knex);
		const bobId = await seed.person('bob@globex.example');
		await merge(seed, bobId, { jobTitle: found('Head of Sales', 0.9) }, 1);
		await merge(seed, bobId, { jobTitle: found('Sales', 0.55) }, 10);
		expect((await knex('people').where({ id: bobId }).first()).job_title).toBe('Head of Sales');
		await merge(seed, bobId, { jobTitle: found('VP Sales', 0.8) }, 12);
		expect((await knex('people').where({ id: bobId }).first()).job_title).toBe('VP Sales');
	});

	it('replaces a company name it wrote, never one from an import; sets an empty website', async () => {
		const seed = new EngineSeed(knex);
		const bobId = await seed.person('bob@globex.example');
		await merge(
			seed,
			bobId,
			{ company: found('Globex', 0.7), website: found('https://www.globex.example', 0.8) },
			1,
		);
		const globex = () =>
			knex('companies').where({ workspace_id: seed.workspaceId, domain: 'globex.example' }).first();
		expect(await globex()).toMatchObject({ name: 'Globex', website: 'https://www.globex.example' });
		await merge(seed, bobId, { company: found('Globex Corporation', 0.8) }, 5);
		expect((await globex()).name).toBe('Globex Corporation');

		const other = new EngineSeed(knex);
		await other.company('globex.example', { name: 'GLOBEX (CRM)', source: 'import' });
		const otherBob = await other.person('bob@globex.example');
		await merge(other, otherBob, { company: found('Globex Corporation', 0.9) }, 5);
		const kept = await knex('companies')
			.where({ workspace_id: other.workspaceId, domain: 'globex.example' })
			.first();
		expect(kept.name).toBe('GLOBEX (CRM)');
		expect((await knex('people').where({ id: otherBob }).first()).company_id).toBe(kept.id);
	});

	it('stores values with NUL bytes and lone surrogates cleaned, never failing the batch', async () => {
		const seed = new EngineSeed(knex);
		const bobId = await seed.person('bob@globex.example');
		await merge(
			seed,
			bobId,
			{
				jobTitle: { ...found('Head\u0000 of Sales', 0.9), excerpt: 'Head\u0000 of \ud800Sales' },
				postalAddress: found('x'.repeat(50_000), 0.6),
			},
			1,
		);
		const stored = (await knex('enrichment_results')
			.where({ workspace_id: seed.workspaceId, field: 'job_title' })
			.first()) as { value: string; source_excerpt: string };
		expect(stored.value).toBe('Head of Sales');
		expect(stored.source_excerpt).toBe('Head of \ufffdSales');
	});

	it('adds phones to the list a person already has, never twice', async () => {
		const seed = new EngineSeed(knex);
		const bobId = await seed.person('bob@globex.example', {
			phones: JSON.stringify(['+14155550100']),
		});
		const phone = (e164: string, type: 'mobile' | 'office') => ({
			value: { e164, type, written: e164 },
			confidence: 0.9,
			extractor: 'signature',
			excerpt: e164,
		});
		await merge(seed, bobId, { phones: [phone('+49301234567', 'office')] }, 1);
		await merge(
			seed,
			bobId,
			{ phones: [phone('+49301234567', 'office'), phone('+491712345678', 'mobile')] },
			2,
		);
		expect((await knex('people').where({ id: bobId }).first()).phones).toEqual([
			'+14155550100',
			'+49301234567',
			'+491712345678',
		]);
	});
});
