// Calendar API v3 routes (https://developers.google.com/calendar/api/v3/reference): calendarList,
// calendars.get, events list/get/insert/patch/update/delete/instances, with singleEvents expansion,
// sync tokens (410 fullSyncRequired once expired) and tombstones for cancelled events. Plus control
// helpers that change events "from the outside" (an attendee answering, an organizer moving it).

import { createHash } from 'node:crypto';

import { googleError, type EmulatorRequest, type EmulatorResponse } from '../core/http';
import type { Router } from '../core/router';
import type { Account, EmulatorState } from '../core/state';
import type { GeneratedCalendar } from '../generator';
import { expandOccurrences, formatInZone, timeMs, type EventTime } from './calendarRecurrence';
import {
	CalendarAccountState,
	etagFor,
	htmlLinkFor,
	type Attendee,
	type EventResource,
} from './calendarStore';
import { decodeToken, encodeToken } from './gmailEncoding';

const AUTH = 'https://www.googleapis.com/auth/';
export const CALENDAR_SCOPES = {
	calendarListRead: [
		AUTH + 'calendar',
		AUTH + 'calendar.readonly',
		AUTH + 'calendar.calendarlist',
		AUTH + 'calendar.calendarlist.readonly',
	],
	calendarRead: [
		AUTH + 'calendar',
		AUTH + 'calendar.readonly',
		AUTH + 'calendar.calendars',
		AUTH + 'calendar.calendars.readonly',
	],
	eventsRead: [
		AUTH + 'calendar',
		AUTH + 'calendar.readonly',
		AUTH + 'calendar.events',
		AUTH + 'calendar.events.readonly',
		AUTH + 'calendar.events.owned',
		AUTH + 'calendar.events.owned.readonly',
	],
	eventsWrite: [AUTH + 'calendar', AUTH + 'calendar.events', AUTH + 'calendar.events.owned'],
};

const TWO_YEARS_MS = 2 * 366 * 86400000;

function invalid(message: string, reason = 'invalid'): never {
	throw googleError(400, message, reason);
}

function notFound(): never {
	throw googleError(404, 'Not Found', 'notFound');
}

function calendarOf(cs: CalendarAccountState, id: string): GeneratedCalendar {
	return cs.calendar(id) ?? notFound();
}

function isoNow(state: EmulatorState): string {
	return new Date(state.now()).toISOString();
}

type Entry = { resource: EventResource; changeSeq: number; deleted: boolean };

function tombstone(r: EventResource): EventResource {
	const t: EventResource = { kind: 'calendar#event', etag: r.etag, id: r.id, status: 'cancelled' };
	if (r.recurringEventId) t.recurringEventId = r.recurringEventId;
	if (r.originalStartTime) t.originalStartTime = { ...r.originalStartTime };
	return t;
}

function render(e: Entry): EventResource {
	return e.deleted ? tombstone(e.resource) : structuredClone(e.resource);
}

function startKey(t: EventTime | undefined, tz: string): string {
	if (!t) return '';
	return t.date ? `d${t.date}` : String(timeMs(t, tz));
}

function instanceOf(
	master: EventResource,
	occ: ReturnType<typeof expandOccurrences>[number],
): EventResource {
	const copy = structuredClone(master);
	delete copy.recurrence;
	return {
		...copy,
		id: `${master.id}_${occ.idSuffix}`,
		start: occ.start,
		end: occ.end,
		recurringEventId: master.id,
		originalStartTime: occ.originalStartTime,
	};
}

interface ListOptions {
	singleEvents: boolean;
	showDeleted: boolean;
	timeMin?: number;
	timeMax?: number;
	q?: string;
	updatedMin?: number;
	iCalUID?: string;
	incremental: boolean;
}

