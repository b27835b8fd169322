// The sender's own words: quoted replies and forwarded mail removed, so that a reply never lends
// the quoted sender's signature to the replier. Works line by line with bounded patterns (every
// line tested is cut to a few hundred characters), so long or hostile bodies stay linear.

/** Lines kept, with the index each one had in the input (the HTML layer maps its signature lines). */
export interface OwnLines {
	lines: string[];
	origin: number[];
}

/** Longest line the patterns look at; quote headers are far shorter. */
const PROBE = 400;

/** Verbs that end a reply intro ("On … wrote:", "Am … schrieb Jane:", "Le … a écrit :" …). */
const INTRO_VERB =
	/(wrote|writes|schrieb|schreibt|geschrieben|a écrit|écrit|escribió|escribio|escribe|schreef|schrijft|ha scritto|scrive|escreveu|escreve|skrev|skriver|pisze|napisał\(a\)|napisała|napisał|kirjoitti|yazdı|написал\(а\)|написала|написал|napsal\(a\)|napsal|写道|が書きました|のメッセージ|書きました)[^:：]{0,160}[:：]\s*$/i;

/** Gmail's Japanese intro: "2026年12月1日(火) 10:00 山田太郎 <taro@example.jp>:". */
const JAPANESE_DATE_INTRO = /^\d{4}年\d{1,2}月\d{1,2}日.{0,200}[:：]\s*$/;

/** Words that open a reply intro in the supported languages. */
const INTRO_START =
	/^(on|am|le|el|op|il|il giorno|em|den|dnia|w dniu|pon|wt|śr|czw|pt|sob|niedz)\b/i;

