import { randomBytes, randomUUID } from 'node:crypto';

import { parseMessageIdList, type EmailAddress } from '../records/emailRecord';
import { parseAddressList } from './addressList';

export { parseAddressList };

/** An address as a caller gives it: a parsed one, or text such as `Ann <ann@x.com>`. */
export type MailAddressInput = string | { name?: string | null; email: string };

export interface MailAttachmentInput {
	filename: string;
	mimeType: string;
	content: Buffer;
	/** Content-ID without angle brackets, for images an HTML body shows inline (cid:…). */
	contentId?: string;
	inline?: boolean;
}

export interface ComposeMimeInput {
	from?: MailAddressInput;
	to?: MailAddressInput[];
	cc?: MailAddressInput[];
	bcc?: MailAddressInput[];
	replyTo?: MailAddressInput[];
	subject?: string;
	text?: string;
	html?: string;
	attachments?: MailAttachmentInput[];
	/** With angle brackets; generated when left out. */
	messageId?: string;
	inReplyTo?: string;
	references?: string[];
	date?: Date;
}

export interface ComposedMime {
	raw: Buffer;
	messageId: string;
}

const CRLF = '\r\n';
// An encoded word may be 75 characters; `=?UTF-8?B?` + `?=` leave 63 for base64, i.e. 45 bytes.
const ENCODED_WORD_BYTES = 45;

const isPrintableAscii = (text: string) => /^[\x20-\x7e]*$/.test(text);

/** RFC 2047 B-encoded words, split on code points so every word is valid UTF-8 on its own. */
function encodeWords(text: string): string {
	const words: string[] = [];
	let chunk = '';
	let chunkBytes = 0;
	for (const char of text) {
		const bytes = Buffer.byteLength(char);
		if (chunkBytes + bytes > ENCODED_WORD_BYTES && chunk) {
			words.push(chunk);
			chunk = '';
			chunkBytes = 0;
		}
		chunk += char;
		chunkBytes += bytes;
	}
	if (chunk) words.push(chunk);
	return words
		.map((word) => `=?UTF-8?B?${Buffer.from(word).toString('base64')}?=`)
		.join(`${CRLF} `);
}

/**
 * An unstructured header value (Subject): printable ASCII stays readable unless it could be
 * mistaken for an encoded word; anything else becomes encoded words.
 */
function encodeUnstructured(text: string): string {
	if (isPrintableAscii(text) && !text.includes('=?') && !/^\s|\s$|\s\s/.test(text)) {
		return foldAtSpaces(text);
	}
	return encodeWords(text);
}

/** Folds a long ASCII value at spaces so lines stay near 78 characters. */
function foldAtSpaces(text: string): string {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line && line.length + word.length + 1 > 70) {
			lines.push(line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	lines.push(line);
	return lines.join(`${CRLF} `);
}

/** A display name as an RFC 5322 phrase: an atom, a quoted string, or encoded words. */
function encodeDisplayName(name: string): string {
	if (!isPrintableAscii(name)) return encodeWords(name);
	if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(name) && !/^ | $/.test(name)) return name;
	return `"${name.replace(/(["\\])/g, '\\$1')}"`;
}

function toAddress(input: MailAddressInput): EmailAddress[] {
	if (typeof input === 'string') return parseAddressList(input);
	return [{ name: input.name ?? null, email: input.email }];
}

function formatAddress(address: EmailAddress): string {
	return address.name ? `${encodeDisplayName(address.name)} <${address.email}>` : address.email;
}

function addressHeader(inputs: MailAddressInput[] | undefined): string | undefined {
	const addresses = (inputs ?? []).flatMap(toAddress);
	if (addresses.length === 0) return undefined;
	return addresses.map(formatAddress).join(`,${CRLF} `);
}

