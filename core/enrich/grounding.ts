// Grounding: a value a model returns is kept only when it can be found in the text the model was
// sent. This is what makes the model path unable to invent: a phone number, title or company that
// is not written in the signature block (or the From line) is rejected, however plausible.
// Matching forgives what a faithful copy may change (case, spacing, accents, line breaks turned
// into commas, a URL's scheme or "www."), never the words or digits themselves.

export type GroundedField =
	| 'fullName'
	| 'jobTitle'
	| 'company'
	| 'postalAddress'
	| 'email'
	| 'linkedinUrl'
	| 'website'
	| 'phone';

/** Lower case, accents removed, quotes and dashes unified, separators collapsed to one space. */
export function normalizeText(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		.replace(/[’‘`´]/g, "'")
		.replace(/[‐‑‒–—−]/g, '-')
		.replace(/[\s,;|•·]+/g, ' ')
		.trim();
}

/** host + path of a URL or URL-like text: no scheme, no "www.", no query, no trailing slash. */
export function normalizeUrl(url: string): string {
	return url
		.trim()
		.toLowerCase()
		.replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
		.replace(/^www\./, '')
		.replace(/[?#].*$/, '')
		.replace(/\/+$/, '');
}

function digitsOf(text: string): string {
	return text.replace(/\D+/g, '');
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Whether `needle` occurs in `haystack` starting and ending on word boundaries. */
function containsWhole(haystack: string, needle: string, wordChar: RegExp = WORD_CHAR): boolean {
	if (!needle) return false;
	let from = 0;
	for (;;) {
		const at = haystack.indexOf(needle, from);
		if (at < 0) return false;
		const before = at > 0 ? haystack[at - 1]! : '';
		const after = haystack[at + needle.length] ?? '';
		if (!wordChar.test(before) && !wordChar.test(after)) return true;
		from = at + 1;
	}
}

/** Characters that continue a host or path: a match must not be part of a longer URL. */
const URL_CHAR = /[\p{L}\p{N}_%@.-]/u;

/**
 * The source text as URLs are compared: schemes and "www." removed wherever they occur, so
 * "https://www.acme.test/team" and "acme.test/team" read the same.
 */
function urlSearchText(source: string): string {
	return source
		.toLowerCase()
		.replace(/\b[a-z][a-z0-9+.-]*:\/\//g, ' ')
		.replace(/\bwww\./g, ' ');
}

/**
 * Whether `value` (a model's answer for `field`) appears in `sourceText` (what the model was
 * sent). Phones: the digits of the number as written must be one run of digits on one source
 * line (7 digits at least). URLs: host and path, ignoring scheme, "www.", query and a trailing
 * slash. Text: whole words, ignoring case, accents and spacing.
 */
export function valueAppearsInSource(
	field: GroundedField | string,
	value: string,
	sourceText: string,
): boolean {
	const trimmed = value.trim();
	if (!trimmed || !sourceText) return false;
	switch (field) {
		case 'phone':
		case 'phones':
			return phoneDigitsInSource(digitsOf(trimmed), sourceText);
		case 'linkedinUrl':
		case 'website': {
			const wanted = normalizeUrl(trimmed);
			// A bare word is not a URL.
			if (!wanted.includes('.')) return false;
			const haystack = urlSearchText(sourceText);
			if (containsWhole(haystack, wanted, URL_CHAR)) return true;
			// "acme.test/" written with its trailing slash or a sentence's full stop.
			return containsWhole(haystack.replace(/\/(?=\s|$)/g, ' '), wanted, URL_CHAR);
		}
		case 'email':
			return containsWhole(sourceText.toLowerCase(), trimmed.toLowerCase(), URL_CHAR);
		default:
			return containsWhole(normalizeText(sourceText), normalizeText(trimmed));
	}
}

/**
 * Whether `digits` occur as one run of digits on one line of the source, each line's digits read
 * with separators removed ("+49 (0)171 234-5678" gives 4901712345678). A line boundary stops a
 * match, so two numbers on separate lines never add up to a third.
 */
export function phoneDigitsInSource(digits: string, sourceText: string): boolean {
	if (digits.length < 7) return false;
	for (const line of sourceText.split(/\r?\n/)) {
		// Runs of digits joined across the separators numbers are written with.
		for (const run of line.match(/\d[\d\s()./\-–\u00a0]*/g) ?? []) {
			if (digitsOf(run).includes(digits)) return true;
		}
	}
	return false;
}

const TOKEN = /[^\s,;|•·]+/g;

/**
 * How the source writes a text value the model returned in another case or without accents
 * ("JOSE MULLER" → "José Müller"): the source's own words from the first to the last matching
 * one, line breaks turned into ", ". Null when the value is not a run of whole source words.
 */
export function sourceSpelling(value: string, sourceText: string): string | null {
	const wanted = normalizeText(value).split(' ').filter(Boolean);
	if (wanted.length === 0) return null;
	const tokens = [...sourceText.matchAll(TOKEN)].map((match) => ({
		start: match.index,
		end: match.index + match[0].length,
		normalized: normalizeText(match[0]),
	}));
	for (let i = 0; i + wanted.length <= tokens.length; i++) {
		let matches = true;
		for (let j = 0; j < wanted.length && matches; j++) {
			matches = tokens[i + j]!.normalized === wanted[j];
		}
		if (!matches) continue;
		return sourceText
			.slice(tokens[i]!.start, tokens[i + wanted.length - 1]!.end)
			.split(/\s*\n\s*/)
			.map((line) => line.replace(/[,;\s]+$/, ''))
			.join(', ')
			.replace(/[ \t]+/g, ' ');
	}
	return null;
}

/** The source lines a value was found on (its provenance excerpt); empty when none. */
export function linesContaining(
	field: GroundedField | string,
	value: string,
	lines: string[],
): string[] {
	return lines.filter((line) => valueAppearsInSource(field, value, line));
}
