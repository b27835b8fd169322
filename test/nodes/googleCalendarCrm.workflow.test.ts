// The Google Calendar CRM node run through n8n-core (WorkflowExecute) against the emulator's
// Calendar API: calendars list, events list (range, expansion, search, limit, every page), get,
// create (cross-time-zone, all-day, guests, Google Meet, sendUpdates), update (patch), delete,
// service-account auth, a missing permission, 429 Retry-After, a revoked grant, continueOnFail,
// and 404s that name the calendar or event Google did not find.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INode, INodeExecutionData } from 'n8n-workflow';

import { calendarEventRecordSchema, type CalendarEventRecord } from '../../core';
import { startEmulator, type Emulator } from '../emulator';
import type { GeneratedCalendar } from '../emulator/generator';
import type { StoredCredential } from '../harness/credentialsHelper';
import { chain, crmNode, runWorkflow, type WorkflowDefinition } from '../harness/runWorkflow';
import { insertCalendarEvents, recordRequests } from '../support/calendarEmulator';
import {
	CALENDAR_SCOPES,
	connectGoogleCredential,
	serviceAccountCredential,
} from '../support/providerCredentials';

const NODE = 'Google Calendar CRM';
let emu: Emulator;
let credential: StoredCredential;
let owner: string;
let calendars: GeneratedCalendar[];

beforeAll(async () => {
	emu = await startEmulator({ seed: 'calendar-node', messages: 10 });
	credential = await connectGoogleCredential(emu, 'googleCalendarCrmOAuth2Api', CALENDAR_SCOPES);
	owner = emu.sandbox.googleEmail;
	calendars = emu.state.getAccount(owner)!.calendars.calendars;
});
afterAll(() => emu.stop());

const team = () => calendars.find((calendar) => calendar.accessRole === 'writer')!;

function calendarNode(
	parameters: Record<string, unknown>,
	extra: Partial<INode> = {},
	stored: StoredCredential = credential,
): INode {
	return crmNode('googleCalendarCrm', NODE, parameters as never, {
		credentials: { googleCalendarCrmOAuth2Api: { id: stored.id, name: stored.name } },
		...extra,
	});
}

async function run(definition: WorkflowDefinition, credentials = [credential]) {
	return await runWorkflow(definition, { credentials });
}

async function runOne(parameters: Record<string, unknown>): Promise<INodeExecutionData[]> {
	const result = await run(chain(calendarNode(parameters)));
	expect(result.error).toBeUndefined();
	const items = result.output(NODE);
	for (const item of items) expect(item.pairedItem).toEqual({ item: 0 });
	return items;
}

function records(items: INodeExecutionData[]): CalendarEventRecord[] {
	return items.map((item) => calendarEventRecordSchema.parse(item.json));
}

async function createEvent(parameters: Record<string, unknown>): Promise<CalendarEventRecord> {
	const [record] = records(
		await runOne({ resource: 'event', operation: 'create', calendarId: 'primary', ...parameters }),
	);
	return record;
}

describe('Google Calendar CRM node — calendars', () => {
	it("lists the account's calendars with the primary one, time zones and access roles", async () => {
		const items = await runOne({ resource: 'calendar', operation: 'getMany' });
		expect(items.map((item) => item.json.id)).toEqual(calendars.map((calendar) => calendar.id));
		expect(items[0].json).toMatchObject({
			id: owner,
			primary: true,
			timeZone: 'Europe/Berlin',
			accessRole: 'owner',
		});
		const writable = await runOne({
			resource: 'calendar',
			operation: 'getMany',
			minAccessRole: 'writer',
		});
		expect(writable.map((item) => item.json.accessRole)).toEqual(['owner', 'writer']);
	});

	it('works with a service account acting for a Workspace user (domain-wide delegation)', async () => {
		const serviceAccount = serviceAccountCredential(emu, owner, CALENDAR_SCOPES);
		const result = await runWorkflow(
			chain(
				crmNode(
					'googleCalendarCrm',
					NODE,
					{ authentication: 'serviceAccount', resource: 'calendar', operation: 'getMany' },
					{
						credentials: {
							googleServiceAccountCrmApi: { id: serviceAccount.id, name: serviceAccount.name },
						},
					},
				),
			),
			{ credentials: [serviceAccount] },
		);
		expect(result.error).toBeUndefined();
		expect(result.json(NODE).find((entry) => entry.primary)?.id).toBe(owner);
	});
});

