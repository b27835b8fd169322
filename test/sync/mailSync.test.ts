// Mail sync against the emulator and a real PostgreSQL: an initial sync stores exactly the selected
// mail within the horizon, a second run changes nothing, new mail / deletions / label changes
// arrive through the change feeds, an expired cursor relists and reconciles deletions the feed no
// longer reports, and the same Message-ID in two mailboxes of a workspace is one email.
import { randomUUID } from 'node:crypto';

import { listCursors } from '../../core/store/cursors';
import type { SyncStep } from '../../core/sync/sourceSync';
import { syncIntegration } from '../../core/sync/syncIntegration';
import { startEmulator, type Emulator } from '../emulator';
import { deliverGmailMessages } from '../emulator/google/gmail';
import { GmailMailboxState } from '../emulator/google/gmailMailbox';
import { deliverGraphMessages } from '../emulator/microsoft/graphMail';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import {
	TestAccess,
	addIntegration,
	liveCopies,
	providerIds,
	storedCopies,
	syncDeps,
	type TestIntegration,
} from './engineSupport';

let emu: Emulator;
let db: TestDatabase;
let access: TestAccess;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'mail-sync', messages: 50 });
	emu.control.setQuota({ enabled: false }); // about what is stored, not pacing
	db = await createTestDatabase();
	access = new TestAccess(emu, db.database);
});
afterAll(async () => {
	await db?.drop();
	await emu?.stop();
});

const sync = (integration: TestIntegration) =>
	syncIntegration(syncDeps(emu, db.database, access), {
		workspaceId: integration.workspaceId,
		integrationId: integration.integrationId,
	});

