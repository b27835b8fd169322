// The Gmail change source against the emulator's Gmail API, without n8n: a listing from a horizon
// (or of the newest few) read one page per call, then the History API page by page, each read from
// the JSON of the cursor before it (as after a restart); deletions and label changes for a sync
// engine; history 404 → cursor_expired and a relisting from the caller's horizon; batch parts
// refused 401 → one token refresh; the account's display name on mail it sent.
import {
	ProviderHttpError,
	composeMime,
	createGmailChangeSource,
	createGmailClient,
	normalizeHeaders,
	type GmailCursor,
	type MailItem,
	type ProviderRequester,
} from '../../core';
import type { ChangePage, ChangeRead } from '../../core/providers/changeSources';
import type { GmailChangeSourceOptions } from '../../core/providers/google/gmailChangeSource';
import { startEmulator, type Emulator } from '../emulator';
import { deliverGmailMessages } from '../emulator/google/gmail';
import { GmailMailboxState } from '../emulator/google/gmailMailbox';

let emu: Emulator;
let owner: string;
/** The bearer token the requester sends; a test may swap it. */
let token: string;

/** Sends as the sandbox account with `token`. */
const requester: ProviderRequester = async <T>(request: Parameters<ProviderRequester>[0]) => {
	const json =
		request.body !== undefined &&
		typeof request.body !== 'string' &&
		!Buffer.isBuffer(request.body);
	const response = await fetch(request.url, {
		method: request.method,
		headers: {
			...request.headers,
			authorization: `Bearer ${token}`,
			...(json ? { 'content-type': 'application/json' } : {}),
		},
		body: json ? JSON.stringify(request.body) : (request.body as string | undefined),
	});
	const text = await response.text();
	const headers = normalizeHeaders(response.headers);
	const body: unknown = headers['content-type']?.includes('json') ? JSON.parse(text) : text;
	if (!response.ok) throw new ProviderHttpError(response.status, headers, body, request);
	return { status: response.status, headers, body: body as T };
};

beforeAll(async () => {
	emu = await startEmulator({ seed: 'gmail-source', messages: 60 });
	owner = emu.sandbox.googleEmail;
	token = emu.sandbox.accessToken;
	emu.control.setQuota({ enabled: false }); // about cursors, not pacing
});
afterAll(() => emu.stop());

const mailbox = () => GmailMailboxState.of(emu.state.getAccount(owner)!);

function source(options: GmailChangeSourceOptions = {}) {
	const gmail = createGmailClient(requester, emu.urls.googleApis);
	return createGmailChangeSource(requester, gmail, emu.urls.googleApis, options);
}

/** A cursor as a store gives it back: JSON, no shared references. */
const saved = (cursor: GmailCursor) => JSON.parse(JSON.stringify(cursor)) as GmailCursor;

function asPage(read: ChangeRead<GmailCursor, MailItem>) {
	expect(read.outcome).toBe('changes');
	return read as ChangePage<GmailCursor, MailItem>;
}

/** Reads pages until caught up, each with a new source from the JSON of the cursor before it. */
async function readAll(cursor: GmailCursor, options: GmailChangeSourceOptions = {}) {
	const pages: Array<ChangePage<GmailCursor, MailItem>> = [];
	for (;;) {
		const page = asPage(await source(options).read(saved(cursor)));
		pages.push(page);
		cursor = page.cursor;
		if (!page.hasMore) return { pages, cursor };
	}
}

const idsOf = (items: MailItem[]) => items.map((item) => item.record.providerMessageId);

function deliverRaw(subject: string, labelIds = ['INBOX', 'UNREAD']): string {
	const { raw } = composeMime({
		from: 'Ann Lee <ann@example.com>',
		to: [owner],
		subject,
		text: subject,
	});
	return deliverGmailMessages(emu.state, owner, [raw], labelIds)[0].id;
}

/** Ids of the received mail (drafts, scheduled, chats, spam and trash aside) since `since`. */
function receivedSince(since: number): string[] {
	const ids: string[] = [];
	const state = mailbox();
	for (let position = 0; position < state.totalPositions; position++) {
		const view = state.viewAt(position);
		if (!view || view.internalDate < since) continue;
		if (['DRAFT', 'SCHEDULED', 'CHAT', 'SPAM', 'TRASH'].some((l) => view.labelIds.includes(l)))
			continue;
		ids.push(view.id);
	}
	return ids;
}

