// Change detection for one Google calendar, fed by its change source (calendarChangeSource.ts):
// what was created, updated (and how) or cancelled since the last poll. A compact snapshot of every
// live event's last seen version lets an update say what changed, and lets a full resync (after
// 410) emit only real changes. The source alone serves whoever needs records, not changes.
import { createHash } from 'node:crypto';

import type { calendar_v3 } from '@googleapis/calendar';

import {
	diffCalendarEvents,
	type CalendarEventChanges,
	type CalendarEventRecord,
	type EventAttendee,
	type EventTime,
} from '../../records/calendarEventRecord';
import { readToEnd } from '../changeSources';
import { ProviderHttpError } from '../http';
import {
	googleCalendarChangeSource,
	toGoogleCalendarCursor,
	type GoogleCalendarCursor,
	type GoogleCalendarItem,
	type GoogleCalendarSourceOptions,
} from './calendarChangeSource';
import { describeCalendar, listCalendarEvents } from './calendarEvents';
import { googleEventToRecord, type GoogleCalendarEvent } from './calendarRecords';

export type CalendarChangeType = 'created' | 'updated' | 'cancelled';

/** What changed in an update: the core diff plus the details it does not cover. */
export interface CalendarEventUpdate extends CalendarEventChanges {
	description: boolean;
	recurrence: boolean;
}

export interface CalendarChange {
	changeType: CalendarChangeType;
	record: CalendarEventRecord;
	/** For `updated`: what changed since the version seen before. */
	changes: CalendarEventUpdate | null;
}

const RESPONSE_CODES: Record<EventAttendee['responseStatus'], string> = {
	needsAction: 'n',
	accepted: 'a',
	declined: 'd',
	tentative: 't',
};
const RESPONSE_BY_CODE = Object.fromEntries(
	Object.entries(RESPONSE_CODES).map(([status, code]) => [code, status]),
) as Record<string, EventAttendee['responseStatus']>;

/**
 * The last seen version of an event, cut to what a diff needs: free texts are kept as short
 * hashes (equal or not is all that matters), times compactly, attendees as address → response.
 */
export interface EventVersion {
	/** etag (else updated): the version Google last showed. */
	v: string;
	/** 't' when tentative (absent: confirmed). */
	s?: 't';
	/** Start and end: `d2026-12-24` for dates, else the instant in ms, base 36. */
	a: string;
	b: string;
	/** Time zones of start and end ('' none). */
	z: string;
	y?: string;
	/** Hashes of title, location + meeting link, description and recurrence (absent: empty). */
	t?: string;
	l?: string;
	o?: string;
	p?: string;
	/** Attendee address → response code. */
	r?: Record<string, string>;
}

const hash = (value: string | null | undefined) =>
	value ? createHash('sha256').update(value).digest('base64url').slice(0, 10) : '';

function timeCode(time: EventTime): string {
	if (time.date) return `d${time.date}`;
	const instant = Date.parse(time.dateTime ?? '');
	return Number.isNaN(instant) ? '' : instant.toString(36);
}

function timeFromCode(code: string, zone: string): EventTime {
	const timeZone = zone || null;
	if (code.startsWith('d')) return { dateTime: null, date: code.slice(1), timeZone };
	if (!code) return { dateTime: null, date: null, timeZone };
	return { dateTime: new Date(parseInt(code, 36)).toISOString(), date: null, timeZone };
}

export function eventVersionOf(record: CalendarEventRecord, etag: string | null | undefined) {
	const version: EventVersion = {
		v: etag || record.updated || '',
		a: timeCode(record.start),
		b: timeCode(record.end),
		z: record.start.timeZone ?? '',
	};
	if (record.status === 'tentative') version.s = 't';
	const hashes = {
		t: hash(record.title),
		l:
			record.location || record.meetingLink
				? hash(`${record.location}\n${record.meetingLink}`)
				: '',
		o: hash(record.description),
		p: hash(record.recurrence.join('\n')),
	};
	for (const [key, value] of Object.entries(hashes)) {
		if (value) version[key as 't' | 'l' | 'o' | 'p'] = value;
	}
	if ((record.end.timeZone ?? '') !== version.z) version.y = record.end.timeZone ?? '';
	if (record.attendees.length) {
		version.r = Object.fromEntries(
			record.attendees.map((attendee) => [attendee.email, RESPONSE_CODES[attendee.responseStatus]]),
		);
	}
	return version;
}

