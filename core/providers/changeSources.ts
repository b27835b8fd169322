// The one contract every provider cursor implements. A change source answers "what changed since
// this cursor" for one source (a Gmail mailbox, a Graph mail folder, a calendar) in one shape, so
// that its callers never know which provider they hold:
// - the n8n triggers keep the cursor in the workflow's static data and emit what is new;
// - the workspace sync engine keeps it in PostgreSQL (sync_cursors) and commits each page's rows
//   and the page's cursor in one transaction.
// Each provider's cursor logic lives once, in its source (core/providers/<provider>/…Source.ts).
import type { ParsedAttachment } from '../mail/parseMime';
import type { CalendarEventRecord } from '../records/calendarEventRecord';
import type { EmailRecord } from '../records/emailRecord';

/** JSON values only: a cursor survives n8n's static data (saved as JSON, handed back as proxies)
 * and a jsonb column unchanged. Sources copy what they are given and never keep references. */
export type JsonValue =
	| string
	| number
	| boolean
	| null
	| JsonValue[]
	| { [key: string]: JsonValue };
export type SourceCursor = { [key: string]: JsonValue };

/** A page of changes, in the order they happened (oldest first where the provider tells). */
export interface ChangePage<TCursor extends SourceCursor, TItem> {
	outcome: 'changes';
	/** Items added or changed since the cursor (full records). */
	items: TItem[];
	/** Provider ids of items deleted since the cursor (tombstones without a record). */
	deleted: string[];
	/** Where the next read starts. Store it together with what this page holds, never before. */
	cursor: TCursor;
	/** More pages are ready now: read again with `cursor` before the source is caught up. */
	hasMore: boolean;
	/**
	 * Set when the page is part of a listing (a first sync from a horizon, or the relisting a
	 * provider demands once it forgot a cursor) rather than of a change feed. A listing carries no
	 * tombstones: once a listing is `complete`, whatever it did not hold was deleted meanwhile.
	 */
	listing?: { reason: 'initial' | 'resync'; complete: boolean };
}

/**
 * The provider no longer honours the cursor (Gmail history 404, Calendar 410, Graph 410
 * syncStateNotFound). Not an error: `cursor` starts the relisting the provider now requires, and
 * reading on from it yields `listing: { reason: 'resync' }` pages.
 */
export interface CursorExpired<TCursor extends SourceCursor> {
	outcome: 'cursor_expired';
	cursor: TCursor;
}

export type ChangeRead<TCursor extends SourceCursor, TItem> =
	| ChangePage<TCursor, TItem>
	| CursorExpired<TCursor>;

export interface ChangeSource<TCursor extends SourceCursor, TItem, TStartOptions> {
	/**
	 * A first cursor: where the source stands now, taken before anything is listed so that nothing
	 * arriving meanwhile is missed. With a horizon in the options, reading from it first lists what
	 * lies within the horizon (`listing: { reason: 'initial' }` pages), then follows the changes.
	 */
	start(options: TStartOptions): Promise<TCursor>;
	/** One page of changes after `cursor`. Does not modify `cursor`. */
	read(cursor: TCursor): Promise<ChangeRead<TCursor, TItem>>;
}

/** A message as a mail source reports it. */
export interface MailItem {
	record: EmailRecord;
	/** Decoded attachments, when the source read the raw message (Gmail). */
	attachments?: ParsedAttachment[];
	/** When the mailbox received it (epoch ms): Gmail internalDate, Graph receivedDateTime. */
	receivedAt: number | null;
}

export interface MailStartOptions {
	/** List the mail received since this instant before following changes. */
	since?: Date;
	/** List at most this many messages, newest first (with or without `since`). */
	limit?: number;
}

export type MailChangeSource<TCursor extends SourceCursor> = ChangeSource<
	TCursor,
	MailItem,
	MailStartOptions
>;

/** An event as a calendar source reports it; a cancelled event has `record.status` cancelled. */
export interface CalendarItem {
	record: CalendarEventRecord;
	/** The provider's version tag (etag / changeKey): equal tags, equal events. */
	version: string | null;
}

export interface CalendarStartOptions {
	/** List every event (the default), or only those ending after this instant. */
	since?: Date;
}

export type CalendarChangeSource<TCursor extends SourceCursor> = ChangeSource<
	TCursor,
	CalendarItem,
	CalendarStartOptions
>;

/** Reads pages until the source is caught up, handing each to `onPage` before the next read. */
export async function readToEnd<TCursor extends SourceCursor, TItem>(
	source: Pick<ChangeSource<TCursor, TItem, unknown>, 'read'>,
	cursor: TCursor,
	onPage: (page: ChangePage<TCursor, TItem> | CursorExpired<TCursor>) => Promise<void> | void,
	options: { maxPages?: number } = {},
): Promise<{ cursor: TCursor; pages: number; caughtUp: boolean }> {
	let pages = 0;
	for (;;) {
		const read = await source.read(cursor);
		await onPage(read);
		cursor = read.cursor;
		pages++;
		if (read.outcome === 'changes' && !read.hasMore) return { cursor, pages, caughtUp: true };
		if (options.maxPages !== undefined && pages >= options.maxPages)
			return { cursor, pages, caughtUp: false };
	}
}

/** A plain copy of a cursor: n8n hands static data back wrapped in proxies, which must not leak. */
export function copyCursor<TCursor extends SourceCursor>(cursor: TCursor): TCursor {
	return JSON.parse(JSON.stringify(cursor)) as TCursor;
}
