// Calendar events and their attendees (calendar_events, calendar_event_attendees), written one page
// at a time with a fixed number of set-based statements, whatever the page holds: one read of the
// rows the page touches, one multi-row upsert, one status update for cancellations, two statements
// for the attendees. A row is rewritten only when something in it changed, so a rerun changes
// nothing, and the comparison with the stored row is what classifies a change as created, updated
// or cancelled. One bad event never fails its page: it is cut out and counted as failed.
import type { Knex } from 'knex';

import type { IntegrationSettings } from '../sync/integrationSettings';
import {
	diffCalendarEvents,
	type CalendarEventChanges,
	type CalendarEventRecord,
	type EventAttendee,
	type EventTime,
} from '../records/calendarEventRecord';
import { formatInstantInZone, isTimeZone } from '../time/zonedTime';
import { pgText } from './pgText';

export type CalendarChangeType = 'created' | 'updated' | 'cancelled';

/** One stored change, as automations need it (an invite, an attendee's answer, a cancellation). */
export interface StoredCalendarChange {
	changeType: CalendarChangeType;
	/** calendar_events.id */
	eventId: string;
	providerCalendarId: string;
	providerEventId: string;
	/** For `updated`: what changed compared with the stored row (times, title, answers …). */
	changes: CalendarEventChanges | null;
}

export interface CalendarWriteCounts {
	created: number;
	updated: number;
	cancelled: number;
	/** Events read that changed nothing (or tombstones of events never stored). */
	unchanged: number;
	/** Events that could not be stored at all (e.g. a live event without a usable start). */
	failed: number;
}

export interface CalendarWriteResult {
	changes: StoredCalendarChange[];
	counts: CalendarWriteCounts;
}

export interface CalendarPageInput {
	workspaceId: string;
	integrationId: string;
	visibility: IntegrationSettings['visibility'];
	/** Events listed or changed (cancelled ones have status `cancelled`). Last version wins. */
	events: CalendarEventRecord[];
	/** Tombstones without a record (Graph `@removed`): provider ids within one calendar. */
	removed?: { providerCalendarId: string; providerEventIds: string[] };
}

const TABLE = 'calendar_events';
const ATTENDEES = 'calendar_event_attendees';

// ---------------------------------------------------------------- text PostgreSQL accepts

/** text and jsonb refuse NUL, and jsonb refuses lone UTF-16 surrogates (core/store/pgText). */
const clean = pgText;

/** Indexed values must stay under btree's ~2,700-byte row limit: longer ones are dropped. */
const MAX_KEY_BYTES = 1000;
const MAX_ADDRESS_CHARS = 320;

function cleanKey(value: string | null | undefined): string | null {
	const text = clean(value);
	return text !== null && Buffer.byteLength(text) <= MAX_KEY_BYTES ? text : null;
}

// ---------------------------------------------------------------- records → rows

interface EventRow {
	workspace_id: string;
	integration_id: string;
	provider_calendar_id: string;
	provider_event_id: string;
	ical_uid: string | null;
	recurring_event_id: string | null;
	title: string | null;
	description: string | null;
	location: string | null;
	meeting_link: string | null;
	starts_at: string | null;
	ends_at: string | null;
	start_time_zone: string | null;
	end_time_zone: string | null;
	start_date: string | null;
	end_date: string | null;
	is_all_day: boolean;
	attendees: StoredAttendee[];
	organizer_email: string | null;
	organizer_name: string | null;
	status: CalendarEventRecord['status'];
	provider_updated_at: string | null;
	visibility: IntegrationSettings['visibility'];
}

/** What the attendees jsonb column holds (see the migration's comment). */
interface StoredAttendee {
	email: string;
	name: string | null;
	responseStatus: EventAttendee['responseStatus'];
	optional: boolean;
	organizer: boolean;
}

/** An instant PostgreSQL will take (timestamptz), as ISO 8601 in UTC, or null. */
function instantOf(value: string | null | undefined): string | null {
	if (!value) return null;
	const ms = Date.parse(value);
	if (Number.isNaN(ms)) return null;
	const year = new Date(ms).getUTCFullYear();
	return year >= 1 && year <= 9999 ? new Date(ms).toISOString() : null;
}