describe('Google Calendar CRM node — events', () => {
	it('lists a time range with recurring series expanded, ordered by start, up to the limit', async () => {
		const timeMin = '2026-01-01T00:00:00Z';
		const timeMax = '2028-01-01T00:00:00Z';
		const all = records(
			await runOne({
				resource: 'event',
				operation: 'getMany',
				calendarId: 'primary',
				returnAll: true,
				filters: { timeMin, timeMax },
			}),
		);
		expect(all.length).toBeGreaterThan(10);
		const starts = all.map((record) =>
			Date.parse(record.start.dateTime ?? `${record.start.date}T00:00:00Z`),
		);
		expect(starts).toEqual([...starts].sort((a, b) => a - b));
		expect(all.every((record) => record.providerCalendarId === owner)).toBe(true);
		// Occurrences of a series, not the series itself.
		expect(all.some((record) => record.recurringEventId)).toBe(true);
		expect(all.every((record) => record.recurrence.length === 0)).toBe(true);
		expect(all.every((record) => record.status !== 'cancelled')).toBe(true);

		const limited = records(
			await runOne({
				resource: 'event',
				operation: 'getMany',
				calendarId: 'primary',
				limit: 7,
				filters: { timeMin, timeMax },
			}),
		);
		expect(limited.map((record) => record.providerEventId)).toEqual(
			all.slice(0, 7).map((record) => record.providerEventId),
		);

		const series = records(
			await runOne({
				resource: 'event',
				operation: 'getMany',
				calendarId: 'primary',
				returnAll: true,
				filters: { singleEvents: false },
			}),
		);
		expect(series.some((record) => record.recurrence[0]?.startsWith('RRULE:'))).toBe(true);
	});

	it('reads wall-clock range bounds in the workflow time zone and finds events by text', async () => {
		const generated = emu.state
			.getAccount(owner)!
			.calendars.events(owner)
			.find((event) => event.status === 'confirmed' && event.summary && !event.recurrence)!;
		const word = generated.summary!.split(/\s+/).find((part) => part.length > 4)!;
		const found = records(
			await runOne({
				resource: 'event',
				operation: 'getMany',
				calendarId: 'primary',
				returnAll: true,
				filters: { q: word, timeMin: '2000-01-01T00:00:00', timeMax: '2100-01-01T00:00:00' },
			}),
		);
		expect(found.map((record) => record.providerEventId)).toContain(generated.id);
		for (const record of found) {
			const text = [
				record.title,
				record.description,
				record.location,
				...record.attendees.flatMap((attendee) => [attendee.email, attendee.name]),
				record.organizer?.email,
			]
				.join(' ')
				.toLowerCase();
			expect(text).toContain(word.toLowerCase());
		}
	});

	it('returns every event across pages with "Return All"', async () => {
		const inserted = insertCalendarEvents(emu, owner, team().id, 2600);
		emu.control.resetCalls();
		const all = records(
			await runOne({
				resource: 'event',
				operation: 'getMany',
				calendarId: team().id,
				returnAll: true,
				filters: { singleEvents: false },
			}),
		);
		const expected = emu.state.getAccount(owner)!.calendars.events(team().id);
		const live = expected.filter((event) => event.status !== 'cancelled').length;
		expect(all).toHaveLength(live + inserted.length);
		expect(new Set(all.map((record) => record.providerEventId)).size).toBe(all.length);
		expect(emu.control.calls().byOperation['calendar.events.list']).toBe(2);
	});

	it('gets an event as a record: times in its own zone, guests, responses, organizer, Meet link', async () => {
		const generated = emu.state
			.getAccount(owner)!
			.calendars.events(owner)
			.find(
				(event) =>
					event.hangoutLink &&
					event.attendees.length > 1 &&
					!event.recurrence &&
					event.start.timeZone !== 'Europe/Berlin',
			)!;
		expect(generated).toBeDefined();
		const [record] = records(
			await runOne({
				resource: 'event',
				operation: 'get',
				calendarId: 'primary',
				eventId: generated.id,
			}),
		);
		expect(record).toMatchObject({
			provider: 'google',
			providerEventId: generated.id,
			providerCalendarId: owner,
			iCalUid: generated.iCalUID,
			title: generated.summary,
			meetingLink: generated.hangoutLink,
			isAllDay: false,
			start: { dateTime: generated.start.dateTime, date: null, timeZone: generated.start.timeZone },
			organizer: { email: generated.organizer.email.toLowerCase() },
		});
		expect(record.attendees.map((attendee) => [attendee.email, attendee.responseStatus])).toEqual(
			generated.attendees.map((attendee) => [
				attendee.email.toLowerCase(),
				attendee.responseStatus,
			]),
		);
	});

	it('creates a timed event in another time zone than the calendar, keeping its zone', async () => {
		const tokyo = await createEvent({
			summary: 'Call with the Tokyo office',
			start: '2026-12-01T10:00:00',
			end: '2026-12-01T11:30:00',
			timeZone: 'Asia/Tokyo',
		});
		expect(tokyo.start).toEqual({
			dateTime: '2026-12-01T10:00:00+09:00',
			date: null,
			timeZone: 'Asia/Tokyo',
		});
		expect(tokyo.end.dateTime).toBe('2026-12-01T11:30:00+09:00');
		expect(tokyo.isAllDay).toBe(false);

		// An instant with an offset is kept as that instant and written in the event's zone.
		const newYork = await createEvent({
			summary: 'Pipeline review',
			start: '2026-12-01T15:00:00Z',
			end: '2026-12-01T16:00:00Z',
			timeZone: 'America/New_York',
		});
		expect(newYork.start).toEqual({
			dateTime: '2026-12-01T10:00:00-05:00',
			date: null,
			timeZone: 'America/New_York',
		});
		// Read back through the API: the same instant and zone.
		const [again] = records(
			await runOne({
				resource: 'event',
				operation: 'get',
				calendarId: owner,
				eventId: newYork.providerEventId,
			}),
		);
		expect(Date.parse(again.start.dateTime!)).toBe(Date.parse('2026-12-01T15:00:00Z'));
		expect(again.start.timeZone).toBe('America/New_York');
	});

	it('creates an all-day event as dates, the end day included', async () => {
		const offsite = await createEvent({
			summary: 'Company offsite',
			start: '2026-12-24',
			end: '2026-12-26',
			allDay: true,
		});
		expect(offsite.isAllDay).toBe(true);
		expect(offsite.start).toMatchObject({ date: '2026-12-24', dateTime: null });
		expect(offsite.end).toMatchObject({ date: '2026-12-27', dateTime: null }); // exclusive
		const oneDay = await createEvent({
			summary: 'Public holiday',
			start: '2027-01-01T00:00:00',
			allDay: true,
		});
		expect([oneDay.start.date, oneDay.end.date]).toEqual(['2027-01-01', '2027-01-02']);
	});

	it('creates an event with guests and a Google Meet link, sending invitations as asked', async () => {
		const log = recordRequests(emu);
		let record: CalendarEventRecord;
		try {
			record = await createEvent({
				summary: 'Customer demo',
				start: '2026-12-02T14:00:00',
				end: '2026-12-02T15:00:00',
				timeZone: 'Europe/Berlin',
				additionalFields: {
					attendees: 'Ada Lovelace <ada@example.com>, bob@example.com',
					optionalAttendees: 'carol@example.com',
					addGoogleMeet: true,
					description: 'Agenda: demo, pricing',
					location: 'Room 4.12',
					recurrence: 'RRULE:FREQ=WEEKLY;COUNT=3',
				},
				options: { sendUpdates: 'all' },
			});
		} finally {
			log.stop();
		}
		expect(record.meetingLink).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
		expect(record.attendees).toEqual([
			expect.objectContaining({ email: 'ada@example.com', name: 'Ada Lovelace', optional: false }),
			expect.objectContaining({ email: 'bob@example.com', responseStatus: 'needsAction' }),
			expect.objectContaining({ email: 'carol@example.com', optional: true }),
		]);
		expect(record).toMatchObject({
			description: 'Agenda: demo, pricing',
			location: 'Room 4.12',
			recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
			organizer: { email: owner },
		});
		const insert = log.requests.find((request) => request.method === 'POST')!;
		expect(insert.query.get('conferenceDataVersion')).toBe('1');
		expect(insert.query.get('sendUpdates')).toBe('all');
		expect(JSON.parse(insert.body).conferenceData.createRequest.conferenceSolutionKey).toEqual({
			type: 'hangoutsMeet',
		});
	});

	it('updates only the given fields, and a new start alone keeps the length and the zone', async () => {
		const created = await createEvent({
			summary: 'Budget planning',
			start: '2026-12-03T09:00:00',
			end: '2026-12-03T10:30:00',
			timeZone: 'Europe/London',
			additionalFields: { description: 'Bring numbers', attendees: 'dan@example.com' },
		});
		const log = recordRequests(emu);
		let renamed: CalendarEventRecord;
		try {
			[renamed] = records(
				await runOne({
					resource: 'event',
					operation: 'update',
					calendarId: 'primary',
					eventId: created.providerEventId,
					updateFields: { summary: 'Budget planning 2027' },
				}),
			);
		} finally {
			log.stop();
		}
		const patch = log.requests.find((request) => request.method === 'PATCH')!;
		expect(JSON.parse(patch.body)).toEqual({ summary: 'Budget planning 2027' });
		expect(renamed).toMatchObject({
			title: 'Budget planning 2027',
			description: 'Bring numbers',
			start: created.start,
			end: created.end,
		});
		expect(renamed.attendees.map((attendee) => attendee.email)).toEqual(['dan@example.com']);

		const [moved] = records(
			await runOne({
				resource: 'event',
				operation: 'update',
				calendarId: 'primary',
				eventId: created.providerEventId,
				updateFields: { start: '2026-12-04T13:00:00' },
			}),
		);
		expect(moved.start).toEqual({
			dateTime: '2026-12-04T13:00:00+00:00',
			date: null,
			timeZone: 'Europe/London',
		});
		expect(moved.end.dateTime).toBe('2026-12-04T14:30:00+00:00');
		expect(moved.title).toBe('Budget planning 2027');

		const [withMeet] = records(
			await runOne({
				resource: 'event',
				operation: 'update',
				calendarId: 'primary',
				eventId: created.providerEventId,
				updateFields: { addGoogleMeet: true, location: 'Online' },
			}),
		);
		expect(withMeet.meetingLink).toMatch(/^https:\/\/meet\.google\.com\//);
		expect(withMeet.location).toBe('Online');
	});

	it('deletes an event', async () => {
		const created = await createEvent({
			summary: 'Lunch',
			start: '2026-12-05T12:00:00',
			end: '2026-12-05T13:00:00',
			timeZone: 'Europe/Berlin',
		});
		const items = await runOne({
			resource: 'event',
			operation: 'delete',
			calendarId: 'primary',
			eventId: created.providerEventId,
		});
		expect(items.map((item) => item.json)).toEqual([
			{ deleted: true, providerEventId: created.providerEventId },
		]);
		const [gone] = records(
			await runOne({
				resource: 'event',
				operation: 'get',
				calendarId: 'primary',
				eventId: created.providerEventId,
			}),
		);
		expect(gone.status).toBe('cancelled');
	});

	it('waits as asked by a 429 Retry-After on the first call, then succeeds', async () => {
		emu.control.inject({
			operation: 'calendar.events.list',
			status: 429,
			retryAfterSeconds: 1,
			times: 1,
		});
		emu.control.resetCalls();
		const started = Date.now();
		const items = await runOne({
			resource: 'event',
			operation: 'getMany',
			calendarId: 'primary',
			limit: 3,
		});
		expect(items).toHaveLength(3);
		expect(emu.control.calls().byOperation['calendar.events.list']).toBe(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	});

	it('names the missing permission when the credential may only read', async () => {
		const readOnly = await connectGoogleCredential(
			emu,
			'googleCalendarCrmOAuth2Api',
			['https://www.googleapis.com/auth/calendar.readonly'],
			{ id: 'read-only', name: 'Read-only calendar' },
		);
		const result = await run(
			chain(
				calendarNode(
					{
						resource: 'event',
						operation: 'create',
						calendarId: 'primary',
						summary: 'Not allowed',
						start: '2026-12-06T10:00:00',
						end: '2026-12-06T11:00:00',
						timeZone: 'UTC',
					},
					{},
					readOnly,
				),
			),
			[readOnly],
		);
		expect(result.error?.message).toBe(
			'The Google connection lacks the calendar.events permission — reconnect the credential and grant it',
		);
	});

	it('keeps going with continueOnFail: the failed item gets its error, every item its pairing', async () => {
		const [good] = records(
			await runOne({ resource: 'event', operation: 'getMany', calendarId: 'primary', limit: 1 }),
		);
		const ids = ['unknownevent00000', good.providerEventId];
		const two = calendarNode(
			{ resource: 'calendar', operation: 'getMany', minAccessRole: 'writer' },
			{ name: 'Two Items' },
		);
		const get = calendarNode(
			{
				resource: 'event',
				operation: 'get',
				calendarId: 'primary',
				eventId: `={{ ${JSON.stringify(ids)}[$itemIndex] }}`,
			},
			{ continueOnFail: true },
		);
		const result = await run(chain(two, get));
		expect(result.error).toBeUndefined();
		const items = result.output(NODE);
		expect(items).toHaveLength(2);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json.error).toBe(
			"Google Calendar has no event 'unknownevent00000' in calendar 'primary'",
		);
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(items[1].json.providerEventId).toBe(good.providerEventId);
	});

	it('says which calendar or event Google did not find, for every operation that names one', async () => {
		const missingCalendar = 'team-typo@group.calendar.google.com';
		const [event] = records(
			await runOne({ resource: 'event', operation: 'getMany', calendarId: 'primary', limit: 1 }),
		);
		const noCalendar = `Google Calendar has no calendar '${missingCalendar}' the account can read`;
		const noEvent = (calendarId: string) =>
			`Google Calendar has no event 'unknownevent00000' in calendar '${calendarId}'`;
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ operation: 'getMany', calendarId: missingCalendar, limit: 5 }, noCalendar],
			[
				{
					operation: 'create',
					calendarId: missingCalendar,
					summary: 'Nowhere',
					start: '2026-12-07T10:00:00',
					end: '2026-12-07T11:00:00',
					timeZone: 'UTC',
				},
				noCalendar,
			],
			[
				{ operation: 'get', calendarId: 'primary', eventId: 'unknownevent00000' },
				noEvent('primary'),
			],
			[
				{
					operation: 'update',
					calendarId: 'primary',
					eventId: 'unknownevent00000',
					updateFields: { summary: 'Renamed' },
				},
				noEvent('primary'),
			],
			[
				{
					operation: 'update',
					calendarId: 'primary',
					eventId: 'unknownevent00000',
					updateFields: { start: '2026-12-08T10:00:00' },
				},
				noEvent('primary'),
			],
			[
				{ operation: 'delete', calendarId: 'primary', eventId: 'unknownevent00000' },
				noEvent('primary'),
			],
			[
				{ operation: 'get', calendarId: missingCalendar, eventId: 'unknownevent00000' },
				noEvent(missingCalendar),
			],
		];
		for (const [parameters, message] of cases) {
			const result = await run(chain(calendarNode({ resource: 'event', ...parameters })));
			expect({ parameters, message: result.error?.message }).toEqual({ parameters, message });
		}
		// The same event in the calendar that holds it is found.
		expect(
			records(
				await runOne({
					resource: 'event',
					operation: 'get',
					calendarId: 'primary',
					eventId: event.providerEventId,
				}),
			)[0].providerEventId,
		).toBe(event.providerEventId);
	});

	it('tells the user to reconnect when the grant was revoked', async () => {
		const revoked = await connectGoogleCredential(
			emu,
			'googleCalendarCrmOAuth2Api',
			CALENDAR_SCOPES,
			{
				id: 'revoked',
				name: 'Revoked calendar',
			},
		);
		emu.control.revokeGrants(owner);
		emu.control.advanceClock(2 * 3600 * 1000); // the access token expires: n8n must refresh
		const result = await run(
			chain(calendarNode({ resource: 'calendar', operation: 'getMany' }, {}, revoked)),
			[revoked],
		);
		expect(result.error?.message).toMatch(/reconnect/i);
		credential = await connectGoogleCredential(emu, 'googleCalendarCrmOAuth2Api', CALENDAR_SCOPES);
		expect(
			(await run(chain(calendarNode({ resource: 'calendar', operation: 'getMany' })))).error,
		).toBeUndefined();
	});
});

