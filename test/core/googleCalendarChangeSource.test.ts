// The Google Calendar change source against the emulator's Calendar API, without n8n: listings
// read one page per call with the page token in a JSON cursor (resumable by a new source, as after
// a restart), then the changes since the sync token, 410 → cursor_expired and a resync listing,
// a horizon, and a calendar that does not exist.
import {
	ProviderHttpError,
	createCalendarClient,
	googleCalendarChangeSource,
	normalizeHeaders,
	type GoogleCalendarCursor,
	type GoogleCalendarItem,
	type ProviderRequester,
} from '../../core';
import type { ChangePage, ChangeRead } from '../../core/providers/changeSources';
import { startEmulator, type Emulator } from '../emulator';
import { cancelCalendarEvent, changeCalendarEvent } from '../emulator/google/calendar';
import { CalendarAccountState } from '../emulator/google/calendarStore';
import { insertCalendarEvents } from '../support/calendarEmulator';

let emu: Emulator;
let owner: string;
let calendar: ReturnType<typeof createCalendarClient>;

/** Sends as the sandbox account with its ready access token. */
function sandboxRequester(token: string): ProviderRequester {
	return async <T>(request: Parameters<ProviderRequester>[0]) => {
		const json =
			request.body !== undefined &&
			typeof request.body !== 'string' &&
			!Buffer.isBuffer(request.body);
		const response = await fetch(request.url, {
			method: request.method,
			headers: {
				...request.headers,
				authorization: `Bearer ${token}`,
				...(json ? { 'content-type': 'application/json' } : {}),
			},
			body: json ? JSON.stringify(request.body) : (request.body as string | undefined),
		});
		const text = await response.text();
		const headers = normalizeHeaders(response.headers);
		const body: unknown = headers['content-type']?.includes('json') ? JSON.parse(text) : text;
		if (!response.ok) throw new ProviderHttpError(response.status, headers, body, request);
		return { status: response.status, headers, body: body as T };
	};
}

beforeAll(async () => {
	emu = await startEmulator({ seed: 'calendar-source', messages: 10 });
	owner = emu.sandbox.googleEmail;
	calendar = createCalendarClient(sandboxRequester(emu.sandbox.accessToken), emu.urls.googleApis);
});
afterAll(() => emu.stop());

const team = () =>
	emu.state.getAccount(owner)!.calendars.calendars.find((entry) => entry.accessRole === 'writer')!;

/** Ids of the live events of a calendar (series, single events and edited occurrences). */
function liveEventIds(calendarId: string): string[] {
	return CalendarAccountState.of(emu.state.getAccount(owner)!)
		.events(calendarId)
		.filter((entry) => !entry.deleted && entry.resource.status !== 'cancelled')
		.map((entry) => entry.resource.id)
		.sort();
}

/** A cursor as a store gives it back: JSON, no shared references. */
const saved = (cursor: GoogleCalendarCursor) =>
	JSON.parse(JSON.stringify(cursor)) as GoogleCalendarCursor;

function asPage(read: ChangeRead<GoogleCalendarCursor, GoogleCalendarItem>) {
	expect(read.outcome).toBe('changes');
	return read as ChangePage<GoogleCalendarCursor, GoogleCalendarItem>;
}

/** Reads pages until caught up, each from the JSON of the cursor before it. */
async function readAll(cursor: GoogleCalendarCursor, pageSize = 5) {
	const source = googleCalendarChangeSource(calendar, cursor.calendarId, { pageSize });
	const pages: Array<ChangePage<GoogleCalendarCursor, GoogleCalendarItem>> = [];
	for (;;) {
		const given = saved(cursor);
		const page = asPage(await source.read(given));
		expect(given).toEqual(saved(cursor)); // the given cursor is left alone
		pages.push(page);
		cursor = page.cursor;
		if (!page.hasMore) return { pages, cursor };
	}
}

const ids = (pages: Array<{ items: GoogleCalendarItem[] }>) =>
	pages.flatMap((page) => page.items.map((item) => item.record.providerEventId));