function matchesText(r: EventResource, q: string): boolean {
	const hay = [
		r.summary,
		r.description,
		r.location,
		...(r.attendees ?? []).flatMap((a) => [a.email, a.displayName]),
		r.organizer?.email,
	]
		.filter(Boolean)
		.join(' ')
		.toLowerCase();
	return q
		.toLowerCase()
		.split(/\s+/)
		.filter(Boolean)
		.every((w) => hay.includes(w));
}

/** Builds the full, filtered, expanded item list for one listing (calendars are small). */
function listEntries(entries: Entry[], tz: string, o: ListOptions): Entry[] {
	const exceptions = new Map<string, Entry>();
	for (const e of entries) {
		if (e.resource.recurringEventId && e.resource.originalStartTime) {
			exceptions.set(
				`${e.resource.recurringEventId}|${startKey(e.resource.originalStartTime, tz)}`,
				e,
			);
		}
	}
	const showCancelled = o.showDeleted || o.incremental || o.updatedMin !== undefined;
	const inWindow = (r: EventResource): boolean => {
		if (o.timeMin === undefined && o.timeMax === undefined) return true;
		if (r.recurrence && !o.singleEvents) {
			return (
				expandOccurrences(
					r as { start: EventTime; end: EventTime },
					tz,
					o.timeMin ?? -Infinity,
					o.timeMax ?? Infinity,
					1,
				).length > 0
			);
		}
		const start = timeMs(r.start, tz);
		const end = timeMs(r.end, tz);
		return (
			(o.timeMax === undefined || start < o.timeMax) && (o.timeMin === undefined || end > o.timeMin)
		);
	};
	const out: Entry[] = [];
	const consider = (e: Entry) => {
		const r = e.resource;
		const cancelled = e.deleted || r.status === 'cancelled';
		if (cancelled && !showCancelled) return;
		if (o.updatedMin !== undefined && Date.parse(r.updated ?? '') < o.updatedMin) return;
		if (o.iCalUID && r.iCalUID !== o.iCalUID) return;
		if (!cancelled && !inWindow(r)) return;
		if (o.q && !matchesText(r, o.q)) return;
		out.push(e);
	};
	for (const e of entries) {
		const r = e.resource;
		if (o.singleEvents && r.recurrence && !r.recurringEventId) {
			if (e.deleted || r.status === 'cancelled') {
				consider(e);
				continue;
			}
			const from = o.timeMin ?? -Infinity;
			const until = o.timeMax ?? timeMs(r.start, tz) + TWO_YEARS_MS;
			for (const occ of expandOccurrences(
				r as { start: EventTime; end: EventTime },
				tz,
				from,
				until,
			)) {
				const key = `${r.id}|${occ.start.date ? `d${occ.start.date}` : String(occ.startMs)}`;
				if (exceptions.has(key)) continue; // the exception is listed in its place
				consider({ resource: instanceOf(r, occ), changeSeq: e.changeSeq, deleted: false });
			}
			continue;
		}
		consider(e);
	}
	return out;
}

function parseTime(text: string | null, name: string): number | undefined {
	if (text === null || text === '') return undefined;
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) {
		invalid(
			`Bad Request: ${name} must be an RFC3339 timestamp with a time zone offset`,
			'badRequest',
		);
	}
	return Date.parse(text);
}

function parseMax(req: EmulatorRequest, fallback: number, max: number): number {
	const text = req.query.get('maxResults');
	if (!text) return fallback;
	const n = Number(text);
	if (!Number.isInteger(n) || n < 1) invalid(`Invalid value for maxResults: ${text}`);
	return Math.min(n, max);
}

function meetCode(seed: string): string {
	const digest = createHash('sha1').update(seed).digest();
	const letters = [...digest.subarray(0, 10)]
		.map((b) => String.fromCharCode(97 + (b % 26)))
		.join('');
	return `${letters.slice(0, 3)}-${letters.slice(3, 7)}-${letters.slice(7, 10)}`;
}

