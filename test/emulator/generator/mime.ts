// MIME writing: transfer encodings, RFC 2047 encoded words, RFC 2231 parameters, header folding.
// Everything works on Buffers/strings built per call; nothing is cached per message.

import { Charset, charsetLabel, encodeText, isAscii } from './charsets';

export type TransferEncoding = '7bit' | '8bit' | 'quoted-printable' | 'base64';

export type MimePart =
	| {
			kind: 'text';
			subtype: 'plain' | 'html';
			/** Text with '\n' line endings; written with CRLF. */
			content: string;
			charset: Charset;
			encoding: TransferEncoding;
			flowed?: boolean;
	  }
	| {
			kind: 'attachment';
			mimeType: string;
			filename: string;
			bytes: Buffer;
			contentId?: string;
			inline?: boolean;
	  }
	| {
			kind: 'multipart';
			subtype: 'alternative' | 'mixed' | 'related';
			boundary: string;
			parts: MimePart[];
	  };

const CRLF = '\r\n';

export function base64Lines(bytes: Buffer): string {
	const b64 = bytes.toString('base64');
	let out = '';
	for (let i = 0; i < b64.length; i += 76) out += b64.slice(i, i + 76) + CRLF;
	return out;
}

function hex2(b: number): string {
	return (b < 16 ? '=0' : '=') + b.toString(16).toUpperCase();
}

// Per-byte QP tokens, precomputed: literal printable ASCII (except '='), '=XX' for the rest.
const QP_TOKENS: string[] = Array.from({ length: 256 }, (_, b) =>
	(b >= 33 && b <= 126 && b !== 61) || b === 32 || b === 9 ? String.fromCharCode(b) : hex2(b),
);

/** Quoted-printable (RFC 2045 §6.7) of text whose lines are encoded on their own (hard breaks = CRLF). */
export function quotedPrintable(text: string, charset: Charset): string {
	let out = '';
	const lines = text.split('\n');
	for (let l = 0; l < lines.length; l++) {
		const bytes = encodeText(lines[l], charset);
		let line = '';
		const lastIndex = bytes.length - 1;
		for (let i = 0; i <= lastIndex; i++) {
			const b = bytes[i];
			// Whitespace at the end of a line must be encoded, or transports may strip it.
			const token = i === lastIndex && (b === 32 || b === 9) ? hex2(b) : QP_TOKENS[b];
			// Soft line break keeps every encoded line within 76 characters.
			if (line.length + token.length > 75) {
				out += line + '=' + CRLF;
				line = '';
			}
			line += token;
		}
		out += line;
		if (l < lines.length - 1) out += CRLF;
	}
	// The CRLF before the next boundary belongs to the delimiter, so no extra line break here.
	return out;
}

const Q_SAFE = /[A-Za-z0-9!*+\-/]/;

/** RFC 2047 encoded words (≤ 75 chars each), split on character boundaries, joined by folding. */
export function encodedWords(text: string, charset: Charset, mode: 'B' | 'Q'): string[] {
	const label = charsetLabel[charset];
	const overhead = label.length + 7; // =? label ?X? … ?=
	const words: string[] = [];
	let chunk: Buffer[] = [];
	let bytes = 0;
	let qLength = 0;
	const flush = () => {
		if (!chunk.length) return;
		const all = Buffer.concat(chunk);
		let body = '';
		if (mode === 'B') body = all.toString('base64');
		else for (const b of all) body += qByte(b);
		words.push(`=?${label}?${mode}?${body}?=`);
		chunk = [];
		bytes = 0;
		qLength = 0;
	};
	for (const ch of text) {
		const enc = encodeText(ch, charset);
		let q = 0;
		if (mode === 'Q') for (const b of enc) q += qByte(b).length;
		const next = mode === 'B' ? Math.ceil((bytes + enc.length) / 3) * 4 : qLength + q;
		if (chunk.length && next + overhead > 75) flush();
		chunk.push(enc);
		bytes += enc.length;
		qLength += q;
	}
	flush();
	return words;
}

function qByte(b: number): string {
	if (b === 32) return '_';
	if (b < 128 && Q_SAFE.test(String.fromCharCode(b))) return String.fromCharCode(b);
	return hex2(b);
}

/** Folds a header so physical lines stay short; breaks only before spaces already in the value. */
export function foldHeader(name: string, tokens: string[]): string {
	let out = name + ':';
	let lineLen = out.length;
	for (let i = 0; i < tokens.length; i++) {
		const t = tokens[i];
		if (i > 0 && lineLen + 1 + t.length > 76) {
			out += CRLF + ' ' + t;
			lineLen = 1 + t.length;
		} else {
			out += ' ' + t;
			lineLen += 1 + t.length;
		}
	}
	return out + CRLF;
}

