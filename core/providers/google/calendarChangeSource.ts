// The change source of one Google calendar: a full listing (series unexpanded) read one page per
// call, then the changes since its sync token, page by page. The page token travels in the cursor,
// so a large calendar is listed across calls and a listing interrupted by a crash resumes where it
// stopped. Google answering 410 to a sync token starts a new full listing (a resync).
import type { calendar_v3 } from '@googleapis/calendar';

import type { EventTime } from '../../records/calendarEventRecord';
import type {
	CalendarChangeSource,
	CalendarItem,
	CalendarStartOptions,
	ChangeRead,
} from '../changeSources';
import { classifyProviderError } from '../providerErrors';
import { CALENDAR_PAGE_SIZE, describeCalendar } from './calendarEvents';
import { googleEventToRecord, type GoogleCalendarEvent } from './calendarRecords';

/** Where a calendar's reading stands; plain JSON. */
export type GoogleCalendarCursor = {
	/** The calendar's real id (the alias `primary` resolved when the account may read it). */
	calendarId: string;
	/** The calendar's IANA zone: the zone of timed events that name none of their own. */
	timeZone: string | null;
	/** Changes since this token are read once no listing is under way. */
	syncToken: string | null;
	/** A full listing under way, and why; null while following the changes. */
	listing: 'initial' | 'resync' | null;
	/** The next page of the listing or of the changes (null: the first page). */
	pageToken: string | null;
	/** Listings hold only events ending after this RFC 3339 instant (null: every event). */
	since: string | null;
};

/** An event as this source reports it. */
export interface GoogleCalendarItem extends CalendarItem {
	/**
	 * For an occurrence of a series listed under its own id (edited or cancelled): the start the
	 * series gave it, which tells whether the occurrence was moved.
	 */
	originalStart: EventTime | null;
}

export interface GoogleCalendarChangeSource extends CalendarChangeSource<GoogleCalendarCursor> {
	read(cursor: GoogleCalendarCursor): Promise<ChangeRead<GoogleCalendarCursor, GoogleCalendarItem>>;
}

export interface GoogleCalendarSourceOptions {
	/** Events per page (the API allows at most 2500). */
	pageSize?: number;
}

/**
 * A cursor from what a store kept: a cursor of this source, or the state of an earlier version of
 * the Calendar trigger (calendarId, timeZone, syncToken), whose missing fields mean "no listing
 * under way, first page".
 */
export function toGoogleCalendarCursor(stored: {
	calendarId: string;
	timeZone?: string | null;
	syncToken?: string | null;
	listing?: string | null;
	pageToken?: string | null;
	since?: string | null;
}): GoogleCalendarCursor {
	const listing =
		stored.listing === 'initial' || stored.listing === 'resync' ? stored.listing : null;
	return {
		calendarId: stored.calendarId,
		timeZone: stored.timeZone ?? null,
		syncToken: stored.syncToken ?? null,
		// Without a sync token there is nothing to follow: the listing starts again.
		listing: listing ?? (stored.syncToken ? null : 'initial'),
		pageToken: stored.pageToken ?? null,
		since: stored.since ?? null,
	};
}

function toItem(event: GoogleCalendarEvent, cursor: GoogleCalendarCursor): GoogleCalendarItem {
	const context = { calendarId: cursor.calendarId, calendarTimeZone: cursor.timeZone };
	return {
		record: googleEventToRecord(event, context),
		version: event.etag ?? null,
		originalStart: event.originalStartTime
			? googleEventToRecord(
					{ id: event.id, status: 'confirmed', originalStartTime: event.originalStartTime },
					context,
				).start
			: null,
	};
}

/**
 * The change source of `calendarId` (an id, or `primary`). Items are the events listed or changed,
 * a cancelled or deleted event being an item whose record has status `cancelled` (Google's
 * tombstone: id, status and, for an occurrence, its series and original start); `deleted` stays
 * empty. Reading a tombstone in full is left to the caller, who knows whether it is worth a call.
 */
export function googleCalendarChangeSource(
	calendar: calendar_v3.Calendar,
	calendarId: string,
	options: GoogleCalendarSourceOptions = {},
): GoogleCalendarChangeSource {
	const pageSize = Math.min(
		CALENDAR_PAGE_SIZE,
		Math.max(1, options.pageSize ?? CALENDAR_PAGE_SIZE),
	);
	return {
		async start(start: CalendarStartOptions = {}) {
			const described = await describeCalendar(calendar, calendarId);
			return {
				...described,
				syncToken: null,
				listing: 'initial',
				pageToken: null,
				since: start.since ? start.since.toISOString() : null,
			};
		},

		async read(given) {
			// A fresh plain object: `given` may be a proxy of n8n's static data, and stays unchanged.
			const cursor = toGoogleCalendarCursor(given);
			const listing = cursor.listing;
			let data: calendar_v3.Schema$Events;
			try {
				({ data } = await calendar.events.list({
					calendarId: cursor.calendarId,
					// A listing and the changes that follow it see series as series (unexpanded).
					...(listing
						? { singleEvents: false, timeMin: cursor.since ?? undefined }
						: { syncToken: cursor.syncToken ?? undefined }),
					maxResults: pageSize,
					pageToken: cursor.pageToken ?? undefined,
				}));
			} catch (error) {
				if (!listing && classifyProviderError(error).errorClass === 'cursor_expired') {
					// Google forgot the sync token: only a new full listing tells what changed.
					return {
						outcome: 'cursor_expired',
						cursor: { ...cursor, syncToken: null, listing: 'resync', pageToken: null },
					};
				}
				throw error;
			}
			cursor.timeZone = data.timeZone ?? cursor.timeZone;
			const items = (data.items ?? [])
				.filter((event) => event.id)
				.map((event) => toItem(event, cursor));
			const pageToken = data.nextPageToken ?? null;
			if (!pageToken && !data.nextSyncToken) {
				throw new Error(
					`Google Calendar ended a listing of ${cursor.calendarId} without a sync token`,
				);
			}
			const next: GoogleCalendarCursor = pageToken
				? { ...cursor, pageToken }
				: { ...cursor, syncToken: data.nextSyncToken as string, listing: null, pageToken: null };
			return {
				outcome: 'changes',
				items,
				deleted: [],
				cursor: next,
				hasMore: pageToken !== null,
				...(listing ? { listing: { reason: listing, complete: pageToken === null } } : {}),
			};
		},
	};
}