function meetConference(requestId: string, seed: string) {
	const code = meetCode(seed);
	return {
		hangoutLink: `https://meet.google.com/${code}`,
		conferenceData: {
			createRequest: {
				requestId,
				conferenceSolutionKey: { type: 'hangoutsMeet' },
				status: { statusCode: 'success' },
			},
			entryPoints: [
				{
					entryPointType: 'video',
					uri: `https://meet.google.com/${code}`,
					label: `meet.google.com/${code}`,
				},
			],
			conferenceSolution: {
				key: { type: 'hangoutsMeet' },
				name: 'Google Meet',
				iconUri:
					'https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png',
			},
			conferenceId: code,
		},
	};
}

function checkTime(t: unknown, which: 'start' | 'end', recurring: boolean): EventTime {
	const time = t as EventTime | undefined;
	if (!time || (!time.dateTime && !time.date)) {
		invalid(which === 'start' ? 'Missing start time.' : 'Missing end time.', 'required');
	}
	if (time.dateTime) {
		if (Number.isNaN(Date.parse(time.dateTime))) invalid(`Invalid ${which} time.`);
		const hasOffset = /(Z|[+-]\d{2}:\d{2})$/i.test(time.dateTime);
		if ((!hasOffset || recurring) && !time.timeZone) {
			invalid(`Missing time zone definition for ${which} time.`, 'required');
		}
		// A floating local time is wall time in timeZone; the API answers with the offset filled in.
		const dateTime = hasOffset
			? time.dateTime
			: formatInZone(timeMs(time, time.timeZone!), time.timeZone!);
		return time.timeZone ? { dateTime, timeZone: time.timeZone } : { dateTime };
	}
	if (!/^\d{4}-\d{2}-\d{2}$/.test(time.date!)) invalid(`Invalid ${which} time.`);
	return { date: time.date };
}

const WRITABLE = [
	'summary',
	'description',
	'location',
	'colorId',
	'start',
	'end',
	'recurrence',
	'attendees',
	'transparency',
	'visibility',
	'reminders',
	'conferenceData',
	'guestsCanModify',
	'guestsCanInviteOthers',
	'guestsCanSeeOtherGuests',
	'extendedProperties',
	'source',
	'status',
] as const;

/** Applies client fields to an event (patch merges, update replaces), validating times. */
function applyWrite(
	cs: CalendarAccountState,
	calendar: GeneratedCalendar,
	base: EventResource,
	input: Record<string, unknown>,
	replace: boolean,
	conferenceDataVersion: number,
	now: string,
): EventResource {
	const next: EventResource = structuredClone(base);
	if (replace) for (const k of WRITABLE) delete next[k];
	for (const k of WRITABLE) {
		if (k in input && input[k] !== undefined)
			(next as Record<string, unknown>)[k] = structuredClone(input[k]);
	}
	const recurring = Array.isArray(next.recurrence) && next.recurrence.length > 0;
	next.start = checkTime(next.start, 'start', recurring);
	next.end = checkTime(next.end, 'end', recurring);
	if (timeMs(next.end, calendar.timeZone) < timeMs(next.start, calendar.timeZone)) {
		invalid('The specified time range is empty.', 'timeRangeEmpty');
	}
	if (next.attendees) {
		next.attendees = (next.attendees as Partial<Attendee>[]).map((a) => {
			if (!a.email) invalid('Missing attendee email.', 'required');
			const self = a.email.toLowerCase() === cs.owner ? true : undefined;
			const organizer = self && next.organizer?.email === cs.owner ? true : undefined;
			return Object.fromEntries(
				Object.entries({
					...a,
					email: a.email,
					organizer,
					self,
					responseStatus: a.responseStatus ?? (organizer ? 'accepted' : 'needsAction'),
				}).filter(([, v]) => v !== undefined),
			) as unknown as Attendee;
		});
	}
	const timeChanged =
		JSON.stringify([base.start, base.end, base.recurrence]) !==
		JSON.stringify([next.start, next.end, next.recurrence]);
	if (timeChanged && base.start) next.sequence = (base.sequence ?? 0) + 1;
	// conferenceData is only written when the client opts in with conferenceDataVersion=1.
	if (conferenceDataVersion < 1) {
		if (base.conferenceData) next.conferenceData = base.conferenceData;
		else delete next.conferenceData;
	} else {
		const create = (input.conferenceData as { createRequest?: { requestId?: string } } | undefined)
			?.createRequest;
		if (create) {
			if (!create.requestId) invalid('Invalid conference create request: missing requestId.');
			Object.assign(next, meetConference(create.requestId, `${next.id}:${create.requestId}`));
		}
	}
	next.updated = now;
	next.etag = etagFor(now, cs.seq + 1);
	if (next.status !== 'tentative' && next.status !== 'cancelled') next.status = 'confirmed';
	return Object.fromEntries(
		Object.entries(next).filter(([, v]) => v !== undefined && v !== null),
	) as EventResource;
}

