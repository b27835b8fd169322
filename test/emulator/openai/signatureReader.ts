/**
 * The emulator model's default answers: a small, honest rule-based reader. It reads only what the
 * prompt holds (the From line and the lines between the first pair of `"""`) and answers with
 * values copied from that text, so a client under test gets a schema-valid answer with real
 * values without any scripting. It is deliberately simple: tests that need a particular answer
 * (invented values, broken JSON, refusals) script it through the control API instead.
 */

export interface PromptParts {
	fromName: string | null;
	fromEmail: string | null;
	/** The quoted block's lines, or every line of the prompt when it has no `"""` block. */
	lines: string[];
}

export function promptParts(prompt: string): PromptParts {
	const all = prompt.split(/\r?\n/);
	let fromName: string | null = null;
	let fromEmail: string | null = null;
	const fromLine = all.find((line) => /^From:\s*/i.test(line));
	if (fromLine) {
		const value = fromLine.replace(/^From:\s*/i, '').trim();
		const angle = /^(.*?)\s*<([^>]+)>$/.exec(value);
		if (angle) {
			fromName = angle[1]!.replace(/^"|"$/g, '').trim() || null;
			fromEmail = angle[2]!.trim();
		} else if (value.includes('@')) {
			fromEmail = value;
		} else if (value) {
			fromName = value;
		}
	}
	const open = all.findIndex((line) => line.trim() === '"""');
	const close = open < 0 ? -1 : all.findIndex((line, i) => i > open && line.trim() === '"""');
	const body = open >= 0 && close > open ? all.slice(open + 1, close) : all;
	return {
		fromName,
		fromEmail,
		lines: body.map((line) => line.trim()).filter((line) => line.length > 0),
	};
}

export interface ReadContact {
	fullName: string | null;
	jobTitle: string | null;
	company: string | null;
	phones: Array<{ number: string; type: 'mobile' | 'office' | 'fax' | 'other' }>;
	linkedinUrl: string | null;
	website: string | null;
	postalAddress: string | null;
	email: string | null;
}

const TITLE_WORDS =
	/\b(ceo|cto|cfo|coo|founder|co-founder|owner|president|director|head|manager|engineer|developer|consultant|lead|officer|partner|analyst|designer|architect|specialist|assistant|associate|advisor|executive|vp|vice president|sales|marketing|account|recruiter|administrator|coordinator|geschäftsführer|leiter|leiterin|berater|beraterin|responsable|directeur|directrice|gerente|director[a]?)\b/i;
const COMPANY_WORDS =
	/\b(gmbh|ag|inc|llc|ltd|limited|corp|corporation|co\.|s\.a\.|sa|sarl|s\.r\.l\.|srl|bv|b\.v\.|nv|oy|ab|as|plc|kg|ug|group|gruppe|solutions|consulting|technologies|labs|studio|agency)\b/i;
