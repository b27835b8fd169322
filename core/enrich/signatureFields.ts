// What a signature block says about its sender, offline and deterministic. Each line is cut into
// segments ("Jane Smith | CTO | Acme Inc."), each segment is recognised as contact data (phone,
// e-mail, URL), a postal address, a name, a job title or a company, and every value keeps the
// line it came from. Only the block is read: quoted text never reaches this step.

import { CountryCode } from 'libphonenumber-js/max';

import { countriesInText, countryOfDomain, phonesInLine } from './phoneNumbers';
import { closingOf } from './signatureBlock';
import {
	EmailForEnrichment,
	FoundValue,
	PhoneValue,
	SignatureBlockResult,
	SignatureContact,
} from './types';

const EXTRACTOR = 'signature';
const MAX_LINES = 25;
const MAX_LINE = 300;

function found<T>(
	value: T,
	confidence: number,
	excerpt: string,
	extractor = EXTRACTOR,
): FoundValue<T> {
	return { value, confidence: Math.round(confidence * 100) / 100, extractor, excerpt };
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

/** Job title words in en, de, fr, es, nl, it, pt, sv, pl (lower case, whole words). */
const TITLE_WORDS =
	/(^|[^\p{L}])(ceo|cto|cfo|coo|cmo|cio|ciso|cpo|cro|cso|vp|svp|evp|avp|gm|md|president|vice president|founder|co-founder|cofounder|owner|partner|principal|director|head|manager|lead|leader|chief|officer|engineer|developer|consultant|analyst|specialist|executive|associate|assistant|coordinator|administrator|advisor|adviser|architect|designer|representative|accountant|counsel|attorney|lawyer|paralegal|recruiter|strategist|scientist|researcher|professor|intern|secretary|treasurer|chairman|chairwoman|chair|supervisor|agent|broker|controller|buyer|editor|producer|procurement|operations|business development|customer success|sales|marketing|finance|purchasing|account manager|key account|geschäftsführer|geschäftsführerin|geschäftsführung|leiter|leiterin|leitung|vertrieb|vertriebsleiter|vertriebsleiterin|einkauf|einkaufsleiter|einkaufsleiterin|projektmanager|projektmanagerin|projektleiter|projektleiterin|inhaber|inhaberin|vorstand|vorständin|prokurist|prokuristin|abteilungsleiter|abteilungsleiterin|referent|referentin|sachbearbeiter|sachbearbeiterin|berater|beraterin|assistenz|entwickler|entwicklerin|ingenieur|ingenieurin|buchhaltung|teamleiter|teamleiterin|bereichsleiter|bereichsleiterin|gründer|gründerin|kundenbetreuer|kundenbetreuerin|technischer|kaufmännischer|directeur|directrice|responsable|chef de projet|chef|gérant|gérante|président|présidente|fondateur|fondatrice|ingénieur|ingénieure|chargé|chargée|commercial|commerciale|conseiller|conseillère|assistante|comptable|associé|associée|développeur|développeuse|technicien|technicienne|gestionnaire|délégué|déléguée|directeur général|director|directora|gerente|jefe|jefa|presidente|fundador|fundadora|ingeniero|ingeniera|consultor|consultora|asesor|asesora|ejecutivo|ejecutiva|coordinador|coordinadora|analista|representante|socio|socia|administrador|administradora|desarrollador|hoofd|eigenaar|oprichter|adviseur|medewerker|medewerkster|accountmanager|projectleider|teamleider|verkoper|bedrijfsleider|directie|direttore|direttrice|responsabile|amministratore|titolare|fondatore|fondatrice|consulente|ingegnere|addetto|addetta|diretor|diretora|sócio|sócia|engenheiro|engenheira|coordenador|coordenadora|executivo|executiva|assessor|vd|verkställande direktör|säljchef|försäljningschef|ansvarig|grundare|konsult|projektledare|ingenjör|utvecklare|ekonomichef|dyrektor|dyrektorka|kierownik|kierowniczka|prezes|właściciel|właścicielka|specjalista|specjalistka|konsultant|konsultantka|inżynier|menedżer|przedstawiciel|przedstawicielka|koordynator|koordynatorka|handlowy|handlowa)(?=$|[^\p{L}])/iu;

/** Japanese titles (no word boundaries in Japanese). */
const JAPANESE_TITLE =
	/(部長|課長|係長|主任|代表取締役|取締役|社長|専務|常務|担当|マネージャー|マネジャー|室長|所長|執行役員|顧問|会長|エンジニア|ディレクター|リーダー|営業部|経理部|総務部|部\s|購買)/u;

/** Legal forms and company words, case-sensitive short forms kept apart from long ones. */
const LEGAL_FORM_LONG =
	/(^|[^\p{L}])(gmbh|gesmbh|gmbh & co\.? kg|e\.k\.|s\.a\.s\.?|s\.a\.r\.l\.?|sarl|s\.l\.u?\.?|s\.a\.|s\.a\.u\.|b\.v\.|n\.v\.|s\.p\.a\.|s\.r\.l\.|ltda\.?|ltd\.?|limited|llc|l\.l\.c\.|llp|plc|inc\.?|incorporated|corp\.?|corporation|sp\. z o\.o\.|sp\.z o\.o\.|s\.c\.|k\.k\.|pty|pte|aktiengesellschaft|gesellschaft|s\.a\.b\. de c\.v\.|eirl|unipessoal)(?=$|[^\p{L}])/iu;
const LEGAL_FORM_SHORT =
	/(^|[^\p{L}])(AG|KG|OHG|GbR|UG|SE|SA|SAS|SARL|SL|SLU|BV|NV|SpA|Srl|SRL|AB|Oy|AS|A\/S|ApS|LP|Co\.)(?=$|[^\p{L}])/u;
const JAPANESE_COMPANY = /(株式会社|有限会社|合同会社|\(株\)|（株）)/u;
/** Words that make a segment read as an organisation when nothing stronger says so. */
const COMPANY_WORDS =
	/(^|[^\p{L}])(group|gruppe|groupe|grupo|gruppo|holding|labs?|partners|consulting|solutions|technologies|technology|systems|software|studio|agency|associates|industries|logistics|logistik|beratung|maschinenbau|conseil|services|ventures|capital|media|health|trading|engineering|digital)(?=$|[^\p{L}])/iu;

const SOCIAL_HOSTS =
	/(^|\.)(linkedin\.com|twitter\.com|x\.com|facebook\.com|fb\.com|instagram\.com|youtube\.com|youtu\.be|xing\.com|github\.com|tiktok\.com|t\.co|bit\.ly|wa\.me|calendly\.com|lnkd\.in|medium\.com|pinterest\.com|threads\.net|mastodon\.social|google\.com|goo\.gl|aka\.ms|zoom\.us|teams\.microsoft\.com)$/i;

const FREE_MAIL =
	/^(gmail|googlemail|yahoo|ymail|outlook|hotmail|live|msn|icloud|me|mac|aol|gmx|web|t-online|orange|free|laposte|wanadoo|sfr|btinternet|proton|protonmail|pm|mail|yandex|qq|163|libero|virgilio|uol|bol|terra|wp|o2|onet|interia|seznam|telia|ziggo|kpnmail|hetnet|docomo|ezweb|softbank|nifty|biglobe)\./i;

// ---------------------------------------------------------------------------------------------
// Small helpers

function fold(s: string): string {
	return s
		.toLowerCase()
		.replace(/ß/g, 'ss')
		.replace(/æ/g, 'ae')
		.replace(/ø/g, 'o')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '');
}

