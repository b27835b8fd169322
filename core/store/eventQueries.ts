// The read side of synced calendars: pages of events in start order (keyset on the start instant
// and id: timed events by starts_at, all-day events by their first day at 00:00 UTC), filtered by
// time range, calendar and linked record; one event with its attendees and links. Scoped by the
// workspace, masked per the event's visibility inside the SELECT.
import {
	decodeCursor,
	encodeCursor,
	isUuid,
	iso,
	linkOf,
	pageLimit,
	QueryInputError,
	rangeBound,
	readLinks,
	requireUuid,
	type Condition,
	type Page,
	type PageOptions,
	type ReadDatabase,
	type LinkedRecord,
	type Visibility,
} from './emailQueries';

export interface EventFilters {
	/** Events that end after this instant (a date alone: its start, UTC). */
	from?: Date | string;
	/** Events that start before this instant (a date alone: the end of that day, UTC). */
	to?: Date | string;
	integrationId?: string;
	/** Provider calendar id (Google calendar id, Graph calendar id). */
	calendarId?: string;
	/** Events linked to this person (record links, or an attendee matched to the person). */
	personId?: string;
	/** Events linked to this company (record links, or an attendee who is one of its people). */
	companyId?: string;
	/** Cancelled events are left out unless this is set. */
	includeCancelled?: boolean;
}

export type ListEventsOptions = EventFilters & PageOptions;

export interface EventAttendeeJson {
	email: string;
	name: string | null;
	responseStatus: 'needsAction' | 'accepted' | 'declined' | 'tentative';
	isOrganizer: boolean;
	isOptional: boolean;
	personId: string | null;
}

export interface EventRecordJson {
	id: string;
	integrationId: string;
	calendarId: string;
	providerEventId: string;
	icalUid: string | null;
	recurringEventId: string | null;
	/** Null when the visibility is `metadata`. */
	title: string | null;
	/** Null unless the visibility is `everything` (so are location and meetingLink). */
	description: string | null;
	location: string | null;
	meetingLink: string | null;
	isAllDay: boolean;
	/** Timed events: instants; all-day events: null. */
	startsAt: string | null;
	endsAt: string | null;
	startTimeZone: string | null;
	endTimeZone: string | null;
	/** All-day events: first day and the day after the last (YYYY-MM-DD); timed events: null. */
	startDate: string | null;
	endDate: string | null;
	organizer: { email: string; name: string | null } | null;
	status: 'confirmed' | 'tentative' | 'cancelled';
	visibility: Visibility;
	providerUpdatedAt: string | null;
	attendees: EventAttendeeJson[];
	links: LinkedRecord[];
	createdAt: string;
	updatedAt: string;
}

interface EventRow {
	id: string;
	integration_id: string;
	provider_calendar_id: string;
	provider_event_id: string;
	ical_uid: string | null;
	recurring_event_id: string | null;
	title: string | null;
	description: string | null;
	location: string | null;
	meeting_link: string | null;
	is_all_day: boolean;
	starts_at: Date | null;
	ends_at: Date | null;
	start_time_zone: string | null;
	end_time_zone: string | null;
	start_date: string | null;
	end_date: string | null;
	organizer_email: string | null;
	organizer_name: string | null;
	status: EventRecordJson['status'];
	visibility: Visibility;
	provider_updated_at: Date | null;
	created_at: Date;
	updated_at: Date;
	sort_key: string;
}

interface AttendeeRow {
	event_id: string;
	address: string;
	display_name: string | null;
	response_status: EventAttendeeJson['responseStatus'];
	is_organizer: boolean;
	is_optional: boolean;
	person_id: string | null;
}

