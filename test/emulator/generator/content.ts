// Composition of one message's body: wording, signature, quoted reply, HTML rendering, attachments.
// Pure functions of their inputs; the mailbox calls them lazily when a body is first needed.

import { Charset, fitsCharset } from './charsets';
import { BusinessContact, Locale, Person } from './people';
import { Rng, fmix32 } from './prng';
import { TEXTS, Vars, fill, typography } from './texts';

export interface SignatureBlock {
	textLines: string[];
	/** HTML for the signature (a table for the 'html-table' layout). */
	html: string;
	truth: {
		fullName: string;
		jobTitle?: string;
		company?: string;
		phones: string[];
		phonesAsWritten: string[];
		linkedinUrl?: string;
		address?: string;
		email: string;
		layout: string;
	};
}

export function escapeHtml(s: string): string {
	return s
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

/** The contact's signature block in one of four layouts; the truth lists exactly what is written. */
export function signatureBlock(
	c: BusinessContact,
	rng: Rng,
	closing: string,
	plainOnly: boolean,
): SignatureBlock {
	const layout = plainOnly && c.layout === 'html-table' ? 'dash' : c.layout;
	const linkedinWritten = c.linkedinUrl
		? rng.pick([
				c.linkedinUrl,
				c.linkedinUrl.replace('https://www.', ''),
				`LinkedIn: ${c.linkedinUrl}`,
			])
		: undefined;
	const phoneLines = c.phones.map((p) => `${p.label}: ${p.written}`);
	let textLines: string[];
	switch (layout) {
		case 'dash':
			textLines = [closing, c.first, '', '-- ', c.fullName, c.jobTitle, c.company, ...phoneLines];
			if (linkedinWritten) textLines.push(linkedinWritten);
			if (c.address) textLines.push(c.address);
			break;
		case 'pipes':
			textLines = [closing, '', `${c.fullName} | ${c.jobTitle} | ${c.company}`];
			textLines.push(
				[
					...c.phones.map((p) => p.written),
					c.email,
					...(linkedinWritten ? [linkedinWritten] : []),
				].join(' | '),
			);
			if (c.address) textLines.push(c.address);
			break;
		default:
			textLines = [
				closing,
				c.fullName,
				rng.chance(0.5) ? `${c.jobTitle}, ${c.company}` : `${c.jobTitle} | ${c.company}`,
			];
			textLines.push(c.phones.map((p) => `${p.label[0]} ${p.written}`).join(' | '));
			if (c.address) textLines.push(c.address);
			if (linkedinWritten) textLines.push(linkedinWritten);
	}
	let html: string;
	if (layout === 'html-table') {
		const rows = [
			`<tr><td style="font-weight:bold;font-size:14px;color:#1a1a1a">${escapeHtml(c.fullName)}</td></tr>`,
			`<tr><td style="color:#555">${escapeHtml(c.jobTitle)} &middot; ${escapeHtml(c.company)}</td></tr>`,
			...c.phones.map(
				(p) =>
					`<tr><td>${escapeHtml(p.label)}: <a href="tel:${p.e164}">${escapeHtml(p.written)}</a></td></tr>`,
			),
		];
		if (c.address) rows.push(`<tr><td style="color:#777">${escapeHtml(c.address)}</td></tr>`);
		if (c.linkedinUrl)
			rows.push(`<tr><td><a href="${c.linkedinUrl}">${escapeHtml(linkedinWritten!)}</a></td></tr>`);
		html =
			`<div>${escapeHtml(closing)}</div>\n` +
			`<table cellpadding="0" cellspacing="0" border="0" style="font-family:Arial,sans-serif;font-size:12px">\n` +
			`<tr><td style="border-left:3px solid #2a7ae2;padding-left:8px">\n<table cellpadding="0" cellspacing="0">\n${rows.join('\n')}\n</table>\n</td></tr>\n</table>`;
	} else {
		html = `<div class="gmail_signature" data-smartmail="gmail_signature">${textLines.map((l) => (l ? escapeHtml(l) : '')).join('<br>\n')}</div>`;
	}
	return {
		textLines,
		html,
		truth: {
			fullName: c.fullName,
			jobTitle: c.jobTitle,
			company: c.company,
			phones: c.phones.map((p) => p.e164),
			phonesAsWritten: c.phones.map((p) => p.written),
			linkedinUrl: c.linkedinUrl,
			address: c.address,
			email: c.email,
			layout,
		},
	};
}

export interface Body {
	/** Paragraphs of the message's own text (no quote, no signature). */
	paragraphs: string[];
	greeting?: string;
	signature?: SignatureBlock;
	/** Plain closing lines when there is no full signature block. */
	signoff: string[];
	quote?: { intro: string; lines: string[] };
}

export function renderText(b: Body): string {
	const out: string[] = [];
	if (b.greeting) out.push(b.greeting, '');
	for (const p of b.paragraphs) out.push(p, '');
	if (b.signature) out.push(...b.signature.textLines);
	else out.push(...b.signoff);
	if (b.quote) {
		out.push('', b.quote.intro);
		for (const l of b.quote.lines) out.push(l ? `> ${l}` : '>');
	}
	return out.join('\n').replace(/\n+$/, '') + '\n';
}

const nl2br = (s: string) => escapeHtml(s).replace(/\n/g, '<br>');

export function renderHtml(b: Body): string {
	const out: string[] = ['<div dir="ltr">'];
	if (b.greeting) out.push(`<div>${nl2br(b.greeting)}</div>`, '<div><br></div>');
	for (const p of b.paragraphs) out.push(`<div>${nl2br(p)}</div>`, '<div><br></div>');
	if (b.signature) out.push(b.signature.html);
	else out.push(...b.signoff.filter((l) => l).map((l) => `<div>${nl2br(l)}</div>`));
	out.push('</div>');
	if (b.quote) {
		out.push(
			`<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">${escapeHtml(b.quote.intro)}<br></div>`,
			'<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">',
			...b.quote.lines.map((l) => `<div>${l ? escapeHtml(l) : '<br>'}</div>`),
			'</blockquote></div>',
		);
	}
	return out.join('\n') + '\n';
}

/** Gmail-style snippet: whitespace collapsed, ~200 characters, HTML-escaped as Gmail returns it. */
export function snippetOf(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	const cut = Array.from(flat).slice(0, 200).join('');
	return cut
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

/** Named entities seen in generated and delivered HTML. */
const ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
	middot: '·',
};

/** Readable text of an HTML body (used for snippets and Graph's text bodies). */
export function htmlToText(html: string): string {
	return html
		.replace(/<(head|style|script)[\s\S]*?<\/\1>/gi, '')
		.replace(/<br\s*\/?>/gi, '\n')
		.replace(/<\/(p|div|tr|li|h\d|blockquote)>/gi, '\n')
		.replace(/<[^>]+>/g, '')
		.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
			if (name[0] === '#') {
				const code =
					name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
				return Number.isFinite(code) ? String.fromCodePoint(code) : entity;
			}
			return ENTITIES[name.toLowerCase()] ?? entity;
		})
		.replace(/[ \t]+\n/g, '\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}

export function canEncode(text: string, charset: Charset): boolean {
	return fitsCharset(text, charset);
}

export function localized(locale: Locale, charset: Charset, template: string, vars: Vars): string {
	return typography(fill(template, vars), charset, locale);
}

export function closingsFor(locale: Locale): string[] {
	return TEXTS[locale].closings;
}

export function displayName(p: Person): string {
	return p.fullName;
}

export type AttachmentType = 'pdf' | 'png' | 'csv' | 'docx';

export const ATTACHMENT_MIME: Record<AttachmentType, string> = {
	pdf: 'application/pdf',
	png: 'image/png',
	csv: 'text/csv',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** Small deterministic file-like bytes: the right magic numbers and structure markers, filler inside. */
export function attachmentBytes(type: AttachmentType, size: number, seed: number): Buffer {
	const buf = Buffer.allocUnsafe(size);
	let x = seed | 1;
	const ascii = type === 'pdf' || type === 'csv';
	for (let i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		buf[i] = ascii ? 32 + ((x >>> 0) % 95) : x & 0xff;
	}
	const put = (s: string | Buffer, at: number) => {
		const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
		if (at >= 0 && at + b.length <= size) b.copy(buf, at);
	};
	if (type === 'pdf') {
		put(
			'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\nstream\n',
			0,
		);
		put('\nendstream\n%%EOF\n', size - 18);
	} else if (type === 'png') {
		put(
			Buffer.from([
				0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
			]),
			0,
		);
		put(Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]), size - 12);
	} else if (type === 'docx') {
		put(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0]), 0);
		put('[Content_Types].xml', 30);
	} else {
		// CSV: real rows so text viewers show something sensible.
		let csv = 'date,item,quantity,amount\n';
		let row = 0;
		while (csv.length < size) {
			row++;
			csv += `2026-0${1 + (row % 9)}-${10 + (row % 18)},item-${(fmix32(seed + row) % 900) + 100},${1 + (row % 7)},${(fmix32(seed ^ row) % 90000) / 100}\n`;
		}
		Buffer.from(csv.slice(0, size - 1) + '\n', 'latin1').copy(buf, 0);
	}
	return buf;
}
