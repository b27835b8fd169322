// Graph message and event resources → CRM records, without a server: the mapping rules one by one.
import {
	graphEventToRecord,
	graphMessageToRecord,
	htmlToText,
	recurrenceToRRule,
	toGraphDateTime,
	toIanaTimeZone,
	type GraphEvent,
	type GraphMessage,
} from '../../core';

const OWNER = 'me@contoso.example';

function message(overrides: Partial<GraphMessage> = {}): GraphMessage {
	return {
		id: 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A',
		conversationId: 'AAQkAGI2TG93AAA=',
		internetMessageId: '<CAB123@mail.example.com>',
		subject: 'Quarterly numbers',
		bodyPreview: 'Hi, here are the numbers',
		body: {
			contentType: 'html',
			content: '<html><body><p>Hi,</p><p>here are the numbers</p></body></html>',
		},
		from: { emailAddress: { name: 'Ada Lovelace', address: 'Ada@Example.com' } },
		toRecipients: [{ emailAddress: { name: OWNER, address: OWNER } }],
		ccRecipients: [],
		bccRecipients: [],
		replyTo: [],
		sentDateTime: '2026-11-20T09:00:00Z',
		receivedDateTime: '2026-11-20T09:00:05Z',
		parentFolderId: 'FOLDER-INBOX',
		categories: ['Customers'],
		isRead: false,
		isDraft: false,
		...overrides,
	};
}

describe('graphMessageToRecord', () => {
	it('maps ids, addresses, folder label, categories, read state and date', () => {
		const record = graphMessageToRecord(message(), {
			ownerEmail: OWNER,
			folderNames: { 'FOLDER-INBOX': 'inbox' },
		});
		expect(record).toMatchObject({
			provider: 'microsoft',
			providerMessageId: 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A',
			providerThreadId: 'AAQkAGI2TG93AAA=',
			internetMessageId: '<CAB123@mail.example.com>',
			from: { email: 'ada@example.com', name: 'Ada Lovelace' },
			// Graph repeats the address as the name when there is none.
			to: [{ email: OWNER, name: null }],
			labels: ['inbox', 'Customers'],
			isRead: false,
			isDraft: false,
			direction: 'incoming',
			date: '2026-11-20T09:00:00.000Z',
			inReplyTo: null,
			references: [],
			isBulk: false,
		});
	});

	it('keeps HTML apart and derives readable text from it', () => {
		const record = graphMessageToRecord(message(), { ownerEmail: OWNER });
		expect(record.bodyHtml).toContain('<p>Hi,</p>');
		expect(record.bodyText).toBe('Hi,\n\nhere are the numbers');
		const text = graphMessageToRecord(
			message({ body: { contentType: 'text', content: 'plain <b>not html</b>' } }),
			{ ownerEmail: OWNER },
		);
		expect(text).toMatchObject({ bodyText: 'plain <b>not html</b>', bodyHtml: null });
	});

	it('reads In-Reply-To, References and bulk headers from internetMessageHeaders', () => {
		const record = graphMessageToRecord(
			message({
				internetMessageHeaders: [
					{ name: 'In-Reply-To', value: '<a@x>' },
					{ name: 'References', value: '<root@x> <a@x>' },
					{ name: 'List-Unsubscribe', value: '<mailto:unsub@news.example>' },
					{ name: 'Precedence', value: 'bulk' },
				],
			}),
			{ ownerEmail: OWNER },
		);
		expect(record).toMatchObject({
			inReplyTo: '<a@x>',
			references: ['<root@x>', '<a@x>'],
			isBulk: true,
			listHeaders: { 'list-unsubscribe': '<mailto:unsub@news.example>', precedence: 'bulk' },
		});
	});

	it('calls mail outgoing when it is in Sent Items or from the mailbox owner', () => {
		expect(
			graphMessageToRecord(message(), { ownerEmail: OWNER, folderLabel: 'sentitems' }).direction,
		).toBe('outgoing');
		expect(
			graphMessageToRecord(message({ from: { emailAddress: { address: 'ME@contoso.example' } } }), {
				ownerEmail: OWNER,
			}).direction,
		).toBe('outgoing');
		// Unknown folders keep their id as the label.
		expect(graphMessageToRecord(message(), { ownerEmail: OWNER }).labels[0]).toBe('FOLDER-INBOX');
	});
});

