// Widget routes that reach the provider as the caller's integration (its stored tokens, refreshed
// as needed): labels / folders and calendars to choose from, sending and replying (Gmail
// messages.send, Graph draft + send), marking read or unread (Gmail messages.modify of the UNREAD
// label, Graph PATCH isRead), creating events (Calendar events.insert, Graph POST events).
// What was sent or created is fetched back and stored with the sync's own store functions, so it
// shows in lists and threads at once; the next sync finds the same rows and changes nothing.
import type { calendar_v3 } from '@googleapis/calendar';
import type { gmail_v1 } from '@googleapis/gmail';

import { composeMime } from '../mail/composeMime';
import { AddressListError, parseAddressList } from '../mail/addressList';
import { GMAIL_REPLY_HEADERS, gmailReplyFields } from '../mail/gmailReply';
import {
	describeCalendar,
	listCalendars,
	toGoogleEventWrite,
} from '../providers/google/calendarEvents';
import { googleEventToRecord } from '../providers/google/calendarRecords';
import { createCalendarClient, createGmailClient } from '../providers/google/googleClients';
import { gmailRawMessageToRecord } from '../providers/google/gmailRecords';
import { ProviderHttpError } from '../providers/http';
import { isThrottled, retryingRequester, type RetryPolicy } from '../providers/retry';
import { graphEventToRecord, type GraphEvent } from '../providers/microsoft/graphEventRecords';
import { toGraphEventWrite } from '../providers/microsoft/graphEventWrites';
import { replyToGraphMessage, sendGraphMail } from '../providers/microsoft/graphMailSend';
import { graphPathSegment, GraphSession } from '../providers/microsoft/graphSession';
import type { EmailRecord } from '../records/emailRecord';
import type { CalendarEventRecord } from '../records/calendarEventRecord';
import { getEmail, type EmailDetail, type EmailSummary } from '../store/emailQueries';
import { setMailboxCopyRead, upsertMailPage } from '../store/emails';
import { getEvent } from '../store/eventQueries';
import { writeCalendarEventPage } from '../store/events';
import type { IntegrationView } from '../store/integrations';
import { dayAfter, toDateOnly } from '../time/zonedTime';
import {
	createIntegrationAccess,
	IntegrationAuthError,
	TokenRefreshError,
} from '../sync/integrationAccess';
import { integrationRequester, ProviderTransportError } from '../sync/integrationRequester';
import { linkRecords } from '../sync/linking';
import { gmailLabelsOf } from '../sync/mailSync';
import type { WidgetCall } from './handleWidgetRequest';
import { requireCallerIntegration } from './widgetIntegrationRoutes';
import { asSeenBy, visibleEmail } from './widgetMailRoutes';
import { ApiError, type ApiResponse } from './types';
import type {
	EmailReadBody,
	EmailReplyBody,
	EmailSendBody,
	EventCreateBody,
} from './widgetSchemas';

const PROVIDER_TIMEOUT_MS = 30_000;
/**
 * A person is waiting on these calls: a throttled call (Gmail's per-second quota, Graph's 429) is
 * tried again after the provider's short Retry-After, at most twice and never after more than 2 s;
 * anything longer is answered as the provider's error at once.
 */
const WIDGET_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 3,
	baseDelayMs: 250,
	maxDelayMs: 2_000,
	maxRetryAfterMs: 2_000,
	retryOn: isThrottled,
};

function requesterFor(call: WidgetCall, integration: IntegrationView) {
	const { context } = call;
	const access = createIntegrationAccess({
		database: context.database,
		apps: context.apps,
		now: context.now,
		fetch: context.fetch,
	});
	return retryingRequester(
		integrationRequester(
			access,
			{ workspaceId: integration.workspaceId, id: integration.id },
			{ fetch: context.fetch, timeoutMs: PROVIDER_TIMEOUT_MS },
		),
		WIDGET_RETRY_POLICY,
	);
}