function eventsListResponse(
	calendar: GeneratedCalendar,
	items: EventResource[],
	now: string,
	extra: Record<string, string | undefined>,
) {
	const body: Record<string, unknown> = {
		kind: 'calendar#events',
		etag: etagFor(now, 0),
		summary: calendar.summary,
		updated: now,
		timeZone: calendar.timeZone,
		accessRole: calendar.accessRole,
		defaultReminders: calendar.accessRole === 'owner' ? [{ method: 'popup', minutes: 10 }] : [],
	};
	for (const [k, v] of Object.entries(extra)) if (v !== undefined) body[k] = v;
	body.items = items;
	return body;
}

interface PageToken {
	o: number; // offset into the listing
	s: number; // change sequence when the listing began (becomes the next sync token)
	k: string; // query the token belongs to
	i?: number; // incremental base sequence
}

// ---- control helpers ---------------------------------------------------------------------------

function stateFor(state: EmulatorState, email: string): CalendarAccountState {
	const account = state.getAccount(email);
	if (!account) throw new Error(`no account ${email}`);
	return CalendarAccountState.of(account);
}

/** Changes an event as if someone else did (organizer, another client): new sequence + updated. */
export function changeCalendarEvent(
	state: EmulatorState,
	email: string,
	calendarId: string,
	eventId: string,
	change: (event: EventResource) => void,
): EventResource {
	const cs = stateFor(state, email);
	const calendar = calendarOf(cs, calendarId);
	const found = cs.find(calendar.id, eventId);
	if (!found) throw new Error(`no event ${eventId} in ${calendarId}`);
	const next = structuredClone(found.resource);
	change(next);
	next.updated = isoNow(state);
	next.etag = etagFor(next.updated, cs.seq + 1);
	cs.put(calendar.id, next, next.status === 'cancelled');
	return structuredClone(next);
}

/** An attendee answers an invitation (accepted, declined, tentative, needsAction). */
export function setCalendarAttendeeResponse(
	state: EmulatorState,
	email: string,
	calendarId: string,
	eventId: string,
	attendeeEmail: string,
	responseStatus: Attendee['responseStatus'],
): EventResource {
	return changeCalendarEvent(state, email, calendarId, eventId, (e) => {
		const attendees = (e.attendees ??= []);
		const a = attendees.find((x) => x.email.toLowerCase() === attendeeEmail.toLowerCase());
		if (a) a.responseStatus = responseStatus;
		else attendees.push({ email: attendeeEmail, responseStatus });
	});
}

/** The organizer moves an event to a new start/end. */
export function moveCalendarEvent(
	state: EmulatorState,
	email: string,
	calendarId: string,
	eventId: string,
	start: EventTime,
	end: EventTime,
): EventResource {
	return changeCalendarEvent(state, email, calendarId, eventId, (e) => {
		e.start = { ...start };
		e.end = { ...end };
		e.sequence = (e.sequence ?? 0) + 1;
	});
}

