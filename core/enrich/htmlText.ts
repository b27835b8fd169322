// HTML mail → text lines, without a DOM library. One linear pass over the markup: quote containers
// (Gmail, Outlook, Apple Mail, Thunderbird, Yahoo) are dropped whole, block elements become line
// breaks, table cells become " | ", and the lines of a Gmail signature div are remembered so the
// signature finder can use them when the text itself gives no hint.

export interface HtmlText {
	/** Text lines (trimmed, whitespace collapsed); empty strings are paragraph breaks. */
	lines: string[];
	/** Indexes into `lines` that sat inside a `gmail_signature` container (outside any quote). */
	signatureLines: number[];
}

const NAMED_ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: '\u00a0',
	ensp: ' ',
	emsp: ' ',
	thinsp: ' ',
	middot: '·',
	bull: '•',
	ndash: '–',
	mdash: '—',
	hellip: '…',
	copy: '©',
	reg: '®',
	trade: '™',
	laquo: '«',
	raquo: '»',
	lsquo: '‘',
	rsquo: '’',
	ldquo: '“',
	rdquo: '”',
	euro: '€',
	pound: '£',
	yen: '¥',
	sect: '§',
	deg: '°',
	auml: 'ä',
	ouml: 'ö',
	uuml: 'ü',
	Auml: 'Ä',
	Ouml: 'Ö',
	Uuml: 'Ü',
	szlig: 'ß',
	eacute: 'é',
	egrave: 'è',
	ecirc: 'ê',
	euml: 'ë',
	Eacute: 'É',
	Egrave: 'È',
	agrave: 'à',
	aacute: 'á',
	acirc: 'â',
	atilde: 'ã',
	Agrave: 'À',
	Aacute: 'Á',
	ccedil: 'ç',
	Ccedil: 'Ç',
	iacute: 'í',
	icirc: 'î',
	iuml: 'ï',
	oacute: 'ó',
	ocirc: 'ô',
	otilde: 'õ',
	uacute: 'ú',
	ucirc: 'û',
	ugrave: 'ù',
	ntilde: 'ñ',
	Ntilde: 'Ñ',
	aring: 'å',
	Aring: 'Å',
	oslash: 'ø',
	aelig: 'æ',
	zwnj: '',
	zwj: '',
	shy: '',
};

/** Decodes character references; unknown names are left as written. */
export function decodeEntities(s: string): string {
	if (s.indexOf('&') < 0) return s;
	return s.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,8});/g, (whole, name: string) => {
		if (name[0] === '#') {
			const code =
				name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
			if (
				!Number.isFinite(code) ||
				code <= 0 ||
				code > 0x10ffff ||
				(code >= 0xd800 && code <= 0xdfff)
			)
				return ' ';
			return String.fromCodePoint(code);
		}
		return NAMED_ENTITIES[name] ?? NAMED_ENTITIES[name.toLowerCase()] ?? whole;
	});
}

/** Elements whose content is never text. */
const DROPPED_WITH_CONTENT = new Set([
	'head',
	'style',
	'script',
	'title',
	'xml',
	'template',
	'noscript',
	'svg',
	'object',
]);

/** Elements that end a line. */
const BLOCK = new Set([
	'br',
	'div',
	'p',
	'tr',
	'li',
	'ul',
	'ol',
	'table',
	'tbody',
	'thead',
	'tfoot',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'blockquote',
	'pre',
	'section',
	'article',
	'header',
	'footer',
	'address',
	'dd',
	'dt',
	'dl',
	'center',
	'hr',
	'caption',
	'form',
	'fieldset',
]);

/** Elements that end a paragraph (a blank line), as mail clients render them. */
const PARAGRAPH = new Set([
	'p',
	'table',
	'blockquote',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'ul',
	'ol',
]);

const VOID = new Set([
	'br',
	'hr',
	'img',
	'meta',
	'link',
	'input',
	'col',
	'area',
	'base',
	'wbr',
	'source',
]);

/** Outlook puts this rule before the quoted header block; the text layer recognises it. */
export const RULE_LINE = '________________________________';