describe('Gmail change source', () => {
	it('lists from a horizon page by page (oldest first), then reads what arrived during the listing from history', async () => {
		const state = mailbox();
		const since = state.viewAt(state.totalPositions - 25)!.internalDate;
		const expected = receivedSince(since);
		expect(expected.length).toBeGreaterThan(10);

		const cursor = await source({ pageSize: 5 }).start({ since: new Date(since) });
		expect(cursor.listing).toBe('initial');
		const duringListing = deliverRaw('Arrived while listing');
		const { pages } = await readAll(cursor, { pageSize: 5 });

		const listing = pages.filter((page) => page.listing);
		expect(listing.length).toBeGreaterThan(2);
		for (const page of listing) {
			expect(page.listing?.reason).toBe('initial');
			expect(page.deleted).toEqual([]);
			const received = page.items.map((item) => item.receivedAt!);
			expect(received).toEqual([...received].sort((a, b) => a - b));
			for (const item of page.items)
				expect(item.receivedAt).toBe(mailbox().view(item.record.providerMessageId)!.internalDate);
		}
		expect(listing.map((page) => page.listing?.complete)).toEqual([
			...listing.slice(1).map(() => false),
			true,
		]);
		const listed = listing.flatMap((page) => idsOf(page.items));
		expect([...listed].sort()).toEqual([...expected, duringListing].sort());
		// It arrived after the cursor was taken, so the history after it holds it too.
		const history = pages.filter((page) => !page.listing).flatMap((page) => idsOf(page.items));
		expect(history).toEqual([duringListing]);
	});

	it('lists at most `limit` of the newest messages', async () => {
		const cursor = await source().start({ limit: 3 });
		const { pages } = await readAll(cursor);
		const listed = pages.filter((page) => page.listing).flatMap((page) => idsOf(page.items));
		expect([...listed].sort()).toEqual(receivedSince(0).slice(-3).sort());
	});

	it('follows history page by page, resumable from each JSON cursor, never reporting drafts, scheduled or chat mail', async () => {
		const cursor = await source().start({});
		expect(cursor.listing).toBeNull();
		const delivered: string[] = [];
		for (let i = 0; i < 12; i++) delivered.push(deliverRaw(`Burst ${i}`));
		deliverRaw('A draft', ['DRAFT']);
		deliverRaw('Scheduled', ['SCHEDULED', 'SENT']);
		deliverRaw('A chat', ['CHAT']);
		const { pages, cursor: end } = await readAll(cursor, { pageSize: 5 });
		expect(pages.length).toBeGreaterThanOrEqual(3);
		expect(pages.map((page) => page.hasMore)).toEqual([...pages.slice(1).map(() => true), false]);
		expect(pages.slice(0, -1).every((page) => page.cursor.historyPageToken)).toBe(true);
		expect(pages.flatMap((page) => idsOf(page.items))).toEqual(delivered);
		expect(end.historyPageToken).toBeNull();
		expect(Number(end.historyId)).toBeGreaterThan(Number(cursor.historyId));
		expect(asPage(await source().read(end)).items).toEqual([]);
	});

	it('reports deletions and label changes when asked to follow them (leaving the view is a deletion)', async () => {
		const options: GmailChangeSourceOptions = {
			historyTypes: ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'],
		};
		const [kept, starred, trashed, removed] = ['Kept', 'Starred', 'Trashed', 'Removed'].map(
			(subject) => deliverRaw(subject),
		);
		const cursor = await source(options).start({});
		const added = deliverRaw('Added');
		mailbox().modifyLabels(starred, ['STARRED'], []);
		mailbox().modifyLabels(trashed, ['TRASH'], ['INBOX']);
		mailbox().deleteMessage(removed);
		const { pages } = await readAll(cursor, options);
		const items = pages.flatMap((page) => page.items);
		expect(idsOf(items)).toEqual([added, starred]); // in the order Gmail recorded the changes
		expect(items[1].record.labels).toContain('STARRED');
		expect(pages.flatMap((page) => page.deleted).sort()).toEqual([trashed, removed].sort());
		expect(idsOf(items)).not.toContain(kept);

		// Following new mail only, none of that is a change.
		const onlyAdded = await source().start({});
		mailbox().modifyLabels(kept, ['STARRED'], []);
		mailbox().deleteMessage(starred);
		const quiet = await readAll(onlyAdded);
		expect(quiet.pages.flatMap((page) => [...page.items, ...page.deleted])).toEqual([]);
	});

	it('reports only messages with one of the chosen labels, Spam and Trash only when asked', async () => {
		const cursor = await source().start({});
		deliverRaw('Plain');
		const starred = deliverRaw('Starred', ['INBOX', 'STARRED']);
		const client = deliverRaw('Client', ['Label_1']);
		const spam = deliverRaw('Spam', ['SPAM']);
		const filtered = await readAll(cursor, { labelIds: ['STARRED', 'Label_1'] });
		expect(filtered.pages.flatMap((page) => idsOf(page.items))).toEqual([starred, client]);
		const withSpam = await readAll(cursor, { includeSpamTrash: true });
		expect(withSpam.pages.flatMap((page) => idsOf(page.items))).toContain(spam);
	});

	it('answers cursor_expired on history 404 with a relisting from the horizon the caller chose', async () => {
		const cursor = await source().start({});
		const before = deliverRaw('Before the horizon');
		// Each new message is received later than the one before it.
		const horizon = mailbox().view(before)!.internalDate + 1;
		const after = [deliverRaw('After the horizon 1'), deliverRaw('After the horizon 2')];
		emu.control.expireCursors(owner, 'gmail');
		const options: GmailChangeSourceOptions = { resyncSince: () => new Date(horizon) };
		const expired = await source(options).read(saved(cursor));
		expect(expired.outcome).toBe('cursor_expired');
		expect(expired.cursor).toMatchObject({ listing: 'resync', listingSince: horizon });
		const { pages } = await readAll(expired.cursor, options);
		const relisted = pages.filter((page) => page.listing);
		expect(relisted.every((page) => page.listing?.reason === 'resync')).toBe(true);
		const ids = relisted.flatMap((page) => idsOf(page.items));
		expect(ids).toEqual(after);
		expect(ids).not.toContain(before);
	});

	it('refreshes the token once when batch parts are refused 401, and retries only those parts', async () => {
		const cursor = await source().start({});
		const delivered = Array.from({ length: 8 }, (_, i) => deliverRaw(`Refresh ${i}`));
		token = emu.control.issueToken(owner, { ttlSeconds: 60 }).access_token;
		emu.control.inject({
			operation: 'gmail.users.messages.get',
			after: 3,
			afterAnswer: () => {
				emu.control.advanceClock(120_000);
			},
		});
		let refreshes = 0;
		const refreshAuthorization = async () => {
			refreshes++;
			token = emu.control.issueToken(owner, { ttlSeconds: 3600 }).access_token;
		};
		emu.control.resetCalls();
		const { pages } = await readAll(cursor, { refreshAuthorization });
		expect(pages.flatMap((page) => idsOf(page.items))).toEqual(delivered);
		expect(refreshes).toBe(1);
		expect(emu.control.calls().byOperation['gmail.users.messages.get']).toBe(8 + 4);

		// Refused again right after a refresh: the 401 surfaces.
		const again = await source().start({});
		deliverRaw('Refused twice');
		emu.control.inject({ operation: 'gmail.users.messages.get', status: 401, times: 2 });
		const failure = await source({ refreshAuthorization })
			.read(again)
			.catch((error: unknown) => error);
		expect(refreshes).toBe(2);
		expect(failure).toBeInstanceOf(ProviderHttpError);
		expect((failure as ProviderHttpError).status).toBe(401);
	});

	it("names the sender of the account's own mail with its send-as display name", async () => {
		const cursor = await source().start({});
		const gmail = createGmailClient(requester, emu.urls.googleApis);
		const { raw } = composeMime({ to: ['client@example.com'], subject: 'No From', text: 'Hi' });
		const { data } = await gmail.users.messages.send({
			userId: 'me',
			requestBody: { raw: raw.toString('base64url') },
		});
		const { pages } = await readAll(cursor);
		const [sent] = pages.flatMap((page) => page.items);
		expect(sent.record.providerMessageId).toBe(data.id);
		expect(sent.record.direction).toBe('outgoing');
		expect(sent.record.from).toEqual({ name: emu.state.getAccount(owner)!.name, email: owner });
	});
});
