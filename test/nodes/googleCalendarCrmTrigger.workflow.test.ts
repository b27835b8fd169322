// The Google Calendar CRM Trigger polled as an active workflow polls it (n8n-core PollContext in
// trigger mode, static data carried between polls) and in the editor's manual "fetch test event"
// mode, against the emulator's Calendar sync tokens, tombstones and 410 fullSyncRequired.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { calendarEventRecordSchema } from '../../core';
import { startEmulator, type Emulator } from '../emulator';
import {
	cancelCalendarEvent,
	changeCalendarEvent,
	moveCalendarEvent,
	setCalendarAttendeeResponse,
} from '../emulator/google/calendar';
import type { GeneratedCalendar, GeneratedEvent } from '../emulator/generator';
import type { StoredCredential } from '../harness/credentialsHelper';
import { chain, crmNode, runWorkflow, type WorkflowDefinition } from '../harness/runWorkflow';
import { runActivePoll } from '../support/activePolling';
import { insertCalendarEvents } from '../support/calendarEmulator';
import { CALENDAR_SCOPES, connectGoogleCredential } from '../support/providerCredentials';

const TRIGGER = 'Google Calendar CRM Trigger';
let emu: Emulator;
let credential: StoredCredential;
let owner: string;
let calendars: GeneratedCalendar[];

beforeAll(async () => {
	emu = await startEmulator({ seed: 'calendar-trigger', messages: 10 });
	credential = await connectGoogleCredential(emu, 'googleCalendarCrmOAuth2Api', CALENDAR_SCOPES);
	owner = emu.sandbox.googleEmail;
	calendars = emu.state.getAccount(owner)!.calendars.calendars;
});
afterAll(() => emu.stop());

const team = () => calendars.find((calendar) => calendar.accessRole === 'writer')!;
const credentials = () => ({
	googleCalendarCrmOAuth2Api: { id: credential.id, name: credential.name },
});

function triggerNode(parameters: Record<string, unknown> = {}) {
	return crmNode('googleCalendarCrmTrigger', TRIGGER, parameters as never, {
		credentials: credentials(),
	});
}

async function poll(staticData: IDataObject, parameters: Record<string, unknown> = {}) {
	const result = await runActivePoll(triggerNode(parameters), {
		credentials: [credential],
		staticData,
	});
	expect(result.error).toBeUndefined();
	for (const item of result.items) {
		expect(() => calendarEventRecordSchema.parse(item.json)).not.toThrow();
	}
	return result;
}

/** changeType:providerEventId of each emitted item, in order. */
const emitted = (items: INodeExecutionData[]) =>
	items.map((item) => `${item.json.changeType as string}:${item.json.providerEventId as string}`);

const copy = (value: IDataObject) => JSON.parse(JSON.stringify(value)) as IDataObject;

interface StoredCalendar {
	calendarId: string;
	syncToken: string;
	events: Record<string, object>;
}

/** The trigger's per-calendar states in the workflow's static data (n8n keys them by node). */
const storedCalendars = (staticData: IDataObject) =>
	(staticData[`node:${TRIGGER}`] as { calendars: Record<string, StoredCalendar> }).calendars;

/** Live, single (not recurring) generated events of a calendar that have guests. */
function generatedEvents(calendarId = owner): GeneratedEvent[] {
	return emu.state
		.getAccount(owner)!
		.calendars.events(calendarId)
		.filter(
			(event) =>
				event.status === 'confirmed' &&
				!event.recurrence &&
				!event.recurringEventId &&
				!event.start.date &&
				event.attendees.length > 1,
		);
}

/** Creates an event through the Google Calendar CRM node, as a workflow would. */
async function createThroughApi(summary: string, calendarId = 'primary'): Promise<string> {
	const result = await runWorkflow(
		chain(
			crmNode(
				'googleCalendarCrm',
				'Google Calendar CRM',
				{
					resource: 'event',
					operation: 'create',
					calendarId,
					summary,
					start: '2027-02-01T10:00:00',
					end: '2027-02-01T11:00:00',
					timeZone: 'Europe/Berlin',
					additionalFields: { attendees: 'guest@example.com' },
				},
				{ credentials: credentials() },
			),
		),
		{ credentials: [credential] },
	);
	expect(result.error).toBeUndefined();
	return result.json('Google Calendar CRM')[0].providerEventId as string;
}

