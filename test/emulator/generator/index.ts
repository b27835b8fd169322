// Deterministic mailbox + calendar generator for the provider emulator (issue 3).
// Message i is a pure function of (seed, i, options): nothing is held per message, so a
// 1,000,000-message mailbox costs no memory. Types here are the contract other emulator parts
// code against; mailbox.ts and calendar.ts implement them.

export interface MailboxOptions {
	seed: string | number;
	count: number;
	owner: { email: string; name: string };
	/** Date of the newest message; default 2026-11-01T09:00:00Z. */
	newest?: Date;
}
export interface GeneratedAddress {
	name?: string;
	email: string;
}
export interface GeneratedMessage {
	index: number; // 0 = oldest … count-1 = newest
	id: string; // Gmail-style 16 hex chars; indexOfId(id) inverts it in O(1)
	threadId: string; // id of the thread's first message
	internalDate: number; // ms since epoch, strictly increasing with index
	labelIds: string[];
	kind:
		| 'business'
		| 'personal'
		| 'newsletter'
		| 'auto-reply'
		| 'reply'
		| 'sent'
		| 'draft'
		| 'scheduled';
	messageIdHeader: string; // Message-ID, with <>
	inReplyTo?: string;
	references?: string[];
	subject: string;
	from: GeneratedAddress;
	to: GeneratedAddress[];
	cc: GeneratedAddress[];
	snippet: string;
	text?: string;
	html?: string;
	attachments: { filename: string; mimeType: string; size: number }[];
	raw(): Buffer;
	signature?: SignatureTruth;
	/** Addition: charset of the body parts ('utf-8', 'us-ascii', 'iso-8859-1', 'windows-1252', 'shift_jis'). */
	charset?: string;
}
export interface SignatureTruth {
	fullName: string;
	jobTitle?: string;
	company?: string;
	phones: string[]; // E.164
	linkedinUrl?: string;
	address?: string;
	email: string;
	/** Addition: the phones exactly as written in the signature, in the same order as `phones`. */
	phonesAsWritten?: string[];
	/** Addition: how the block is laid out ('dash' | 'closing' | 'pipes' | 'html-table'). */
	layout?: string;
}
export interface Mailbox {
	count: number;
	owner: GeneratedAddress;
	labels: { id: string; name: string; type: 'system' | 'user' }[];
	messageAt(index: number): GeneratedMessage;
	indexOfId(id: string): number | undefined;
	messages(fromIndex?: number, toIndexExclusive?: number): Iterable<GeneratedMessage>;
	threadMessageIndices(threadId: string): number[];
}

export interface GeneratedCalendar {
	id: string;
	summary: string;
	timeZone: string;
	accessRole: 'owner' | 'writer' | 'reader';
	primary?: boolean;
	backgroundColor?: string;
}
export interface EventTime {
	dateTime?: string;
	date?: string;
	timeZone?: string;
}
export interface GeneratedEvent {
	id: string;
	calendarId: string;
	iCalUID: string;
	status: 'confirmed' | 'tentative' | 'cancelled';
	summary: string;
	description?: string;
	location?: string;
	start: EventTime;
	end: EventTime;
	recurrence?: string[];
	recurringEventId?: string;
	originalStartTime?: EventTime;
	attendees: {
		email: string;
		displayName?: string;
		responseStatus: 'needsAction' | 'declined' | 'tentative' | 'accepted';
		organizer?: boolean;
		self?: boolean;
		optional?: boolean;
	}[];
	organizer: { email: string; displayName?: string; self?: boolean };
	conferenceData?: {
		conferenceId: string;
		entryPoints: { entryPointType: 'video'; uri: string; label?: string }[];
		conferenceSolution: { key: { type: 'hangoutsMeet' }; name: string };
	};
	hangoutLink?: string;
	created: string;
	updated: string;
	sequence: number;
}
export interface CalendarSetOptions {
	seed: string | number;
	owner: GeneratedAddress;
	/** Events generated per calendar (before recurrence exceptions are added); default 80. */
	eventsPerCalendar?: number;
	/** Events are spread around this instant; default 2026-11-01T09:00:00Z. */
	around?: Date;
}
export interface CalendarSet {
	calendars: GeneratedCalendar[];
	events(calendarId: string): GeneratedEvent[];
}

import { DEFAULT_NEWEST, VirtualMailbox } from './mailbox';
import { GeneratedCalendarSet } from './calendar';

export function createMailbox(options: MailboxOptions): Mailbox {
	return new VirtualMailbox(options);
}

export function createCalendarSet(options: CalendarSetOptions): CalendarSet {
	return new GeneratedCalendarSet(options);
}

export { DEFAULT_NEWEST };
