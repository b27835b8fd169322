// Calendar sync into the CRM tables against the emulator's Google Calendar and Microsoft Graph and a
// real PostgreSQL: a first sync stores the calendar exactly (all-day events as dates, times in their
// IANA zone, one attendee row per address), a second changes nothing, an attendee's answer, a move
// and a cancellation are classified, two calendars keep their own cursors, an expired cursor
// relists and reconciles, and a crash at every step of a page loses and doubles nothing.
import { randomUUID } from 'node:crypto';

import {
	ProviderHttpError,
	googleEventToRecord,
	normalizeHeaders,
	retryingRequester,
	cancelUnlistedCalendarEvents,
	writeCalendarEventPage,
	type CalendarEventRecord,
	type ProviderRequester,
	type StoredCalendarChange,
} from '../../core';
import type { IntegrationSettingsInput } from '../../core/sync/integrationSettings';
import { integrationSettingsSchema } from '../../core/sync/integrationSettings';
import type { SourceSyncContext, SyncStep } from '../../core/sync/sourceSync';
import { syncCalendarSources, type CalendarSyncOptions } from '../../core/sync/calendarSync';
import { startEmulator, type Emulator } from '../emulator';
import {
	cancelCalendarEvent,
	moveCalendarEvent,
	setCalendarAttendeeResponse,
} from '../emulator/google/calendar';
import { CalendarAccountState } from '../emulator/google/calendarStore';
import {
	calendarId,
	calendarView,
	deleteEvent,
	eventId as graphEventId,
	resolveCalendar,
	resolveEvent,
	updateEvent,
} from '../emulator/microsoft/graphCalendar';
import { insertCalendarEvents } from '../support/calendarEmulator';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

let emu: Emulator;
let db: TestDatabase;
let googleEmail: string;
let microsoftEmail: string;
const workspaceId = randomUUID();
/** The sync's clock: Graph windows are computed from it. */
const NOW = new Date('2026-11-15T12:00:00Z');
const DAY_MS = 86_400_000;

/** Requests sent with fetch and a bearer token, the way the engine sends them. */
function fetchRequester(token: () => string): ProviderRequester {
	return async <T>(request: Parameters<ProviderRequester>[0]) => {
		const json =
			request.body !== undefined &&
			typeof request.body !== 'string' &&
			!Buffer.isBuffer(request.body);
		const response = await fetch(request.url, {
			method: request.method,
			headers: {
				...request.headers,
				authorization: `Bearer ${token()}`,
				...(json ? { 'content-type': 'application/json' } : {}),
			},
			body: json ? JSON.stringify(request.body) : (request.body as string | undefined),
		});
		const buffer = Buffer.from(await response.arrayBuffer());
		const headers = normalizeHeaders(response.headers);
		const isJson = headers['content-type']?.includes('json');
		const parsed = (): unknown =>
			isJson && buffer.length ? JSON.parse(buffer.toString('utf8')) : buffer.toString('utf8');
		if (!response.ok) throw new ProviderHttpError(response.status, headers, parsed(), request);
		const body = request.responseType === 'buffer' ? buffer : parsed();
		return { status: response.status, headers, body: body as T };
	};
}

beforeAll(async () => {
	[emu, db] = await Promise.all([
		startEmulator({ seed: 'calendar-sync', messages: 5 }),
		createTestDatabase(),
	]);
	emu.control.setQuota({ enabled: false }); // about storage and cursors, not pacing
	googleEmail = emu.sandbox.googleEmail;
	microsoftEmail = emu.sandbox.microsoftEmail;
});
afterAll(async () => {
	await emu?.stop();
	await db?.drop();
});

interface Integration {
	id: string;
	provider: 'google' | 'microsoft';
	settings: IntegrationSettingsInput;
}

/** An integrations row, as the connect flow leaves it. */
async function createIntegration(
	provider: 'google' | 'microsoft',
	settings: IntegrationSettingsInput = {},
): Promise<Integration> {
	const [row] = (await db.database
		.knex('integrations')
		.insert({
			workspace_id: workspaceId,
			provider,
			// One workspace, many integrations of the same account: the address is made unique.
			account_email: `${randomUUID().slice(0, 8)}+${provider === 'google' ? googleEmail : microsoftEmail}`,
			settings: JSON.stringify(settings),
			visibility: settings.visibility ?? 'everything',
		})
		.returning('id')) as Array<{ id: string }>;
	return { id: row.id, provider, settings };
}

const EVERYTHING: IntegrationSettingsInput = { initialHorizon: { kind: 'days', days: 3650 } };

function context(
	integration: Integration,
	fail?: (step: SyncStep, page: number) => boolean,
	now = NOW,
) {
	const google = integration.provider === 'google';
	const ctx: SourceSyncContext = {
		database: db.database,
		workspaceId,
		integrationId: integration.id,
		provider: integration.provider,
		accountEmail: google ? googleEmail : microsoftEmail,
		settings: integrationSettingsSchema.parse(integration.settings),
		requester: retryingRequester(
			fetchRequester(() => (google ? emu.sandbox.accessToken : emu.sandbox.microsoftAccessToken)),
		),
		endpoints: { googleApiBaseUrl: emu.urls.googleApis, graphBaseUrl: emu.baseUrl },
		now: () => now,
		progress: () => undefined,
		hooks: fail
			? {
					atStep(step, detail) {
						if (fail(step, detail.page)) throw new Error(`crash at ${step} of page ${detail.page}`);
					},
				}
			: undefined,
	};
	return ctx;
}

async function sync(
	integration: Integration,
	options: CalendarSyncOptions & {
		fail?: (step: SyncStep, page: number) => boolean;
		now?: Date;
	} = {},
) {
	const changes: StoredCalendarChange[] = [];
	const counts = await syncCalendarSources(context(integration, options.fail, options.now), {
		pageSize: 25,
		...options,
		onChanges: (page) => {
			changes.push(...page);
		},
	});
	return { counts, changes };
}

