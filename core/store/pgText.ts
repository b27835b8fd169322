// Text as PostgreSQL accepts it. text and jsonb refuse NUL (U+0000) and JSON with lone UTF-16
// surrogates; btree indexes refuse keys over about 2,700 bytes. Mail is hostile: every string
// that reaches a table goes through here, so one bad message never fails the page it is in.
import { createHash } from 'node:crypto';

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const wellFormed = (text: string) => text.replace(LONE_SURROGATE, '\uFFFD');

/** The string without NUL bytes and with lone surrogates replaced by U+FFFD. */
export function pgText(value: string): string;
export function pgText(value: string | null | undefined): string | null;
export function pgText(value: string | null | undefined): string | null {
	if (value === null || value === undefined) return null;
	let text = String(value);
	if (text.includes('\u0000')) text = text.replace(NUL, '');
	return wellFormed(text);
}

/** pgText, cut to at most `max` characters (never inside a surrogate pair). */
export function pgTextMax(value: string | null | undefined, max: number): string | null {
	const text = pgText(value);
	if (text === null || text.length <= max) return text;
	return wellFormed(text.slice(0, max));
}

/**
 * A value that is indexed (a key): cleaned, and when longer than `max`, replaced by a stable
 * digest so that the same long value always maps to the same key.
 */
export function pgKey(value: string, max = 900): string {
	const text = pgText(value);
	if (text.length <= max) return text;
	return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** A JSON-able value with every string in it cleaned (for jsonb columns). */
export function pgJson<T>(value: T): T {
	if (typeof value === 'string') return pgText(value) as T;
	if (Array.isArray(value)) return value.map((item) => pgJson(item)) as T;
	if (value && typeof value === 'object') {
		const result: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value as Record<string, unknown>))
			result[pgText(key)] = pgJson(item);
		return result as T;
	}
	return value;
}
