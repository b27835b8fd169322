import {
	getEmail,
	listEmails,
	QueryInputError,
	type EmailSummary,
	type ListEmailsOptions,
} from '../../core/store/emailQueries';
import { searchEmails } from '../../core/store/emailSearch';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import {
	insertCompany,
	insertEmail,
	insertIntegration,
	insertLink,
	insertPerson,
	OTHER_WORKSPACE,
	WORKSPACE,
} from './seed';

let test: TestDatabase;
let inbox: string;
let second: string;
let bob: string;
let carol: string;
let globex: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
	test = await createTestDatabase();
	const { database } = test;
	inbox = await insertIntegration(database, WORKSPACE, 'ana@acme.example');
	second = await insertIntegration(database, WORKSPACE, 'sales@acme.example');
	globex = await insertCompany(database, WORKSPACE, 'globex.example', 'Globex');
	bob = await insertPerson(database, WORKSPACE, 'bob@globex.example', {
		fullName: 'Bob Bobson',
		companyId: globex,
	});
	carol = await insertPerson(database, WORKSPACE, 'carol@initech.example');
	// a: from Bob, in the inbox, linked by participant only.
	ids.a = await insertEmail(database, WORKSPACE, {
		subject: 'Contract draft',
		bodyText: 'Draft attached',
		fromEmail: 'bob@globex.example',
		sentAt: '2026-11-01T09:00:00Z',
		copies: [{ integrationId: inbox, labels: ['INBOX', 'IMPORTANT'], threadId: 'contract' }],
		participants: [
			{ role: 'from', address: 'bob@globex.example', personId: bob },
			{ role: 'to', address: 'ana@acme.example' },
		],
	});
	// b: sent by Ana to Carol, linked to Carol by a record link; also copied into the second mailbox.
	ids.b = await insertEmail(database, WORKSPACE, {
		subject: 'Contract signed',
		bodyText: 'Signed copy',
		fromEmail: 'ana@acme.example',
		to: [{ email: 'carol@initech.example', name: 'Carol' }],
		sentAt: '2026-11-05T09:00:00Z',
		copies: [
			{
				integrationId: inbox,
				labels: ['SENT'],
				threadId: 'contract',
				direction: 'outgoing',
				isRead: true,
			},
			{
				integrationId: second,
				labels: ['INBOX'],
				threadId: 'contract-second',
				direction: 'incoming',
				isRead: false,
			},
		],
		participants: [
			{ role: 'from', address: 'ana@acme.example' },
			{ role: 'to', address: 'carol@initech.example' },
		],
	});
	await insertLink(database, WORKSPACE, {
		subjectType: 'email',
		subjectId: ids.b,
		recordType: 'person',
		recordId: carol,
		linkSource: 'manual',
	});
	// c: from Bob, but the user unlinked Bob and Globex (suppressed), in the second mailbox.
	ids.c = await insertEmail(database, WORKSPACE, {
		subject: 'Newsletter',
		bodyText: 'Contract news',
		fromEmail: 'bob@globex.example',
		sentAt: '2026-11-10T09:00:00Z',
		copies: [{ integrationId: second, labels: ['INBOX'] }],
		participants: [{ role: 'from', address: 'bob@globex.example', personId: bob }],
	});
	await insertLink(database, WORKSPACE, {
		subjectType: 'email',
		subjectId: ids.c,
		recordType: 'person',
		recordId: bob,
		linkSource: 'suppressed',
	});
	await insertLink(database, WORKSPACE, {
		subjectType: 'email',
		subjectId: ids.c,
		recordType: 'company',
		recordId: globex,
		linkSource: 'suppressed',
	});
	// d: linked to Globex by a company link only; its only copy is deleted (not listed).
	ids.d = await insertEmail(database, WORKSPACE, {
		subject: 'Contract deleted',
		sentAt: '2026-11-12T09:00:00Z',
		copies: [
			{ integrationId: inbox, threadId: 'contract', deletedAt: new Date('2026-11-13T00:00:00Z') },
		],
	});
	await insertLink(database, WORKSPACE, {
		subjectType: 'email',
		subjectId: ids.d,
		recordType: 'company',
		recordId: globex,
	});
	// e: linked to Globex by a company link, undated.
	ids.e = await insertEmail(database, WORKSPACE, {
		subject: 'Contract undated',
		sentAt: null,
		copies: [{ integrationId: inbox }],
	});
	await insertLink(database, WORKSPACE, {
		subjectType: 'email',
		subjectId: ids.e,
		recordType: 'company',
		recordId: globex,
	});
	// Another workspace: same people and words, never listed in ours.
	const foreignInbox = await insertIntegration(database, OTHER_WORKSPACE, 'ana@acme.example');
	const foreignBob = await insertPerson(database, OTHER_WORKSPACE, 'bob@globex.example');
	ids.foreign = await insertEmail(database, OTHER_WORKSPACE, {
		subject: 'Contract foreign',
		fromEmail: 'bob@globex.example',
		copies: [{ integrationId: foreignInbox }],
		participants: [{ role: 'from', address: 'bob@globex.example', personId: foreignBob }],
	});
	await insertLink(database, OTHER_WORKSPACE, {
		subjectType: 'email',
		subjectId: ids.foreign,
		recordType: 'person',
		recordId: bob,
	});
});
afterAll(async () => {
	await test.drop();
});

