// Encoders for the legacy charsets the generator writes (ISO-8859-1, Windows-1252, Shift_JIS).
// Node's TextDecoder (full ICU) already knows these tables, so the reverse (Unicode → bytes) maps
// are built once from it instead of pulling in an encoding library.

export type Charset = 'utf-8' | 'us-ascii' | 'iso-8859-1' | 'windows-1252' | 'shift_jis';

/** The label written into Content-Type / encoded words. */
export const charsetLabel: Record<Charset, string> = {
	'utf-8': 'UTF-8',
	'us-ascii': 'us-ascii',
	'iso-8859-1': 'ISO-8859-1',
	'windows-1252': 'windows-1252',
	shift_jis: 'Shift_JIS',
};

let windows1252: Map<number, number> | undefined;
let shiftJis: Map<number, number> | undefined;

// Windows-1252's bytes 0x80–0x9F (the rest is Latin-1), written out rather than read from a
// TextDecoder: the table must not depend on the runtime's ICU or the test realm's globals.
const WINDOWS_1252_HIGH: Array<[number, number]> = [
	[0x80, 0x20ac],
	[0x82, 0x201a],
	[0x83, 0x0192],
	[0x84, 0x201e],
	[0x85, 0x2026],
	[0x86, 0x2020],
	[0x87, 0x2021],
	[0x88, 0x02c6],
	[0x89, 0x2030],
	[0x8a, 0x0160],
	[0x8b, 0x2039],
	[0x8c, 0x0152],
	[0x8e, 0x017d],
	[0x91, 0x2018],
	[0x92, 0x2019],
	[0x93, 0x201c],
	[0x94, 0x201d],
	[0x95, 0x2022],
	[0x96, 0x2013],
	[0x97, 0x2014],
	[0x98, 0x02dc],
	[0x99, 0x2122],
	[0x9a, 0x0161],
	[0x9b, 0x203a],
	[0x9c, 0x0153],
	[0x9e, 0x017e],
	[0x9f, 0x0178],
];

function buildWindows1252(): Map<number, number> {
	return new Map(WINDOWS_1252_HIGH.map(([byte, codePoint]) => [codePoint, byte]));
}

function buildShiftJis(): Map<number, number> {
	const map = new Map<number, number>();
	const decoder = new TextDecoder('shift_jis');
	// Half-width katakana are single bytes 0xA1–0xDF.
	for (let b = 0xa1; b <= 0xdf; b++) map.set(decoder.decode(Uint8Array.of(b)).codePointAt(0)!, b);
	const leads: number[] = [];
	for (let l = 0x81; l <= 0x9f; l++) leads.push(l);
	for (let l = 0xe0; l <= 0xfc; l++) leads.push(l);
	for (const lead of leads) {
		for (let trail = 0x40; trail <= 0xfc; trail++) {
			if (trail === 0x7f) continue;
			const ch = decoder.decode(Uint8Array.of(lead, trail));
			if (ch.length !== 1 || ch === '\ufffd') continue;
			const cp = ch.codePointAt(0)!;
			// Keep the first (JIS X 0208) mapping when IBM/NEC extensions duplicate a character.
			if (!map.has(cp)) map.set(cp, (lead << 8) | trail);
		}
	}
	return map;
}

/** Encodes text into the charset's bytes; throws if a character has no mapping (a generator bug). */
export function encodeText(text: string, charset: Charset): Buffer {
	if (charset === 'utf-8') return Buffer.from(text, 'utf8');
	if (charset === 'us-ascii' || charset === 'iso-8859-1') {
		const limit = charset === 'us-ascii' ? 0x7f : 0xff;
		const out = Buffer.allocUnsafe(text.length);
		for (let i = 0; i < text.length; i++) {
			const c = text.charCodeAt(i);
			if (c > limit) throw new Error(`'${text[i]}' is not in ${charset}`);
			out[i] = c;
		}
		return out;
	}
	if (charset === 'windows-1252') {
		windows1252 ??= buildWindows1252();
		const out = Buffer.allocUnsafe(text.length);
		for (let i = 0; i < text.length; i++) {
			const c = text.charCodeAt(i);
			const b = c < 0x80 || (c >= 0xa0 && c <= 0xff) ? c : windows1252.get(c);
			if (b === undefined) throw new Error(`'${text[i]}' is not in windows-1252`);
			out[i] = b;
		}
		return out;
	}
	shiftJis ??= buildShiftJis();
	const bytes: number[] = [];
	for (const ch of text) {
		const c = ch.codePointAt(0)!;
		if (c < 0x80) {
			bytes.push(c);
			continue;
		}
		const v = shiftJis.get(c);
		if (v === undefined) throw new Error(`'${ch}' is not in Shift_JIS`);
		if (v > 0xff) bytes.push(v >> 8, v & 0xff);
		else bytes.push(v);
	}
	return Buffer.from(bytes);
}

/** Whether every character of the text has a byte sequence in the charset (no allocation). */
export function fitsCharset(text: string, charset: Charset): boolean {
	if (charset === 'utf-8') return true;
	if (charset === 'us-ascii') return isAscii(text);
	if (charset === 'iso-8859-1') {
		for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
		return true;
	}
	if (charset === 'windows-1252') {
		windows1252 ??= buildWindows1252();
		for (let i = 0; i < text.length; i++) {
			const c = text.charCodeAt(i);
			if (c >= 0x80 && !(c >= 0xa0 && c <= 0xff) && !windows1252.has(c)) return false;
		}
		return true;
	}
	shiftJis ??= buildShiftJis();
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c >= 0x80 && !shiftJis.has(c)) return false;
	}
	return true;
}

export function isAscii(text: string): boolean {
	for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
	return true;
}