// ---------------------------------------------------------------- what is stored

interface StoredEvent {
	id: string;
	provider_calendar_id: string;
	provider_event_id: string;
	status: string;
	title: string | null;
	starts_at: Date | null;
	ends_at: Date | null;
	start_time_zone: string | null;
	end_time_zone: string | null;
	start_date: string | null;
	end_date: string | null;
	is_all_day: boolean;
	updated_at: Date;
	attendees: Array<{ email: string; responseStatus: string }>;
	visibility: string;
}

async function storedEvents(integration: Integration, calendarId?: string) {
	const query = db.database
		.knex('calendar_events')
		.select(
			'*',
			db.database.knex.raw('start_date::text as start_date'),
			db.database.knex.raw('end_date::text as end_date'),
		)
		.where({ workspace_id: workspaceId, integration_id: integration.id })
		.orderBy(['provider_calendar_id', 'provider_event_id']);
	if (calendarId) query.andWhere({ provider_calendar_id: calendarId });
	return (await query) as StoredEvent[];
}

async function storedAttendees(integration: Integration) {
	return (await db.database
		.knex('calendar_event_attendees as a')
		.join('calendar_events as e', 'e.id', 'a.event_id')
		.where({ 'e.integration_id': integration.id })
		.select('e.provider_event_id', 'a.address', 'a.response_status')
		.orderBy(['e.provider_event_id', 'a.address'])) as Array<{
		provider_event_id: string;
		address: string;
		response_status: string;
	}>;
}

/** A snapshot of everything stored for an integration, to prove a run changed nothing. */
async function snapshot(integration: Integration) {
	return {
		events: await storedEvents(integration),
		attendees: await storedAttendees(integration),
		cursors: await db.database
			.knex('sync_cursors')
			.where({ integration_id: integration.id })
			.select('source_type', 'source_id', 'cursor', 'backfill_state')
			.orderBy('source_id'),
	};
}

const googleCalendars = () => CalendarAccountState.of(emu.state.getAccount(googleEmail)!);

/** The live events of a Google calendar, as records (series unexpanded, as the sync stores them). */
function googleLiveRecords(calendarId: string) {
	const store = googleCalendars();
	const calendar = store.calendar(calendarId)!;
	return store
		.events(calendar.id)
		.filter((entry) => !entry.deleted && entry.resource.status !== 'cancelled')
		.map((entry) =>
			googleEventToRecord(entry.resource, {
				calendarId: calendar.id,
				calendarTimeZone: calendar.timeZone,
			}),
		)
		.sort((a, b) => a.providerEventId.localeCompare(b.providerEventId));
}

/** The stored set equals the calendar: its live events live, with their times and attendees. */
async function expectGoogleCalendarStored(integration: Integration, calendarId: string) {
	const calendar = googleCalendars().calendar(calendarId)!;
	const expected = googleLiveRecords(calendar.id);
	const stored = await storedEvents(integration, calendar.id);
	const live = stored.filter((row) => row.status !== 'cancelled');
	expect(live.map((row) => row.provider_event_id)).toEqual(
		expected.map((record) => record.providerEventId),
	);
	expected.forEach((record, index) => {
		const row = live[index];
		expect({
			title: row.title,
			status: row.status,
			allDay: row.is_all_day,
			start: row.is_all_day ? row.start_date : row.starts_at?.getTime(),
			end: row.is_all_day ? row.end_date : row.ends_at?.getTime(),
			zone: row.start_time_zone,
			attendees: row.attendees.map((attendee) => [attendee.email, attendee.responseStatus]),
		}).toEqual({
			title: record.title,
			status: record.status,
			allDay: record.isAllDay,
			start: record.isAllDay ? record.start.date : Date.parse(record.start.dateTime!),
			end: record.isAllDay ? record.end.date : Date.parse(record.end.dateTime!),
			zone: record.start.timeZone,
			attendees: record.attendees.map((attendee) => [attendee.email, attendee.responseStatus]),
		});
	});
	// Whatever else is stored of this calendar is a tombstone of an event no longer live.
	const liveIds = new Set(expected.map((record) => record.providerEventId));
	for (const row of stored)
		if (!liveIds.has(row.provider_event_id)) expect(row.status).toBe('cancelled');
	// One attendee row per address of each live event.
	const attendees = (await storedAttendees(integration)).filter((row) =>
		liveIds.has(row.provider_event_id),
	);
	expect(attendees.map((row) => [row.provider_event_id, row.address, row.response_status])).toEqual(
		expected
			.flatMap((record) =>
				record.attendees.map((attendee) => [
					record.providerEventId,
					attendee.email,
					attendee.responseStatus,
				]),
			)
			.sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1])),
	);
}

/** A live single (not recurring) Google event of the primary calendar with guests. */
function googleEventWithGuests(exclude: string[] = []) {
	return googleLiveRecords(googleEmail).find(
		(record) =>
			!record.recurrence.length &&
			!record.recurringEventId &&
			!record.isAllDay &&
			record.attendees.some((attendee) => !attendee.self && !attendee.organizer) &&
			!exclude.includes(record.providerEventId),
	)!;
}

const noChanges = { created: 0, updated: 0, deleted: 0, failed: 0 };

// ---------------------------------------------------------------- Google

/** A Google integration syncing its primary calendar and a team calendar it may write to. */
async function googleWithTeamCalendar() {
	const team = googleCalendars()
		.calendars()
		.find((calendar) => calendar.accessRole === 'writer')!;
	const integration = await createIntegration('google', {
		...EVERYTHING,
		calendars: ['primary', team.id],
	});
	return { team, integration };
}

