// The JSON <crm-calendar> reads from the widget API (the camelCase records of
// core/store/eventQueries and emailQueries, restated here: widgets compile apart from core).

export interface CalendarLinkedRecord {
	recordType: 'person' | 'company';
	recordId: string;
	linkSource: 'auto' | 'manual';
	name: string | null;
	email: string | null;
	domain: string | null;
}

export interface CalendarAttendee {
	email: string;
	name: string | null;
	responseStatus: 'needsAction' | 'accepted' | 'declined' | 'tentative';
	isOrganizer: boolean;
	isOptional: boolean;
	personId: string | null;
}

export interface CalendarEvent {
	id: string;
	calendarId: string;
	/** Null when the visibility is `metadata`. */
	title: string | null;
	description: string | null;
	location: string | null;
	meetingLink: string | null;
	isAllDay: boolean;
	startsAt: string | null;
	endsAt: string | null;
	startTimeZone: string | null;
	/** All-day events: first day and the day after the last (YYYY-MM-DD). */
	startDate: string | null;
	endDate: string | null;
	organizer: { email: string; name: string | null } | null;
	status: 'confirmed' | 'tentative' | 'cancelled';
	attendees: CalendarAttendee[];
	links: CalendarLinkedRecord[];
}

export interface CalendarInfo {
	id: string;
	name: string;
	primary: boolean;
	selected: boolean;
}

export interface RecordMatch {
	recordType: 'person' | 'company';
	id: string;
	name: string;
	email: string | null;
	domain: string | null;
}

export interface CrmEventSelectDetail {
	event: CalendarEvent;
}

export interface CrmEventCreateDetail {
	event: CalendarEvent;
}

/**
 * `crm-record-link` from the calendar: the same fields as <crm-inbox>'s, with `eventId` where the
 * inbox has `emailId`.
 */
export interface CrmCalendarRecordLinkDetail {
	eventId: string;
	action: 'link' | 'unlink';
	recordType: 'person' | 'company';
	recordId: string;
	links: CalendarLinkedRecord[];
}

declare module '../shared/events' {
	interface CrmEventDetailMap {
		'crm-event-select': CrmEventSelectDetail;
		'crm-event-create': CrmEventCreateDetail;
	}
}