// Dates as text: node-pg would turn a date into a local-midnight Date and shift the day.
const EVENT_COLUMNS = `
	v.id, v.integration_id, v.provider_calendar_id, v.provider_event_id, v.ical_uid,
	v.recurring_event_id,
	case when v.visibility = 'metadata' then null else v.title end as title,
	case when v.visibility = 'everything' then v.description end as description,
	case when v.visibility = 'everything' then v.location end as location,
	case when v.visibility = 'everything' then v.meeting_link end as meeting_link,
	v.is_all_day, v.starts_at, v.ends_at, v.start_time_zone, v.end_time_zone,
	v.start_date::text as start_date, v.end_date::text as end_date,
	v.organizer_email, v.organizer_name, v.status, v.visibility, v.provider_updated_at,
	v.created_at, v.updated_at, v.starts_key::text as sort_key`;

function eventConditions(workspaceId: string, filters: EventFilters): Condition[] {
	const conditions: Condition[] = [];
	if (!filters.includeCancelled) conditions.push({ sql: "v.status <> 'cancelled'", bindings: [] });
	if (filters.from !== undefined && filters.from !== null && filters.from !== '') {
		conditions.push({ sql: 'v.ends_key > ?', bindings: [rangeBound(filters.from, 'from', false)] });
	}
	if (filters.to !== undefined && filters.to !== null && filters.to !== '') {
		conditions.push({
			sql: "v.starts_key < ? and v.starts_key > '-infinity'",
			bindings: [rangeBound(filters.to, 'to', true)],
		});
	}
	if (filters.integrationId !== undefined) {
		conditions.push({
			sql: 'v.integration_id = ?',
			bindings: [requireUuid(filters.integrationId, 'integrationId')],
		});
	}
	if (filters.calendarId !== undefined) {
		if (typeof filters.calendarId !== 'string' || filters.calendarId === '') {
			throw new QueryInputError('calendarId must be a non-empty text');
		}
		conditions.push({
			sql: 'v.provider_calendar_id = ?',
			bindings: [filters.calendarId.replaceAll('\u0000', '')],
		});
	}
	if (filters.personId !== undefined) {
		const personId = requireUuid(filters.personId, 'personId');
		conditions.push({
			sql: `v.id in (
				select l.subject_id from record_links as l
				where l.workspace_id = ? and l.subject_type = 'calendar_event' and l.record_type = 'person'
				  and l.record_id = ? and l.link_source in ('auto', 'manual')
				union all
				select a.event_id from calendar_event_attendees as a
				where a.workspace_id = ? and a.person_id = ?
				  and not exists (select 1 from record_links as s
				    where s.workspace_id = a.workspace_id and s.subject_type = 'calendar_event' and s.subject_id = a.event_id
				      and s.record_type = 'person' and s.record_id = a.person_id and s.link_source = 'suppressed'))`,
			bindings: [workspaceId, personId, workspaceId, personId],
		});
	}
	if (filters.companyId !== undefined) {
		const companyId = requireUuid(filters.companyId, 'companyId');
		conditions.push({
			sql: `v.id in (
				select l.subject_id from record_links as l
				where l.workspace_id = ? and l.subject_type = 'calendar_event' and l.record_type = 'company'
				  and l.record_id = ? and l.link_source in ('auto', 'manual')
				union all
				select a.event_id from calendar_event_attendees as a
				join people as pe on pe.id = a.person_id and pe.workspace_id = a.workspace_id
				where a.workspace_id = ? and pe.company_id = ?
				  and not exists (select 1 from record_links as s
				    where s.workspace_id = a.workspace_id and s.subject_type = 'calendar_event' and s.subject_id = a.event_id
				      and s.record_type = 'company' and s.record_id = pe.company_id and s.link_source = 'suppressed'))`,
			bindings: [workspaceId, companyId, workspaceId, companyId],
		});
	}
	return conditions;
}