/** A stand-in record holding exactly what a version keeps, for diffCalendarEvents. */
function versionRecord(version: EventVersion, calendarId: string): CalendarEventRecord {
	const start = timeFromCode(version.a, version.z);
	return {
		provider: 'google',
		providerEventId: '',
		providerCalendarId: calendarId,
		iCalUid: null,
		recurringEventId: null,
		status: version.s === 't' ? 'tentative' : 'confirmed',
		title: version.t ?? '',
		description: null,
		location: version.l ?? '',
		meetingLink: null,
		isAllDay: start.date !== null,
		start,
		end: timeFromCode(version.b, version.y ?? version.z),
		recurrence: [],
		organizer: null,
		attendees: Object.entries(version.r ?? {}).map(([email, code]) => ({
			email,
			name: null,
			responseStatus: RESPONSE_BY_CODE[code] ?? 'needsAction',
			organizer: false,
			optional: false,
			self: false,
		})),
		updated: null,
		created: null,
		htmlLink: null,
	};
}

function describeUpdate(before: EventVersion, after: EventVersion, calendarId: string) {
	return {
		...diffCalendarEvents(versionRecord(before, calendarId), versionRecord(after, calendarId)),
		description: (before.o ?? '') !== (after.o ?? ''),
		recurrence: (before.p ?? '') !== (after.p ?? ''),
	};
}

function durationMs(version: EventVersion): number | undefined {
	const instant = (code: string) =>
		code.startsWith('d') ? Date.parse(`${code.slice(1)}T00:00:00Z`) : parseInt(code, 36);
	const length = instant(version.b) - instant(version.a);
	return Number.isNaN(length) ? undefined : length;
}

/**
 * An occurrence of a known series seen for the first time (Google lists an edited occurrence
 * under its own id): an update of that occurrence, compared with the series. Its time changed
 * when it no longer starts at its original start or lasts differently from the series.
 */
function describeOccurrenceUpdate(
	series: EventVersion,
	occurrence: EventVersion,
	item: GoogleCalendarItem & { originalStart: EventTime },
	calendarId: string,
): CalendarEventUpdate {
	const changes = describeUpdate(series, occurrence, calendarId);
	changes.time =
		timeCode(item.originalStart) !== timeCode(item.record.start) ||
		durationMs(series) !== durationMs(occurrence);
	changes.recurrence = false;
	return changes;
}

interface SyncContext {
	calendar: calendar_v3.Calendar;
	calendarId: string;
	timeZone: string | null;
	/** Cancelled events still to be read in full this poll (the rest are told as tombstones). */
	detailsLeft: number;
}

/** Cancelled events read in full per poll: a mass cancellation must not cost a call each. */
const CANCELLED_DETAILS_PER_POLL = 100;

/**
 * A cancelled event's full record: Google still answers events.get for a deleted event (status
 * cancelled), which names what was cancelled; the tombstone is the fallback. Undefined when the
 * event is live again.
 */
async function cancelledRecord(
	context: SyncContext,
	tombstone: CalendarEventRecord,
): Promise<CalendarEventRecord | undefined> {
	if (context.detailsLeft <= 0) return tombstone;
	context.detailsLeft -= 1;
	try {
		const { data } = await context.calendar.events.get({
			calendarId: context.calendarId,
			eventId: tombstone.providerEventId,
		});
		if (data.status !== 'cancelled') return undefined; // not cancelled after all (changed again since)
		return googleEventToRecord(data, {
			calendarId: context.calendarId,
			calendarTimeZone: context.timeZone,
		});
	} catch (error) {
		if (error instanceof ProviderHttpError && (error.status === 404 || error.status === 410)) {
			return tombstone;
		}
		throw error;
	}
}