/** A real calendar date (YYYY-MM-DD), or null. */
function dateOf(value: string | null | undefined): string | null {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
	if (!match || match[1] === '0000') return null;
	const ms = Date.UTC(+match[1], +match[2] - 1, +match[3]);
	return new Date(ms).toISOString().slice(0, 10) === value ? value : null;
}

/** The record's zone when it is an IANA zone (what the column promises), else null. */
function zoneOf(time: EventTime): string | null {
	return isTimeZone(time.timeZone) ? clean(time.timeZone) : null;
}

function attendeesOf(record: CalendarEventRecord): StoredAttendee[] {
	const byAddress = new Map<string, StoredAttendee>();
	for (const attendee of record.attendees) {
		const email = clean(attendee.email)?.trim().toLowerCase();
		if (!email || email.length > MAX_ADDRESS_CHARS) continue;
		byAddress.set(email, {
			email,
			name: clean(attendee.name),
			responseStatus: attendee.responseStatus,
			optional: attendee.optional,
			organizer: attendee.organizer,
		});
	}
	return [...byAddress.values()];
}

/**
 * The row of a record, or null when PostgreSQL would refuse it whatever we did (a live event
 * without a usable start, an id too long to index). Everything else is stored as well as it can
 * be: unusable times become null, text loses NUL bytes and lone surrogates.
 */
function toRow(record: CalendarEventRecord, page: CalendarPageInput): EventRow | null {
	const providerEventId = cleanKey(record.providerEventId);
	const providerCalendarId = cleanKey(record.providerCalendarId);
	if (!providerEventId || !providerCalendarId) return null;
	const startDate = record.isAllDay ? dateOf(record.start.date) : null;
	const startsAt = record.isAllDay ? null : instantOf(record.start.dateTime);
	if (record.status !== 'cancelled' && !startDate && !startsAt) return null;
	const organizerEmail = clean(record.organizer?.email)?.trim().toLowerCase() || null;
	return {
		workspace_id: page.workspaceId,
		integration_id: page.integrationId,
		provider_calendar_id: providerCalendarId,
		provider_event_id: providerEventId,
		ical_uid: cleanKey(record.iCalUid),
		recurring_event_id: clean(record.recurringEventId),
		title: clean(record.title),
		description: clean(record.description),
		location: clean(record.location),
		meeting_link: clean(record.meetingLink),
		starts_at: startsAt,
		ends_at: record.isAllDay ? null : instantOf(record.end.dateTime),
		start_time_zone: zoneOf(record.start),
		end_time_zone: zoneOf(record.end),
		start_date: startDate,
		end_date: record.isAllDay ? dateOf(record.end.date) : null,
		is_all_day: record.isAllDay,
		attendees: attendeesOf(record),
		organizer_email:
			organizerEmail && organizerEmail.length <= MAX_ADDRESS_CHARS ? organizerEmail : null,
		organizer_name: clean(record.organizer?.name),
		status: record.status,
		provider_updated_at: instantOf(record.updated),
		visibility: page.visibility,
	};
}

// ---------------------------------------------------------------- stored rows → records (diffs)

interface StoredRow {
	id: string;
	provider_calendar_id: string;
	provider_event_id: string;
	status: CalendarEventRecord['status'];
	title: string | null;
	location: string | null;
	meeting_link: string | null;
	starts_at: Date | null;
	ends_at: Date | null;
	start_time_zone: string | null;
	end_time_zone: string | null;
	start_date: string | null;
	end_date: string | null;
	is_all_day: boolean;
	attendees: StoredAttendee[] | null;
}

function storedTime(instant: Date | null, date: string | null, zone: string | null): EventTime {
	if (date) return { dateTime: null, date, timeZone: zone };
	if (!instant) return { dateTime: null, date: null, timeZone: zone };
	const dateTime = isTimeZone(zone)
		? formatInstantInZone(instant.getTime(), zone)
		: instant.toISOString();
	return { dateTime, date: null, timeZone: zone };
}

