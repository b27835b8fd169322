import { z } from 'zod';

/**
 * The normalised calendar event: what the Google Calendar and Microsoft 365 nodes output and what
 * the sync engine stores (tables calendar_events + calendar_event_attendees). Timed events keep
 * their instant and IANA time zone; all-day events are dates (end exclusive), never midnights.
 */
export const eventAttendeeSchema = z.object({
	email: z.string(),
	name: z.string().nullable(),
	responseStatus: z.enum(['needsAction', 'accepted', 'declined', 'tentative']),
	organizer: z.boolean(),
	optional: z.boolean(),
	self: z.boolean(),
});
export type EventAttendee = z.infer<typeof eventAttendeeSchema>;

export const eventTimeSchema = z.object({
	/** ISO 8601 instant with offset, for timed events. */
	dateTime: z.string().nullable(),
	/** YYYY-MM-DD, for all-day events. */
	date: z.string().nullable(),
	/** IANA time zone (Europe/Berlin); Windows zone names are mapped to IANA. */
	timeZone: z.string().nullable(),
});
export type EventTime = z.infer<typeof eventTimeSchema>;

export const calendarEventRecordSchema = z.object({
	provider: z.enum(['google', 'microsoft']),
	providerEventId: z.string(),
	providerCalendarId: z.string(),
	iCalUid: z.string().nullable(),
	/** Master event id when this is an instance of a recurring series. */
	recurringEventId: z.string().nullable(),
	status: z.enum(['confirmed', 'tentative', 'cancelled']),
	title: z.string().nullable(),
	description: z.string().nullable(),
	location: z.string().nullable(),
	/** Video meeting link (Google Meet, Teams, …). */
	meetingLink: z.string().nullable(),
	isAllDay: z.boolean(),
	start: eventTimeSchema,
	end: eventTimeSchema,
	recurrence: z.array(z.string()),
	organizer: z.object({ email: z.string(), name: z.string().nullable() }).nullable(),
	attendees: z.array(eventAttendeeSchema),
	/** Last change at the provider (ISO 8601). */
	updated: z.string().nullable(),
	created: z.string().nullable(),
	htmlLink: z.string().nullable(),
});
export type CalendarEventRecord = z.infer<typeof calendarEventRecordSchema>;

/** What changed between two versions of an event, for "updated" triggers. */
export interface CalendarEventChanges {
	time: boolean;
	title: boolean;
	location: boolean;
	status: boolean;
	/** Attendees whose response changed: address → { from, to }. */
	responses: Record<
		string,
		{ from: EventAttendee['responseStatus'] | null; to: EventAttendee['responseStatus'] | null }
	>;
	attendeesAdded: string[];
	attendeesRemoved: string[];
}

export function diffCalendarEvents(
	before: CalendarEventRecord,
	after: CalendarEventRecord,
): CalendarEventChanges {
	const sameTime = (a: EventTime, b: EventTime) =>
		a.date === b.date &&
		a.timeZone === b.timeZone &&
		(a.dateTime === b.dateTime || Date.parse(a.dateTime ?? '') === Date.parse(b.dateTime ?? ''));
	const beforeByEmail = new Map(
		before.attendees.map((attendee) => [attendee.email.toLowerCase(), attendee]),
	);
	const afterByEmail = new Map(
		after.attendees.map((attendee) => [attendee.email.toLowerCase(), attendee]),
	);
	const responses: CalendarEventChanges['responses'] = {};
	for (const [email, attendee] of afterByEmail) {
		const previous = beforeByEmail.get(email);
		if (previous && previous.responseStatus !== attendee.responseStatus) {
			responses[email] = { from: previous.responseStatus, to: attendee.responseStatus };
		}
	}
	return {
		time:
			!sameTime(before.start, after.start) ||
			!sameTime(before.end, after.end) ||
			before.isAllDay !== after.isAllDay,
		title: before.title !== after.title,
		location: before.location !== after.location || before.meetingLink !== after.meetingLink,
		status: before.status !== after.status,
		responses,
		attendeesAdded: [...afterByEmail.keys()].filter((email) => !beforeByEmail.has(email)),
		attendeesRemoved: [...beforeByEmail.keys()].filter((email) => !afterByEmail.has(email)),
	};
}
