/**
 * Graph calendars and events over the generator's calendar set. Generated events stay as the
 * generator made them; edits are overrides keyed by event key, created events are stored, and
 * every change is appended to a log that calendarView delta replays.
 *
 * Keys: generated event j of calendar i is `g<i>.<j>`, created event k is `n<k>`, and an
 * occurrence of a series is `<masterKey>@<original start instant>`; ids carry the key.
 */
import { graphError } from '../core/http';
import type { Account, EmulatorState } from '../core/state';
import type { GeneratedEvent } from '../generator';
import { changeKey, decodeId, decodeKeyedId, keyedId, regularId } from './graphIds';
import {
	occurrenceWalls,
	parseRecurrence,
	toPatternedRecurrence,
	type RecurrenceRule,
} from './graphRecurrence';
import {
	DAY_MS,
	dateOnly,
	formatWall,
	ianaZone,
	instantToWall,
	parseDateTime,
	wallToInstant,
} from './graphTime';

type Response =
	| 'none'
	| 'organizer'
	| 'tentativelyAccepted'
	| 'accepted'
	| 'declined'
	| 'notResponded';

export interface EventAttendee {
	email: string;
	name?: string;
	type: 'required' | 'optional' | 'resource';
	response: Response;
}

export interface EventRecord {
	key: string;
	calendarIndex: number;
	type: 'singleInstance' | 'seriesMaster' | 'occurrence' | 'exception';
	subject: string;
	bodyHtml: string;
	location?: string;
	start: number; // instant
	end: number;
	allDay: boolean;
	zone: string; // IANA zone the event was created in
	attendees: EventAttendee[];
	organizer: { email: string; name?: string };
	isOrganizer: boolean;
	selfResponse: Response;
	cancelled: boolean;
	joinUrl?: string;
	iCalUId: string;
	createdMs: number;
	modifiedMs: number;
	version: number;
	rule?: RecurrenceRule;
	seriesMasterKey?: string;
	originalStart?: number;
	showAs: 'busy' | 'tentative' | 'free';
}

type EditableFields = Partial<
	Pick<
		EventRecord,
		| 'subject'
		| 'bodyHtml'
		| 'location'
		| 'start'
		| 'end'
		| 'allDay'
		| 'zone'
		| 'attendees'
		| 'cancelled'
		| 'joinUrl'
		| 'showAs'
	>
>;

interface EventOverride {
	deleted?: boolean;
	fields: EditableFields;
	version: number;
	modifiedMs: number;
}

interface CalendarLogEntry {
	seq: number;
	key: string; // top-level key (single, master, or created)
	calendarIndex: number;
}

interface GraphCalendarState {
	records: EventRecord[][]; // generated records by calendar (built once)
	exceptions: Map<string, EventRecord[]>; // by master key
	byKey: Map<string, EventRecord>;
	overrides: Map<string, EventOverride>;
	created: Map<string, EventRecord>;
	createdCount: number;
	log: CalendarLogEntry[];
	seq: number;
}

const STATE_KEY = 'graph.calendar';

function mapResponse(status: string): Response {
	if (status === 'accepted') return 'accepted';
	if (status === 'declined') return 'declined';
	if (status === 'tentative') return 'tentativelyAccepted';
	return 'none';
}

function parseGoogleTime(
	value: { dateTime?: string; date?: string; timeZone?: string } | undefined,
	zone: string,
): { instant: number; allDay: boolean } {
	if (value?.date)
		return { instant: wallToInstant(Date.parse(`${value.date}T00:00:00Z`), zone), allDay: true };
	const instant = value?.dateTime ? parseDateTime(value.dateTime, zone) : undefined;
	return { instant: instant ?? 0, allDay: false };
}

