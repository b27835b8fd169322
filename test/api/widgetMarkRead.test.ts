// emails.read against real PostgreSQL and the provider emulator: Ann connects a Google and a
// Microsoft 365 account, the sync stores her mail, and she marks a synced email unread and read
// again. The provider holds the new state (Gmail's UNREAD label, Graph's isRead), the stored copy
// and the list say the same at once, and the next sync finds nothing to change. Bob, a read-only
// token, another workspace and a bad body change nothing; a copy the provider no longer holds
// answers 404.
import type { Knex } from 'knex';

import { startEmulator, type Emulator } from '../emulator';
import { GmailMailboxState } from '../emulator/google/gmailMailbox';
import { changeMessage, resolveMessage } from '../emulator/microsoft/graphMail';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import {
	annAndBobInWorkspaceA,
	json,
	syncWorkspaceA,
	tokenFor,
	WORKSPACE_A,
	WORKSPACE_B,
	type WidgetCaller,
} from './support';

const ACCOUNTS = {
	google: 'ann@acme.example',
	microsoft: 'ann@contoso.onmicrosoft.test',
} as const;
type Provider = keyof typeof ACCOUNTS;
/** The emulator's operation names of the two provider calls. */
const MARK_OPERATION: Record<Provider, string> = {
	google: 'gmail.users.messages.modify',
	microsoft: 'graph.messages.update',
};

let test: TestDatabase;
let knex: Knex;
let emu: Emulator;
let api: WidgetCaller;
let ann: string;
let bob: string;
const integrations: Record<Provider, string> = { google: '', microsoft: '' };

async function sync(provider: Provider) {
	await syncWorkspaceA(test.database, emu, integrations[provider]);
}

beforeAll(async () => {
	[test, emu] = await Promise.all([
		createTestDatabase(),
		startEmulator({ seed: 'widget-mark-read', messages: 24 }),
	]);
	knex = test.database.knex;
	let integrationIds: Record<Provider, string>;
	({
		api,
		integrations: integrationIds,
		ann,
		bob,
	} = await annAndBobInWorkspaceA(test.database, emu, ACCOUNTS));
	Object.assign(integrations, integrationIds);
}, 120_000);
afterAll(async () => {
	await Promise.all([test.drop(), emu.stop()]);
});

interface StoredCopy {
	email_id: string;
	provider_message_id: string;
	labels: string[];
	is_read: boolean;
	updated_at: Date;
}

async function storedCopies(provider: Provider, emailId?: string): Promise<StoredCopy[]> {
	const query = knex('mailbox_messages')
		.select('email_id', 'provider_message_id', 'labels', 'is_read', 'updated_at')
		.where({ workspace_id: WORKSPACE_A, integration_id: integrations[provider] })
		.whereNull('deleted_at')
		.orderBy('provider_message_id');
	if (emailId) query.andWhere({ email_id: emailId });
	return (await query) as StoredCopy[];
}

/** The read state the emulator holds for one message (and Gmail's labels). */
function atProvider(provider: Provider, messageId: string): { isRead: boolean; labels?: string[] } {
	const account = emu.state.getAccount(ACCOUNTS[provider])!;
	if (provider === 'google') {
		const labels = [...GmailMailboxState.of(account).view(messageId)!.labelIds];
		return { isRead: !labels.includes('UNREAD'), labels };
	}
	return { isRead: resolveMessage(account, messageId).isRead };
}

const markCalls = (provider: Provider) =>
	emu.control.calls().byOperation[MARK_OPERATION[provider]] ?? 0;

async function listed(provider: Provider, id: string, query: Record<string, string> = {}) {
	const answer = await api('emails.list', {
		provider,
		token: ann,
		query: { limit: '200', ...query },
	});
	expect(answer.status).toBe(200);
	return (json(answer).items as Array<{ id: string; isRead: boolean }>).find(
		(item) => item.id === id,
	);
}