/** The organizer cancels an event: it becomes a tombstone in incremental results. */
export function cancelCalendarEvent(
	state: EmulatorState,
	email: string,
	calendarId: string,
	eventId: string,
): void {
	changeCalendarEvent(state, email, calendarId, eventId, (e) => {
		e.status = 'cancelled';
	});
}

// ---- routes ------------------------------------------------------------------------------------

export function registerCalendar(router: Router, state: EmulatorState): void {
	// Control (standalone emulator): POST /_emulator/calendar/change
	// {email, calendarId, eventId, attendee?: {email, responseStatus}, start?, end?, cancel?: true}.
	router.add(
		'POST',
		'/_emulator/calendar/change',
		{ name: 'control.calendarChange', surface: 'control' },
		(req) => {
			const b = req.json<{
				email: string;
				calendarId?: string;
				eventId: string;
				attendee?: { email: string; responseStatus: Attendee['responseStatus'] };
				start?: EventTime;
				end?: EventTime;
				cancel?: boolean;
			}>();
			try {
				const calendarId = b.calendarId ?? 'primary';
				let event: EventResource | undefined;
				if (b.attendee) {
					event = setCalendarAttendeeResponse(
						state,
						b.email,
						calendarId,
						b.eventId,
						b.attendee.email,
						b.attendee.responseStatus,
					);
				}
				if (b.start && b.end)
					event = moveCalendarEvent(state, b.email, calendarId, b.eventId, b.start, b.end);
				if (b.cancel) cancelCalendarEvent(state, b.email, calendarId, b.eventId);
				return { status: 200, body: { event: event ?? null } };
			} catch (e) {
				return { status: 400, body: { error: (e as Error).message } };
			}
		},
	);

	const route = (
		method: string,
		path: string,
		name: string,
		scopes: string[],
		handler: (
			req: EmulatorRequest,
			cs: CalendarAccountState,
		) => EmulatorResponse | Promise<EmulatorResponse>,
	) => {
		router.add(
			method,
			path,
			{
				name: `calendar.${name}`,
				surface: 'calendar',
				auth: { provider: 'google', anyOfScopes: scopes },
			},
			(req) => handler(req, CalendarAccountState.of(req.account as Account)),
		);
	};
	const ok = (body: unknown): EmulatorResponse => ({ status: 200, body });

	const listEntry = (c: GeneratedCalendar) => {
		const out: Record<string, unknown> = {
			kind: 'calendar#calendarListEntry',
			etag: `"${createHash('sha1').update(c.id).digest().readUInt32BE(0)}"`,
			id: c.id,
			summary: c.summary,
			timeZone: c.timeZone,
			colorId: '14',
			backgroundColor: c.backgroundColor ?? '#9fe1e7',
			foregroundColor: '#000000',
			selected: true,
			accessRole: c.accessRole,
			defaultReminders: c.accessRole === 'owner' ? [{ method: 'popup', minutes: 10 }] : [],
			conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
		};
		if (c.primary) out.primary = true;
		return out;
	};

	route(
		'GET',
		'/calendar/v3/users/me/calendarList',
		'calendarList.list',
		CALENDAR_SCOPES.calendarListRead,
		(req, cs) => {
			const syncToken = req.query.get('syncToken');
			let calendars = cs.calendars();
			if (syncToken) {
				const t = cs.readSyncToken(syncToken, '');
				if (t === 'expired')
					throw googleError(
						410,
						'Sync token is no longer valid, a full sync is required.',
						'fullSyncRequired',
						{ statusText: 'GONE' },
					);
				if (!t) invalid('Invalid sync token value.');
				// The calendar list itself never changes in the emulator: nothing new since the token.
				calendars = [];
			}
			const minRole = req.query.get('minAccessRole');
			const rank = { freeBusyReader: 0, reader: 1, writer: 2, owner: 3 } as Record<string, number>;
			if (minRole) calendars = calendars.filter((c) => rank[c.accessRole] >= (rank[minRole] ?? 0));
			const max = parseMax(req, 100, 250);
			const offset = Number(decodeToken<{ o: number }>(req.query.get('pageToken') ?? '')?.o ?? 0);
			const page = calendars.slice(offset, offset + max);
			const body: Record<string, unknown> = { kind: 'calendar#calendarList', etag: `"${cs.seq}"` };
			if (offset + max < calendars.length) body.nextPageToken = encodeToken({ o: offset + max });
			else body.nextSyncToken = cs.syncToken('', 0);
			body.items = page.map(listEntry);
			return ok(body);
		},
	);
	route(
		'GET',
		'/calendar/v3/users/me/calendarList/:calendarId',
		'calendarList.get',
		CALENDAR_SCOPES.calendarListRead,
		(req, cs) => ok(listEntry(calendarOf(cs, req.params.calendarId))),
	);
	route(
		'GET',
		'/calendar/v3/calendars/:calendarId',
		'calendars.get',
		CALENDAR_SCOPES.calendarRead,
		(req, cs) => {
			const c = calendarOf(cs, req.params.calendarId);
			return ok({
				kind: 'calendar#calendar',
				etag: listEntry(c).etag,
				id: c.id,
				summary: c.summary,
				timeZone: c.timeZone,
				conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
			});
		},
	);

	route(
		'GET',
		'/calendar/v3/calendars/:calendarId/events',
		'events.list',
		CALENDAR_SCOPES.eventsRead,
		(req, cs) => {
			const calendar = calendarOf(cs, req.params.calendarId);
			const q = req.query;
			const singleEvents = q.get('singleEvents') === 'true';
			const orderBy = q.get('orderBy') ?? undefined;
			if (orderBy && orderBy !== 'startTime' && orderBy !== 'updated')
				invalid(`Invalid value for orderBy: ${orderBy}`);
			if (orderBy === 'startTime' && !singleEvents) {
				invalid('The requested ordering is not available for the particular query.', 'badRequest');
			}
			const syncTokenText = q.get('syncToken');
			const pageTokenText = q.get('pageToken');
			const key = JSON.stringify([
				q.get('singleEvents'),
				orderBy,
				q.get('timeMin'),
				q.get('timeMax'),
				q.get('q'),
				q.get('showDeleted'),
				q.get('updatedMin'),
				q.get('iCalUID'),
				syncTokenText,
			]);
			let pageToken: PageToken | undefined;
			if (pageTokenText) {
				pageToken = decodeToken<PageToken>(pageTokenText);
				if (!pageToken || typeof pageToken.o !== 'number' || pageToken.k !== key)
					invalid('Invalid page token value.');
			}
			let incrementalFrom: number | undefined;
			if (syncTokenText) {
				for (const p of [
					'timeMin',
					'timeMax',
					'orderBy',
					'q',
					'updatedMin',
					'iCalUID',
					'privateExtendedProperty',
					'sharedExtendedProperty',
				]) {
					if (q.get(p) !== null)
						invalid(`The sync token cannot be used with the '${p}' parameter.`);
				}
				const t = cs.readSyncToken(syncTokenText, calendar.id);
				if (t === 'expired') {
					throw googleError(
						410,
						'Sync token is no longer valid, a full sync is required.',
						'fullSyncRequired',
						{ statusText: 'GONE' },
					);
				}
				if (!t) invalid('Invalid sync token value.');
				incrementalFrom = t.s;
			}
			const snapshot = pageToken?.s ?? cs.seq;
			const options: ListOptions = {
				singleEvents,
				showDeleted: q.get('showDeleted') === 'true',
				timeMin: parseTime(q.get('timeMin'), 'timeMin'),
				timeMax: parseTime(q.get('timeMax'), 'timeMax'),
				q: q.get('q') ?? undefined,
				updatedMin: parseTime(q.get('updatedMin'), 'updatedMin'),
				iCalUID: q.get('iCalUID') ?? undefined,
				incremental: incrementalFrom !== undefined,
			};
			const source =
				incrementalFrom !== undefined
					? cs.changedSince(calendar.id, incrementalFrom).filter((e) => e.changeSeq <= snapshot)
					: cs.events(calendar.id);
			let entries = listEntries(source, calendar.timeZone, options);
			if (incrementalFrom === undefined) {
				const tz = calendar.timeZone;
				entries = entries.sort((a, b) =>
					orderBy === 'updated'
						? Date.parse(a.resource.updated ?? '') - Date.parse(b.resource.updated ?? '') ||
							(a.resource.id < b.resource.id ? -1 : 1)
						: timeMs(a.resource.start, tz) - timeMs(b.resource.start, tz) ||
							(a.resource.id < b.resource.id ? -1 : 1),
				);
			}
			const max = parseMax(req, 250, 2500);
			const offset = pageToken?.o ?? 0;
			const page = entries.slice(offset, offset + max);
			const more = offset + max < entries.length;
			const now = isoNow(state);
			return ok(
				eventsListResponse(calendar, page.map(render), now, {
					nextPageToken: more
						? encodeToken({ o: offset + max, s: snapshot, k: key } satisfies PageToken)
						: undefined,
					nextSyncToken: more ? undefined : cs.syncToken(calendar.id, snapshot),
				}),
			);
		},
	);

	route(
		'GET',
		'/calendar/v3/calendars/:calendarId/events/:eventId/instances',
		'events.instances',
		CALENDAR_SCOPES.eventsRead,
		(req, cs) => {
			const calendar = calendarOf(cs, req.params.calendarId);
			const master = cs.find(calendar.id, req.params.eventId) ?? notFound();
			if (!master.resource.recurrence) {
				return ok(eventsListResponse(calendar, [render(master)], isoNow(state), {}));
			}
			const related = cs
				.events(calendar.id)
				.filter(
					(e) =>
						e.resource.id === master.resource.id ||
						e.resource.recurringEventId === master.resource.id,
				);
			const entries = listEntries(related, calendar.timeZone, {
				singleEvents: true,
				showDeleted: req.query.get('showDeleted') === 'true',
				timeMin: parseTime(req.query.get('timeMin'), 'timeMin'),
				timeMax: parseTime(req.query.get('timeMax'), 'timeMax'),
				incremental: false,
			}).sort(
				(a, b) =>
					timeMs(a.resource.start, calendar.timeZone) - timeMs(b.resource.start, calendar.timeZone),
			);
			const max = parseMax(req, 250, 2500);
			const offset = Number(decodeToken<{ o: number }>(req.query.get('pageToken') ?? '')?.o ?? 0);
			return ok(
				eventsListResponse(
					calendar,
					entries.slice(offset, offset + max).map(render),
					isoNow(state),
					{
						nextPageToken:
							offset + max < entries.length ? encodeToken({ o: offset + max }) : undefined,
					},
				),
			);
		},
	);

	/** Finds an event, including a virtual instance of a recurring series ('<master>_<suffix>'). */
	const findEvent = (
		cs: CalendarAccountState,
		calendar: GeneratedCalendar,
		eventId: string,
	): Entry | undefined => {
		const found = cs.find(calendar.id, eventId);
		if (found) return found;
		const m = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(eventId);
		if (!m) return undefined;
		const master = cs.find(calendar.id, m[1]);
		if (!master || !master.resource.recurrence) return undefined;
		const instance = listEntries([master], calendar.timeZone, {
			singleEvents: true,
			showDeleted: false,
			incremental: false,
		}).find((e) => e.resource.id === eventId);
		return instance;
	};

	route(
		'GET',
		'/calendar/v3/calendars/:calendarId/events/:eventId',
		'events.get',
		CALENDAR_SCOPES.eventsRead,
		(req, cs) => {
			const calendar = calendarOf(cs, req.params.calendarId);
			const e = findEvent(cs, calendar, req.params.eventId) ?? notFound();
			// A deleted event is still returned, with status cancelled.
			return ok(e.deleted ? { ...structuredClone(e.resource), status: 'cancelled' } : render(e));
		},
	);

	route(
		'POST',
		'/calendar/v3/calendars/:calendarId/events',
		'events.insert',
		CALENDAR_SCOPES.eventsWrite,
		(req, cs) => {
			const calendar = calendarOf(cs, req.params.calendarId);
			if (calendar.accessRole === 'reader')
				throw googleError(
					403,
					'You need to have writer access to this calendar.',
					'requiredAccessLevel',
				);
			const input = req.json<Record<string, unknown>>();
			let id = typeof input.id === 'string' ? input.id : undefined;
			if (id !== undefined) {
				if (!/^[a-v0-9]{5,1024}$/.test(id)) invalid('Invalid resource id value.', 'invalid');
				if (cs.find(calendar.id, id))
					throw googleError(409, 'The requested identifier already exists.', 'duplicate');
			} else {
				id = cs.newEventId();
			}
			const now = isoNow(state);
			const organizer = { email: cs.owner, self: true };
			const base: EventResource = {
				kind: 'calendar#event',
				etag: '',
				id,
				status: 'confirmed',
				htmlLink: htmlLinkFor(id, calendar.id),
				created: now,
				updated: now,
				creator: { ...organizer },
				organizer: calendar.primary
					? { ...organizer }
					: { email: calendar.id, displayName: calendar.summary, self: true },
				iCalUID: typeof input.iCalUID === 'string' ? input.iCalUID : `${id}@google.com`,
				sequence: 0,
				reminders: { useDefault: true },
				eventType: 'default',
			};
			const resource = applyWrite(
				cs,
				calendar,
				base,
				input,
				false,
				Number(req.query.get('conferenceDataVersion') ?? 0),
				now,
			);
			cs.put(calendar.id, resource);
			return ok(resource);
		},
	);

	const writeExisting = (replace: boolean) => (req: EmulatorRequest, cs: CalendarAccountState) => {
		const calendar = calendarOf(cs, req.params.calendarId);
		const existing = findEvent(cs, calendar, req.params.eventId) ?? notFound();
		if (existing.deleted && !replace)
			throw googleError(410, 'Resource has been deleted', 'deleted');
		const input = req.json<Record<string, unknown>>();
		const now = isoNow(state);
		const resource = applyWrite(
			cs,
			calendar,
			existing.resource,
			input,
			replace,
			Number(req.query.get('conferenceDataVersion') ?? 0),
			now,
		);
		cs.put(calendar.id, resource, resource.status === 'cancelled');
		return ok(resource);
	};
	route(
		'PATCH',
		'/calendar/v3/calendars/:calendarId/events/:eventId',
		'events.patch',
		CALENDAR_SCOPES.eventsWrite,
		writeExisting(false),
	);
	route(
		'PUT',
		'/calendar/v3/calendars/:calendarId/events/:eventId',
		'events.update',
		CALENDAR_SCOPES.eventsWrite,
		writeExisting(true),
	);

	route(
		'DELETE',
		'/calendar/v3/calendars/:calendarId/events/:eventId',
		'events.delete',
		CALENDAR_SCOPES.eventsWrite,
		(req, cs) => {
			const calendar = calendarOf(cs, req.params.calendarId);
			const existing = findEvent(cs, calendar, req.params.eventId) ?? notFound();
			if (existing.deleted || existing.resource.status === 'cancelled') {
				throw googleError(410, 'Resource has been deleted', 'deleted');
			}
			const now = isoNow(state);
			const resource: EventResource = {
				...structuredClone(existing.resource),
				status: 'cancelled',
				updated: now,
				etag: etagFor(now, cs.seq + 1),
			};
			cs.put(calendar.id, resource, true);
			return { status: 204 };
		},
	);
}