/** The part of a record a diff looks at, rebuilt from a stored row. */
function recordOfRow(row: StoredRow): CalendarEventRecord {
	return {
		provider: 'google',
		providerEventId: row.provider_event_id,
		providerCalendarId: row.provider_calendar_id,
		iCalUid: null,
		recurringEventId: null,
		status: row.status,
		title: row.title,
		description: null,
		location: row.location,
		meetingLink: row.meeting_link,
		isAllDay: row.is_all_day,
		start: storedTime(row.starts_at, row.start_date, row.start_time_zone),
		end: storedTime(row.ends_at, row.end_date, row.end_time_zone),
		recurrence: [],
		organizer: null,
		attendees: (row.attendees ?? []).map((attendee) => ({ ...attendee, self: false })),
		updated: null,
		created: null,
		htmlLink: null,
	};
}

function recordOfEventRow(row: EventRow): CalendarEventRecord {
	return recordOfRow({
		id: '',
		...row,
		starts_at: row.starts_at ? new Date(row.starts_at) : null,
		ends_at: row.ends_at ? new Date(row.ends_at) : null,
	});
}

// ---------------------------------------------------------------- statements

const keyOf = (calendarId: string, eventId: string) => `${calendarId}\u0000${eventId}`;

/** The stored rows of a page's events (one statement). */
async function readStored(
	db: Knex,
	page: CalendarPageInput,
	keys: Array<[string, string]>,
): Promise<Map<string, StoredRow>> {
	if (!keys.length) return new Map();
	const { rows } = await db.raw<{ rows: StoredRow[] }>(
		`select e.id, e.provider_calendar_id, e.provider_event_id, e.status, e.title, e.location,
			e.meeting_link, e.starts_at, e.ends_at, e.start_time_zone, e.end_time_zone,
			e.start_date::text as start_date, e.end_date::text as end_date, e.is_all_day, e.attendees
		from ?? e
		join unnest(?::text[], ?::text[]) as k(calendar_id, event_id)
			on e.provider_calendar_id = k.calendar_id and e.provider_event_id = k.event_id
		where e.workspace_id = ? and e.integration_id = ?
		for update of e`,
		[
			TABLE,
			keys.map(([calendarId]) => calendarId),
			keys.map(([, eventId]) => eventId),
			page.workspaceId,
			page.integrationId,
		],
	);
	return new Map(rows.map((row) => [keyOf(row.provider_calendar_id, row.provider_event_id), row]));
}

const RECORDSET = `
	workspace_id uuid, integration_id uuid, provider_calendar_id text, provider_event_id text,
	ical_uid text, recurring_event_id text, title text, description text, location text,
	meeting_link text, starts_at timestamptz, ends_at timestamptz, start_time_zone text,
	end_time_zone text, start_date date, end_date date, is_all_day boolean, attendees jsonb,
	organizer_email text, organizer_name text, status text, provider_updated_at timestamptz,
	visibility text`;
const COLUMNS = [
	'workspace_id',
	'integration_id',
	'provider_calendar_id',
	'provider_event_id',
	'ical_uid',
	'recurring_event_id',
	'title',
	'description',
	'location',
	'meeting_link',
	'starts_at',
	'ends_at',
	'start_time_zone',
	'end_time_zone',
	'start_date',
	'end_date',
	'is_all_day',
	'attendees',
	'organizer_email',
	'organizer_name',
	'status',
	'provider_updated_at',
	'visibility',
];
/** What makes a row different; visibility follows the settings and is no change of the event. */
const COMPARED = COLUMNS.filter((column) => !column.endsWith('_id') && column !== 'visibility')
	.concat(['ical_uid', 'recurring_event_id'])
	.filter((column, index, all) => all.indexOf(column) === index);
const UPDATED = COLUMNS.slice(4);