function fromGenerated(
	account: Account,
	calendarIndex: number,
	index: number,
	ev: GeneratedEvent,
	calendarZone: string,
): EventRecord {
	const zone = ianaZone(ev.start.timeZone) ?? calendarZone;
	const start = parseGoogleTime(ev.start, zone);
	const end = parseGoogleTime(ev.end, ianaZone(ev.end.timeZone) ?? zone);
	const self = ev.attendees.find(
		(a) => a.self || a.email.toLowerCase() === account.email.toLowerCase(),
	);
	const isOrganizer =
		ev.organizer.self ?? ev.organizer.email.toLowerCase() === account.email.toLowerCase();
	const video = ev.conferenceData?.entryPoints.find((p) => p.entryPointType === 'video');
	return {
		key: `g${calendarIndex}.${index}`,
		calendarIndex,
		type: ev.recurrence?.length
			? 'seriesMaster'
			: ev.recurringEventId
				? 'exception'
				: 'singleInstance',
		subject: ev.summary,
		bodyHtml: ev.description ?? '',
		location: ev.location,
		start: start.instant,
		end: end.instant,
		allDay: start.allDay,
		zone,
		attendees: ev.attendees
			.filter((a) => !a.organizer)
			.map((a) => ({
				email: a.email,
				name: a.displayName,
				type: a.optional ? 'optional' : 'required',
				response: mapResponse(a.responseStatus),
			})),
		organizer: { email: ev.organizer.email, name: ev.organizer.displayName },
		isOrganizer,
		selfResponse: isOrganizer ? 'organizer' : self ? mapResponse(self.responseStatus) : 'none',
		cancelled: ev.status === 'cancelled',
		joinUrl: video?.uri ?? ev.hangoutLink,
		iCalUId: ev.iCalUID,
		createdMs: Date.parse(ev.created) || 0,
		modifiedMs: Date.parse(ev.updated) || 0,
		version: ev.sequence,
		rule: parseRecurrence(ev.recurrence, zone),
		originalStart: ev.originalStartTime
			? parseGoogleTime(ev.originalStartTime as { dateTime?: string; date?: string }, zone).instant
			: undefined,
		showAs: ev.status === 'tentative' ? 'tentative' : 'busy',
	};
}

export function calendarState(account: Account): GraphCalendarState {
	let st = account.surfaceState.get(STATE_KEY) as GraphCalendarState | undefined;
	if (st) return st;
	const records: EventRecord[][] = [];
	const exceptions = new Map<string, EventRecord[]>();
	const byKey = new Map<string, EventRecord>();
	account.calendars.calendars.forEach((calendar, i) => {
		const events = account.calendars.events(calendar.id);
		const byGoogleId = new Map(events.map((e, j) => [e.id, j]));
		const list = events.map((ev, j) =>
			fromGenerated(account, i, j, ev, ianaZone(calendar.timeZone) ?? 'UTC'),
		);
		list.forEach((rec, j) => {
			byKey.set(rec.key, rec);
			const masterId = events[j].recurringEventId;
			const masterIndex = masterId !== undefined ? byGoogleId.get(masterId) : undefined;
			if (rec.type === 'exception' && masterIndex !== undefined) {
				rec.seriesMasterKey = `g${i}.${masterIndex}`;
				const group = exceptions.get(rec.seriesMasterKey) ?? [];
				group.push(rec);
				exceptions.set(rec.seriesMasterKey, group);
			} else if (rec.type === 'exception') {
				rec.type = 'singleInstance'; // orphan exception: show it as a plain event
			}
		});
		records.push(list);
	});
	st = {
		records,
		exceptions,
		byKey,
		overrides: new Map(),
		created: new Map(),
		createdCount: 0,
		log: [],
		seq: 0,
	};
	account.surfaceState.set(STATE_KEY, st);
	return st;
}

export function calendarId(account: Account, index: number): string {
	return regularId(account.id, 'calendar', index);
}