describe('Google Calendar CRM node — documented example', () => {
	it('runs the example workflow of docs/nodes/google-calendar-crm.md as published', async () => {
		const doc = readFileSync(
			path.join(__dirname, '../../docs/nodes/google-calendar-crm.md'),
			'utf8',
		);
		const workflow = JSON.parse(/```json\n([\s\S]*?)```/.exec(doc)![1]) as WorkflowDefinition;
		for (const node of workflow.nodes) {
			if (node.type === 'n8n-nodes-crm-connect.googleCalendarCrm')
				node.credentials = {
					googleCalendarCrmOAuth2Api: { id: credential.id, name: credential.name },
				};
		}
		const soon = (days: number, hour: number) => {
			const date = new Date(Date.now() + days * 86_400_000);
			date.setUTCHours(hour, 0, 0, 0);
			return date.toISOString();
		};
		const withoutLink = await createEvent({
			summary: 'Customer demo for Contoso',
			start: soon(3, 9),
			end: soon(3, 10),
			timeZone: 'Europe/Berlin',
		});
		const withLink = await createEvent({
			summary: 'Product demo (already online)',
			start: soon(4, 9),
			end: soon(4, 10),
			timeZone: 'Europe/Berlin',
			additionalFields: { addGoogleMeet: true },
		});
		const result = await runWorkflow(workflow, { credentials: [credential] });
		expect(result.error).toBeUndefined();
		const updated = records(result.output('Add Meet link'));
		const byId = new Map(updated.map((record) => [record.providerEventId, record]));
		expect(byId.get(withoutLink.providerEventId)?.meetingLink).toMatch(
			/^https:\/\/meet\.google\.com\//,
		);
		// An event that had a link keeps it (nothing was changed).
		expect(byId.get(withLink.providerEventId)?.meetingLink).toBe(withLink.meetingLink);
		expect(byId.get(withLink.providerEventId)?.updated).toBe(withLink.updated);
	});
});
