// The Microsoft 365 CRM node run through n8n-core (WorkflowExecute) against the emulator's Graph:
// every operation, token refresh with refresh-token rotation, a revoked grant, 429 Retry-After and
// continueOnFail pairing.
import type { INode, INodeExecutionData } from 'n8n-workflow';

import type { CalendarEventRecord, EmailRecord } from '../../core';
import { startEmulator, type Emulator } from '../emulator';
import { deliverGraphMessages } from '../emulator/microsoft/graph';
import { TestCredentialsHelper, type StoredCredential } from '../harness/credentialsHelper';
import { chain, crmNode, runWorkflow, type WorkflowDefinition } from '../harness/runWorkflow';
import {
	connectGoogleCredential,
	connectMicrosoftCredential,
	GMAIL_SCOPES,
} from '../support/providerCredentials';
import { publishedWorkflow, resolveCredentialsByName } from '../support/publishedWorkflow';

let emu: Emulator;
let credential: StoredCredential;
const NODE = 'Microsoft 365 CRM';

beforeAll(async () => {
	emu = await startEmulator({ seed: 'microsoft365-node', messages: 80 });
	credential = await connectMicrosoftCredential(emu);
});
afterAll(() => emu.stop());

function m365Node(parameters: Record<string, unknown>, extra: Partial<INode> = {}): INode {
	return crmNode('microsoft365Crm', NODE, parameters as never, {
		credentials: { microsoft365CrmOAuth2Api: { id: credential.id, name: credential.name } },
		...extra,
	});
}

async function run(definition: WorkflowDefinition, helper?: TestCredentialsHelper) {
	const result = await runWorkflow(definition, {
		credentials: helper ? [] : [credential],
		credentialsHelper: helper,
	});
	return result;
}

async function runOne(parameters: Record<string, unknown>) {
	const result = await run(chain(m365Node(parameters)));
	expect(result.error).toBeUndefined();
	return result.output(NODE);
}

function records(items: INodeExecutionData[]): EmailRecord[] {
	return items.map((item) => item.json as unknown as EmailRecord);
}

