// Phone numbers in signature lines: candidates found with a bounded pattern, parsed and checked by
// libphonenumber-js (full metadata, for validity and number type), written as E.164. National
// numbers need a country: hints come from numbers written internationally in the same block, the
// sender's domain, the postal address and the language of the labels.

import { CountryCode, PhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';

import { PhoneType } from './types';

export interface PhoneMatch {
	e164: string;
	type: PhoneType;
	written: string;
	confidence: number;
	/** Whether a label (Tel, Mobile, Fax …) named it. */
	labelled: boolean;
}

/** Country code top-level domains whose owner is a country (not .io, .co, .ai, .me, .tv …). */
const TLD_COUNTRY: Record<string, CountryCode> = {
	de: 'DE',
	at: 'AT',
	ch: 'CH',
	li: 'LI',
	fr: 'FR',
	be: 'BE',
	lu: 'LU',
	es: 'ES',
	mx: 'MX',
	ar: 'AR',
	cl: 'CL',
	pe: 'PE',
	nl: 'NL',
	it: 'IT',
	pt: 'PT',
	br: 'BR',
	jp: 'JP',
	se: 'SE',
	no: 'NO',
	dk: 'DK',
	fi: 'FI',
	pl: 'PL',
	cz: 'CZ',
	sk: 'SK',
	hu: 'HU',
	ro: 'RO',
	gr: 'GR',
	uk: 'GB',
	ie: 'IE',
	us: 'US',
	ca: 'CA',
	au: 'AU',
	nz: 'NZ',
	in: 'IN',
	za: 'ZA',
	sg: 'SG',
	hk: 'HK',
	kr: 'KR',
	cn: 'CN',
	tw: 'TW',
	il: 'IL',
	tr: 'TR',
};

/** Country names and markers written in signatures (lower case), in the supported languages. */
const COUNTRY_WORDS: Array<[RegExp, CountryCode]> = [
	[
		/\b(deutschland|germany|allemagne|alemania|duitsland|germania|alemanha|tyskland|niemcy)\b/i,
		'DE',
	],
	[/\b(österreich|austria|autriche|oostenrijk|österrike)\b/i, 'AT'],
	[/\b(schweiz|suisse|svizzera|switzerland|suiza|zwitserland)\b/i, 'CH'],
	[/\b(france|frankreich|francia|frankrijk|frança|frankrike|francja)\b/i, 'FR'],
	[/\b(belgique|belgium|belgië|belgien|bélgica)\b/i, 'BE'],
	[/\b(españa|espana|spain|spanien|espagne|spanje|spagna)\b/i, 'ES'],
	[/\b(méxico|mexico)\b/i, 'MX'],
	[/\b(nederland|netherlands|niederlande|pays-bas|países bajos|paesi bassi)\b/i, 'NL'],
	[/\b(italia|italy|italien|italie|italië)\b/i, 'IT'],
	[/\bportugal\b/i, 'PT'],
	[/\b(brasil|brazil|brasilien|brésil)\b/i, 'BR'],
	[/\b(japan|japon|japón|giappone)\b|日本/i, 'JP'],
	[/\b(sverige|sweden|schweden|suède|suecia|zweden|svezia)\b/i, 'SE'],
	[/\b(polska|poland|polen|pologne|polonia)\b/i, 'PL'],
	[
		/\b(united kingdom|great britain|england|scotland|wales|großbritannien|royaume-uni|reino unido|london|manchester|edinburgh)\b/i,
		'GB',
	],
	[/\b(usa|u\.s\.a\.|united states|états-unis|estados unidos|vereinigte staaten)\b/i, 'US'],
	[/\b(canada|kanada)\b/i, 'CA'],
	[/\b(ireland|irland|irlande|dublin)\b/i, 'IE'],
];

/** The country a top-level domain names, if any (acme.de → DE, acme.co.uk → GB, acme.com.br → BR). */
export function countryOfDomain(domain: string | null | undefined): CountryCode | undefined {
	if (!domain) return undefined;
	const labels = domain.toLowerCase().split('.');
	return TLD_COUNTRY[labels[labels.length - 1]];
}

/** Countries suggested by a text: strong hints (country names, postal formats, Japanese script)
 * and weak ones (the language of phone labels and of the words around them). */
export function countriesInText(text: string): { strong: CountryCode[]; weak: CountryCode[] } {
	const strong: CountryCode[] = [];
	const weak: CountryCode[] = [];
	const add = (list: CountryCode[], c: CountryCode) => {
		if (!strong.includes(c) && !list.includes(c)) list.push(c);
	};
	const sample = text.length > 4000 ? text.slice(0, 4000) : text;
	for (const [pattern, country] of COUNTRY_WORDS) if (pattern.test(sample)) add(strong, country);
	if (/〒|[\u3040-\u30ff]/.test(sample)) add(strong, 'JP');
	if (/\b[A-Z]{2} \d{5}(-\d{4})?\b/.test(sample)) add(strong, 'US');
	if (/\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b/.test(sample)) add(strong, 'GB');
	if (/\p{Script=Han}/u.test(sample)) add(weak, 'JP');
	if (
		/(straße|strasse|\bhandy\b|\btelefon\b|\bfon\b|gmbh|\bgrüße|\bgrüß|\bund\b|\bich\b|\bnicht\b|\bbitte\b|\bfür\b|\bwir\b|\bsehr\b|\bgeehrte|\bgruß\b|\bmfg\b)/i.test(
			sample,
		)
	)
		add(weak, 'DE');
	if (
		/(\btél\b|\bportable\b|\bsarl\b|\brue\b|\bcedex\b|\bvous\b|\bnous\b|\bmerci\b|\bbonjour\b|\bcordialement\b|\bje\b|\bles\b|\bdes\b|\bune\b|\bavec\b|\bpour\b|\bsalutations\b|bien à vous|bonne journée|\bmadame\b|\bmonsieur\b)/i.test(
			sample,
		)
	)
		add(weak, 'FR');
	if (
		/(\bmóvil\b|\btel[eé]fono\b|\bs\.l\.|\bcalle\b|\busted\b|\bgracias\b|\bhola\b|\bsaludos?\b|\batentamente\b|\bque\b|\bpor\b|\blos\b|\bmuy\b|\bestimad[oa]s?\b)/i.test(
			sample,
		)
	)
		add(weak, 'ES');
	if (
		/(\bmobiel\b|\btelefoon\b|\bb\.v\.|\bgroet(en)?\b|\bbedankt\b|\bhet\b|\been\b|\bik\b|\bwij\b|\bgeachte\b)/i.test(
			sample,
		)
	)
		add(weak, 'NL');
	if (
		/(\bcellulare\b|\bs\.r\.l\.|\bs\.p\.a\.|\bgrazie\b|\bbuongiorno\b|\bsaluti\b|\bdella\b|\bche\b|\bnon\b|\bsono\b|\bgentile\b)/i.test(
			sample,
		)
	)
		add(weak, 'IT');
	if (/(\bltda\b|\bcel\.|\bobrigad[oa]\b|\bprezad[oa]\b|\batenciosamente\b|\bvocê\b)/i.test(sample))
		add(weak, 'BR');
	if (/(\btelemóvel\b|\brua\b|\bcumprimentos\b)/i.test(sample)) add(weak, 'PT');
	if (/(\bhälsningar\b|\btack\b|\bhej\b|\boch\b|\bmvh\b)/i.test(sample)) add(weak, 'SE');
	if (/(\bpozdrawiam\b|\bdziękuję\b|\bproszę\b|\bsp\. z o\.o\.)/i.test(sample)) add(weak, 'PL');
	if (/(\bmob\b|\bddi\b|\bltd\b|\bmany thanks\b|\bkind regards\b|\bbest wishes\b)/i.test(sample))
		add(weak, 'GB');
	if (
		/(\bthe\b|\band\b|\bthanks\b|\bplease\b|\byou\b|\bregards\b|\bcell\b|\binc\.?\b|\bllc\b)/i.test(
			sample,
		)
	) {
		add(weak, 'US');
		add(weak, 'GB');
	}
	return { strong, weak };
}

const LABEL_TYPES: Array<[RegExp, PhoneType]> = [
	[/^(fax|telefax|f|fx|ファックス|ファクス|fax番号)$/i, 'fax'],
	[
		/^(mobile|mob|m|cell|cellphone|cel|celular|mobil|mobilnummer|handy|portable|port|móvil|movil|mobiel|cellulare|cell\.|telemóvel|telemovel|gsm|kom|komórka|携帯|携帯電話|携|c)$/i,
		'mobile',
	],
	[
		/^(tel|t|phone|ph|p|office|o|direct|direct line|direkt|durchwahl|d|ddi|dd|telefon|fon|tél|téléphone|telephone|teléfono|telefono|telefone|telefoon|standard|switchboard|zentrale|電話|電話番号|電|work|w|main|fixe|fijo|vaste|bureau|büro|tlf|tfn|tel\.|b)$/i,
		'office',
	],
];

/** The label right before a number ("Tel.: ", "M ", "Mobile – "), if it names a phone type. */
function labelBefore(prefix: string): PhoneType | undefined {
	// Only the text since the previous separator counts: "T +1 … | M +1 …".
	const match = /([\p{L}.]{1,16}(?: [\p{L}.]{1,10})?)[\s.:：\-–—/()|]*$/u.exec(prefix.slice(-30));
	if (!match) return undefined;
	const words = match[1].replace(/\.$/, '').trim();
	for (const [pattern, type] of LABEL_TYPES) if (pattern.test(words)) return type;
	// "Tel. mobile", "Tel./Fax" keep the last word.
	const last = words
		.split(/[\s.]+/)
		.filter(Boolean)
		.pop();
	if (last && last !== words)
		for (const [pattern, type] of LABEL_TYPES) if (pattern.test(last)) return type;
	return undefined;
}

function labelAfter(suffix: string): PhoneType | undefined {
	const match = /^\s*\(([\p{L}.]{1,12})\)/u.exec(suffix.slice(0, 20));
	if (!match) return undefined;
	const word = match[1].replace(/\.$/, '');
	for (const [pattern, type] of LABEL_TYPES) if (pattern.test(word)) return type;
	return undefined;
}

/** Words before a number that make it an identifier, not a phone. */
const NOT_A_PHONE_BEFORE =
	/(vat|ust|uid|idnr|id-nr|tax|steuer|st\.-?nr|hrb|hra|amtsgericht|registergericht|handelsregister|register|siret|siren|rcs|tva|kvk|btw|cif|nif|nie|p\.?\s?iva|partita|c\.?f\.|cnpj|cpf|reg\.|registered|company no|company number|registration|iban|bic|swift|blz|konto|account|sort code|abn|acn|org\.?\s?nr|organisationsnummer|nip|regon|krs|法人番号|登録番号|zip|plz|postal|postcode|order|invoice|rechnung|ref|case|ticket|no\.|nr\.|n°|nº|#)\W*(?:[A-Z]{2}\W*)?$/i;

const CANDIDATE = /\+?\(?\d[\d ()./\u2013\u00a0-]{5,28}\d/g;

function digitCount(s: string): number {
	let n = 0;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c >= 48 && c <= 57) n++;
	}
	return n;
}

function looksLikeDate(s: string): boolean {
	return (
		/^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/.test(s) ||
		/^\d{4}\s*[-–]\s*\d{4}$/.test(s) ||
		/^\d{1,2}[./]\d{1,2}[./]\d{2,4}\s*[-–]\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}$/.test(s)
	);
}

