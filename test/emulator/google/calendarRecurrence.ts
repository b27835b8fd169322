// Time-zone arithmetic and RRULE expansion for Calendar API v3 `singleEvents=true`.
// Recurrences repeat in the event's wall-clock time (its timeZone), so a 10:00 weekly meeting stays
// at 10:00 across DST changes; instance ids follow Google's `<masterId>_<YYYYMMDDTHHMMSSZ>` (timed,
// UTC) and `<masterId>_<YYYYMMDD>` (all-day) forms.

export interface EventTime {
	dateTime?: string;
	date?: string;
	timeZone?: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		formatters.set(timeZone, f);
	}
	return f;
}

export interface Wall {
	y: number;
	mo: number; // 1-12
	d: number;
	h: number;
	mi: number;
	s: number;
}

export function wallInZone(utcMs: number, timeZone: string): Wall {
	const parts: Record<string, number> = {};
	for (const p of formatterFor(timeZone).formatToParts(new Date(utcMs))) {
		if (p.type !== 'literal') parts[p.type] = Number(p.value);
	}
	return {
		y: parts.year,
		mo: parts.month,
		d: parts.day,
		h: parts.hour % 24,
		mi: parts.minute,
		s: parts.second,
	};
}

export function zoneOffsetMs(utcMs: number, timeZone: string): number {
	const w = wallInZone(utcMs, timeZone);
	return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(utcMs / 1000) * 1000;
}

