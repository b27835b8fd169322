import { randomUUID } from 'node:crypto';

import type { calendar_v3 } from '@googleapis/calendar';

import { ProviderHttpError } from '../http';
import type { GoogleCalendarEvent } from './calendarRecords';
import { dayAfter, isTimeZone, toDateOnly, toRfc3339 } from '../../time/zonedTime';

export interface ListCalendarEventsOptions {
	/** RFC 3339 bounds: events ending after timeMin and starting before timeMax. */
	timeMin?: string;
	timeMax?: string;
	/** Expand recurring series into their occurrences. */
	singleEvents?: boolean;
	/** Free-text search (title, description, location, attendees). */
	q?: string;
	/** Include cancelled events. */
	showDeleted?: boolean;
	orderBy?: 'startTime' | 'updated';
	/** Only events changed since this RFC 3339 time (deleted ones included, as Google does). */
	updatedMin?: string;
	/** Stop after this many events; undefined = every page to the end. */
	limit?: number;
}

export interface CalendarEventListing {
	events: GoogleCalendarEvent[];
	/** The calendar's time zone, as the listing reports it. */
	timeZone: string | null;
}

/** Events per page: the API's maximum. */
export const CALENDAR_PAGE_SIZE = 2500;

/**
 * Events of a calendar, following nextPageToken to the end (or to `limit`). Following changes by
 * sync token is the change source's (calendarChangeSource.ts).
 */
export async function listCalendarEvents(
	calendar: calendar_v3.Calendar,
	calendarId: string,
	options: ListCalendarEventsOptions = {},
): Promise<CalendarEventListing> {
	const events: GoogleCalendarEvent[] = [];
	let timeZone: string | null = null;
	let pageToken: string | undefined;
	for (;;) {
		const remaining =
			options.limit === undefined ? CALENDAR_PAGE_SIZE : options.limit - events.length;
		const { data } = await calendar.events.list({
			calendarId,
			timeMin: options.timeMin,
			timeMax: options.timeMax,
			singleEvents: options.singleEvents,
			q: options.q || undefined,
			showDeleted: options.showDeleted,
			orderBy: options.orderBy,
			updatedMin: options.updatedMin,
			maxResults: Math.min(CALENDAR_PAGE_SIZE, Math.max(1, remaining)),
			pageToken,
		});
		timeZone = data.timeZone ?? timeZone;
		events.push(...(data.items ?? []));
		pageToken = data.nextPageToken ?? undefined;
		if (options.limit !== undefined && events.length >= options.limit) {
			return { events: events.slice(0, options.limit), timeZone };
		}
		if (!pageToken) return { events, timeZone };
	}
}

/**
 * The calendar's real id and time zone. Reading them needs a calendar (not only an events)
 * permission; without it the id stays as given and the listings report the time zone.
 */
export async function describeCalendar(
	calendar: calendar_v3.Calendar,
	calendarId: string,
): Promise<{ calendarId: string; timeZone: string | null }> {
	try {
		const { data } = await calendar.calendars.get({ calendarId });
		return { calendarId: data.id ?? calendarId, timeZone: data.timeZone ?? null };
	} catch (error) {
		if (error instanceof ProviderHttpError && error.status === 403) {
			return { calendarId, timeZone: null };
		}
		throw error;
	}
}

/** Every calendar in the user's calendar list, paged to the end. */
export async function listCalendars(
	calendar: calendar_v3.Calendar,
	options: { minAccessRole?: string } = {},
): Promise<calendar_v3.Schema$CalendarListEntry[]> {
	const calendars: calendar_v3.Schema$CalendarListEntry[] = [];
	let pageToken: string | undefined;
	do {
		const { data } = await calendar.calendarList.list({
			maxResults: 250,
			minAccessRole: options.minAccessRole || undefined,
			pageToken,
		});
		calendars.push(...(data.items ?? []));
		pageToken = data.nextPageToken ?? undefined;
	} while (pageToken);
	return calendars;
}

/** What a user gives to create or change an event; absent fields are left alone on update. */
export interface CalendarEventInput {
	title?: string;
	description?: string;
	location?: string;
	/** A wall-clock time (read in timeZone), an instant with an offset, or a date when allDay. */
	start?: string;
	/** For all-day events the last day of the event (inclusive); empty: the start day. */
	end?: string;
	allDay?: boolean;
	/** IANA zone of start and end (the event keeps it). */
	timeZone?: string;
	/** Attendee addresses (replaces the list). */
	attendees?: Array<{ email: string; name?: string | null; optional?: boolean }>;
	/** RRULE/EXDATE/RDATE lines (replaces the recurrence). */
	recurrence?: string[];
	/** Ask Google to create a Google Meet conference (needs conferenceDataVersion=1). */
	addGoogleMeet?: boolean;
}

export interface CalendarEventWrite {
	body: calendar_v3.Schema$Event;
	/** 1 when the body asks for a conference. */
	conferenceDataVersion?: number;
}

function eventTime(
	value: string,
	allDay: boolean,
	zone: string,
	which: 'start' | 'end',
): calendar_v3.Schema$EventDateTime {
	if (allDay) return { date: toDateOnly(value) };
	if (!value.trim()) throw new Error(`The ${which} time is empty`);
	// A wall-clock time is read in the zone; either way Google gets the instant with its offset
	// and the zone, which the event keeps (recurrences expand in it).
	return { dateTime: toRfc3339(value, zone), timeZone: zone };
}

/**
 * The Calendar API body for an event insert or patch, holding only the fields given. All-day
 * events get Google's exclusive end date (the day after the last day).
 */
export function toGoogleEventWrite(input: CalendarEventInput): CalendarEventWrite {
	const body: calendar_v3.Schema$Event = {};
	if (input.title !== undefined) body.summary = input.title;
	if (input.description !== undefined) body.description = input.description;
	if (input.location !== undefined) body.location = input.location;
	const allDay = input.allDay ?? false;
	const zone = input.timeZone || 'UTC';
	if (!allDay && !isTimeZone(zone)) throw new Error(`"${zone}" is not an IANA time zone`);
	if (input.start) {
		body.start = eventTime(input.start, allDay, zone, 'start');
		if (allDay) {
			const last = input.end ? toDateOnly(input.end) : (body.start.date as string);
			if (last < (body.start.date as string)) throw new Error('The end is before the start');
			body.end = { date: dayAfter(last) };
		} else if (input.end) {
			body.end = eventTime(input.end, false, zone, 'end');
		} else {
			throw new Error('A timed event needs an end time');
		}
	} else if (input.end) {
		body.end = allDay
			? { date: dayAfter(toDateOnly(input.end)) }
			: eventTime(input.end, false, zone, 'end');
	} else if (input.allDay !== undefined) {
		throw new Error('Give the start (and end) when switching between all-day and timed');
	}
	if (input.attendees !== undefined) {
		body.attendees = input.attendees.map((attendee) => ({
			email: attendee.email,
			...(attendee.name ? { displayName: attendee.name } : {}),
			...(attendee.optional ? { optional: true } : {}),
		}));
	}
	if (input.recurrence !== undefined) body.recurrence = input.recurrence;
	if (input.addGoogleMeet) {
		body.conferenceData = {
			createRequest: { requestId: randomUUID(), conferenceSolutionKey: { type: 'hangoutsMeet' } },
		};
		return { body, conferenceDataVersion: 1 };
	}
	return { body };
}