describe('Google Calendar sync', () => {
	it('stores the primary calendar exactly, and a second run changes nothing', async () => {
		const integration = await createIntegration('google', EVERYTHING);
		const first = await sync(integration);
		const expected = googleLiveRecords(googleEmail);
		expect(first.counts).toMatchObject({ created: expected.length, updated: 0, failed: 0 });
		expect(first.changes.filter((change) => change.changeType === 'created')).toHaveLength(
			expected.length,
		);
		await expectGoogleCalendarStored(integration, googleEmail);

		const before = await snapshot(integration);
		const second = await sync(integration);
		expect(second.counts).toEqual({ fetched: 0, skipped: 0, ...noChanges });
		expect(second.changes).toEqual([]);
		expect(await snapshot(integration)).toEqual(before);
	});

	it('keeps all-day events as dates and timed events in their own IANA zone', async () => {
		const integration = await createIntegration('google', EVERYTHING);
		await sync(integration);
		const stored = await storedEvents(integration, googleEmail);
		const allDay = stored.filter((row) => row.is_all_day && row.status !== 'cancelled');
		expect(allDay.length).toBeGreaterThan(0);
		for (const row of allDay) {
			expect(row.start_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
			expect(row.end_date! > row.start_date!).toBe(true);
			expect(row.starts_at).toBeNull();
			expect(row.ends_at).toBeNull();
		}
		const zones = new Set(stored.map((row) => row.start_time_zone));
		// The generator writes events in Berlin, New York, Tokyo and London.
		expect([...zones].filter((zone) => zone && zone !== 'Europe/Berlin').length).toBeGreaterThan(0);
		const tokyo = googleLiveRecords(googleEmail).find(
			(record) => record.start.timeZone === 'Asia/Tokyo',
		);
		if (tokyo) {
			const row = stored.find((entry) => entry.provider_event_id === tokyo.providerEventId)!;
			expect(row.start_time_zone).toBe('Asia/Tokyo');
			expect(row.starts_at!.getTime()).toBe(Date.parse(tokyo.start.dateTime!));
			expect(tokyo.start.dateTime).toMatch(/\+09:00$/);
		}
	});

	it("classifies an attendee's answer and a move as updated and a cancellation as cancelled", async () => {
		const integration = await createIntegration('google', EVERYTHING);
		await sync(integration);

		const answered = googleEventWithGuests();
		const guest = answered.attendees.find((attendee) => !attendee.self && !attendee.organizer)!;
		const answer = guest.responseStatus === 'declined' ? 'accepted' : 'declined';
		setCalendarAttendeeResponse(
			emu.state,
			googleEmail,
			googleEmail,
			answered.providerEventId,
			guest.email,
			answer,
		);
		const moved = googleEventWithGuests([answered.providerEventId]);
		const start = Date.parse(moved.start.dateTime!) + DAY_MS;
		moveCalendarEvent(
			emu.state,
			googleEmail,
			googleEmail,
			moved.providerEventId,
			{ dateTime: new Date(start).toISOString(), timeZone: 'America/New_York' },
			{ dateTime: new Date(start + 3_600_000).toISOString(), timeZone: 'America/New_York' },
		);
		const cancelled = googleEventWithGuests([answered.providerEventId, moved.providerEventId]);
		cancelCalendarEvent(emu.state, googleEmail, googleEmail, cancelled.providerEventId);

		const { counts, changes } = await sync(integration);
		expect(counts).toMatchObject({ created: 0, updated: 2, deleted: 1, failed: 0 });
		const byId = new Map(changes.map((change) => [change.providerEventId, change]));
		expect(byId.get(answered.providerEventId)).toMatchObject({
			changeType: 'updated',
			changes: {
				time: false,
				responses: { [guest.email]: { from: guest.responseStatus, to: answer } },
			},
		});
		expect(byId.get(moved.providerEventId)).toMatchObject({
			changeType: 'updated',
			changes: { time: true, responses: {} },
		});
		expect(byId.get(cancelled.providerEventId)).toMatchObject({ changeType: 'cancelled' });
		await expectGoogleCalendarStored(integration, googleEmail);

		// The tombstone keeps what the event was: its title, times and attendees.
		const [tombstone] = (await storedEvents(integration)).filter(
			(row) => row.provider_event_id === cancelled.providerEventId,
		);
		expect(tombstone).toMatchObject({ status: 'cancelled', title: cancelled.title });
		expect(tombstone.starts_at!.getTime()).toBe(Date.parse(cancelled.start.dateTime!));
		const moverRow = (await storedEvents(integration)).find(
			(row) => row.provider_event_id === moved.providerEventId,
		)!;
		expect(moverRow.start_time_zone).toBe('America/New_York');
		expect(await sync(integration)).toMatchObject({ counts: { fetched: 0, ...noChanges } });
	});

	it('syncs two calendars with a cursor each', async () => {
		const { team, integration } = await googleWithTeamCalendar();
		await sync(integration);
		await expectGoogleCalendarStored(integration, googleEmail);
		await expectGoogleCalendarStored(integration, team.id);
		const cursors = (await db.database
			.knex('sync_cursors')
			.where({ integration_id: integration.id })
			.orderBy('source_id')) as Array<{ source_type: string; source_id: string; cursor: string }>;
		expect(cursors.map((row) => [row.source_type, row.source_id])).toEqual(
			[
				['google_calendar', 'primary'],
				['google_calendar', team.id],
			].sort((a, b) => a[1].localeCompare(b[1])),
		);
		const tokens = cursors.map((row) => JSON.parse(row.cursor) as { calendarId: string });
		expect(tokens.map((token) => token.calendarId).sort()).toEqual([googleEmail, team.id].sort());

		// A change in the team calendar is read from the team calendar's cursor only.
		const [added] = insertCalendarEvents(emu, googleEmail, team.id, 1, Date.UTC(2026, 10, 20, 9));
		const { counts, changes } = await sync(integration);
		expect(counts).toMatchObject({ fetched: 1, created: 1, updated: 0, deleted: 0 });
		expect(changes).toEqual([
			expect.objectContaining({
				changeType: 'created',
				providerCalendarId: team.id,
				providerEventId: added,
			}),
		]);
		await expectGoogleCalendarStored(integration, team.id);
	});

	it('a calendar no longer chosen loses its events, links and cursor; primary chosen by its own id keeps its events', async () => {
		const { team, integration } = await googleWithTeamCalendar();
		await sync(integration);
		const primaryBefore = await storedEvents(integration, googleEmail);
		const teamBefore = await storedEvents(integration, team.id);
		expect(primaryBefore.length).toBeGreaterThan(0);
		expect(teamBefore.length).toBeGreaterThan(0);
		const [person] = (await db.database
			.knex('people')
			.insert({ workspace_id: workspaceId, email: `team-${randomUUID()}@example.com` })
			.returning('id')) as Array<{ id: string }>;
		const linkTo = async (eventId: string) =>
			db.database.knex('record_links').insert({
				workspace_id: workspaceId,
				subject_type: 'calendar_event',
				subject_id: eventId,
				record_type: 'person',
				record_id: person!.id,
				link_source: 'manual',
			});
		await linkTo(teamBefore[0]!.id);
		await linkTo(primaryBefore[0]!.id);

		// The widget saves the calendars it lists by their ids: the primary one is its address.
		const narrowed = { ...integration, settings: { ...EVERYTHING, calendars: [googleEmail] } };
		await sync(narrowed);
		expect(await storedEvents(integration, team.id)).toEqual([]);
		const primaryAfter = await storedEvents(integration, googleEmail);
		expect(primaryAfter.map((row) => row.id).sort()).toEqual(
			primaryBefore.map((row) => row.id).sort(),
		);
		const links = (await db.database
			.knex('record_links')
			.where({ workspace_id: workspaceId, record_id: person!.id })
			.select('subject_id')) as Array<{ subject_id: string }>;
		expect(links.map((link) => link.subject_id)).toEqual([primaryBefore[0]!.id]);
		const cursors = (await db.database
			.knex('sync_cursors')
			.where({ integration_id: integration.id })
			.select('source_id')) as Array<{ source_id: string }>;
		expect(cursors.map((row) => row.source_id)).toEqual([googleEmail]);
		expect((await sync(narrowed)).counts).toMatchObject({ fetched: 0, ...noChanges });
	});

	it('relists a calendar after its sync token expired, and cancels what the listing no longer holds', async () => {
		const integration = await createIntegration('google', EVERYTHING);
		await sync(integration);
		// Changes the relisting must find: an event gone without a tombstone reaching us, a new one.
		const gone = googleEventWithGuests();
		cancelCalendarEvent(emu.state, googleEmail, googleEmail, gone.providerEventId);
		const [added] = insertCalendarEvents(
			emu,
			googleEmail,
			googleEmail,
			1,
			Date.UTC(2026, 10, 21, 9),
		);
		emu.control.expireCursors(googleEmail, 'calendar');
		emu.control.resetCalls();

		const { counts, changes } = await sync(integration);
		expect(emu.control.calls().byStatus['410']).toBe(1);
		expect(counts).toMatchObject({ created: 1, updated: 0, deleted: 1, failed: 0 });
		expect(counts.fetched).toBe(googleLiveRecords(googleEmail).length);
		expect(changes.map((change) => [change.changeType, change.providerEventId]).sort()).toEqual(
			[
				['cancelled', gone.providerEventId],
				['created', added],
			].sort(),
		);
		await expectGoogleCalendarStored(integration, googleEmail);
		expect(await sync(integration)).toMatchObject({ counts: { fetched: 0, ...noChanges } });
	});

	it('reaches back only as far as the horizon in days', async () => {
		const integration = await createIntegration('google', {
			initialHorizon: { kind: 'days', days: 7 },
		});
		await sync(integration);
		const since = NOW.getTime() - 7 * DAY_MS;
		const stored = await storedEvents(integration);
		expect(stored.length).toBeGreaterThan(0);
		expect(stored.length).toBeLessThan(googleLiveRecords(googleEmail).length);
		const series = new Set(
			googleLiveRecords(googleEmail)
				.filter((record) => record.recurrence.length)
				.map((record) => record.providerEventId),
		);
		for (const row of stored) {
			if (series.has(row.provider_event_id)) continue; // a series is listed for later occurrences
			const end = row.is_all_day ? Date.parse(`${row.end_date}T00:00:00Z`) : row.ends_at!.getTime();
			expect(end).toBeGreaterThan(since - DAY_MS);
		}
	});

	const STEPS: SyncStep[] = ['fetched', 'rows_written', 'cursor_written', 'committed'];

	it.each(STEPS.flatMap((step) => [1, 3].map((page) => [step, page] as const)))(
		'a crash at %s of page %i, then a rerun: the stored set equals the calendar',
		async (step, page) => {
			const integration = await createIntegration('google', EVERYTHING);
			let crashed = false;
			const crash = (at: SyncStep, atPage: number) => {
				if (crashed || at !== step || atPage !== page) return false;
				return (crashed = true);
			};
			await expect(sync(integration, { fail: crash })).rejects.toThrow(`crash at ${step}`);
			await sync(integration);
			await expectGoogleCalendarStored(integration, googleEmail);
			const before = await snapshot(integration);
			expect((await sync(integration)).counts).toMatchObject({ fetched: 0, ...noChanges });
			expect(await snapshot(integration)).toEqual(before);
		},
	);

	it('throws a provider error to the engine; the pages committed before it stay, and the rerun resumes after them', async () => {
		const integration = await createIntegration('google', EVERYTHING);
		const total = googleLiveRecords(googleEmail).length;
		// A passing 500 is retried by the requester; a refusal is the engine's to classify.
		emu.control.inject({ operation: 'calendar.events.list', status: 500, after: 1 });
		emu.control.inject({
			operation: 'calendar.events.list',
			status: 403,
			reason: 'insufficientPermissions',
			after: 3,
			times: -1,
		});
		const failure = await sync(integration).catch((error: unknown) => error);
		emu.control.clearFaults();
		expect(failure).toBeInstanceOf(ProviderHttpError);
		expect((failure as ProviderHttpError).status).toBe(403);
		const committed = (await storedEvents(integration)).length;
		expect(committed).toBe(50); // two pages of 25
		const { counts } = await sync(integration);
		expect(counts.fetched).toBe(total - committed);
		await expectGoogleCalendarStored(integration, googleEmail);
	});

	it('a crash in the middle of a relisting still cancels what the complete relisting lacks', async () => {
		const integration = await createIntegration('google', EVERYTHING);
		await sync(integration);
		const gone = googleEventWithGuests();
		cancelCalendarEvent(emu.state, googleEmail, googleEmail, gone.providerEventId);
		emu.control.expireCursors(googleEmail, 'calendar');
		let crashed = false;
		await expect(
			sync(integration, {
				fail: (step, page) => !crashed && step === 'committed' && page === 3 && (crashed = true),
			}),
		).rejects.toThrow('crash at committed');
		// The relisting's progress is kept beside its cursor, as the engine reads it.
		const running = (await db.database
			.knex('sync_cursors')
			.where({ integration_id: integration.id })
			.first()) as { backfill_state: Record<string, unknown> };
		expect(running.backfill_state).toMatchObject({
			listingId: expect.any(String),
			reason: 'resync',
			seen: expect.arrayContaining([expect.any(String)]),
		});
		const { counts } = await sync(integration);
		expect(counts).toMatchObject({ deleted: 1, created: 0, failed: 0 });
		const done = (await db.database
			.knex('sync_cursors')
			.where({ integration_id: integration.id })
			.first()) as { backfill_state: Record<string, unknown>; last_full_sync_at: Date };
		expect(done.backfill_state).toEqual({
			listingId: null,
			reason: null,
			lastListingReason: 'resync',
			lastListingCompletedAt: NOW.toISOString(),
		});
		expect(done.last_full_sync_at).toEqual(NOW);
		const row = (await storedEvents(integration)).find(
			(entry) => entry.provider_event_id === gone.providerEventId,
		)!;
		expect(row.status).toBe('cancelled');
		await expectGoogleCalendarStored(integration, googleEmail);
	});

	it('stores events with NUL bytes, lone surrogates and unusable times, without failing the page', async () => {
		const integration = await createIntegration('google', EVERYTHING);
		await sync(integration);
		const [bad, odd, fine] = insertCalendarEvents(
			emu,
			googleEmail,
			googleEmail,
			3,
			Date.UTC(2026, 10, 22, 9),
		);
		const store = googleCalendars();
		const edit = (id: string, change: (resource: Record<string, unknown>) => void) => {
			const found = store.events(googleEmail).find((entry) => entry.resource.id === id)!;
			const next = structuredClone(found.resource);
			change(next);
			store.put(googleEmail, next);
		};
		edit(odd, (resource) => {
			resource.summary = 'Null\u0000byte and a lone \uD800 surrogate';
			resource.description = 'x'.repeat(200_000);
			resource.attendees = [
				{ email: 'Guest@Example.COM', responseStatus: 'accepted' },
				{ email: 'guest@example.com', responseStatus: 'declined' },
				{ email: `${'a'.repeat(5000)}@example.com`, responseStatus: 'accepted' },
			];
		});
		edit(bad, (resource) => {
			resource.start = { dateTime: 'not a time' };
		});
		const { counts, changes } = await sync(integration);
		expect(counts).toMatchObject({ created: 2, failed: 1 });
		expect(changes.map((change) => change.providerEventId).sort()).toEqual([fine, odd].sort());
		const row = (await storedEvents(integration)).find((entry) => entry.provider_event_id === odd)!;
		expect(row.title).toBe('Nullbyte and a lone \uFFFD surrogate');
		expect(row.attendees).toEqual([
			expect.objectContaining({ email: 'guest@example.com', responseStatus: 'declined' }),
		]);
	});

	it('stores events with the visibility of the integration settings', async () => {
		const integration = await createIntegration('google', {
			...EVERYTHING,
			visibility: 'metadata',
		});
		await sync(integration);
		const stored = await storedEvents(integration);
		expect(new Set(stored.map((row) => row.visibility))).toEqual(new Set(['metadata']));
		integration.settings = { ...integration.settings, visibility: 'subject' };
		const { counts } = await sync(integration);
		expect(counts).toMatchObject(noChanges);
		expect(new Set((await storedEvents(integration)).map((row) => row.visibility))).toEqual(
			new Set(['subject']),
		);
	});
});

// ---------------------------------------------------------------- Microsoft 365

describe('Microsoft 365 calendar sync', () => {
	const account = () => emu.state.getAccount(microsoftEmail)!;
	const AHEAD_DAYS = 60;
	const window = () => ({
		from: NOW.getTime() - 3650 * DAY_MS,
		to: NOW.getTime() + AHEAD_DAYS * DAY_MS,
	});
	/** What calendarView delta shows of the default calendar over the sync's window. */
	const graphView = () => {
		const { from, to } = window();
		return calendarView(account(), resolveCalendar(account(), undefined), from, to);
	};
	const msSync = (integration: Integration, options: Parameters<typeof sync>[1] = {}) =>
		sync(integration, { graphWindowDaysAhead: AHEAD_DAYS, ...options });

	async function expectGraphCalendarStored(integration: Integration) {
		const expected = graphView();
		const stored = await storedEvents(integration);
		const live = stored.filter((row) => row.status !== 'cancelled');
		expect(live.map((row) => row.provider_event_id).sort()).toEqual(
			expected.map((rec) => graphEventId(account(), rec.key)).sort(),
		);
		const byId = new Map(live.map((row) => [row.provider_event_id, row]));
		for (const rec of expected) {
			const row = byId.get(graphEventId(account(), rec.key))!;
			expect(row.title).toBe(rec.subject);
			expect(row.is_all_day).toBe(rec.allDay);
			if (!rec.allDay) {
				expect(row.starts_at!.getTime()).toBe(rec.start);
				expect(row.ends_at!.getTime()).toBe(rec.end);
				expect(row.start_time_zone).toBe(rec.zone);
			} else expect(row.start_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
			expect(row.attendees.map((attendee) => attendee.email).sort()).toEqual(
				rec.attendees.map((attendee) => attendee.email.toLowerCase()).sort(),
			);
		}
	}

	/** A single (not recurring) event with guests, in the window. */
	const singleWithGuests = (exclude: string[] = []) =>
		graphView().find(
			(rec) =>
				rec.type === 'singleInstance' &&
				!rec.allDay &&
				rec.attendees.length > 0 &&
				!exclude.includes(rec.key),
		)!;

	it('stores the default calendar exactly (series as occurrences), and a second run changes nothing', async () => {
		const integration = await createIntegration('microsoft', EVERYTHING);
		const first = await msSync(integration);
		expect(first.counts).toMatchObject({ created: graphView().length, updated: 0, failed: 0 });
		await expectGraphCalendarStored(integration);
		const cursor = (await db.database
			.knex('sync_cursors')
			.where({ integration_id: integration.id })
			.first()) as { source_type: string; source_id: string };
		expect(cursor).toMatchObject({ source_type: 'graph_calendar', source_id: 'primary' });

		const before = await snapshot(integration);
		expect((await msSync(integration)).counts).toEqual({ fetched: 0, skipped: 0, ...noChanges });
		expect(await snapshot(integration)).toEqual(before);
	});

	it('classifies an answer and a move as updated and a deletion as cancelled', async () => {
		const integration = await createIntegration('microsoft', EVERYTHING);
		await msSync(integration);
		const answered = singleWithGuests();
		const attendees = answered.attendees.map((attendee, index) => ({
			emailAddress: { address: attendee.email, name: attendee.name },
			type: attendee.type,
			status: { response: index === 0 ? 'declined' : attendee.response },
		}));
		updateEvent(emu.state, account(), answered, { attendees });
		const moved = singleWithGuests([answered.key]);
		const start = new Date(moved.start + DAY_MS).toISOString().slice(0, 19);
		const end = new Date(moved.end + DAY_MS).toISOString().slice(0, 19);
		updateEvent(emu.state, account(), moved, {
			start: { dateTime: start, timeZone: 'UTC' },
			end: { dateTime: end, timeZone: 'UTC' },
		});
		const deleted = singleWithGuests([answered.key, moved.key]);
		deleteEvent(
			emu.state,
			account(),
			resolveEvent(account(), graphEventId(account(), deleted.key)),
		);

		const { counts, changes } = await msSync(integration);
		expect(counts).toMatchObject({ created: 0, updated: 2, deleted: 1, failed: 0 });
		const byId = new Map(changes.map((change) => [change.providerEventId, change]));
		const guest = answered.attendees[0].email.toLowerCase();
		expect(byId.get(graphEventId(account(), answered.key))).toMatchObject({
			changeType: 'updated',
			changes: { time: false, responses: { [guest]: { to: 'declined' } } },
		});
		expect(byId.get(graphEventId(account(), moved.key))).toMatchObject({
			changeType: 'updated',
			changes: { time: true },
		});
		expect(byId.get(graphEventId(account(), deleted.key))).toMatchObject({
			changeType: 'cancelled',
		});
		await expectGraphCalendarStored(integration);
		expect((await msSync(integration)).counts).toMatchObject({ fetched: 0, ...noChanges });
	});

	it('relists after Graph forgot the delta (410) and cancels what the listing no longer holds', async () => {
		const integration = await createIntegration('microsoft', EVERYTHING);
		await msSync(integration);
		const gone = singleWithGuests();
		deleteEvent(emu.state, account(), resolveEvent(account(), graphEventId(account(), gone.key)));
		emu.control.expireCursors(microsoftEmail, 'graph');
		emu.control.resetCalls();
		const { counts, changes } = await msSync(integration);
		expect(emu.control.calls().byStatus['410']).toBe(1);
		expect(counts).toMatchObject({ created: 0, updated: 0, deleted: 1, failed: 0 });
		expect(changes).toEqual([
			expect.objectContaining({
				changeType: 'cancelled',
				providerEventId: graphEventId(account(), gone.key),
			}),
		]);
		await expectGraphCalendarStored(integration);
	});

	it('syncs a second calendar with its own delta cursor', async () => {
		const team = calendarId(account(), 1);
		const integration = await createIntegration('microsoft', {
			...EVERYTHING,
			calendars: ['primary', team],
		});
		await msSync(integration);
		const cursors = (await db.database
			.knex('sync_cursors')
			.where({ integration_id: integration.id })
			.orderBy('source_id')) as Array<{ source_type: string; source_id: string; cursor: string }>;
		expect(cursors.map((row) => [row.source_type, row.source_id])).toEqual(
			[
				['graph_calendar', 'primary'],
				['graph_calendar', team],
			].sort((a, b) => a[1].localeCompare(b[1])),
		);
		const { from, to } = window();
		const teamIds = calendarView(account(), 1, from, to).map((rec) =>
			graphEventId(account(), rec.key),
		);
		expect(teamIds.length).toBeGreaterThan(0);
		const stored = await storedEvents(integration, team);
		expect(stored.map((row) => row.provider_event_id).sort()).toEqual([...teamIds].sort());
		expect((await msSync(integration)).counts).toMatchObject({ fetched: 0, ...noChanges });
	});

	it('a second calendar no longer chosen loses its events and cursor; the default calendar stays', async () => {
		const team = calendarId(account(), 1);
		const integration = await createIntegration('microsoft', {
			...EVERYTHING,
			calendars: ['primary', team],
		});
		await msSync(integration);
		const defaultBefore = (await storedEvents(integration)).filter(
			(row) => row.provider_calendar_id !== team,
		);
		expect(await storedEvents(integration, team)).not.toEqual([]);
		const narrowed = { ...integration, settings: { ...EVERYTHING, calendars: ['primary'] } };
		await msSync(narrowed);
		expect(await storedEvents(integration, team)).toEqual([]);
		expect((await storedEvents(integration)).map((row) => row.id).sort()).toEqual(
			defaultBefore.map((row) => row.id).sort(),
		);
		const cursors = (await db.database
			.knex('sync_cursors')
			.where({ integration_id: integration.id })
			.select('source_id')) as Array<{ source_id: string }>;
		expect(cursors.map((row) => row.source_id)).toEqual(['primary']);
	});

	it('lists the calendar again over a new window once less than half of the window lies ahead', async () => {
		const integration = await createIntegration('microsoft', EVERYTHING);
		await msSync(integration);
		const windowOf = async () => {
			const row = (await db.database
				.knex('sync_cursors')
				.where({ integration_id: integration.id })
				.first()) as { cursor: string };
			return JSON.parse(row.cursor) as { phase: string; windowStart: string; windowEnd: string };
		};
		const first = await windowOf();
		expect(first.windowEnd).toBe(new Date(NOW.getTime() + AHEAD_DAYS * DAY_MS).toISOString());

		// A month on, less than half of the 60 days lie ahead: a new window, a relisting.
		const later = new Date(NOW.getTime() + 31 * DAY_MS);
		const { from } = window();
		const to = later.getTime() + AHEAD_DAYS * DAY_MS;
		const inNewWindow = calendarView(account(), resolveCalendar(account(), undefined), from, to);
		const before = (await storedEvents(integration)).filter((row) => row.status !== 'cancelled');
		const { counts } = await msSync(integration, { now: later });
		const renewed = await windowOf();
		expect(renewed).toMatchObject({
			phase: 'changes',
			windowEnd: new Date(to).toISOString(),
		});
		const live = (await storedEvents(integration)).filter((row) => row.status !== 'cancelled');
		// What the new window adds is created; nothing stored before is lost or doubled.
		expect(counts).toMatchObject({ created: live.length - before.length, deleted: 0, failed: 0 });
		expect(live.length).toBeGreaterThan(before.length);
		expect(live.map((row) => row.provider_event_id).sort()).toEqual(
			[
				...new Set([
					...before.map((row) => row.provider_event_id),
					...inNewWindow.map((rec) => graphEventId(account(), rec.key)),
				]),
			].sort(),
		);
		expect((await msSync(integration, { now: later })).counts).toMatchObject({
			fetched: 0,
			...noChanges,
		});
	});

	it.each(['fetched', 'rows_written', 'cursor_written', 'committed'] as SyncStep[])(
		'a crash at %s of page 2, then a rerun: the stored set equals the calendar',
		async (step) => {
			const integration = await createIntegration('microsoft', EVERYTHING);
			let crashed = false;
			await expect(
				msSync(integration, {
					fail: (at, page) => !crashed && at === step && page === 2 && (crashed = true),
				}),
			).rejects.toThrow(`crash at ${step}`);
			await msSync(integration);
			await expectGraphCalendarStored(integration);
			expect((await msSync(integration)).counts).toMatchObject({ fetched: 0, ...noChanges });
		},
	);
});

// ---------------------------------------------------------------- the store alone

describe('calendar event store', () => {
	const record = (
		id: string,
		overrides: Partial<CalendarEventRecord> = {},
	): CalendarEventRecord => ({
		provider: 'google',
		providerEventId: id,
		providerCalendarId: 'store@example.com',
		iCalUid: `${id}@example.com`,
		recurringEventId: null,
		status: 'confirmed',
		title: `Meeting ${id}`,
		description: null,
		location: null,
		meetingLink: null,
		isAllDay: false,
		start: { dateTime: '2026-12-01T10:00:00+01:00', date: null, timeZone: 'Europe/Berlin' },
		end: { dateTime: '2026-12-01T11:00:00+01:00', date: null, timeZone: 'Europe/Berlin' },
		recurrence: [],
		organizer: { email: 'boss@example.com', name: 'Boss' },
		attendees: [
			{
				email: 'guest@example.com',
				name: null,
				responseStatus: 'needsAction',
				organizer: false,
				optional: false,
				self: false,
			},
		],
		updated: '2026-11-01T00:00:00Z',
		created: '2026-11-01T00:00:00Z',
		htmlLink: null,
		...overrides,
	});

	it('leaves out an event PostgreSQL refuses and stores the rest of its page', async () => {
		const integration = await createIntegration('google');
		const page = Array.from({ length: 10 }, (_, index) => record(`e${index}`));
		// A value no check in the store foresaw: the batch is halved until the event is alone.
		page[6] = record('e6', { status: 'postponed' as never });
		const result = await db.database.knex.transaction((trx) =>
			writeCalendarEventPage(trx, {
				workspaceId,
				integrationId: integration.id,
				visibility: 'everything',
				events: page,
			}),
		);
		expect(result.counts).toEqual({
			created: 9,
			updated: 0,
			cancelled: 0,
			unchanged: 0,
			failed: 1,
		});
		const stored = await storedEvents(integration);
		expect(stored.map((row) => row.provider_event_id)).toEqual([
			'e0',
			'e1',
			'e2',
			'e3',
			'e4',
			'e5',
			'e7',
			'e8',
			'e9',
		]);
		expect(await storedAttendees(integration)).toHaveLength(9);
	});

	it('keeps a tombstone of a cancelled occurrence of a series, not of an event it never stored', async () => {
		const integration = await createIntegration('google');
		const tombstone = {
			title: null,
			end: { dateTime: null, date: null, timeZone: null },
			attendees: [],
			organizer: null,
			status: 'cancelled' as const,
		};
		const { counts } = await db.database.knex.transaction((trx) =>
			writeCalendarEventPage(trx, {
				workspaceId,
				integrationId: integration.id,
				visibility: 'everything',
				events: [
					record('gone', tombstone),
					record('series_20261201T090000Z', { ...tombstone, recurringEventId: 'series' }),
				],
			}),
		);
		expect(counts).toEqual({ created: 0, updated: 0, cancelled: 0, unchanged: 2, failed: 0 });
		const stored = await storedEvents(integration);
		expect(stored).toEqual([
			expect.objectContaining({
				provider_event_id: 'series_20261201T090000Z',
				status: 'cancelled',
				starts_at: new Date('2026-12-01T09:00:00Z'),
			}),
		]);
	});

	it('after a complete listing cancels only unlisted events inside its horizon', async () => {
		const integration = await createIntegration('google');
		const timed = (id: string, start: string, end: string) =>
			record(id, {
				start: { dateTime: start, date: null, timeZone: 'UTC' },
				end: { dateTime: end, date: null, timeZone: 'UTC' },
			});
		const allDay = (id: string, start: string, end: string) =>
			record(id, {
				isAllDay: true,
				start: { dateTime: null, date: start, timeZone: 'Asia/Tokyo' },
				end: { dateTime: null, date: end, timeZone: 'Asia/Tokyo' },
			});
		await db.database.knex.transaction((trx) =>
			writeCalendarEventPage(trx, {
				workspaceId,
				integrationId: integration.id,
				visibility: 'everything',
				events: [
					timed('listed', '2026-11-10T09:00:00Z', '2026-11-10T10:00:00Z'),
					timed('gone', '2026-11-10T09:00:00Z', '2026-11-10T10:00:00Z'),
					timed('before', '2026-11-01T09:00:00Z', '2026-11-01T10:00:00Z'),
					timed('after', '2027-01-10T09:00:00Z', '2027-01-10T10:00:00Z'),
					// Ends at midnight Tokyo on Nov 8 = 15:00 UTC Nov 7: at the horizon's edge.
					allDay('edge', '2026-11-07', '2026-11-08'),
					allDay('gone-all-day', '2026-11-12', '2026-11-13'),
				],
			}),
		);
		const changes = await db.database.knex.transaction((trx) =>
			cancelUnlistedCalendarEvents(trx, {
				workspaceId,
				integrationId: integration.id,
				providerCalendarId: 'store@example.com',
				listedEventIds: ['listed'],
				since: new Date('2026-11-07T16:00:00Z'),
				until: new Date('2027-01-01T00:00:00Z'),
			}),
		);
		expect(changes.map((change) => change.providerEventId).sort()).toEqual([
			'gone',
			'gone-all-day',
		]);
		const status = Object.fromEntries(
			(await storedEvents(integration)).map((row) => [row.provider_event_id, row.status]),
		);
		expect(status).toEqual({
			listed: 'confirmed',
			gone: 'cancelled',
			before: 'confirmed',
			after: 'confirmed',
			edge: 'confirmed',
			'gone-all-day': 'cancelled',
		});
	});

	it('keeps the person matched to an attendee who stays, and drops attendees who left', async () => {
		const integration = await createIntegration('google');
		const write = (events: CalendarEventRecord[]) =>
			db.database.knex.transaction((trx) =>
				writeCalendarEventPage(trx, {
					workspaceId,
					integrationId: integration.id,
					visibility: 'everything',
					events,
				}),
			);
		const guest = record('x').attendees[0];
		await write([record('x', { attendees: [guest, { ...guest, email: 'other@example.com' }] })]);
		const [person] = (await db.database
			.knex('people')
			.insert({ workspace_id: workspaceId, email: `guest-${randomUUID()}@example.com` })
			.returning('id')) as Array<{ id: string }>;
		await db.database
			.knex('calendar_event_attendees')
			.where({ address: 'guest@example.com' })
			.whereIn(
				'event_id',
				db.database.knex('calendar_events').select('id').where({ integration_id: integration.id }),
			)
			.update({ person_id: person.id });

		const { counts, changes } = await write([
			record('x', { attendees: [{ ...guest, responseStatus: 'accepted' }] }),
		]);
		expect(counts).toMatchObject({ updated: 1 });
		expect(changes[0].changes).toMatchObject({
			responses: { 'guest@example.com': { from: 'needsAction', to: 'accepted' } },
			attendeesRemoved: ['other@example.com'],
		});
		const rows = (await db.database
			.knex('calendar_event_attendees')
			.whereIn(
				'event_id',
				db.database.knex('calendar_events').select('id').where({ integration_id: integration.id }),
			)
			.select('address', 'response_status', 'person_id')) as Array<Record<string, unknown>>;
		expect(rows).toEqual([
			{ address: 'guest@example.com', response_status: 'accepted', person_id: person.id },
		]);
	});
});