/** Provider failures as API errors the widget can show (never a token: none is in a message). */
async function asProvider<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof ApiError) throw error;
		if (error instanceof IntegrationAuthError) throw new ApiError(409, 'conflict', error.message);
		if (error instanceof ProviderHttpError) {
			if (error.status === 404) throw new ApiError(404, 'not_found', 'Not found at the provider');
			if (error.status === 400)
				throw new ApiError(400, 'bad_request', `The provider refused: ${error.message}`);
			throw new ApiError(502, 'provider_error', `The provider answered ${error.message}`);
		}
		if (error instanceof TokenRefreshError || error instanceof ProviderTransportError) {
			throw new ApiError(502, 'provider_error', error.message);
		}
		if (error instanceof AddressListError) throw new ApiError(400, 'bad_request', error.message);
		// Event time checks (core/providers) throw plain errors worded for the user.
		if (error instanceof Error && /^(Attendees|The |"[^"]*" is not|A timed)/.test(error.message)) {
			throw new ApiError(400, 'bad_request', error.message);
		}
		throw error;
	}
}

// ---------------------------------------------------------------- labels and calendars

/** Graph's well-known folder names: a folder reached by one of them is a system folder. */
const GRAPH_WELL_KNOWN_FOLDERS = [
	'inbox',
	'sentitems',
	'drafts',
	'deleteditems',
	'junkemail',
	'archive',
	'outbox',
	'conversationhistory',
];
/** Two at a time: Graph allows four concurrent requests per mailbox, and a sync may hold some. */
const WELL_KNOWN_LOOKUPS_AT_ONCE = 2;

/**
 * The ids of the mailbox's well-known folders, looked up by name, so folders are told system from
 * user whatever the mailbox's language ("Posteingang" is the inbox; a folder the user named
 * "Archive" is theirs). A name the mailbox does not have (404) is skipped.
 */
async function wellKnownFolderIds(session: GraphSession): Promise<Set<string>> {
	const ids = new Set<string>();
	const queue = [...GRAPH_WELL_KNOWN_FOLDERS];
	const lookUp = async () => {
		for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
			try {
				const folder = await session.get<{ id?: string }>(`/me/mailFolders/${name}`, {
					query: { $select: 'id' },
				});
				if (folder.id) ids.add(folder.id);
			} catch (error) {
				if (!(error instanceof ProviderHttpError && error.status === 404)) throw error;
			}
		}
	};
	await Promise.all(Array.from({ length: WELL_KNOWN_LOOKUPS_AT_ONCE }, lookUp));
	return ids;
}

export async function mailLabelsRoute(call: WidgetCall): Promise<ApiResponse> {
	const integration = await requireCallerIntegration(call, { live: true });
	const requester = requesterFor(call, integration);
	const endpoints = call.context.apps.endpoints;
	const labels = await asProvider(async () => {
		if (integration.provider === 'google') {
			const gmail = createGmailClient(requester, endpoints.googleApiBaseUrl);
			const { data } = await gmail.users.labels.list({ userId: 'me' });
			return (data.labels ?? [])
				.filter((label): label is gmail_v1.Schema$Label & { id: string } => Boolean(label.id))
				.map((label) => ({
					id: label.id,
					name: label.name ?? label.id,
					type: label.type === 'system' ? ('system' as const) : ('user' as const),
				}));
		}
		const session = new GraphSession(requester, endpoints.graphBaseUrl);
		const [folders, systemIds] = await Promise.all([
			session.collect<{ id: string; displayName?: string }>('/me/mailFolders', {
				query: { $top: 100 },
			}),
			wellKnownFolderIds(session),
		]);
		return folders.map((folder) => ({
			id: folder.id,
			name: folder.displayName ?? folder.id,
			type: systemIds.has(folder.id) ? ('system' as const) : ('user' as const),
		}));
	});
	return { status: 200, body: { labels } };
}

