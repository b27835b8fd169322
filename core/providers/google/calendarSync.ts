// Change detection for one Google calendar from its sync token: what was created, updated (and
// how) or cancelled since the last poll. A compact snapshot of every live event's last seen version
// lets an update say what changed, and lets a full resync (after 410) emit only real changes.
import { createHash } from 'node:crypto';

import type { calendar_v3 } from '@googleapis/calendar';

import {
	diffCalendarEvents,
	type CalendarEventChanges,
	type CalendarEventRecord,
	type EventAttendee,
	type EventTime,
} from '../../records/calendarEventRecord';
import { ProviderHttpError } from '../http';
import {
	CalendarSyncTokenExpiredError,
	describeCalendar,
	listCalendarEvents,
	type CalendarEventListing,
} from './calendarEvents';
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

export interface CalendarSyncState {
	/** The calendar's real id (the alias `primary` resolved). */
	calendarId: string;
	timeZone: string | null;
	syncToken: string;
	/** Live events by id (cancelled ones are dropped). */
	events: Record<string, EventVersion>;
}

export interface CalendarSyncResult {
	state: CalendarSyncState;
	changes: CalendarChange[];
	/** The sync token had expired and a full listing was compared with the snapshot instead. */
	resynced: boolean;
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
	event: GoogleCalendarEvent,
	record: CalendarEventRecord,
	context: { calendarId: string; timeZone: string | null },
): CalendarEventUpdate {
	const changes = describeUpdate(series, occurrence, context.calendarId);
	const original = googleEventToRecord(
		{ id: event.id, status: 'confirmed', originalStartTime: event.originalStartTime },
		{ calendarId: context.calendarId, calendarTimeZone: context.timeZone },
	).start;
	changes.time =
		timeCode(original) !== timeCode(record.start) || durationMs(series) !== durationMs(occurrence);
	changes.recurrence = false;
	return changes;
}

interface SyncContext {
	calendar: calendar_v3.Calendar;
	calendarId: string;
	timeZone: string | null;
	/** Cancelled events still to be read in full this poll (the rest are told as tombstones). */
	detailsLeft?: number;
}

/** Cancelled events read in full per poll: a mass cancellation must not cost a call each. */
const CANCELLED_DETAILS_PER_POLL = 100;

const isCancelled = (event: GoogleCalendarEvent) => event.status === 'cancelled';

/**
 * A cancelled event's full record: Google still answers events.get for a deleted event (status
 * cancelled), which names what was cancelled; a tombstone is the fallback.
 */
async function cancelledRecord(
	context: SyncContext,
	event: GoogleCalendarEvent,
): Promise<CalendarEventRecord | undefined> {
	const options = { calendarId: context.calendarId, calendarTimeZone: context.timeZone };
	context.detailsLeft ??= CANCELLED_DETAILS_PER_POLL;
	if (context.detailsLeft <= 0)
		return googleEventToRecord({ ...event, status: 'cancelled' }, options);
	context.detailsLeft -= 1;
	try {
		const { data } = await context.calendar.events.get({
			calendarId: context.calendarId,
			eventId: event.id as string,
		});
		if (!isCancelled(data)) return undefined; // not cancelled after all (changed again since)
		return googleEventToRecord({ ...data, status: 'cancelled' }, options);
	} catch (error) {
		if (error instanceof ProviderHttpError && (error.status === 404 || error.status === 410)) {
			return googleEventToRecord({ ...event, status: 'cancelled' }, options);
		}
		throw error;
	}
}

/** Classifies listed events against the snapshot; updates `events` to the versions now seen. */
async function classify(
	context: SyncContext,
	listed: GoogleCalendarEvent[],
	events: Record<string, EventVersion>,
): Promise<CalendarChange[]> {
	const changes: CalendarChange[] = [];
	const options = { calendarId: context.calendarId, calendarTimeZone: context.timeZone };
	const latest = new Map<string, GoogleCalendarEvent>();
	for (const event of listed) if (event.id) latest.set(event.id, event); // last version wins
	for (const [id, event] of latest) {
		const known = events[id];
		if (isCancelled(event)) {
			delete events[id];
			// A cancelled occurrence of a known series was never live on its own; an event both
			// created and deleted between two polls was never announced: nothing to say about it.
			const seriesKnown = !!event.recurringEventId && !!events[event.recurringEventId];
			if (!known && !seriesKnown) continue;
			const record = known
				? await cancelledRecord(context, event)
				: googleEventToRecord(event, options);
			if (record) changes.push({ changeType: 'cancelled', record, changes: null });
			continue;
		}
		const record = googleEventToRecord(event, options);
		const version = eventVersionOf(record, event.etag);
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
		const series = event.recurringEventId ? events[event.recurringEventId] : undefined;
		if (series && event.originalStartTime) {
			changes.push({
				changeType: 'updated',
				record,
				changes: describeOccurrenceUpdate(series, version, event, record, context),
			});
			continue;
		}
		changes.push({ changeType: 'created', record, changes: null });
	}
	return changes;
}