describe('Google Calendar CRM Trigger', () => {
	it('emits nothing on the baseline poll, then each created, updated and cancelled event exactly once', async () => {
		const staticData: IDataObject = {};
		expect((await poll(staticData)).response).toBeNull();
		expect((await poll(staticData)).response).toBeNull();

		const [renamed, moved, cancelled] = generatedEvents();
		const created = await createThroughApi('Kick-off with a new client');
		changeCalendarEvent(emu.state, owner, 'primary', renamed.id, (event) => {
			event.summary = 'Renamed meeting';
		});
		moveCalendarEvent(
			emu.state,
			owner,
			'primary',
			moved.id,
			{ dateTime: '2027-03-01T15:00:00+09:00', timeZone: 'Asia/Tokyo' },
			{ dateTime: '2027-03-01T16:00:00+09:00', timeZone: 'Asia/Tokyo' },
		);
		cancelCalendarEvent(emu.state, owner, 'primary', cancelled.id);

		const { items } = await poll(staticData);
		expect(emitted(items)).toEqual([
			`created:${created}`,
			`updated:${renamed.id}`,
			`updated:${moved.id}`,
			`cancelled:${cancelled.id}`,
		]);
		const [createdItem, renamedItem, movedItem, cancelledItem] = items.map((item) => item.json);
		expect(createdItem).toMatchObject({
			title: 'Kick-off with a new client',
			providerCalendarId: owner,
			changes: null,
		});
		expect(renamedItem.changes).toMatchObject({ title: true, time: false, responses: {} });
		expect(movedItem.changes).toMatchObject({ time: true, title: false });
		expect(movedItem.start).toEqual({
			dateTime: '2027-03-01T15:00:00+09:00',
			date: null,
			timeZone: 'Asia/Tokyo',
		});
		// The cancelled event is named in full (Google still returns a deleted event on get).
		expect(cancelledItem).toMatchObject({
			status: 'cancelled',
			title: cancelled.summary,
			changes: null,
		});

		for (let round = 0; round < 3; round++) expect((await poll(staticData)).response).toBeNull();
	});

	it("classifies an attendee's reply as updated with the response change, and can emit only such updates", async () => {
		const anyUpdate: IDataObject = {};
		const repliesOnly: IDataObject = {};
		const timeOnly: IDataObject = {};
		const replies = { options: { updateKinds: ['responses'] } };
		const times = { options: { updateKinds: ['time'] } };
		await poll(anyUpdate);
		await poll(repliesOnly, replies);
		await poll(timeOnly, times);

		const event = generatedEvents()[3];
		const guest = event.attendees.find((attendee) => !attendee.self && !attendee.organizer)!;
		const to = guest.responseStatus === 'accepted' ? 'declined' : 'accepted';
		setCalendarAttendeeResponse(emu.state, owner, 'primary', event.id, guest.email, to);
		changeCalendarEvent(emu.state, owner, 'primary', generatedEvents()[4].id, (changed) => {
			changed.location = 'Room 2';
		});

		const [reply, locationChange] = (await poll(anyUpdate)).items.map((item) => item.json);
		expect(reply).toMatchObject({ changeType: 'updated', providerEventId: event.id });
		expect(reply.changes).toEqual({
			time: false,
			title: false,
			location: false,
			status: false,
			responses: {
				[guest.email.toLowerCase()]: { from: guest.responseStatus, to },
			},
			attendeesAdded: [],
			attendeesRemoved: [],
			description: false,
			recurrence: false,
		});
		expect(locationChange).toMatchObject({ changeType: 'updated', changes: { location: true } });
		expect(emitted((await poll(repliesOnly, replies)).items)).toEqual([`updated:${event.id}`]);
		expect((await poll(timeOnly, times)).response).toBeNull();
	});

	it('emits only the chosen change types', async () => {
		const staticData: IDataObject = {};
		const onlyCancelled = { changeTypes: ['cancelled'] };
		await poll(staticData, onlyCancelled);
		await createThroughApi('Not wanted here');
		const [changed, cancelled] = generatedEvents().slice(5);
		changeCalendarEvent(emu.state, owner, 'primary', changed.id, (event) => {
			event.summary = 'Changed';
		});
		cancelCalendarEvent(emu.state, owner, 'primary', cancelled.id);
		expect(emitted((await poll(staticData, onlyCancelled)).items)).toEqual([
			`cancelled:${cancelled.id}`,
		]);
	});

	it('reports a changed or cancelled occurrence of a recurring series', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		const series = emu.state
			.getAccount(owner)!
			.calendars.events(owner)
			.find((event) => event.recurrence && event.status === 'confirmed')!;
		// Occurrences as the API lists them (expanded); the last two are changed.
		const listed = await runWorkflow(
			chain(
				crmNode(
					'googleCalendarCrm',
					'List',
					{
						resource: 'event',
						operation: 'getMany',
						calendarId: 'primary',
						returnAll: true,
						filters: { q: series.summary },
					},
					{ credentials: credentials() },
				),
			),
			{ credentials: [credential] },
		);
		const occurrences = listed
			.json('List')
			.filter((record) => record.recurringEventId === series.id)
			.map((record) => record.providerEventId as string)
			.filter((id) => /_\d{8}T\d{6}Z$/.test(id));
		const [toDelete, toMove] = occurrences.slice(-2);
		const del = await runWorkflow(
			chain(
				crmNode(
					'googleCalendarCrm',
					'Delete',
					{ resource: 'event', operation: 'delete', calendarId: 'primary', eventId: toDelete },
					{ credentials: credentials() },
				),
			),
			{ credentials: [credential] },
		);
		expect(del.error).toBeUndefined();
		const move = await runWorkflow(
			chain(
				crmNode(
					'googleCalendarCrm',
					'Move',
					{
						resource: 'event',
						operation: 'update',
						calendarId: 'primary',
						eventId: toMove,
						updateFields: { summary: 'Moved occurrence', start: '2027-06-01T08:00:00Z' },
					},
					{ credentials: credentials() },
				),
			),
			{ credentials: [credential] },
		);
		expect(move.error).toBeUndefined();

		const { items } = await poll(staticData);
		expect(emitted(items)).toEqual([`cancelled:${toDelete}`, `updated:${toMove}`]);
		expect(items[0].json).toMatchObject({ recurringEventId: series.id, status: 'cancelled' });
		expect(items[1].json).toMatchObject({
			recurringEventId: series.id,
			title: 'Moved occurrence',
			changes: { title: true, time: true, recurrence: false },
		});
	});

	it('watches several calendars, each with its own sync token', async () => {
		const staticData: IDataObject = {};
		const both = { calendarIds: ['primary', team().id] };
		expect((await poll(staticData, both)).response).toBeNull();
		const state = storedCalendars(staticData);
		expect(Object.keys(state)).toEqual(['primary', team().id]);
		expect(state.primary.calendarId).toBe(owner);
		expect(state.primary.syncToken).not.toBe(state[team().id].syncToken);

		const inTeam = await createThroughApi('Team offsite planning', team().id);
		const inPrimary = await createThroughApi('Personal follow-up');
		const { items } = await poll(staticData, both);
		expect(emitted(items)).toEqual([`created:${inPrimary}`, `created:${inTeam}`]);
		expect(items[1].json.providerCalendarId).toBe(team().id);

		// The primary calendar chosen twice (alias and address) still emits each change once.
		const twice: IDataObject = {};
		const aliasAndAddress = { calendarIds: ['primary', owner] };
		await poll(twice, aliasAndAddress);
		const again = await createThroughApi('Chosen twice');
		expect(emitted((await poll(twice, aliasAndAddress)).items)).toEqual([`created:${again}`]);
	});

	it('emits exactly 2600 events created between two polls, every page read, none twice, with a bounded snapshot; then a mass cancellation', async () => {
		const staticData: IDataObject = {};
		const teamOnly = { calendarIds: [team().id] };
		await poll(staticData, teamOnly);
		const burst = insertCalendarEvents(emu, owner, team().id, 2600);
		emu.control.resetCalls();
		const { items } = await poll(staticData, teamOnly);
		expect(emitted(items)).toEqual(burst.map((id) => `created:${id}`));
		expect(emu.control.calls().byOperation['calendar.events.list']).toBe(2); // 2500 + 100
		for (let round = 0; round < 3; round++) {
			expect((await poll(staticData, teamOnly)).response).toBeNull();
		}
		const stored = storedCalendars(staticData)[team().id];
		const perEvent = JSON.stringify(stored.events).length / Object.keys(stored.events).length;
		expect(Object.keys(stored.events).length).toBeGreaterThanOrEqual(2600);
		expect(perEvent).toBeLessThan(130); // id, version, time codes and short hashes

		// A mass cancellation: every one emitted, at most 100 read in full (the rest as tombstones).
		const cancelled = burst.slice(0, 150);
		for (const id of cancelled) cancelCalendarEvent(emu.state, owner, team().id, id);
		emu.control.resetCalls();
		const { items: gone } = await poll(staticData, teamOnly);
		expect(emitted(gone)).toEqual(cancelled.map((id) => `cancelled:${id}`));
		expect(emu.control.calls().byOperation['calendar.events.get']).toBe(100);
		expect(gone[0].json.title).toBe('Imported meeting 1');
		expect(gone[149].json).toMatchObject({ status: 'cancelled', title: null });
		expect(Object.keys(storedCalendars(staticData)[team().id].events)).not.toContain(cancelled[0]);
	});

	it('after a 410 resyncs in full: nothing unchanged re-emitted, nothing changed meanwhile lost', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		const [first, second, third, fourth] = generatedEvents().slice(8);
		changeCalendarEvent(emu.state, owner, 'primary', first.id, (event) => {
			event.summary = 'Before the expiry';
		});
		expect(emitted((await poll(staticData)).items)).toEqual([`updated:${first.id}`]);

		// Changes made while the sync token expires.
		const created = await createThroughApi('Created meanwhile');
		moveCalendarEvent(
			emu.state,
			owner,
			'primary',
			second.id,
			{ dateTime: '2027-04-01T09:00:00+02:00', timeZone: 'Europe/Berlin' },
			{ dateTime: '2027-04-01T10:00:00+02:00', timeZone: 'Europe/Berlin' },
		);
		const guest = third.attendees.find((attendee) => !attendee.self && !attendee.organizer)!;
		setCalendarAttendeeResponse(
			emu.state,
			owner,
			'primary',
			third.id,
			guest.email,
			guest.responseStatus === 'tentative' ? 'accepted' : 'tentative',
		);
		cancelCalendarEvent(emu.state, owner, 'primary', fourth.id);
		emu.control.expireCursors(owner, 'calendar');

		emu.control.resetCalls();
		const { items } = await poll(staticData);
		expect(emu.control.calls().byStatus?.['410']).toBe(1);
		expect(emitted(items).sort()).toEqual(
			[
				`created:${created}`,
				`updated:${second.id}`,
				`updated:${third.id}`,
				`cancelled:${fourth.id}`,
			].sort(),
		);
		const byId = new Map(items.map((item) => [item.json.providerEventId, item.json]));
		expect(byId.get(second.id)?.changes).toMatchObject({ time: true });
		expect(Object.keys((byId.get(third.id)?.changes as IDataObject).responses as object)).toEqual([
			guest.email.toLowerCase(),
		]);

		expect((await poll(staticData)).response).toBeNull();
		changeCalendarEvent(emu.state, owner, 'primary', first.id, (event) => {
			event.summary = 'After the resync';
		});
		expect(emitted((await poll(staticData)).items)).toEqual([`updated:${first.id}`]);
		expect((await poll(staticData)).response).toBeNull();
	});

	it('fails every poll naming a selected calendar Google does not know, and moves no cursor', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		const created = await createThroughApi('While a calendar is mistyped');
		const missing = 'team-typo@group.calendar.google.com';
		const withMissing = triggerNode({ calendarIds: ['primary', missing] });
		const before = copy(staticData);
		for (let round = 0; round < 2; round++) {
			const result = await runActivePoll(withMissing, { credentials: [credential], staticData });
			expect(result.error?.message).toBe(
				`Google Calendar has no calendar '${missing}' the account can read`,
			);
			expect(copy(staticData)).toEqual(before);
		}
		expect(emitted((await poll(staticData)).items)).toEqual([`created:${created}`]);
	});

	it('fails every poll naming a watched calendar that is gone, and goes on once it is back', async () => {
		const staticData: IDataObject = {};
		const watched = team();
		const teamOnly = { calendarIds: [watched.id] };
		await poll(staticData, teamOnly);
		const created = await createThroughApi('Before the calendar went away', watched.id);
		const before = copy(staticData);
		const index = calendars.indexOf(watched);
		calendars.splice(index, 1); // unsubscribed or deleted meanwhile
		try {
			for (let round = 0; round < 2; round++) {
				const result = await runActivePoll(triggerNode(teamOnly), {
					credentials: [credential],
					staticData,
				});
				expect(result.error?.message).toBe(
					`Google Calendar has no calendar '${watched.id}' the account can read`,
				);
				expect(copy(staticData)).toEqual(before);
			}
		} finally {
			calendars.splice(index, 0, watched);
		}
		expect(emitted((await poll(staticData, teamOnly)).items)).toEqual([`created:${created}`]);
	});

	it('keeps per calendar only the source cursor and the snapshot, and goes on from a state saved before paging was stored', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		const stored = storedCalendars(staticData).primary as unknown as Record<string, unknown>;
		expect(Object.keys(stored).sort()).toEqual(
			['calendarId', 'events', 'listing', 'pageToken', 'since', 'syncToken', 'timeZone'].sort(),
		);
		expect(stored).toMatchObject({ listing: null, pageToken: null, since: null });
		// The state an earlier version of the trigger kept: no listing, page or horizon fields.
		for (const key of ['listing', 'pageToken', 'since']) delete stored[key];
		const created = await createThroughApi('After the upgrade');
		expect(emitted((await poll(staticData)).items)).toEqual([`created:${created}`]);
		expect(storedCalendars(staticData).primary).toMatchObject({ listing: null, pageToken: null });
	});

	it('waits as asked by a 429 Retry-After on the first call, then emits the change', async () => {
		const staticData: IDataObject = {};
		emu.control.inject({
			operation: 'calendar.calendars.get',
			status: 429,
			retryAfterSeconds: 1,
			times: 1,
		});
		let started = Date.now();
		expect((await poll(staticData)).response).toBeNull();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);

		const created = await createThroughApi('After the throttling');
		emu.control.inject({
			operation: 'calendar.events.list',
			status: 429,
			retryAfterSeconds: 1,
			times: 1,
		});
		emu.control.resetCalls();
		started = Date.now();
		expect(emitted((await poll(staticData)).items)).toEqual([`created:${created}`]);
		expect(emu.control.calls().byOperation['calendar.events.list']).toBe(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	});

	it('manual "fetch test event" returns a real recent change and leaves the cursor alone', async () => {
		const active: IDataObject = {};
		await poll(active);
		const before = copy(active);
		const created = await createThroughApi('Newest event');
		const result = await runWorkflow(
			{ nodes: [triggerNode()], connections: {} },
			{
				credentials: [credential],
				staticData: active,
			},
		);
		expect(result.error).toBeUndefined();
		const samples = result.json(TRIGGER);
		expect(samples).toHaveLength(1);
		expect(samples[0]).toMatchObject({
			changeType: 'created',
			providerEventId: created,
			providerCalendarId: owner,
			title: 'Newest event',
		});
		expect(copy(active)).toEqual(before);
		expect(emitted((await poll(active)).items)).toEqual([`created:${created}`]);
	});

	it('tells the user to reconnect when the grant was revoked, and keeps the cursor', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		const created = await createThroughApi('Before the revocation');
		const before = copy(staticData);
		emu.control.revokeGrants(owner);
		emu.control.advanceClock(2 * 3600 * 1000); // the access token expires: n8n must refresh
		const result = await runActivePoll(triggerNode(), { credentials: [credential], staticData });
		expect(result.error?.message).toMatch(/reconnect/i);
		expect(copy(staticData)).toEqual(before);
		credential = await connectGoogleCredential(emu, 'googleCalendarCrmOAuth2Api', CALENDAR_SCOPES);
		expect(emitted((await poll(staticData)).items)).toEqual([`created:${created}`]);
	});
});

