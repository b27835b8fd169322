// A small RFC 5322 / MIME reader and the converter from MIME to the Gmail API `payload` part tree.
// The tree mirrors the real MIME structure, as Gmail's does: the root part has partId '', its
// children '0', '1', …, grandchildren '0.0', … Leaf bodies are transfer-decoded (base64,
// quoted-printable) but keep their charset; parts with a filename carry an attachmentId instead
// of inline data.

import { htmlToText, snippetOf } from '../generator/content';
import { encodeToken, toBase64Url } from './gmailEncoding';

export interface MimeHeader {
	name: string;
	value: string; // unfolded, RFC 2047 encoded-words decoded
}

export interface MimeNode {
	partId: string;
	headers: MimeHeader[];
	mimeType: string; // lower case type/subtype
	params: Record<string, string>; // Content-Type parameters (lower-case names)
	disposition?: string;
	filename: string;
	/** Transfer-encoded body bytes as they appear in the message (leaves only). */
	rawBody: Buffer;
	children: MimeNode[];
}

export interface GmailMessagePart {
	partId: string;
	mimeType: string;
	filename: string;
	headers: { name: string; value: string }[];
	body: { size: number; data?: string; attachmentId?: string };
	parts?: GmailMessagePart[];
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const LF_LF = Buffer.from('\n\n');

/** Splits a message (or a body part) into its header block and body. */
export function splitHeaderBody(buf: Buffer): { head: Buffer; body: Buffer } {
	const a = buf.indexOf(CRLF_CRLF);
	const b = buf.indexOf(LF_LF);
	if (a === -1 && b === -1) {
		return { head: buf, body: Buffer.alloc(0) };
	}
	if (a !== -1 && (b === -1 || a <= b)) {
		return { head: buf.subarray(0, a), body: buf.subarray(a + 4) };
	}
	return { head: buf.subarray(0, b), body: buf.subarray(b + 2) };
}

function bytesToText(bytes: Buffer): string {
	// Raw 8-bit headers are almost always UTF-8 (RFC 6532); fall back to Latin-1 like mail readers.
	const text = bytes.toString('utf8');
	return text.includes('\uFFFD') ? bytes.toString('latin1') : text;
}

export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
	const label = (charset || 'utf-8').trim().toLowerCase();
	try {
		return new TextDecoder(label).decode(bytes);
	} catch {
		return bytes.toString('latin1');
	}
}

function decodeQEncoding(text: string): Buffer {
	const bytes: number[] = [];
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '_') {
			bytes.push(0x20);
		} else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
			bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			bytes.push(c.charCodeAt(0) & 0xff);
		}
	}
	return Buffer.from(bytes);
}

/** Decodes RFC 2047 encoded-words; whitespace between adjacent encoded-words is dropped. */
export function decodeEncodedWords(value: string): string {
	const re = /=\?([^?*]+)(?:\*[^?]*)?\?([bBqQ])\?([^?]*)\?=/g;
	let out = '';
	let last = 0;
	let previousWasWord = false;
	for (let m = re.exec(value); m; m = re.exec(value)) {
		const between = value.slice(last, m.index);
		if (!(previousWasWord && /^\s*$/.test(between))) {
			out += between;
		}
		const bytes = m[2].toLowerCase() === 'b' ? Buffer.from(m[3], 'base64') : decodeQEncoding(m[3]);
		out += decodeCharset(bytes, m[1]);
		last = m.index + m[0].length;
		previousWasWord = true;
	}
	return out + value.slice(last);
}

/** Parses a header block into unfolded headers, in order. `decode` applies RFC 2047. */
export function parseHeaderBlock(head: Buffer, decode = true): MimeHeader[] {
	const lines = bytesToText(head).split(/\r?\n/);
	const headers: MimeHeader[] = [];
	for (const line of lines) {
		if (/^[ \t]/.test(line) && headers.length > 0) {
			headers[headers.length - 1].value += line;
			continue;
		}
		const colon = line.indexOf(':');
		if (colon <= 0) {
			continue;
		}
		headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
	}
	if (decode) {
		for (const h of headers) {
			h.value = decodeEncodedWords(h.value);
		}
	}
	return headers;
}

