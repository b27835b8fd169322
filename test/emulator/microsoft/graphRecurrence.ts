/**
 * RRULE expansion for calendarView: Graph returns each occurrence of a series inside the
 * requested window, so the generator's recurring masters (RRULE lines, Google style) are expanded
 * here in wall-clock time of the event's zone, and mapped to Graph's patternedRecurrence.
 * Supports FREQ=DAILY/WEEKLY/MONTHLY/YEARLY with INTERVAL, COUNT, UNTIL, BYDAY (weekly, and
 * ordinal for monthly), BYMONTHDAY, and EXDATE lines.
 */
import { DAY_MS, dateOnly, parseDateTime } from './graphTime';

export interface RecurrenceRule {
	freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
	interval: number;
	count?: number;
	until?: number; // instant
	byDay?: { weekday: number; ordinal?: number }[]; // 0 = Sunday
	byMonthDay?: number[];
	exdates: number[]; // instants
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const GRAPH_WEEKDAYS = [
	'sunday',
	'monday',
	'tuesday',
	'wednesday',
	'thursday',
	'friday',
	'saturday',
];

function parseRuleDate(value: string, zone: string): number | undefined {
	const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value);
	if (!m) return undefined;
	const iso = `${m[1]}-${m[2]}-${m[3]}${m[4] ? `T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}` : ''}`;
	return parseDateTime(iso, zone);
}