export async function calendarsRoute(call: WidgetCall): Promise<ApiResponse> {
	const integration = await requireCallerIntegration(call, { live: true });
	const requester = requesterFor(call, integration);
	const endpoints = call.context.apps.endpoints;
	const chosen = new Set(integration.settings.calendars);
	const calendars = await asProvider(async () => {
		if (integration.provider === 'google') {
			const client = createCalendarClient(requester, endpoints.googleApiBaseUrl);
			const items = await listCalendars(client);
			return items
				.filter((item): item is calendar_v3.Schema$CalendarListEntry & { id: string } =>
					Boolean(item.id),
				)
				.map((item) => ({
					id: item.id,
					name: item.summaryOverride ?? item.summary ?? item.id,
					primary: item.primary === true,
					selected: chosen.has(item.id) || (item.primary === true && chosen.has('primary')),
				}));
		}
		const session = new GraphSession(requester, endpoints.graphBaseUrl);
		const items = await session.collect<{ id: string; name?: string; isDefaultCalendar?: boolean }>(
			'/me/calendars',
			{ query: { $top: 100 } },
		);
		return items.map((item) => ({
			id: item.id,
			name: item.name ?? item.id,
			primary: item.isDefaultCalendar === true,
			selected: chosen.has(item.id) || (item.isDefaultCalendar === true && chosen.has('primary')),
		}));
	});
	return { status: 200, body: { calendars } };
}

// ---------------------------------------------------------------- sending

const DETAIL_ONLY = [
	'bcc',
	'inReplyTo',
	'references',
	'bodyText',
	'bodyHtml',
	'listHeaders',
	'participants',
] as const;

/** An email detail answered as a summary (no bodies, no headers), as the caller's mailbox holds it. */
function answeredEmail(detail: EmailDetail, integration: IntegrationView): EmailSummary {
	const summary: Partial<EmailDetail> = { ...detail };
	for (const key of DETAIL_ONLY) delete summary[key];
	return asSeenBy(summary as EmailSummary, integration.id);
}

/** Stores a message the caller's mailbox sent as the mail sync would, links it, reads it back. */
async function storeSent(
	call: WidgetCall,
	integration: IntegrationView,
	record: EmailRecord,
	receivedAt: number,
): Promise<EmailSummary> {
	const { database } = call.context;
	const workspaceId = call.principal.workspaceId;
	const sourceKey =
		integration.provider === 'google'
			? `gmail:${gmailLabelsOf(integration.settings.mailFolders).join(',') || 'all'}`
			: 'graph:sentitems';
	const written = await database.knex.transaction((trx) =>
		upsertMailPage(
			trx,
			{
				workspaceId,
				integrationId: integration.id,
				sourceKey,
				listingMark: null,
				visibility: integration.settings.visibility,
			},
			[{ record, receivedAt }],
		),
	);
	await linkRecords(database, workspaceId, { emailIds: written.emailIds });
	const copy = await database.knex('mailbox_messages').first('email_id').where({
		workspace_id: workspaceId,
		integration_id: integration.id,
		provider_message_id: record.providerMessageId,
	});
	const detail = copy
		? await getEmail(database, workspaceId, (copy as { email_id: string }).email_id)
		: null;
	if (!detail)
		throw new ApiError(502, 'provider_error', 'The message was sent but could not be read back');
	return answeredEmail(detail, integration);
}

async function gmailSentRecord(
	gmail: gmail_v1.Gmail,
	id: string | null | undefined,
	integration: IntegrationView,
): Promise<{ record: EmailRecord; receivedAt: number }> {
	if (!id) throw new ApiError(502, 'provider_error', 'Gmail did not return the sent message');
	const { data } = await gmail.users.messages.get({ userId: 'me', id, format: 'raw' });
	const { record } = await gmailRawMessageToRecord(data, integration.accountEmail);
	return { record, receivedAt: Number(data.internalDate) || Date.now() };
}