function typeFromNumber(p: PhoneNumber): PhoneType {
	const t = p.getType();
	if (t === 'MOBILE') return 'mobile';
	if (t === 'FIXED_LINE' || t === 'TOLL_FREE' || t === 'SHARED_COST' || t === 'UAN')
		return 'office';
	return 'other';
}

interface Parsed {
	e164: string;
	valid: boolean;
	/** The type the numbering plan gives (used when no label names one). */
	type: PhoneType;
}

/**
 * Parsing is the costly step and a sender writes the same numbers in every mail: results are kept
 * for the most recent numbers (bounded; the same input always gives the same answer).
 */
const parseCache = new Map<string, Parsed | null>();
const PARSE_CACHE_SIZE = 20_000;

function parseCached(written: string, countries: CountryCode[]): Parsed | null {
	const key = `${written}\u0001${countries.join(',')}`;
	const cached = parseCache.get(key);
	if (cached !== undefined) return cached;
	const result = parseWritten(written, countries);
	const value = result
		? { e164: result.phone.number, valid: result.valid, type: typeFromNumber(result.phone) }
		: null;
	if (parseCache.size >= PARSE_CACHE_SIZE) parseCache.clear();
	parseCache.set(key, value);
	return value;
}

/** Fallback countries when no hint names the right one. */
const DEFAULT_COUNTRIES: CountryCode[] = ['US', 'GB', 'DE', 'FR'];