export function resolveCalendar(account: Account, id: string | undefined): number {
	const calendars = account.calendars.calendars;
	if (id === undefined) {
		const primary = calendars.findIndex((c) => c.primary);
		return primary === -1 ? 0 : primary;
	}
	const decoded = decodeId(account.id, id);
	if (decoded?.kind === 'calendar' && decoded.position < calendars.length) return decoded.position;
	throw graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

export function toGraphCalendar(account: Account, index: number) {
	const calendar = account.calendars.calendars[index];
	const id = calendarId(account, index);
	return {
		id,
		name: calendar.primary ? 'Calendar' : calendar.summary, // Outlook's default calendar is "Calendar"
		color: 'auto',
		hexColor: calendar.backgroundColor ?? '',
		isDefaultCalendar: !!calendar.primary,
		changeKey: changeKey(account.id, 'calendar', index),
		canShare: calendar.accessRole === 'owner',
		canViewPrivateItems: calendar.accessRole === 'owner',
		canEdit: calendar.accessRole !== 'reader',
		allowedOnlineMeetingProviders: ['teamsForBusiness'],
		defaultOnlineMeetingProvider: 'teamsForBusiness',
		isTallyingResponses: true,
		isRemovable: !calendar.primary,
		owner: { name: account.name, address: account.email },
	};
}

/** The event as it is now; undefined when deleted (or unknown). */
export function eventRecord(
	account: Account,
	key: string,
	includeDeleted = false,
): EventRecord | undefined {
	const st = calendarState(account);
	const base = st.created.get(key) ?? st.byKey.get(key);
	if (!base) return undefined;
	const override = st.overrides.get(key);
	if (!override) return base;
	if (override.deleted && !includeDeleted) return undefined;
	return {
		...base,
		...override.fields,
		version: override.version,
		modifiedMs: override.modifiedMs,
	};
}

function overlaps(rec: EventRecord, from: number, to: number) {
	// Zero-length events still show at their start, as in Outlook.
	return rec.start < to && (rec.end > from || (rec.end === rec.start && rec.start >= from));
}

/** The instances a series contributes to [from, to): occurrences and its exceptions. */
function seriesInstances(
	account: Account,
	master: EventRecord,
	from: number,
	to: number,
): EventRecord[] {
	const st = calendarState(account);
	const rule = master.rule;
	if (!rule) return [];
	const duration = master.end - master.start;
	const startWall = master.allDay
		? Date.parse(`${dateOnly(instantToWall(master.start, master.zone))}T00:00:00Z`)
		: instantToWall(master.start, master.zone);
	const stopWall = instantToWall(to, master.zone) + DAY_MS;
	const untilWall = rule.until !== undefined ? instantToWall(rule.until, master.zone) : undefined;
	const exceptionsByStart = new Map<number, EventRecord>();
	for (const ex of st.exceptions.get(master.key) ?? []) {
		const current = eventRecord(account, ex.key);
		if (ex.originalStart !== undefined)
			exceptionsByStart.set(ex.originalStart, current ?? { ...ex, cancelled: true });
	}
	const out: EventRecord[] = [];
	for (const wall of occurrenceWalls(rule, startWall, stopWall, untilWall)) {
		const instant = wallToInstant(wall, master.zone);
		if (rule.exdates.includes(instant)) continue;
		const exception = exceptionsByStart.get(instant);
		if (exception) {
			if (!exception.cancelled && overlaps(exception, from, to))
				out.push({ ...exception, type: 'exception', seriesMasterKey: master.key });
			continue;
		}
		const occurrence: EventRecord = {
			...master,
			key: `${master.key}@${instant}`,
			type: 'occurrence',
			start: instant,
			end: instant + duration,
			seriesMasterKey: master.key,
			originalStart: instant,
			rule: undefined,
		};
		if (overlaps(occurrence, from, to)) out.push(occurrence);
	}
	return out;
}

/** What a top-level record shows in a calendar view window (cancelled events drop out). */
function instancesOf(
	account: Account,
	rec: EventRecord | undefined,
	from: number,
	to: number,
): EventRecord[] {
	if (!rec || rec.cancelled) return [];
	if (rec.type === 'seriesMaster') return seriesInstances(account, rec, from, to);
	return overlaps(rec, from, to) ? [rec] : [];
}

function topLevelKeys(account: Account, calendarIndex: number | undefined): string[] {
	const st = calendarState(account);
	const keys: string[] = [];
	st.records.forEach((list, i) => {
		if (calendarIndex !== undefined && calendarIndex !== i) return;
		for (const rec of list) if (rec.type !== 'exception') keys.push(rec.key);
	});
	for (const rec of st.created.values()) {
		if (calendarIndex === undefined || rec.calendarIndex === calendarIndex) keys.push(rec.key);
	}
	return keys;
}

export function calendarView(
	account: Account,
	calendarIndex: number | undefined,
	from: number,
	to: number,
): EventRecord[] {
	const out: EventRecord[] = [];
	for (const key of topLevelKeys(account, calendarIndex))
		out.push(...instancesOf(account, eventRecord(account, key), from, to));
	return out.sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));
}

