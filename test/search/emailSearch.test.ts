import { getEmail, listEmails, QueryInputError } from '../../core/store/emailQueries';
import { searchEmails, setWorkspaceSearchLanguage } from '../../core/store/emailSearch';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { insertEmail, insertIntegration, OTHER_WORKSPACE, WORKSPACE } from './seed';

let test: TestDatabase;
let mailbox: string;
let otherMailbox: string;

beforeAll(async () => {
	test = await createTestDatabase();
	mailbox = await insertIntegration(test.database, WORKSPACE, 'ana@acme.example');
	otherMailbox = await insertIntegration(test.database, OTHER_WORKSPACE, 'ana@acme.example');
});
afterAll(async () => {
	await test.drop();
});

async function subjectsFor(query: string, workspaceId = WORKSPACE): Promise<Array<string | null>> {
	const page = await searchEmails(test.database, workspaceId, { query, limit: 200 });
	return page.items.map((item) => item.subject);
}

describe('words', () => {
	beforeAll(async () => {
		await insertEmail(test.database, WORKSPACE, {
			subject: 'Quarterly pipeline review',
			bodyText: 'Please bring the forecast spreadsheet.',
			fromEmail: 'carol@initech.example',
			fromName: 'Carol Danvers',
			sentAt: '2026-10-01T09:00:00Z',
			copies: [{ integrationId: mailbox }],
		});
		await insertEmail(test.database, WORKSPACE, {
			subject: 'Lunch',
			bodyText: 'We had a great meeting with the procurement team yesterday.',
			fromEmail: 'dave@umbrella.example',
			fromName: 'Dave Lister',
			sentAt: '2026-10-02T09:00:00Z',
			copies: [{ integrationId: mailbox }],
		});
		// The same words in another workspace must never show up.
		await insertEmail(test.database, OTHER_WORKSPACE, {
			subject: 'Quarterly pipeline review',
			bodyText: 'forecast meeting procurement',
			fromEmail: 'carol@initech.example',
			fromName: 'Carol Danvers',
			copies: [{ integrationId: otherMailbox }],
		});
	});

	it('finds words of the subject, the sender and the body', async () => {
		expect(await subjectsFor('pipeline')).toEqual(['Quarterly pipeline review']);
		expect(await subjectsFor('Danvers')).toEqual(['Quarterly pipeline review']);
		expect(await subjectsFor('carol@initech.example')).toEqual(['Quarterly pipeline review']);
		expect(await subjectsFor('initech.example')).toEqual(['Quarterly pipeline review']);
		expect(await subjectsFor('initech')).toEqual(['Quarterly pipeline review']);
		expect(await subjectsFor('spreadsheet')).toEqual(['Quarterly pipeline review']);
		expect(await subjectsFor('procurement')).toEqual(['Lunch']);
		expect(await subjectsFor('QUARTERLY Review')).toEqual(['Quarterly pipeline review']);
		expect(await subjectsFor('nonexistentword')).toEqual([]);
	});

	it('takes web search syntax: phrases, or, minus', async () => {
		expect(await subjectsFor('"pipeline review"')).toEqual(['Quarterly pipeline review']);
		expect(await subjectsFor('"review pipeline"')).toEqual([]);
		expect(await subjectsFor('pipeline or procurement')).toEqual([
			'Lunch',
			'Quarterly pipeline review',
		]);
		expect(await subjectsFor('forecast -pipeline')).toEqual([]);
		expect(await subjectsFor('meeting -pipeline')).toEqual(['Lunch']);
	});

	it("stems in the workspace's language (english by default) and matches exact words in simple", async () => {
		expect(await subjectsFor('meetings')).toEqual(['Lunch']);
		expect(await subjectsFor('forecasting')).toEqual(['Quarterly pipeline review']);
		// Stop words of english still match through the simple config.
		expect(await subjectsFor('the procurement team')).toEqual(['Lunch']);
	});

	it('a workspace in simple matches exact words only; a language change re-indexes its emails', async () => {
		const workspace = '33333333-3333-4333-8333-333333333333';
		const own = await insertIntegration(test.database, workspace);
		await setWorkspaceSearchLanguage(test.database, workspace, 'simple');
		await insertEmail(test.database, workspace, {
			subject: 'Planung',
			bodyText: 'Die Besprechungen finden morgen statt. We had a meeting.',
			copies: [{ integrationId: own }],
		});
		const find = async (query: string) =>
			(await searchEmails(test.database, workspace, { query })).items.length;
		expect(await find('meeting')).toBe(1);
		expect(await find('meetings')).toBe(0);
		expect(await find('Besprechung')).toBe(0);

		const changed = await setWorkspaceSearchLanguage(test.database, workspace, 'German');
		expect(changed).toEqual({ language: 'german', reindexed: 1 });
		expect(await find('Besprechung')).toBe(1);
		// A new email takes the workspace's language when it is inserted.
		await insertEmail(test.database, workspace, {
			subject: 'Zweite',
			bodyText: 'Weitere Besprechungen',
			copies: [{ integrationId: own }],
		});
		const languages = await test.database
			.knex('emails')
			.where({ workspace_id: workspace })
			.pluck('search_language');
		expect(languages).toEqual(['german', 'german']);
		expect(await find('Besprechung')).toBe(2);
		await expect(setWorkspaceSearchLanguage(test.database, workspace, 'klingon')).rejects.toThrow(
			QueryInputError,
		);
	});

	it('never errors on hostile query text', async () => {
		const hostile = [
			'"',
			'""',
			"'",
			"'; drop table emails; --",
			'pipeline" or 1=1 --',
			'!!!',
			'& | ! <-> :* ( )',
			'a & b | !c',
			'pipeline:*',
			'(pipeline',
			'pipeline)',
			'-',
			'- - -',
			'or',
			'or or and',
			'"unclosed phrase',
			'\\',
			'\\\\ \\" \\\'',
			'\u0000pipeline\u0000',
			'%_%',
			'$1 $$ ? ?? :name',
			'<script>alert(1)</script>',
			'😀 ✉️ 漢字',
			'\ud800',
			'x'.repeat(5000),
			`${'word '.repeat(400)}`,
			'pipeline <-> review',
			'select * from pg_catalog.pg_user',
		];
		for (const query of hostile) {
			const page = await searchEmails(test.database, WORKSPACE, { query });
			expect(Array.isArray(page.items)).toBe(true);
		}
		expect(await subjectsFor('\u0000pipeline\u0000')).toEqual(['Quarterly pipeline review']);
		expect(await subjectsFor("'; drop table emails; --")).toEqual([]);
		expect(await test.database.knex('emails').count()).toEqual([{ count: expect.any(String) }]);
	});

	it('an empty or blank query lists like listEmails', async () => {
		const listed = await listEmails(test.database, WORKSPACE, { limit: 200 });
		for (const query of ['', '   ', undefined]) {
			const page = await searchEmails(test.database, WORKSPACE, { query, limit: 200 });
			expect(page.items.map((item) => item.id)).toEqual(listed.items.map((item) => item.id));
		}
	});
});

