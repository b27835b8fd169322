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

export function browserTimeZone(): string {
	return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The day and the minute of the day (0–1439) an instant falls on in a zone. */
export function zonedParts(instant: number, timeZone: string): { date: string; minutes: number } {
	const parts: Record<string, string> = {};
	for (const part of partsFormat(timeZone).formatToParts(new Date(instant))) {
		parts[part.type] = part.value;
	}
	return {
		date: `${parts.year.padStart(4, '0')}-${parts.month}-${parts.day}`,
		minutes: Number(parts.hour) * 60 + Number(parts.minute),
	};
}

/** The zone's offset from UTC at an instant, in ms (east positive). */
export function zoneOffset(instant: number, timeZone: string): number {
	const { date, minutes } = zonedParts(instant, timeZone);
	const wall = dateToUtc(date) + minutes * 60_000;
	return wall - Math.floor(instant / 60_000) * 60_000;
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

/**
 * The first day and the day after the last that an event covers in a zone. All-day events keep
 * their own dates whatever the zone; a timed event ending exactly at midnight does not reach into
 * the next day.
 */
export function eventSpan(
	event: PlaceableEvent,
	timeZone: string,
): { start: string; end: string } | null {
	if (event.isAllDay) {
		if (!isPlainDate(event.startDate)) return null;
		const end =
			isPlainDate(event.endDate) && event.endDate > event.startDate
				? event.endDate
				: addDays(event.startDate, 1);
		return { start: event.startDate, end };
	}
	const starts = Date.parse(event.startsAt ?? '');
	if (Number.isNaN(starts)) return null;
	const parsedEnd = Date.parse(event.endsAt ?? '');
	const ends = Number.isNaN(parsedEnd) || parsedEnd < starts ? starts : parsedEnd;
	const first = zonedParts(starts, timeZone).date;
	const last = ends > starts ? zonedParts(ends - 1, timeZone).date : first;
	return { start: first, end: addDays(last, 1) };
}

/** Whether an event shows in the all-day strip: all-day, or timed across more than one day. */
export function isSpanning(event: PlaceableEvent, timeZone: string): boolean {
	if (event.isAllDay) return true;
	const span = eventSpan(event, timeZone);
	return span !== null && daysBetween(span.start, span.end) > 1;
}

/** Every day in [start, end) mapped to the events on it, all-day and spanning first, then by start. */
export function eventsByDay<T extends PlaceableEvent>(
	events: readonly T[],
	start: string,
	end: string,
	timeZone: string,
): Map<string, T[]> {
	const byDay = new Map<string, T[]>(daysOf(start, end).map((day) => [day, []]));
	const sorted = [...events].sort((a, b) => sortKey(a, timeZone) - sortKey(b, timeZone));
	for (const event of sorted) {
		const span = eventSpan(event, timeZone);
		if (!span) continue;
		const from = span.start > start ? span.start : start;
		for (let day = from; day < span.end && day < end; day = addDays(day, 1)) {
			byDay.get(day)?.push(event);
		}
	}
	return byDay;
}

function sortKey(event: PlaceableEvent, timeZone: string): number {
	// Spanning events first (they start at the top of a day), then timed by their instant.
	if (isSpanning(event, timeZone)) {
		const span = eventSpan(event, timeZone);
		return span ? dateToUtc(span.start) - 1e15 : 0;
	}
	return Date.parse(event.startsAt ?? '') || 0;
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
		if (isSpanning(event, timeZone)) continue;
		const starts = Date.parse(event.startsAt ?? '');
		const ends = Math.max(starts, Date.parse(event.endsAt ?? '') || starts);
		const startParts = zonedParts(starts, timeZone);
		if (startParts.date !== day) continue;
		const endParts = zonedParts(ends, timeZone);
		const endMinutes = endParts.date === day ? endParts.minutes : 1440;
		const top = startParts.minutes;
		boxes.push({ event, top, height: Math.max(15, endMinutes - top), lane: 0, lanes: 1 });
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
 * The API range [from, to) covering the days [start, end) in a zone. All-day events are stored
 * at UTC midnight, so the range also covers the UTC days; the widget filters by day afterwards.
 */
export function queryRange(
	start: string,
	end: string,
	timeZone: string,
): { from: string; to: string } {
	const from = Math.min(zonedToInstant(start, 0, timeZone), dateToUtc(start));
	const to = Math.max(zonedToInstant(end, 0, timeZone), dateToUtc(end));
	return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** The first day of the week for a locale (0 = Sunday), Monday when Intl does not say. */
export function localeWeekStart(locale?: string): number {
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
		return new Intl.DateTimeFormat(locale, { ...utc, month: 'long', year: 'numeric' }).format(
			dateToUtc(date),
		);
	}
	if (view === 'day') {
		return new Intl.DateTimeFormat(locale, { ...utc, dateStyle: 'full' }).format(dateToUtc(date));
	}
	const { start, end } = visibleRange('week', date, weekStart);
	return new Intl.DateTimeFormat(locale, {
		...utc,
		month: 'short',
		day: 'numeric',
		year: 'numeric',
	}).formatRange(dateToUtc(start), dateToUtc(addDays(end, -1)));
}