describe('Google Calendar CRM Trigger — documented example', () => {
	it('runs the example workflow of docs/nodes/google-calendar-crm-trigger.md as published', async () => {
		const doc = readFileSync(
			path.join(__dirname, '../../docs/nodes/google-calendar-crm-trigger.md'),
			'utf8',
		);
		const workflow = JSON.parse(/```json\n([\s\S]*?)```/.exec(doc)![1]) as WorkflowDefinition;
		for (const node of workflow.nodes) node.credentials = credentials();
		// Active: the trigger emits the new event, the next node adds its Meet link.
		const staticData: IDataObject = {};
		const trigger = workflow.nodes.find((node) => node.name === 'New event')!;
		expect(
			(await runActivePoll(trigger, { credentials: [credential], staticData })).response,
		).toBeNull();
		const created = await createThroughApi('Intro call with a lead');
		const poll = await runActivePoll(trigger, { credentials: [credential], staticData });
		expect(emitted(poll.items)).toEqual([`created:${created}`]);
		// The editor's test run of the whole workflow takes the newest created event as its sample.
		const result = await runWorkflow(workflow, { credentials: [credential] });
		expect(result.error).toBeUndefined();
		expect(result.json('Add Meet link')[0]).toMatchObject({
			providerEventId: created,
			meetingLink: expect.stringMatching(/^https:\/\/meet\.google\.com\//),
		});
		// Its own update is not a "created" change: the workflow does not start again.
		expect(
			(await runActivePoll(trigger, { credentials: [credential], staticData })).response,
		).toBeNull();
	});
});