const SEPARATOR_TEXT =
	/^[\s>]*-{2,}\s*(original message|ursprüngliche nachricht|originalnachricht|message d'origine|message original|mensaje original|oorspronkelijk bericht|origineel bericht|messaggio originale|mensagem original|ursprungligt meddelande|originalmeddelande|wiadomość oryginalna|oryginalna wiadomość|元のメッセージ|オリジナル メッセージ|forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|doorgestuurd bericht|messaggio inoltrato|mensagem encaminhada|mensagem reencaminhada|vidarebefordrat meddelande|przekazana wiadomość|転送メッセージ|転送されたメッセージ|forwarded by .{0,80})\s*-{0,}\s*$/i;

const FORWARD_INTRO =
	/^\s*(begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié|début du message transféré|inicio del mensaje reenviado|comienzo del mensaje reenviado|begin doorgestuurd bericht|inizio messaggio inoltrato|início da mensagem reencaminhada|início da mensagem encaminhada|vidarebefordrat brev|początek przekazywanej wiadomości|転送されたメッセージ)\s*[:：]?\s*$/i;

/** Header labels of a quoted or forwarded message, per role, in the supported languages. */
const FROM_LABEL =
	/^[\s>*]*(from|von|de|van|da|från|fra|od|absender|lähettäjä|kimden|от|差出人|送信者|发件人|寄件者)\s*\*?\s*[:：]/i;
const OTHER_LABEL =
	/^[\s>*]*(sent|date|to|cc|subject|gesendet|datum|an|betreff|envoyé|à|a|objet|enviado|enviado el|fecha|para|asunto|verzonden|aan|onderwerp|inviato|data|oggetto|assunto|skickat|till|ämne|wysłano|wysłane|do|temat|sendt|til|emne|odesláno|komu|předmět|lähetetty|vastaanottaja|aihe|gönderildi|kime|konu|отправлено|дата|кому|тема|送信日時|日付|宛先|件名|发送时间|收件人|主题|日期|cc)\s*\*?\s*[:：]/i;

const RULE = /^\s*_{10,}\s*$/;

function probe(line: string): string {
	return line.length > PROBE ? line.slice(0, PROBE) : line;
}

/** A reply intro ending on this line (one line, or this line joined with the next when wrapped). */
function introLength(lines: string[], i: number): number {
	const line = probe(lines[i]).trim();
	if (line.length === 0) return 0;
	// Mail clients always put a date or an address in the intro; "Le client a écrit :" in a
	// sentence has neither.
	const looksLikeIntro = (s: string) =>
		(INTRO_VERB.test(s) && /\d|@/.test(s)) || JAPANESE_DATE_INTRO.test(s);
	if (looksLikeIntro(line)) return 1;
	// Any language: a line naming an address or a time, ending in a colon, right above `>` lines.
	if (/[:：]\s*$/.test(line) && /@|\d{1,2}[:.]\d{2}/.test(line) && line.length < 300) {
		const k = nextNonBlank(lines, i + 1);
		if (k >= 0 && isQuoted(lines[k])) return 1;
	}
	// Gmail wraps long intros: "On Mon, … Jane Smith <" / "jane@example.com> wrote:".
	if (i + 1 < lines.length && (INTRO_START.test(line) || /^\d{4}年/.test(line))) {
		const next = probe(lines[i + 1]).trim();
		if (next.length > 0 && next.length < 200 && looksLikeIntro(`${line} ${next}`)) return 2;
	}
	return 0;
}

/** A quoted header block ("From: … Sent: … To: … Subject: …") starts here. */
function isHeaderBlock(lines: string[], i: number): boolean {
	if (!FROM_LABEL.test(probe(lines[i]))) return false;
	let others = 0;
	let checked = 0;
	for (let k = i + 1; k < lines.length && checked < 7; k++) {
		const line = probe(lines[k]);
		if (line.trim().length === 0) continue;
		checked++;
		if (OTHER_LABEL.test(line)) others++;
		if (others >= 2) return true;
	}
	// A lone "From:" with one more header right below, as some clients compress it.
	return others >= 1 && checked <= 2;
}

function nextNonBlank(lines: string[], from: number): number {
	for (let k = from; k < lines.length; k++) if (lines[k].trim().length > 0) return k;
	return -1;
}

function isQuoted(line: string): boolean {
	for (let k = 0; k < line.length; k++) {
		const c = line[k];
		if (c === '>') return true;
		if (c !== ' ' && c !== '\t') return false;
	}
	return false;
}

/**
 * Keeps the sender's own lines: `>` lines dropped, and everything from the first reply intro
 * not followed by `>` lines, quoted header block, "Original Message" or forward marker on.
 */
export function ownLines(input: string[]): OwnLines {
	const lines: string[] = [];
	const origin: number[] = [];
	for (let i = 0; i < input.length; i++) {
		const line = input[i];
		if (isQuoted(line)) continue;
		const trimmed = line.trim();
		if (trimmed.length === 0) {
			lines.push('');
			origin.push(i);
			continue;
		}
		const probeLine = probe(trimmed);
		if (SEPARATOR_TEXT.test(probeLine) || FORWARD_INTRO.test(probeLine)) break;
		if (RULE.test(trimmed)) {
			const k = nextNonBlank(input, i + 1);
			if (k >= 0 && isHeaderBlock(input, k)) break;
			continue;
		}
		if (isHeaderBlock(input, i)) break;
		const intro = introLength(input, i);
		if (intro > 0) {
			const k = nextNonBlank(input, i + intro);
			// Bottom-posting: the intro sits above `>` lines and the reply may follow them.
			if (k >= 0 && isQuoted(input[k])) {
				i += intro - 1;
				continue;
			}
			break;
		}
		lines.push(line);
		origin.push(i);
	}
	while (lines.length > 0 && lines[lines.length - 1].trim().length === 0) {
		lines.pop();
		origin.pop();
	}
	return { lines, origin };
}

/** Splits a text body into lines (CRLF, CR, LF). */
export function splitLines(text: string): string[] {
	return text.split(/\r\n|\r|\n/);
}

/** The sender's own text of a plain-text body. */
export function stripQuotedText(text: string): string {
	return ownLines(splitLines(text)).lines.join('\n');
}