describe('Google Calendar change source', () => {
	it('lists a calendar one page per read, the page token in the cursor, then follows its changes from the sync token', async () => {
		const calendarId = team().id;
		insertCalendarEvents(emu, owner, calendarId, 12);
		const expected = liveEventIds(calendarId);
		const source = googleCalendarChangeSource(calendar, calendarId, { pageSize: 5 });
		const start = await source.start({});
		expect(start).toEqual({
			calendarId,
			timeZone: team().timeZone,
			syncToken: null,
			listing: 'initial',
			pageToken: null,
			since: null,
		});

		emu.control.resetCalls();
		const { pages, cursor } = await readAll(start);
		expect(emu.control.calls().byOperation['calendar.events.list']).toBe(pages.length);
		expect(pages.length).toBe(Math.ceil(expected.length / 5));
		for (const page of pages.slice(0, -1)) {
			expect(page.items).toHaveLength(5);
			expect(page.listing).toEqual({ reason: 'initial', complete: false });
			expect(page.cursor.pageToken).toEqual(expect.any(String));
			expect(page.cursor.syncToken).toBeNull();
		}
		expect(pages.at(-1)!.listing).toEqual({ reason: 'initial', complete: true });
		expect(ids(pages).sort()).toEqual(expected);
		expect(pages.flatMap((page) => page.deleted)).toEqual([]);
		const item = pages[0].items[0];
		expect(item.version).toMatch(/^"/);
		expect(item.record).toMatchObject({ provider: 'google', providerCalendarId: calendarId });
		expect(cursor).toMatchObject({ listing: null, pageToken: null, syncToken: expect.any(String) });

		// Caught up: nothing until something changes, then the change and the tombstone.
		const idle = await readAll(cursor);
		expect(idle.pages).toHaveLength(1);
		expect(idle.pages[0].items).toEqual([]);
		expect(idle.pages[0].listing).toBeUndefined();
		const [changed, cancelled] = expected.filter((id) => !id.includes('_'));
		changeCalendarEvent(emu.state, owner, calendarId, changed, (event) => {
			event.summary = 'Changed at the source';
		});
		cancelCalendarEvent(emu.state, owner, calendarId, cancelled);
		const after = await readAll(idle.cursor);
		expect(after.pages[0].items.map((entry) => entry.record)).toEqual([
			expect.objectContaining({ providerEventId: changed, title: 'Changed at the source' }),
			expect.objectContaining({ providerEventId: cancelled, status: 'cancelled' }),
		]);
		expect(after.cursor.syncToken).not.toBe(idle.cursor.syncToken);
	});

	it('resumes an interrupted listing from its saved cursor with a new source, nothing twice', async () => {
		const calendarId = team().id;
		const first = googleCalendarChangeSource(calendar, calendarId, { pageSize: 4 });
		let cursor = await first.start({});
		const read: string[] = [];
		for (let page = 0; page < 2; page++) {
			const result = asPage(await first.read(saved(cursor)));
			read.push(...ids([result]));
			cursor = result.cursor;
		}
		// As after a restart: a new source, the cursor from the store.
		const rest = await readAll(saved(cursor), 4);
		expect([...read, ...ids(rest.pages)].sort()).toEqual(liveEventIds(calendarId));
		expect(rest.cursor.syncToken).toEqual(expect.any(String));
	});

	it("resolves the alias primary to the account's calendar id and time zone", async () => {
		const cursor = await googleCalendarChangeSource(calendar, 'primary').start({});
		const primary = emu.state
			.getAccount(owner)!
			.calendars.calendars.find((entry) => entry.primary)!;
		expect(cursor).toMatchObject({ calendarId: owner, timeZone: primary.timeZone });
	});

	it('answers an expired sync token with cursor_expired, whose cursor relists the calendar as a resync', async () => {
		const calendarId = team().id;
		const source = googleCalendarChangeSource(calendar, calendarId, { pageSize: 5 });
		const { cursor } = await readAll(await source.start({}));
		emu.control.expireCursors(owner, 'calendar');

		const expired = await source.read(saved(cursor));
		expect(expired).toEqual({
			outcome: 'cursor_expired',
			cursor: { ...cursor, syncToken: null, listing: 'resync', pageToken: null },
		});
		const resync = await readAll(saved(expired.cursor));
		for (const page of resync.pages) {
			expect(page.listing).toEqual({ reason: 'resync', complete: !page.hasMore });
		}
		expect(ids(resync.pages).sort()).toEqual(liveEventIds(calendarId));
		const caughtUp = await readAll(resync.cursor);
		expect(caughtUp.pages[0].items).toEqual([]);
	});

	it('lists only the events ending after the horizon when started with one', async () => {
		const calendarId = team().id;
		const burst = insertCalendarEvents(emu, owner, calendarId, 6, Date.UTC(2031, 0, 6, 9));
		const since = new Date(Date.UTC(2031, 0, 6, 11, 30)); // the third event ends at 12:00
		const cursor = await googleCalendarChangeSource(calendar, calendarId).start({ since });
		expect(cursor.since).toBe('2031-01-06T11:30:00.000Z');
		const { pages } = await readAll(cursor, 2500);
		expect(ids(pages).filter((id) => burst.includes(id))).toEqual(burst.slice(2));
		expect(ids(pages)).not.toContain(burst[1]);
	});

	it('fails with 404 for a calendar that does not exist', async () => {
		const source = googleCalendarChangeSource(calendar, 'nobody@example.com');
		await expect(source.start({})).rejects.toMatchObject({ status: 404 });
		await expect(
			source.read({
				calendarId: 'nobody@example.com',
				timeZone: null,
				syncToken: 'CPunknown',
				listing: null,
				pageToken: null,
				since: null,
			}),
		).rejects.toBeInstanceOf(ProviderHttpError);
	});
});