export function wallToUtc(w: Wall, timeZone: string): number {
	const naive = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
	const first = naive - zoneOffsetMs(naive, timeZone);
	const second = naive - zoneOffsetMs(first, timeZone);
	return second;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** RFC 3339 with the zone's offset, as the Calendar API writes dateTime values. */
export function formatInZone(utcMs: number, timeZone: string): string {
	const w = wallInZone(utcMs, timeZone);
	const offsetMin = Math.round(zoneOffsetMs(utcMs, timeZone) / 60000);
	const sign = offsetMin < 0 ? '-' : '+';
	const abs = Math.abs(offsetMin);
	const offset =
		offsetMin === 0 && timeZone === 'UTC'
			? 'Z'
			: `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
	return `${w.y}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}${offset}`;
}

export function dateToUtcMs(date: string, timeZone: string): number {
	const [y, mo, d] = date.split('-').map(Number);
	return wallToUtc({ y, mo, d, h: 0, mi: 0, s: 0 }, timeZone);
}

/** The instant an event time denotes (all-day dates at midnight in `timeZone`). */
export function timeMs(t: EventTime | undefined, timeZone: string): number {
	if (!t) return NaN;
	if (t.dateTime) {
		const floating = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/.exec(
			t.dateTime,
		);
		if (floating) {
			const [y, mo, d, h, mi, s] = floating.slice(1).map((x) => Number(x ?? 0));
			return wallToUtc({ y, mo, d, h, mi, s }, t.timeZone ?? timeZone);
		}
		return Date.parse(t.dateTime);
	}
	if (t.date) return dateToUtcMs(t.date, t.timeZone ?? timeZone);
	return NaN;
}

function addDays(date: { y: number; mo: number; d: number }, days: number) {
	const t = new Date(Date.UTC(date.y, date.mo - 1, date.d + days));
	return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function weekday(date: { y: number; mo: number; d: number }): number {
	return new Date(Date.UTC(date.y, date.mo - 1, date.d)).getUTCDay(); // 0 = Sunday
}

function daysInMonth(y: number, mo: number): number {
	return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

interface Rule {
	freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
	interval: number;
	count?: number;
	until?: number; // ms
	byDay?: { weekday: number; ordinal?: number }[];
	byMonthDay?: number[];
	byMonth?: number[];
}

function parseUntil(value: string, timeZone: string): number {
	const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value);
	if (!m) return NaN;
	const w = {
		y: +m[1],
		mo: +m[2],
		d: +m[3],
		h: +(m[4] ?? 23),
		mi: +(m[5] ?? 59),
		s: +(m[6] ?? 59),
	};
	return m[7] ? Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) : wallToUtc(w, timeZone);
}

export function parseRule(line: string, timeZone: string): Rule | undefined {
	const body = line.replace(/^RRULE:/i, '');
	const fields: Record<string, string> = {};
	for (const kv of body.split(';')) {
		const [k, v] = kv.split('=');
		if (k && v) fields[k.toUpperCase()] = v.toUpperCase();
	}
	const freq = fields.FREQ as Rule['freq'];
	if (!['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(freq)) return undefined;
	return {
		freq,
		interval: Math.max(1, Number(fields.INTERVAL ?? 1)),
		count: fields.COUNT ? Number(fields.COUNT) : undefined,
		until: fields.UNTIL ? parseUntil(fields.UNTIL, timeZone) : undefined,
		byDay: fields.BYDAY?.split(',').map((d) => {
			const m = /^([+-]?\d+)?([A-Z]{2})$/.exec(d);
			return {
				weekday: WEEKDAYS.indexOf(m?.[2] ?? 'MO'),
				ordinal: m?.[1] ? Number(m[1]) : undefined,
			};
		}),
		byMonthDay: fields.BYMONTHDAY?.split(',').map(Number),
		byMonth: fields.BYMONTH?.split(',').map(Number),
	};
}

/** Dates (y, mo, d) a rule produces from `start`, in order, until `stop` says so. */
function* ruleDates(rule: Rule, start: { y: number; mo: number; d: number }) {
	const startKey = Date.UTC(start.y, start.mo - 1, start.d);
	const afterStart = (x: { y: number; mo: number; d: number }) =>
		Date.UTC(x.y, x.mo - 1, x.d) >= startKey;
	for (let period = 0; period < 100000; period++) {
		const candidates: { y: number; mo: number; d: number }[] = [];
		if (rule.freq === 'DAILY') {
			candidates.push(addDays(start, period * rule.interval));
		} else if (rule.freq === 'WEEKLY') {
			// Weeks start on Monday (WKST=MO, Google's default).
			const monday = addDays(start, -((weekday(start) + 6) % 7) + period * 7 * rule.interval);
			const days = rule.byDay?.map((b) => b.weekday) ?? [weekday(start)];
			for (const wd of [...days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7))) {
				candidates.push(addDays(monday, (wd + 6) % 7));
			}
		} else {
			const monthIndex = start.mo - 1 + (rule.freq === 'MONTHLY' ? period * rule.interval : 0);
			const y =
				start.y +
				(rule.freq === 'YEARLY' ? period * rule.interval : 0) +
				Math.floor(monthIndex / 12);
			const months =
				rule.freq === 'YEARLY' ? (rule.byMonth ?? [start.mo]) : [(monthIndex % 12) + 1];
			for (const mo of months) {
				const dim = daysInMonth(y, mo);
				if (rule.byDay && rule.byDay.length > 0) {
					for (const b of rule.byDay) {
						const matching: number[] = [];
						for (let d = 1; d <= dim; d++)
							if (weekday({ y, mo, d }) === b.weekday) matching.push(d);
						const picked =
							b.ordinal === undefined
								? matching
								: [matching[b.ordinal > 0 ? b.ordinal - 1 : matching.length + b.ordinal]];
						for (const d of picked) if (d !== undefined) candidates.push({ y, mo, d });
					}
				} else {
					for (const md of rule.byMonthDay ?? [start.d]) {
						const d = md < 0 ? dim + md + 1 : md;
						if (d >= 1 && d <= dim) candidates.push({ y, mo, d });
					}
				}
			}
			candidates.sort((a, b) => Date.UTC(a.y, a.mo - 1, a.d) - Date.UTC(b.y, b.mo - 1, b.d));
		}
		for (const c of candidates) {
			if (afterStart(c)) yield c;
		}
	}
}

export interface Occurrence {
	/** Suffix of the instance id: YYYYMMDDTHHMMSSZ or YYYYMMDD. */
	idSuffix: string;
	startMs: number;
	start: EventTime;
	end: EventTime;
	originalStartTime: EventTime;
}

function parseExdates(lines: string[], timeZone: string): Set<string> {
	const out = new Set<string>();
	for (const line of lines) {
		const m = /^EXDATE(?:;([^:]*))?:(.*)$/i.exec(line);
		if (!m) continue;
		const tzid = /TZID=([^;]+)/i.exec(m[1] ?? '')?.[1] ?? timeZone;
		for (const v of m[2].split(',')) {
			const dm = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(v.trim());
			if (!dm) continue;
			if (dm[4] === undefined) {
				out.add(`${dm[1]}${dm[2]}${dm[3]}`);
			} else {
				const w = { y: +dm[1], mo: +dm[2], d: +dm[3], h: +dm[4], mi: +dm[5], s: +dm[6] };
				const ms = dm[7] ? Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) : wallToUtc(w, tzid);
				out.add(utcSuffix(ms));
			}
		}
	}
	return out;
}

export function utcSuffix(ms: number): string {
	const d = new Date(ms);
	return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

/**
 * Occurrences of a recurring event that start before `untilMs` (and end after `fromMs`), at most
 * `limit` of them. COUNT counts occurrences before EXDATEs are removed, as RFC 5545 says.
 */
export function expandOccurrences(
	master: { start: EventTime; end: EventTime; recurrence?: string[] },
	calendarTimeZone: string,
	fromMs: number,
	untilMs: number,
	limit = 2500,
): Occurrence[] {
	const lines = master.recurrence ?? [];
	const tz = master.start.timeZone ?? calendarTimeZone;
	const rules = lines
		.filter((l) => /^RRULE:/i.test(l))
		.map((l) => parseRule(l, tz))
		.filter((r): r is Rule => !!r);
	if (rules.length === 0) return [];
	const rule = rules[0];
	const exdates = parseExdates(lines, tz);
	const allDay = !!master.start.date;
	const startMs = timeMs(master.start, tz);
	const durationMs = timeMs(master.end, tz) - startMs;
	const startWall = allDay
		? (() => {
				const [y, mo, d] = master.start.date!.split('-').map(Number);
				return { y, mo, d, h: 0, mi: 0, s: 0 };
			})()
		: wallInZone(startMs, tz);
	const out: Occurrence[] = [];
	let produced = 0;
	for (const day of ruleDates(rule, startWall)) {
		const wall = { ...day, h: startWall.h, mi: startWall.mi, s: startWall.s };
		const ms = allDay
			? dateToUtcMs(`${day.y}-${pad(day.mo)}-${pad(day.d)}`, tz)
			: wallToUtc(wall, tz);
		if (rule.until !== undefined && ms > rule.until) break;
		if (rule.count !== undefined && produced >= rule.count) break;
		if (ms >= untilMs) break;
		produced++;
		const dateText = `${day.y}-${pad(day.mo)}-${pad(day.d)}`;
		const suffix = allDay ? dateText.replace(/-/g, '') : utcSuffix(ms);
		if (exdates.has(suffix)) continue;
		if (ms + durationMs <= fromMs && !(durationMs === 0 && ms >= fromMs)) continue;
		let start: EventTime;
		let end: EventTime;
		if (allDay) {
			const days = Math.round(durationMs / 86400000);
			const e = addDays(day, days);
			start = { date: dateText };
			end = { date: `${e.y}-${pad(e.mo)}-${pad(e.d)}` };
		} else {
			start = { dateTime: formatInZone(ms, tz), timeZone: tz };
			end = { dateTime: formatInZone(ms + durationMs, tz), timeZone: master.end.timeZone ?? tz };
		}
		out.push({ idSuffix: suffix, startMs: ms, start, end, originalStartTime: { ...start } });
		if (out.length >= limit) break;
	}
	return out;
}
