// Pure date math of <crm-calendar>, with Intl only (no date library). A day is a plain
// 'YYYY-MM-DD' string (compared as text, computed at UTC midnight so no zone can shift it); an
// instant is epoch milliseconds, placed on a day and minute through Intl in the chosen IANA zone.

export type CalendarView = 'month' | 'week' | 'day';

/** The fields of an event that placing it needs (a subset of the API's EventRecordJson). */
export interface PlaceableEvent {
	isAllDay: boolean;
	startsAt: string | null;
	endsAt: string | null;
	startDate: string | null;
	endDate: string | null;
}

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isPlainDate(value: unknown): value is string {
	if (typeof value !== 'string' || !DATE_PATTERN.test(value)) return false;
	return toPlainDate(dateToUtc(value)) === value;
}

/** Epoch ms of the day's UTC midnight. */
export function dateToUtc(date: string): number {
	const [, y, m, d] = DATE_PATTERN.exec(date) ?? [];
	return Date.UTC(Number(y), Number(m) - 1, Number(d));
}

export function toPlainDate(utcMs: number): string {
	return new Date(utcMs).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
	return toPlainDate(dateToUtc(date) + days * DAY_MS);
}

/** The same day n months on, clamped to the month's last day (Jan 31 + 1 → Feb 28). */
export function addMonths(date: string, months: number): string {
	const at = new Date(dateToUtc(date));
	const target = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1));
	const lastDay = new Date(
		Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
	).getUTCDate();
	target.setUTCDate(Math.min(at.getUTCDate(), lastDay));
	return toPlainDate(target.getTime());
}

/** Whole days from a to b. */
export function daysBetween(a: string, b: string): number {
	return Math.round((dateToUtc(b) - dateToUtc(a)) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
	return new Date(dateToUtc(date)).getUTCDay();
}

export function startOfWeek(date: string, weekStart: number): string {
	return addDays(date, -((weekday(date) - weekStart + 7) % 7));
}

export function startOfMonth(date: string): string {
	return `${date.slice(0, 7)}-01`;
}

/** The days a view shows: [start, end) — whole weeks around the month for the month view. */
export function visibleRange(
	view: CalendarView,
	date: string,
	weekStart: number,
): { start: string; end: string } {
	if (view === 'day') return { start: date, end: addDays(date, 1) };
	if (view === 'week') {
		const start = startOfWeek(date, weekStart);
		return { start, end: addDays(start, 7) };
	}
	const first = startOfMonth(date);
	const start = startOfWeek(first, weekStart);
	const next = addMonths(first, 1);
	const end = addDays(next, (7 - ((weekday(next) - weekStart + 7) % 7)) % 7);
	return { start, end };
}

export function daysOf(start: string, end: string): string[] {
	const days: string[] = [];
	for (let day = start; day < end; day = addDays(day, 1)) days.push(day);
	return days;
}

/** The view's date moved one step (a month, a week or a day). */
export function shiftDate(view: CalendarView, date: string, step: number): string {
	if (view === 'month') return addMonths(date, step);
	return addDays(date, view === 'week' ? 7 * step : step);
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
	let format = partsFormats.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		partsFormats.set(timeZone, format);
	}
	return format;
}

/** Whether Intl knows the zone. */
export function isTimeZone(timeZone: unknown): timeZone is string {
	if (typeof timeZone !== 'string' || !timeZone) return false;
	try {
		partsFormat(timeZone);
		return true;
	} catch {
		return false;
	}
}

let browserZone: string | undefined;