/**
 * Inserts new events and rewrites changed ones (one statement); returns the ids of the rows it
 * wrote. Unchanged rows are left alone, updated_at included.
 */
async function upsertRows(db: Knex, rows: EventRow[]): Promise<Map<string, string>> {
	const { rows: written } = await db.raw<{
		rows: Array<{ id: string; provider_calendar_id: string; provider_event_id: string }>;
	}>(
		`insert into ?? as e (${COLUMNS.join(', ')})
		select ${COLUMNS.join(', ')} from jsonb_to_recordset(?::jsonb) as r(${RECORDSET})
		on conflict (workspace_id, integration_id, provider_calendar_id, provider_event_id)
		do update set ${UPDATED.map((column) => `${column} = excluded.${column}`).join(', ')},
			updated_at = now()
		where (${COMPARED.map((column) => `e.${column}`).join(', ')})
			is distinct from (${COMPARED.map((column) => `excluded.${column}`).join(', ')})
		returning e.id, e.provider_calendar_id, e.provider_event_id`,
		[TABLE, JSON.stringify(rows)],
	);
	return new Map(
		written.map((row) => [keyOf(row.provider_calendar_id, row.provider_event_id), row.id]),
	);
}

/** Makes the attendee rows of `events` what their records say (two statements; links kept). */
async function replaceAttendees(
	db: Knex,
	workspaceId: string,
	events: Array<{ id: string; attendees: StoredAttendee[] }>,
): Promise<void> {
	if (!events.length) return;
	const rows = events.flatMap((event) =>
		event.attendees.map((attendee) => ({
			event_id: event.id,
			address: attendee.email,
			display_name: attendee.name,
			response_status: attendee.responseStatus,
			is_organizer: attendee.organizer,
			is_optional: attendee.optional,
		})),
	);
	const recordset = `event_id uuid, address text, display_name text, response_status text,
		is_organizer boolean, is_optional boolean`;
	await db.raw(
		`delete from ?? a where a.event_id = any(?::uuid[]) and not exists (
			select 1 from jsonb_to_recordset(?::jsonb) as r(${recordset})
			where r.event_id = a.event_id and r.address = a.address)`,
		[ATTENDEES, events.map((event) => event.id), JSON.stringify(rows)],
	);
	if (!rows.length) return;
	// person_id is the linker's: an attendee who stays keeps the person matched to them.
	await db.raw(
		`insert into ?? as a (workspace_id, event_id, address, display_name, response_status,
			is_organizer, is_optional)
		select ?::uuid, event_id, address, display_name, response_status, is_organizer, is_optional
		from jsonb_to_recordset(?::jsonb) as r(${recordset})
		on conflict (event_id, address) do update set display_name = excluded.display_name,
			response_status = excluded.response_status, is_organizer = excluded.is_organizer,
			is_optional = excluded.is_optional
		where (a.display_name, a.response_status, a.is_organizer, a.is_optional) is distinct from
			(excluded.display_name, excluded.response_status, excluded.is_organizer, excluded.is_optional)`,
		[ATTENDEES, workspaceId, JSON.stringify(rows)],
	);
}

/** Turns stored live rows into cancelled tombstones, keeping what they said (one statement). */
async function cancelRows(db: Knex, ids: string[]): Promise<string[]> {
	if (!ids.length) return [];
	const { rows } = await db.raw<{ rows: Array<{ id: string }> }>(
		`update ?? set status = 'cancelled', updated_at = now()
		where id = any(?::uuid[]) and status <> 'cancelled' returning id`,
		[TABLE, ids],
	);
	return rows.map((row) => row.id);
}

/** SQLSTATE classes of a refused value: data exception, integrity violation, program limit. */
function refusedValue(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' && /^(22|23|54)/.test(code);
}

/**
 * Upserts rows and their attendees in a savepoint; when PostgreSQL refuses the batch (a value the
 * checks above did not foresee), halves it until the refused event is alone, and leaves it out.
 * The normal path is one statement per table; only a bad event costs more.
 */