const name = (id: string) => Object.keys(ids).find((key) => ids[key] === id);
async function listed(options: ListEmailsOptions, query?: string): Promise<string[]> {
	const names = await listedOnce(options, query);
	// The same through the second pass (every match found by index after a one-row window).
	expect(await listedOnce({ ...options, firstPassRows: 1 }, query)).toEqual(names);
	return names;
}
async function listedOnce(options: ListEmailsOptions, query?: string): Promise<string[]> {
	const page =
		query === undefined
			? await listEmails(test.database, WORKSPACE, { limit: 200, ...options })
			: await searchEmails(test.database, WORKSPACE, { limit: 200, ...options, query });
	return page.items.map((item: EmailSummary) => name(item.id) ?? item.id);
}

it('lists newest first, undated last, without deleted copies or other workspaces', async () => {
	expect(await listed({})).toEqual(['c', 'b', 'a', 'e']);
});

it('filters by person through links and matched participants, honouring unlinks', async () => {
	expect(await listed({ personId: bob })).toEqual(['a']);
	expect(await listed({ personId: carol })).toEqual(['b']);
});

it('filters by company through company links and its people, honouring unlinks', async () => {
	expect(await listed({ companyId: globex })).toEqual(['a', 'e']);
});

it('filters by label, direction and integration on the same live mailbox copy', async () => {
	expect(await listed({ label: 'INBOX' })).toEqual(['c', 'b', 'a', 'e']);
	expect(await listed({ label: 'SENT' })).toEqual(['b']);
	expect(await listed({ label: 'inbox' })).toEqual([]);
	expect(await listed({ direction: 'outgoing' })).toEqual(['b']);
	expect(await listed({ integrationId: second })).toEqual(['c', 'b']);
	expect(await listed({ integrationId: second, direction: 'outgoing' })).toEqual([]);
	expect(await listed({ integrationId: inbox, label: 'SENT', direction: 'outgoing' })).toEqual([
		'b',
	]);
});

it('filters by thread id on a live mailbox copy, with the copy of the same integration', async () => {
	// d is in the thread too, but its only copy is deleted.
	expect(await listed({ threadId: 'contract' })).toEqual(['b', 'a']);
	expect(await listed({ threadId: 'contract', integrationId: inbox })).toEqual(['b', 'a']);
	expect(await listed({ threadId: 'contract', integrationId: second })).toEqual([]);
	expect(await listed({ threadId: 'contract-second', integrationId: second })).toEqual(['b']);
	expect(await listed({ threadId: 'contract', from: '2026-11-02' })).toEqual(['b']);
	expect(await listed({ threadId: 'Contract' })).toEqual([]);
	const first = await listEmails(test.database, WORKSPACE, { threadId: 'contract', limit: 1 });
	expect(first.items.map((item) => name(item.id))).toEqual(['b']);
	const rest = await listEmails(test.database, WORKSPACE, {
		threadId: 'contract',
		limit: 1,
		cursor: first.nextCursor,
	});
	expect(rest.items.map((item) => name(item.id))).toEqual(['a']);
	expect(rest.nextCursor).toBeNull();
});

