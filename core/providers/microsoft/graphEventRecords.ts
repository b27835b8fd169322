import {
	calendarEventRecordSchema,
	type CalendarEventRecord,
	type EventAttendee,
	type EventTime,
} from '../../records/calendarEventRecord';
import { formatInstantInZone, wallTimeToInstant } from '../../time/zonedTime';
import {
	graphAddress,
	htmlToText,
	isoInstant,
	type GraphItemBody,
	type GraphRecipient,
} from './graphMessageRecords';
import { recurrenceToRRule, type GraphPatternedRecurrence } from './graphRecurrence';
import { toIanaTimeZone } from './windowsTimeZones';

// The slice of Graph's event resource we read (v1.0 reference); everything is optional.

export interface GraphDateTimeTimeZone {
	dateTime?: string | null;
	timeZone?: string | null;
}

export interface GraphEvent {
	id: string;
	'@removed'?: { reason?: string };
	iCalUId?: string | null;
	seriesMasterId?: string | null;
	type?: string | null;
	subject?: string | null;
	body?: GraphItemBody | null;
	bodyPreview?: string | null;
	start?: GraphDateTimeTimeZone | null;
	end?: GraphDateTimeTimeZone | null;
	originalStartTimeZone?: string | null;
	originalEndTimeZone?: string | null;
	isAllDay?: boolean | null;
	isCancelled?: boolean | null;
	showAs?: string | null;
	location?: { displayName?: string | null } | null;
	onlineMeeting?: { joinUrl?: string | null } | null;
	onlineMeetingUrl?: string | null;
	attendees?: Array<{
		type?: string | null;
		status?: { response?: string | null } | null;
		emailAddress?: { name?: string | null; address?: string | null } | null;
	}> | null;
	organizer?: GraphRecipient | null;
	isOrganizer?: boolean | null;
	responseStatus?: { response?: string | null } | null;
	recurrence?: GraphPatternedRecurrence | null;
	createdDateTime?: string | null;
	lastModifiedDateTime?: string | null;
	webLink?: string | null;
}

export interface GraphEventContext {
	/** The calendar the event was read from (Graph events do not carry it). */
	calendarId: string;
	ownerEmail: string;
}

const RESPONSES: Record<string, EventAttendee['responseStatus']> = {
	accepted: 'accepted',
	organizer: 'accepted',
	declined: 'declined',
	tentativelyaccepted: 'tentative',
	none: 'needsAction',
	notresponded: 'needsAction',
};

function toResponse(response: string | null | undefined): EventAttendee['responseStatus'] {
	return RESPONSES[(response ?? '').toLowerCase()] ?? 'needsAction';
}

function toEventTime(
	value: GraphDateTimeTimeZone | null | undefined,
	eventZone: string | undefined,
	isAllDay: boolean,
): EventTime {
	const dateTime = value?.dateTime ?? null;
	if (!dateTime) return { dateTime: null, date: null, timeZone: eventZone ?? null };
	// All-day events are dates: Graph gives midnight of the date (end exclusive), whatever zone.
	if (isAllDay) return { dateTime: null, date: dateTime.slice(0, 10), timeZone: eventZone ?? null };
	const zone = toIanaTimeZone(value?.timeZone) ?? 'UTC';
	const instant = wallTimeToInstant(dateTime, zone);
	if (instant === undefined) return { dateTime: null, date: null, timeZone: eventZone ?? zone };
	const shownZone = eventZone ?? zone;
	return { dateTime: formatInstantInZone(instant, shownZone), date: null, timeZone: shownZone };
}

/** A Graph event (or occurrence) as our calendar event record. */
export function graphEventToRecord(
	event: GraphEvent,
	context: GraphEventContext,
): CalendarEventRecord {
	const isAllDay = event.isAllDay ?? false;
	// The event's own zone: Graph reports it (usually as a Windows name) in originalStartTimeZone;
	// start/end are in UTC or in the zone the caller asked for with Prefer: outlook.timezone.
	const eventZone =
		toIanaTimeZone(event.originalStartTimeZone) ?? toIanaTimeZone(event.start?.timeZone);
	const endZone = toIanaTimeZone(event.originalEndTimeZone) ?? eventZone;
	const owner = context.ownerEmail.toLowerCase();
	const organizer = graphAddress(event.organizer);
	const attendees: EventAttendee[] = [];
	for (const attendee of event.attendees ?? []) {
		const address = attendee.emailAddress?.address?.trim().toLowerCase();
		if (!address) continue;
		const name = attendee.emailAddress?.name?.trim();
		attendees.push({
			email: address,
			name: name && name.toLowerCase() !== address ? name : null,
			responseStatus: toResponse(attendee.status?.response),
			organizer: organizer?.email === address,
			optional: (attendee.type ?? '').toLowerCase() === 'optional',
			self: address === owner,
		});
	}
	const status = event.isCancelled
		? 'cancelled'
		: (event.showAs ?? '').toLowerCase() === 'tentative'
			? 'tentative'
			: 'confirmed';
	const isHtml = (event.body?.contentType ?? '').toLowerCase() === 'html';
	const bodyContent = event.body?.content ?? null;
	const description =
		bodyContent === null
			? (event.bodyPreview ?? null)
			: isHtml
				? htmlToText(bodyContent)
				: bodyContent;
	return calendarEventRecordSchema.parse({
		provider: 'microsoft',
		providerEventId: event.id,
		providerCalendarId: context.calendarId,
		iCalUid: event.iCalUId ?? null,
		recurringEventId: event.seriesMasterId ?? null,
		status,
		title: event.subject ?? null,
		description: description === '' ? null : description,
		location: event.location?.displayName || null,
		meetingLink: event.onlineMeeting?.joinUrl || event.onlineMeetingUrl || null,
		isAllDay,
		start: toEventTime(event.start, eventZone, isAllDay),
		end: toEventTime(event.end, endZone, isAllDay),
		recurrence: recurrenceToRRule(event.recurrence),
		organizer: organizer ? { email: organizer.email, name: organizer.name } : null,
		attendees,
		updated: isoInstant(event.lastModifiedDateTime),
		created: isoInstant(event.createdDateTime),
		htmlLink: event.webLink ?? null,
	});
}