describe.each(['google', 'microsoft'] as const)('emails.read (%s)', (provider) => {
	it('marks a synced email unread and read again: provider, stored copy and list agree, and a sync afterwards changes nothing', async () => {
		// A read incoming email the sync stored from the provider (so the provider holds it).
		const copies = await storedCopies(provider);
		const copy = copies.find(
			(candidate) =>
				candidate.is_read && atProvider(provider, candidate.provider_message_id).isRead,
		);
		expect(copy).toBeDefined();
		const id = copy!.email_id;
		const messageId = copy!.provider_message_id;
		const totalCopies = copies.length;

		const unread = await api('emails.read', {
			provider,
			token: ann,
			params: { id },
			body: { read: false },
		});
		expect({ status: unread.status, body: unread.status === 200 ? null : unread.body }).toEqual({
			status: 200,
			body: null,
		});
		expect(json(unread).email).toMatchObject({ id, isRead: false });
		expect(json(unread).email).not.toHaveProperty('bodyHtml');
		expect(atProvider(provider, messageId).isRead).toBe(false);
		const [storedUnread] = await storedCopies(provider, id);
		expect(storedUnread!.is_read).toBe(false);
		if (provider === 'google') {
			// Stored as Gmail now answers them, UNREAD included, as the sync stores labels.
			expect(storedUnread!.labels).toEqual(atProvider(provider, messageId).labels);
			expect(storedUnread!.labels).toContain('UNREAD');
		}
		expect(await listed(provider, id)).toMatchObject({ isRead: false });
		expect(await listed(provider, id, { unread: 'true' })).toBeDefined();

		// Already unread: answered from the store, no provider call.
		const before = markCalls(provider);
		const again = await api('emails.read', {
			provider,
			token: ann,
			params: { id },
			body: { read: false },
		});
		expect(again.status).toBe(200);
		expect(json(again).email.isRead).toBe(false);
		expect(markCalls(provider)).toBe(before);

		// The sync sees the provider's change and finds the stored copy already as it is.
		await sync(provider);
		let after = await storedCopies(provider);
		expect(after).toHaveLength(totalCopies);
		expect(after.find((row) => row.email_id === id)).toEqual(storedUnread);

		// An empty body marks read (the default).
		const read = await api('emails.read', { provider, token: ann, params: { id }, body: {} });
		expect(read.status).toBe(200);
		expect(json(read).email).toMatchObject({ id, isRead: true });
		expect(markCalls(provider)).toBe(before + 1);
		expect(atProvider(provider, messageId).isRead).toBe(true);
		const [storedRead] = await storedCopies(provider, id);
		expect(storedRead!.is_read).toBe(true);
		if (provider === 'google') {
			expect(storedRead!.labels).toEqual(atProvider(provider, messageId).labels);
			expect(storedRead!.labels).not.toContain('UNREAD');
		}
		expect(await listed(provider, id)).toMatchObject({ isRead: true });
		expect(await listed(provider, id, { unread: 'true' })).toBeUndefined();

		await sync(provider);
		after = await storedCopies(provider);
		expect(after).toHaveLength(totalCopies);
		expect(after.find((row) => row.email_id === id)).toEqual(storedRead);
		expect(
			await knex('mailbox_messages')
				.where({ workspace_id: WORKSPACE_A, email_id: id })
				.count('* as n'),
		).toEqual([{ n: '1' }]);
	});

	it('answers 404 and changes nothing for a copy the provider no longer holds', async () => {
		// An unread synced message, deleted at the provider since (the sync has not seen it yet).
		const copy = (await storedCopies(provider)).find((candidate) => !candidate.is_read)!;
		expect(copy).toBeDefined();
		const account = emu.state.getAccount(ACCOUNTS[provider])!;
		if (provider === 'google') {
			expect(GmailMailboxState.of(account).deleteMessage(copy.provider_message_id)).toBe(true);
		} else {
			const view = resolveMessage(account, copy.provider_message_id);
			changeMessage(emu.state, account, view, { purge: true });
		}
		const before = markCalls(provider);
		const answer = await api('emails.read', {
			provider,
			token: ann,
			params: { id: copy.email_id },
			body: {},
		});
		expect(answer).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
		expect(markCalls(provider)).toBe(before + 1);
		expect(await storedCopies(provider, copy.email_id)).toEqual([copy]);
	});
});

describe('who may mark an email', () => {
	async function annsEmail(): Promise<StoredCopy> {
		const copy = (await storedCopies('google')).find((candidate) => candidate.is_read);
		expect(copy).toBeDefined();
		return copy!;
	}

	it("answers 404 to Bob for Ann's email and for an id no one holds, changing nothing", async () => {
		const copy = await annsEmail();
		const before = markCalls('google');
		expect(
			await api('emails.read', {
				token: bob,
				params: { id: copy.email_id },
				body: { read: false },
			}),
		).toMatchObject({
			status: 404,
			body: { error: { code: 'not_found', message: 'Email not found' } },
		});
		expect(
			(
				await api('emails.read', {
					token: ann,
					params: { id: '99999999-9999-4999-8999-999999999999' },
					body: { read: false },
				})
			).status,
		).toBe(404);
		expect(markCalls('google')).toBe(before);
		expect(atProvider('google', copy.provider_message_id).isRead).toBe(true);
		expect((await storedCopies('google', copy.email_id))[0]!.is_read).toBe(true);
	});

	it('answers 403 to a read-only token and to a token of another workspace', async () => {
		const copy = await annsEmail();
		const readOnly = await tokenFor(WORKSPACE_A, 'ann', ['integrations:read']);
		const refused = await api('emails.read', {
			token: readOnly,
			params: { id: copy.email_id },
			body: { read: false },
		});
		expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
		const otherWorkspace = await tokenFor(WORKSPACE_B, 'ann');
		expect(
			(
				await api('emails.read', {
					token: otherWorkspace,
					params: { id: copy.email_id },
					body: { read: false },
				})
			).status,
		).toBe(403);
		expect(atProvider('google', copy.provider_message_id).isRead).toBe(true);
		expect((await storedCopies('google', copy.email_id))[0]!.is_read).toBe(true);
	});

	it('answers 400 to a body that is not { read: boolean }', async () => {
		const copy = await annsEmail();
		for (const body of [{ read: 'no' }, { unread: true }, { read: null }]) {
			const answer = await api('emails.read', { token: ann, params: { id: copy.email_id }, body });
			expect({ body, status: answer.status, code: json(answer).error?.code }).toEqual({
				body,
				status: 400,
				code: 'bad_request',
			});
		}
		expect((await storedCopies('google', copy.email_id))[0]!.is_read).toBe(true);
	});
});