/** An unstructured header value (Subject): plain if ASCII, else encoded words; an ASCII reply prefix stays readable. */
export function unstructuredHeader(
	name: string,
	value: string,
	charset: Charset,
	mode: 'B' | 'Q',
): string {
	if (isAscii(value)) return foldHeader(name, value.split(' '));
	const prefix = /^((?:Re|RE|AW|Fwd|WG|TR): )+/.exec(value)?.[0] ?? '';
	const tokens = prefix ? prefix.trim().split(' ') : [];
	const words = encodedWords(value.slice(prefix.length), charset, mode);
	return foldHeader(name, [...tokens, ...words]);
}

export interface Address {
	name?: string;
	email: string;
}

const ATEXT_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

export function formatAddress(a: Address, charset: Charset, mode: 'B' | 'Q'): string[] {
	if (!a.name) return [a.email];
	if (!isAscii(a.name)) {
		const cs = charset === 'us-ascii' ? 'utf-8' : charset;
		return [...encodedWords(a.name, cs, mode), `<${a.email}>`];
	}
	const phrase = ATEXT_PHRASE.test(a.name) ? a.name : `"${a.name.replace(/(["\\])/g, '\\$1')}"`;
	return [...phrase.split(' '), `<${a.email}>`];
}

export function addressHeader(
	name: string,
	list: Address[],
	charset: Charset,
	mode: 'B' | 'Q',
): string {
	const tokens: string[] = [];
	list.forEach((a, i) => {
		const t = formatAddress(a, charset, mode);
		if (i < list.length - 1) t[t.length - 1] += ',';
		tokens.push(...t);
	});
	return foldHeader(name, tokens);
}

/** Content-Type/Disposition filename: quoted if ASCII, else RFC 2231 (filename*) plus an encoded-word name. */
function filenameParams(filename: string): { type: string; disposition: string } {
	if (isAscii(filename))
		return { type: `name="${filename}"`, disposition: `filename="${filename}"` };
	const pct = encodeURIComponent(filename).replace(
		/['()*!]/g,
		(c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
	);
	return {
		type: `name="${encodedWords(filename, 'utf-8', 'B').join(' ')}"`,
		disposition: `filename*=UTF-8''${pct}`,
	};
}

/** Writes a part (its Content-* headers, a blank line, the body) as chunks; the caller writes the message headers first. */
export function renderPart(part: MimePart, out: (Buffer | string)[]): void {
	if (part.kind === 'multipart') {
		out.push(`Content-Type: multipart/${part.subtype}; boundary="${part.boundary}"${CRLF}${CRLF}`);
		for (const child of part.parts) {
			out.push(`--${part.boundary}${CRLF}`);
			renderPart(child, out);
			out.push(CRLF);
			// (that CRLF starts the next delimiter line, RFC 2046 §5.1.1)
		}
		out.push(`--${part.boundary}--${CRLF}`);
		return;
	}
	if (part.kind === 'text') {
		const flowed = part.flowed ? '; format=flowed' : '';
		out.push(
			`Content-Type: text/${part.subtype}; charset="${charsetLabel[part.charset]}"${flowed}${CRLF}` +
				`Content-Transfer-Encoding: ${part.encoding}${CRLF}${CRLF}`,
		);
		const withCrlf = part.content.replace(/\n/g, CRLF);
		if (part.encoding === 'quoted-printable') out.push(quotedPrintable(part.content, part.charset));
		else if (part.encoding === 'base64') out.push(base64Lines(encodeText(withCrlf, part.charset)));
		else out.push(encodeText(withCrlf, part.charset));
		return;
	}
	const params = filenameParams(part.filename);
	let headers = `Content-Type: ${part.mimeType}; ${params.type}${CRLF}`;
	headers += `Content-Disposition: ${part.inline ? 'inline' : 'attachment'}; ${params.disposition}${CRLF}`;
	headers += `Content-Transfer-Encoding: base64${CRLF}`;
	if (part.contentId)
		headers += `Content-ID: <${part.contentId}>${CRLF}X-Attachment-Id: ${part.contentId.split('@')[0]}${CRLF}`;
	out.push(headers + CRLF);
	out.push(base64Lines(part.bytes));
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date-time in a fixed UTC offset (minutes east of UTC). */
export function rfc5322Date(ms: number, offsetMinutes: number): string {
	const d = new Date(ms + offsetMinutes * 60000);
	const pad = (n: number) => String(n).padStart(2, '0');
	const sign = offsetMinutes < 0 ? '-' : '+';
	const abs = Math.abs(offsetMinutes);
	return (
		`${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
		`${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
	);
}
