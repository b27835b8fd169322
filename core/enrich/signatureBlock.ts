// Where a sender's signature is, without any model. The sender's own text comes first (quotes and
// forwards removed, HTML turned into lines); then, from the strongest hint to the weakest: a
// delimiter line ("-- "), a closing phrase ("Best regards", "Mit freundlichen Grüßen", "よろしく
// お願いいたします" …), the last paragraph when it reads like a signature, and Gmail's signature
// container. Mobile footers and legal disclaimers end a block and are never part of it.

import { htmlToLines } from './htmlText';
import { ownLines, splitLines } from './quotedText';
import { EmailForEnrichment, SignatureBlockResult } from './types';

/** Lines a block may hold: more than this is a letter, not a signature. */
const MAX_BLOCK_LINES = 20;
/** How many non-empty lines from the end a closing phrase is looked for. */
const CLOSING_WINDOW = 60;
/** Longest line a signature holds; longer lines are prose or a disclaimer. */
const MAX_SIGNATURE_LINE = 160;

const AUTOMATED_LOCAL =
	/^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|notifications?|notify|notification-[\w-]+|mailer-daemon|postmaster|bounces?|bounce-[\w.-]+|newsletters?|alerts?|automated|mailer|daemon|digest|updates?|calendar-notification|msonlineservicesteam|invitations?)([-+._][\w.+-]*)?$/i;

/** Automated or bulk mail: newsletters, notifications, no-reply senders. */
export function isAutomated(email: EmailForEnrichment): boolean {
	if (email.isBulk) return true;
	const address = (email.fromEmail ?? '').toLowerCase();
	const local = address.split('@')[0] ?? '';
	if (AUTOMATED_LOCAL.test(local) || /no-?reply/.test(local)) return true;
	const headers = email.listHeaders;
	if (headers && typeof headers === 'object') {
		for (const [key, value] of Object.entries(headers)) {
			const name = key.toLowerCase();
			const text = String(value ?? '')
				.toLowerCase()
				.trim();
			if (name === 'auto-submitted' && text !== '' && text !== 'no') return true;
			if (name === 'list-unsubscribe' || name === 'list-id' || name === 'list-post') {
				if (text !== '' && text !== 'false') return true;
			}
			if (name === 'precedence' && /bulk|list|junk/.test(text)) return true;
			if (name === 'x-auto-response-suppress' && /all|oof/.test(text)) return true;
		}
	}
	return false;
}

interface OwnTextLines {
	lines: string[];
	/** Indexes into `lines` that were inside Gmail's signature container. */
	htmlSignature: number[];
	fromHtml: boolean;
}

function visibleLength(lines: string[]): number {
	let n = 0;
	for (const l of lines) n += l.trim().length;
	return n;
}

const NUL = String.fromCharCode(0);
/** A body is read up to this many characters: the sender's own words and signature come first. */
const MAX_BODY = 1_000_000;

function readable(body: string): string {
	const cut = body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body;
	return cut.includes(NUL) ? cut.split(NUL).join('') : cut;
}