async function writeRows(
	db: Knex,
	workspaceId: string,
	rows: EventRow[],
	failed: EventRow[],
): Promise<Map<string, string>> {
	if (!rows.length) return new Map();
	try {
		return await db.transaction(async (savepoint) => {
			const written = await upsertRows(savepoint, rows);
			const byKey = new Map(
				rows.map((row) => [keyOf(row.provider_calendar_id, row.provider_event_id), row]),
			);
			await replaceAttendees(
				savepoint,
				workspaceId,
				[...written].map(([key, id]) => ({ id, attendees: byKey.get(key)!.attendees })),
			);
			return written;
		});
	} catch (error) {
		// Only a value PostgreSQL refuses is the event's fault; a lost connection or a cancelled
		// statement is thrown, or the page's events would be counted failed and skipped for good.
		if (!refusedValue(error)) throw error;
		if (rows.length === 1) {
			failed.push(rows[0]);
			return new Map();
		}
		const half = Math.ceil(rows.length / 2);
		const first = await writeRows(db, workspaceId, rows.slice(0, half), failed);
		const second = await writeRows(db, workspaceId, rows.slice(half), failed);
		return new Map([...first, ...second]);
	}
}

// ---------------------------------------------------------------- the page

/**
 * Stores one page of a calendar source inside the caller's transaction `db` (the same one that
 * then writes the cursor). Live events are inserted or rewritten when they changed; a cancelled
 * event already stored becomes a tombstone that keeps its title, times and attendees (Google's and
 * Graph's tombstones carry none of them). A cancelled event never stored is left out, except a
 * cancelled occurrence of a series: its tombstone row says which occurrence no longer takes place.
 */
export async function writeCalendarEventPage(
	db: Knex,
	page: CalendarPageInput,
): Promise<CalendarWriteResult> {
	const counts: CalendarWriteCounts = {
		created: 0,
		updated: 0,
		cancelled: 0,
		unchanged: 0,
		failed: 0,
	};
	const changes: StoredCalendarChange[] = [];

	// Last version of each event wins (a page may hold an event twice).
	const latest = new Map<string, CalendarEventRecord>();
	for (const record of page.events) {
		latest.delete(keyOf(record.providerCalendarId, record.providerEventId));
		latest.set(keyOf(record.providerCalendarId, record.providerEventId), record);
	}
	const removedCalendar = page.removed?.providerCalendarId;
	const removed = (page.removed?.providerEventIds ?? []).filter(
		(id) => removedCalendar !== undefined && !latest.has(keyOf(removedCalendar, id)),
	);

	const rows: EventRow[] = [];
	for (const record of latest.values()) {
		const row = toRow(record, page);
		if (row) rows.push(row);
		else counts.failed++;
	}
	const keys: Array<[string, string]> = [
		...rows.map((row): [string, string] => [row.provider_calendar_id, row.provider_event_id]),
		...removed.map((id): [string, string] => [removedCalendar!, id]),
	];
	const stored = await readStored(db, page, keys);

	// Cancellations of stored events only change their status; everything else is upserted.
	const toCancel: StoredRow[] = [];
	const toUpsert: EventRow[] = [];
	for (const row of rows) {
		const before = stored.get(keyOf(row.provider_calendar_id, row.provider_event_id));
		if (row.status === 'cancelled' && before) {
			if (before.status === 'cancelled') counts.unchanged++;
			else toCancel.push(before);
		} else if (row.status === 'cancelled' && !row.recurring_event_id) {
			// Created and deleted between two syncs: nothing to keep of it.
			counts.unchanged++;
		} else toUpsert.push(row);
	}
	for (const id of removed) {
		const before = stored.get(keyOf(removedCalendar!, id));
		if (before && before.status !== 'cancelled') toCancel.push(before);
		else counts.unchanged++;
	}

	const failedRows: EventRow[] = [];
	const written = await writeRows(db, page.workspaceId, toUpsert, failedRows);
	counts.failed += failedRows.length;
	for (const row of toUpsert) {
		const key = keyOf(row.provider_calendar_id, row.provider_event_id);
		const eventId = written.get(key);
		if (!eventId) {
			if (!failedRows.includes(row)) counts.unchanged++;
			continue;
		}
		const before = stored.get(key);
		const base = {
			eventId,
			providerCalendarId: row.provider_calendar_id,
			providerEventId: row.provider_event_id,
		};
		if (!before) {
			// A tombstone of an event never stored announces nothing.
			if (row.status === 'cancelled') counts.unchanged++;
			else {
				counts.created++;
				changes.push({ changeType: 'created', ...base, changes: null });
			}
			continue;
		}
		counts.updated++;
		changes.push({
			changeType: 'updated',
			...base,
			changes: diffCalendarEvents(recordOfRow(before), recordOfEventRow(row)),
		});
	}

	const cancelled = new Set(
		await cancelRows(
			db,
			toCancel.map((row) => row.id),
		),
	);
	for (const row of toCancel) {
		if (!cancelled.has(row.id)) {
			counts.unchanged++;
			continue;
		}
		counts.cancelled++;
		changes.push({
			changeType: 'cancelled',
			eventId: row.id,
			providerCalendarId: row.provider_calendar_id,
			providerEventId: row.provider_event_id,
			changes: null,
		});
	}
	return { changes, counts };
}