describe('htmlToText', () => {
	it('drops head, style and script, breaks lines at blocks, decodes entities', () => {
		expect(
			htmlToText(
				'<html><head><style>p{color:red}</style><title>x</title></head><body>' +
					'<div>Tom &amp; Jerry&nbsp;&#8211; &#x263A;</div><ul><li>one</li><li>two</li></ul>' +
					'<script>alert(1)</script>Line<br>break</body></html>',
			),
		).toBe('Tom & Jerry – ☺\n\n- one\n- two\nLine\nbreak');
	});
});

describe('time zones', () => {
	it('maps Windows names to IANA and passes IANA names through', () => {
		expect(toIanaTimeZone('W. Europe Standard Time')).toBe('Europe/Berlin');
		expect(toIanaTimeZone('pacific standard time')).toBe('America/Los_Angeles');
		expect(toIanaTimeZone('India Standard Time')).toBe('Asia/Calcutta');
		expect(toIanaTimeZone('UTC')).toBe('UTC');
		expect(toIanaTimeZone('Europe/Paris')).toBe('Europe/Paris');
		expect(toIanaTimeZone('Not A Zone')).toBeUndefined();
	});

	it('turns user input into Graph dateTimeTimeZone values', () => {
		expect(toGraphDateTime('2026-12-01T10:00', 'Europe/Berlin')).toEqual({
			dateTime: '2026-12-01T10:00:00',
			timeZone: 'Europe/Berlin',
		});
		expect(toGraphDateTime('2026-07-01T08:00:00Z', 'W. Europe Standard Time')).toEqual({
			dateTime: '2026-07-01T10:00:00',
			timeZone: 'W. Europe Standard Time',
		});
		expect(toGraphDateTime('2026-12-10T15:00:00', 'UTC', true).dateTime).toBe(
			'2026-12-10T00:00:00',
		);
		expect(() => toGraphDateTime('tomorrow', 'UTC')).toThrow(/not a date/);
	});
});

function event(overrides: Partial<GraphEvent> = {}): GraphEvent {
	return {
		id: 'AAMkEVENT',
		iCalUId: '040000008200E00074C5B7101A82E008',
		subject: 'Planning',
		body: { contentType: 'html', content: '<p>Agenda</p>' },
		start: { dateTime: '2026-12-03T09:00:00.0000000', timeZone: 'UTC' },
		end: { dateTime: '2026-12-03T10:30:00.0000000', timeZone: 'UTC' },
		originalStartTimeZone: 'W. Europe Standard Time',
		originalEndTimeZone: 'W. Europe Standard Time',
		isAllDay: false,
		isCancelled: false,
		showAs: 'busy',
		location: { displayName: 'Room 4' },
		onlineMeeting: { joinUrl: 'https://teams.microsoft.com/l/meetup-join/abc' },
		organizer: { emailAddress: { name: 'Ada', address: 'ada@example.com' } },
		attendees: [
			{ type: 'required', status: { response: 'accepted' }, emailAddress: { address: OWNER } },
			{
				type: 'optional',
				status: { response: 'tentativelyAccepted' },
				emailAddress: { address: 'b@x.example', name: 'Bob' },
			},
			{
				type: 'required',
				status: { response: 'declined' },
				emailAddress: { address: 'c@x.example' },
			},
			{ type: 'required', status: { response: 'none' }, emailAddress: { address: 'd@x.example' } },
			{
				type: 'required',
				status: { response: 'notResponded' },
				emailAddress: { address: 'ada@example.com' },
			},
		],
		createdDateTime: '2026-11-01T08:00:00.0000000Z',
		lastModifiedDateTime: '2026-11-02T08:00:00.0000000Z',
		...overrides,
	};
}