const PHONE = /\+?\(?\d[\d\s().\-/]{5,}\d/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const LINKEDIN = /(?:https?:\/\/)?(?:[a-z]{2,3}\.)?linkedin\.com\/in\/[A-Za-z0-9\-_%]+\/?/i;
const URL = /(?:https?:\/\/|www\.)[^\s|,;<>()]+/i;
const STREET =
	/\d+\s*\w*\s+(street|st\.|road|rd\.|avenue|ave\.|lane|blvd|way|drive)\b|\b\w*(straße|strasse|str\.|weg|platz|gasse|allee)\s*\d+|\b(rue|avenue|calle|via|rua|plaza)\s+\w+/i;
const POSTCODE = /\b\d{4,5}\s+[A-ZÄÖÜ][a-zäöüß]+|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/;

function phoneType(label: string): 'mobile' | 'office' | 'fax' | 'other' {
	if (/fax/i.test(label)) return 'fax';
	if (/(mobile|mobil|mob|cell|handy|portable|móvil|celular|^m\b)/i.test(label)) return 'mobile';
	if (/(tel|phone|office|direct|fon|^t\b|^p\b|^o\b|^d\b)/i.test(label)) return 'office';
	return 'other';
}

/** Splits a line on the separators signatures use between items on one line. */
function pieces(line: string): string[] {
	return line
		.split(/\s+[|•·]\s+|\s*\|\s*/)
		.map((piece) => piece.trim())
		.filter((piece) => piece.length > 0);
}

export function readSignature(parts: PromptParts): ReadContact {
	const contact: ReadContact = {
		fullName: null,
		jobTitle: null,
		company: null,
		phones: [],
		linkedinUrl: null,
		website: null,
		postalAddress: null,
		email: null,
	};
	const nameLower = parts.fromName?.toLowerCase() ?? null;
	for (const line of parts.lines) {
		for (const piece of pieces(line)) {
			const linkedin = LINKEDIN.exec(piece);
			if (linkedin) {
				contact.linkedinUrl ??= linkedin[0];
				continue;
			}
			const email = EMAIL.exec(piece);
			if (email) {
				contact.email ??= email[0];
				continue;
			}
			const url = URL.exec(piece);
			if (url) {
				contact.website ??= url[0];
				continue;
			}
			const phone = PHONE.exec(piece);
			if (phone && phone[0].replace(/\D/g, '').length >= 7 && !STREET.test(piece)) {
				const label = piece.slice(0, phone.index).trim();
				contact.phones.push({ number: phone[0].trim(), type: phoneType(label) });
				continue;
			}
			if (STREET.test(piece) || POSTCODE.test(piece)) {
				contact.postalAddress ??= piece;
				continue;
			}
			if (nameLower && piece.toLowerCase() === nameLower) {
				contact.fullName ??= piece;
				continue;
			}
			if (!contact.jobTitle && TITLE_WORDS.test(piece)) {
				// "Head of Sales at Acme GmbH" / "Head of Sales, Acme GmbH"
				const split = /^(.*?)(?:\s+at\s+|\s+@\s+|,\s+)(.+)$/i.exec(piece);
				if (split && COMPANY_WORDS.test(split[2]!)) {
					contact.jobTitle = split[1]!.trim();
					contact.company ??= split[2]!.trim();
				} else {
					contact.jobTitle = piece;
				}
				continue;
			}
			if (!contact.company && COMPANY_WORDS.test(piece)) {
				contact.company = piece;
				continue;
			}
			if (
				!contact.fullName &&
				/^[A-ZÀ-Þ][\p{L}'’-]+(?:\s+[A-ZÀ-Þ][\p{L}'’.-]+){1,3}$/u.test(piece)
			) {
				contact.fullName = piece;
			}
		}
	}
	return contact;
}

export type Classification = 'lead' | 'customer' | 'vendor' | 'partner' | 'personal' | 'unknown';

/** Classification from the words of the prompt (subjects and snippets); unknown when unsure. */
export function readClassification(prompt: string): {
	classification: Classification;
	confidence: number;
	reason: string;
} {
	const text = prompt.toLowerCase();
	const rules: Array<[Classification, RegExp, string]> = [
		[
			'vendor',
			/\b(invoice|rechnung|facture|billing|payment due|receipt|subscription renewal)\b/,
			'billing vocabulary',
		],
		[
			'partner',
			/\b(partnership|reseller|referral partner|co-marketing)\b/,
			'partnership vocabulary',
		],
		['lead', /\b(quote|quotation|proposal|pricing|demo|angebot|devis)\b/, 'asks about a quote'],
		[
			'customer',
			/\b(order|support ticket|onboarding|contract renewal|our account)\b/,
			'customer vocabulary',
		],
		['personal', /\b(birthday|dinner|family|vacation|holiday plans|weekend)\b/, 'personal topics'],
	];
	for (const [classification, pattern, reason] of rules) {
		if (pattern.test(text)) return { classification, confidence: 0.7, reason };
	}
	return { classification: 'unknown', confidence: 0.3, reason: 'nothing decisive in the messages' };
}