/** Own lines of the text part, or of the HTML part when there is no text part or it holds more. */
export function ownTextLines(email: EmailForEnrichment): OwnTextLines {
	const text = typeof email.text === 'string' ? readable(email.text) : '';
	const html = typeof email.html === 'string' ? readable(email.html) : '';
	const fromText = text.trim().length > 0 ? ownLines(splitLines(text)) : null;
	if (html.trim().length === 0) {
		return { lines: fromText?.lines ?? [], htmlSignature: [], fromHtml: false };
	}
	if (fromText) {
		// A text part about as long as the HTML's text is complete: no need to convert the HTML.
		const rawText = text.replace(/\s+/g, '').length;
		const rawHtml =
			html.length < 200_000 ? html.replace(/<[^>]*>|\s+|&[a-z#0-9]+;/gi, '').length : Infinity;
		if (rawText > 0 && rawHtml <= rawText * 1.5 + 40) {
			return { lines: fromText.lines, htmlSignature: [], fromHtml: false };
		}
	}
	const converted = htmlToLines(html);
	const fromHtml = ownLines(converted.lines);
	if (fromText) {
		const textLength = visibleLength(fromText.lines);
		// Some clients send a stub text part ("view this message in HTML"): the HTML wins then.
		if (textLength > 0 && visibleLength(fromHtml.lines) <= textLength * 1.5 + 40) {
			return { lines: fromText.lines, htmlSignature: [], fromHtml: false };
		}
	}
	const inSignature = new Set(converted.signatureLines);
	const htmlSignature: number[] = [];
	fromHtml.origin.forEach((o, k) => {
		if (inSignature.has(o)) htmlSignature.push(k);
	});
	return { lines: fromHtml.lines, htmlSignature, fromHtml: true };
}

/** The sender's own text: quoted replies and forwarded mail removed, HTML turned into text. */
export function ownText(email: EmailForEnrichment): string {
	return ownTextLines(email).lines.join('\n');
}

/** Closing phrases (lower case, without trailing punctuation), in the supported languages. */
const CLOSINGS = new Set([
	// en
	'best regards',
	'kind regards',
	'warm regards',
	'warmest regards',
	'kindest regards',
	'best wishes',
	'many thanks',
	'thanks',
	'thank you',
	'thanks again',
	'thanks so much',
	'thanks a lot',
	'thanks and regards',
	'thanks & regards',
	'thanks in advance',
	'many thanks and best regards',
	'regards',
	'best',
	'all the best',
	'cheers',
	'sincerely',
	'yours sincerely',
	'sincerely yours',
	'yours truly',
	'yours faithfully',
	'faithfully',
	'warmly',
	'take care',
	'talk soon',
	'with thanks',
	'with best regards',
	'with kind regards',
	'respectfully',
	'thx',
	'br',
	'rgds',
	'kr',
	'tia',
	'speak soon',
	'have a great day',
	'greetings',
	'best greetings',
	'many greetings',
	'warm greetings',
	'kind greetings',
	'have a nice day',
	// de
	'mit freundlichen grüßen',
	'mit freundlichen grüssen',
	'mit freundlichem gruß',
	'mit freundlichem gruss',
	'freundliche grüße',
	'freundliche grüsse',
	'viele grüße',
	'viele grüsse',
	'beste grüße',
	'beste grüsse',
	'herzliche grüße',
	'herzliche grüsse',
	'liebe grüße',
	'liebe grüsse',
	'schöne grüße',
	'schöne grüsse',
	'mit besten grüßen',
	'mit besten grüssen',
	'mit herzlichen grüßen',
	'gruß',
	'gruss',
	'grüße',
	'grüsse',
	'mfg',
	'vg',
	'lg',
	'bg',
	'danke',
	'vielen dank',
	'besten dank',
	'danke und viele grüße',
	'vielen dank und viele grüße',
	'vielen dank und beste grüße',
	'sonnige grüße',
	// fr
	'cordialement',
	'bien cordialement',
	'très cordialement',
	'bien à vous',
	'bien a vous',
	'salutations',
	'meilleures salutations',
	'sincères salutations',
	'salutations distinguées',
	'bonne journée',
	'bonne soirée',
	'belle journée',
	'merci',
	'merci beaucoup',
	'merci d’avance',
	"merci d'avance",
	'amicalement',
	'bien amicalement',
	'à bientôt',
	'a bientôt',
	'bien à toi',
	// es
	'saludos',
	'un saludo',
	'saludos cordiales',
	'un cordial saludo',
	'reciba un cordial saludo',
	'atentamente',
	'un abrazo',
	'abrazos',
	'gracias',
	'muchas gracias',
	'cordialmente',
	'muchos saludos',
	'un saludo cordial',
	// nl
	'met vriendelijke groet',
	'met vriendelijke groeten',
	'vriendelijke groet',
	'vriendelijke groeten',
	'met hartelijke groet',
	'hartelijke groet',
	'hartelijke groeten',
	'groeten',
	'groet',
	'mvg',
	'bedankt',
	'dank je',
	'dank u',
	'alvast bedankt',
	'met groet',
	// it
	'cordiali saluti',
	'distinti saluti',
	'saluti',
	'un saluto',
	'un caro saluto',
	'grazie',
	'grazie mille',
	'buona giornata',
	'a presto',
	'saluti cordiali',
	// pt
	'atenciosamente',
	'abraços',
	'abraço',
	'um abraço',
	'cumprimentos',
	'melhores cumprimentos',
	'com os melhores cumprimentos',
	'obrigado',
	'obrigada',
	'att',
	'saudações',
	'grato',
	'grata',
	// sv
	'med vänliga hälsningar',
	'med vänlig hälsning',
	'vänliga hälsningar',
	'vänlig hälsning',
	'bästa hälsningar',
	'hälsningar',
	'mvh',
	'tack',
	'tack så mycket',
	// da, no
	'med venlig hilsen',
	'venlig hilsen',
	'med vennlig hilsen',
	'vennlig hilsen',
	'hilsen',
	'mange hilsner',
	'bedste hilsner',
	'beste hilsen',
	// pt (abbreviated), es
	'abs',
	'bjs',
	// pl
	'pozdrawiam',
	'z poważaniem',
	'pozdrowienia',
	'serdecznie pozdrawiam',
	'z wyrazami szacunku',
	'dziękuję',
	'pozdrawiam serdecznie',
	// cs
	's pozdravem',
	's přátelským pozdravem',
	's úctou',
	'děkuji',
	'díky',
]);

const CLOSING_FIRST_WORDS = new Set([...CLOSINGS].map((c) => /^[\p{L}’']+/u.exec(c)?.[0] ?? c));

/** Japanese closings are sentences ending in よろしくお願いします or one of its politer forms. */
const JAPANESE_CLOSING =
	/(よろしく|宜しく)お願い(いた|致)?し?(ます|します|申し上げます)[。．.!！]?$/;

function normaliseClosing(s: string): string {
	return s
		.toLowerCase()
		.replace(/[\s,.!;:…。、！‚-]+$/u, '')
		.replace(/\s+/g, ' ')
		.trim();
}

/**
 * Whether a line is a closing: null when not, '' for a bare closing ("Best regards,"), or the
 * name written after it on the same line ("Cheers, Jane").
 */
export function closingOf(line: string): string | null {
	const trimmed = line.trim();
	if (trimmed.length === 0 || trimmed.length > 80) return null;
	if (trimmed.includes('願')) return JAPANESE_CLOSING.test(trimmed) ? '' : null;
	// Every closing starts with one of a few words: most lines are ruled out by their first word.
	const firstWord = /^[\p{L}’']+/u.exec(trimmed)?.[0].toLowerCase();
	if (!firstWord || !CLOSING_FIRST_WORDS.has(firstWord)) return null;
	const normal = normaliseClosing(trimmed);
	if (CLOSINGS.has(normal)) return '';
	// "Danke und Gruß", "Thanks & regards", "Best regards / Mit freundlichen Grüßen".
	const joined = normal.split(/\s+(?:und|and|&|e|y|et|en|och|i|\+)\s+|\s*[/|]\s*/);
	if (joined.length > 1 && joined.every((part) => CLOSINGS.has(normaliseClosing(part)))) return '';
	// "Herzliche Grüße aus Berlin", "Greetings from Lisbon", "Saludos desde Madrid".
	const place =
		/^(.{2,40}?)\s+(aus|from|de|desde|da|dal|dalla|uit|vanuit|från|fra|z|ze|do|em|in)\s+\p{Lu}[\p{L}' .-]{1,40}$/u.exec(
			trimmed.replace(/[\s,.!]+$/u, ''),
		);
	if (place && CLOSINGS.has(normaliseClosing(place[1]))) return '';
	// "Best, Jane" / "Thanks - Jane Smith" stays a closing only with a name after.
	const split =
		/^(.{2,40}?)\s*[,–—-]\s*(.+)$/u.exec(trimmed) ?? /^(.{2,40}?)\s+(\S.*)$/u.exec(trimmed);
	if (!split) return null;
	if (!CLOSINGS.has(normaliseClosing(split[1]))) return null;
	const rest = split[2].replace(/[.!]+$/, '').trim();
	const words = rest.split(/\s+/);
	if (words.length > 4) return null;
	if (!words.every((w) => /^\p{Lu}[\p{L}'’.-]*$/u.test(w))) return null;
	return rest;
}

/** "-- " (the standard), "--", "__" and similar short rules on a line of their own. */
function isDelimiter(line: string): boolean {
	return /^\s*(--|---|__|___|—|–)\s*$/.test(line);
}

const MOBILE_FOOTER =
	/^\s*(sent from my|sent from (outlook|yahoo|mail|samsung|my mobile)|sent via|sent with|get outlook for|von meinem .{0,30} gesendet|gesendet von meinem|gesendet mit|envoyé de mon|envoyé depuis|envoyé à partir|enviado desde mi|enviado desde|enviado do meu|enviado de meu|enviado a partir|verzonden (vanaf|met) mijn|verstuurd vanaf mijn|inviato da|inviato dal mio|skickat från min|skickat från|wysłane z mojego|wysłano z|iphoneから送信|androidから送信|my mobile から送信)/i;

const DISCLAIMER_START =
	/^\s*[*_]*\s*(confidential|confidentiality|disclaimer|legal notice|important notice|important:|notice:|privileged|this (e-?mail|message|communication|transmission)\b|the (information|content|contents) (contained|in|of) this|any (views|opinions)|if you (are not|have received)|please (consider|think)|think before you print|diese (e-?mail|nachricht)|der inhalt dieser|vertraulichkeit|hinweis:|wichtiger hinweis|informationen in dieser|bitte denken sie|ce (message|courriel|e-?mail|mail)\b|le présent (message|courriel)|les informations contenues|avertissement|este (mensaje|correo|e-?mail)|la información contenida|aviso (legal|de confidencialidad)|dit (bericht|e-?mailbericht|e-?mail)|de informatie (in|verzonden)|questo (messaggio|e-?mail|messaggio di posta)|le informazioni contenute|esta (mensagem|e-?mail)|a informação contida|aviso legal|detta (e-?post|e-?postmeddelande|meddelande|mejl)|informationen i detta|ta wiadomość|informacje zawarte|このメール|本メール|この電子メール|本電子メール|※このメール|【機密)/i;

/** Company register lines of a legal footer (register court, VAT and registration numbers). */
const REGISTER_LINE =
	/(amtsgericht|registergericht|handelsregister|handelsgericht|firmenbuch|\bFN\s?\d{3,6}\s?[a-z]\b|\buid(-nr\.?)?\s*:?\s*ATU|\bi[čc]o?\s*:\s*\d|\bdi[čc]\s*:|spisová značka|\bHR[AB]\s?\d|sitz der gesellschaft|\bsitz:|ust-?id|steuer-?nr|steuernummer|geschäftsführer(in)?\s*:|geschäftsführung\s*:|vorstand\s*:|aufsichtsrat|registered (in|office|number)|company (no|number|registration)|vat (no|number|reg)|\bsiret\b|\bsiren\b|\brcs\b|capital social|au capital de|\bkvk\b|\bbtw\b|p\.?\s?iva\b|partita iva|\bcif\s*:|\bnif\s*:|\bcnpj\b|org\.?\s?nr|organisationsnummer|\bnip\s*:|\bkrs\b|\bregon\b|\bgdpr\b|datenschutz|privacy policy|regolamento ue)/i;

/** A line that ends a block: a disclaimer, a mobile footer, a register line, or prose. */
function endsBlock(line: string): boolean {
	const probe = line.length > 300 ? line.slice(0, 300) : line;
	return (
		MOBILE_FOOTER.test(probe) ||
		REGISTER_LINE.test(probe) ||
		/^\s*p\.?\s?p?\.?s\.?\s*[:.-]?\s/i.test(probe) ||
		DISCLAIMER_START.test(probe) ||
		line.trim().length > MAX_SIGNATURE_LINE
	);
}

/** A sentence of prose: many words and a full stop. Signatures hold none. */
function isProse(line: string): boolean {
	const t = line.trim();
	if (t.length < 50) return false;
	// Fields side by side ("Jane Smith | CTO | Acme Inc.") are not a sentence.
	if (/\s[|•·]\s|\t/.test(t)) return false;
	const words = t.split(/\s+/).length;
	if (words < 9) return false;
	return /[.?!。]$/.test(t) && !/\b(inc|ltd|co|corp|s\.a|b\.v|n\.v|e\.k|gmbh)\.?$/i.test(t);
}

/** Image placeholders Gmail and Outlook write into text parts: "[image: Acme]", "[cid:image001.png@…]". */
function withoutImagePlaceholders(line: string): string {
	return line
		.replace(/\[(?:image|cid|bild|imagen|immagine|imagem|画像)[:：][^\]]{0,300}\]/gi, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

/** Only rules, bullets or punctuation. */
function isDecoration(line: string): boolean {
	return !/[\p{L}\p{N}]/u.test(line);
}

const PHONE_LIKE = /\+?\(?\d[\d ()./-]{6,20}\d/;
const URL_LIKE =
	/(https?:\/\/|www\.)[^\s]+|\b[\w-]+\.(com|net|org|io|co|de|fr|es|nl|it|pt|br|jp|se|pl|ch|at|be|uk|eu|example)\b/i;
const EMAIL_LIKE = /[^\s@]{1,64}@[^\s@]{1,255}\.[a-z]{2,}/i;

/** Signature evidence on a line: a phone, a URL or an address. */
function hasContactInfo(line: string): boolean {
	const probe = line.length > 200 ? line.slice(0, 200) : line;
	return PHONE_LIKE.test(probe) || URL_LIKE.test(probe) || EMAIL_LIKE.test(probe);
}

/** A short line of capitalised words, like a name ("Jane Smith", "J. Doe", "山田 太郎"). */
function looksLikeNameLine(line: string): boolean {
	const t = line.trim();
	if (t.length < 2 || t.length > 40 || /\d|@/.test(t)) return false;
	if (
		/^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]{2,4}\s?[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]{1,4}$/u.test(
			t,
		)
	)
		return true;
	const words = t.split(/\s+/);
	return (
		words.length >= 1 && words.length <= 4 && words.every((w) => /^\p{Lu}[\p{L}'’.-]*$/u.test(w))
	);
}

/** Lines after a start index that make up a block: stops at a disclaimer, footer or prose. */
function collectBlock(
	lines: string[],
	from: number,
	limit: number,
): { lines: string[]; rejected: boolean } {
	const out: string[] = [];
	for (let k = from; k < lines.length; k++) {
		const raw = lines[k];
		if (raw.trim().length === 0) continue;
		if (endsBlock(raw)) break;
		if (isProse(raw)) return { lines: out, rejected: true };
		const line = withoutImagePlaceholders(raw);
		if (line.length === 0 || isDecoration(line) || isDelimiter(line)) continue;
		out.push(line);
		if (out.length > limit) return { lines: out, rejected: true };
	}
	return { lines: out, rejected: false };
}

/** The end of the real text: trailing disclaimer paragraphs (and blank lines) are left out. */
function endOfContent(lines: string[]): number {
	const blank = (k: number) => lines[k].trim().length === 0;
	let end = lines.length;
	while (end > 0 && blank(end - 1)) end--;
	while (end > 0) {
		let start = end;
		while (start > 0 && !blank(start - 1)) start--;
		if (start === 0) break;
		const paragraph = lines.slice(start, end);
		const disclaimer =
			endsBlock(paragraph[0]) ||
			(visibleLength(paragraph) > 300 && paragraph.some((l) => l.trim().length > 100));
		if (!disclaimer) break;
		end = start;
		while (end > 0 && blank(end - 1)) end--;
	}
	return end;
}

/** The last paragraph, when it reads like a signature (short lines with a name, phone, URL or title). */
function tailBlock(lines: string[], end: number): string[] | null {
	let start = end;
	while (start > 0 && lines[start - 1].trim().length > 0) start--;
	if (start >= end) return null;
	let paragraph: string[] = [];
	for (let k = start; k < end; k++) {
		if (endsBlock(lines[k])) break;
		const line = withoutImagePlaceholders(lines[k]);
		if (line.length > 0 && !isDecoration(line)) paragraph.push(line);
	}
	// A signature glued to the last sentence: drop leading prose.
	while (
		paragraph.length > 0 &&
		(isProse(paragraph[0]) ||
			(/[.?!]$/.test(paragraph[0].trim()) && paragraph[0].split(/\s+/).length >= 6))
	)
		paragraph = paragraph.slice(1);
	// "Please confirm by Friday." right above the name line: the message's last words.
	const nameAt = paragraph.findIndex(looksLikeNameLine);
	if (
		nameAt > 0 &&
		nameAt <= 3 &&
		paragraph
			.slice(0, nameAt)
			.every((l) => /[.?!,;:。]$/.test(l.trim()) || l.trim().split(/\s+/).length >= 5)
	)
		paragraph = paragraph.slice(nameAt);
	if (paragraph.length === 0 || paragraph.length > 10) return null;
	if (paragraph.some((l) => l.length > 100 || isProse(l))) return null;
	// Questions and lead-ins ("Here is the link:") are the message, not a signature.
	if (paragraph.some((l) => /[?:？：]$/.test(l.trim()))) return null;
	const contact = paragraph.filter(hasContactInfo).length;
	// A phone or an address is a signature's mark; a link alone is often just a link.
	const strong = paragraph.filter((l) => PHONE_LIKE.test(l) || EMAIL_LIKE.test(l)).length;
	const nameFirst = looksLikeNameLine(paragraph[0]);
	const onlyParagraph = lines.slice(0, start).every((l) => l.trim().length === 0);
	if (onlyParagraph) {
		// A mail that is nothing but a signature-like card still needs two contact lines.
		if (contact < 2 || strong === 0) return null;
	} else if (strong === 0 && !(nameFirst && paragraph.length >= 2)) return null;
	// A name and title one paragraph above the contact lines belong to the same block.
	let above = start - 1;
	while (above > 0 && lines[above - 1].trim().length === 0) above--;
	if (contact > 0 && !nameFirst && above > 0) {
		let top = above;
		while (top > 0 && lines[top - 1].trim().length > 0) top--;
		const previous = lines.slice(top, above).map((l) => l.trim());
		if (
			previous.length > 0 &&
			previous.length <= 3 &&
			looksLikeNameLine(previous[0]) &&
			!previous.some(isProse)
		) {
			paragraph = [...previous, ...paragraph];
		}
	}
	return paragraph;
}

/** A sign-off, not a signature: only one-word lines ("Jake", "Kram / Sara"). */
function isSignOffOnly(lines: string[]): boolean {
	return lines.every((l) => !/\s/.test(l.trim()) && !/\d|@/.test(l) && l.trim().length <= 24);
}

function result(
	own: OwnTextLines,
	lines: string[],
	method: SignatureBlockResult['method'],
): SignatureBlockResult {
	if (isSignOffOnly(lines)) {
		return {
			block: null,
			lines: [],
			ownText: own.lines.join('\n'),
			method: null,
			skipped: 'no-signature',
		};
	}
	return { block: lines.join('\n'), lines, ownText: own.lines.join('\n'), method };
}

/** Finds the signature block of one email (the sender's own, never a quoted one). */
export function findSignatureBlock(email: EmailForEnrichment): SignatureBlockResult {
	if (isAutomated(email))
		return { block: null, lines: [], ownText: '', method: null, skipped: 'automated' };
	const own = ownTextLines(email);
	const text = own.lines.join('\n');
	// Mobile footers are never content; dropping them first lets the tail rule see the signature.
	const lines = own.lines.map((l) =>
		MOBILE_FOOTER.test(l.length > 200 ? l.slice(0, 200) : l) ? '' : l,
	);
	if (lines.every((l) => l.trim().length === 0)) {
		return { block: null, lines: [], ownText: text, method: null, skipped: 'empty' };
	}
	const end = endOfContent(lines);
	const content = lines.slice(0, end);

	let delimiter = -1;
	let closing = -1;
	let closingRest = '';
	let nonEmpty = 0;
	for (let k = content.length - 1; k >= 0 && (delimiter < 0 || closing < 0); k--) {
		const line = content[k];
		if (delimiter < 0 && isDelimiter(line)) delimiter = k;
		if (line.length > 0) nonEmpty++;
		// A closing sits near the end: a signature is at most a screen below it.
		if (closing < 0 && nonEmpty <= CLOSING_WINDOW) {
			const rest = closingOf(line);
			if (rest !== null) {
				closing = k;
				closingRest = rest;
			}
		}
	}
	if (delimiter >= 0 && delimiter > closing) {
		const found = collectBlock(content.concat(lines.slice(end)), delimiter + 1, MAX_BLOCK_LINES);
		if (found.lines.length > 0)
			return result(own, found.lines.slice(0, MAX_BLOCK_LINES), 'delimiter');
	}
	if (closing >= 0) {
		const found = collectBlock(content.concat(lines.slice(end)), closing + 1, MAX_BLOCK_LINES);
		let blockLines = closingRest ? [closingRest, ...found.lines] : found.lines;
		// "Kind regards, / John / (blank) / John Doe …": the first name is the sign-off, not the block.
		if (blockLines.length > 1 && /^\p{Lu}[\p{L}'’-]+$/u.test(blockLines[0])) {
			const first = blockLines[0];
			if (blockLines.slice(1, 3).some((l) => l.startsWith(`${first} `)))
				blockLines = blockLines.slice(1);
		}
		if (!found.rejected && blockLines.length > 0) return result(own, blockLines, 'closing');
	}
	if (delimiter >= 0) {
		const found = collectBlock(content.concat(lines.slice(end)), delimiter + 1, MAX_BLOCK_LINES);
		if (found.lines.length > 0)
			return result(own, found.lines.slice(0, MAX_BLOCK_LINES), 'delimiter');
	}
	const tail = tailBlock(content, content.length);
	if (tail) return result(own, tail, 'tail');
	if (own.htmlSignature.length > 0) {
		const htmlLines = own.htmlSignature
			.map((k) => withoutImagePlaceholders(own.lines[k]))
			.filter(
				(l) =>
					l.length > 0 &&
					!isDecoration(l) &&
					!isDelimiter(l) &&
					closingOf(l) !== '' &&
					!endsBlock(l),
			);
		if (htmlLines.length > 0 && htmlLines.length <= MAX_BLOCK_LINES)
			return result(own, htmlLines, 'html');
	}
	return { block: null, lines: [], ownText: text, method: null, skipped: 'no-signature' };
}