/** Each entry of a recipients array is one address (`ann@x.example` or `Ann Lee <ann@x.example>`). */
function addresses(list: string[] | undefined): Array<{ name: string | null; email: string }> {
	return (list ?? []).flatMap((entry) => {
		const parsed = parseAddressList(entry);
		if (parsed.length !== 1) throw new AddressListError(entry, 'give one address per entry');
		return parsed;
	});
}

/** The same addresses as one address-list text (Graph's writer reads that). */
function addressText(list: string[] | undefined): string {
	return addresses(list)
		.map(({ name, email }) => (name ? `"${name.replace(/["\\]/g, '')}" <${email}>` : email))
		.join(', ');
}

function requireBody(body: { text?: string; html?: string }): void {
	if (!body.text?.trim() && !body.html?.trim()) {
		throw new ApiError(400, 'bad_request', 'body: give text or html');
	}
}

export async function emailsSendRoute(
	call: WidgetCall<unknown, EmailSendBody>,
): Promise<ApiResponse> {
	const integration = await requireCallerIntegration(call, { live: true });
	const { body } = call;
	requireBody(body);
	const requester = requesterFor(call, integration);
	const endpoints = call.context.apps.endpoints;
	const sent = await asProvider(async () => {
		if (integration.provider === 'google') {
			const gmail = createGmailClient(requester, endpoints.googleApiBaseUrl);
			const { raw } = composeMime({
				to: addresses(body.to),
				cc: addresses(body.cc),
				bcc: addresses(body.bcc),
				subject: body.subject,
				text: body.text,
				html: body.html,
			});
			const { data } = await gmail.users.messages.send({
				userId: 'me',
				requestBody: { raw: raw.toString('base64url') },
			});
			return await gmailSentRecord(gmail, data.id, integration);
		}
		const session = new GraphSession(requester, endpoints.graphBaseUrl);
		const record = await sendGraphMail(
			session,
			{
				to: addressText(body.to),
				cc: addressText(body.cc),
				bcc: addressText(body.bcc),
				subject: body.subject,
				bodyContentType: body.html ? 'html' : 'text',
				body: body.html ?? body.text ?? '',
			},
			{ context: { ownerEmail: integration.accountEmail, folderLabel: 'sentitems' } },
		);
		return { record, receivedAt: Date.parse(record.date ?? '') || Date.now() };
	});
	const email = await storeSent(call, integration, sent.record, sent.receivedAt);
	return { status: 201, body: { email } };
}

export async function emailsReplyRoute(
	call: WidgetCall<unknown, EmailReplyBody>,
): Promise<ApiResponse> {
	const integration = await requireCallerIntegration(call, { live: true });
	const { body } = call;
	requireBody(body);
	const original = await visibleEmail(call, integration);
	const copy = original.mailboxes.find(
		(mailbox) => mailbox.integrationId === integration.id && mailbox.deletedAt === null,
	);
	if (!copy) throw new ApiError(404, 'not_found', 'Email not found');
	const requester = requesterFor(call, integration);
	const endpoints = call.context.apps.endpoints;
	const sent = await asProvider(async () => {
		if (integration.provider === 'google') {
			const gmail = createGmailClient(requester, endpoints.googleApiBaseUrl);
			const { data: message } = await gmail.users.messages.get({
				userId: 'me',
				id: copy.providerMessageId,
				format: 'metadata',
				metadataHeaders: [...GMAIL_REPLY_HEADERS],
			});
			const { raw } = composeMime({
				...gmailReplyFields(message, {
					ownAddresses: [integration.accountEmail],
					replyToAll: body.replyAll === true,
				}),
				text: body.text,
				html: body.html,
			});
			const { data } = await gmail.users.messages.send({
				userId: 'me',
				requestBody: { raw: raw.toString('base64url'), threadId: message.threadId },
			});
			return await gmailSentRecord(gmail, data.id, integration);
		}
		const session = new GraphSession(requester, endpoints.graphBaseUrl);
		const record = await replyToGraphMessage(
			session,
			copy.providerMessageId,
			body.html
				? { body: { contentType: 'html', content: body.html }, replyAll: body.replyAll === true }
				: { comment: body.text ?? '', replyAll: body.replyAll === true },
			{ ownerEmail: integration.accountEmail, folderLabel: 'sentitems' },
		);
		return { record, receivedAt: Date.parse(record.date ?? '') || Date.now() };
	});
	const email = await storeSent(call, integration, sent.record, sent.receivedAt);
	return { status: 201, body: { email } };
}

