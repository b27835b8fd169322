// Calendar API v3 through the official client (@googleapis/calendar) against the emulator.
import { auth, calendar as calendarApi, type calendar_v3 } from '@googleapis/calendar';

import { startEmulator } from './index';
import { moveCalendarEvent, setCalendarAttendeeResponse } from './google/calendar';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const AUTH = 'https://www.googleapis.com/auth/';

function clientFor(emu: Emulator, accessToken: string): calendar_v3.Calendar {
	const oauth = new auth.OAuth2();
	oauth.setCredentials({ access_token: accessToken });
	// Jest's CommonJS sandbox cannot run gaxios' dynamic import of node-fetch: use Node's fetch.
	return calendarApi({
		version: 'v3',
		rootUrl: emu.urls.googleApis,
		auth: oauth,
		fetchImplementation: fetch,
	});
}

async function failure(
	p: Promise<unknown>,
): Promise<{ status?: number; reason?: string; message?: string; name?: string }> {
	try {
		await p;
		return { status: 200 };
	} catch (e) {
		const err = e as Error & {
			status?: number;
			response?: { status: number; data?: { error?: { errors?: { reason: string }[] } } };
		};
		return {
			status: err.response?.status ?? err.status,
			reason: err.response?.data?.error?.errors?.[0]?.reason,
			message: err.message,
			name: err.constructor.name,
		};
	}
}