async function api(
	integration: TestIntegration,
	method: string,
	path: string,
	body?: unknown,
): Promise<void> {
	const token = emu.control.issueToken(integration.accountEmail, {
		provider: integration.provider,
	}).access_token;
	const response = await fetch(`${emu.baseUrl}${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
}

async function expectedMail(integration: TestIntegration, folders: string[]) {
	const ids = new Set<string>();
	for (const folder of folders)
		for (const id of await providerIds(emu, integration, folder)) ids.add(id);
	return ids;
}

/** A snapshot of everything an integration's sync wrote, to prove a run changed nothing. */
async function snapshot(integration: TestIntegration) {
	const knex = db.database.knex;
	const copies = await knex('mailbox_messages')
		.where({ integration_id: integration.integrationId })
		.orderBy('provider_message_id')
		.select('provider_message_id', 'labels', 'is_read', 'deleted_at', 'updated_at');
	const emails = await knex('emails')
		.where({ workspace_id: integration.workspaceId })
		.orderBy('id')
		.select('id', 'updated_at', 'visibility');
	const participants = await knex('email_participants')
		.where({ workspace_id: integration.workspaceId })
		.count({ count: '*' });
	return JSON.stringify({ copies, emails, participants });
}

describe('Gmail', () => {
	let gmail: TestIntegration;
	const owner = () => gmail.accountEmail;
	const mailbox = () => GmailMailboxState.of(emu.state.getAccount(owner())!);

	beforeAll(async () => {
		gmail = await addIntegration(db.database, {
			provider: 'google',
			accountEmail: emu.sandbox.googleEmail,
			settings: { mailFolders: ['inbox', 'sent'], syncCalendar: false },
		});
	});

	it('stores exactly the Inbox and Sent mail on the first sync, and nothing changes on a second', async () => {
		const first = await sync(gmail);
		expect(first.outcome).toBe('succeeded');
		expect(first.kind).toBe('initial');
		const expected = await expectedMail(gmail, ['INBOX', 'SENT']);
		expect(expected.size).toBeGreaterThan(10);
		const live = await liveCopies(db.database, gmail);
		expect(new Set(live.keys())).toEqual(expected);
		expect(first.counts.created).toBe(expected.size);
		// Directions and read state follow the labels.
		for (const id of expected) {
			const view = mailbox().view(id)!;
			const copy = live.get(id)!;
			expect(copy.isRead).toBe(!view.labelIds.includes('UNREAD'));
			if (view.labelIds.includes('SENT')) expect(copy.direction).toBe('outgoing');
		}
		const participants = await db.database
			.knex('email_participants')
			.where({ workspace_id: gmail.workspaceId, role: 'from' })
			.count({ count: '*' });
		expect(Number(participants[0].count)).toBe(expected.size);
		const cursors = await listCursors(db.database.knex, gmail.workspaceId, gmail.integrationId);
		expect(cursors.map((cursor) => cursor.sourceId)).toEqual(['INBOX,SENT']);
		expect(cursors[0].backfillCompletedAt).not.toBeNull();

		const before = await snapshot(gmail);
		emu.control.resetCalls();
		const second = await sync(gmail);
		expect(second.outcome).toBe('succeeded');
		expect(second.kind).toBe('incremental');
		expect(second.counts).toEqual({
			fetched: 0,
			created: 0,
			updated: 0,
			deleted: 0,
			skipped: 0,
			failed: 0,
		});
		expect(await snapshot(gmail)).toBe(before);
		// An idle tick is one call: the history since the cursor.
		expect(emu.control.calls().total).toBe(1);
	});

	it('follows new mail, deletions and label changes', async () => {
		const [arrived] = deliverGmailMessages(emu.state, owner(), 3);
		const live = await liveCopies(db.database, gmail);
		const inboxOnly = [...live.keys()].filter((id) => {
			const labels = mailbox().view(id)!.labelIds;
			return labels.includes('INBOX') && !labels.includes('SENT');
		});
		const [deleted, archived, read] = inboxOnly;
		await api(gmail, 'DELETE', `/gmail/v1/users/me/messages/${deleted}`);
		await api(gmail, 'POST', `/gmail/v1/users/me/messages/${archived}/modify`, {
			removeLabelIds: ['INBOX'],
		});
		await api(gmail, 'POST', `/gmail/v1/users/me/messages/${read}/modify`, {
			addLabelIds: ['STARRED'],
			removeLabelIds: ['UNREAD'],
		});

		const result = await sync(gmail);
		expect(result.outcome).toBe('succeeded');
		expect(result.counts.created).toBe(3);
		expect(result.counts.deleted).toBe(2);
		const after = await storedCopies(db.database, gmail);
		expect(after.get(arrived.id)?.deleted).toBe(false);
		expect(after.get(deleted)?.deleted).toBe(true);
		expect(after.get(archived)?.deleted).toBe(true);
		expect(after.get(read)).toMatchObject({ deleted: false, isRead: true });
		expect(after.get(read)!.labels).toContain('STARRED');
		const expected = await expectedMail(gmail, ['INBOX', 'SENT']);
		expect(new Set((await liveCopies(db.database, gmail)).keys())).toEqual(expected);

		// Back in the Inbox: the tombstone is lifted.
		await api(gmail, 'POST', `/gmail/v1/users/me/messages/${archived}/modify`, {
			addLabelIds: ['INBOX'],
		});
		await sync(gmail);
		expect((await storedCopies(db.database, gmail)).get(archived)?.deleted).toBe(false);
	});

	it('relists after an expired cursor and tombstones what the history can no longer tell', async () => {
		const live = [...(await liveCopies(db.database, gmail)).keys()];
		const gone = live[live.length - 1];
		mailbox().deleteMessage(gone);
		emu.control.expireCursors(owner(), 'gmail');
		deliverGmailMessages(emu.state, owner(), 1);

		const result = await sync(gmail);
		expect(result.outcome).toBe('succeeded');
		expect(result.kind).toBe('full_resync');
		expect(result.counts.deleted).toBe(1);
		expect(result.counts.created).toBe(1);
		const expected = await expectedMail(gmail, ['INBOX', 'SENT']);
		expect(new Set((await liveCopies(db.database, gmail)).keys())).toEqual(expected);
		expect((await storedCopies(db.database, gmail)).get(gone)?.deleted).toBe(true);

		const before = await snapshot(gmail);
		const again = await sync(gmail);
		expect(again.kind).toBe('incremental');
		expect(await snapshot(gmail)).toBe(before);
	});

	it('keeps to a horizon of the newest N messages', async () => {
		const small = await addIntegration(db.database, {
			provider: 'google',
			accountEmail: emu.sandbox.googleEmail,
			settings: {
				mailFolders: ['all'],
				syncCalendar: false,
				initialHorizon: { kind: 'messages', count: 10 },
			},
		});
		const result = await sync(small);
		expect(result.outcome).toBe('succeeded');
		const live = await liveCopies(db.database, small);
		// The newest ten received messages (drafts, spam and trash are not received mail).
		const received: Array<{ id: string; at: number }> = [];
		const box = mailbox();
		for (let position = 0; position < box.totalPositions; position++) {
			const view = box.viewAt(position);
			if (!view) continue;
			if (
				view.labelIds.some((label) =>
					['DRAFT', 'SCHEDULED', 'CHAT', 'SPAM', 'TRASH'].includes(label),
				)
			)
				continue;
			received.push({ id: view.id, at: view.internalDate });
		}
		received.sort((a, b) => b.at - a.at);
		expect(new Set(live.keys())).toEqual(new Set(received.slice(0, 10).map((entry) => entry.id)));
	});
});

describe('Microsoft 365', () => {
	let graph: TestIntegration;
	const owner = () => graph.accountEmail;

	beforeAll(async () => {
		graph = await addIntegration(db.database, {
			provider: 'microsoft',
			accountEmail: emu.sandbox.microsoftEmail,
			settings: { mailFolders: ['inbox', 'sent'], syncCalendar: false },
		});
	});

	it('stores Inbox and Sent Items, one cursor per folder, and a second run changes nothing', async () => {
		const first = await sync(graph);
		expect(first.outcome).toBe('succeeded');
		const expected = await expectedMail(graph, ['inbox', 'sentitems']);
		expect(expected.size).toBeGreaterThan(5);
		const live = await liveCopies(db.database, graph);
		expect(new Set(live.keys())).toEqual(expected);
		const sent = await providerIds(emu, graph, 'sentitems');
		for (const id of sent) expect(live.get(id)?.direction).toBe('outgoing');
		const cursors = await listCursors(db.database.knex, graph.workspaceId, graph.integrationId);
		expect(cursors.map((cursor) => cursor.sourceId).sort()).toEqual(['inbox', 'sentitems']);

		const before = await snapshot(graph);
		const second = await sync(graph);
		expect(second.counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
		expect(await snapshot(graph)).toBe(before);
	});

	it('follows new mail, deletions and moves out of the synced folders', async () => {
		const delivered = deliverGraphMessages(emu.state, owner(), 2);
		const arrived = delivered[0];
		const inbox = [...(await providerIds(emu, graph, 'inbox'))];
		const [deleted, moved] = inbox.filter((id) => !delivered.includes(id));
		await api(graph, 'DELETE', `/v1.0/me/messages/${deleted}`);
		await api(graph, 'POST', `/v1.0/me/messages/${moved}/move`, { destinationId: 'junkemail' });

		const result = await sync(graph);
		expect(result.outcome).toBe('succeeded');
		expect(result.counts.created).toBe(2);
		expect(result.counts.deleted).toBe(2);
		const stored = await storedCopies(db.database, graph);
		expect(stored.get(arrived)?.deleted).toBe(false);
		expect(stored.get(deleted)?.deleted).toBe(true);
		expect(stored.get(moved)?.deleted).toBe(true);
		expect(new Set((await liveCopies(db.database, graph)).keys())).toEqual(
			await expectedMail(graph, ['inbox', 'sentitems']),
		);
	});

	it('relists a folder after an expired delta and reconciles deletions', async () => {
		const inbox = [...(await providerIds(emu, graph, 'inbox'))];
		const gone = inbox[0];
		emu.control.expireCursors(owner(), 'graph');
		await api(graph, 'DELETE', `/v1.0/me/messages/${gone}`);
		const result = await sync(graph);
		expect(result.outcome).toBe('succeeded');
		expect(result.kind).toBe('full_resync');
		expect((await storedCopies(db.database, graph)).get(gone)?.deleted).toBe(true);
		expect(new Set((await liveCopies(db.database, graph)).keys())).toEqual(
			await expectedMail(graph, ['inbox', 'sentitems']),
		);
	});
});

describe('one workspace, two mailboxes', () => {
	it('stores a message both mailboxes hold as one email with two copies', async () => {
		const workspaceId = randomUUID();
		const alice = `alice-${randomUUID().slice(0, 6)}@two.example`;
		const bob = `bob-${randomUUID().slice(0, 6)}@two.example`;
		emu.state.getOrCreateAccount(alice, 'google');
		emu.state.getOrCreateAccount(bob, 'google');
		const first = await addIntegration(db.database, {
			provider: 'google',
			accountEmail: alice,
			workspaceId,
			settings: { syncCalendar: false, initialHorizon: { kind: 'messages', count: 5 } },
		});
		const second = await addIntegration(db.database, {
			provider: 'google',
			accountEmail: bob,
			workspaceId,
			visibility: 'subject',
			settings: { syncCalendar: false, initialHorizon: { kind: 'messages', count: 5 } },
		});
		await sync(first);
		await sync(second);
		const messageId = `<shared-${randomUUID()}@two.example>`;
		const raw = [
			`From: Carol <carol@customer.example>`,
			`To: ${alice}, ${bob}`,
			`Subject: For both of you`,
			`Message-ID: ${messageId}`,
			`Date: ${new Date().toUTCString()}`,
			'',
			'Hello both.',
			'',
		].join('\r\n');
		deliverGmailMessages(emu.state, alice, [raw]);
		deliverGmailMessages(emu.state, bob, [raw]);
		expect((await sync(first)).counts.created).toBe(1);
		expect((await sync(second)).counts.created).toBe(1);

		const emails = await db.database
			.knex('emails')
			.where({ workspace_id: workspaceId, internet_message_id: messageId });
		expect(emails).toHaveLength(1);
		// The most restrictive of the two mailboxes' visibility.
		expect(emails[0].visibility).toBe('subject');
		const copies = await db.database
			.knex('mailbox_messages')
			.where({ workspace_id: workspaceId, email_id: emails[0].id });
		expect(copies.map((copy) => copy.integration_id).sort()).toEqual(
			[first.integrationId, second.integrationId].sort(),
		);
		const participants = await db.database
			.knex('email_participants')
			.where({ email_id: emails[0].id })
			.orderBy(['role', 'address'])
			.select('role', 'address');
		expect(participants).toEqual([
			{ role: 'from', address: 'carol@customer.example' },
			{ role: 'to', address: alice },
			{ role: 'to', address: bob },
		]);
	});

	it('skips mail from a blocked sender', async () => {
		const workspaceId = randomUUID();
		const dana = `dana-${randomUUID().slice(0, 6)}@blocks.example`;
		emu.state.getOrCreateAccount(dana, 'google');
		const integration = await addIntegration(db.database, {
			provider: 'google',
			accountEmail: dana,
			workspaceId,
			settings: { syncCalendar: false, initialHorizon: { kind: 'messages', count: 3 } },
		});
		await sync(integration);
		await db.database
			.knex('blocklist')
			.insert({ workspace_id: workspaceId, pattern: '@spam.example', kind: 'domain' });
		const raw = (from: string, subject: string) =>
			[
				`From: ${from}`,
				`To: ${dana}`,
				`Subject: ${subject}`,
				`Message-ID: <${randomUUID()}@x.example>`,
				'',
				'Body',
				'',
			].join('\r\n');
		const [blocked, kept] = deliverGmailMessages(emu.state, dana, [
			raw('Offers <offers@spam.example>', 'Buy'),
			raw('Erin <erin@fine.example>', 'Hello'),
		]);
		const result = await sync(integration);
		expect(result.counts).toMatchObject({ created: 1, skipped: 1 });
		const stored = await storedCopies(db.database, integration);
		expect(stored.has(blocked.id)).toBe(false);
		expect(stored.has(kept.id)).toBe(true);
	});
});

describe('a crash at each step of a page', () => {
	it.each<SyncStep>(['fetched', 'rows_written', 'cursor_written', 'committed'])(
		'after %s: the next run stores the mailbox exactly, once',
		async (step) => {
			const integration = await addIntegration(db.database, {
				provider: 'microsoft',
				accountEmail: emu.sandbox.microsoftEmail,
				settings: { syncCalendar: false, mailFolders: ['inbox'] },
			});
			const crash = new Error(`crash after ${step}`);
			let fired = false;
			const crashing = syncDeps(emu, db.database, access, {
				hooks: {
					atStep(at, detail) {
						if (!fired && at === step && detail.page === 1) {
							fired = true;
							throw crash;
						}
					},
				},
			});
			const target = {
				workspaceId: integration.workspaceId,
				integrationId: integration.integrationId,
			};
			// A crash is not an outcome: it propagates, and nothing records it.
			await expect(syncIntegration(crashing, target)).rejects.toBe(crash);
			const run = await db.database
				.knex('sync_runs')
				.where({ integration_id: integration.integrationId })
				.first('status');
			expect(run.status).toBe('running');
			const after = await sync(integration);
			expect(after.outcome).toBe('succeeded');
			expect(new Set((await liveCopies(db.database, integration)).keys())).toEqual(
				await providerIds(emu, integration, 'inbox'),
			);
			const [{ count }] = await db.database
				.knex('mailbox_messages')
				.where({ integration_id: integration.integrationId })
				.count({ count: '*' });
			expect(Number(count)).toBe((await providerIds(emu, integration, 'inbox')).size);
		},
	);
});
