// Hostile mail never fails a page: messages without headers, with broken MIME, unknown charsets,
// NUL bytes (PostgreSQL text and jsonb refuse them), invalid UTF-8, thousands of recipients, a
// 200 KB line, a Message-ID used twice or missing, and keys too long for a btree index are all
// delivered raw to one Gmail mailbox and stored, in the same page as ordinary mail.
import { randomUUID } from 'node:crypto';

import { syncIntegration } from '../../core/sync/syncIntegration';
import { startEmulator, type Emulator } from '../emulator';
import { deliverGmailMessages } from '../emulator/google/gmail';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { TestAccess, addIntegration, storedCopies, syncDeps } from './engineSupport';

let emu: Emulator;
let db: TestDatabase;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'bad-mail', messages: 5 });
	emu.control.setQuota({ enabled: false });
	db = await createTestDatabase();
});
afterAll(async () => {
	await db?.drop();
	await emu?.stop();
});

const crlf = (...lines: string[]) => lines.join('\r\n');

it('stores every hostile message, in one page that does not fail', async () => {
	const owner = `hostile-${randomUUID().slice(0, 6)}@bad.example`;
	emu.state.getOrCreateAccount(owner, 'google');
	const integration = await addIntegration(db.database, {
		provider: 'google',
		accountEmail: owner,
		settings: { syncCalendar: false, mailFolders: ['inbox'] },
	});
	const reused = `<reused-${randomUUID()}@bad.example>`;
	const recipients = Array.from({ length: 3000 }, (_, i) => `r${i}@crowd.example`);
	const longId = `<${'x'.repeat(5000)}@long.example>`;
	const messages: Array<{ name: string; raw: Buffer }> = [
		{ name: 'no headers', raw: Buffer.from('just a body, no header at all\r\n') },
		{ name: 'empty', raw: Buffer.from('') },
		{
			name: 'broken MIME',
			raw: Buffer.from(
				crlf(
					'From: broken@bad.example',
					'Subject: broken',
					'Content-Type: multipart/mixed; boundary="never-closed"',
					'',
					'--never-closed',
					'Content-Type: text/plain',
					'Content-Transfer-Encoding: base64',
					'',
					'@@@ not base64 %%%',
					'--never-closed',
					'Content-Type: multipart/alternative',
					'',
				),
			),
		},
		{
			name: 'unknown charset',
			raw: Buffer.from(
				crlf(
					'From: =?x-klingon?B?cUFwbGE=?= <klingon@bad.example>',
					'Subject: =?x-klingon?Q?nuqneH?=',
					'Content-Type: text/plain; charset=x-klingon',
					'',
					'Heghlu\xe2\x80\x99meH QaQ jajvam',
				),
			),
		},
		{
			name: 'NUL bytes and invalid UTF-8',
			raw: Buffer.concat([
				Buffer.from('From: Nul <nul@bad.example>\r\nSubject: before\0after\r\n'),
				Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nbody\0with NUL '),
				Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80]),
				Buffer.from(' end\r\n'),
			]),
		},
		{
			name: '3000 recipients',
			raw: Buffer.from(
				crlf(
					'From: crowd@bad.example',
					`To: ${recipients.join(',\r\n ')}`,
					'Subject: to everyone',
					`Message-ID: <crowd-${randomUUID()}@bad.example>`,
					'',
					'Hi all',
				),
			),
		},
		{
			name: '200 KB line',
			raw: Buffer.from(
				crlf('From: long@bad.example', 'Subject: one long line', '', 'y'.repeat(200_000)),
			),
		},
		{
			name: 'Message-ID used once',
			raw: Buffer.from(
				crlf('From: a@bad.example', 'Subject: first', `Message-ID: ${reused}`, '', 'first'),
			),
		},
		{
			name: 'Message-ID used again',
			raw: Buffer.from(
				crlf('From: b@bad.example', 'Subject: second', `Message-ID: ${reused}`, '', 'second'),
			),
		},
		{
			name: 'no Message-ID',
			raw: Buffer.from(crlf('From: nomid@bad.example', 'Subject: no id', '', 'body')),
		},
		{
			name: 'keys too long for an index',
			raw: Buffer.from(
				crlf(
					`From: ${'z'.repeat(3000)}@bad.example`,
					`Message-ID: ${longId}`,
					`In-Reply-To: ${longId}`,
					'Subject: long keys',
					'',
					'body',
				),
			),
		},
	];
	const delivered = deliverGmailMessages(
		emu.state,
		owner,
		messages.map((message) => message.raw),
	);
	const idOf = (name: string) =>
		delivered[messages.findIndex((message) => message.name === name)].id;

	const result = await syncIntegration(
		syncDeps(emu, db.database, new TestAccess(emu, db.database)),
		{
			workspaceId: integration.workspaceId,
			integrationId: integration.integrationId,
		},
	);
	expect(result.errorMessage).toBeUndefined();
	expect(result.outcome).toBe('succeeded');
	expect(result.counts.failed).toBe(0);

	const copies = await storedCopies(db.database, integration);
	for (const message of messages)
		expect([message.name, copies.has(idOf(message.name))]).toEqual([message.name, true]);
	const knex = db.database.knex;
	const emailOf = async (name: string) =>
		(await knex('emails')
			.where({ id: copies.get(idOf(name))!.emailId })
			.first()) as Record<string, unknown>;

	const nul = await emailOf('NUL bytes and invalid UTF-8');
	expect(nul.subject).toBe('beforeafter');
	expect(String(nul.body_text)).toMatch(/^bodywith NUL .* end/);

	const crowd = await emailOf('3000 recipients');
	expect((crowd.to_recipients as unknown[]).length).toBe(3000);
	const [{ count }] = await knex('email_participants')
		.where({ email_id: crowd.id, role: 'to' })
		.count({ count: '*' });
	expect(Number(count)).toBe(3000);

	expect(String((await emailOf('200 KB line')).body_text).length).toBeGreaterThanOrEqual(200_000);

	// One Message-ID, one email: both mailbox copies point at it.
	expect(copies.get(idOf('Message-ID used once'))!.emailId).toBe(
		copies.get(idOf('Message-ID used again'))!.emailId,
	);
	// Without a Message-ID the key comes from the provider's id, per mailbox.
	expect(copies.get(idOf('no Message-ID'))!.internetMessageId).toContain(idOf('no Message-ID'));
	expect(copies.get(idOf('no headers'))!.internetMessageId).toMatch(/crm-connect\.invalid>$/);
	// A key too long for an index is stored as its digest.
	expect(copies.get(idOf('keys too long for an index'))!.internetMessageId).toMatch(/^sha256:/);

	// Running again changes nothing.
	const again = await syncIntegration(
		syncDeps(emu, db.database, new TestAccess(emu, db.database)),
		{
			workspaceId: integration.workspaceId,
			integrationId: integration.integrationId,
		},
	);
	expect(again.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
});
