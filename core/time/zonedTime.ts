// Wall-clock times, instants and IANA time zones, for both providers' calendars: an RFC 3339
// dateTime carries the offset its zone observes at that instant (`Z` only for UTC itself).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(zone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		formatters.set(zone, formatter);
	}
	return formatter;
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string | null | undefined): zone is string {
	if (!zone) return false;
	try {
		formatterFor(zone);
		return true;
	} catch {
		return false;
	}
}

/** Offset of `zone` from UTC at `instant`, in ms. */
export function zoneOffsetMs(instant: number, zone: string): number {
	const parts = formatterFor(zone).formatToParts(new Date(instant));
	const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
	const wall = Date.UTC(
		get('year'),
		get('month') - 1,
		get('day'),
		get('hour'),
		get('minute'),
		get('second'),
	);
	return wall - Math.floor(instant / 1000) * 1000;
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/** The instant of a wall-clock time (`2026-12-01T10:00[:00]`) in `zone`; two passes settle DST. */
export function wallTimeToInstant(wallTime: string, zone: string): number | undefined {
	const match = WALL_TIME.exec(wallTime.trim());
	if (!match) return undefined;
	const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '0'] = match;
	const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.floor(Number(`0.${fraction}`) * 1000));
	let instant = wall - zoneOffsetMs(wall, zone);
	instant = wall - zoneOffsetMs(instant, zone);
	return instant;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** `2026-12-01T10:00:00+09:00`: the instant in `zone`'s local time, with that zone's offset. */
export function formatInstantInZone(instant: number, zone: string): string {
	const offset = zoneOffsetMs(instant, zone);
	const local = new Date(Math.floor(instant / 1000) * 1000 + offset).toISOString().slice(0, 19);
	if (offset === 0 && (zone === 'UTC' || zone === 'Etc/UTC')) return `${local}Z`;
	const minutes = Math.abs(offset) / 60000;
	const sign = offset < 0 ? '-' : '+';
	return `${local}${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/**
 * An RFC 3339 timestamp (what Calendar's timeMin/timeMax demand) from what a user typed: an
 * instant with an offset is kept, a wall-clock time is read in `zone`.
 */
export function toRfc3339(value: string, zone: string): string {
	const text = value.trim();
	if (HAS_OFFSET.test(text)) {
		if (Number.isNaN(Date.parse(text))) throw new Error(`"${value}" is not a date and time`);
		return text;
	}
	const instant = wallTimeToInstant(text, zone);
	if (instant === undefined) throw new Error(`"${value}" is not a date and time`);
	return formatInstantInZone(instant, zone);
}

/** The YYYY-MM-DD date a user typed (`2026-12-24` or `2026-12-24T00:00:00…`). */
export function toDateOnly(value: string): string {
	const date = /^\d{4}-\d{2}-\d{2}/.exec(value.trim())?.[0];
	if (!date || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
		throw new Error(`"${value}" is not a date (YYYY-MM-DD)`);
	}
	return date;
}

/** The day after a YYYY-MM-DD date (Google's all-day end dates are exclusive). */
export function dayAfter(date: string): string {
	return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