describe('graphEventToRecord', () => {
	it('keeps the instant and shows it in the event zone (Windows name mapped to IANA)', () => {
		const record = graphEventToRecord(event(), { calendarId: 'CAL', ownerEmail: OWNER });
		expect(record).toMatchObject({
			provider: 'microsoft',
			providerEventId: 'AAMkEVENT',
			providerCalendarId: 'CAL',
			status: 'confirmed',
			title: 'Planning',
			description: 'Agenda',
			location: 'Room 4',
			meetingLink: 'https://teams.microsoft.com/l/meetup-join/abc',
			isAllDay: false,
			start: { dateTime: '2026-12-03T10:00:00+01:00', date: null, timeZone: 'Europe/Berlin' },
			end: { dateTime: '2026-12-03T11:30:00+01:00', date: null, timeZone: 'Europe/Berlin' },
			organizer: { email: 'ada@example.com', name: 'Ada' },
			updated: '2026-11-02T08:00:00.000Z',
		});
	});

	it('maps attendee responses and flags the organizer and the mailbox owner', () => {
		const { attendees } = graphEventToRecord(event(), { calendarId: 'CAL', ownerEmail: OWNER });
		expect(
			attendees.map((a) => [a.email, a.responseStatus, a.optional, a.self, a.organizer]),
		).toEqual([
			[OWNER, 'accepted', false, true, false],
			['b@x.example', 'tentative', true, false, false],
			['c@x.example', 'declined', false, false, false],
			['d@x.example', 'needsAction', false, false, false],
			['ada@example.com', 'needsAction', false, false, true],
		]);
	});

	it('makes all-day events dates and cancelled events cancelled', () => {
		const record = graphEventToRecord(
			event({
				isAllDay: true,
				isCancelled: true,
				start: { dateTime: '2026-12-10T00:00:00.0000000', timeZone: 'UTC' },
				end: { dateTime: '2026-12-12T00:00:00.0000000', timeZone: 'UTC' },
				onlineMeeting: null,
			}),
			{ calendarId: 'CAL', ownerEmail: OWNER },
		);
		expect(record).toMatchObject({
			isAllDay: true,
			status: 'cancelled',
			meetingLink: null,
			start: { date: '2026-12-10', dateTime: null },
			end: { date: '2026-12-12', dateTime: null },
		});
	});

	it('reads times given in another zone (Prefer: outlook.timezone) correctly', () => {
		const record = graphEventToRecord(
			event({
				start: { dateTime: '2026-12-03T01:00:00.0000000', timeZone: 'Pacific Standard Time' },
				end: { dateTime: '2026-12-03T02:30:00.0000000', timeZone: 'Pacific Standard Time' },
			}),
			{ calendarId: 'CAL', ownerEmail: OWNER },
		);
		expect(record.start.dateTime).toBe('2026-12-03T10:00:00+01:00');
	});

	it('writes recurrence patterns as RRULE lines', () => {
		expect(
			recurrenceToRRule({
				pattern: {
					type: 'weekly',
					interval: 2,
					daysOfWeek: ['monday', 'wednesday'],
					firstDayOfWeek: 'sunday',
				},
				range: { type: 'endDate', startDate: '2026-01-05', endDate: '2026-06-30' },
			}),
		).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;WKST=SU;INTERVAL=2;UNTIL=20260630']);
		expect(
			recurrenceToRRule({
				pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' },
				range: { type: 'numbered', numberOfOccurrences: 6 },
			}),
		).toEqual(['RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=6']);
		expect(recurrenceToRRule(null)).toEqual([]);
	});
});
