import { createHash } from 'node:crypto';

import {
	copyCursor,
	readToEnd,
	type MailChangeSource,
	type MailItem,
	type SourceCursor,
} from './changeSources';

/**
 * "Is this message new?" over mail change sources, for any provider.
 *
 * A change feed reports every message that entered or changed (a read flag, a category, a move),
 * so "new" needs more than the cursor: a message is new once, when it has not been seen before —
 * by provider id or Internet Message-ID, so a move between two watched folders keeps both — and
 * was received after the watermark (the newest receive time seen so far, less a grace period for
 * mail that becomes visible late). Old mail that changes is not new. The seen set only needs the
 * keys received after that line, which bounds it by time, not by a guess.
 */
export type NewMailState = {
	/** Newest receive time seen (ISO 8601); older mail is never new. */
	seenUntil: string | null;
	/** Hashed keys of messages seen near the watermark → their receive time (epoch ms). */
	seen: Record<string, number>;
};

export interface NewMailTrackerOptions {
	/** How late mail may become visible compared with mail already seen (default 15 minutes). */
	graceMs?: number;
	/** Largest seen set kept, newest first (default 20 000). */
	maxSeenKeys?: number;
}

const DEFAULT_GRACE_MS = 15 * 60_000;

/** A short hash: the ids themselves need not be kept, only recognised. */
function keyOf(kind: 'i' | 'm', value: string): string {
	return `${kind}${createHash('sha256').update(value).digest('base64url').slice(0, 16)}`;
}

function keysOf(item: MailItem): string[] {
	const keys: string[] = [];
	if (item.record.providerMessageId) keys.push(keyOf('i', item.record.providerMessageId));
	if (item.record.internetMessageId) keys.push(keyOf('m', item.record.internetMessageId));
	return keys;
}

export class NewMailTracker {
	private readonly seen: Map<string, number>;
	private newest: number;
	/** Fixed for the tracker's life (one poll): what is older than this is never new. */
	private readonly threshold: number;
	private readonly graceMs: number;
	private readonly maxSeenKeys: number;

	constructor(state: NewMailState | null | undefined, options: NewMailTrackerOptions = {}) {
		this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
		this.maxSeenKeys = options.maxSeenKeys ?? 20_000;
		this.seen = new Map(Object.entries(state?.seen ?? {}).map(([k, v]) => [k, Number(v)]));
		const watermark = state?.seenUntil ? Date.parse(state.seenUntil) : NaN;
		this.newest = Number.isNaN(watermark) ? -Infinity : watermark;
		this.threshold = Number.isNaN(watermark) ? -Infinity : watermark - this.graceMs;
	}

	/** The earliest instant a relisting must reach back to (null before anything was seen). */
	get horizon(): Date | null {
		return Number.isFinite(this.threshold) ? new Date(this.threshold) : null;
	}

	/**
	 * Records the message as seen and tells whether it is new: not seen before under any of its
	 * keys, and received after the watermark. Mail without a receive time is never new.
	 */
	observe(item: MailItem): boolean {
		const received = item.receivedAt;
		if (received === null || !Number.isFinite(received)) return false;
		const keys = keysOf(item);
		const known = keys.some((key) => this.seen.has(key));
		for (const key of keys) this.seen.set(key, received);
		this.newest = Math.max(this.newest, received);
		return !known && received > this.threshold;
	}

	/** Everything received before `instant` is old from now on (a first listing's horizon). */
	coverUntil(instant: Date): void {
		this.newest = Math.max(this.newest, instant.getTime());
	}

	/** The state to keep (a new plain object): the watermark and the keys near it. */
	state(): NewMailState {
		const keepAfter = Number.isFinite(this.newest) ? this.newest - this.graceMs : -Infinity;
		const kept = [...this.seen.entries()]
			.filter(([, received]) => received > keepAfter)
			.sort((a, b) => b[1] - a[1])
			.slice(0, this.maxSeenKeys);
		return {
			seenUntil: Number.isFinite(this.newest) ? new Date(this.newest).toISOString() : null,
			seen: Object.fromEntries(kept),
		};
	}
}

/** What a new-mail poll keeps between polls: a cursor per watched feed, and the tracker's state. */
export type NewMailPollState<TCursor extends SourceCursor> = NewMailState & {
	v: 2;
	/** The cursor of each watched feed (a folder, a label, a mailbox), by the feed's key. */
	folders: Record<string, TCursor>;
};

export interface NewMailFeed<TCursor extends SourceCursor> {
	/** Stable name of the feed (its cursor is kept under it). */
	key: string;
	source: MailChangeSource<TCursor>;
	/** Mail seen but never emitted from this feed (e.g. the account's own mail in the Inbox). */
	skip?: (item: MailItem) => boolean;
}

export interface NewMailPollOptions {
	/** How far back a feed's first listing reaches (default one day): it emits none of it. */
	lookbackMs?: number;
	now?: () => number;
	tracker?: NewMailTrackerOptions;
}

export interface NewMailPollResult<TCursor extends SourceCursor> {
	/** The state to keep: a new plain object, to be stored only once the new mail is used. */
	state: NewMailPollState<TCursor>;
	/** New messages, oldest first, with the feed each came from. */
	newMail: Array<{ feed: string; item: MailItem }>;
	/** Feeds whose first listing ran in this poll (their mail is the baseline, not new). */
	baselined: string[];
	/** Feeds whose cursor had expired and were listed again from the watermark. */
	resynced: string[];
}

/**
 * One poll: every feed read to its end, new mail picked out. The previous state is only read
 * (copied as JSON, so n8n's proxies never leak in); a failed poll leaves it as it was.
 * `feeds` receives the instant a relisting must reach back to (the watermark less the grace).
 */
export async function pollNewMail<TCursor extends SourceCursor>(
	previous: NewMailPollState<TCursor> | null | undefined,
	feeds: (resyncSince: Date | null) => Array<NewMailFeed<TCursor>>,
	options: NewMailPollOptions = {},
): Promise<NewMailPollResult<TCursor>> {
	const now = options.now ?? Date.now;
	const before = previous ? copyCursor(previous) : undefined;
	const tracker = new NewMailTracker(before, options.tracker);
	const folders: Record<string, TCursor> = {};
	const newMail: Array<{ feed: string; item: MailItem }> = [];
	const baselined: string[] = [];
	const resynced: string[] = [];

	for (const feed of feeds(tracker.horizon)) {
		if (folders[feed.key]) continue; // the same feed twice is read once
		let cursor = before?.folders?.[feed.key];
		if (!cursor) {
			const since = new Date(now() - (options.lookbackMs ?? 86_400_000));
			cursor = await feed.source.start({ since });
			tracker.coverUntil(since);
			baselined.push(feed.key);
		}
		const end = await readToEnd(feed.source, cursor, (page) => {
			if (page.outcome === 'cursor_expired') {
				resynced.push(feed.key);
				return;
			}
			// A first listing is the baseline; a relisting is read like changes (the seen set
			// recognises what was emitted before it).
			const emitting = page.listing?.reason !== 'initial';
			for (const item of page.items) {
				if (tracker.observe(item) && emitting && !feed.skip?.(item)) {
					newMail.push({ feed: feed.key, item });
				}
			}
		});
		folders[feed.key] = copyCursor(end.cursor);
	}

	newMail.sort((a, b) => (a.item.receivedAt ?? 0) - (b.item.receivedAt ?? 0));
	return { state: { v: 2, folders, ...tracker.state() }, newMail, baselined, resynced };
}