describe('visibility', () => {
	const workspace = '44444444-4444-4444-8444-444444444444';
	let metadataId: string;
	let subjectId: string;

	beforeAll(async () => {
		const own = await insertIntegration(test.database, workspace);
		metadataId = await insertEmail(test.database, workspace, {
			subject: 'Secret merger plans',
			snippet: 'The acquisition closes',
			bodyText: 'The acquisition closes on Friday, confidential.',
			bodyHtml: '<p>The acquisition closes on Friday</p>',
			fromEmail: 'eve@hooli.example',
			fromName: 'Eve Polastri',
			visibility: 'metadata',
			copies: [{ integrationId: own }],
		});
		subjectId = await insertEmail(test.database, workspace, {
			subject: 'Budget approval',
			snippet: 'Numbers attached',
			bodyText: 'The numbers are attached, payroll included.',
			fromEmail: 'frank@hooli.example',
			visibility: 'subject',
			sentAt: '2026-11-02T10:00:00Z',
			copies: [{ integrationId: own }],
		});
	});

	const ids = async (query: string) =>
		(await searchEmails(test.database, workspace, { query })).items.map((item) => item.id);

	it('masks fields: metadata shows no subject, snippet or body; subject shows no snippet or body', async () => {
		const page = await listEmails(test.database, workspace);
		const metadata = page.items.find((item) => item.id === metadataId);
		const subject = page.items.find((item) => item.id === subjectId);
		expect(metadata).toMatchObject({ subject: null, snippet: null, visibility: 'metadata' });
		expect(metadata?.from).toEqual({ name: 'Eve Polastri', email: 'eve@hooli.example' });
		expect(subject).toMatchObject({
			subject: 'Budget approval',
			snippet: null,
			visibility: 'subject',
		});
		const metadataDetail = await getEmail(test.database, workspace, metadataId);
		expect(metadataDetail).toMatchObject({
			subject: null,
			snippet: null,
			bodyText: null,
			bodyHtml: null,
		});
		const subjectDetail = await getEmail(test.database, workspace, subjectId);
		expect(subjectDetail).toMatchObject({
			subject: 'Budget approval',
			snippet: null,
			bodyText: null,
			bodyHtml: null,
		});
		expect(JSON.stringify([metadataDetail, subjectDetail])).not.toMatch(
			/merger|acquisition|payroll|Numbers/,
		);
	});

	it('masked words never match, so a search cannot reveal them', async () => {
		expect(await ids('merger')).toEqual([]);
		expect(await ids('acquisition')).toEqual([]);
		expect(await ids('confidential')).toEqual([]);
		expect(await ids('"secret merger"')).toEqual([]);
		expect(await ids('Polastri merger')).toEqual([]);
		// The sender is metadata: it matches, and the result stays masked.
		expect(await ids('Polastri')).toEqual([metadataId]);
		// subject visibility: subject words match, body words do not.
		expect(await ids('budget')).toEqual([subjectId]);
		expect(await ids('payroll')).toEqual([]);
		expect(await ids('numbers')).toEqual([]);
	});

	it('a visibility change re-indexes the email', async () => {
		await test.database
			.knex('emails')
			.where({ id: metadataId })
			.update({ visibility: 'everything' });
		expect(await ids('merger')).toEqual([metadataId]);
		expect(await ids('acquisitions')).toEqual([metadataId]);
		await test.database.knex('emails').where({ id: metadataId }).update({ visibility: 'metadata' });
		expect(await ids('merger')).toEqual([]);
	});
});