it('filters by date range (from inclusive, to exclusive; a date alone covers its day)', async () => {
	expect(await listed({ from: '2026-11-05T09:00:00Z' })).toEqual(['c', 'b']);
	expect(await listed({ to: '2026-11-05T09:00:00Z' })).toEqual(['a']);
	expect(await listed({ from: '2026-11-05', to: '2026-11-05' })).toEqual(['b']);
	expect(
		await listed({ from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-06T00:00:00Z') }),
	).toEqual(['b', 'a']);
});

it('combines filters with each other and with words', async () => {
	expect(await listed({ companyId: globex, label: 'IMPORTANT' })).toEqual(['a']);
	expect(await listed({ personId: bob, from: '2026-11-02' })).toEqual([]);
	expect(await listed({}, 'contract')).toEqual(['c', 'b', 'a', 'e']);
	expect(await listed({ integrationId: second }, 'contract')).toEqual(['c', 'b']);
	expect(await listed({ companyId: globex }, 'contract draft')).toEqual(['a']);
	expect(await listed({ direction: 'outgoing', to: '2026-11-30' }, 'signed')).toEqual(['b']);
});

it('summaries carry labels, direction, read state, copies and links', async () => {
	const page = await listEmails(test.database, WORKSPACE, { label: 'SENT' });
	expect(page.items[0]).toMatchObject({
		id: ids.b,
		subject: 'Contract signed',
		from: { name: null, email: 'ana@acme.example' },
		to: [{ name: 'Carol', email: 'carol@initech.example' }],
		sentAt: '2026-11-05T09:00:00.000Z',
		labels: ['INBOX', 'SENT'],
		direction: 'outgoing',
		isRead: false,
		links: [
			{
				recordType: 'person',
				recordId: carol,
				linkSource: 'manual',
				email: 'carol@initech.example',
				name: null,
				domain: null,
			},
		],
	});
	expect(page.items[0].mailboxes).toHaveLength(2);
	expect(JSON.parse(JSON.stringify(page))).toEqual(page);
});

it('gets one email with participants, every copy and links; another workspace gets null', async () => {
	const email = await getEmail(test.database, WORKSPACE, ids.a);
	expect(email).toMatchObject({
		id: ids.a,
		subject: 'Contract draft',
		bodyText: 'Draft attached',
		participants: [
			{ role: 'from', address: 'bob@globex.example', personId: bob, displayName: null },
			{ role: 'to', address: 'ana@acme.example', personId: null, displayName: null },
		],
		mailboxes: [
			{
				integrationId: inbox,
				labels: ['INBOX', 'IMPORTANT'],
				isRead: false,
				direction: 'incoming',
				deletedAt: null,
			},
		],
	});
	const deleted = await getEmail(test.database, WORKSPACE, ids.d);
	expect(deleted?.mailboxes[0].deletedAt).toBe('2026-11-13T00:00:00.000Z');
	expect(deleted?.links).toEqual([
		expect.objectContaining({
			recordType: 'company',
			recordId: globex,
			name: 'Globex',
			domain: 'globex.example',
		}),
	]);
	expect(await getEmail(test.database, OTHER_WORKSPACE, ids.a)).toBeNull();
	expect(await getEmail(test.database, WORKSPACE, ids.foreign)).toBeNull();
	expect(await getEmail(test.database, WORKSPACE, 'not-a-uuid')).toBeNull();
	expect(
		await getEmail(test.database, WORKSPACE, '99999999-9999-4999-8999-999999999999'),
	).toBeNull();
});

it("never returns another workspace's rows through a filter on its ids", async () => {
	const foreignInbox = (
		await test.database.knex('integrations').where({ workspace_id: OTHER_WORKSPACE }).first()
	).id;
	expect(await listed({ integrationId: foreignInbox })).toEqual([]);
	const foreignBob = (
		await test.database.knex('people').where({ workspace_id: OTHER_WORKSPACE }).first()
	).id;
	expect(await listed({ personId: foreignBob })).toEqual([]);
	// Their link names our person's id: they see their own email, and nothing of our person.
	const theirs = await listEmails(test.database, OTHER_WORKSPACE, { personId: bob });
	expect(theirs.items.map((item) => item.id)).toEqual([ids.foreign]);
	expect(theirs.items[0].links).toEqual([
		{
			recordType: 'person',
			recordId: bob,
			linkSource: 'auto',
			name: null,
			email: null,
			domain: null,
		},
	]);
	const all = await searchEmails(test.database, OTHER_WORKSPACE, { query: 'contract' });
	expect(all.items.map((item) => item.id)).toEqual([ids.foreign]);
});

it('refuses unusable filters with a message', async () => {
	await expect(listEmails(test.database, WORKSPACE, { personId: 'bob' })).rejects.toThrow(
		new QueryInputError('personId must be a UUID'),
	);
	await expect(listEmails(test.database, WORKSPACE, { from: 'yesterday' })).rejects.toThrow(
		QueryInputError,
	);
	await expect(listEmails(test.database, WORKSPACE, { cursor: 'garbage' })).rejects.toThrow(
		'cursor is not one this query returned',
	);
	const forged = Buffer.from(
		JSON.stringify(["2026-01-01'; drop table emails; --", ids.a]),
	).toString('base64url');
	await expect(listEmails(test.database, WORKSPACE, { cursor: forged })).rejects.toThrow(
		QueryInputError,
	);
	await expect(listEmails(test.database, 'workspace', {})).rejects.toThrow(QueryInputError);
	await expect(
		listEmails(test.database, WORKSPACE, { direction: 'sideways' as never }),
	).rejects.toThrow(QueryInputError);
	await expect(listEmails(test.database, WORKSPACE, { threadId: '' })).rejects.toThrow(
		QueryInputError,
	);
});

describe('keyset paging', () => {
	const workspace = '66666666-6666-4666-8666-666666666666';
	let expected: string[];

	beforeAll(async () => {
		const own = await insertIntegration(test.database, workspace);
		// 30 emails share one instant (microseconds that a JS Date cannot hold), 20 others differ,
		// 3 are undated.
		const shared = '2026-11-20 10:00:00.123456+00';
		const rows: Array<{ sentAt: string | null; subject: string }> = [];
		for (let i = 0; i < 30; i++) rows.push({ sentAt: shared, subject: `tie ${i} offer` });
		for (let i = 0; i < 20; i++)
			rows.push({
				sentAt: `2026-11-${String(i + 1).padStart(2, '0')}T08:00:00.000001Z`,
				subject: `day ${i} offer`,
			});
		for (let i = 0; i < 3; i++) rows.push({ sentAt: null, subject: `undated ${i} offer` });
		for (const row of rows)
			await insertEmail(test.database, workspace, { ...row, copies: [{ integrationId: own }] });
		// A later, slightly different instant than the shared one.
		await insertEmail(test.database, workspace, {
			sentAt: '2026-11-20 10:00:00.123457+00',
			subject: 'just after offer',
			copies: [{ integrationId: own }],
		});
		const ordered = await test.database.knex.raw<{ rows: Array<{ id: string }> }>(
			`select id from emails where workspace_id = ? order by sent_at desc nulls last, id desc`,
			[workspace],
		);
		expected = ordered.rows.map((row) => row.id);
		expect(expected).toHaveLength(54);
	});

	async function walk(
		fetch: (
			cursor: string | null,
		) => Promise<{ items: Array<{ id: string }>; nextCursor: string | null }>,
	) {
		const seen: string[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const page = await fetch(cursor);
			seen.push(...page.items.map((item) => item.id));
			cursor = page.nextCursor;
			pages++;
		} while (cursor && pages < 100);
		return { seen, pages };
	}

	it('lists every email once across pages, ties and undated included, in a stable order', async () => {
		for (const limit of [1, 7, 30, 53, 54, 200]) {
			for (const firstPassRows of [undefined, 1, 5, 60]) {
				const { seen, pages } = await walk((cursor) =>
					listEmails(test.database, workspace, { limit, cursor, firstPassRows }),
				);
				expect(seen).toEqual(expected);
				expect(pages).toBe(Math.max(1, Math.ceil(54 / limit)));
			}
		}
	});

	it('searches across pages the same way', async () => {
		const { seen } = await walk((cursor) =>
			searchEmails(test.database, workspace, { query: 'offers', limit: 4, cursor }),
		);
		expect(seen).toEqual(expected);
		const twoPass = await walk((cursor) =>
			searchEmails(test.database, workspace, {
				query: 'offers',
				limit: 4,
				cursor,
				firstPassRows: 3,
			}),
		);
		expect(twoPass.seen).toEqual(expected);
		const ties = await walk((cursor) =>
			searchEmails(test.database, workspace, { query: 'tie', limit: 4, cursor }),
		);
		expect(ties.seen).toHaveLength(30);
		expect(new Set(ties.seen).size).toBe(30);
	});

	it('rows inserted while paging never repeat or shift a page', async () => {
		const first = await listEmails(test.database, workspace, { limit: 10 });
		const own = (
			await test.database.knex('integrations').where({ workspace_id: workspace }).first()
		).id;
		await insertEmail(test.database, workspace, {
			sentAt: '2026-12-31T00:00:00Z',
			subject: 'newest',
			copies: [{ integrationId: own }],
		});
		const rest = await walk((cursor) =>
			listEmails(test.database, workspace, { limit: 10, cursor: cursor ?? first.nextCursor }),
		);
		expect([...first.items.map((item) => item.id), ...rest.seen]).toEqual(expected);
	});
});