/** Singles and series masters, as /me/events lists them (cancelled ones included, flagged). */
export function listEvents(account: Account, calendarIndex: number | undefined): EventRecord[] {
	return topLevelKeys(account, calendarIndex)
		.map((key) => eventRecord(account, key))
		.filter((rec): rec is EventRecord => !!rec)
		.sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));
}

export function eventId(account: Account, key: string): string {
	return keyedId(account.id, 'event', key);
}

/** Resolves an event or occurrence id. */
export function resolveEvent(account: Account, id: string): EventRecord {
	const decoded = decodeKeyedId(account.id, id);
	if (decoded?.kind === 'event') {
		const [topKey, occurrence] = decoded.key.split('@');
		const rec = eventRecord(account, topKey);
		if (rec && occurrence === undefined) return rec;
		if (rec && rec.rule) {
			const instant = Number(occurrence);
			const found = seriesInstances(account, rec, instant, instant + 1).find(
				(o) => o.key === decoded.key,
			);
			if (found) return found;
		}
	}
	throw graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

export interface EventRenderOptions {
	timeZone?: string;
	select?: string[];
	odataType?: boolean;
}

function dateTimeTimeZone(rec: EventRecord, instant: number, options: EventRenderOptions) {
	const zone = ianaZone(options.timeZone);
	const name = zone ? options.timeZone! : 'UTC';
	if (rec.allDay) {
		// All-day events are dates: midnight in the event's own zone, labelled with the asked zone.
		return {
			dateTime: `${dateOnly(instantToWall(instant, rec.zone))}T00:00:00.0000000`,
			timeZone: name,
		};
	}
	return { dateTime: formatWall(instantToWall(instant, zone ?? 'UTC')), timeZone: name };
}

function htmlToPreview(html: string): string {
	return html
		.replace(/<[^>]+>/g, ' ')
		.replace(/&nbsp;/g, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, 255);
}

export function toGraphEvent(
	account: Account,
	rec: EventRecord,
	options: EventRenderOptions,
): Record<string, unknown> {
	const id = eventId(account, rec.key);
	const key = changeKey(account.id, rec.key, rec.version, rec.modifiedMs);
	const resource: Record<string, unknown> = {};
	if (options.odataType) resource['@odata.type'] = '#microsoft.graph.event';
	const startWall = rec.allDay
		? Date.parse(`${dateOnly(instantToWall(rec.start, rec.zone))}T00:00:00Z`)
		: instantToWall(rec.start, rec.zone);
	Object.assign(resource, {
		'@odata.etag': `W/"${key}"`,
		id,
		createdDateTime: new Date(rec.createdMs).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z'),
		lastModifiedDateTime: new Date(rec.modifiedMs).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z'),
		changeKey: key,
		categories: [],
		transactionId: null,
		originalStartTimeZone: rec.zone,
		originalEndTimeZone: rec.zone,
		iCalUId: rec.iCalUId,
		uid: rec.iCalUId,
		reminderMinutesBeforeStart: 15,
		isReminderOn: !rec.allDay,
		hasAttachments: false,
		subject: rec.subject,
		bodyPreview: htmlToPreview(rec.bodyHtml),
		importance: 'normal',
		sensitivity: 'normal',
		isAllDay: rec.allDay,
		isCancelled: rec.cancelled,
		isOrganizer: rec.isOrganizer,
		responseRequested: true,
		seriesMasterId: rec.seriesMasterKey ? eventId(account, rec.seriesMasterKey) : null,
		showAs: rec.showAs,
		type: rec.type,
		webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
		onlineMeetingUrl: null,
		isOnlineMeeting: !!rec.joinUrl,
		onlineMeetingProvider: rec.joinUrl ? 'teamsForBusiness' : 'unknown',
		allowNewTimeProposals: true,
		isDraft: false,
		hideAttendees: false,
		responseStatus: { response: rec.selfResponse, time: '0001-01-01T00:00:00Z' },
		body: { contentType: 'html', content: rec.bodyHtml },
		start: dateTimeTimeZone(rec, rec.start, options),
		end: dateTimeTimeZone(rec, rec.end, options),
		location: {
			displayName: rec.location ?? '',
			locationType: 'default',
			uniqueIdType: rec.location ? 'private' : 'unknown',
			address: {},
			coordinates: {},
		},
		locations: rec.location
			? [{ displayName: rec.location, locationType: 'default', uniqueIdType: 'private' }]
			: [],
		recurrence: rec.rule
			? toPatternedRecurrence(
					rec.rule,
					startWall,
					rec.zone,
					rec.rule.until !== undefined ? instantToWall(rec.rule.until, rec.zone) : undefined,
				)
			: null,
		attendees: rec.attendees.map((a) => ({
			type: a.type,
			status: { response: a.response, time: '0001-01-01T00:00:00Z' },
			emailAddress: { name: a.name ?? a.email, address: a.email },
		})),
		organizer: {
			emailAddress: {
				name: rec.organizer.name ?? rec.organizer.email,
				address: rec.organizer.email,
			},
		},
		onlineMeeting: rec.joinUrl ? { joinUrl: rec.joinUrl } : null,
	});
	if (!options.select) return resource;
	const wanted = new Set(options.select.map((s) => s.toLowerCase()));
	return Object.fromEntries(
		Object.entries(resource).filter(
			([k]) => k === 'id' || k.startsWith('@odata.') || wanted.has(k.toLowerCase()),
		),
	);
}

// ---------------------------------------------------------------- writes

interface GraphEventInput {
	subject?: string;
	body?: { contentType?: string; content?: string };
	start?: { dateTime?: string; timeZone?: string };
	end?: { dateTime?: string; timeZone?: string };
	location?: { displayName?: string };
	attendees?: {
		emailAddress?: { address?: string; name?: string };
		type?: string;
		status?: { response?: string };
	}[];
	isAllDay?: boolean;
	isOnlineMeeting?: boolean;
	showAs?: string;
}

function invalid(message: string) {
	return graphError(400, 'ErrorInvalidRequest', message);
}

function parseInputTime(
	value: GraphEventInput['start'],
	name: string,
): { instant: number; zone: string } {
	if (!value?.dateTime)
		throw invalid(`Your request can't be completed. The ${name} time is missing.`);
	const zone = ianaZone(value.timeZone ?? 'UTC');
	if (!zone)
		throw graphError(
			400,
			'TimeZoneNotSupportedException',
			`A valid TimeZone value must be specified. The following TimeZone value is not supported: '${value.timeZone}'.`,
		);
	const instant = parseDateTime(value.dateTime, zone);
	if (instant === undefined)
		throw invalid(
			`Cannot convert the literal '${value.dateTime}' to the expected type 'Edm.DateTimeOffset'.`,
		);
	return { instant, zone };
}

function editableFromInput(
	input: GraphEventInput,
	current: EventRecord | undefined,
): EditableFields {
	const fields: EditableFields = {};
	if (input.subject !== undefined) fields.subject = input.subject;
	if (input.body?.content !== undefined) {
		fields.bodyHtml =
			input.body.contentType?.toLowerCase() === 'text'
				? `<html><body>${input.body.content}</body></html>`
				: input.body.content;
	}
	if (input.location !== undefined) fields.location = input.location?.displayName || undefined;
	if (input.start) {
		const start = parseInputTime(input.start, 'start');
		fields.start = start.instant;
		fields.zone = start.zone;
	}
	if (input.end) fields.end = parseInputTime(input.end, 'end').instant;
	if (input.isAllDay !== undefined) fields.allDay = input.isAllDay;
	if (input.showAs === 'free' || input.showAs === 'busy' || input.showAs === 'tentative')
		fields.showAs = input.showAs;
	if (input.attendees) {
		fields.attendees = input.attendees
			.filter((a) => a.emailAddress?.address)
			.map((a) => ({
				email: a.emailAddress!.address!,
				name: a.emailAddress?.name,
				type: a.type === 'optional' || a.type === 'resource' ? a.type : 'required',
				response: (a.status?.response as Response | undefined) ?? 'none',
			}));
	}
	if (input.isOnlineMeeting === true && !current?.joinUrl) {
		fields.joinUrl = `https://teams.microsoft.com/l/meetup-join/emulator/${changeKey('meeting', current?.key ?? Math.random()).replace(/[^A-Za-z0-9]/g, '')}`;
	} else if (input.isOnlineMeeting === false) fields.joinUrl = undefined;
	const start = fields.start ?? current?.start;
	const end = fields.end ?? current?.end;
	if (start !== undefined && end !== undefined && end < start)
		throw invalid('The end time of the event is earlier than its start time.');
	const allDay = fields.allDay ?? current?.allDay;
	if (allDay && start !== undefined && end !== undefined) {
		const zone = fields.zone ?? current?.zone ?? 'UTC';
		if (instantToWall(start, zone) % DAY_MS !== 0 || instantToWall(end, zone) % DAY_MS !== 0) {
			throw invalid('The start and end of an all-day event must be at midnight.');
		}
	}
	return fields;
}

function logEventChange(st: GraphCalendarState, key: string, calendarIndex: number) {
	st.seq++;
	st.log.push({ seq: st.seq, key, calendarIndex });
}

export function createEvent(
	state: EmulatorState,
	account: Account,
	calendarIndex: number,
	input: GraphEventInput,
): EventRecord {
	const st = calendarState(account);
	if (account.calendars.calendars[calendarIndex]?.accessRole === 'reader') {
		throw graphError(
			403,
			'ErrorAccessDenied',
			'Access is denied. Check credentials and try again.',
		);
	}
	if (!input.start || !input.end)
		throw invalid("Your request can't be completed. The start and end times are required.");
	const key = `n${++st.createdCount}`;
	const now = state.now();
	const fields = editableFromInput(input, undefined);
	const rec: EventRecord = {
		key,
		calendarIndex,
		type: 'singleInstance',
		subject: fields.subject ?? '',
		bodyHtml: fields.bodyHtml ?? '',
		location: fields.location,
		start: fields.start!,
		end: fields.end!,
		allDay: fields.allDay ?? false,
		zone: fields.zone ?? 'UTC',
		attendees: fields.attendees ?? [],
		organizer: { email: account.email, name: account.name },
		isOrganizer: true,
		selfResponse: 'organizer',
		cancelled: false,
		joinUrl: fields.joinUrl,
		iCalUId: `040000008200E00074C5B7101A82E008${changeKey(account.id, key)
			.replace(/[^A-Za-z0-9]/g, '')
			.toUpperCase()}`,
		createdMs: now,
		modifiedMs: now,
		version: 0,
		showAs: fields.showAs ?? 'busy',
	};
	st.created.set(key, rec);
	logEventChange(st, key, calendarIndex);
	return rec;
}

function topKeyOf(rec: EventRecord): string {
	if (rec.type === 'occurrence') {
		throw graphError(
			400,
			'ErrorInvalidRequest',
			'Changing a single occurrence is not supported by the emulator.',
		);
	}
	return rec.key;
}

export function updateEvent(
	state: EmulatorState,
	account: Account,
	rec: EventRecord,
	input: GraphEventInput,
): EventRecord {
	const st = calendarState(account);
	const key = topKeyOf(rec);
	const fields = editableFromInput(input, rec);
	const now = state.now();
	const created = st.created.get(key);
	if (created) {
		Object.assign(created, fields, { version: created.version + 1, modifiedMs: now });
	} else {
		const override = st.overrides.get(key) ?? { fields: {}, version: rec.version, modifiedMs: now };
		Object.assign(override.fields, fields);
		override.version++;
		override.modifiedMs = now;
		st.overrides.set(key, override);
	}
	logEventChange(
		st,
		rec.seriesMasterKey && rec.type === 'exception' ? rec.seriesMasterKey : key,
		rec.calendarIndex,
	);
	return eventRecord(account, key)!;
}

export function deleteEvent(
	state: EmulatorState,
	account: Account,
	rec: EventRecord,
	cancel = false,
) {
	const st = calendarState(account);
	const key = topKeyOf(rec);
	const now = state.now();
	const created = st.created.get(key);
	if (created && !cancel) {
		st.overrides.set(key, {
			deleted: true,
			fields: {},
			version: created.version + 1,
			modifiedMs: now,
		});
	} else {
		const override = st.overrides.get(key) ?? { fields: {}, version: rec.version, modifiedMs: now };
		if (cancel) override.fields.cancelled = true;
		else override.deleted = true;
		override.version++;
		override.modifiedMs = now;
		if (created && cancel)
			Object.assign(created, { cancelled: true, version: override.version, modifiedMs: now });
		else st.overrides.set(key, override);
	}
	logEventChange(
		st,
		rec.seriesMasterKey && rec.type === 'exception' ? rec.seriesMasterKey : key,
		rec.calendarIndex,
	);
}

// ---------------------------------------------------------------- calendarView delta

export interface CalendarDeltaToken {
	v: 1;
	k: 'initial' | 'changes' | 'delta';
	a: string;
	g: number;
	cal: number; // -1 = every calendar (/me/calendarView)
	ws: number;
	we: number;
	s: number;
	u?: number;
	o?: number;
}

export function calendarSeq(account: Account): number {
	return calendarState(account).seq;
}

/** Items (current instances or tombstones) for top-level events changed in (from, upTo]. */
export function calendarChanges(
	account: Account,
	calendarIndex: number | undefined,
	from: number,
	upTo: number,
	windowStart: number,
	windowEnd: number,
	render: (rec: EventRecord) => Record<string, unknown>,
): Record<string, unknown>[] {
	const st = calendarState(account);
	const lastSeq = new Map<string, number>();
	for (const entry of st.log) {
		if (entry.seq <= from || entry.seq > upTo) continue;
		if (calendarIndex !== undefined && entry.calendarIndex !== calendarIndex) continue;
		lastSeq.delete(entry.key);
		lastSeq.set(entry.key, entry.seq);
	}
	const items: Record<string, unknown>[] = [];
	for (const key of lastSeq.keys()) {
		const current = instancesOf(account, eventRecord(account, key), windowStart, windowEnd);
		const currentKeys = new Set(current.map((r) => r.key));
		// Whatever the event showed in the window before (ignoring deletion/cancellation) and no
		// longer shows becomes a tombstone.
		const before = eventRecord(account, key, true);
		const previous = before
			? instancesOf(account, { ...before, cancelled: false }, windowStart, windowEnd)
			: [];
		for (const rec of current) items.push(render(rec));
		for (const rec of previous) {
			if (!currentKeys.has(rec.key)) {
				items.push({
					'@odata.type': '#microsoft.graph.event',
					id: eventId(account, rec.key),
					'@removed': { reason: 'deleted' },
				});
			}
		}
		// An event that left the window (or was deleted) is removed under its own id too.
		if (current.length === 0 && !previous.some((r) => r.key === key)) {
			items.push({
				'@odata.type': '#microsoft.graph.event',
				id: eventId(account, key),
				'@removed': { reason: 'deleted' },
			});
		}
	}
	return items;
}