/**
 * Parses one written number: the international form as written; else a number valid in a hinted
 * country, then one possible in a hinted country, then one valid in a fallback country.
 */
function parseWritten(
	written: string,
	countries: CountryCode[],
): { phone: PhoneNumber; valid: boolean } | undefined {
	let text = written.replace(/\u2013/g, '-');
	if (text.startsWith('00')) text = `+${text.slice(2)}`;
	// "+49 (0)30 …": the trunk zero in brackets is not dialled from abroad.
	text = text.replace(/^(\+\d{1,3})\s*\(0\)\s*/, '$1 ');
	if (text.startsWith('+')) {
		const p = parsePhoneNumberFromString(text);
		if (!p) return undefined;
		return { phone: p, valid: p.isValid() };
	}
	// The strongest hint decides when the number has a possible length there; then any hinted
	// country where it is valid, then one where it is possible.
	let possible: PhoneNumber | undefined;
	for (let i = 0; i < countries.length; i++) {
		const p = parsePhoneNumberFromString(text, countries[i]);
		if (!p) continue;
		if (p.isValid()) return { phone: p, valid: true };
		// (Only for numbers written with the trunk prefix 0, which North America does not use.)
		if (i === 0 && text.startsWith('0') && p.countryCallingCode !== '1' && p.isPossible())
			return { phone: p, valid: false };
		if (!possible && p.isPossible()) possible = p;
	}
	if (possible) return { phone: possible, valid: false };
	for (const country of DEFAULT_COUNTRIES) {
		if (countries.includes(country)) continue;
		const p = parsePhoneNumberFromString(text, country);
		if (p && p.isValid()) return { phone: p, valid: true };
	}
	return undefined;
}