// ---------------------------------------------------------------- read state

/**
 * Marks the email read (or unread, body `read: false`) in the caller's mailbox, then stores what
 * the provider now holds, so the widget's list shows it at once and the next sync changes nothing.
 * Each live copy the caller's mailbox holds is changed (Outlook may hold one in two folders); one
 * already in the wanted state costs no provider call.
 */
export async function emailsReadRoute(
	call: WidgetCall<unknown, EmailReadBody>,
): Promise<ApiResponse> {
	const integration = await requireCallerIntegration(call, { live: true });
	const read = call.body.read;
	const email = await visibleEmail(call, integration);
	const copies = email.mailboxes.filter(
		(mailbox) => mailbox.integrationId === integration.id && mailbox.deletedAt === null,
	);
	if (!copies.length) throw new ApiError(404, 'not_found', 'Email not found');
	const toChange = copies.filter((copy) => copy.isRead !== read);
	if (!toChange.length) return { status: 200, body: { email: answeredEmail(email, integration) } };

	const requester = requesterFor(call, integration);
	const endpoints = call.context.apps.endpoints;
	const changed: Array<{ providerMessageId: string; labels?: string[] }> = [];
	let gone = 0;
	for (const copy of toChange) {
		try {
			await asProvider(async () => {
				if (integration.provider === 'google') {
					const gmail = createGmailClient(requester, endpoints.googleApiBaseUrl);
					const { data } = await gmail.users.messages.modify({
						userId: 'me',
						id: copy.providerMessageId,
						requestBody: read ? { removeLabelIds: ['UNREAD'] } : { addLabelIds: ['UNREAD'] },
					});
					// Gmail's answer is the message's labels now, as the sync reads them (none: omitted).
					changed.push({ providerMessageId: copy.providerMessageId, labels: data.labelIds ?? [] });
					return;
				}
				const session = new GraphSession(requester, endpoints.graphBaseUrl);
				await session.patch(`/me/messages/${graphPathSegment(copy.providerMessageId)}`, {
					isRead: read,
				});
				changed.push({ providerMessageId: copy.providerMessageId });
			});
		} catch (error) {
			// A copy the mailbox no longer holds is the sync's to tombstone; not a reason to leave
			// the others unchanged.
			if (error instanceof ApiError && error.status === 404) gone++;
			else throw error;
		}
	}
	if (!changed.length && gone) throw new ApiError(404, 'not_found', 'Not found at the provider');

	const { database } = call.context;
	const workspaceId = call.principal.workspaceId;
	await database.knex.transaction(async (trx) => {
		for (const copy of changed) {
			await setMailboxCopyRead(
				trx,
				{ workspaceId, integrationId: integration.id },
				copy.providerMessageId,
				{ isRead: read, labels: copy.labels },
			);
		}
	});
	const stored = await getEmail(database, workspaceId, email.id);
	if (!stored) throw new ApiError(404, 'not_found', 'Email not found');
	return { status: 200, body: { email: answeredEmail(stored, integration) } };
}

// ---------------------------------------------------------------- events

/** The API's all-day end is exclusive (the day after the last, as stored); Google's input is the last day. */
function lastDay(start: string, end: string): string {
	const first = toDateOnly(start);
	const after = toDateOnly(end);
	if (after <= first) return first;
	const last = new Date(`${after}T00:00:00Z`);
	last.setUTCDate(last.getUTCDate() - 1);
	return last.toISOString().slice(0, 10);
}