/**
 * After a complete listing of one calendar: its stored live events that the listing did not hold
 * were deleted meanwhile and become cancelled tombstones (one statement). Only events within the
 * listing's horizon are judged: those ending before `since` (or starting after `until`) were not
 * listed whatever became of them, and stay as they are.
 */
export async function cancelUnlistedCalendarEvents(
	db: Knex,
	scope: {
		workspaceId: string;
		integrationId: string;
		providerCalendarId: string;
		listedEventIds: string[];
		since: Date | null;
		until?: Date | null;
	},
): Promise<StoredCalendarChange[]> {
	const since = scope.since ? scope.since.toISOString() : null;
	const until = scope.until ? scope.until.toISOString() : null;
	// All-day events are dates in the calendar's zone, up to 14 hours from UTC: only those a whole
	// day inside the horizon are judged, so that one the provider left out at its edge is not.
	const { rows } = await db.raw<{ rows: Array<{ id: string; provider_event_id: string }> }>(
		`update :table: e set status = 'cancelled', updated_at = now()
		where e.workspace_id = :workspaceId and e.integration_id = :integrationId
			and e.provider_calendar_id = :calendarId and e.status <> 'cancelled'
			and not (e.provider_event_id = any(:listed::text[]))
			and case when e.is_all_day then
				(:since::timestamptz is null
					or e.end_date > (:since::timestamptz at time zone 'UTC')::date + 1)
				and (:until::timestamptz is null
					or e.start_date < (:until::timestamptz at time zone 'UTC')::date - 1)
			else
				(:since::timestamptz is null or coalesce(e.ends_at, e.starts_at) > :since::timestamptz)
				and (:until::timestamptz is null or e.starts_at < :until::timestamptz)
			end
		returning e.id, e.provider_event_id`,
		{
			table: TABLE,
			workspaceId: scope.workspaceId,
			integrationId: scope.integrationId,
			calendarId: scope.providerCalendarId,
			listed: scope.listedEventIds,
			since,
			until,
		},
	);
	return rows.map((row) => ({
		changeType: 'cancelled',
		eventId: row.id,
		providerCalendarId: scope.providerCalendarId,
		providerEventId: row.provider_event_id,
		changes: null,
	}));
}

/**
 * Gives an integration's stored events the visibility its settings now say (one statement; not a
 * change of the events themselves).
 */
export async function applyCalendarVisibility(
	db: Knex,
	scope: { workspaceId: string; integrationId: string },
	visibility: IntegrationSettings['visibility'],
): Promise<number> {
	return await db(TABLE)
		.where({ workspace_id: scope.workspaceId, integration_id: scope.integrationId })
		.whereNot({ visibility })
		.update({ visibility, updated_at: db.fn.now() });
}
