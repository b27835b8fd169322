// "Which Gmail messages are new?" for the Gmail CRM Trigger, over the mailbox's change source. The
// History API tells what was added after the cursor, which is new by definition; what the trigger
// adds to it is the memory that keeps a message from being emitted twice where a listing and the
// history overlap (mail arriving while a listing runs is in both), and the watermark a relisting
// starts from once Gmail forgot the cursor. All of it is plain JSON, kept in static data.
import { copyCursor, type MailItem } from '../changeSources';
import type { GmailChangeSource, GmailCursor } from './gmailChangeSource';

export type GmailNewMailState = {
	cursor: GmailCursor;
	/** Ids of the messages reported lately, oldest first: none is reported twice. */
	recentIds: string[];
	/** When the newest message seen was received (epoch ms): where a relisting starts. */
	watermark: number | null;
};

export interface GmailNewMailPoll {
	/** The state to keep (a new plain object); store it once the new mail was handed on. */
	state: GmailNewMailState;
	/** Messages new since the previous state: a listing's oldest first, then history's in order. */
	newMail: MailItem[];
	/** False when the time budget ran out first: the next poll goes on from `state`. */
	caughtUp: boolean;
}

const RECENT_IDS_KEPT = 2000;

/**
 * The state kept in static data, or null before the first activation. Also reads what earlier
 * versions of the trigger kept ({ historyId, lastInternalDate, recentIds }), so active workflows
 * carry on from where they stood.
 */
export function toGmailNewMailState(stored: unknown): GmailNewMailState | null {
	const data = JSON.parse(JSON.stringify(stored ?? {})) as {
		cursor?: GmailCursor;
		recentIds?: string[];
		watermark?: number | null;
		historyId?: string;
		lastInternalDate?: number;
	};
	const recentIds = Array.isArray(data.recentIds) ? data.recentIds.map(String) : [];
	if (data.cursor?.historyId) {
		return { cursor: data.cursor, recentIds, watermark: data.watermark ?? null };
	}
	if (!data.historyId) return null;
	return {
		cursor: {
			historyId: String(data.historyId),
			historyPageToken: null,
			listing: null,
			listingSince: null,
			listingLeft: null,
			listingPageToken: null,
		},
		recentIds,
		watermark: data.lastInternalDate ?? null,
	};
}

/**
 * A first state: where the mailbox stands now. With `since`, the mail received since then is
 * listed (and reported) first. Without, nothing old is reported: the newest message, taken before
 * the cursor, only marks where a relisting would start — so a message that arrives after the
 * cursor was taken is never mistaken for it.
 */
export async function startGmailNewMail(
	source: GmailChangeSource,
	options: { since?: Date } = {},
): Promise<GmailNewMailState> {
	if (options.since) {
		const cursor = await source.start({ since: options.since });
		return { cursor, recentIds: [], watermark: options.since.getTime() };
	}
	const latest = await source.latestArrival();
	const cursor = await source.start({});
	return {
		cursor,
		recentIds: latest ? [latest.id] : [],
		watermark: latest?.receivedAt ?? null,
	};
}

/**
 * Reads the source from the state's cursor to its end (or until `budgetMs` is spent) and picks
 * out what was not reported before. `state` is only read. A state that was just started and
 * lists nothing is returned as it is: the history after it is the next poll's.
 */
export async function pollGmailNewMail(
	source: GmailChangeSource,
	state: GmailNewMailState,
	options: { budgetMs?: number; now?: () => number; justStarted?: boolean } = {},
): Promise<GmailNewMailPoll> {
	const previous = copyCursor(state);
	if (options.justStarted && !previous.cursor.listing) {
		return { state: previous, newMail: [], caughtUp: true };
	}
	const now = options.now ?? Date.now;
	const started = now();
	const recent = new Set(previous.recentIds);
	const recentIds = [...previous.recentIds];
	let watermark = previous.watermark;
	let cursor = previous.cursor;
	const listed: MailItem[] = [];
	const added: MailItem[] = [];
	for (;;) {
		const read = await source.read(cursor);
		cursor = read.cursor;
		if (read.outcome === 'cursor_expired') continue;
		for (const item of read.items) {
			if (item.receivedAt !== null) watermark = Math.max(watermark ?? 0, item.receivedAt);
			const id = item.record.providerMessageId;
			if (recent.has(id)) continue;
			recent.add(id);
			recentIds.push(id);
			(read.listing ? listed : added).push(item);
		}
		if (!read.hasMore) break;
		if (options.budgetMs !== undefined && now() - started > options.budgetMs) {
			return result(false);
		}
	}
	return result(true);

	function result(caughtUp: boolean): GmailNewMailPoll {
		// A listing comes newest first from Gmail; it is reported oldest first.
		listed.sort((a, b) => (a.receivedAt ?? 0) - (b.receivedAt ?? 0));
		return {
			state: {
				cursor: copyCursor(cursor),
				recentIds: recentIds.slice(-RECENT_IDS_KEPT),
				watermark,
			},
			newMail: [...listed, ...added],
			caughtUp,
		};
	}
}