/**
 * Classifies a page's items against the snapshot and updates `events` to the versions now seen.
 * In a listing, a cancelled event the snapshot does not hold is old news: Google lists cancelled
 * occurrences of series in full listings too, and they were told when they happened.
 */
async function classify(
	context: SyncContext,
	items: GoogleCalendarItem[],
	events: Record<string, EventVersion>,
	inListing: boolean,
): Promise<CalendarChange[]> {
	const changes: CalendarChange[] = [];
	const latest = new Map<string, GoogleCalendarItem>();
	for (const item of items) latest.set(item.record.providerEventId, item); // last version wins
	for (const [id, item] of latest) {
		const { record } = item;
		const known = events[id];
		if (record.status === 'cancelled') {
			delete events[id];
			// A cancelled occurrence of a known series was never live on its own; an event both
			// created and deleted between two polls was never announced: nothing to say about it.
			const seriesKnown = !!record.recurringEventId && !!events[record.recurringEventId];
			if (!known && (inListing || !seriesKnown)) continue;
			const cancelled = known ? await cancelledRecord(context, record) : record;
			if (cancelled) changes.push({ changeType: 'cancelled', record: cancelled, changes: null });
			continue;
		}
		const version = eventVersionOf(record, item.version);
		events[id] = version;
		if (known) {
			if (known.v === version.v) continue; // the same version: nothing changed
			changes.push({
				changeType: 'updated',
				record,
				changes: describeUpdate(known, version, context.calendarId),
			});
			continue;
		}
		const series = record.recurringEventId ? events[record.recurringEventId] : undefined;
		if (series && item.originalStart) {
			changes.push({
				changeType: 'updated',
				record,
				changes: describeOccurrenceUpdate(
					series,
					version,
					{ ...item, originalStart: item.originalStart },
					context.calendarId,
				),
			});
			continue;
		}
		changes.push({ changeType: 'created', record, changes: null });
	}
	return changes;
}

/**
 * What one calendar's change detection keeps between polls, plain JSON: the source's cursor and
 * the snapshot of live events by id (cancelled ones are dropped).
 */
export type CalendarSyncState = GoogleCalendarCursor & { events: Record<string, EventVersion> };

export interface CalendarSyncResult {
	state: CalendarSyncState;
	changes: CalendarChange[];
	/** The sync token had expired and a full listing was compared with the snapshot instead. */
	resynced: boolean;
}

/**
 * Everything that changed since the state's cursor, every page of the calendar's change source
 * read: the first listing of a calendar fills the snapshot and reports nothing; the changes after
 * it are classified against the snapshot. After a 410 the source lists the whole calendar again:
 * unchanged events are not reported, changed ones are, and snapshot events the complete listing
 * no longer holds were cancelled meanwhile. `previous` is not modified (it may be a proxy of n8n's
 * static data); the caller stores the returned state once the changes are out.
 */
export async function syncCalendarChanges(
	calendar: calendar_v3.Calendar,
	previous: CalendarSyncState,
	options: GoogleCalendarSourceOptions = {},
): Promise<CalendarSyncResult> {
	const { events: stored, ...storedCursor } = previous;
	const start = toGoogleCalendarCursor(storedCursor);
	const events = JSON.parse(JSON.stringify(stored ?? {})) as Record<string, EventVersion>;
	const context: SyncContext = {
		calendar,
		calendarId: start.calendarId,
		timeZone: start.timeZone,
		detailsLeft: CANCELLED_DETAILS_PER_POLL,
	};
	const changes: CalendarChange[] = [];
	// Ids of the resync listing read so far; set only when this call read it from its first page.
	let listed: Set<string> | undefined =
		start.listing === 'resync' && start.pageToken === null ? new Set() : undefined;
	let resynced = false;
	const source = googleCalendarChangeSource(calendar, start.calendarId, options);
	const { cursor } = await readToEnd(source, start, async (read) => {
		if (read.outcome === 'cursor_expired') {
			listed = new Set();
			resynced = true;
			return;
		}
		context.timeZone = read.cursor.timeZone;
		if (read.listing?.reason === 'initial') {
			// A first listing is where the calendar stands, not what changed.
			for (const item of read.items) {
				if (item.record.status === 'cancelled') continue;
				events[item.record.providerEventId] = eventVersionOf(item.record, item.version);
			}
			return;
		}
		for (const item of read.listing ? read.items : []) listed?.add(item.record.providerEventId);
		changes.push(...(await classify(context, read.items, events, !!read.listing)));
		if (read.listing?.complete && listed) {
			changes.push(...(await reconcile(context, events, listed)));
			listed = undefined;
		}
	});
	return { state: { ...cursor, events }, changes, resynced };
}