export function browserTimeZone(): string {
	return (browserZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
}

const offsets = new Map<string, number>();
const QUARTER_HOUR = 900_000;

/**
 * The zone's offset from UTC at an instant, in ms (east positive). Intl's formatToParts is slow, so
 * it is asked at UTC midnights only: when a day starts and ends with the same offset, that is the
 * offset of the whole day; on a day with a change, at the instant's quarter hour (zones change
 * offset on quarter hours). A month of events costs some thirty Intl calls.
 */
export function zoneOffset(instant: number, timeZone: string): number {
	const day = Math.floor(instant / DAY_MS) * DAY_MS;
	const offset = offsetAt(day, timeZone);
	if (offset === offsetAt(day + DAY_MS, timeZone)) return offset;
	return offsetAt(Math.floor(instant / QUARTER_HOUR) * QUARTER_HOUR, timeZone);
}

/** The offset at an instant of whole seconds, from Intl (cached). */
function offsetAt(instant: number, timeZone: string): number {
	const key = `${timeZone} ${instant}`;
	let offset = offsets.get(key);
	if (offset === undefined) {
		const parts: Record<string, string> = {};
		for (const part of partsFormat(timeZone).formatToParts(new Date(instant))) {
			parts[part.type] = part.value;
		}
		const wall = Date.UTC(
			Number(parts.year),
			Number(parts.month) - 1,
			Number(parts.day),
			Number(parts.hour),
			Number(parts.minute),
			Number(parts.second),
		);
		offset = wall - instant;
		if (offsets.size > 20_000) offsets.clear();
		offsets.set(key, offset);
	}
	return offset;
}

/** The day and the minute of the day (0–1439) an instant falls on in a zone. */
export function zonedParts(instant: number, timeZone: string): { date: string; minutes: number } {
	const minutes = Math.floor((instant + zoneOffset(instant, timeZone)) / 60_000);
	const minuteOfDay = ((minutes % 1440) + 1440) % 1440;
	return { date: toPlainDate((minutes - minuteOfDay) * 60_000), minutes: minuteOfDay };
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** An Intl.DateTimeFormat made once per locale and options (making one costs far more than using it). */
export function dateFormat(
	locale: string | undefined,
	options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
	const key = `${locale ?? ''} ${JSON.stringify(options)}`;
	let format = dateFormats.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat(locale, options);
		dateFormats.set(key, format);
	}
	return format;
}

/**
 * The instant of a wall-clock time in a zone. A time in a gap (spring forward) moves forward by the
 * gap (02:30 → 03:30), as Temporal's 'compatible'; in an overlap the earlier instant is taken.
 */
export function zonedToInstant(date: string, minutes: number, timeZone: string): number {
	const wall = dateToUtc(date) + minutes * 60_000;
	const first = wall - zoneOffset(wall, timeZone);
	const second = wall - zoneOffset(first, timeZone);
	if (first === second) return first;
	// The two guesses straddle a change: keep the one whose wall time matches, else the earlier.
	const matches = [first, second].filter(
		(candidate) => zoneOffset(candidate, timeZone) === wall - candidate,
	);
	return matches.length > 0 ? Math.min(...matches) : Math.max(first, second);
}

export function todayIn(timeZone: string, now = Date.now()): string {
	return zonedParts(now, timeZone).date;
}

interface Placement {
	/** First day and the day after the last, in the zone. */
	start: string;
	end: string;
	/** All-day, or timed across more than one day. */
	spanning: boolean;
	/** Timed events: minutes from the first day's midnight to the start, and to the end (≤ 1440). */
	top: number;
	bottom: number;
	/** Order within a day: spanning events first, then by start. */
	order: number;
}

const placements = new WeakMap<PlaceableEvent, { zone: string; placed: Placement | null }>();

/** Where an event goes in a zone, worked out once per event object and zone. */
function place(event: PlaceableEvent, timeZone: string): Placement | null {
	const cached = placements.get(event);
	if (cached?.zone === timeZone) return cached.placed;
	const placed = computePlacement(event, timeZone);
	placements.set(event, { zone: timeZone, placed });
	return placed;
}

function computePlacement(event: PlaceableEvent, timeZone: string): Placement | null {
	if (event.isAllDay) {
		if (!isPlainDate(event.startDate)) return null;
		const end =
			isPlainDate(event.endDate) && event.endDate > event.startDate
				? event.endDate
				: addDays(event.startDate, 1);
		const order = dateToUtc(event.startDate) - 1e15;
		return { start: event.startDate, end, spanning: true, top: 0, bottom: 1440, order };
	}
	const starts = Date.parse(event.startsAt ?? '');
	if (Number.isNaN(starts)) return null;
	const parsedEnd = Date.parse(event.endsAt ?? '');
	const ends = Number.isNaN(parsedEnd) || parsedEnd < starts ? starts : parsedEnd;
	const first = zonedParts(starts, timeZone);
	// An event ending exactly at midnight does not reach into the next day.
	const last = ends > starts ? zonedParts(ends - 1, timeZone) : first;
	const end = addDays(last.date, 1);
	const spanning = daysBetween(first.date, end) > 1;
	return {
		start: first.date,
		end,
		spanning,
		top: first.minutes,
		bottom: ends > starts ? last.minutes + 1 : first.minutes,
		order: spanning ? dateToUtc(first.date) - 1e15 : starts,
	};
}

/**
 * The first day and the day after the last that an event covers in a zone. All-day events keep
 * their own dates whatever the zone; a timed event ending exactly at midnight does not reach into
 * the next day.
 */
export function eventSpan(
	event: PlaceableEvent,
	timeZone: string,
): { start: string; end: string } | null {
	const placed = place(event, timeZone);
	return placed && { start: placed.start, end: placed.end };
}

/** Whether an event shows in the all-day strip: all-day, or timed across more than one day. */
export function isSpanning(event: PlaceableEvent, timeZone: string): boolean {
	return place(event, timeZone)?.spanning ?? false;
}

/** Every day in [start, end) mapped to the events on it, all-day and spanning first, then by start. */
export function eventsByDay<T extends PlaceableEvent>(
	events: readonly T[],
	start: string,
	end: string,
	timeZone: string,
): Map<string, T[]> {
	const byDay = new Map<string, T[]>(daysOf(start, end).map((day) => [day, []]));
	const placed = events
		.map((event) => ({ event, at: place(event, timeZone) }))
		.filter((item): item is { event: T; at: Placement } => item.at !== null)
		.sort((a, b) => a.at.order - b.at.order);
	for (const { event, at } of placed) {
		if (at.end <= start || at.start >= end) continue;
		const from = at.start > start ? at.start : start;
		for (let day = from; day < at.end && day < end; day = addDays(day, 1)) {
			byDay.get(day)?.push(event);
		}
	}
	return byDay;
}

export interface TimedBox<T> {
	event: T;
	/** Minutes from the day's midnight. */
	top: number;
	/** Minutes long, at least 15 so a short event stays clickable. */
	height: number;
	lane: number;
	lanes: number;
}

/**
 * The timed (single-day) events of one day as boxes: overlapping events share the width in lanes,
 * each cluster of overlaps as wide as its own count of lanes.
 */
export function layoutDay<T extends PlaceableEvent>(
	events: readonly T[],
	day: string,
	timeZone: string,
): TimedBox<T>[] {
	const boxes: TimedBox<T>[] = [];
	for (const event of events) {
		const at = place(event, timeZone);
		if (!at || at.spanning || at.start !== day) continue;
		boxes.push({
			event,
			top: at.top,
			height: Math.max(15, at.bottom - at.top),
			lane: 0,
			lanes: 1,
		});
	}
	boxes.sort((a, b) => a.top - b.top || b.height - a.height);
	let cluster: TimedBox<T>[] = [];
	let clusterEnd = -1;
	const closeCluster = () => {
		const lanes = Math.max(1, ...cluster.map((box) => box.lane + 1));
		for (const box of cluster) box.lanes = lanes;
		cluster = [];
	};
	for (const box of boxes) {
		if (box.top >= clusterEnd) {
			closeCluster();
			clusterEnd = -1;
		}
		const laneEnds: number[] = [];
		for (const other of cluster) {
			laneEnds[other.lane] = Math.max(laneEnds[other.lane] ?? -1, other.top + other.height);
		}
		let lane = 0;
		while (laneEnds[lane] !== undefined && laneEnds[lane] > box.top) lane++;
		box.lane = lane;
		cluster.push(box);
		clusterEnd = Math.max(clusterEnd, box.top + box.height);
	}
	closeCluster();
	return boxes;
}

/**
 * The API range [from, to) that holds every event of the days [start, end) in any zone: a day
 * either side in UTC (zones are 12 hours behind to 14 ahead). The same range for every zone, so
 * changing the zone places the events again without asking for them; all-day events (stored at
 * UTC midnight) are covered too. The widget places each event on its days afterwards.
 */
export function queryRange(start: string, end: string): { from: string; to: string } {
	return {
		from: new Date(dateToUtc(addDays(start, -1))).toISOString(),
		to: new Date(dateToUtc(addDays(end, 1))).toISOString(),
	};
}

/** The first day of the week for a locale (0 = Sunday), Monday when Intl does not say. */
const weekStarts = new Map<string, number>();

export function localeWeekStart(locale?: string): number {
	const key = locale ?? '';
	let start = weekStarts.get(key);
	if (start === undefined) {
		start = readWeekStart(locale);
		weekStarts.set(key, start);
	}
	return start;
}

function readWeekStart(locale?: string): number {
	try {
		const info = new Intl.Locale(locale ?? navigator.language) as Intl.Locale & {
			getWeekInfo?: () => { firstDay: number };
			weekInfo?: { firstDay: number };
		};
		const firstDay = info.getWeekInfo?.().firstDay ?? info.weekInfo?.firstDay;
		return firstDay ? firstDay % 7 : 1;
	} catch {
		return 1;
	}
}

/** "December 2026", "Nov 30 – Dec 6, 2026" or "Tuesday, December 1, 2026" in the locale. */
export function rangeTitle(
	view: CalendarView,
	date: string,
	weekStart: number,
	locale?: string,
): string {
	const utc = { timeZone: 'UTC' } as const;
	if (view === 'month') {
		return dateFormat(locale, { ...utc, month: 'long', year: 'numeric' }).format(dateToUtc(date));
	}
	if (view === 'day') {
		return dateFormat(locale, { ...utc, dateStyle: 'full' }).format(dateToUtc(date));
	}
	const { start, end } = visibleRange('week', date, weekStart);
	return dateFormat(locale, {
		...utc,
		month: 'short',
		day: 'numeric',
		year: 'numeric',
	}).formatRange(dateToUtc(start), dateToUtc(addDays(end, -1)));
}
