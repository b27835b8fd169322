import {
	calendarEventRecordSchema,
	type CalendarEventRecord,
	type EventAttendee,
	type EventTime,
} from '../../records/calendarEventRecord';
import {
	classifyBulkHeaders,
	emailRecordSchema,
	parseMessageIdList,
	type EmailAddress,
	type EmailAttachment,
	type EmailRecord,
} from '../../records/emailRecord';
import { toIanaTimeZone } from './windowsTimeZones';
import { formatInstantInZone, wallTimeToInstant, zoneOffsetMs } from '../../time/zonedTime';

// The slices of Graph's message and event resources we read (v1.0 reference). Everything is
// optional: $select and delta rounds return only part of a resource.

export interface GraphRecipient {
	emailAddress?: { name?: string | null; address?: string | null } | null;
}

export interface GraphItemBody {
	contentType?: string | null;
	content?: string | null;
}

export interface GraphMessage {
	id: string;
	'@removed'?: { reason?: string };
	conversationId?: string | null;
	internetMessageId?: string | null;
	internetMessageHeaders?: Array<{ name: string; value: string }> | null;
	subject?: string | null;
	bodyPreview?: string | null;
	body?: GraphItemBody | null;
	from?: GraphRecipient | null;
	sender?: GraphRecipient | null;
	toRecipients?: GraphRecipient[] | null;
	ccRecipients?: GraphRecipient[] | null;
	bccRecipients?: GraphRecipient[] | null;
	replyTo?: GraphRecipient[] | null;
	sentDateTime?: string | null;
	receivedDateTime?: string | null;
	parentFolderId?: string | null;
	categories?: string[] | null;
	isRead?: boolean | null;
	isDraft?: boolean | null;
	hasAttachments?: boolean | null;
	attachments?: GraphAttachment[] | null;
}

export interface GraphAttachment {
	'@odata.type'?: string;
	id?: string;
	name?: string | null;
	contentType?: string | null;
	size?: number | null;
	isInline?: boolean | null;
	contentId?: string | null;
}

/**
 * What a message record needs: the message plus the properties Graph only returns when asked
 * (internetMessageHeaders). One list, so every operation fetches messages the same way.
 */
export const GRAPH_MESSAGE_SELECT = [
	'id',
	'conversationId',
	'internetMessageId',
	'internetMessageHeaders',
	'subject',
	'bodyPreview',
	'body',
	'from',
	'sender',
	'toRecipients',
	'ccRecipients',
	'bccRecipients',
	'replyTo',
	'sentDateTime',
	'receivedDateTime',
	'parentFolderId',
	'categories',
	'isRead',
	'isDraft',
	'hasAttachments',
];

export interface GraphMessageContext {
	/** The connected mailbox's address: mail from it is outgoing. */
	ownerEmail: string;
	/** Folder id → well-known name (inbox, sentitems …) for the folders the caller knows. */
	folderNames?: Record<string, string>;
	/** Label of the folder the message was read from, when the caller knows it (delta per folder). */
	folderLabel?: string;
}

const ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
};

/**
 * Readable text from an HTML body: scripts, styles and the head dropped, block ends and <br> as
 * line breaks, list items as "- ", entities decoded, runs of blank lines collapsed.
 */
export function htmlToText(html: string): string {
	return html
		.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, '')
		.replace(/<br\s*\/?>/gi, '\n')
		.replace(/<li\b[^>]*>/gi, '\n- ')
		.replace(
			/<\/(p|div|tr|ul|ol|table|h[1-6]|blockquote|pre|section|article|header|footer)\s*>/gi,
			'\n',
		)
		.replace(/<(p|div|tr|table|h[1-6]|blockquote|pre|hr)\b[^>]*>/gi, '\n')
		.replace(/<\/t[dh]\s*>/gi, '\t')
		.replace(/<[^>]+>/g, '')
		.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
			if (name[0] === '#') {
				const code =
					name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
				return Number.isFinite(code) && code > 0 && code <= 0x10ffff
					? String.fromCodePoint(code)
					: entity;
			}
			return ENTITIES[name.toLowerCase()] ?? entity;
		})
		.replace(/\r\n?/g, '\n')
		.replace(/[ \t\u00a0]+\n/g, '\n')
		.replace(/\n[ \t\u00a0]+/g, '\n')
		.replace(/[ \t\u00a0]{2,}/g, ' ')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}

function toAddress(recipient: GraphRecipient | null | undefined): EmailAddress | null {
	const address = recipient?.emailAddress?.address?.trim();
	if (!address) return null;
	const email = address.toLowerCase();
	const name = recipient?.emailAddress?.name?.trim();
	// Graph repeats the address as the name when there is none.
	return { email, name: name && name.toLowerCase() !== email ? name : null };
}

function toAddresses(list: GraphRecipient[] | null | undefined): EmailAddress[] {
	return (list ?? []).map(toAddress).filter((a): a is EmailAddress => a !== null);
}

