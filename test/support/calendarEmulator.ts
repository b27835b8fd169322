// Calendar helpers for workflow tests: events put straight into the emulator's calendar store (a
// burst arriving from elsewhere, without thousands of HTTP calls) and a log of the requests the
// emulator received (query parameters such as sendUpdates or conferenceDataVersion).
import type { Emulator } from '../emulator';
import { CalendarAccountState, etagFor, htmlLinkFor } from '../emulator/google/calendarStore';

/** `count` one-hour events in `calendarId`, as if created elsewhere; returns their ids in order. */
export function insertCalendarEvents(
	emu: Emulator,
	email: string,
	calendarId: string,
	count: number,
	firstStart = Date.UTC(2027, 0, 4, 9),
): string[] {
	const account = emu.state.getAccount(email);
	if (!account) throw new Error(`no account ${email}`);
	const store = CalendarAccountState.of(account);
	const calendar = store.calendar(calendarId);
	if (!calendar) throw new Error(`no calendar ${calendarId}`);
	const ids: string[] = [];
	for (let index = 0; index < count; index++) {
		const id = store.newEventId();
		const now = new Date(emu.state.now()).toISOString();
		const start = firstStart + index * 3_600_000;
		store.put(calendar.id, {
			kind: 'calendar#event',
			etag: etagFor(now, store.seq + 1),
			id,
			status: 'confirmed',
			htmlLink: htmlLinkFor(id, calendar.id),
			created: now,
			updated: now,
			summary: `Imported meeting ${index + 1}`,
			creator: { email },
			organizer: { email, self: true },
			start: { dateTime: new Date(start).toISOString().replace('.000Z', 'Z'), timeZone: 'UTC' },
			end: {
				dateTime: new Date(start + 3_600_000).toISOString().replace('.000Z', 'Z'),
				timeZone: 'UTC',
			},
			iCalUID: `${id}@google.com`,
			sequence: 0,
			reminders: { useDefault: true },
			eventType: 'default',
		});
		ids.push(id);
	}
	return ids;
}

export interface LoggedRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	body: string;
}

/** Records every request the emulator dispatches from now on; `stop()` ends the recording. */
export function recordRequests(emu: Emulator): { requests: LoggedRequest[]; stop(): void } {
	const requests: LoggedRequest[] = [];
	const original = emu.router.dispatch;
	emu.router.dispatch = async function (this: typeof emu.router, input) {
		const url = new URL(input.url, 'http://emulator.invalid');
		requests.push({
			method: input.method.toUpperCase(),
			path: url.pathname,
			query: url.searchParams,
			body: input.body.toString('utf8'),
		});
		return await original.call(this, input);
	};
	return {
		requests,
		stop: () => {
			emu.router.dispatch = original;
		},
	};
}