describe('huge bodies', () => {
	const workspace = '55555555-5555-4555-8555-555555555555';
	let own: string;
	beforeAll(async () => {
		own = await insertIntegration(test.database, workspace);
	});

	it('stores a 2 MB body of prose; its first words are searchable', async () => {
		const body = `kickoffword ${'lorem ipsum dolor sit amet consectetur adipiscing elit '.repeat(40_000)} tailword`;
		expect(body.length).toBeGreaterThan(2_000_000);
		await insertEmail(test.database, workspace, {
			subject: 'Big',
			bodyText: body,
			copies: [{ integrationId: own }],
		});
		expect(
			(await searchEmails(test.database, workspace, { query: 'kickoffword' })).items,
		).toHaveLength(1);
		// Beyond the indexed part (the first 100,000 characters) words are not searchable.
		expect(
			(await searchEmails(test.database, workspace, { query: 'tailword' })).items,
		).toHaveLength(0);
	});

	it('stores 2 MB of distinct words, long words and CJK text without hitting the tsvector limit', async () => {
		const distinct = Array.from({ length: 420_000 }, (_, i) => i.toString(36)).join(' ');
		const cjk = Array.from({ length: 1_050_000 }, (_, i) =>
			String.fromCharCode(0x4e00 + (i % 20_000)),
		).join(' ');
		const longWords = `${'y'.repeat(3000)} `.repeat(700);
		for (const body of [distinct, cjk, longWords]) {
			expect(body.length).toBeGreaterThan(2_000_000);
			await insertEmail(test.database, workspace, {
				subject: 'x'.repeat(300_000),
				fromName: 'n'.repeat(100_000),
				bodyText: body,
				copies: [{ integrationId: own }],
			});
		}
		expect((await searchEmails(test.database, workspace, { query: 'a1b' })).items).toHaveLength(1);
	});
});