/** A complete listing carries no tombstones: what it lacks was cancelled meanwhile. */
async function reconcile(
	context: SyncContext,
	events: Record<string, EventVersion>,
	listed: Set<string>,
): Promise<CalendarChange[]> {
	const changes: CalendarChange[] = [];
	for (const [id, version] of Object.entries(events)) {
		if (listed.has(id)) continue;
		delete events[id];
		const tombstone = googleEventToRecord(
			{ id, status: 'cancelled' },
			{ calendarId: context.calendarId, calendarTimeZone: context.timeZone },
		);
		const record = await cancelledRecord(context, tombstone);
		if (record) changes.push({ changeType: 'cancelled', record, changes: null });
		else events[id] = version; // still live: the next poll sees its change
	}
	return changes;
}

/**
 * First sync of a calendar: its sync token and a snapshot of every live event, without changes.
 * `calendarId` may be the alias `primary`; the state keeps the real id and time zone.
 */
export async function startCalendarSync(
	calendar: calendar_v3.Calendar,
	calendarId: string,
	options: GoogleCalendarSourceOptions = {},
): Promise<CalendarSyncState> {
	const cursor = await googleCalendarChangeSource(calendar, calendarId, options).start({});
	return (await syncCalendarChanges(calendar, { ...cursor, events: {} }, options)).state;
}

const isCancelled = (event: GoogleCalendarEvent) => event.status === 'cancelled';

const CREATED_WINDOW_MS = 60_000;
const SAMPLE_WINDOW_MS = 30 * 86_400_000;

function unchanged(): CalendarEventUpdate {
	return {
		time: false,
		title: false,
		location: false,
		status: false,
		responses: {},
		attendeesAdded: [],
		attendeesRemoved: [],
		description: false,
		recurrence: false,
	};
}

/**
 * A real recent event as a sample change (the editor's "fetch test event"): the most recently
 * changed event of one of the wanted kinds (else of any kind), labelled by what it looks like —
 * cancelled, created (never changed since) or updated. Reads no sync token and stores nothing.
 */
export async function sampleCalendarChange(
	calendar: calendar_v3.Calendar,
	calendarId: string,
	changeTypes: CalendarChangeType[],
): Promise<CalendarChange | undefined> {
	const described = await describeCalendar(calendar, calendarId);
	const withCancelled = changeTypes.includes('cancelled');
	const list = async (updatedMin?: string) =>
		await listCalendarEvents(calendar, described.calendarId, {
			orderBy: 'updated',
			showDeleted: withCancelled,
			updatedMin,
		});
	// The last month's changes usually hold a sample; only a quiet calendar is listed whole.
	let listing = await list(new Date(Date.now() - SAMPLE_WINDOW_MS).toISOString());
	if (!listing.events.some((event) => withCancelled || !isCancelled(event))) listing = await list();
	const options = {
		calendarId: described.calendarId,
		calendarTimeZone: listing.timeZone ?? described.timeZone,
	};
	const samples = listing.events
		.filter((event) => event.id && (withCancelled || !isCancelled(event)))
		.reverse()
		.map((event): CalendarChange => {
			const record = googleEventToRecord(event, options);
			if (record.status === 'cancelled') return { changeType: 'cancelled', record, changes: null };
			const created = Date.parse(record.created ?? '');
			const updated = Date.parse(record.updated ?? '');
			return Math.abs(updated - created) <= CREATED_WINDOW_MS
				? { changeType: 'created', record, changes: null }
				: { changeType: 'updated', record, changes: unchanged() };
		});
	return samples.find((sample) => changeTypes.includes(sample.changeType)) ?? samples[0];
}
