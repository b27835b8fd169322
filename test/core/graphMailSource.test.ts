// The Graph mail change source against the emulator's Graph delta, read page by page the way the
// trigger and the sync engine read it: listing, changes, tombstones, drafts, expiry, plain cursors.
import {
	GraphMailSource,
	GraphSession,
	ProviderHttpError,
	normalizeHeaders,
	type GraphMailCursor,
	type ProviderRequester,
} from '../../core';
import { readToEnd, type ChangePage, type MailItem } from '../../core/providers/changeSources';
import { startEmulator, type Emulator } from '../emulator';
import { deliverGraphMessages, setGraphCursorExpiryCode } from '../emulator/microsoft/graph';

let emu: Emulator;
let session: GraphSession;
let owner: string;

/** Requests sent with fetch and the sandbox token (the sync engine's way, not n8n's). */
const fetchRequester: ProviderRequester = async <T>(request: Parameters<ProviderRequester>[0]) => {
	const response = await fetch(request.url, {
		method: request.method,
		headers: { ...request.headers, authorization: `Bearer ${emu.sandbox.microsoftAccessToken}` },
		body: request.body as string | undefined,
	});
	const buffer = Buffer.from(await response.arrayBuffer());
	const headers = normalizeHeaders(response.headers);
	if (!response.ok) {
		const text = buffer.toString('utf8');
		throw new ProviderHttpError(response.status, headers, text ? JSON.parse(text) : {}, request);
	}
	return { status: response.status, headers, body: buffer as T };
};

beforeAll(async () => {
	emu = await startEmulator({
		seed: 'graph-mail-source',
		messages: 60,
		epoch: new Date(Date.now() - 3600_000),
	});
	owner = emu.sandbox.microsoftEmail;
	session = new GraphSession(fetchRequester, emu.baseUrl);
});
afterAll(() => emu.stop());

const deliver = (count: number, options: Parameters<typeof deliverGraphMessages>[3] = {}) =>
	deliverGraphMessages(emu.state, owner, count, options);

function inbox(options: Partial<ConstructorParameters<typeof GraphMailSource>[1]> = {}) {
	return new GraphMailSource(session, {
		folder: 'inbox',
		ownerEmail: owner,
		pageSize: 5,
		...options,
	});
}

type Read =
	| ChangePage<GraphMailCursor, MailItem>
	| { outcome: 'cursor_expired'; cursor: GraphMailCursor };

async function readAll(source: GraphMailSource, cursor: GraphMailCursor) {
	const pages: Read[] = [];
	const end = await readToEnd(source, cursor, (page) => {
		// What a caller keeps must survive a JSON round trip unchanged.
		expect(JSON.parse(JSON.stringify(page.cursor))).toEqual(page.cursor);
		pages.push(page);
	});
	return { pages, cursor: end.cursor };
}

const itemsOf = (pages: Read[]) =>
	pages.flatMap((page) => (page.outcome === 'changes' ? page.items : []));