/**
 * Phone numbers written on one line. `countries` are the hinted countries, strongest first.
 * A number libphonenumber does not consider valid is kept, at a low confidence, only when a phone
 * label names it or it is written in international form and its length is possible: its ranges
 * lag behind real numbering plans (new mobile ranges, numbers reserved for fiction).
 */
export function phonesInLine(
	line: string,
	countries: CountryCode[] | (() => CountryCode[]),
): PhoneMatch[] {
	const out: PhoneMatch[] = [];
	if (line.length > 500) line = line.slice(0, 500);
	CANDIDATE.lastIndex = 0;
	let match: RegExpExecArray | null;
	while ((match = CANDIDATE.exec(line)) !== null) {
		const start = match.index;
		const raw = match[0];
		const pieces = digitCount(raw) > 15 ? raw.split(/\s+\/\s+|\s{2,}/) : [raw];
		let offset = start;
		for (const piece of pieces) {
			const pieceStart = line.indexOf(piece, offset);
			offset = pieceStart + piece.length;
			const found = readPiece(line, piece.trim(), pieceStart, countries);
			if (found) out.push(found);
		}
	}
	return out;
}

function readPiece(
	line: string,
	piece: string,
	start: number,
	countries: CountryCode[] | (() => CountryCode[]),
): PhoneMatch | undefined {
	const written = piece.replace(/[\s(./-]+$/, '');
	const digits = digitCount(written);
	if (digits < 7 || digits > 15) return undefined;
	if (looksLikeDate(written)) return undefined;
	const before = line.slice(Math.max(0, start - 40), start);
	// Glued to letters or other digits ("DE123456789", "ID:12345678"): an identifier.
	if (start > 0 && /^\d/.test(written) && /[\p{L}\d]/u.test(line[start - 1])) return undefined;
	if (NOT_A_PHONE_BEFORE.test(before)) return undefined;
	if (/〒\s*$/.test(before)) return undefined;
	// Postal codes written like numbers (JP 100-0011, BR 01310-100).
	if (/^\d{3}-\d{4}$/.test(written) || /^\d{5}-\d{3}$/.test(written)) return undefined;
	const after = line.slice(start + piece.length, start + piece.length + 20);
	const label = labelBefore(before) ?? labelAfter(after);
	// Hints cost a little to gather: only numbers written nationally need them.
	const international = written.startsWith('+') || written.startsWith('00');
	const hinted = international ? [] : typeof countries === 'function' ? countries() : countries;
	const parsed = parseCached(written, hinted);
	if (!parsed) return undefined;
	if (!parsed.valid && !label && !written.startsWith('+')) return undefined;
	const type = label ?? parsed.type;
	const confidence = parsed.valid ? (label ? 0.95 : 0.85) : 0.5;
	return { e164: parsed.e164, type, written, confidence, labelled: label !== undefined };
}