function base64Lines(content: Buffer): string {
	return (content.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

/** A header parameter value: quoted ASCII, or RFC 2231 `name*=UTF-8''…` for anything else. */
function parameter(name: string, value: string): string {
	if (isPrintableAscii(value)) return `${name}="${value.replace(/(["\\])/g, '\\$1')}"`;
	const encoded = encodeURIComponent(value).replace(
		/['()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
	return `${name}*=UTF-8''${encoded}`;
}

interface MimePart {
	headers: string[];
	body: string;
}

function textPart(content: string, subtype: 'plain' | 'html'): MimePart {
	// Base64 keeps the text byte-exact (line endings, long lines, any script) on every hop.
	return {
		headers: [`Content-Type: text/${subtype}; charset=UTF-8`, 'Content-Transfer-Encoding: base64'],
		body: base64Lines(Buffer.from(content, 'utf8')),
	};
}

function attachmentPart(attachment: MailAttachmentInput): MimePart {
	const disposition = attachment.inline ? 'inline' : 'attachment';
	const headers = [
		`Content-Type: ${attachment.mimeType || 'application/octet-stream'};${CRLF} ${parameter('name', attachment.filename)}`,
		'Content-Transfer-Encoding: base64',
		`Content-Disposition: ${disposition};${CRLF} ${parameter('filename', attachment.filename)}`,
	];
	if (attachment.contentId) headers.push(`Content-ID: <${attachment.contentId}>`);
	return { headers, body: base64Lines(attachment.content) };
}

function multipart(subtype: 'alternative' | 'mixed', parts: MimePart[]): MimePart {
	const boundary = `=_crm-connect_${randomBytes(12).toString('hex')}`;
	const body = [
		...parts.map(
			(part) => `--${boundary}${CRLF}${part.headers.join(CRLF)}${CRLF}${CRLF}${part.body}`,
		),
		`--${boundary}--`,
	].join(CRLF);
	return { headers: [`Content-Type: multipart/${subtype};${CRLF} boundary="${boundary}"`], body };
}

function rfc5322Date(date: Date): string {
	return date.toUTCString().replace('GMT', '+0000');
}

function domainOf(from: MailAddressInput | undefined): string {
	const email = from ? toAddress(from)[0]?.email : undefined;
	const domain = email?.split('@')[1];
	return domain && /^[A-Za-z0-9.-]+$/.test(domain) ? domain : 'crm-connect.local';
}

/**
 * Composes an RFC 5322 message: text and HTML as multipart/alternative, attachments around it in
 * multipart/mixed, encoded words for non-ASCII subjects and names, a Message-ID, and the
 * In-Reply-To / References a reply needs to thread.
 */
export function composeMime(input: ComposeMimeInput): ComposedMime {
	const messageId = input.messageId ?? `<${randomUUID()}@${domainOf(input.from)}>`;
	const headers: string[] = [];
	const from = input.from ? addressHeader([input.from]) : undefined;
	if (from) headers.push(`From: ${from}`);
	for (const [name, list] of [
		['To', input.to],
		['Cc', input.cc],
		['Bcc', input.bcc],
		['Reply-To', input.replyTo],
	] as const) {
		const value = addressHeader(list);
		if (value) headers.push(`${name}: ${value}`);
	}
	if (input.subject !== undefined) headers.push(`Subject: ${encodeUnstructured(input.subject)}`);
	headers.push(`Date: ${rfc5322Date(input.date ?? new Date())}`);
	headers.push(`Message-ID: ${messageId}`);
	if (input.inReplyTo) headers.push(`In-Reply-To: ${input.inReplyTo}`);
	if (input.references?.length) headers.push(`References: ${input.references.join(`${CRLF} `)}`);
	headers.push('MIME-Version: 1.0');

	const bodies: MimePart[] = [];
	if (input.text !== undefined && input.text !== null) bodies.push(textPart(input.text, 'plain'));
	if (input.html !== undefined && input.html !== null) bodies.push(textPart(input.html, 'html'));
	if (bodies.length === 0) bodies.push(textPart('', 'plain'));
	let content = bodies.length > 1 ? multipart('alternative', bodies) : bodies[0];
	if (input.attachments?.length) {
		content = multipart('mixed', [content, ...input.attachments.map(attachmentPart)]);
	}
	const raw = [...headers, ...content.headers].join(CRLF) + CRLF + CRLF + content.body + CRLF;
	return { raw: Buffer.from(raw, 'utf8'), messageId };
}

/** The subject of a reply: `Re: ` once, however the original was already prefixed. */
export function replySubject(subject: string | null | undefined): string {
	const original = (subject ?? '').trim();
	return /^(re|aw|sv|antw)\s*:/i.test(original) ? original : `Re: ${original}`;
}

/** The References of a reply: the original's chain, then the original itself (no repeats). */
export function replyReferences(
	references: string | string[] | null | undefined,
	inReplyTo: string | null | undefined,
	originalMessageId: string | null | undefined,
): string[] {
	const chain = Array.isArray(references) ? references : parseMessageIdList(references);
	// A message without References but with In-Reply-To still names its parent (RFC 5322 3.6.4).
	const base = chain.length ? chain : parseMessageIdList(inReplyTo);
	const result = [...base];
	if (originalMessageId && !result.includes(originalMessageId)) result.push(originalMessageId);
	return result;
}