function snapshotOf(context: SyncContext, listed: GoogleCalendarEvent[]) {
	const events: Record<string, EventVersion> = {};
	const options = { calendarId: context.calendarId, calendarTimeZone: context.timeZone };
	for (const event of listed) {
		if (!event.id || isCancelled(event)) continue;
		events[event.id] = eventVersionOf(googleEventToRecord(event, options), event.etag);
	}
	return events;
}

/** A full listing of the calendar's events (series unexpanded), paged to its sync token. */
async function fullListing(
	calendar: calendar_v3.Calendar,
	calendarId: string,
): Promise<CalendarEventListing & { nextSyncToken: string }> {
	const listing = await listCalendarEvents(calendar, calendarId, { singleEvents: false });
	if (!listing.nextSyncToken)
		throw new Error(`Google Calendar gave no sync token for ${calendarId}`);
	return listing as CalendarEventListing & { nextSyncToken: string };
}

/**
 * First sync of a calendar: its sync token and a snapshot of every live event, without changes.
 * `calendarId` may be the alias `primary`; the state keeps the real id and time zone.
 */
export async function startCalendarSync(
	calendar: calendar_v3.Calendar,
	calendarId: string,
): Promise<CalendarSyncState> {
	const context: SyncContext = { calendar, ...(await describeCalendar(calendar, calendarId)) };
	const listing = await fullListing(calendar, context.calendarId);
	context.timeZone = listing.timeZone ?? context.timeZone;
	return {
		calendarId: context.calendarId,
		timeZone: context.timeZone,
		syncToken: listing.nextSyncToken,
		events: snapshotOf(context, listing.events),
	};
}

/**
 * Everything that changed since the state's sync token, every page read. When Google answers 410
 * the whole calendar is listed and compared with the snapshot: unchanged events are not
 * reported, changed ones are, and snapshot events the listing no longer holds are cancelled.
 * The given state is not modified; the caller stores the returned one once the changes are out.
 */
export async function syncCalendarChanges(
	calendar: calendar_v3.Calendar,
	previous: CalendarSyncState,
): Promise<CalendarSyncResult> {
	const context: SyncContext = {
		calendar,
		calendarId: previous.calendarId,
		timeZone: previous.timeZone,
	};
	const events = { ...previous.events };
	try {
		const listing = await listCalendarEvents(calendar, previous.calendarId, {
			syncToken: previous.syncToken,
		});
		context.timeZone = listing.timeZone ?? context.timeZone;
		const changes = await classify(context, listing.events, events);
		return {
			state: {
				...previous,
				timeZone: context.timeZone,
				syncToken: listing.nextSyncToken ?? previous.syncToken,
				events,
			},
			changes,
			resynced: false,
		};
	} catch (error) {
		if (!(error instanceof CalendarSyncTokenExpiredError)) throw error;
	}
	const listing = await fullListing(calendar, previous.calendarId);
	context.timeZone = listing.timeZone ?? context.timeZone;
	const listedIds = new Set(listing.events.map((event) => event.id));
	const changes = await classify(context, listing.events, events);
	// A full listing carries no tombstones: what it lacks was cancelled meanwhile.
	for (const id of Object.keys(previous.events)) {
		if (listedIds.has(id)) continue;
		delete events[id];
		const record = await cancelledRecord(context, { id, status: 'cancelled' });
		if (record) changes.push({ changeType: 'cancelled', record, changes: null });
		else events[id] = previous.events[id]; // still live: the next poll sees its change
	}
	return {
		state: {
			...previous,
			timeZone: context.timeZone,
			syncToken: listing.nextSyncToken,
			events,
		},
		changes,
		resynced: true,
	};
}

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