/** Whether an opening tag starts a container that holds quoted or forwarded mail. */
function isQuoteContainer(name: string, attrs: string): boolean {
	if (attrs.length === 0) return false;
	const lower = attrs.toLowerCase();
	if (name === 'blockquote') {
		return (
			/type\s*=\s*["']?cite/.test(lower) || lower.includes('gmail_quote') || lower.includes('quote')
		);
	}
	if (name !== 'div' && name !== 'section') return false;
	return (
		lower.includes('gmail_quote') ||
		lower.includes('yahoo_quoted') ||
		lower.includes('moz-cite-prefix') ||
		lower.includes('moz-forward-container') ||
		lower.includes('outlookmessageheader') ||
		lower.includes('protonmail_quote') ||
		lower.includes('zmail_extra')
	);
}

function tagName(html: string, start: number): { name: string; end: number } {
	let i = start;
	while (i < html.length) {
		const c = html.charCodeAt(i);
		// letters, digits, '-', ':' (o:p and friends)
		if (
			(c >= 97 && c <= 122) ||
			(c >= 65 && c <= 90) ||
			(c >= 48 && c <= 57) ||
			c === 45 ||
			c === 58
		)
			i++;
		else break;
	}
	return { name: html.slice(start, i).toLowerCase(), end: i };
}

/** Cap on how much of a body is read: signatures sit in the first megabyte of any real mail. */
const MAX_HTML = 1_000_000;

export function htmlToLines(input: string): HtmlText {
	const html = input.length > MAX_HTML ? input.slice(0, MAX_HTML) : input;
	const lines: string[] = [];
	const signatureLines: number[] = [];
	let current = '';
	let pendingBlank = false;
	/** Stack depth counters for the container being skipped (quote) and for gmail_signature. */
	let skipName = '';
	let skipDepth = 0;
	let signatureName = '';
	let signatureDepth = 0;
	let stop = false;
	let lowerHtml: string | null = null;

	let cellDepth = 0;
	let msoParagraph = false;
	/** Whether the current table cell holds a line break: its row is then read cell by cell. */
	let cellBroke = false;
	const push = (text: string) => {
		const line = text.replace(/[ \t\u00a0]+/g, ' ').trim();
		if (line.length === 0) {
			// Outlook's empty paragraphs (<p>&nbsp;</p>) are its paragraph breaks.
			if (text.includes('\u00a0')) pendingBlank = true;
			return;
		}
		if (pendingBlank && lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
		pendingBlank = false;
		if (signatureDepth > 0) signatureLines.push(lines.length);
		lines.push(line);
	};
	const flush = (cellsAsLines = false) => {
		// Cells are separated by \u0001 while a row is built; empty cells vanish.
		const line = current;
		current = '';
		if (line.indexOf('\u0001') < 0) return push(line);
		const cells = line
			.split('\u0001')
			.map((c) => c.trim())
			.filter((c) => c.length > 0);
		if (cellsAsLines) cells.forEach(push);
		else push(cells.join(' | '));
	};
	const paragraphBreak = () => {
		flush();
		pendingBlank = true;
	};

	let i = 0;
	const n = html.length;
	while (i < n && !stop) {
		const lt = html.indexOf('<', i);
		const textEnd = lt < 0 ? n : lt;
		if (textEnd > i && skipDepth === 0) {
			current += decodeEntities(html.slice(i, textEnd).replace(/\s+/g, ' '));
		}
		if (lt < 0) break;
		i = lt;
		// Comments and conditional comments.
		if (html.startsWith('<!--', i)) {
			const close = html.indexOf('-->', i + 4);
			i = close < 0 ? n : close + 3;
			continue;
		}
		if (html[i + 1] === '!' || html[i + 1] === '?') {
			const close = html.indexOf('>', i + 2);
			i = close < 0 ? n : close + 1;
			continue;
		}
		const closing = html[i + 1] === '/';
		const { name, end: nameEnd } = tagName(html, i + (closing ? 2 : 1));
		if (name.length === 0) {
			// A lone '<' in text.
			if (skipDepth === 0) current += '<';
			i++;
			continue;
		}
		const gt = html.indexOf('>', nameEnd);
		const tagEnd = gt < 0 ? n : gt + 1;
		const attrs = closing ? '' : html.slice(nameEnd, gt < 0 ? n : gt);
		i = tagEnd;

		if (!closing && DROPPED_WITH_CONTENT.has(name)) {
			lowerHtml ??= html.toLowerCase();
			const closeAt = lowerHtml.indexOf(`</${name}`, i);
			i = closeAt < 0 ? n : closeAt;
			continue;
		}

		if (skipDepth > 0) {
			if (name === skipName && !VOID.has(name)) {
				if (closing) skipDepth--;
				else if (!attrs.endsWith('/')) skipDepth++;
			}
			continue;
		}

		if (!closing && isQuoteContainer(name, attrs)) {
			paragraphBreak();
			skipName = name;
			skipDepth = 1;
			continue;
		}
		if (
			!closing &&
			(name === 'div' || name === 'span') &&
			/id\s*=\s*["']?(appendonsend|divrplyfwdmsg)/i.test(attrs)
		) {
			// Outlook: everything after this marker is the quoted conversation.
			stop = true;
			break;
		}

		if (signatureDepth > 0 && name === signatureName && !VOID.has(name)) {
			if (closing) {
				if (signatureDepth === 1) {
					flush();
					signatureDepth = 0;
					continue;
				}
				signatureDepth--;
			} else signatureDepth++;
		} else if (
			!closing &&
			signatureDepth === 0 &&
			/gmail_signature|class\s*=\s*["']?[^"'>]*\bsignature\b/i.test(attrs)
		) {
			flush();
			signatureName = name;
			signatureDepth = 1;
		}

		if (name === 'hr') {
			flush();
			lines.push(RULE_LINE);
			continue;
		}
		if (name === 'td' || name === 'th') {
			if (!closing) {
				cellDepth++;
				cellBroke = false;
			} else {
				cellDepth = Math.max(0, cellDepth - 1);
				if (cellBroke) flush(true);
				else current += '\u0001';
			}
			continue;
		}
		if (BLOCK.has(name)) {
			const inCell = cellDepth > 0 && name !== 'tr' && name !== 'table' && name !== 'tbody';
			if (inCell) {
				cellBroke = true;
				flush(true);
			} else if (name === 'p' && (closing ? msoParagraph : /msonormal/i.test(attrs))) {
				// Outlook writes every line as <p class=MsoNormal> with no margin: a line, not a paragraph.
				if (!closing) msoParagraph = true;
				else msoParagraph = false;
				flush();
			} else if (PARAGRAPH.has(name) && name !== 'table') paragraphBreak();
			else if (name === 'br' && current.trim().length === 0) {
				// Two line breaks in a row leave an empty line: a paragraph break.
				pendingBlank = true;
			} else flush();
		}
	}
	flush();
	while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
	return { lines, signatureLines };
}

/** The readable text of an HTML body, quotes removed. */
export function htmlToText(html: string): string {
	return htmlToLines(html).lines.join('\n');
}
