// People and companies store: create or update by email / domain, values set by hand kept from
// automatic writers, find with filters and keyset paging, get by id, workspace scoping.
import { randomUUID } from 'node:crypto';

import {
	findCompanies,
	findPeople,
	getCompany,
	getPerson,
	upsertCompanyByDomain,
	upsertPersonByEmail,
} from '../../core/store/peopleAndCompanies';
import { CrmArgumentError, CrmRecordNotFoundError } from '../../core/store/recordLinks';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

let test: TestDatabase;

beforeAll(async () => {
	test = await createTestDatabase();
});
afterAll(async () => {
	await test.drop();
});

describe('people', () => {
	it('keeps a YouTube channel id per person, one person per channel in a workspace', async () => {
		const workspaceId = randomUUID();
		const { record } = await upsertPersonByEmail(test.database, workspaceId, {
			email: 'yuki@example.jp',
			youtubeChannelId: ' UC1234567890abcdefghijkl ',
		});
		expect(record.youtubeChannelId).toBe('UC1234567890abcdefghijkl');
		await expect(
			upsertPersonByEmail(test.database, workspaceId, {
				email: 'other@example.jp',
				youtubeChannelId: 'UC1234567890abcdefghijkl',
			}),
		).rejects.toThrow('Another person of this workspace already has this YouTube channel ID');
		// Another workspace may know the same channel as one of its people.
		const elsewhere = await upsertPersonByEmail(test.database, randomUUID(), {
			email: 'other@example.jp',
			youtubeChannelId: 'UC1234567890abcdefghijkl',
		});
		expect(elsewhere.record.youtubeChannelId).toBe('UC1234567890abcdefghijkl');
	});

	it('creates, then updates by any address; hand-set values survive automatic writers', async () => {
		const workspaceId = randomUUID();
		const created = await upsertPersonByEmail(test.database, workspaceId, {
			email: ' Alice@Globex.Example ',
			fullName: 'Alice',
		});
		expect(created).toMatchObject({
			created: true,
			record: {
				email: 'alice@globex.example',
				fullName: 'Alice',
				source: 'sync',
				manualFields: [],
			},
		});

		const manual = await upsertPersonByEmail(
			test.database,
			workspaceId,
			{
				email: 'alice@globex.example',
				jobTitle: 'CTO',
				additionalEmails: ['Alice.Private@Gmail.com'],
			},
			{ manual: true },
		);
		expect(manual.created).toBe(false);
		expect(manual.record).toMatchObject({
			jobTitle: 'CTO',
			additionalEmails: ['alice.private@gmail.com'],
			manualFields: ['additionalEmails', 'jobTitle'],
		});

		// Enrichment finds the person by the private address: it may fill the name, not the title.
		const enriched = await upsertPersonByEmail(test.database, workspaceId, {
			email: 'ALICE.PRIVATE@gmail.com',
			fullName: 'Alice Doe',
			jobTitle: 'Engineer',
			linkedinUrl: null,
			phones: ['+4930123456'],
		});
		expect(enriched.created).toBe(false);
		expect(enriched.record).toMatchObject({
			id: created.record.id,
			email: 'alice@globex.example',
			fullName: 'Alice Doe',
			jobTitle: 'CTO',
			phones: ['+4930123456'],
		});
		// A user may change it again.
		const changed = await upsertPersonByEmail(
			test.database,
			workspaceId,
			{ email: 'alice@globex.example', jobTitle: 'CEO' },
			{ manual: true },
		);
		expect(changed.record.jobTitle).toBe('CEO');
		expect(await getPerson(test.database, workspaceId, created.record.id)).toEqual(changed.record);
		expect(await getPerson(test.database, randomUUID(), created.record.id)).toBeNull();
		expect(await getPerson(test.database, workspaceId, 'nope')).toBeNull();
	});

	it('refuses bad input and companies of another workspace', async () => {
		const workspaceId = randomUUID();
		await expect(
			upsertPersonByEmail(test.database, workspaceId, { email: 'not an address' }),
		).rejects.toBeInstanceOf(CrmArgumentError);
		await expect(
			upsertPersonByEmail(test.database, 'x', { email: 'a@b.example' }),
		).rejects.toBeInstanceOf(CrmArgumentError);
		const other = await upsertCompanyByDomain(test.database, randomUUID(), {
			domain: 'initech.example',
		});
		await expect(
			upsertPersonByEmail(test.database, workspaceId, {
				email: 'a@b.example',
				companyId: other.record.id,
			}),
		).rejects.toBeInstanceOf(CrmRecordNotFoundError);
		await expect(
			upsertPersonByEmail(test.database, workspaceId, {
				email: 'a@b.example',
				classification: 'friend' as never,
			}),
		).rejects.toBeInstanceOf(CrmArgumentError);
	});

	it('finds by address, domain, name prefix and company, a page at a time', async () => {
		const workspaceId = randomUUID();
		const other = randomUUID();
		const company = await upsertCompanyByDomain(test.database, workspaceId, {
			domain: 'globex.example',
		});
		for (let i = 0; i < 7; i++)
			await upsertPersonByEmail(test.database, workspaceId, {
				email: `p${i}@globex.example`,
				fullName: i % 2 ? `Ann ${i}` : `Bob ${i}`,
				companyId: company.record.id,
			});
		await upsertPersonByEmail(test.database, workspaceId, {
			email: 'x@initech.example',
			fullName: 'Ann_%',
			additionalEmails: ['x.alt@gmail.com'],
		});
		await upsertPersonByEmail(test.database, other, {
			email: 'p1@globex.example',
			fullName: 'Ann other',
		});

		const pages: string[][] = [];
		let cursor: string | null = null;
		do {
			const page = await findPeople(test.database, workspaceId, {
				domain: '@GLOBEX.example',
				limit: 3,
				cursor,
			});
			pages.push(page.items.map((person) => person.email));
			cursor = page.nextCursor;
		} while (cursor);
		expect(pages).toEqual([
			['p0@globex.example', 'p1@globex.example', 'p2@globex.example'],
			['p3@globex.example', 'p4@globex.example', 'p5@globex.example'],
			['p6@globex.example'],
		]);
		expect(
			(await findPeople(test.database, workspaceId, { namePrefix: 'ann' })).items.map(
				(person) => person.email,
			),
		).toEqual(['p1@globex.example', 'p3@globex.example', 'p5@globex.example', 'x@initech.example']);
		expect(
			(await findPeople(test.database, workspaceId, { namePrefix: 'Ann_' })).items.map(
				(person) => person.email,
			),
		).toEqual(['x@initech.example']);
		expect(
			(await findPeople(test.database, workspaceId, { email: 'X.ALT@gmail.com' })).items.map(
				(person) => person.email,
			),
		).toEqual(['x@initech.example']);
		expect(
			(await findPeople(test.database, workspaceId, { companyId: company.record.id })).items,
		).toHaveLength(7);
		await expect(
			findPeople(test.database, workspaceId, { cursor: 'garbage' }),
		).rejects.toBeInstanceOf(CrmArgumentError);
	});
});