/** Lower-case letter tokens of a name, ASCII-folded ("Müller" → "muller", "O'Neill" → "oneill"). */
function nameTokens(s: string): string[] {
	return fold(s)
		.replace(/['’]/g, '')
		.split(/[^\p{L}\p{N}]+/u)
		.filter((t) => t.length > 0);
}

/** German umlauts are often written ae/oe/ue in addresses: "müller" matches "mueller". */
function tokenVariants(t: string): string[] {
	return [t, t.replace(/ae/g, 'a').replace(/oe/g, 'o').replace(/ue/g, 'u')];
}

function senderDomain(email: EmailForEnrichment): string | null {
	const address = (email.fromEmail ?? '').trim().toLowerCase();
	const at = address.lastIndexOf('@');
	return at > 0 ? address.slice(at + 1) : null;
}

/** Distinctive tokens of a domain: "brightwater-analytics.example" → ["brightwater", "analytics"]. */
function domainTokens(domain: string | null): string[] {
	if (!domain || FREE_MAIL.test(domain)) return [];
	const labels = domain.split('.');
	// Drop the public suffix ("co.uk", "com.br", "example", "com").
	let keep = labels.length - 1;
	if (keep >= 2 && /^(co|com|org|net|ac|gov|ne|or|gv)$/.test(labels[keep - 1])) keep--;
	const main = labels[keep - 1] ?? '';
	return main
		.split(/[-_]/)
		.filter((t) => t.length >= 3 && !/^(www|mail|email|the|and|und|et|group)$/.test(t));
}

/** Name as people say it: "Smith, Jane" → "Jane Smith"; quotes and addresses dropped. */
export function displayNameOf(fromName: string | null): string | null {
	if (!fromName) return null;
	let name = fromName
		.replace(/<[^>]*>/g, '')
		.replace(/["“”]/g, '')
		.replace(/\s+/g, ' ')
		.trim();
	name = name.replace(/\s*\((?:[^)]{0,60})\)\s*$/, '').trim();
	const comma = /^([^,]{2,40}),\s*([^,]{2,40})$/.exec(name);
	if (comma && !LEGAL_FORM_LONG.test(comma[2]) && !LEGAL_FORM_SHORT.test(comma[2]))
		name = `${comma[2]} ${comma[1]}`;
	return name.length > 0 ? name : null;
}

/** Whether a display name is a person's real name (not "Acme Sales", "info", "jane.smith"). */
function isRealName(name: string): boolean {
	if (/[@\d]/.test(name) || name.length > 50) return false;
	if (
		TITLE_WORDS.test(name) ||
		LEGAL_FORM_LONG.test(name) ||
		LEGAL_FORM_SHORT.test(name) ||
		COMPANY_WORDS.test(name)
	)
		return false;
	const words = name.split(/\s+/);
	if (/^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\s]{2,10}$/u.test(name)) return true;
	return (
		words.length >= 2 && words.length <= 4 && words.every((w) => /^\p{Lu}[\p{L}'’.-]*$/u.test(w))
	);
}

const CJK_NAME =
	/^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]{1,4}[\s\u3000]?[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]{1,4}$/u;

/** A segment written like a person's name. */
function looksLikeName(s: string): boolean {
	const t = s.trim();
	if (t.length < 3 || t.length > 45 || /[\d@/:]/.test(t)) return false;
	if (CJK_NAME.test(t)) return !JAPANESE_TITLE.test(t) && !JAPANESE_COMPANY.test(t);
	const words = t.split(/\s+/);
	if (words.length < 2 || words.length > 5) return false;
	let capitalised = 0;
	for (const w of words) {
		if (/^(von|van|der|den|de|del|della|di|da|du|dos|das|le|la|zu|ten|ter|y|e|bin|al)$/.test(w))
			continue;
		if (!/^(\p{Lu}[\p{L}'’-]*\.?|\p{Lu}\.)$/u.test(w)) return false;
		capitalised++;
	}
	return capitalised >= 2;
}

function isTitle(s: string): boolean {
	if (/[@]|https?:|www\./i.test(s)) return false;
	return TITLE_WORDS.test(s) || JAPANESE_TITLE.test(s);
}

function legalForm(s: string): boolean {
	return LEGAL_FORM_LONG.test(s) || LEGAL_FORM_SHORT.test(s) || JAPANESE_COMPANY.test(s);
}

function matchesDomain(s: string, tokens: string[]): boolean {
	if (tokens.length === 0) return false;
	const folded = fold(s).replace(/[^a-z0-9]/g, '');
	return tokens.some((t) => folded.includes(t) || tokenVariants(t).some((v) => folded.includes(v)));
}

// ---------------------------------------------------------------------------------------------
// Contact data: e-mail, LinkedIn, website

const EMAIL = /[a-z0-9._%+'-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,6}\.[a-z]{2,24}/gi;
const LINKEDIN = /(?:https?:\/\/)?(?:[a-z]{2,3}\.)?linkedin\.com\/in\/([\p{L}\p{N}_%-]{2,100})/giu;
const URL =
	/(?:https?:\/\/[^\s<>"'|,)]{3,200}|\bwww\.[^\s<>"'|,)]{3,200}|\b(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\.){1,4}(?:com|net|org|io|co|ai|app|dev|de|at|ch|fr|be|lu|es|nl|it|pt|br|jp|se|pl|uk|eu|us|ca|au|ie|dk|no|fi|cz|mx|ar|cl|example|info|biz|tech|online|shop|store|agency|consulting|digital|cloud|media|studio|group)\b(?:\/[^\s<>"'|,)]{0,200})?)/gi;

function normaliseLinkedin(slug: string): string {
	let s = slug;
	try {
		s = decodeURIComponent(slug);
	} catch {
		// keep as written
	}
	return `https://www.linkedin.com/in/${s.toLowerCase().replace(/\/+$/, '')}`;
}

function hostOf(url: string): string | null {
	const m = /^(?:https?:\/\/)?([^/:?#\s]+)/i.exec(url);
	if (!m) return null;
	const host = m[1].toLowerCase().replace(/\.+$/, '');
	return /^[a-z0-9.-]+\.[a-z]{2,}$/.test(host) ? host : null;
}

// ---------------------------------------------------------------------------------------------
// Postal addresses

const STREET =
	/(straße|strasse|str\.|weg\b|allee\b|platz\b|gasse\b|ring\b|damm\b|ufer\b|chaussee|\bstreet\b|\bst\.|\bavenue\b|\bave\.?\b|\broad\b|\brd\.?\b|\bboulevard\b|\bblvd\b|\blane\b|\bdrive\b|\bway\b|\bsuite\b|\bfloor\b|\bcourt\b|\bplace\b|\bsquare\b|\brue\b|\bchemin\b|\ballée\b|\bimpasse\b|\bquai\b|\bcalle\b|\bc\/|\bavda\b|\bavenida\b|\bpaseo\b|\bplaza\b|\bcarrer\b|\bvia\b|\bviale\b|\bpiazza\b|\bcorso\b|\blargo\b|\brua\b|\btravessa\b|\bpraça\b|straat\b|laan\b|plein\b|gracht\b|kade\b|gatan\b|vägen\b|\bgata\b|\bväg\b|\bul\.|\bulica\b|\baleja\b|丁目|番地|ビル|[都道府県].{1,6}[市区町村])/iu;

const POSTAL = [
	/(^|[^\d])\d{4,5}\s+\p{Lu}[\p{L}-]+/u, // DE, AT, CH, FR, ES, IT, BE, NL (numeric part), DK, NO
	/\b\d{4}\s?[A-Z]{2}\s+\p{Lu}/u, // NL 1012 AB Amsterdam
	/\b\d{3}\s\d{2}\s+\p{Lu}/u, // SE 114 55 Stockholm
	/\b\d{2}-\d{3}\s+\p{Lu}/u, // PL 00-950 Warszawa
	/\b\d{4}-\d{3}\s+\p{Lu}/u, // PT 1000-001 Lisboa
	/\b\d{5}-\d{3}\b/, // BR 01310-100
	/\b[A-Z]{2}\s+\d{5}(-\d{4})?\b/, // US CA 94105
	/\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b/, // UK EC1A 1AA
	/〒\s?\d{3}-?\d{4}/u, // JP
];

const COUNTRY_LINE =
	/^(deutschland|germany|österreich|austria|schweiz|suisse|switzerland|france|belgique|belgium|españa|spain|méxico|mexico|nederland|the netherlands|netherlands|italia|italy|portugal|brasil|brazil|japan|日本|sverige|sweden|polska|poland|united kingdom|uk|usa|united states|canada|ireland)$/i;

const ADDRESS_LABEL =
	/^(address|adresse|anschrift|dirección|direccion|adres|indirizzo|endereço|adress|adres|住所|sede|office|büro)\s*[:：]\s*/i;

function hasPostalCode(s: string): boolean {
	return POSTAL.some((p) => p.test(s));
}

function isStreetLine(s: string): boolean {
	return STREET.test(s) && /\d/.test(s) && s.length <= 120;
}

// ---------------------------------------------------------------------------------------------
// Segments

/** Strong separators between fields on one line. */
const SEPARATORS = /\s+[|•·∙◆▪●∣｜]\s+|\s*[|｜]\s*|\s+[–—]\s+|\s+-\s+|\t+| {3,}/u;

interface Segment {
	text: string;
	line: number;
}

/** A segment's pieces split at commas, with legal suffixes kept on their company ("Acme, Inc."). */
function commaPieces(text: string): string[] {
	const parts = text.split(/,\s+/);
	const out: string[] = [];
	for (const part of parts) {
		if (
			out.length > 0 &&
			/^(inc\.?|ltd\.?|llc|l\.l\.c\.|llp|plc|corp\.?|co\.|s\.a\.|s\.l\.|sa|sl|gmbh|ag|kg|ltda\.?|s\.r\.l\.|s\.p\.a\.|b\.v\.|n\.v\.)$/i.test(
				part.trim(),
			)
		)
			out[out.length - 1] += `, ${part}`;
		else out.push(part);
	}
	return out.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** "CTO @ Foo", "Director at Bar", "Directeur chez Baz": title and company in one piece. */
function splitTitleAtCompany(text: string): [string, string] | null {
	const m = /^(.{2,80}?)\s+(?:@|at|bei|chez|en|bij|presso|na|no|på|w)\s+(.{2,80})$/u.exec(text);
	if (!m) return null;
	if (!isTitle(m[1])) return null;
	if (/^\p{Ll}/u.test(m[2]) && !legalForm(m[2])) return null;
	return [m[1].trim(), m[2].trim()];
}

// ---------------------------------------------------------------------------------------------
// Extraction

interface Candidate {
	text: string;
	line: number;
	score: number;
	excerpt: string;
}

/** Extracts contact values from a signature block. Pure and deterministic. */
export function extractSignatureFields(
	block: SignatureBlockResult,
	email: EmailForEnrichment,
): SignatureContact {
	const contact: SignatureContact = { phones: [] };
	const lines = (block.lines ?? [])
		.slice(0, MAX_LINES)
		.map((l) => (l.length > MAX_LINE ? l.slice(0, MAX_LINE) : l).trim())
		.filter((l) => l.length > 0);
	if (lines.length === 0) return contact;

	const domain = senderDomain(email);
	const tokens = domainTokens(domain);
	const fromEmail = (email.fromEmail ?? '').trim().toLowerCase();
	/** Lines (by index) that hold contact data or an address: never a name, title or company. */
	const dataLines = new Set<number>();

	// E-mail addresses written in the block.
	const emails: Array<{ value: string; line: number }> = [];
	lines.forEach((line, i) => {
		for (const m of line.matchAll(EMAIL)) {
			emails.push({ value: m[0].toLowerCase().replace(/^[.'-]+|[.'-]+$/g, ''), line: i });
			dataLines.add(i);
		}
	});
	if (emails.length > 0) {
		const own = emails.find((e) => e.value === fromEmail) ?? emails[0];
		contact.email = found(own.value, own.value === fromEmail ? 0.95 : 0.85, lines[own.line]);
	}

	// LinkedIn profiles; company pages (/company/) are not a person's profile.
	lines.forEach((line, i) => {
		if (contact.linkedinUrl) return;
		LINKEDIN.lastIndex = 0;
		const m = LINKEDIN.exec(line);
		if (m) {
			contact.linkedinUrl = found(normaliseLinkedin(m[1]), 0.95, line);
			dataLines.add(i);
		}
	});
	lines.forEach((line, i) => {
		if (/linkedin\.com\//i.test(line)) dataLines.add(i);
	});

	// Website: the first URL that is not LinkedIn, social or an e-mail's domain.
	let bestSite: { host: string; line: number; score: number } | null = null;
	lines.forEach((line, i) => {
		const withoutEmails = line.replace(EMAIL, ' ');
		for (const m of withoutEmails.matchAll(URL)) {
			const host = hostOf(m[0]);
			if (!host || SOCIAL_HOSTS.test(host)) continue;
			dataLines.add(i);
			const explicit = /^(https?:\/\/|www\.)/i.test(m[0]);
			const score = (explicit ? 2 : 1) + (matchesDomain(host, tokens) ? 2 : 0);
			if (!bestSite || score > bestSite.score) bestSite = { host, line: i, score };
		}
	});
	if (bestSite) {
		const site = bestSite as { host: string; line: number; score: number };
		contact.website = found(
			`https://${site.host}`,
			site.score >= 3 ? 0.9 : site.score >= 2 ? 0.8 : 0.6,
			lines[site.line],
		);
	}

	// Phones, with country hints from international numbers, the sender's domain and the text.
	const blockText = lines.join('\n');
	const countries: CountryCode[] = [];
	const addCountry = (c: CountryCode | undefined) => {
		if (c && !countries.includes(c)) countries.push(c);
	};
	const textCountries = countriesInText(blockText);
	for (const line of lines) {
		for (const m of line.matchAll(/\+\s?(\d{1,3})[\s(]/g)) {
			const first = phonesInLine(line.slice(m.index ?? 0), []);
			if (first.length > 0) {
				const code = first[0].e164;
				for (const c of countryCodesOf(code)) addCountry(c);
			}
		}
	}
	// The address and the labels' language describe this sender better than a generic domain.
	for (const c of textCountries) addCountry(c);
	addCountry(countryOfDomain(domain));
	const seenPhones = new Set<string>();
	lines.forEach((line, i) => {
		// Lines with an e-mail or URL still carry phones ("T +1 … | jane@acme.com").
		const searchable = line.replace(EMAIL, ' ').replace(/https?:\/\/\S+|www\.\S+/gi, ' ');
		if (hasPostalCode(line) && isStreetLine(line) && !/(tel|phone|fon|mobil|fax|☎|📞)/i.test(line))
			return;
		for (const p of phonesInLine(searchable, countries)) {
			if (seenPhones.has(p.e164)) continue;
			seenPhones.add(p.e164);
			dataLines.add(i);
			const value: PhoneValue = { e164: p.e164, type: p.type, written: p.written };
			contact.phones.push(found(value, p.confidence, line));
		}
	});

	// Postal address: a line with a postal code, joined with a street line above and a country below.
	for (let i = 0; i < lines.length && !contact.postalAddress; i++) {
		const line = lines[i].replace(ADDRESS_LABEL, '');
		if (!hasPostalCode(line)) continue;
		const segments = line
			.split(SEPARATORS)
			.map((s) => s.trim())
			.filter(Boolean);
		const streetNearby =
			isStreetLine(line) ||
			(i > 0 && isStreetLine(lines[i - 1])) ||
			/〒/.test(line) ||
			COUNTRY_LINE.test((lines[i + 1] ?? '').trim()) ||
			/,/.test(line);
		if (!streetNearby) continue;
		// Segments of this line from the first street or postal segment on.
		let first = segments.findIndex((s) => isStreetLine(s) || hasPostalCode(s));
		if (first < 0) first = 0;
		const parts = segments
			.slice(first)
			.filter((s) => !/@|https?:|www\./i.test(s) && phonesInLine(s, countries).length === 0);
		const used = [i];
		if (
			first === 0 &&
			i > 0 &&
			isStreetLine(lines[i - 1]) &&
			!hasPostalCode(lines[i - 1]) &&
			!dataLines.has(i - 1)
		) {
			parts.unshift(lines[i - 1].replace(ADDRESS_LABEL, ''));
			used.unshift(i - 1);
		}
		const next = (lines[i + 1] ?? '').trim();
		if (COUNTRY_LINE.test(next)) {
			parts.push(next);
			used.push(i + 1);
		}
		if (parts.length === 0) continue;
		for (const u of used) dataLines.add(u);
		contact.postalAddress = found(parts.join(', '), 0.8, used.map((u) => lines[u]).join('\n'));
	}
	lines.forEach((line, i) => {
		if (COUNTRY_LINE.test(line)) dataLines.add(i);
	});

	// Name, title and company from the remaining lines, segment by segment.
	const segments: Segment[] = [];
	lines.forEach((line, i) => {
		if (dataLines.has(i)) return;
		const withoutLabel = line.replace(
			/^(name|nom|nombre|naam|nome|namn|imię|名前)\s*[:：]\s*/i,
			'',
		);
		for (const part of withoutLabel.split(SEPARATORS)) {
			const text = part
				.trim()
				.replace(/^[,;:]+|[,;:]+$/g, '')
				.trim();
			if (text.length > 0 && !/^[\p{P}\p{S}\s]+$/u.test(text)) segments.push({ text, line: i });
		}
	});

	const display = displayNameOf(email.fromName);
	const displayTokens = display ? nameTokens(display) : [];
	const localTokens =
		fromEmail
			.split('@')[0]
			?.split(/[._-]+/)
			.filter((t) => t.length > 1) ?? [];
	const nameMatch = (s: string): number => {
		const toks = nameTokens(s);
		if (toks.length === 0) return 0;
		let hits = 0;
		for (const t of toks) {
			if (
				displayTokens.some(
					(d) => d === t || tokenVariants(d).includes(t) || tokenVariants(t).includes(d),
				)
			)
				hits++;
			else if (
				localTokens.some(
					(l) => l === t || tokenVariants(t).includes(l) || (l.length === 1 && t.startsWith(l)),
				)
			)
				hits++;
		}
		// CJK names are one token per script run: compare without spaces.
		if (hits === 0 && display && s.replace(/\s/g, '') === display.replace(/\s/g, '')) return 1;
		return hits / toks.length;
	};

	// Name: the first segment written like a name, preferring one that matches the From name.
	const names: Candidate[] = [];
	segments.forEach((seg, k) => {
		const pieces = commaPieces(seg.text);
		const text = pieces[0];
		if (closingOf(text) !== null && closingOf(text) === '') return;
		if (!looksLikeName(text) || isTitle(text) || legalForm(text) || COMPANY_WORDS.test(text))
			return;
		const match = nameMatch(text);
		const score = match * 2 + (seg.line === 0 ? 0.6 : 0) + (k === 0 ? 0.3 : 0) - seg.line * 0.1;
		names.push({ text, line: seg.line, score, excerpt: lines[seg.line] });
	});
	names.sort((a, b) => b.score - a.score);
	let nameLine = -1;
	const bestName = names[0];
	if (bestName && (nameMatch(bestName.text) > 0 || bestName.line <= 2)) {
		const match = nameMatch(bestName.text);
		contact.fullName = found(
			bestName.text.replace(/\s+/g, ' '),
			match >= 0.5 ? 0.9 : 0.7,
			bestName.excerpt,
		);
		nameLine = bestName.line;
	} else if (display && isRealName(display)) {
		// The block names nobody (or only a first name): the From display name, when it is a real name.
		const firstName = segments.find(
			(s) => /^\p{Lu}[\p{L}'’-]+$/u.test(s.text) && nameMatch(s.text) > 0,
		);
		contact.fullName = found(
			display,
			firstName ? 0.75 : 0.55,
			firstName ? lines[firstName.line] : display,
		);
		if (firstName) nameLine = firstName.line;
	}

	// Company and title: pieces of the segments that are not the name or contact data.
	type Piece = { text: string; line: number; seg: number };
	const pieces: Piece[] = [];
	segments.forEach((seg, k) => {
		for (const piece of commaPieces(seg.text)) {
			if (contact.fullName && piece === contact.fullName.value && seg.line === nameLine) continue;
			if (nameLine === seg.line && looksLikeName(piece) && nameMatch(piece) > 0) continue;
			const split = splitTitleAtCompany(piece);
			if (split) {
				pieces.push({ text: split[0], line: seg.line, seg: k });
				pieces.push({ text: split[1], line: seg.line, seg: k });
			} else pieces.push({ text: piece, line: seg.line, seg: k });
		}
	});

	const companies: Candidate[] = [];
	pieces.forEach((p) => {
		if (p.text.length > 80 || /^\d/.test(p.text)) return;
		const legal = legalForm(p.text);
		const domainHit = matchesDomain(p.text, tokens);
		const companyWord = COMPANY_WORDS.test(p.text);
		const title = isTitle(p.text) && !legal;
		if (!legal && !domainHit && !companyWord) return;
		if (title && !domainHit) return;
		if (looksLikeName(p.text) && nameMatch(p.text) > 0 && !legal) return;
		const score = (legal ? 3 : 0) + (domainHit ? 2 : 0) + (companyWord ? 1 : 0) - p.line * 0.05;
		companies.push({ text: p.text, line: p.line, score, excerpt: lines[p.line] });
	});
	companies.sort((a, b) => b.score - a.score);
	const company = companies[0];
	if (company) {
		const legal = legalForm(company.text);
		const domainHit = matchesDomain(company.text, tokens);
		const confidence = legal && domainHit ? 0.9 : legal ? 0.8 : domainHit ? 0.7 : 0.55;
		contact.company = found(company.text, confidence, company.excerpt);
	}

	// Title: a piece with title words, nearest below the name; else the line right after the name.
	const titles: Candidate[] = [];
	pieces.forEach((p) => {
		if (company && p.text === company.text && p.line === company.line) return;
		if (p.text.length > 70 || /\d{3,}|@|https?:|www\./i.test(p.text)) return;
		// "Geschäftsführer: Max Muster" in a legal footer is a label, not the sender's title.
		if (/[:：]\s*\S/.test(p.text)) return;
		if (!isTitle(p.text)) return;
		const distance = nameLine >= 0 ? Math.abs(p.line - nameLine) : p.line;
		const score = 2 - distance * 0.3 - (p.line < nameLine ? 0.5 : 0);
		titles.push({ text: p.text, line: p.line, score, excerpt: lines[p.line] });
	});
	titles.sort((a, b) => b.score - a.score || a.line - b.line);
	if (titles.length > 0) {
		const best = titles[0];
		// Adjacent title pieces on the same line belong together ("VP, Business Development").
		const sameLine = pieces.filter(
			(p) => p.line === best.line && isTitle(p.text) && !(company && p.text === company.text),
		);
		const text =
			sameLine.length > 1 && sameLine.every((p) => p.seg === sameLine[0].seg)
				? sameLine.map((p) => p.text).join(', ')
				: best.text;
		contact.jobTitle = found(text, 0.85, best.excerpt);
	} else if (nameLine >= 0 && nameLine + 1 < lines.length && !dataLines.has(nameLine + 1)) {
		const next = pieces.filter(
			(p) => p.line === nameLine + 1 && !(company && p.text === company.text),
		);
		if (
			next.length === 1 &&
			next[0].text.length <= 50 &&
			!looksLikeName(next[0].text) &&
			!/\d/.test(next[0].text)
		) {
			contact.jobTitle = found(next[0].text, 0.55, lines[nameLine + 1]);
		}
	}

	return contact;
}

/** Countries that share a calling code's first match ("+1…" → US, "+44…" → GB). */
function countryCodesOf(e164: string): CountryCode[] {
	const prefixes: Array<[string, CountryCode]> = [
		['+1', 'US'],
		['+44', 'GB'],
		['+49', 'DE'],
		['+43', 'AT'],
		['+41', 'CH'],
		['+33', 'FR'],
		['+32', 'BE'],
		['+34', 'ES'],
		['+31', 'NL'],
		['+39', 'IT'],
		['+351', 'PT'],
		['+55', 'BR'],
		['+81', 'JP'],
		['+46', 'SE'],
		['+48', 'PL'],
		['+353', 'IE'],
		['+52', 'MX'],
	];
	return prefixes.filter(([p]) => e164.startsWith(p)).map(([, c]) => c);
}