export async function eventsCreateRoute(
	call: WidgetCall<unknown, EventCreateBody>,
): Promise<ApiResponse> {
	const integration = await requireCallerIntegration(call, { live: true });
	const { body } = call;
	const allDay = body.allDay === true;
	if (allDay && !/^\d{4}-\d\d-\d\d$/.test(body.start)) {
		throw new ApiError(
			400,
			'bad_request',
			'body.start: an all-day event starts on a date (YYYY-MM-DD)',
		);
	}
	if (!allDay && (/^\d{4}-\d\d-\d\d$/.test(body.start) || /^\d{4}-\d\d-\d\d$/.test(body.end))) {
		throw new ApiError(
			400,
			'bad_request',
			'body.start: a timed event needs a date and time (or set allDay)',
		);
	}
	if (!allDay && Date.parse(body.end) <= Date.parse(body.start)) {
		throw new ApiError(400, 'bad_request', 'body.end: the end must be after the start');
	}
	const requester = requesterFor(call, integration);
	const endpoints = call.context.apps.endpoints;
	const record: CalendarEventRecord = await asProvider(async () => {
		if (integration.provider === 'google') {
			const client = createCalendarClient(requester, endpoints.googleApiBaseUrl);
			const write = toGoogleEventWrite({
				title: body.title,
				description: body.description,
				location: body.location,
				start: body.start,
				end: allDay ? lastDay(body.start, body.end) : body.end,
				allDay,
				timeZone: body.timeZone,
				attendees: body.attendees?.map((email) => ({ email })),
			});
			const { data } = await client.events.insert({
				calendarId: body.calendarId,
				requestBody: write.body,
				sendUpdates: body.attendees?.length ? 'all' : 'none',
			});
			const described = await describeCalendar(client, body.calendarId);
			return googleEventToRecord(data, {
				calendarId: described.calendarId,
				calendarTimeZone: described.timeZone,
			});
		}
		const session = new GraphSession(requester, endpoints.graphBaseUrl);
		const calendarPath =
			body.calendarId === 'primary'
				? '/me/calendar'
				: `/me/calendars/${graphPathSegment(body.calendarId)}`;
		const calendar = await session.get<{ id: string }>(calendarPath, { select: ['id'] });
		const end =
			allDay && toDateOnly(body.end) <= toDateOnly(body.start)
				? dayAfter(toDateOnly(body.start))
				: body.end;
		const event = await session.post<GraphEvent>(
			`${calendarPath}/events`,
			toGraphEventWrite({
				subject: body.title,
				start: body.start,
				end,
				timeZone: body.timeZone || 'UTC',
				isAllDay: allDay,
				attendees: body.attendees?.join(', '),
				body: body.description,
				location: body.location,
			}),
			{ prefer: ['outlook.timezone="UTC"'] },
		);
		return graphEventToRecord(event, {
			calendarId: calendar.id,
			ownerEmail: integration.accountEmail,
		});
	});
	const { database } = call.context;
	const workspaceId = call.principal.workspaceId;
	await database.knex.transaction((trx) =>
		writeCalendarEventPage(trx, {
			workspaceId,
			integrationId: integration.id,
			visibility: integration.settings.visibility,
			events: [record],
		}),
	);
	const row = (await database.knex('calendar_events').first('id').where({
		workspace_id: workspaceId,
		integration_id: integration.id,
		provider_calendar_id: record.providerCalendarId,
		provider_event_id: record.providerEventId,
	})) as { id: string } | undefined;
	if (!row)
		throw new ApiError(502, 'provider_error', 'The event was created but could not be stored');
	await linkRecords(database, workspaceId, { eventIds: [row.id] });
	const event = await getEvent(database, workspaceId, row.id);
	return { status: 201, body: { event } };
}
