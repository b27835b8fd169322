// Calendar API events → CRM event records, and user input → Calendar API bodies, without a
// server: the mapping rules one by one.
import {
	calendarEventRecordSchema,
	eventVersionOf,
	googleEventToRecord,
	toGoogleEventWrite,
	toRfc3339,
	type GoogleCalendarEvent,
} from '../../core';

const CALENDAR = 'owner@example.com';

function event(overrides: Partial<GoogleCalendarEvent> = {}): GoogleCalendarEvent {
	return {
		kind: 'calendar#event',
		etag: '"3379112345678000"',
		id: '4n1gq2lc3fh0ht2o7blhm5qd5o',
		status: 'confirmed',
		htmlLink: 'https://www.google.com/calendar/event?eid=NG4xZ3E',
		created: '2026-11-01T08:00:00.000Z',
		updated: '2026-11-02T09:30:00.000Z',
		summary: 'Quarterly review',
		description: 'Agenda: numbers',
		location: 'Room 4.12',
		organizer: { email: 'Owner@Example.com', displayName: 'Olivia Owner', self: true },
		start: { dateTime: '2026-12-01T10:00:00+01:00', timeZone: 'Europe/Berlin' },
		end: { dateTime: '2026-12-01T11:00:00+01:00', timeZone: 'Europe/Berlin' },
		iCalUID: '4n1gq2lc3fh0ht2o7blhm5qd5o@google.com',
		sequence: 0,
		attendees: [
			{
				email: 'owner@example.com',
				displayName: 'Olivia Owner',
				organizer: true,
				self: true,
				responseStatus: 'accepted',
			},
			{ email: 'Ada@Example.com', displayName: 'Ada Lovelace', responseStatus: 'tentative' },
			{ email: 'bob@example.com', optional: true, responseStatus: 'declined' },
		],
		...overrides,
	};
}

const map = (resource: GoogleCalendarEvent, calendarTimeZone: string | null = 'Europe/Berlin') =>
	googleEventToRecord(resource, { calendarId: CALENDAR, calendarTimeZone });