/** Graph called directly with the sandbox token (what Outlook or another client would do). */
async function graph(method: string, path: string, body?: unknown) {
	const response = await fetch(path.startsWith('http') ? path : `${emu.urls.graph}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${emu.sandbox.microsoftAccessToken}`,
			'content-type': 'application/json',
			prefer: 'IdType="ImmutableId", outlook.timezone="UTC"',
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
	return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function inboxRecords(limit = 5): Promise<EmailRecord[]> {
	return records(
		await runOne({ resource: 'message', operation: 'getMany', folder: 'inbox', limit }),
	);
}

describe('Microsoft 365 CRM node — messages', () => {
	it('lists a folder newest first as CRM email records, with paging up to the limit', async () => {
		const items = await runOne({
			resource: 'message',
			operation: 'getMany',
			folder: 'inbox',
			limit: 12,
		});
		expect(items).toHaveLength(12);
		for (const item of items) expect(item.pairedItem).toEqual({ item: 0 });
		const list = records(items);
		expect(list[0]).toMatchObject({
			provider: 'microsoft',
			labels: expect.arrayContaining(['inbox']),
		});
		// Immutable ids (Prefer: IdType="ImmutableId"), not the regular "AAMk" ones.
		expect(list[0].providerMessageId.startsWith('AAku')).toBe(true);
		const dates = list.map((record) => Date.parse(record.date ?? ''));
		expect([...dates].sort((a, b) => b - a)).toEqual(dates);
		expect(list.every((record) => record.internetMessageId?.startsWith('<'))).toBe(true);
	});

	it('returns all messages of a folder by following @odata.nextLink', async () => {
		const folders = await runOne({ resource: 'folder', operation: 'getMany' });
		const sent = folders.find((item) => item.json.wellKnownName === 'sentitems')!.json;
		const items = await runOne({
			resource: 'message',
			operation: 'getMany',
			folder: 'sentitems',
			returnAll: true,
		});
		expect(items).toHaveLength(sent.totalItemCount as number);
		expect(new Set(records(items).map((r) => r.providerMessageId)).size).toBe(items.length);
		expect(records(items).every((r) => r.direction === 'outgoing')).toBe(true);
	});

	it('searches with $search and filters with $filter', async () => {
		const [target] = await inboxRecords(1);
		const word = (target.subject ?? '').split(/\s+/).find((w) => /^[A-Za-z]{5,}$/.test(w))!;
		const found = records(
			await runOne({ resource: 'message', operation: 'getMany', search: word, returnAll: true }),
		);
		expect(found.length).toBeGreaterThan(0);
		expect(found.map((r) => r.providerMessageId)).toContain(target.providerMessageId);
		const unread = records(
			await runOne({
				resource: 'message',
				operation: 'getMany',
				folder: 'inbox',
				filter: 'isRead eq false',
				limit: 5,
			}),
		);
		expect(unread.length).toBeGreaterThan(0);
		expect(unread.every((r) => !r.isRead)).toBe(true);
	});

	it('gets a message with threading headers, text and HTML kept apart', async () => {
		const reply = records(
			await runOne({ resource: 'message', operation: 'getMany', folder: 'inbox', limit: 40 }),
		).find((r) => r.inReplyTo && r.bodyHtml)!;
		expect(reply).toBeDefined();
		const [got] = records(
			await runOne({ resource: 'message', operation: 'get', messageId: reply.providerMessageId }),
		);
		expect(got).toMatchObject({
			providerMessageId: reply.providerMessageId,
			providerThreadId: reply.providerThreadId,
			inReplyTo: reply.inReplyTo,
		});
		expect(got.references).toContain(got.inReplyTo);
		expect(got.bodyHtml).toMatch(/<\w+/);
		expect(got.bodyText).not.toMatch(/<\/?(div|p|br|html)\b/i);
		expect(got.bodyText!.length).toBeGreaterThan(0);
	});

	it('sends HTML with cc, bcc and an attachment from binary data; the record is the copy in Sent Items', async () => {
		// Binary input from a real node: Gmail CRM downloads an attachment from the Google sandbox.
		const google = await connectGoogleCredential(emu, 'gmailCrmOAuth2Api', GMAIL_SCOPES);
		const mailbox = emu.state.accounts.get(emu.sandbox.googleEmail)!.mailbox;
		let withAttachment = mailbox.messageAt(mailbox.count - 1);
		for (let i = mailbox.count - 1; i >= 0; i--) {
			withAttachment = mailbox.messageAt(i);
			if (withAttachment.attachments.length > 0 && withAttachment.kind !== 'draft') break;
		}
		const gmailNode = crmNode(
			'gmailCrm',
			'Gmail CRM',
			{
				resource: 'message',
				operation: 'get',
				messageId: withAttachment.id,
				downloadAttachments: true,
			},
			{ credentials: { gmailCrmOAuth2Api: { id: google.id, name: google.name } } },
		);
		const sendNode = m365Node({
			resource: 'message',
			operation: 'send',
			toRecipients: 'Ada Lovelace <ada@example.com>',
			subject: 'Proposal for Q1',
			bodyContentType: 'html',
			bodyContent: '<p>Hello <b>Ada</b>,</p><p>the proposal is attached.</p>',
			options: {
				ccRecipients: 'bob@example.com',
				bccRecipients: 'carol@example.com',
				attachments: 'attachment_0',
			},
		});
		// What reached Graph: the draft with its fileAttachment.
		const drafts: Array<{ attachments?: Array<Record<string, string>> }> = [];
		const dispatch = emu.router.dispatch.bind(emu.router);
		const spy = jest.spyOn(emu.router, 'dispatch').mockImplementation(async (request) => {
			if (
				request.method === 'POST' &&
				/\/me\/messages$/.test(new URL(request.url, 'http://x').pathname)
			)
				drafts.push(JSON.parse(request.body.toString('utf8')));
			return await dispatch(request);
		});
		let result;
		try {
			result = await runWorkflow(chain(gmailNode, sendNode), { credentials: [credential, google] });
		} finally {
			spy.mockRestore();
		}
		expect(result.error).toBeUndefined();
		const [item] = result.output(NODE);
		expect(item.pairedItem).toEqual({ item: 0 });
		const sent = item.json as unknown as EmailRecord;
		expect(sent).toMatchObject({
			provider: 'microsoft',
			subject: 'Proposal for Q1',
			direction: 'outgoing',
			isDraft: false,
			labels: ['sentitems'],
			to: [{ email: 'ada@example.com', name: 'Ada Lovelace' }],
			cc: [{ email: 'bob@example.com', name: null }],
			bcc: [{ email: 'carol@example.com', name: null }],
		});
		expect(sent.bodyHtml).toContain('<b>Ada</b>');
		expect(sent.bodyText).toContain('Hello Ada');
		expect(sent.internetMessageId).toMatch(/^<.+@.+>$/);
		const expected = withAttachment.attachments[0];
		expect(drafts).toHaveLength(1);
		expect(drafts[0].attachments).toEqual([
			expect.objectContaining({
				'@odata.type': '#microsoft.graph.fileAttachment',
				name: expected.filename,
			}),
		]);
		expect(Buffer.from(drafts[0].attachments![0].contentBytes, 'base64').length).toBeGreaterThan(0);
	});

	it('sends to display names with commas and quotes, separated by commas or semicolons', async () => {
		// What reached Graph: the emulator keeps no Reply-To, so the draft is read on the way.
		const drafts: Array<{ replyTo?: unknown }> = [];
		const dispatch = emu.router.dispatch.bind(emu.router);
		const spy = jest.spyOn(emu.router, 'dispatch').mockImplementation(async (request) => {
			if (
				request.method === 'POST' &&
				/\/me\/messages$/.test(new URL(request.url, 'http://x').pathname)
			)
				drafts.push(JSON.parse(request.body.toString('utf8')));
			return await dispatch(request);
		});
		let items;
		try {
			items = await runOne({
				resource: 'message',
				operation: 'send',
				toRecipients: '"Doe, Bob" <bob@example.com>; ann@example.com',
				subject: 'Names with commas',
				bodyContentType: 'text',
				bodyContent: 'Hi',
				options: {
					ccRecipients:
						'"Lee, \\"Ann\\" Marie" <ann.lee@example.com>, Sales: s1@example.com, s2@example.com;',
					replyTo: 'Support (help desk) <support@example.com>',
				},
			});
		} finally {
			spy.mockRestore();
		}
		const [sent] = records(items);
		expect(sent.to).toEqual([
			{ email: 'bob@example.com', name: 'Doe, Bob' },
			{ email: 'ann@example.com', name: null },
		]);
		expect(sent.cc).toEqual([
			{ email: 'ann.lee@example.com', name: 'Lee, "Ann" Marie' },
			{ email: 's1@example.com', name: null },
			{ email: 's2@example.com', name: null },
		]);
		expect(drafts[0].replyTo).toEqual([
			{ emailAddress: { address: 'support@example.com', name: 'Support' } },
		]);
	});

	it('names the recipient that is not an address instead of sending to a broken one', async () => {
		emu.control.resetCalls();
		const result = await run(
			chain(
				m365Node({
					resource: 'message',
					operation: 'send',
					toRecipients: 'Doe, Bob <bob@example.com>',
					subject: 'Unquoted comma',
					bodyContentType: 'text',
					bodyContent: 'Hi',
				}),
			),
		);
		expect(result.error?.message).toBe(
			'To: "Doe" is not an email address (a display name with a comma needs quotes: "Doe, Bob" <bob@example.com>)',
		);
		expect(emu.control.calls().byOperation['graph.messages.create']).toBeUndefined();
	});

	it('sends without keeping a copy when Save to Sent Items is off', async () => {
		emu.control.resetCalls();
		const [sent] = records(
			await runOne({
				resource: 'message',
				operation: 'send',
				toRecipients: 'dan@example.com',
				subject: 'No copy',
				bodyContentType: 'text',
				bodyContent: 'plain text',
				options: { saveToSentItems: false },
			}),
		);
		expect(sent).toMatchObject({
			subject: 'No copy',
			bodyText: 'plain text',
			direction: 'outgoing',
		});
		expect(emu.control.calls().byOperation['graph.users.sendMail']).toBe(1);
		expect(emu.control.calls().byOperation['graph.messages.create']).toBeUndefined();
	});

	it('replies in the conversation: same conversationId, In-Reply-To and References, RE: subject', async () => {
		const original = (await inboxRecords(10)).find(
			(r) => r.from && !/^re:/i.test(r.subject ?? ''),
		)!;
		const [reply] = records(
			await runOne({
				resource: 'message',
				operation: 'reply',
				messageId: original.providerMessageId,
				replyMode: 'comment',
				comment: 'Thanks, see you Tuesday.',
			}),
		);
		expect(reply).toMatchObject({
			providerThreadId: original.providerThreadId,
			inReplyTo: original.internetMessageId,
			subject: `RE: ${original.subject}`,
			direction: 'outgoing',
			labels: ['sentitems'],
			to: [{ email: original.from!.email }],
		});
		expect(reply.references).toContain(original.internetMessageId);
		expect(reply.bodyText).toContain('Thanks, see you Tuesday.');

		const [full] = records(
			await runOne({
				resource: 'message',
				operation: 'reply',
				messageId: original.providerMessageId,
				replyMode: 'body',
				bodyContentType: 'html',
				bodyContent: '<p>A full <i>HTML</i> answer</p>',
			}),
		);
		expect(full.bodyHtml).toContain('<i>HTML</i>');
		expect(full.inReplyTo).toBe(original.internetMessageId);
	});

	it('moves a message (its immutable id stays) and marks it read and unread', async () => {
		const [target] = await inboxRecords(1);
		const [moved] = records(
			await runOne({
				resource: 'message',
				operation: 'move',
				messageId: target.providerMessageId,
				destinationFolder: 'archive',
			}),
		);
		expect(moved.providerMessageId).toBe(target.providerMessageId);
		expect(moved.labels[0]).toBe('archive');
		const [read] = records(
			await runOne({
				resource: 'message',
				operation: 'markAsRead',
				messageId: moved.providerMessageId,
			}),
		);
		expect(read.isRead).toBe(true);
		const [unread] = records(
			await runOne({
				resource: 'message',
				operation: 'markAsUnread',
				messageId: moved.providerMessageId,
			}),
		);
		expect(unread.isRead).toBe(false);
	});
});

describe('Microsoft 365 CRM node — folders', () => {
	it('lists folders with well-known names, counts and child folders under their path', async () => {
		const items = await runOne({ resource: 'folder', operation: 'getMany' });
		const names = items.map((item) => item.json.wellKnownName).filter(Boolean);
		expect(names).toEqual(expect.arrayContaining(['inbox', 'sentitems', 'drafts', 'archive']));
		const child = items.find((item) => String(item.json.path).startsWith('Inbox/'));
		expect(child).toBeDefined();
		const inbox = items.find((item) => item.json.wellKnownName === 'inbox')!;
		expect(child!.json.parentFolderId).toBe(inbox.json.id);
	});
});

describe('Microsoft 365 CRM node — events', () => {
	it('creates a timed event in a time zone with attendees and a Teams meeting', async () => {
		const [event] = await runOne({
			resource: 'event',
			operation: 'create',
			subject: 'Kick-off',
			start: '2026-12-03T10:00:00',
			end: '2026-12-03T11:30:00',
			timeZone: 'W. Europe Standard Time',
			isAllDay: false,
			additionalFields: {
				attendees: '"Lovelace, Ada" <ada@example.com>',
				optionalAttendees: 'bob@example.com; "O\'Hara, Kim" <kim@example.com>',
				location: 'Room 4',
				body: 'Agenda: scope',
				isOnlineMeeting: true,
			},
		});
		expect(event.json).toMatchObject({
			provider: 'microsoft',
			title: 'Kick-off',
			status: 'confirmed',
			isAllDay: false,
			location: 'Room 4',
			start: { dateTime: '2026-12-03T10:00:00+01:00', timeZone: 'Europe/Berlin', date: null },
			end: { dateTime: '2026-12-03T11:30:00+01:00', timeZone: 'Europe/Berlin' },
			organizer: { email: emu.sandbox.microsoftEmail },
			attendees: [
				expect.objectContaining({
					email: 'ada@example.com',
					name: 'Lovelace, Ada',
					optional: false,
					responseStatus: 'needsAction',
				}),
				expect.objectContaining({ email: 'bob@example.com', optional: true }),
				expect.objectContaining({ email: 'kim@example.com', name: "O'Hara, Kim", optional: true }),
			],
		});
		expect(event.json.meetingLink).toMatch(/^https:\/\/teams\.microsoft\.com\//);
		expect(event.json.description).toBe('Agenda: scope');
	});

	it('creates an all-day event as dates, lists it in its range and updates it', async () => {
		const [created] = await runOne({
			resource: 'event',
			operation: 'create',
			subject: 'Offsite',
			start: '2026-12-10',
			end: '2026-12-10',
			timeZone: 'Europe/Paris',
			isAllDay: true,
		});
		expect(created.json).toMatchObject({
			isAllDay: true,
			start: { date: '2026-12-10', dateTime: null },
			end: { date: '2026-12-11', dateTime: null },
		});
		const listed = await runOne({
			resource: 'event',
			operation: 'getMany',
			timeMin: '2026-12-09T00:00:00Z',
			timeMax: '2026-12-12T00:00:00Z',
			returnAll: true,
		});
		const found = listed.find((item) => item.json.providerEventId === created.json.providerEventId);
		expect(found?.json).toMatchObject({ title: 'Offsite', isAllDay: true });
		expect(found?.json.providerCalendarId).toBe(created.json.providerCalendarId);

		const [updated] = await runOne({
			resource: 'event',
			operation: 'update',
			eventId: created.json.providerEventId,
			updateFields: { subject: 'Offsite (moved)', location: 'Lyon' },
		});
		expect(updated.json).toMatchObject({
			providerEventId: created.json.providerEventId,
			title: 'Offsite (moved)',
			location: 'Lyon',
			isAllDay: true,
		});
	});

	it('lists each occurrence of a recurring series in the range as its own item, and none outside it', async () => {
		// What the calendar holds, read from Graph itself over half a year.
		const occurrences = new Map<string, Array<{ id: string; start: number }>>();
		let link: string | undefined =
			`/me/calendar/calendarView?startDateTime=2026-09-01T00:00:00Z&endDateTime=2027-03-01T00:00:00Z&$top=100`;
		while (link) {
			const page = (await graph('GET', link)) as {
				value: Array<{
					id: string;
					type: string;
					seriesMasterId: string;
					start: { dateTime: string };
				}>;
				'@odata.nextLink'?: string;
			};
			for (const event of page.value.filter((e) => e.type === 'occurrence')) {
				const list = occurrences.get(event.seriesMasterId) ?? [];
				list.push({ id: event.id, start: Date.parse(`${event.start.dateTime.slice(0, 19)}Z`) });
				occurrences.set(event.seriesMasterId, list);
			}
			link = page['@odata.nextLink'];
		}
		const [seriesId, series] = [...occurrences].find(([, list]) => list.length >= 4)!;
		series.sort((a, b) => a.start - b.start);
		// From the second occurrence's start to the fourth's: the second and third, nothing else.
		const from = series[1].start;
		const to = series[3].start;
		const items = await runOne({
			resource: 'event',
			operation: 'getMany',
			timeMin: new Date(from).toISOString(),
			timeMax: new Date(to).toISOString(),
			returnAll: true,
		});
		const ofSeries = items
			.map((item) => item.json as unknown as CalendarEventRecord)
			.filter((record) => record.recurringEventId === seriesId);
		expect(ofSeries.map((record) => record.providerEventId).sort()).toEqual(
			[series[1].id, series[2].id].sort(),
		);
		for (const record of ofSeries) {
			const start = Date.parse(record.start.dateTime!);
			expect(start).toBeGreaterThanOrEqual(from);
			expect(start).toBeLessThan(to);
			expect(record.recurrence).toEqual([]); // an occurrence, not the series
		}
		expect(new Set(ofSeries.map((record) => record.start.dateTime)).size).toBe(2);
		expect(items.map((item) => item.json.providerEventId)).not.toContain(seriesId);

		const limited = await runOne({
			resource: 'event',
			operation: 'getMany',
			timeMin: '2026-09-01T00:00:00Z',
			timeMax: '2027-03-01T00:00:00Z',
			limit: 3,
		});
		expect(limited).toHaveLength(3);
	});
});

describe('Microsoft 365 CRM node — errors, retries and tokens', () => {
	it('waits as asked by a 429 with Retry-After and then succeeds', async () => {
		const [target] = await inboxRecords(1);
		emu.control.inject({
			operation: 'graph.messages.get',
			status: 429,
			retryAfterSeconds: 1,
			times: 1,
		});
		emu.control.resetCalls();
		const started = Date.now();
		const [got] = records(
			await runOne({ resource: 'message', operation: 'get', messageId: target.providerMessageId }),
		);
		expect(got.providerMessageId).toBe(target.providerMessageId);
		expect(emu.control.calls().byOperation['graph.messages.get']).toBe(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	});

	it('says which message, folder, event or calendar Microsoft 365 does not have', async () => {
		const [message] = await inboxRecords(1);
		const missing = (kind: string, id: string) =>
			`Microsoft 365 has no ${kind} '${id}' (or the account cannot see it)`;
		const failure = async (parameters: Record<string, unknown>) =>
			(await run(chain(m365Node(parameters)))).error?.message;
		expect(
			await failure({ resource: 'message', operation: 'get', messageId: 'AAkNoSuchMessage' }),
		).toBe(missing('message', 'AAkNoSuchMessage'));
		for (const operation of ['markAsRead', 'markAsUnread']) {
			expect(await failure({ resource: 'message', operation, messageId: 'AAkGone' })).toBe(
				missing('message', 'AAkGone'),
			);
		}
		expect(
			await failure({
				resource: 'message',
				operation: 'reply',
				messageId: 'AAkGone',
				replyMode: 'comment',
				comment: 'Hi',
			}),
		).toBe(missing('message', 'AAkGone'));
		expect(
			await failure({
				resource: 'message',
				operation: 'move',
				messageId: message.providerMessageId,
				destinationFolder: 'AAMkNoSuchFolder',
			}),
		).toBe(missing('mail folder', 'AAMkNoSuchFolder'));
		expect(
			await failure({
				resource: 'message',
				operation: 'move',
				messageId: 'AAkGone',
				destinationFolder: 'archive',
			}),
		).toBe(missing('message', 'AAkGone'));
		expect(
			await failure({ resource: 'message', operation: 'getMany', folder: 'AAMkNoSuchFolder' }),
		).toBe(missing('mail folder', 'AAMkNoSuchFolder'));
		expect(
			await failure({
				resource: 'event',
				operation: 'update',
				eventId: 'AAMkNoSuchEvent',
				updateFields: { subject: 'Moved' },
			}),
		).toBe(missing('event', 'AAMkNoSuchEvent'));
		expect(
			await failure({ resource: 'event', operation: 'getMany', calendar: 'AAMkNoSuchCalendar' }),
		).toBe(missing('calendar', 'AAMkNoSuchCalendar'));
		expect(
			await failure({
				resource: 'event',
				operation: 'create',
				calendar: 'AAMkNoSuchCalendar',
				subject: 'Lost',
				start: '2026-12-20T10:00:00',
				end: '2026-12-20T11:00:00',
				timeZone: 'UTC',
				isAllDay: false,
			}),
		).toBe(missing('calendar', 'AAMkNoSuchCalendar'));
	});

	it('keeps going with continueOnFail: the failed item gets its error, every item its pairing', async () => {
		const [good] = await inboxRecords(1);
		const ids = ['AAkunknown-message-id', good.providerMessageId];
		const node = m365Node(
			{
				resource: 'message',
				operation: 'get',
				messageId: `={{ ${JSON.stringify(ids)}[$itemIndex] }}`,
			},
			{ continueOnFail: true },
		);
		// A first Graph node emits two items (two folders), so the get node runs for two items.
		const two = m365Node(
			{ resource: 'message', operation: 'getMany', folder: 'inbox', limit: 2 },
			{ name: 'Two Items' },
		);
		const result = await run(chain(two, node));
		expect(result.error).toBeUndefined();
		const items = result.output(NODE);
		expect(items).toHaveLength(2);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json.error).toBe(
			"Microsoft 365 has no message 'AAkunknown-message-id' (or the account cannot see it)",
		);
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(items[1].json.providerMessageId).toBe(good.providerMessageId);
	});

	it('refreshes an expired access token, saves the rotated refresh token, and works with it again', async () => {
		const helper = new TestCredentialsHelper();
		helper.add(credential);
		const firstRefreshToken = (credential.data.oauthTokenData as { refresh_token: string })
			.refresh_token;
		emu.control.advanceClock(2 * 3600 * 1000); // past the access token's expiry
		const first = await run(
			chain(m365Node({ resource: 'folder', operation: 'getMany', includeChildFolders: false })),
			helper,
		);
		expect(first.error).toBeUndefined();
		expect(helper.tokenUpdates).toHaveLength(1);
		const saved = helper.credentials.get(credential.id)!.data.oauthTokenData as {
			refresh_token: string;
			access_token: string;
		};
		// Microsoft rotates refresh tokens: n8n saved the new one.
		expect(saved.refresh_token).toBeTruthy();
		expect(saved.refresh_token).not.toBe(firstRefreshToken);

		// Past the new access token's expiry and the old refresh token's grace period: only the
		// rotated refresh token can get a new access token now.
		emu.control.advanceClock(2 * 3600 * 1000);
		const second = await run(
			chain(m365Node({ resource: 'folder', operation: 'getMany', includeChildFolders: false })),
			helper,
		);
		expect(second.error).toBeUndefined();
		expect(second.output(NODE).length).toBeGreaterThan(0);
		expect(helper.tokenUpdates).toHaveLength(2);
		credential = helper.credentials.get(credential.id)!;
	});

	it('tells the user to reconnect when the grant was revoked', async () => {
		const revoked = await connectMicrosoftCredential(emu, {
			id: 'revoked',
			name: 'Revoked account',
		});
		emu.control.revokeGrants(emu.sandbox.microsoftEmail);
		const result = await runWorkflow(
			chain(
				crmNode(
					'microsoft365Crm',
					NODE,
					{ resource: 'folder', operation: 'getMany' },
					{ credentials: { microsoft365CrmOAuth2Api: { id: 'revoked', name: 'Revoked account' } } },
				),
			),
			{ credentials: [revoked] },
		);
		expect(result.error?.message).toMatch(
			/Revoked account.*needs to be reconnected|reconnect the credential/,
		);
		credential = await connectMicrosoftCredential(emu);
	});
});

// Delivered mail shows up in list results (the delta trigger's own tests live beside this file).
describe('Microsoft 365 CRM node — new mail', () => {
	it('finds freshly delivered mail first in the Inbox', async () => {
		const [id] = deliverGraphMessages(emu.state, emu.sandbox.microsoftEmail, 1, {
			subject: 'Fresh delivery',
		});
		const [newest] = await inboxRecords(1);
		expect(newest).toMatchObject({
			providerMessageId: id,
			subject: 'Fresh delivery',
			isRead: false,
		});
	});
});

describe('Microsoft 365 CRM node — documented example', () => {
	it('runs the example of docs/nodes/microsoft-365-crm.md as published: run twice, it replies once', async () => {
		// The user's own credential, named as the example names it.
		const account = await connectMicrosoftCredential(emu, {
			id: 'users-microsoft-credential',
			name: 'Microsoft 365 account',
		});
		const workflow = () =>
			resolveCredentialsByName(publishedWorkflow('microsoft-365-crm.md'), [account]);
		const owner = emu.sandbox.microsoftEmail;
		const customer = { email: 'customer@example.com', name: 'Carla Customer' };
		const unanswered = deliverGraphMessages(emu.state, owner, 2, { from: customer });
		deliverGraphMessages(emu.state, owner, 1, { from: { email: 'someone@example.com' } });

		const first = await runWorkflow(workflow(), { credentials: [account] });
		expect(first.error).toBeUndefined();
		expect(first.json('Customer Mail').map((r) => r.providerMessageId)).toEqual(
			expect.arrayContaining(unanswered),
		);
		const replies = first.json('Reply') as unknown as EmailRecord[];
		expect(replies.length).toBe(first.json('Customer Mail').length);
		for (const reply of replies) {
			expect(reply).toMatchObject({ direction: 'outgoing', to: [{ email: customer.email }] });
			expect(reply.bodyText).toContain('we are on it');
		}
		expect(first.json('Mark Read').every((r) => r.isRead === true)).toBe(true);

		emu.control.resetCalls();
		const second = await runWorkflow(workflow(), { credentials: [account] });
		expect(second.error).toBeUndefined();
		expect(second.json('Customer Mail')).toEqual([]);
		expect(second.json('Reply')).toEqual([]);
		expect(emu.control.calls().byOperation['graph.messages.createReply']).toBeUndefined();
		expect(emu.control.calls().byOperation['graph.messages.send']).toBeUndefined();
	});
});
