// "Is this message new?" without a provider: the tracker's rules and one poll over fake sources.
import { NewMailTracker, pollNewMail, type NewMailPollState } from '../../core';
import type {
	ChangeRead,
	MailChangeSource,
	MailItem,
	SourceCursor,
} from '../../core/providers/changeSources';

const T0 = Date.parse('2026-11-30T12:00:00Z');
const MINUTE = 60_000;

function mail(id: string, receivedAt: number | null, messageId = `<${id}@example.com>`): MailItem {
	return {
		record: { providerMessageId: id, internetMessageId: messageId } as MailItem['record'],
		receivedAt,
	};
}

describe('NewMailTracker', () => {
	it('finds a message new once, by either of its ids, and only after the watermark', () => {
		const tracker = new NewMailTracker({ seenUntil: new Date(T0).toISOString(), seen: {} });
		expect(tracker.observe(mail('a', T0 + MINUTE))).toBe(true);
		expect(tracker.observe(mail('a', T0 + MINUTE))).toBe(false);
		// Moved to another folder: another id at some providers, the same Message-ID.
		expect(tracker.observe(mail('a-moved', T0 + MINUTE, '<a@example.com>'))).toBe(false);
		// Old mail that changed (read, flagged) is not new; late mail within the grace is.
		expect(tracker.observe(mail('old', T0 - 60 * MINUTE))).toBe(false);
		expect(tracker.observe(mail('late', T0 - 5 * MINUTE))).toBe(true);
		expect(tracker.observe(mail('no-date', null))).toBe(false);
	});

	it('keeps only the keys near the watermark, as a plain object', () => {
		const tracker = new NewMailTracker(null, { graceMs: 10 * MINUTE });
		tracker.observe(mail('early', T0 - 60 * MINUTE));
		tracker.observe(mail('recent', T0 - 5 * MINUTE));
		tracker.observe(mail('newest', T0));
		const state = tracker.state();
		expect(state.seenUntil).toBe(new Date(T0).toISOString());
		expect(Object.keys(state.seen)).toHaveLength(4); // recent and newest, two keys each
		expect(JSON.parse(JSON.stringify(state))).toEqual(state);
		expect(new NewMailTracker(state).horizon).toEqual(new Date(T0 - 15 * MINUTE));
	});
});

type FakeCursor = { at: number; phase: string };

/** A source over a list of pages: the first read of a round lists, later reads give changes. */
function fakeSource(listing: MailItem[], changes: MailItem[][]): MailChangeSource<FakeCursor> {
	return {
		async start() {
			return { at: 0, phase: 'initial' };
		},
		async read(cursor): Promise<ChangeRead<FakeCursor, MailItem>> {
			if (cursor.phase === 'initial') {
				return {
					outcome: 'changes',
					items: listing,
					deleted: [],
					cursor: { at: 0, phase: 'changes' },
					hasMore: false,
					listing: { reason: 'initial', complete: true },
				};
			}
			const page = changes[cursor.at] ?? [];
			const more = cursor.at + 1 < changes.length;
			return {
				outcome: 'changes',
				items: page,
				deleted: [],
				cursor: { at: cursor.at + 1, phase: 'changes' },
				hasMore: more,
			};
		},
	};
}

/** Static data as n8n hands it back: nested proxies, which structuredClone cannot copy. */
function proxied<T extends object>(value: T): T {
	for (const [key, inner] of Object.entries(value)) {
		if (inner && typeof inner === 'object')
			(value as Record<string, unknown>)[key] = proxied(inner);
	}
	return new Proxy(value, {});
}

describe('pollNewMail', () => {
	it('baselines a new feed, then emits each new message once across feeds, oldest first', async () => {
		const now = () => T0;
		const a = mail('a', T0 + 2 * MINUTE);
		const b = mail('b', T0 + MINUTE);
		const inbox = fakeSource([mail('old', T0 - MINUTE)], [[a], [b]]);
		const archive = fakeSource([], [[mail('a-moved', T0 + 2 * MINUTE, '<a@example.com>')]]);

		const first = await pollNewMail(
			undefined,
			() => [
				{ key: 'inbox', source: inbox },
				{ key: 'archive', source: archive },
			],
			{ now },
		);
		expect(first.newMail).toEqual([]);
		expect(first.baselined).toEqual(['inbox', 'archive']);

		const saved = proxied(
			JSON.parse(JSON.stringify(first.state)) as NewMailPollState<SourceCursor>,
		);
		expect(() => structuredClone(saved)).toThrow(/could not be cloned/);
		const second = await pollNewMail(
			saved as NewMailPollState<FakeCursor>,
			() => [
				{ key: 'inbox', source: inbox },
				{ key: 'archive', source: archive },
			],
			{ now },
		);
		expect(second.newMail.map(({ feed, item }) => [feed, item.record.providerMessageId])).toEqual([
			['inbox', 'b'],
			['inbox', 'a'],
		]);
		expect(second.state.folders).toEqual({
			inbox: { at: 2, phase: 'changes' },
			archive: { at: 1, phase: 'changes' },
		});
		// A plain object of its own: nothing shared with what it was given.
		expect(second.state.folders.inbox).not.toBe(saved.folders.inbox);
		expect(JSON.parse(JSON.stringify(second.state))).toEqual(second.state);
	});

	it('never emits what a feed skips, yet remembers it', async () => {
		const own = mail('own', T0 + MINUTE);
		const source = fakeSource([], [[own]]);
		const feeds = (skip: boolean) => () => [
			{ key: 'inbox', source, skip: skip ? () => true : undefined },
		];
		const first = await pollNewMail(undefined, feeds(true), { now: () => T0 });
		const second = await pollNewMail(first.state, feeds(true), { now: () => T0 });
		expect(second.newMail).toEqual([]);
		const replay = fakeSource([], [[own]]);
		const third = await pollNewMail(
			{ ...second.state, folders: { inbox: { at: 0, phase: 'changes' } } },
			() => [{ key: 'inbox', source: replay }],
		);
		expect(third.newMail).toEqual([]);
	});
});
