// The widget API's request contract in zod (zod/v4, shipped inside zod 3.25, which also writes JSON
// Schema for the OpenAPI document): per route, the query and the JSON body it accepts. Query values
// arrive as text, so numbers and booleans in queries are parsed from text. Unknown body keys are
// refused (a typo must not pass silently); unknown query keys are ignored (caches add some).
import { z } from 'zod/v4';

import type { WidgetRouteName } from './routeTable';

const text = (max: number) => z.string().trim().min(1).max(max);
const uuid = z
	.string()
	.regex(
		/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
		'must be a UUID',
	);
const queryBoolean = z
	.enum(['true', 'false', '1', '0'])
	.transform((v) => v === 'true' || v === '1');
const queryLimit = (max: number) =>
	z
		.string()
		.regex(/^\d{1,4}$/, `must be a number from 1 to ${max}`)
		.transform(Number)
		.pipe(z.number().int().min(1).max(max));
/** An instant (ISO 8601 with time) or a date alone (YYYY-MM-DD). */
const isoDateOrTime = z
	.string()
	.trim()
	.refine(
		(value) =>
			/^\d{4}-\d\d-\d\d$/.test(value) ||
			(/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) && !Number.isNaN(Date.parse(value))),
		'must be an ISO 8601 date (YYYY-MM-DD) or date and time',
	);
const address = z.string().trim().min(3).max(320);
const recordType = z.enum(['person', 'company']);

export const emailsListQuery = z.object({
	q: z.string().max(1000).optional().describe('Words to search (subject, sender, body)'),
	label: text(256).optional().describe('Gmail label id or Outlook folder id'),
	thread: text(256).optional().describe('Gmail thread id or Outlook conversationId'),
	person_id: uuid.optional(),
	company_id: uuid.optional(),
	direction: z.enum(['incoming', 'outgoing']).optional(),
	unread: queryBoolean.optional().describe('true: only emails not read in the mailbox'),
	cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
	limit: queryLimit(200).optional().describe('Emails per page, 1 to 200 (default 50)'),
});

export const emailSendBody = z.strictObject({
	to: z.array(address).min(1).max(100),
	cc: z.array(address).max(100).optional(),
	bcc: z.array(address).max(100).optional(),
	subject: z.string().max(998).default(''),
	text: z.string().max(1_000_000).optional(),
	html: z.string().max(2_000_000).optional(),
});

export const emailReplyBody = z.strictObject({
	text: z.string().max(1_000_000).optional(),
	html: z.string().max(2_000_000).optional(),
	replyAll: z.boolean().optional(),
});

export const emailReadBody = z.strictObject({
	read: z.boolean().default(true).describe('false: mark the email unread'),
});

export const linkBody = z.strictObject({
	recordType,
	recordId: uuid,
});

export const eventsListQuery = z.object({
	from: isoDateOrTime.optional().describe('Events ending after this instant'),
	to: isoDateOrTime.optional().describe('Events starting before this instant'),
	calendar_id: text(512).optional(),
	cursor: z.string().max(500).optional(),
	limit: queryLimit(200).optional(),
});

export const eventCreateBody = z.strictObject({
	calendarId: text(512).default('primary'),
	title: z.string().trim().min(1).max(1024),
	description: z.string().max(8192).optional(),
	location: z.string().max(1024).optional(),
	start: isoDateOrTime,
	end: isoDateOrTime,
	allDay: z.boolean().optional(),
	timeZone: z.string().min(1).max(64).optional().describe('IANA time zone, e.g. Europe/Berlin'),
	attendees: z.array(address).max(100).optional(),
});

export const connectQuery = z.object({
	return_url: z
		.string()
		.trim()
		.min(1)
		.max(2048)
		.describe('Where the browser returns after consent'),
});

export const settingsBody = z.strictObject({
	syncEnabled: z.boolean().optional(),
	syncMail: z.boolean().optional(),
	syncCalendar: z.boolean().optional(),
	mailFolders: z.array(z.string().min(1).max(256)).min(1).max(100).optional(),
	calendars: z.array(z.string().min(1).max(512)).max(100).optional(),
	initialHorizon: z
		.discriminatedUnion('kind', [
			z.object({ kind: z.literal('messages'), count: z.number().int().min(1).max(1_000_000) }),
			z.object({ kind: z.literal('days'), days: z.number().int().min(1).max(3650) }),
		])
		.optional(),
	visibility: z.enum(['metadata', 'subject', 'everything']).optional(),
	contactCreation: z.enum(['workspace_default', 'sent_and_received', 'sent', 'none']).optional(),
	autoEnrich: z.boolean().optional(),
	syncYoutubeComments: z.boolean().optional(),
});

export const disconnectBody = z.strictObject({
	deleteData: z.boolean().optional(),
});

export const syncBody = z.strictObject({
	full: z.boolean().optional().describe('Forget the cursors and list again from the horizon'),
});

export const recordsSearchQuery = z.object({
	q: z.string().max(200).optional().describe('Start of a name, an address or a domain'),
	type: recordType.optional(),
	limit: queryLimit(50).optional(),
});

export const enrichBody = z.strictObject({ recordType });

export interface WidgetRouteSchemas {
	query?: z.ZodType;
	body?: z.ZodType;
}

/** Per route: what its query and body must be (absent: nothing is read from it). */
export const WIDGET_SCHEMAS: Readonly<Record<WidgetRouteName, WidgetRouteSchemas>> = {
	'integrations.list': {},
	'integration.status': {},
	'integration.connect': { query: connectQuery },
	'integration.settings': { body: settingsBody },
	'integration.disconnect': { body: disconnectBody },
	'integration.progress': {},
	'mail.sync': { body: syncBody },
	'mail.labels': {},
	'emails.list': { query: emailsListQuery },
	'emails.get': {},
	'emails.send': { body: emailSendBody },
	'emails.reply': { body: emailReplyBody },
	'emails.read': { body: emailReadBody },
	'emails.link': { body: linkBody },
	'emails.unlink': { body: linkBody },
	'calendar.sync': { body: syncBody },
	'calendar.calendars': {},
	'events.list': { query: eventsListQuery },
	'events.get': {},
	'events.create': { body: eventCreateBody },
	'events.link': { body: linkBody },
	'events.unlink': { body: linkBody },
	'records.search': { query: recordsSearchQuery },
	'records.enrich': { body: enrichBody },
};

export type EmailsListQuery = z.output<typeof emailsListQuery>;
export type EmailSendBody = z.output<typeof emailSendBody>;
export type EmailReplyBody = z.output<typeof emailReplyBody>;
export type EmailReadBody = z.output<typeof emailReadBody>;
export type LinkBody = z.output<typeof linkBody>;
export type EventsListQuery = z.output<typeof eventsListQuery>;
export type EventCreateBody = z.output<typeof eventCreateBody>;
export type SettingsBody = z.output<typeof settingsBody>;
export type RecordsSearchQuery = z.output<typeof recordsSearchQuery>;

/** The first problem of a failed parse, worded for the user: `field: message`. */
export function describeIssue(where: 'query' | 'body', error: z.ZodError): string {
	const issue = error.issues[0];
	if (!issue) return `The ${where} is invalid`;
	const path = issue.path.map(String).join('.');
	if (issue.code === 'unrecognized_keys') {
		return `${where}: unknown field ${issue.keys.map((key) => `'${key}'`).join(', ')}`;
	}
	return `${where}${path ? `.${path}` : ''}: ${issue.message}`;
}