export function headerValue(headers: MimeHeader[], name: string): string | undefined {
	const lower = name.toLowerCase();
	return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** Parses `type/subtype; a=b; c="d"` including RFC 2231 continuations and charsets. */
export function parseStructuredHeader(value: string | undefined): {
	value: string;
	params: Record<string, string>;
} {
	if (!value) {
		return { value: '', params: {} };
	}
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	for (let i = 0; i < value.length; i++) {
		const c = value[i];
		if (c === '"') {
			quoted = !quoted;
			current += c;
		} else if (c === '\\' && quoted && i + 1 < value.length) {
			current += c + value[++i];
		} else if (c === ';' && !quoted) {
			parts.push(current);
			current = '';
		} else {
			current += c;
		}
	}
	parts.push(current);
	const params: Record<string, string> = {};
	const extended: Record<string, { index: number; text: string; encoded: boolean }[]> = {};
	for (const p of parts.slice(1)) {
		const eq = p.indexOf('=');
		if (eq === -1) {
			continue;
		}
		const key = p.slice(0, eq).trim().toLowerCase();
		let val = p.slice(eq + 1).trim();
		if (val.startsWith('"') && val.endsWith('"') && val.length >= 2) {
			val = val.slice(1, -1).replace(/\\(.)/g, '$1');
		}
		const m = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(key);
		if (m && (m[2] !== undefined || m[3])) {
			(extended[m[1]] ??= []).push({ index: Number(m[2] ?? 0), text: val, encoded: !!m[3] });
		} else {
			params[key] = val;
		}
	}
	for (const [key, pieces] of Object.entries(extended)) {
		pieces.sort((x, y) => x.index - y.index);
		let charset = 'utf-8';
		const bytes: Buffer[] = [];
		pieces.forEach((piece, i) => {
			let text = piece.text;
			if (piece.encoded && i === 0) {
				const m = /^([^']*)'[^']*'(.*)$/.exec(text);
				if (m) {
					charset = m[1] || charset;
					text = m[2];
				}
			}
			bytes.push(
				piece.encoded
					? Buffer.from(
							text.replace(/%([0-9A-Fa-f]{2})|(.)/gs, (_, hex, ch) =>
								hex ? String.fromCharCode(parseInt(hex, 16)) : ch,
							),
							'latin1',
						)
					: Buffer.from(text, 'utf8'),
			);
		});
		params[key] = decodeCharset(Buffer.concat(bytes), charset);
	}
	return { value: parts[0].trim().toLowerCase(), params };
}

export function decodeTransfer(body: Buffer, encoding: string | undefined): Buffer {
	const enc = (encoding || '7bit').trim().toLowerCase();
	if (enc === 'base64') {
		return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
	}
	if (enc === 'quoted-printable') {
		const text = body.toString('latin1').replace(/=\r?\n/g, '');
		const out = Buffer.alloc(text.length);
		let n = 0;
		for (let i = 0; i < text.length; i++) {
			const c = text.charCodeAt(i);
			if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
				out[n++] = parseInt(text.slice(i + 1, i + 3), 16);
				i += 2;
			} else {
				out[n++] = c;
			}
		}
		return out.subarray(0, n);
	}
	return body;
}

export function splitMultipart(body: Buffer, boundary: string): Buffer[] {
	const delimiter = Buffer.from('--' + boundary);
	const parts: Buffer[] = [];
	let start = -1;
	let pos = 0;
	while (pos <= body.length) {
		const idx = body.indexOf(delimiter, pos);
		if (idx === -1) {
			break;
		}
		// A delimiter only counts at the start of a line.
		if (idx !== 0 && body[idx - 1] !== 0x0a) {
			pos = idx + delimiter.length;
			continue;
		}
		if (start !== -1) {
			let end = idx;
			if (end > 0 && body[end - 1] === 0x0a) end--;
			if (end > 0 && body[end - 1] === 0x0d) end--;
			parts.push(body.subarray(start, Math.max(start, end)));
		}
		const after = idx + delimiter.length;
		if (body[after] === 0x2d && body[after + 1] === 0x2d) {
			return parts; // closing delimiter
		}
		const eol = body.indexOf(0x0a, after);
		if (eol === -1) {
			break;
		}
		start = eol + 1;
		pos = start;
	}
	return parts;
}

/** Parses a full message (or a body part) into a MIME tree with Gmail-style part ids. */
export function parseMime(buf: Buffer, partId = '', defaultType = 'text/plain'): MimeNode {
	const { head, body } = splitHeaderBody(buf);
	const headers = parseHeaderBlock(head);
	const ct = parseStructuredHeader(headerValue(headers, 'content-type'));
	const mimeType = ct.value && ct.value.includes('/') ? ct.value : defaultType;
	const cd = parseStructuredHeader(headerValue(headers, 'content-disposition'));
	const filename = decodeEncodedWords(cd.params.filename ?? ct.params.name ?? '');
	const node: MimeNode = {
		partId,
		headers,
		mimeType,
		params: ct.params,
		disposition: cd.value || undefined,
		filename,
		rawBody: body,
		children: [],
	};
	if (mimeType.startsWith('multipart/') && ct.params.boundary) {
		const childDefault = mimeType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
		node.children = splitMultipart(body, ct.params.boundary).map((part, i) =>
			parseMime(part, partId === '' ? String(i) : `${partId}.${i}`, childDefault),
		);
		node.rawBody = Buffer.alloc(0);
	}
	return node;
}

export function decodedBody(node: MimeNode): Buffer {
	return decodeTransfer(node.rawBody, headerValue(node.headers, 'content-transfer-encoding'));
}

export function isAttachmentPart(node: MimeNode): boolean {
	return node.children.length === 0 && (node.filename !== '' || node.disposition === 'attachment');
}

/** attachmentId encodes where the bytes live (message id + part id); opaque to clients. */
export function attachmentIdFor(messageId: string, partId: string): string {
	return 'ANGjdJ' + encodeToken({ m: messageId, p: partId });
}

export function toGmailPart(node: MimeNode, messageId: string): GmailMessagePart {
	const part: GmailMessagePart = {
		partId: node.partId,
		mimeType: node.mimeType,
		filename: node.filename,
		headers: node.headers.map((h) => ({ name: h.name, value: h.value })),
		body: { size: 0 },
	};
	if (node.children.length > 0) {
		part.parts = node.children.map((child) => toGmailPart(child, messageId));
	} else {
		const bytes = decodedBody(node);
		if (isAttachmentPart(node)) {
			part.body = { attachmentId: attachmentIdFor(messageId, node.partId), size: bytes.length };
		} else {
			part.body = bytes.length > 0 ? { size: bytes.length, data: toBase64Url(bytes) } : { size: 0 };
		}
	}
	return part;
}

export function findPart(node: MimeNode, partId: string): MimeNode | undefined {
	if (node.partId === partId) {
		return node;
	}
	for (const child of node.children) {
		const found = findPart(child, partId);
		if (found) return found;
	}
	return undefined;
}

/** The facts search and snippets need from a message that was not generated (sent, delivered). */
export interface MessageFacts {
	subject: string;
	from: string;
	to: string;
	cc: string;
	bcc: string;
	messageIdHeader?: string;
	inReplyTo?: string;
	references: string[];
	date?: number;
	text: string;
	hasAttachment: boolean;
	snippet: string;
}

function firstText(node: MimeNode, type: string): MimeNode | undefined {
	if (node.children.length === 0) {
		return node.mimeType === type && !isAttachmentPart(node) ? node : undefined;
	}
	for (const child of node.children) {
		const found = firstText(child, type);
		if (found) return found;
	}
	return undefined;
}

function hasAttachment(node: MimeNode): boolean {
	return isAttachmentPart(node) || node.children.some(hasAttachment);
}

export function extractFacts(raw: Buffer): MessageFacts {
	const root = parseMime(raw);
	const h = (name: string) => headerValue(root.headers, name) ?? '';
	const plain = firstText(root, 'text/plain');
	const html = plain ? undefined : firstText(root, 'text/html');
	let text = '';
	if (plain) {
		text = decodeCharset(decodedBody(plain), plain.params.charset);
	} else if (html) {
		text = htmlToText(decodeCharset(decodedBody(html), html.params.charset));
	}
	const date = Date.parse(h('date'));
	const messageIds = (v: string) => v.match(/<[^>]+>/g) ?? [];
	return {
		subject: h('subject'),
		from: h('from'),
		to: h('to'),
		cc: h('cc'),
		bcc: h('bcc'),
		messageIdHeader: messageIds(h('message-id'))[0],
		inReplyTo: messageIds(h('in-reply-to'))[0],
		references: messageIds(h('references')),
		date: Number.isNaN(date) ? undefined : date,
		text,
		hasAttachment: hasAttachment(root),
		snippet: snippetOf(text),
	};
}
