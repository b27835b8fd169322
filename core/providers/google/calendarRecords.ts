import type { calendar_v3 } from '@googleapis/calendar';

import {
	calendarEventRecordSchema,
	type CalendarEventRecord,
	type EventAttendee,
	type EventTime,
} from '../../records/calendarEventRecord';
import { formatInstantInZone, isTimeZone } from '../../time/zonedTime';

/** A Calendar API v3 event resource. */
export type GoogleCalendarEvent = calendar_v3.Schema$Event;

export interface GoogleEventContext {
	/** The calendar the event was read from (its real id, not the alias `primary`, when known). */
	calendarId: string;
	/** The calendar's IANA time zone: the zone of timed events that name none of their own. */
	calendarTimeZone?: string | null;
}

const RESPONSES = new Set<EventAttendee['responseStatus']>([
	'needsAction',
	'accepted',
	'declined',
	'tentative',
]);
const STATUSES = new Set<CalendarEventRecord['status']>(['confirmed', 'tentative', 'cancelled']);

const text = (value: string | null | undefined) => (value ? value : null);
const address = (value: string | null | undefined) => value?.trim().toLowerCase() || null;

/**
 * A start or end: all-day events keep their date (end exclusive, as Google stores it); timed
 * events keep their instant, written in the event's own IANA zone (falling back to the
 * calendar's), so `10:00 Asia/Tokyo` reads `10:00+09:00` whichever zone the API answered in.
 */
function toEventTime(
	value: calendar_v3.Schema$EventDateTime | null | undefined,
	fallbackZone: string | null,
): EventTime {
	const zone = isTimeZone(value?.timeZone) ? value.timeZone : fallbackZone;
	if (value?.date) return { dateTime: null, date: value.date, timeZone: zone };
	if (!value?.dateTime) return { dateTime: null, date: null, timeZone: zone };
	const instant = Date.parse(value.dateTime);
	if (Number.isNaN(instant) || !zone)
		return { dateTime: value.dateTime, date: null, timeZone: zone };
	return { dateTime: formatInstantInZone(instant, zone), date: null, timeZone: zone };
}

/** The video link: Google Meet's hangoutLink, else the conference's video entry point. */
function meetingLinkOf(event: GoogleCalendarEvent): string | null {
	if (event.hangoutLink) return event.hangoutLink;
	const video = event.conferenceData?.entryPoints?.find(
		(entryPoint) => entryPoint.entryPointType === 'video' && entryPoint.uri,
	);
	return video?.uri ?? null;
}

/**
 * A Calendar API event as a CRM calendar event record. A cancelled event that Google returns as a
 * tombstone (only id, status and — for an occurrence of a series — recurringEventId and
 * originalStartTime) becomes a record with status `cancelled`, the occurrence's original start as
 * its start, and nulls elsewhere.
 */
export function googleEventToRecord(
	event: GoogleCalendarEvent,
	context: GoogleEventContext,
): CalendarEventRecord {
	const calendarZone = isTimeZone(context.calendarTimeZone) ? context.calendarTimeZone : null;
	const startValue = event.start ?? event.originalStartTime;
	// The event's zone (from its start) also reads an end that names none.
	const eventZone = isTimeZone(startValue?.timeZone) ? startValue.timeZone : calendarZone;
	const start = toEventTime(startValue, eventZone);
	const end = toEventTime(event.end, eventZone);
	const organizerEmail = address(event.organizer?.email);
	const attendees: EventAttendee[] = [];
	for (const attendee of event.attendees ?? []) {
		const email = address(attendee.email);
		if (!email) continue;
		const responseStatus = attendee.responseStatus as EventAttendee['responseStatus'];
		attendees.push({
			email,
			name: text(attendee.displayName?.trim()),
			responseStatus: RESPONSES.has(responseStatus) ? responseStatus : 'needsAction',
			organizer: attendee.organizer === true || (!!organizerEmail && email === organizerEmail),
			optional: attendee.optional === true,
			self: attendee.self === true,
		});
	}
	const status = event.status as CalendarEventRecord['status'];
	return calendarEventRecordSchema.parse({
		provider: 'google',
		providerEventId: event.id ?? '',
		providerCalendarId: context.calendarId,
		iCalUid: text(event.iCalUID),
		recurringEventId: text(event.recurringEventId),
		status: STATUSES.has(status) ? status : 'confirmed',
		title: text(event.summary),
		description: text(event.description),
		location: text(event.location),
		meetingLink: meetingLinkOf(event),
		isAllDay: !!startValue?.date,
		start,
		end,
		recurrence: event.recurrence ?? [],
		organizer: organizerEmail
			? { email: organizerEmail, name: text(event.organizer?.displayName?.trim()) }
			: null,
		attendees,
		updated: text(event.updated),
		created: text(event.created),
		htmlLink: text(event.htmlLink),
	});
}