describe('Calendar API v3 emulator', () => {
	let emu: Emulator;
	let cal: calendar_v3.Calendar;
	let email: string;

	beforeAll(async () => {
		emu = await startEmulator({ seed: 'calendar-test', messages: 50 });
		email = emu.sandbox.googleEmail;
		cal = clientFor(emu, emu.sandbox.accessToken);
	});
	afterAll(async () => {
		await emu?.stop();
	});

	/** Full sync: every page, returns items and the final nextSyncToken. */
	async function fullSync(params: calendar_v3.Params$Resource$Events$List) {
		const items: calendar_v3.Schema$Event[] = [];
		let pageToken: string | undefined;
		let syncToken: string | undefined;
		do {
			const { data } = await cal.events.list({ calendarId: 'primary', ...params, pageToken });
			items.push(...(data.items ?? []));
			pageToken = data.nextPageToken ?? undefined;
			if (!pageToken) syncToken = data.nextSyncToken ?? undefined;
			else expect(data.nextSyncToken).toBeUndefined();
		} while (pageToken);
		return { items, syncToken: syncToken! };
	}

	test('calendarList.list pages and ends with a nextSyncToken; primary alias', async () => {
		const first = await cal.calendarList.list({ maxResults: 1 });
		expect(first.data.items).toHaveLength(1);
		expect(first.data.nextPageToken).toBeDefined();
		const all = [...first.data.items!];
		let token = first.data.nextPageToken ?? undefined;
		let last = first.data;
		while (token) {
			last = (await cal.calendarList.list({ maxResults: 1, pageToken: token })).data;
			all.push(...last.items!);
			token = last.nextPageToken ?? undefined;
		}
		expect(last.nextSyncToken).toBeDefined();
		const calendars = emu.state.getAccount(email)!.calendars.calendars;
		expect(all.map((c) => c.id)).toEqual(calendars.map((c) => c.id));
		expect(all.find((c) => c.primary)!.id).toBe(calendars.find((c) => c.primary)!.id);
		const primary = await cal.calendars.get({ calendarId: 'primary' });
		expect(primary.data.timeZone).toBe(calendars.find((c) => c.primary)!.timeZone);
	});

	test('events.list pages through the generated events', async () => {
		const generated = emu.state
			.getAccount(email)!
			.calendars.events(email)
			.filter((e) => e.status !== 'cancelled' && !e.recurringEventId);
		const { items, syncToken } = await fullSync({ maxResults: 7 });
		expect(syncToken).toBeTruthy();
		expect(new Set(items.map((e) => e.id)).size).toBe(items.length);
		expect(items.map((e) => e.id).sort()).toEqual(
			expect.arrayContaining(generated.map((e) => e.id).sort()),
		);
		const one = await cal.events.get({ calendarId: 'primary', eventId: generated[0].id });
		expect(one.data.summary).toBe(generated[0].summary);
		expect(
			(await failure(cal.events.get({ calendarId: 'primary', eventId: 'nosuchevent00' }))).status,
		).toBe(404);
	});

	test('insert / patch / delete appear once each in incremental sync; cancelled as tombstones', async () => {
		const { syncToken } = await fullSync({});
		const inserted = await cal.events.insert({
			calendarId: 'primary',
			conferenceDataVersion: 1,
			sendUpdates: 'all',
			requestBody: {
				summary: 'Kickoff with ACME',
				location: 'Berlin',
				start: { dateTime: '2026-11-10T10:00:00+01:00', timeZone: 'Europe/Berlin' },
				end: { dateTime: '2026-11-10T11:00:00+01:00', timeZone: 'Europe/Berlin' },
				attendees: [{ email: 'buyer@acme.example' }, { email }],
				conferenceData: {
					createRequest: { requestId: 'req-1', conferenceSolutionKey: { type: 'hangoutsMeet' } },
				},
			},
		});
		expect(inserted.data.id).toMatch(/^[a-v0-9]{5,}$/);
		expect(inserted.data.hangoutLink).toMatch(
			/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/,
		);
		expect(inserted.data.conferenceData!.entryPoints![0].uri).toBe(inserted.data.hangoutLink);
		// The organizer's own attendee entry is self, organizer and accepted, as Google marks it.
		expect(inserted.data.attendees!.map((a) => a.responseStatus)).toEqual([
			'needsAction',
			'accepted',
		]);
		expect(inserted.data.attendees![1]).toMatchObject({ self: true, organizer: true });
		expect(inserted.data.sequence).toBe(0);
		const allDay = await cal.events.insert({
			calendarId: 'primary',
			requestBody: {
				summary: 'Trade fair',
				start: { date: '2026-11-12' },
				end: { date: '2026-11-14' },
			},
		});
		expect(allDay.data.start).toEqual({ date: '2026-11-12' });

		const step1 = await cal.events.list({ calendarId: 'primary', syncToken });
		expect(step1.data.items!.map((e) => e.id)).toEqual([inserted.data.id, allDay.data.id]);
		const token2 = step1.data.nextSyncToken!;

		const patched = await cal.events.patch({
			calendarId: 'primary',
			eventId: inserted.data.id!,
			requestBody: {
				summary: 'Kickoff (moved)',
				start: { dateTime: '2026-11-10T14:00:00+01:00', timeZone: 'Europe/Berlin' },
				end: { dateTime: '2026-11-10T15:00:00+01:00', timeZone: 'Europe/Berlin' },
			},
		});
		expect(patched.data.sequence).toBe(1);
		expect(patched.data.location).toBe('Berlin');
		expect(patched.data.hangoutLink).toBe(inserted.data.hangoutLink);
		await cal.events.delete({ calendarId: 'primary', eventId: allDay.data.id! });

		const step2 = await cal.events.list({ calendarId: 'primary', syncToken: token2 });
		expect(step2.data.items).toHaveLength(2);
		const [updated, cancelled] = step2.data.items!;
		expect(updated).toMatchObject({
			id: inserted.data.id,
			summary: 'Kickoff (moved)',
			status: 'confirmed',
		});
		expect(cancelled).toEqual({
			kind: 'calendar#event',
			etag: expect.any(String),
			id: allDay.data.id,
			status: 'cancelled',
		});

		const step3 = await cal.events.list({
			calendarId: 'primary',
			syncToken: step2.data.nextSyncToken!,
		});
		expect(step3.data.items).toEqual([]);

		// Deleted events are gone from a plain listing, back with showDeleted, 410 on second delete.
		const plain = await fullSync({});
		expect(plain.items.map((e) => e.id)).not.toContain(allDay.data.id);
		const withDeleted = await fullSync({ showDeleted: true });
		expect(withDeleted.items.find((e) => e.id === allDay.data.id)!.status).toBe('cancelled');
		expect(
			(await failure(cal.events.delete({ calendarId: 'primary', eventId: allDay.data.id! })))
				.status,
		).toBe(410);

		// update (PUT) replaces.
		const replaced = await cal.events.update({
			calendarId: 'primary',
			eventId: inserted.data.id!,
			requestBody: {
				summary: 'Replaced',
				start: { date: '2026-11-20' },
				end: { date: '2026-11-21' },
			},
		});
		expect(replaced.data.location).toBeUndefined();
		expect(replaced.data.start).toEqual({ date: '2026-11-20' });
	});

	test('410 fullSyncRequired for an expired sync token, seen through the client; 400 for syncToken + timeMin', async () => {
		const { syncToken } = await fullSync({});
		expect(
			(
				await failure(
					cal.events.list({ calendarId: 'primary', syncToken, timeMin: '2026-01-01T00:00:00Z' }),
				)
			).status,
		).toBe(400);
		emu.control.expireCursors(email, 'calendar');
		const gone = await failure(cal.events.list({ calendarId: 'primary', syncToken }));
		expect(gone).toMatchObject({ status: 410, reason: 'fullSyncRequired', name: 'GaxiosError' });
		expect(gone.message).toBe('Sync token is no longer valid, a full sync is required.');
		const again = await fullSync({});
		expect(
			(await cal.events.list({ calendarId: 'primary', syncToken: again.syncToken })).data.items,
		).toEqual([]);
		const list = await cal.calendarList.list({});
		emu.control.expireCursors(email, 'calendar');
		expect(
			(await failure(cal.calendarList.list({ syncToken: list.data.nextSyncToken! }))).status,
		).toBe(410);
	});

	test('singleEvents expands recurrences into instances; orderBy=startTime; exceptions replace instances', async () => {
		const master = await cal.events.insert({
			calendarId: 'primary',
			requestBody: {
				summary: 'Pipeline review QX7',
				start: { dateTime: '2027-03-01T09:00:00', timeZone: 'Europe/Berlin' },
				end: { dateTime: '2027-03-01T09:30:00', timeZone: 'Europe/Berlin' },
				recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=MO'],
			},
		});
		const window = { timeMin: '2027-02-25T00:00:00Z', timeMax: '2027-05-01T00:00:00Z' };
		const expanded = await cal.events.list({
			calendarId: 'primary',
			singleEvents: true,
			orderBy: 'startTime',
			...window,
			q: 'Pipeline review QX7',
		});
		const instances = expanded.data.items!;
		expect(instances).toHaveLength(6);
		expect(
			instances.every((i) => i.recurringEventId === master.data.id && i.originalStartTime),
		).toBe(true);
		// 09:00 Berlin wall time across the DST change on 2027-03-28.
		expect(instances.map((i) => i.start!.dateTime)).toEqual([
			'2027-03-01T09:00:00+01:00',
			'2027-03-08T09:00:00+01:00',
			'2027-03-15T09:00:00+01:00',
			'2027-03-22T09:00:00+01:00',
			'2027-03-29T09:00:00+02:00',
			'2027-04-05T09:00:00+02:00',
		]);
		expect(instances[0].id).toBe(`${master.data.id}_20270301T080000Z`);
		const collapsed = await cal.events.list({
			calendarId: 'primary',
			...window,
			q: 'Pipeline review QX7',
		});
		expect(collapsed.data.items!.map((e) => e.id)).toEqual([master.data.id]);
		expect(
			(await failure(cal.events.list({ calendarId: 'primary', orderBy: 'startTime' }))).status,
		).toBe(400);

		// Cancelling one instance removes it from the expansion.
		await cal.events.delete({ calendarId: 'primary', eventId: instances[2].id! });
		const after = await cal.events.list({
			calendarId: 'primary',
			singleEvents: true,
			orderBy: 'startTime',
			...window,
			q: 'Pipeline review QX7',
		});
		expect(after.data.items!.map((i) => i.id)).toEqual(
			instances.filter((_, i) => i !== 2).map((i) => i.id),
		);
		const inst = await cal.events.instances({ calendarId: 'primary', eventId: master.data.id! });
		expect(inst.data.items).toHaveLength(5);
	});

	test('control: an attendee answers and the organizer moves an event, seen by incremental sync', async () => {
		const created = await cal.events.insert({
			calendarId: 'primary',
			requestBody: {
				summary: 'Demo',
				start: { dateTime: '2026-12-01T15:00:00Z' },
				end: { dateTime: '2026-12-01T16:00:00Z' },
				attendees: [{ email: 'lead@prospect.example' }],
			},
		});
		const { syncToken } = await fullSync({});
		setCalendarAttendeeResponse(
			emu.state,
			email,
			'primary',
			created.data.id!,
			'lead@prospect.example',
			'accepted',
		);
		const step = await cal.events.list({ calendarId: 'primary', syncToken });
		expect(step.data.items!.map((e) => [e.id, e.attendees![0].responseStatus])).toEqual([
			[created.data.id, 'accepted'],
		]);
		moveCalendarEvent(
			emu.state,
			email,
			'primary',
			created.data.id!,
			{ dateTime: '2026-12-02T15:00:00Z' },
			{ dateTime: '2026-12-02T16:00:00Z' },
		);
		const moved = await cal.events.list({
			calendarId: 'primary',
			syncToken: step.data.nextSyncToken!,
		});
		expect(moved.data.items!.map((e) => e.start!.dateTime)).toEqual(['2026-12-02T15:00:00Z']);
		expect(moved.data.items![0].sequence).toBe(1);
	});

	test('timeMin/timeMax window and updatedMin', async () => {
		const { items } = await fullSync({
			timeMin: '2026-12-01T00:00:00Z',
			timeMax: '2026-12-03T00:00:00Z',
			singleEvents: true,
		});
		expect(items.map((e) => e.summary)).toContain('Demo');
		for (const e of items) {
			const start = Date.parse(e.start!.dateTime ?? `${e.start!.date}T00:00:00Z`);
			expect(start).toBeLessThan(Date.parse('2026-12-03T00:00:00Z') + 86400000);
		}
		const recent = await fullSync({ updatedMin: new Date(emu.state.now() - 60000).toISOString() });
		// updatedMin also brings deletions (as tombstones, which carry no 'updated').
		const live = recent.items.filter((e) => e.status !== 'cancelled');
		expect(live.every((e) => Date.parse(e.updated!) >= emu.state.now() - 60000)).toBe(true);
		expect(recent.items.some((e) => e.status === 'cancelled')).toBe(true);
		expect(recent.items.length).toBeGreaterThan(0);
	});

	test('scopes: calendar.readonly reads but cannot write; events scope cannot list calendars; gmail scope gets 403', async () => {
		const readonly = clientFor(
			emu,
			emu.control.issueToken(email, { scopes: [AUTH + 'calendar.readonly'] }).access_token,
		);
		expect(
			(await failure(readonly.events.list({ calendarId: 'primary', maxResults: 1 }))).status,
		).toBe(200);
		const write = await failure(
			readonly.events.insert({
				calendarId: 'primary',
				requestBody: { start: { date: '2026-12-24' }, end: { date: '2026-12-25' } },
			}),
		);
		expect(write).toMatchObject({ status: 403, reason: 'insufficientPermissions' });
		const events = clientFor(
			emu,
			emu.control.issueToken(email, { scopes: [AUTH + 'calendar.events'] }).access_token,
		);
		expect(
			(
				await failure(
					events.events.insert({
						calendarId: 'primary',
						requestBody: { start: { date: '2026-12-24' }, end: { date: '2026-12-25' } },
					}),
				)
			).status,
		).toBe(200);
		expect((await failure(events.calendarList.list({}))).status).toBe(403);
		const gmailOnly = clientFor(
			emu,
			emu.control.issueToken(email, { scopes: [AUTH + 'gmail.readonly'] }).access_token,
		);
		expect((await failure(gmailOnly.events.list({ calendarId: 'primary' }))).status).toBe(403);
	});

	test('faults: 503 on events.list reaches the client', async () => {
		emu.control.inject({ operation: 'calendar.events.list', status: 503 });
		expect(
			(await failure(cal.events.list({ calendarId: 'primary' }, { retry: false }))).status,
		).toBe(503);
		expect((await failure(cal.events.list({ calendarId: 'primary' }))).status).toBe(200);
		const insertMissingEnd = await failure(
			cal.events.insert({ calendarId: 'primary', requestBody: { start: { date: '2026-12-24' } } }),
		);
		expect(insertMissingEnd.status).toBe(400);
	});
});
