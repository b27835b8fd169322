/**
 * Time-zone arithmetic for Graph events without a date library: wall-clock times are handled as
 * "UTC-shaped" millisecond values and converted with the offsets Intl reports for an IANA zone.
 * Graph accepts Windows zone names as well as IANA ones (`Prefer: outlook.timezone`, event
 * start/end), so the common Windows names are mapped.
 */

const WINDOWS_ZONES: Record<string, string> = {
	utc: 'UTC',
	'coordinated universal time': 'UTC',
	'pacific standard time': 'America/Los_Angeles',
	'mountain standard time': 'America/Denver',
	'central standard time': 'America/Chicago',
	'eastern standard time': 'America/New_York',
	'atlantic standard time': 'America/Halifax',
	'hawaiian standard time': 'Pacific/Honolulu',
	'alaskan standard time': 'America/Anchorage',
	'e. south america standard time': 'America/Sao_Paulo',
	'gmt standard time': 'Europe/London',
	'greenwich standard time': 'Atlantic/Reykjavik',
	'w. europe standard time': 'Europe/Berlin',
	'romance standard time': 'Europe/Paris',
	'central europe standard time': 'Europe/Budapest',
	'central european standard time': 'Europe/Warsaw',
	'e. europe standard time': 'Europe/Chisinau',
	'fle standard time': 'Europe/Kiev',
	'gtb standard time': 'Europe/Bucharest',
	'russian standard time': 'Europe/Moscow',
	'south africa standard time': 'Africa/Johannesburg',
	'arabian standard time': 'Asia/Dubai',
	'india standard time': 'Asia/Kolkata',
	'china standard time': 'Asia/Shanghai',
	'singapore standard time': 'Asia/Singapore',
	'tokyo standard time': 'Asia/Tokyo',
	'korea standard time': 'Asia/Seoul',
	'aus eastern standard time': 'Australia/Sydney',
	'new zealand standard time': 'Pacific/Auckland',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The IANA zone for a Graph time-zone name, or undefined when neither table nor Intl knows it. */
export function ianaZone(name: string | undefined): string | undefined {
	if (!name) return undefined;
	const mapped = WINDOWS_ZONES[name.trim().toLowerCase()] ?? name.trim();
	try {
		formatterFor(mapped);
		return mapped;
	} catch {
		return undefined;
	}
}

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

/** Offset of `zone` from UTC at `instant`, in ms. */
export function zoneOffset(instant: number, zone: string): number {
	const parts = formatterFor(zone).formatToParts(new Date(instant));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
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

/** Instant of a wall-clock time in `zone` (two passes settle DST edges). */
export function wallToInstant(wall: number, zone: string): number {
	let instant = wall - zoneOffset(wall, zone);
	instant = wall - zoneOffset(instant, zone);
	return instant;
}

export function instantToWall(instant: number, zone: string): number {
	return instant + zoneOffset(instant, zone);
}

/** Parses `2026-10-05T10:00:00[.fff][Z|±hh:mm]`; a value without offset is wall time in `zone`. */
export function parseDateTime(value: string, zone: string): number | undefined {
	const match =
		/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
			value.trim(),
		);
	if (!match) return undefined;
	const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', offset] = match;
	const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Number(`0.${frac}`) * 1000);
	if (Number.isNaN(wall)) return undefined;
	if (!offset) return wallToInstant(wall, zone);
	if (offset === 'Z') return wall;
	const sign = offset[0] === '-' ? -1 : 1;
	const digits = offset.slice(1).replace(':', '');
	return wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
}

/** Graph's `dateTimeTimeZone.dateTime`: wall clock, seven fractional digits, no offset. */
export function formatWall(wall: number): string {
	return new Date(wall).toISOString().replace(/\.(\d{3})Z$/, '.$10000');
}

export function dateOnly(wall: number): string {
	return new Date(wall).toISOString().slice(0, 10);
}

export const DAY_MS = 86_400_000;
