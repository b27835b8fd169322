import { dayAfter, toDateOnly, zoneOffsetMs } from '../../time/zonedTime';
import { toGraphRecipients } from './graphMailSend';
import { toIanaTimeZone } from './windowsTimeZones';

// What users type for an event (node parameters, sync-engine writes) as Graph's event body.

/**
 * A start or end for Graph (`dateTimeTimeZone`) from what a user typed: a wall-clock time
 * (`2026-12-01T10:00`, read in `timeZone`), an instant with an offset or `Z` (converted to the
 * wall clock of `timeZone`), or for all-day events a date (midnight of that date).
 */
export function toGraphDateTime(
	value: string,
	timeZone: string,
	isAllDay = false,
): { dateTime: string; timeZone: string } {
	const text = value.trim();
	const zone = toIanaTimeZone(timeZone);
	if (!zone) throw new Error(`"${timeZone}" is not a time zone (use an IANA or Windows name)`);
	if (isAllDay) {
		const date = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
		if (!date) throw new Error(`"${value}" is not a date (YYYY-MM-DD)`);
		return { dateTime: `${date}T00:00:00`, timeZone };
	}
	const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
	if (!hasOffset) {
		const wall = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)/.exec(text);
		if (!wall) throw new Error(`"${value}" is not a date and time (YYYY-MM-DDTHH:MM)`);
		const time = wall[2].length === 5 ? `${wall[2]}:00` : wall[2];
		return { dateTime: `${wall[1]}T${time}`, timeZone };
	}
	const instant = Date.parse(text);
	if (Number.isNaN(instant)) throw new Error(`"${value}" is not a date and time`);
	const local = new Date(instant + zoneOffsetMs(instant, zone)).toISOString().slice(0, 19);
	return { dateTime: local, timeZone };
}

/** Event fields as a user gives them; absent fields are left out of the body (for PATCH). */
export interface GraphEventInput {
	subject?: string;
	/** Wall-clock time in `timeZone`, an instant with an offset, or a date for all-day events. */
	start?: string;
	end?: string;
	/** IANA or Windows name (default UTC). */
	timeZone?: string;
	isAllDay?: boolean;
	/** Address lists (`"Doe, Bob" <bob@example.com>; ann@example.com`). */
	attendees?: string;
	optionalAttendees?: string;
	body?: string;
	bodyContentType?: string;
	location?: string;
	showAs?: string;
	isOnlineMeeting?: boolean;
}

export interface GraphAttendeeWrite {
	emailAddress: { address: string; name?: string };
	type: 'required' | 'optional';
}

/** The Graph event body for the fields given. */
export function toGraphEventWrite(input: GraphEventInput): Record<string, unknown> {
	const event: Record<string, unknown> = {};
	const timeZone = input.timeZone || 'UTC';
	if (input.subject !== undefined) event.subject = input.subject;
	if (input.isAllDay !== undefined) event.isAllDay = input.isAllDay;
	const allDay = input.isAllDay ?? false;
	if (input.start) event.start = toGraphDateTime(input.start, timeZone, allDay);
	if (input.end) {
		let end = input.end;
		// An all-day event ends at the next midnight: a same-day end means one day.
		if (allDay && input.start && toDateOnly(end) <= toDateOnly(input.start)) {
			end = dayAfter(toDateOnly(input.start));
		}
		event.end = toGraphDateTime(end, timeZone, allDay);
	}
	if (input.body !== undefined) {
		event.body = { contentType: input.bodyContentType ?? 'text', content: input.body };
	}
	if (input.location !== undefined) event.location = { displayName: input.location };
	if (input.showAs !== undefined) event.showAs = input.showAs;
	if (input.attendees !== undefined || input.optionalAttendees !== undefined) {
		const attendees: GraphAttendeeWrite[] = [
			...toGraphRecipients(input.attendees, 'Attendees').map((r) => ({
				...r,
				type: 'required' as const,
			})),
			...toGraphRecipients(input.optionalAttendees, 'Optional Attendees').map((r) => ({
				...r,
				type: 'optional' as const,
			})),
		];
		event.attendees = attendees;
	}
	if (input.isOnlineMeeting !== undefined) {
		event.isOnlineMeeting = input.isOnlineMeeting;
		if (input.isOnlineMeeting) event.onlineMeetingProvider = 'teamsForBusiness';
	}
	return event;
}