function isoDate(value: string | null | undefined): string | null {
	if (!value) return null;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function header(headers: Array<{ name: string; value: string }>, name: string): string | undefined {
	return headers.find((h) => h.name.toLowerCase() === name)?.value;
}

function toAttachment(attachment: GraphAttachment): EmailAttachment {
	return {
		filename: attachment.name ?? null,
		mimeType: attachment.contentType ?? 'application/octet-stream',
		size: Math.max(0, Math.trunc(attachment.size ?? 0)),
		contentId: attachment.contentId ?? null,
		inline: attachment.isInline ?? false,
		attachmentId: attachment.id ?? null,
	};
}

/** A Graph message (fetched with GRAPH_MESSAGE_SELECT and immutable ids) as our email record. */
export function graphMessageToRecord(
	message: GraphMessage,
	context: GraphMessageContext,
): EmailRecord {
	const headers = message.internetMessageHeaders ?? [];
	const folderLabel =
		context.folderLabel ??
		(message.parentFolderId
			? (context.folderNames?.[message.parentFolderId] ?? message.parentFolderId)
			: undefined);
	const labels = [...(folderLabel ? [folderLabel] : []), ...(message.categories ?? [])];
	const from = toAddress(message.from ?? message.sender);
	const owner = context.ownerEmail.toLowerCase();
	const isHtml = (message.body?.contentType ?? '').toLowerCase() === 'html';
	const content = message.body?.content ?? null;
	const { isBulk, listHeaders } = classifyBulkHeaders(headers);
	return emailRecordSchema.parse({
		provider: 'microsoft',
		providerMessageId: message.id,
		providerThreadId: message.conversationId ?? null,
		internetMessageId: message.internetMessageId ?? header(headers, 'message-id') ?? null,
		inReplyTo: parseMessageIdList(header(headers, 'in-reply-to'))[0] ?? null,
		references: parseMessageIdList(header(headers, 'references')),
		subject: message.subject ?? null,
		snippet: message.bodyPreview ?? null,
		from,
		to: toAddresses(message.toRecipients),
		cc: toAddresses(message.ccRecipients),
		bcc: toAddresses(message.bccRecipients),
		replyTo: toAddresses(message.replyTo),
		date: isoDate(message.sentDateTime) ?? isoDate(message.receivedDateTime),
		labels,
		isRead: message.isRead ?? false,
		isDraft: message.isDraft ?? false,
		direction:
			folderLabel === 'sentitems' || (owner !== '' && from?.email === owner)
				? 'outgoing'
				: 'incoming',
		bodyText: content === null ? null : isHtml ? htmlToText(content) : content,
		bodyHtml: isHtml ? content : null,
		attachments: (message.attachments ?? []).map(toAttachment),
		isBulk,
		listHeaders,
		sizeEstimate: null,
	});
}

// ---------------------------------------------------------------- events

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

export interface GraphPatternedRecurrence {
	pattern?: {
		type?: string;
		interval?: number;
		daysOfWeek?: string[];
		dayOfMonth?: number;
		month?: number;
		index?: string;
		firstDayOfWeek?: string;
	} | null;
	range?: {
		type?: string;
		startDate?: string;
		endDate?: string;
		numberOfOccurrences?: number;
	} | null;
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

const WEEKDAYS: Record<string, string> = {
	sunday: 'SU',
	monday: 'MO',
	tuesday: 'TU',
	wednesday: 'WE',
	thursday: 'TH',
	friday: 'FR',
	saturday: 'SA',
};
const WEEK_INDEX: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };

/**
 * Graph's patternedRecurrence as an RFC 5545 RRULE line, the form records keep (Google's own).
 * Empty when the event does not recur or the pattern is not one Graph documents.
 */
export function recurrenceToRRule(
	recurrence: GraphPatternedRecurrence | null | undefined,
): string[] {
	const pattern = recurrence?.pattern;
	if (!pattern?.type) return [];
	const days = (pattern.daysOfWeek ?? []).map((day) => WEEKDAYS[day.toLowerCase()]).filter(Boolean);
	const index = WEEK_INDEX[(pattern.index ?? 'first').toLowerCase()] ?? 1;
	const parts: string[] = [];
	switch (pattern.type) {
		case 'daily':
			parts.push('FREQ=DAILY');
			break;
		case 'weekly':
			parts.push('FREQ=WEEKLY');
			if (days.length) parts.push(`BYDAY=${days.join(',')}`);
			if (pattern.firstDayOfWeek && WEEKDAYS[pattern.firstDayOfWeek.toLowerCase()])
				parts.push(`WKST=${WEEKDAYS[pattern.firstDayOfWeek.toLowerCase()]}`);
			break;
		case 'absoluteMonthly':
			parts.push('FREQ=MONTHLY', `BYMONTHDAY=${pattern.dayOfMonth ?? 1}`);
			break;
		case 'relativeMonthly':
			parts.push('FREQ=MONTHLY', `BYDAY=${days.map((day) => `${index}${day}`).join(',')}`);
			break;
		case 'absoluteYearly':
			parts.push(
				'FREQ=YEARLY',
				`BYMONTH=${pattern.month ?? 1}`,
				`BYMONTHDAY=${pattern.dayOfMonth ?? 1}`,
			);
			break;
		case 'relativeYearly':
			parts.push(
				'FREQ=YEARLY',
				`BYMONTH=${pattern.month ?? 1}`,
				`BYDAY=${days.map((day) => `${index}${day}`).join(',')}`,
			);
			break;
		default:
			return [];
	}
	if ((pattern.interval ?? 1) > 1) parts.push(`INTERVAL=${pattern.interval}`);
	const range = recurrence?.range;
	if (range?.type === 'endDate' && range.endDate)
		parts.push(`UNTIL=${range.endDate.replace(/-/g, '')}`);
	else if (range?.type === 'numbered' && range.numberOfOccurrences)
		parts.push(`COUNT=${range.numberOfOccurrences}`);
	return [`RRULE:${parts.join(';')}`];
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
	const organizer = toAddress(event.organizer);
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
		updated: isoDate(event.lastModifiedDateTime),
		created: isoDate(event.createdDateTime),
		htmlLink: event.webLink ?? null,
	});
}

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

/** The day after a YYYY-MM-DD date (all-day events end at the next midnight, exclusive). */
export function nextDate(date: string): string {
	const ms = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
	return new Date(ms + 86_400_000).toISOString().slice(0, 10);
}