describe('companies', () => {
	it('creates or updates by domain, keeps a hand-set name, refuses free mail', async () => {
		const workspaceId = randomUUID();
		const created = await upsertCompanyByDomain(test.database, workspaceId, {
			domain: 'https://www.Globex.example/about',
		});
		expect(created).toMatchObject({
			created: true,
			record: { domain: 'globex.example', name: null, source: 'sync' },
		});
		await upsertCompanyByDomain(
			test.database,
			workspaceId,
			{ domain: 'globex.example', name: 'Globex Corporation' },
			{ manual: true },
		);
		const enriched = await upsertCompanyByDomain(test.database, workspaceId, {
			domain: '@globex.example',
			name: 'Globex',
			classification: 'customer',
		});
		expect(enriched.record).toMatchObject({
			name: 'Globex Corporation',
			classification: 'customer',
			manualFields: ['name'],
		});
		await expect(
			upsertCompanyByDomain(test.database, workspaceId, { domain: 'gmail.com' }),
		).rejects.toThrow(/free-mail/);
		await expect(
			upsertCompanyByDomain(test.database, workspaceId, { domain: 'not a domain' }),
		).rejects.toBeInstanceOf(CrmArgumentError);

		await upsertCompanyByDomain(test.database, workspaceId, {
			domain: 'initech.example',
			name: 'Initech',
		});
		await upsertCompanyByDomain(test.database, randomUUID(), {
			domain: 'hooli.example',
			name: 'Globex too',
		});
		const first = await findCompanies(test.database, workspaceId, { limit: 1 });
		expect(first.items.map((company) => company.domain)).toEqual(['globex.example']);
		const second = await findCompanies(test.database, workspaceId, {
			limit: 1,
			cursor: first.nextCursor,
		});
		expect(second).toMatchObject({
			items: [expect.objectContaining({ domain: 'initech.example' })],
			nextCursor: null,
		});
		expect(
			(await findCompanies(test.database, workspaceId, { namePrefix: 'glob' })).items.map(
				(company) => company.domain,
			),
		).toEqual(['globex.example']);
		expect(
			(await findCompanies(test.database, workspaceId, { domain: 'INITECH.example' })).items,
		).toHaveLength(1);
		expect(await getCompany(test.database, workspaceId, created.record.id)).toMatchObject({
			name: 'Globex Corporation',
		});
		expect(await getCompany(test.database, randomUUID(), created.record.id)).toBeNull();
	});
});
