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

function found<T>(value: T, confidence: number, excerpt: string): FoundValue<T> {
	return { value, confidence: Math.round(confidence * 100) / 100, extractor: EXTRACTOR, excerpt };
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

/** Job title words in en, de, fr, es, nl, it, pt, sv, pl (lower case, whole words). */
const TITLE_WORDS =
	/(^|[^\p{L}])(ceo|cto|cfo|coo|cmo|cio|ciso|cpo|cro|cso|vp|svp|evp|avp|gm|md|president|vice president|founder|co-founder|cofounder|owner|partner|principal|director|head|manager|lead|leader|chief|officer|engineer|developer|consultant|analyst|specialist|executive|associate|assistant|coordinator|administrator|advisor|adviser|architect|designer|representative|accountant|counsel|attorney|lawyer|paralegal|recruiter|strategist|scientist|researcher|professor|intern|secretary|treasurer|chairman|chairwoman|chair|supervisor|agent|broker|controller|buyer|editor|producer|procurement|operations|business development|customer success|sales|marketing|finance|purchasing|account manager|key account|geschäftsführer|geschäftsführerin|geschäftsführung|leiter|leiterin|leitung|vertrieb|vertriebsleiter|vertriebsleiterin|einkauf|einkaufsleiter|einkaufsleiterin|projektmanager|projektmanagerin|projektleiter|projektleiterin|inhaber|inhaberin|vorstand|vorständin|prokurist|prokuristin|abteilungsleiter|abteilungsleiterin|referent|referentin|sachbearbeiter|sachbearbeiterin|berater|beraterin|assistenz|entwickler|entwicklerin|ingenieur|ingenieurin|buchhaltung|teamleiter|teamleiterin|bereichsleiter|bereichsleiterin|gründer|gründerin|kundenbetreuer|kundenbetreuerin|technischer|kaufmännischer|directeur|directrice|responsable|chef de projet|chef|gérant|gérante|président|présidente|fondateur|fondatrice|ingénieur|ingénieure|chargé|chargée|commercial|commerciale|conseiller|conseillère|assistante|comptable|associé|associée|développeur|développeuse|technicien|technicienne|gestionnaire|délégué|déléguée|directeur général|director|directora|gerente|jefe|jefa|presidente|fundador|fundadora|ingeniero|ingeniera|consultor|consultora|asesor|asesora|ejecutivo|ejecutiva|coordinador|coordinadora|analista|representante|socio|socia|administrador|administradora|desarrollador|hoofd|eigenaar|oprichter|adviseur|medewerker|medewerkster|accountmanager|projectleider|teamleider|verkoper|bedrijfsleider|directie|direttore|direttrice|responsabile|amministratore|titolare|fondatore|fondatrice|consulente|ingegnere|addetto|addetta|diretor|diretora|sócio|sócia|engenheiro|engenheira|coordenador|coordenadora|executivo|executiva|assessor|vd|verkställande direktör|säljchef|försäljningschef|ansvarig|grundare|konsult|projektledare|ingenjör|utvecklare|ekonomichef|dyrektor|dyrektorka|kierownik|kierowniczka|prezes|właściciel|właścicielka|specjalista|specjalistka|konsultant|konsultantka|inżynier|menedżer|przedstawiciel|przedstawicielka|koordynator|koordynatorka|handlowy|handlowa|surveyor|solicitor|barrister|notary|notaire|notario|pharmacist|auditor|bookkeeper|clerk|technician|foreman|planner|estimator|underwriter|actuary|economist|translator|photographer|journalist|realtor|abogado|abogada|asociado|asociada|contable|ufficio|abteilung|département|departamento|afdeling|avdelning|dział|commercialista|avvocato|geometra|architetto|advogado|advogada|contador|contadora|avocat|avocate|expert-comptable|rechtsanwalt|rechtsanwältin|steuerberater|steuerberaterin|wirtschaftsprüfer|advocaat|notaris|ingenjör|säljare|revisor|radca prawny|księgowa|księgowy)(?=$|[^\p{L}])/iu;

/** German, Dutch and Scandinavian titles are compounds: "Bankettleiter", "Eventmanagerin", "Inköpschef". */
const TITLE_COMPOUND =
	/\p{L}{3,}(leiter|leiterin|manager|managerin|chef|chefin|referent|referentin|berater|beraterin|beauftragter|beauftragte|assistent|assistentin|koordinator|koordinatorin|ingenieur|ingenieurin|entwickler|entwicklerin|direktor|direktorin|sachbearbeiter|sachbearbeiterin|kaufmann|kauffrau|planer|planerin|techniker|technikerin|adviseur|leider|ansvarig|ledare|säljare|fachwirt|fachwirtin|meister|meisterin)$/iu;

/** Japanese titles (no word boundaries in Japanese); a department name ("デザイン部", "購買課") counts. */
const JAPANESE_TITLE =
	/([\p{Script=Han}\p{Script=Katakana}](部|課|室|係|グループ|チーム|本部|事業部)$|部長|課長|係長|主任|代表取締役|取締役|社長|専務|常務|担当|マネージャー|マネジャー|室長|所長|執行役員|顧問|会長|エンジニア|ディレクター|リーダー|営業部|経理部|総務部|部\s|購買)/u;

/** Legal forms and company words, case-sensitive short forms kept apart from long ones. */
const LEGAL_FORM_LONG =
	/(^|[^\p{L}])(gmbh|gesmbh|gmbh & co\.? kg|e\.k\.|s\.a\.s\.?|s\.a\.r\.l\.?|sarl|s\.l\.u?\.?|s\.a\.|s\.a\.u\.|b\.v\.|n\.v\.|s\.p\.a\.|s\.r\.l\.|ltda\.?|ltd\.?|limited|llc|l\.l\.c\.|llp|plc|inc\.?|incorporated|corp\.?|corporation|sp\. z o\.o\.|sp\.z o\.o\.|spol\. s r\.o\.|s\.r\.o\.|a\.s\.|s\.c\.|k\.k\.|pty|pte|aktiengesellschaft|gesellschaft|s\.a\.b\. de c\.v\.|eirl|unipessoal)(?=$|[^\p{L}])/iu;
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

/** Words that make a capitalised line a team or a place, not a person. */
const NOT_NAME_WORDS =
	/^(team|teams|department|dept\.?|office|support|service|services|customer|customers|help|desk|info|hr|it|platform|group|sales|marketing|finance|accounts|billing|operations|the|and|und|et|of|for|für|pour|para|per|street|road|avenue|straße|strasse|rue|calle|via|rua)$/i;

/** A segment written like a person's name. */
function looksLikeName(s: string): boolean {
	const t = s.trim();
	if (t.length < 3 || t.length > 45 || /[\d@/:]/.test(t)) return false;
	if (CJK_NAME.test(t)) return !JAPANESE_TITLE.test(t) && !JAPANESE_COMPANY.test(t);
	const words = t.split(/\s+/);
	if (words.length < 2 || words.length > 5) return false;
	if (words.some((w) => NOT_NAME_WORDS.test(w))) return false;
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
	if (TITLE_WORDS.test(s) || JAPANESE_TITLE.test(s)) return true;
	return s.split(/\s+/).length <= 4 && s.split(/\s+/).some((w) => TITLE_COMPOUND.test(w));
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
	/\b(NSW|VIC|QLD|WA|SA|TAS|ACT|NT)\s+\d{4}\b/, // AU QLD 4000
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

/** A segment's pieces split at commas, with legal suffixes kept on their company ("Acme, Inc."). */
function commaPieces(text: string): string[] {
	const parts = text.split(/,\s+/);
	const out: string[] = [];
	for (const part of parts) {
		if (
			out.length > 0 &&
			/^(inc\.?|ltd\.?|limited|llc|l\.l\.c\.|llp|plc|corp\.?|co\.|s\.a\.|s\.a\.s\.?|sas|sarl|s\.l\.u?\.?|sa|sl|gmbh|ag|kg|ltda\.?|lda\.?|s\.r\.l\.|srl|s\.p\.a\.|spa|b\.v\.|n\.v\.|ab|oy|as|aps|pty\.? ltd\.?|k\.k\.)$/i.test(
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

/** Separators that split an address line into parts: not " - ", which addresses use themselves. */
const ADDRESS_SEPARATORS = /\s+[|•·∙◆▪●∣｜]\s+|\s*[|｜]\s*|\t+| {3,}/u;

/** Honorifics and degrees around a name: kept in the excerpt, not in the name. */
const HONORIFIC_BEFORE =
	/^((dr|dra|prof|profa|mr|mrs|ms|miss|mme|mlle|herr|frau|sr|sra|srta|dott|dott\.ssa|ing|dipl\.-ing|dipl\.-kfm|mag|mgr|ir|drs|mx|lic|licda|lcdo|lcda|arq|mtro|mtra|c\.p)\.?\s+)+/i;
const DEGREE_AFTER =
	/(,?\s+(phd|ph\.d\.|mba|msc|m\.sc\.|bsc|ma|md|cpa|cfa|pmp|esq\.?|jr\.?|sr\.?|ll\.m\.|dipl\.-ing\.))+$/i;

function cleanName(name: string): string {
	return name
		.replace(/\s*[(（][^)）]{0,30}[)）]\s*$/u, '') // "(she/her)", "(Sales)"
		.replace(HONORIFIC_BEFORE, '')
		.replace(DEGREE_AFTER, '')
		.replace(/\s+/g, ' ')
		.trim();
}

/** A name written in capitals reads as the From name does, or in title case ("JANE SMITH"). */
function nameCase(name: string, display: string | null): string {
	if (!/\p{Lu}{2}/u.test(name) || name !== name.toUpperCase()) return name;
	if (display && display.toLowerCase() === name.toLowerCase()) return display;
	return name
		.toLowerCase()
		.replace(/(^|[\s'’-])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー・]+$/u;

/** Japanese lines put department, name and company side by side with spaces: split them. */
function cjkPieces(text: string, display: string | null): string[] {
	const parts = text.split(/[\s\u3000]+/).filter(Boolean);
	if (parts.length < 2 || !parts.every((p) => CJK.test(p))) return [text];
	const out: string[] = [];
	let rest = parts;
	if (display) {
		const compact = display.replace(/[\s\u3000]/g, '');
		for (let i = 0; i < rest.length; i++) {
			for (let j = i + 1; j <= rest.length; j++) {
				if (rest.slice(i, j).join('') === compact) {
					out.push(rest.slice(i, j).join(' '));
					rest = [...rest.slice(0, i), '\u0000', ...rest.slice(j)];
					i = rest.length;
					break;
				}
			}
		}
	}
	let group: string[] = [];
	const close = () => {
		if (group.length > 0) out.push(group.join(' '));
		group = [];
	};
	for (const part of rest) {
		if (part === '\u0000') close();
		else if (JAPANESE_COMPANY.test(part)) {
			close();
			out.push(part);
		} else group.push(part);
	}
	close();
	return out;
}

/** A piece of a line that may be a name, a title or a company. */
interface Piece {
	text: string;
	line: number;
	/** Which separator-delimited segment it came from (pieces of one segment belong together). */
	seg: number;
}

/** Who sent the mail, as the From header says: for matching names and company domains. */
interface Sender {
	fromEmail: string;
	domain: string | null;
	display: string | null;
	/** Domain tokens that are not the person's own name ("navarro-asesores" → "asesores"). */
	companyTokens: string[];
	/** Share (0…1) of a name's tokens that agree with the From name or address. */
	nameMatch: (name: string) => number;
}

function senderOf(email: EmailForEnrichment): Sender {
	const fromEmail = (email.fromEmail ?? '').trim().toLowerCase();
	const domain = senderDomain(email);
	const display = displayNameOf(email.fromName);
	const displayTokens = display ? nameTokens(display) : [];
	const localTokens =
		fromEmail
			.split('@')[0]
			?.split(/[._-]+/)
			.filter((t) => t.length > 0) ?? [];
	const companyTokens = domainTokens(domain).filter(
		(t) => !displayTokens.some((d) => d === t) && !localTokens.includes(t),
	);
	// "jsmith", "janes", "jane.smith": tokens found in the address's local part count.
	const localCompact = localTokens.join('');
	const inLocal = (t: string) =>
		t.length >= 2 && tokenVariants(t).some((v) => localCompact.includes(v));
	const nameMatch = (s: string): number => {
		const toks = nameTokens(cleanName(s));
		if (toks.length === 0) return 0;
		// CJK names: compare without spaces.
		if (display && s.replace(/[\s\u3000]/g, '') === display.replace(/[\s\u3000]/g, '')) return 1;
		const anyInLocal = toks.some(inLocal);
		let hits = 0;
		for (const t of toks) {
			const inDisplay = displayTokens.some(
				(d) => d === t || tokenVariants(d).includes(t) || tokenVariants(t).includes(d),
			);
			const initial =
				anyInLocal &&
				localCompact.length > t.length &&
				(localCompact.startsWith(t[0]) || localCompact.endsWith(t[0]));
			if (inDisplay || inLocal(t) || initial) hits++;
		}
		return hits / toks.length;
	};
	return { fromEmail, domain, display, companyTokens, nameMatch };
}

/** An address written in the block (lower case), the sender's own first. */
function readEmail(lines: string[], sender: Sender): FoundValue<string> | undefined {
	const emails: Array<{ value: string; line: number }> = [];
	lines.forEach((line, i) => {
		if (!line.includes('@')) return;
		for (const m of line.matchAll(EMAIL)) {
			emails.push({ value: m[0].toLowerCase().replace(/^[.'-]+|[.'-]+$/g, ''), line: i });
		}
	});
	if (emails.length === 0) return undefined;
	const own = emails.find((e) => e.value === sender.fromEmail) ?? emails[0];
	return found(own.value, own.value === sender.fromEmail ? 0.95 : 0.85, lines[own.line]);
}

/** A LinkedIn profile ("linkedin.com/in/x", "LinkedIn: /in/x"); company pages are not a person. */
function readLinkedin(lines: string[]): FoundValue<string> | undefined {
	for (const line of lines) {
		LINKEDIN.lastIndex = 0;
		const m =
			LINKEDIN.exec(line) ??
			(/linkedin/i.test(line) ? /(?:^|[\s:])\/?in\/([\p{L}\p{N}_%-]{2,100})/u.exec(line) : null);
		if (m) return found(normaliseLinkedin(m[1]), 0.95, line);
	}
	return undefined;
}

/** A URL that is not LinkedIn, social or an e-mail's domain; the sender's own site first. */
function readWebsite(lines: string[], sender: Sender): FoundValue<string> | undefined {
	const tokens = domainTokens(sender.domain);
	let best: { url: string; line: number; score: number } | undefined;
	lines.forEach((line, i) => {
		for (const m of withoutEmail(line).matchAll(URL)) {
			const host = hostOf(m[0]);
			if (!host || SOCIAL_HOSTS.test(host)) continue;
			const explicit = /^(https?:\/\/|www\.)/i.test(m[0]);
			const score = (explicit ? 2 : 1) + (matchesDomain(host, tokens) ? 2 : 0);
			if (!best || score > best.score) best = { url: websiteOf(m[0], host), line: i, score };
		}
	});
	if (!best) return undefined;
	return found(best.url, best.score >= 3 ? 0.9 : best.score >= 2 ? 0.8 : 0.6, lines[best.line]);
}

/**
 * Country hints for nationally written numbers, strongest first: calling codes written in the
 * block, country names and postal formats in it, the sender's domain, the language of the block's
 * words, and only when all of these are silent the language of the message. Gathered on first use.
 */
function countryHints(lines: string[], sender: Sender, ownText: string): () => CountryCode[] {
	let hinted: CountryCode[] | null = null;
	return () => {
		if (hinted) return hinted;
		const list: CountryCode[] = [];
		const add = (c: CountryCode | undefined) => {
			if (c && !list.includes(c)) list.push(c);
		};
		for (const line of lines) {
			if (line.indexOf('+') < 0) continue;
			for (const m of line.matchAll(/\+\s?(\d{1,4})/g)) add(countryOfCallingCode(m[1]));
		}
		const hints = countriesInText(lines.join('\n'));
		for (const c of hints.strong) add(c);
		add(countryOfDomain(sender.domain));
		for (const c of hints.weak) add(c);
		if (list.length === 0) for (const c of countriesInText(ownText.slice(0, 1500)).weak) add(c);
		hinted = list;
		return list;
	};
}

function readPhones(lines: string[], countries: () => CountryCode[]): FoundValue<PhoneValue>[] {
	const phones: FoundValue<PhoneValue>[] = [];
	const seen = new Set<string>();
	for (const line of lines) {
		// Lines with an e-mail or URL still carry phones ("T +1 … | jane@acme.com").
		const searchable = withoutEmail(line).replace(/https?:\/\/\S+|www\.\S+/gi, ' ');
		if (isAddressLine(line) && !/(tel|phone|fon|mobil|fax|☎|📞)/i.test(line)) continue;
		for (const p of phonesInLine(searchable, countries)) {
			if (seen.has(p.e164)) continue;
			seen.add(p.e164);
			phones.push(found({ e164: p.e164, type: p.type, written: p.written }, p.confidence, line));
		}
	}
	return phones;
}

/** Consecutive address-like lines holding a postal code, joined with ", ". */
function readAddress(lines: string[]): { value: FoundValue<string>; lines: number[] } | undefined {
	for (let i = 0; i < lines.length; i++) {
		if (!isAddressLine(lines[i])) continue;
		let j = i;
		for (;;) {
			if (j + 1 < lines.length && isAddressLine(lines[j + 1])) j++;
			// A town on a line of its own between street and postcode ("London" / "SW1A 2AA").
			else if (
				j + 2 < lines.length &&
				/^\p{Lu}[\p{L}' .-]{1,30}$/u.test(lines[j + 1].trim()) &&
				isAddressLine(lines[j + 2])
			)
				j += 2;
			else break;
		}
		const run = lines.slice(i, j + 1);
		const parts: string[] = [];
		for (const line of run) {
			if (!isAddressLine(line)) {
				parts.push(line.trim());
				continue;
			}
			const segments = line
				.replace(ADDRESS_LABEL, '')
				.split(ADDRESS_SEPARATORS)
				.map((s) => s.trim())
				.filter(Boolean);
			// "Acme GmbH · Hafenstraße 12 · 20457 Hamburg": from the first address part on.
			const first = segments.findIndex((s) => addressPart(s));
			for (const seg of first < 0 ? [] : segments.slice(first)) {
				const contactData =
					seg.includes('@') ||
					/https?:|www\./i.test(seg) ||
					/\b(tel|phone|fax|mobil\w*)\b/i.test(seg);
				if (!contactData) parts.push(seg);
			}
		}
		const hasPostal = run.some(hasPostalCode);
		const hasStreet = run.some(isStreetLine) || run.some((l) => /〒/.test(l));
		if (
			hasPostal &&
			(hasStreet || run.length >= 2 || run.some((l) => /,/.test(l))) &&
			parts.length > 0
		) {
			const used = run.map((_l, k) => i + k);
			return {
				value: found(parts.join(', '), hasStreet ? 0.85 : 0.7, run.join('\n')),
				lines: used,
			};
		}
		i = j;
	}
	return undefined;
}

const FIELD_LABEL =
	/^(name|nom|nombre|naam|nome|namn|imię|名前|company|firma|société|empresa|bedrijf|azienda|företag|title|position|titel|poste|cargo|functie|ruolo|funktion|stanowisko|会社|役職)\s*[:：]\s*/i;

/** "Jane Smith CTO" (HTML bold name and title on one line): the From name, then a title. */
function splitNameAndTitle(text: string, sender: Sender): [string, string] | null {
	const words = text.split(/\s+/);
	for (let k = Math.min(4, words.length - 1); k >= 2; k--) {
		const name = words.slice(0, k).join(' ');
		const title = words.slice(k).join(' ');
		if (sender.nameMatch(name) === 1 && looksLikeName(name) && isTitle(title)) return [name, title];
	}
	return null;
}

/** The pieces of the block's lines that hold no contact data, address or country. */
function piecesOf(lines: string[], skip: Set<number>, sender: Sender): Piece[] {
	const display = sender.display;
	const pieces: Piece[] = [];
	let seg = 0;
	lines.forEach((line, i) => {
		if (skip.has(i) || COUNTRY_LINE.test(line)) return;
		for (const part of line.replace(FIELD_LABEL, '').split(SEPARATORS)) {
			seg++;
			for (const piece of commaPieces(part)) {
				for (const sub of cjkPieces(piece, display)) {
					const text = sub.replace(/^[,;:]+|[,;:]+$/g, '').trim();
					if (text.length === 0 || /^[\p{P}\p{S}\s]+$/u.test(text) || hasData(text)) continue;
					const split = splitTitleAtCompany(text) ?? splitNameAndTitle(text, sender);
					if (split) {
						pieces.push({ text: split[0], line: i, seg });
						pieces.push({ text: split[1], line: i, seg });
					} else pieces.push({ text, line: i, seg });
				}
			}
		}
	});
	return pieces;
}

/**
 * The person's name: a piece written like a name, preferring one that agrees with the From name
 * and comes first; else the From display name when it is a real person's name.
 */
function readName(
	pieces: Piece[],
	lines: string[],
	sender: Sender,
): { value?: FoundValue<string>; piece?: Piece } {
	const { display, nameMatch } = sender;
	const names: Array<Candidate & { piece: Piece }> = [];
	pieces.forEach((p, k) => {
		const text = cleanName(p.text);
		if (closingOf(p.text) === '') return;
		if (!looksLikeName(text) || isTitle(text) || legalForm(text)) return;
		const match = nameMatch(text);
		if (COMPANY_WORDS.test(text) && match === 0) return;
		if (match === 0 && matchesDomain(text, sender.companyTokens)) return;
		const score = match * 2 + (k === 0 ? 0.5 : 0) - p.line * 0.15;
		names.push({ text, line: p.line, score, excerpt: lines[p.line], piece: p });
	});
	names.sort((a, b) => b.score - a.score);
	const best = names[0];
	// A name that does not agree with the From header counts only near the top of the block.
	if (best && (nameMatch(best.text) > 0 || best.line <= 2)) {
		const confidence = nameMatch(best.text) >= 0.5 ? 0.9 : 0.7;
		return {
			value: found(nameCase(best.text, display), confidence, best.excerpt),
			piece: best.piece,
		};
	}
	if (display && isRealName(display)) {
		// The block holds no name, or only the first name: the From display name.
		const firstName = pieces.find(
			(p) => /^\p{Lu}[\p{L}'’-]+$/u.test(p.text) && nameMatch(p.text) > 0,
		);
		const value = found(
			display,
			firstName ? 0.75 : 0.55,
			firstName ? lines[firstName.line] : display,
		);
		return { value, piece: firstName };
	}
	return {};
}

/** A legal form, the sender's domain or a company word; the strongest wins. */
function readCompany(
	pieces: Piece[],
	lines: string[],
	sender: Sender,
): { value?: FoundValue<string>; piece?: Piece } {
	let best: { piece: Piece; score: number } | undefined;
	for (const p of pieces) {
		if (p.text.length > 80 || /^\d/.test(p.text)) continue;
		const legal = legalForm(p.text);
		const domainHit = matchesDomain(p.text, sender.companyTokens);
		const companyWord = COMPANY_WORDS.test(p.text);
		if (!legal && !domainHit && !companyWord) continue;
		if (isTitle(p.text) && !legal && !domainHit) continue;
		if (!legal && !domainHit && looksLikeName(p.text) && sender.nameMatch(p.text) > 0) continue;
		// Without a legal form a company is written as a name: "Studio Nine", not a slogan.
		if (!legal && !looksLikeOrganisation(p.text)) continue;
		const score = (legal ? 3 : 0) + (domainHit ? 2 : 0) + (companyWord ? 1 : 0) - p.line * 0.05;
		if (!best || score > best.score) best = { piece: p, score };
	}
	if (!best) return {};
	const text = best.piece.text;
	const legal = legalForm(text);
	const domainHit = matchesDomain(text, sender.companyTokens);
	const confidence = legal && domainHit ? 0.9 : legal ? 0.8 : domainHit ? 0.7 : 0.55;
	return { value: found(text, confidence, lines[best.piece.line]), piece: best.piece };
}

/** Pieces with title words, nearest below the name; else a short line right after the name. */
function readTitle(
	pieces: Piece[],
	lines: string[],
	nameLine: number,
	company: Piece | undefined,
): FoundValue<string> | undefined {
	const candidates = pieces.filter((p) => p !== company);
	let best: { piece: Piece; score: number } | undefined;
	for (const p of candidates) {
		if (p.text.length > 70 || /\d{3,}|@|https?:|www\./i.test(p.text)) continue;
		// "Geschäftsführer: Max Muster" in a legal footer is a label, not the sender's title.
		if (/[:：]\s*\S/.test(p.text)) continue;
		if (!isTitle(p.text) || isSlogan(p.text)) continue;
		const distance = nameLine >= 0 ? Math.abs(p.line - nameLine) : p.line;
		const score = 2 - distance * 0.3 - (nameLine >= 0 && p.line < nameLine ? 0.5 : 0);
		if (!best || score > best.score) best = { piece: p, score };
	}
	if (best) {
		const seg = best.piece.seg;
		// Title pieces side by side in one segment belong together ("VP, Business Development").
		const together = candidates.filter((p) => p.seg === seg && isTitle(p.text));
		const text = together.length > 1 ? together.map((p) => p.text).join(', ') : best.piece.text;
		return found(text, 0.85, lines[best.piece.line]);
	}
	if (nameLine < 0) return undefined;
	const next = candidates.filter((p) => p.line === nameLine + 1);
	// Between the name and the company sits the title, even when it is written like a name
	// ("Lettings Negotiator", "Responsável de Logística").
	const betweenNameAndCompany = company !== undefined && company.line === nameLine + 2;
	if (
		next.length === 1 &&
		next[0].text.length <= 50 &&
		(betweenNameAndCompany || !looksLikeName(next[0].text)) &&
		!isSlogan(next[0].text) &&
		!/\d|[:：]/.test(next[0].text)
	)
		return found(next[0].text, betweenNameAndCompany ? 0.6 : 0.55, lines[nameLine + 1]);
	return undefined;
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
	const sender = senderOf(email);

	contact.email = readEmail(lines, sender);
	contact.linkedinUrl = readLinkedin(lines);
	contact.website = readWebsite(lines, sender);
	contact.phones = readPhones(lines, countryHints(lines, sender, block.ownText ?? ''));
	const address = readAddress(lines);
	contact.postalAddress = address?.value;

	const pieces = piecesOf(lines, new Set(address?.lines ?? []), sender);
	const name = readName(pieces, lines, sender);
	contact.fullName = name.value;
	const rest = pieces.filter((p) => p !== name.piece);
	const company = readCompany(rest, lines, sender);
	contact.company = company.value;
	contact.jobTitle = readTitle(rest, lines, name.piece?.line ?? -1, company.piece);

	// Absent values are left out rather than set to undefined.
	for (const key of Object.keys(contact) as Array<keyof SignatureContact>) {
		if (contact[key] === undefined) delete contact[key];
	}
	return contact;
}

function withoutEmail(line: string): string {
	return line.includes('@') ? line.replace(EMAIL, ' ') : line;
}

/** Capitalised words (CJK allowed), at most six: how organisations are written. */
function looksLikeOrganisation(text: string): boolean {
	const words = text.split(/\s+/);
	if (words.length > 6) return false;
	return words.every(
		(w) =>
			/^[\p{Lu}\p{N}&+]/u.test(w) ||
			/^[\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}]/u.test(w) ||
			/^(of|for|and|und|et|de|del|des|du|la|le|van|der|von|di|da|do|e|y|&)$/.test(w),
	);
}

/** A tagline ("Your partner for logistics!") rather than a title. */
function isSlogan(text: string): boolean {
	return (
		text.split(/\s+/).length > 8 ||
		/[.!]$/.test(text) ||
		/^(your|our|we|the best|unser|unsere|ihr|ihre|votre|notre|nous|nuestro|nuestra|su|il vostro|la vostra|o seu|a sua|uw|onze|din|vår)\b/i.test(
			text,
		)
	);
}

/** Whether a piece of a line holds contact data (phone, e-mail, URL, LinkedIn). */
function hasData(text: string): boolean {
	if (
		/[^\s@]@[^\s@]/.test(text) ||
		/linkedin|\/in\/|https?:|www\./i.test(text) ||
		/\d[\d\s()./-]{6,}\d/.test(text)
	)
		return true;
	URL.lastIndex = 0;
	const url = URL.test(text);
	URL.lastIndex = 0;
	return url;
}

/** https://host, with the path when one was written (lower-case host, no trailing slash). */
function websiteOf(written: string, host: string): string {
	const path = /^(?:https?:\/\/)?[^/\s]+(\/[^\s?#]*)?/i.exec(written)?.[1] ?? '';
	const cleanPath = path.replace(/[.,;:)]+$/, '').replace(/\/+$/, '');
	return `https://${host}${cleanPath}`;
}

/** A line that is part of a postal address: a street, a postal code with a town, or a country. */
function isAddressLine(line: string): boolean {
	const text = line.replace(ADDRESS_LABEL, '');
	if (text.length > 160 || /@|https?:|www\./i.test(text)) return false;
	// Phone lines ("T: +49 (0)89 99998-381") are not addresses, whatever their digits look like.
	if (
		/\+\s?\d/.test(text) ||
		/^\s*(tel|phone|fon|mobil\w*|fax|cell|ph|t|m|f|p)\b\.?\s*[:.]?\s*[(\d]/i.test(text)
	)
		return false;
	if (COUNTRY_LINE.test(text.trim())) return true;
	return hasPostalCode(text) || isStreetLine(text);
}

function addressPart(segment: string): boolean {
	return hasPostalCode(segment) || isStreetLine(segment) || COUNTRY_LINE.test(segment.trim());
}

const CALLING_CODES: Record<string, CountryCode> = {
	'1': 'US',
	'44': 'GB',
	'49': 'DE',
	'43': 'AT',
	'41': 'CH',
	'33': 'FR',
	'32': 'BE',
	'352': 'LU',
	'34': 'ES',
	'31': 'NL',
	'39': 'IT',
	'351': 'PT',
	'55': 'BR',
	'81': 'JP',
	'46': 'SE',
	'47': 'NO',
	'45': 'DK',
	'358': 'FI',
	'48': 'PL',
	'353': 'IE',
	'52': 'MX',
	'61': 'AU',
	'64': 'NZ',
	'420': 'CZ',
};

/** The country of a calling code written after "+" (the digits may run on into the number). */
function countryOfCallingCode(digits: string): CountryCode | undefined {
	for (let n = 1; n <= 3 && n <= digits.length; n++) {
		const country = CALLING_CODES[digits.slice(0, n)];
		if (country) return country;
	}
	return undefined;
}