export function parseRecurrence(
	lines: string[] | undefined,
	zone: string,
): RecurrenceRule | undefined {
	if (!lines?.length) return undefined;
	let rule: RecurrenceRule | undefined;
	const exdates: number[] = [];
	for (const line of lines) {
		if (line.startsWith('RRULE:')) {
			const parts = new Map(
				line
					.slice(6)
					.split(';')
					.map((p) => p.split('=') as [string, string]),
			);
			const freq = parts.get('FREQ') as RecurrenceRule['freq'] | undefined;
			if (!freq || !['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(freq)) continue;
			rule = {
				freq,
				interval: Math.max(1, Number(parts.get('INTERVAL') ?? 1) || 1),
				count: parts.has('COUNT') ? Number(parts.get('COUNT')) : undefined,
				until: parts.has('UNTIL') ? parseRuleDate(parts.get('UNTIL')!, zone) : undefined,
				byDay: parts
					.get('BYDAY')
					?.split(',')
					.flatMap((d): { weekday: number; ordinal?: number }[] => {
						const m = /^([+-]?\d+)?([A-Z]{2})$/.exec(d);
						const weekday = m ? WEEKDAYS.indexOf(m[2]) : -1;
						return m && weekday >= 0 ? [{ weekday, ordinal: m[1] ? Number(m[1]) : undefined }] : [];
					}),
				byMonthDay: parts.get('BYMONTHDAY')?.split(',').map(Number),
				exdates,
			};
		} else if (line.startsWith('EXDATE')) {
			const [head, values] = line.split(':');
			const tzid = /TZID=([^;:]+)/.exec(head)?.[1] ?? zone;
			for (const value of values?.split(',') ?? []) {
				const instant = parseRuleDate(value.trim(), tzid);
				if (instant !== undefined) exdates.push(instant);
			}
		}
	}
	return rule;
}

function daysInMonth(year: number, month: number): number {
	return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** Wall-clock start times of the series (first = dtstart), in order, until `stopWall` or the rule ends. */
export function* occurrenceWalls(
	rule: RecurrenceRule,
	startWall: number,
	stopWall: number,
	untilWall?: number, // UNTIL converted to the event's wall clock by the caller
): Generator<number> {
	const timeOfDay = ((startWall % DAY_MS) + DAY_MS) % DAY_MS;
	const start = new Date(startWall);
	let emitted = 0;
	const emit = (wall: number) => {
		emitted++;
		return wall;
	};
	const done = (wall: number) =>
		wall >= stopWall ||
		(rule.count !== undefined && emitted >= rule.count) ||
		(untilWall !== undefined && wall > untilWall);
	// Guard against rules that never produce a date in range (e.g. BYMONTHDAY=31 every 12 months).
	for (let period = 0; period < 20000; period++) {
		const candidates: number[] = [];
		if (rule.freq === 'DAILY') {
			candidates.push(startWall + period * rule.interval * DAY_MS);
		} else if (rule.freq === 'WEEKLY') {
			const weekStart =
				startWall - start.getUTCDay() * DAY_MS + period * rule.interval * 7 * DAY_MS;
			const days = rule.byDay?.length ? rule.byDay.map((d) => d.weekday) : [start.getUTCDay()];
			for (const day of [...new Set(days)].sort((a, b) => a - b))
				candidates.push(weekStart + day * DAY_MS);
		} else {
			const monthsAhead = period * rule.interval * (rule.freq === 'YEARLY' ? 12 : 1);
			const year = start.getUTCFullYear() + Math.floor((start.getUTCMonth() + monthsAhead) / 12);
			const month = (start.getUTCMonth() + monthsAhead) % 12;
			const dim = daysInMonth(year, month);
			const monthStart = Date.UTC(year, month, 1) + timeOfDay;
			if (rule.freq === 'MONTHLY' && rule.byDay?.length) {
				for (const { weekday, ordinal } of rule.byDay) {
					const matches: number[] = [];
					for (let d = 0; d < dim; d++) {
						if (new Date(monthStart + d * DAY_MS).getUTCDay() === weekday)
							matches.push(monthStart + d * DAY_MS);
					}
					if (ordinal === undefined) candidates.push(...matches);
					else {
						const pick = ordinal > 0 ? matches[ordinal - 1] : matches[matches.length + ordinal];
						if (pick !== undefined) candidates.push(pick);
					}
				}
			} else {
				const days = rule.byMonthDay?.length ? rule.byMonthDay : [start.getUTCDate()];
				for (const day of days) {
					const actual = day < 0 ? dim + day + 1 : day;
					if (actual >= 1 && actual <= dim) candidates.push(monthStart + (actual - 1) * DAY_MS);
				}
			}
		}
		candidates.sort((a, b) => a - b);
		for (const wall of candidates) {
			if (wall < startWall) continue;
			if (done(wall)) return;
			yield emit(wall);
		}
	}
}

/** Graph's patternedRecurrence for a parsed rule. */
export function toPatternedRecurrence(
	rule: RecurrenceRule,
	startWall: number,
	zone: string,
	endWall?: number,
) {
	const start = new Date(startWall);
	const pattern: Record<string, unknown> = {
		type: 'daily',
		interval: rule.interval,
		month: 0,
		dayOfMonth: 0,
		firstDayOfWeek: 'sunday',
		index: 'first',
	};
	if (rule.freq === 'WEEKLY') {
		pattern.type = 'weekly';
		pattern.daysOfWeek = (
			rule.byDay?.length ? rule.byDay.map((d) => d.weekday) : [start.getUTCDay()]
		).map((d) => GRAPH_WEEKDAYS[d]);
	} else if (rule.freq === 'MONTHLY') {
		if (rule.byDay?.length) {
			pattern.type = 'relativeMonthly';
			pattern.daysOfWeek = rule.byDay.map((d) => GRAPH_WEEKDAYS[d.weekday]);
			const ordinal = rule.byDay[0].ordinal ?? 1;
			pattern.index =
				ordinal < 0 ? 'last' : (['first', 'second', 'third', 'fourth'][ordinal - 1] ?? 'first');
		} else {
			pattern.type = 'absoluteMonthly';
			pattern.dayOfMonth = rule.byMonthDay?.[0] ?? start.getUTCDate();
		}
	} else if (rule.freq === 'YEARLY') {
		pattern.type = 'absoluteYearly';
		pattern.month = start.getUTCMonth() + 1;
		pattern.dayOfMonth = start.getUTCDate();
	}
	const range: Record<string, unknown> = {
		type: 'noEnd',
		startDate: dateOnly(startWall),
		endDate: '0001-01-01',
		recurrenceTimeZone: zone,
		numberOfOccurrences: 0,
	};
	if (rule.count !== undefined) {
		range.type = 'numbered';
		range.numberOfOccurrences = rule.count;
	} else if (rule.until !== undefined || endWall !== undefined) {
		range.type = 'endDate';
		range.endDate = dateOnly(endWall ?? rule.until!);
	}
	return { pattern, range };
}