async function decorateEvents(
	database: ReadDatabase,
	workspaceId: string,
	rows: EventRow[],
): Promise<EventRecordJson[]> {
	if (rows.length === 0) return [];
	const ids = rows.map((row) => row.id);
	const [attendees, links] = await Promise.all([
		database.knex
			.raw<{ rows: AttendeeRow[] }>(
				`select event_id, address, display_name, response_status, is_organizer, is_optional, person_id
				 from calendar_event_attendees where workspace_id = ? and event_id = any(?::uuid[])
				 order by event_id, is_organizer desc, address`,
				[workspaceId, ids],
			)
			.then((result) => result.rows),
		readLinks(database, workspaceId, 'calendar_event', ids),
	]);
	return rows.map((row) => ({
		id: row.id,
		integrationId: row.integration_id,
		calendarId: row.provider_calendar_id,
		providerEventId: row.provider_event_id,
		icalUid: row.ical_uid,
		recurringEventId: row.recurring_event_id,
		title: row.title,
		description: row.description,
		location: row.location,
		meetingLink: row.meeting_link,
		isAllDay: row.is_all_day,
		startsAt: row.is_all_day ? null : iso(row.starts_at),
		endsAt: row.is_all_day ? null : iso(row.ends_at),
		startTimeZone: row.start_time_zone,
		endTimeZone: row.end_time_zone,
		startDate: row.is_all_day ? row.start_date : null,
		endDate: row.is_all_day ? row.end_date : null,
		organizer: row.organizer_email
			? { email: row.organizer_email, name: row.organizer_name || null }
			: null,
		status: row.status,
		visibility: row.visibility,
		providerUpdatedAt: iso(row.provider_updated_at),
		attendees: attendees
			.filter((attendee) => attendee.event_id === row.id)
			.map((attendee) => ({
				email: attendee.address,
				name: attendee.display_name,
				responseStatus: attendee.response_status,
				isOrganizer: attendee.is_organizer,
				isOptional: attendee.is_optional,
				personId: attendee.person_id,
			})),
		links: links.filter((link) => link.subject_id === row.id).map(linkOf),
		createdAt: iso(row.created_at) as string,
		updatedAt: iso(row.updated_at) as string,
	}));
}

/**
 * A page of the workspace's events in start order (earliest first). With from/to: the events that
 * overlap [from, to). Cancelled events only with includeCancelled.
 */
export async function listEvents(
	database: ReadDatabase,
	workspaceId: string,
	options: ListEventsOptions = {},
): Promise<Page<EventRecordJson>> {
	requireUuid(workspaceId, 'workspaceId');
	const limit = pageLimit(options.limit);
	const conditions = eventConditions(workspaceId, options);
	if (options.cursor) {
		const { key, id } = decodeCursor(options.cursor);
		conditions.push({
			sql: '(v.starts_key, v.id) > (?::timestamptz, ?::uuid)',
			bindings: [key, id],
		});
	}
	const result = await database.knex.raw<{ rows: EventRow[] }>(
		`select ${EVENT_COLUMNS} from calendar_events as v
		 where v.workspace_id = ? ${conditions.map((condition) => `and (${condition.sql})`).join(' ')}
		 order by v.starts_key, v.id
		 limit ?`,
		[workspaceId, ...conditions.flatMap((condition) => condition.bindings), limit + 1],
	);
	const rows = result.rows.slice(0, limit);
	const last = rows[rows.length - 1];
	return {
		items: await decorateEvents(database, workspaceId, rows),
		nextCursor: result.rows.length > limit && last ? encodeCursor(last.sort_key, last.id) : null,
	};
}

/** One event of the workspace with its attendees and links; null when there is none with this id. */
export async function getEvent(
	database: ReadDatabase,
	workspaceId: string,
	eventId: string,
): Promise<EventRecordJson | null> {
	requireUuid(workspaceId, 'workspaceId');
	if (!isUuid(eventId)) return null;
	const result = await database.knex.raw<{ rows: EventRow[] }>(
		`select ${EVENT_COLUMNS} from calendar_events as v where v.workspace_id = ? and v.id = ?`,
		[workspaceId, eventId],
	);
	if (result.rows.length === 0) return null;
	const [event] = await decorateEvents(database, workspaceId, result.rows);
	return event;
}