describe('googleEventToRecord', () => {
	it('maps a timed event to a valid record: ids, texts, organizer, attendees with their responses', () => {
		const record = map(event());
		expect(() => calendarEventRecordSchema.parse(record)).not.toThrow();
		expect(record).toEqual({
			provider: 'google',
			providerEventId: '4n1gq2lc3fh0ht2o7blhm5qd5o',
			providerCalendarId: CALENDAR,
			iCalUid: '4n1gq2lc3fh0ht2o7blhm5qd5o@google.com',
			recurringEventId: null,
			status: 'confirmed',
			title: 'Quarterly review',
			description: 'Agenda: numbers',
			location: 'Room 4.12',
			meetingLink: null,
			isAllDay: false,
			start: { dateTime: '2026-12-01T10:00:00+01:00', date: null, timeZone: 'Europe/Berlin' },
			end: { dateTime: '2026-12-01T11:00:00+01:00', date: null, timeZone: 'Europe/Berlin' },
			recurrence: [],
			organizer: { email: 'owner@example.com', name: 'Olivia Owner' },
			attendees: [
				{
					email: 'owner@example.com',
					name: 'Olivia Owner',
					responseStatus: 'accepted',
					organizer: true,
					optional: false,
					self: true,
				},
				{
					email: 'ada@example.com',
					name: 'Ada Lovelace',
					responseStatus: 'tentative',
					organizer: false,
					optional: false,
					self: false,
				},
				{
					email: 'bob@example.com',
					name: null,
					responseStatus: 'declined',
					organizer: false,
					optional: true,
					self: false,
				},
			],
			updated: '2026-11-02T09:30:00.000Z',
			created: '2026-11-01T08:00:00.000Z',
			htmlLink: 'https://www.google.com/calendar/event?eid=NG4xZ3E',
		});
	});

	it("writes a timed event's instant in its own IANA zone, whatever offset the API answered in", () => {
		// The API writes times in the calendar's (or the request's) zone; the event is in Tokyo.
		const record = map(
			event({
				start: { dateTime: '2026-12-01T02:00:00+01:00', timeZone: 'Asia/Tokyo' },
				end: { dateTime: '2026-12-01T03:30:00+01:00', timeZone: 'Asia/Tokyo' },
			}),
		);
		expect(record.start).toEqual({
			dateTime: '2026-12-01T10:00:00+09:00',
			date: null,
			timeZone: 'Asia/Tokyo',
		});
		expect(record.end.dateTime).toBe('2026-12-01T11:30:00+09:00');
		// Summer time is the zone's at that instant.
		const summer = map(
			event({
				start: { dateTime: '2026-07-01T08:00:00Z', timeZone: 'America/New_York' },
				end: { dateTime: '2026-07-01T09:00:00Z', timeZone: 'America/New_York' },
			}),
		);
		expect(summer.start.dateTime).toBe('2026-07-01T04:00:00-04:00');
		const utc = map(
			event({
				start: { dateTime: '2026-07-01T08:00:00+02:00', timeZone: 'UTC' },
				end: { dateTime: '2026-07-01T09:00:00+02:00', timeZone: 'UTC' },
			}),
		);
		expect(utc.start.dateTime).toBe('2026-07-01T06:00:00Z');
	});

	it("falls back to the calendar's time zone when the event names none", () => {
		const record = map(
			event({
				start: { dateTime: '2026-12-01T09:00:00Z' },
				end: { dateTime: '2026-12-01T10:00:00Z' },
			}),
			'America/New_York',
		);
		expect(record.start).toEqual({
			dateTime: '2026-12-01T04:00:00-05:00',
			date: null,
			timeZone: 'America/New_York',
		});
		const unknownZone = map(
			event({
				start: { dateTime: '2026-12-01T09:00:00Z' },
				end: { dateTime: '2026-12-01T10:00:00Z' },
			}),
			null,
		);
		expect(unknownZone.start).toEqual({
			dateTime: '2026-12-01T09:00:00Z',
			date: null,
			timeZone: null,
		});
	});

	it('keeps all-day events as dates, the end exclusive as Google stores it', () => {
		const record = map(
			event({ start: { date: '2026-12-24' }, end: { date: '2026-12-27' }, attendees: undefined }),
		);
		expect(record.isAllDay).toBe(true);
		expect(record.start).toEqual({ dateTime: null, date: '2026-12-24', timeZone: 'Europe/Berlin' });
		expect(record.end).toEqual({ dateTime: null, date: '2026-12-27', timeZone: 'Europe/Berlin' });
		expect(record.attendees).toEqual([]);
	});

	it('takes the meeting link from hangoutLink, else the video entry point of the conference', () => {
		expect(map(event({ hangoutLink: 'https://meet.google.com/abc-defg-hij' })).meetingLink).toBe(
			'https://meet.google.com/abc-defg-hij',
		);
		const zoom = event({
			conferenceData: {
				entryPoints: [
					{ entryPointType: 'phone', uri: 'tel:+1-555-0100' },
					{ entryPointType: 'video', uri: 'https://example.zoom.us/j/123456789' },
				],
				conferenceSolution: { key: { type: 'addOn' }, name: 'Zoom Meeting' },
			},
		});
		expect(map(zoom).meetingLink).toBe('https://example.zoom.us/j/123456789');
		const phoneOnly = event({
			conferenceData: { entryPoints: [{ entryPointType: 'phone', uri: 'tel:+1-555-0100' }] },
		});
		expect(map(phoneOnly).meetingLink).toBeNull();
	});

	it('keeps status, recurrence and the series id; unknown values fall back to the defaults', () => {
		const master = map(
			event({ status: 'tentative', recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO', 'EXDATE:20261207'] }),
		);
		expect(master.status).toBe('tentative');
		expect(master.recurrence).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=MO', 'EXDATE:20261207']);
		const occurrence = map(
			event({
				id: '4n1gq2lc3fh0ht2o7blhm5qd5o_20261214T090000Z',
				recurringEventId: '4n1gq2lc3fh0ht2o7blhm5qd5o',
				originalStartTime: { dateTime: '2026-12-14T10:00:00+01:00', timeZone: 'Europe/Berlin' },
			}),
		);
		expect(occurrence.recurringEventId).toBe('4n1gq2lc3fh0ht2o7blhm5qd5o');
		const odd = map(
			event({
				status: 'unknownStatus',
				summary: '',
				description: '',
				location: '',
				attendees: [
					{ email: 'x@example.com', responseStatus: 'maybe' },
					{ displayName: 'No address' },
				],
			}),
		);
		expect(odd).toMatchObject({
			status: 'confirmed',
			title: null,
			description: null,
			location: null,
		});
		expect(odd.attendees).toEqual([
			expect.objectContaining({ email: 'x@example.com', responseStatus: 'needsAction' }),
		]);
	});

	it('maps a cancelled tombstone: status cancelled, the occurrence start, nulls elsewhere', () => {
		const record = map({
			kind: 'calendar#event',
			etag: '"3379112345679000"',
			id: '4n1gq2lc3fh0ht2o7blhm5qd5o_20261214T090000Z',
			status: 'cancelled',
			recurringEventId: '4n1gq2lc3fh0ht2o7blhm5qd5o',
			originalStartTime: { dateTime: '2026-12-14T10:00:00+01:00', timeZone: 'Europe/Berlin' },
		});
		expect(() => calendarEventRecordSchema.parse(record)).not.toThrow();
		expect(record).toMatchObject({
			status: 'cancelled',
			recurringEventId: '4n1gq2lc3fh0ht2o7blhm5qd5o',
			title: null,
			organizer: null,
			attendees: [],
			start: { dateTime: '2026-12-14T10:00:00+01:00', timeZone: 'Europe/Berlin' },
			end: { dateTime: null, date: null },
		});
		const plain = map({ id: 'abcdefghij', status: 'cancelled' });
		expect(plain.start).toEqual({ dateTime: null, date: null, timeZone: 'Europe/Berlin' });
	});
});

describe('eventVersionOf', () => {
	it('keeps what a diff needs and no free text (titles, places and descriptions only as hashes)', () => {
		const version = eventVersionOf(map(event()), '"3379112345678000"');
		const stored = JSON.stringify(version);
		for (const text of ['Quarterly review', 'Room 4.12', 'Agenda'])
			expect(stored).not.toContain(text);
		expect(version).toMatchObject({
			v: '"3379112345678000"',
			z: 'Europe/Berlin',
			r: { 'owner@example.com': 'a', 'ada@example.com': 't', 'bob@example.com': 'd' },
		});
		expect(stored.length).toBeLessThan(220);
	});
});

describe('toGoogleEventWrite', () => {
	it('sends a wall-clock time as its instant in the given zone, with the zone', () => {
		const { body, conferenceDataVersion } = toGoogleEventWrite({
			title: 'Call',
			start: '2026-12-01T10:00:00',
			end: '2026-12-01T10:30',
			timeZone: 'Asia/Tokyo',
		});
		expect(body).toEqual({
			summary: 'Call',
			start: { dateTime: '2026-12-01T10:00:00+09:00', timeZone: 'Asia/Tokyo' },
			end: { dateTime: '2026-12-01T10:30:00+09:00', timeZone: 'Asia/Tokyo' },
		});
		expect(conferenceDataVersion).toBeUndefined();
	});

	it('turns an inclusive last day into Google’s exclusive all-day end (one day when no end)', () => {
		expect(
			toGoogleEventWrite({ start: '2026-12-24', end: '2026-12-26T00:00:00', allDay: true }).body,
		).toEqual({ start: { date: '2026-12-24' }, end: { date: '2026-12-27' } });
		expect(toGoogleEventWrite({ start: '2026-12-31', allDay: true }).body.end).toEqual({
			date: '2027-01-01',
		});
		expect(() =>
			toGoogleEventWrite({ start: '2026-12-24', end: '2026-12-20', allDay: true }),
		).toThrow(/before the start/);
	});

	it('asks for a Google Meet conference with conferenceDataVersion 1 and a fresh request id', () => {
		const first = toGoogleEventWrite({ addGoogleMeet: true });
		const second = toGoogleEventWrite({ addGoogleMeet: true });
		expect(first.conferenceDataVersion).toBe(1);
		expect(first.body.conferenceData?.createRequest?.conferenceSolutionKey).toEqual({
			type: 'hangoutsMeet',
		});
		expect(first.body.conferenceData?.createRequest?.requestId).not.toBe(
			second.body.conferenceData?.createRequest?.requestId,
		);
	});

	it('holds only the fields given (a patch), and refuses what Google would refuse', () => {
		expect(toGoogleEventWrite({ location: '', timeZone: 'Europe/Berlin' }).body).toEqual({
			location: '',
		});
		expect(
			toGoogleEventWrite({
				attendees: [
					{ email: 'ada@example.com', name: 'Ada' },
					{ email: 'bob@example.com', optional: true },
				],
			}).body.attendees,
		).toEqual([
			{ email: 'ada@example.com', displayName: 'Ada' },
			{ email: 'bob@example.com', optional: true },
		]);
		expect(() =>
			toGoogleEventWrite({ start: '2026-12-01T10:00', timeZone: 'Mars/Olympus' }),
		).toThrow(/not an IANA time zone/);
		expect(() => toGoogleEventWrite({ start: '2026-12-01T10:00', timeZone: 'UTC' })).toThrow(
			/needs an end/,
		);
		expect(() => toGoogleEventWrite({ allDay: true })).toThrow(/Give the start/);
	});
});

describe('toRfc3339', () => {
	it('keeps an instant with an offset and reads a wall-clock time in the zone (DST included)', () => {
		expect(toRfc3339('2026-12-01T10:00:00Z', 'Asia/Tokyo')).toBe('2026-12-01T10:00:00Z');
		expect(toRfc3339('2026-03-29T03:30:00', 'Europe/Berlin')).toBe('2026-03-29T03:30:00+02:00');
		expect(toRfc3339('2026-01-15', 'America/New_York')).toBe('2026-01-15T00:00:00-05:00');
		expect(() => toRfc3339('next tuesday', 'UTC')).toThrow(/not a date/);
	});
});
