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

/** Countries suggested by a signature's own text, strongest first. */
export function countriesInText(text: string): CountryCode[] {
	const found: CountryCode[] = [];
	const add = (c: CountryCode) => {
		if (!found.includes(c)) found.push(c);
	};
	const sample = text.length > 4000 ? text.slice(0, 4000) : text;
	for (const [pattern, country] of COUNTRY_WORDS) if (pattern.test(sample)) add(country);
	if (/〒|[\u3040-\u30ff]/.test(sample)) add('JP');
	if (/\b[A-Z]{2} \d{5}(-\d{4})?\b/.test(sample)) add('US');
	if (/\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b/.test(sample)) add('GB');
	if (/(straße|strasse|str\.|\bhandy\b|\bmobil\b|\btelefon\b|\bfon\b|gmbh)/i.test(sample))
		add('DE');
	if (/(\btél\b|\bportable\b|\bsarl\b|\bsas\b|\brue\b|\bcedex\b)/i.test(sample)) add('FR');
	if (/(\bmóvil\b|\btel[eé]fono\b|\bs\.l\.|\bcalle\b)/i.test(sample)) add('ES');
	if (/(\bmobiel\b|\btelefoon\b|\bb\.v\.)/i.test(sample)) add('NL');
	if (/(\bcellulare\b|\bs\.r\.l\.|\bs\.p\.a\.|\bvia\b)/i.test(sample)) add('IT');
	if (/(\btelemóvel\b|\bltda\b|\brua\b)/i.test(sample)) add('PT');
	if (/(\bmob\b|\bddi\b)/i.test(sample)) add('GB');
	return found;
}

const LABEL_TYPES: Array<[RegExp, PhoneType]> = [
	[/^(fax|telefax|f|fx|ファックス|ファクス|fax番号)$/i, 'fax'],
	[
		/^(mobile|mob|m|cell|cellphone|cel|celular|mobil|mobilnummer|handy|portable|port|móvil|movil|mobiel|cellulare|cell\.|telemóvel|telemovel|gsm|kom|komórka|携帯|携帯電話|c)$/i,
		'mobile',
	],
	[
		/^(tel|t|phone|ph|p|office|o|direct|direct line|direkt|durchwahl|d|ddi|dd|telefon|fon|tél|téléphone|telephone|teléfono|telefono|telefone|telefoon|standard|switchboard|zentrale|電話|電話番号|work|w|main|fixe|fijo|vaste|bureau|büro|tlf|tfn|tel\.|b)$/i,
		'office',
	],
];

/** The label right before a number ("Tel.: ", "M ", "Mobile – "), if it names a phone type. */
function labelBefore(prefix: string): PhoneType | undefined {
	// Only the text since the previous separator counts: "T +1 … | M +1 …".
	const match = /([\p{L}.]{1,16}(?: [\p{L}.]{1,10})?)[\s.:：\-–—/()]*$/u.exec(prefix.slice(-30));
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
	/(vat|ust|uid|idnr|id-nr|tax|steuer|st\.-?nr|hrb|hra|amtsgericht|registergericht|handelsregister|register|siret|siren|rcs|tva|kvk|btw|cif|nif|nie|p\.?\s?iva|partita|c\.?f\.|cnpj|cpf|reg\.|registered|company no|company number|registration|iban|bic|swift|blz|konto|account|sort code|abn|acn|org\.?\s?nr|organisationsnummer|nip|regon|krs|法人番号|登録番号|zip|plz|postal|postcode|order|invoice|rechnung|ref|case|ticket|no\.|nr\.|n°|nº|#)\W*$/i;

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

/** Parses one written number; international form first, then each hinted country. */
function parseWritten(
	written: string,
	countries: CountryCode[],
): { phone: PhoneNumber; valid: boolean } | undefined {
	let text = written.replace(/\u2013/g, '-');
	if (text.startsWith('00')) text = `+${text.slice(2)}`;
	// "+49 (0)30 …": the trunk zero in brackets is not dialled from abroad.
	text = text.replace(/^(\+\d{1,3})\s*\(0\)\s*/, '$1 ');
	let possible: PhoneNumber | undefined;
	if (text.startsWith('+')) {
		const p = parsePhoneNumberFromString(text);
		if (!p) return undefined;
		return { phone: p, valid: p.isValid() };
	}
	for (const country of countries) {
		const p = parsePhoneNumberFromString(text, country);
		if (!p) continue;
		if (p.isValid()) return { phone: p, valid: true };
		if (!possible && p.isPossible()) possible = p;
	}
	return possible ? { phone: possible, valid: false } : undefined;
}

/** Fallback countries when nothing hints at one. */
const DEFAULT_COUNTRIES: CountryCode[] = ['US', 'GB', 'DE', 'FR'];

/**
 * Phone numbers written on one line. `countries` are the hinted countries, strongest first.
 * A number that libphonenumber does not consider valid is kept only when a phone label names it
 * and its length is possible for the country (its ranges lag behind real numbering plans), at a
 * lower confidence.
 */
export function phonesInLine(line: string, countries: CountryCode[]): PhoneMatch[] {
	const out: PhoneMatch[] = [];
	if (line.length > 500) line = line.slice(0, 500);
	const tryCountries =
		countries.length > 0
			? [...countries, ...DEFAULT_COUNTRIES.filter((c) => !countries.includes(c))]
			: DEFAULT_COUNTRIES;
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
			const found = readPiece(line, piece.trim(), pieceStart, tryCountries);
			if (found) out.push(found);
		}
	}
	return out;
}

function readPiece(
	line: string,
	piece: string,
	start: number,
	countries: CountryCode[],
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
	const parsed = parseWritten(written, countries);
	if (!parsed) return undefined;
	if (!parsed.valid && !label) return undefined;
	const phone = parsed.phone;
	const type = label ?? typeFromNumber(phone);
	const confidence = parsed.valid ? (label ? 0.95 : 0.85) : 0.5;
	return { e164: phone.number, type, written, confidence, labelled: label !== undefined };
}