describe('GraphMailSource', () => {
	it('lists the mail received since the horizon one page per read, then follows the changes', async () => {
		const earlier = deliver(12);
		const source = inbox();
		const since = new Date(Date.now() - 2 * 3600_000);
		const start = await source.start({ since });
		expect(start).toMatchObject({ link: null, phase: 'initial', since: since.toISOString() });

		const listing = await readAll(source, start);
		expect(listing.pages.length).toBeGreaterThan(1);
		for (const [index, page] of listing.pages.entries()) {
			const last = index === listing.pages.length - 1;
			expect(page).toMatchObject({
				outcome: 'changes',
				hasMore: !last,
				deleted: [],
				listing: { reason: 'initial', complete: last },
			});
		}
		const listed = itemsOf(listing.pages);
		expect(listed.map((item) => item.record.providerMessageId)).toEqual(
			expect.arrayContaining(earlier),
		);
		for (const item of listed) {
			expect(item.receivedAt).toBeGreaterThanOrEqual(since.getTime());
			expect(item.record).toMatchObject({
				provider: 'microsoft',
				labels: ['inbox'],
				isDraft: false,
			});
			// Immutable ids (GraphSession asks for them on every request).
			expect(item.record.providerMessageId.startsWith('AAku')).toBe(true);
		}
		expect(listing.cursor.phase).toBe('changes');

		const delivered = deliver(7);
		const changes = await readAll(source, listing.cursor);
		expect(changes.pages.map((page) => page.outcome === 'changes' && page.listing)).toEqual(
			changes.pages.map(() => undefined),
		);
		expect(itemsOf(changes.pages).map((item) => item.record.providerMessageId)).toEqual(delivered);
		expect(itemsOf(changes.pages)[0].receivedAt).toBe(
			Date.parse(itemsOf(changes.pages)[0].record.date ?? ''),
		);
	});

	it('reports a message moved out of the folder as deleted', async () => {
		const source = inbox();
		const { cursor } = await readAll(source, await source.start({ since: new Date() }));
		const [moved, kept] = deliver(2);
		const first = await readAll(source, cursor);
		expect(itemsOf(first.pages).map((i) => i.record.providerMessageId)).toEqual([moved, kept]);
		await session.post(`/me/messages/${moved}/move`, { destinationId: 'archive' });
		const second = await readAll(source, first.cursor);
		expect(
			second.pages.flatMap((page) => (page.outcome === 'changes' ? page.deleted : [])),
		).toEqual([moved]);
		expect(itemsOf(second.pages)).toEqual([]);
	});

	it('never reports a draft as an item', async () => {
		const source = new GraphMailSource(session, { folder: 'drafts', ownerEmail: owner });
		const { cursor } = await readAll(source, await source.start({ since: new Date() }));
		const draft = await session.post<{ id: string; isDraft: boolean }>('/me/messages', {
			subject: 'Not sent yet',
			body: { contentType: 'text', content: 'Draft' },
			toRecipients: [{ emailAddress: { address: 'ada@example.com' } }],
		});
		expect(draft.isDraft).toBe(true);
		// Graph's delta has it; the source does not hand it on.
		const raw = await session.get<{ value: Array<{ id: string }> }>(cursor.link!);
		expect(raw.value.map((message) => message.id)).toContain(draft.id);
		const { pages } = await readAll(source, cursor);
		expect(itemsOf(pages)).toEqual([]);
	});

	it('does not change the cursor it reads from', async () => {
		const source = inbox();
		const start = await source.start({ since: new Date(Date.now() - 3600_000) });
		const copy = JSON.stringify(start);
		const page = await source.read(start);
		expect(JSON.stringify(start)).toBe(copy);
		expect(page.cursor).not.toBe(start);
		const again = await source.read(start);
		expect(again).toEqual(page);
	});

	it('lists at most the limit, newest first, and still reaches the deltaLink', async () => {
		const source = inbox();
		const { pages, cursor } = await readAll(source, await source.start({ limit: 7 }));
		const items = itemsOf(pages);
		expect(items).toHaveLength(7);
		const received = items.map((item) => item.receivedAt!);
		expect([...received].sort((a, b) => b - a)).toEqual(received);
		expect(cursor.phase).toBe('changes');
		const [fresh] = deliver(1);
		expect(
			itemsOf((await readAll(source, cursor)).pages).map((i) => i.record.providerMessageId),
		).toEqual([fresh]);
	});

	it.each(['syncStateNotFound', 'resyncRequired'] as const)(
		'answers an expired delta (410 %s) with a relisting from the resync horizon',
		async (code) => {
			setGraphCursorExpiryCode(emu.state, owner, code);
			const horizon = new Date(Date.now() - 60_000);
			const source = inbox({ resyncSince: () => horizon });
			const { cursor } = await readAll(source, await source.start({ since: new Date() }));
			emu.control.expireCursors(owner, 'graph');
			const [fresh] = deliver(1);
			const expired = await source.read(cursor);
			expect(expired).toEqual({
				outcome: 'cursor_expired',
				cursor: {
					v: 1,
					link: null,
					phase: 'resync',
					since: horizon.toISOString(),
					limit: null,
					listed: 0,
				},
			});
			const relisting = await readAll(source, expired.cursor);
			expect(relisting.pages.at(-1)).toMatchObject({
				listing: { reason: 'resync', complete: true },
			});
			expect(itemsOf(relisting.pages).map((i) => i.record.providerMessageId)).toContain(fresh);
			setGraphCursorExpiryCode(emu.state, owner, 'syncStateNotFound');
		},
	);

	it('relists from the cursor’s own horizon when the caller gives none', async () => {
		const source = inbox();
		const since = new Date(Date.now() - 5 * 60_000);
		const { cursor } = await readAll(source, await source.start({ since }));
		emu.control.expireCursors(owner, 'graph');
		const expired = await source.read(cursor);
		expect(expired).toMatchObject({
			outcome: 'cursor_expired',
			cursor: { phase: 'resync', since: since.toISOString() },
		});
	});
});
