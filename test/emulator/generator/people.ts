// Fictional people, companies and newsletter brands. Company and brand domains are under the
// reserved `.example` TLD; phone numbers come from ranges set aside for fiction (US 555-01xx,
// UK Ofcom drama ranges, French ARCEP fiction ranges, German film ranges) or, for Japan, from
// unassignable numbers (subscriber part starting with 0). Free-mail senders use the real free-mail
// domains on purpose: classification (business vs personal) depends on recognising them.

import { Charset } from './charsets';
import { Rng, Stream, rngFor } from './prng';

export type Locale = 'us' | 'uk' | 'de' | 'fr' | 'jp';

export interface Person {
	locale: Locale;
	first: string;
	last: string;
	fullName: string;
	email: string;
}

export interface Phone {
	e164: string;
	written: string;
	label: string;
}

export type SignatureLayout = 'dash' | 'closing' | 'pipes' | 'html-table';

export interface BusinessContact extends Person {
	companyIndex: number;
	company: string;
	domain: string;
	jobTitle: string;
	phones: Phone[];
	linkedinUrl?: string;
	address?: string;
	layout: SignatureLayout;
	/** Whether the company is one of the owner's clients (user label "Clients"). */
	client: boolean;
}

export interface PersonalContact extends Person {
	freemail: true;
}

const NAMES: Record<Locale, { first: string[]; last: string[] }> = {
	us: {
		first: [
			'James',
			'Mary',
			'Robert',
			'Patricia',
			'Michael',
			'Jennifer',
			'David',
			'Linda',
			'Daniel',
			'Emily',
			'Kevin',
			'Ashley',
			'Brian',
			'Megan',
			'Jason',
			'Rachel',
			'Tyler',
			'Olivia',
			'Ethan',
			'Sophia',
		],
		last: [
			'Carter',
			'Hayes',
			'Brooks',
			'Sullivan',
			'Bennett',
			'Foster',
			'Price',
			'Reed',
			'Coleman',
			'Jenkins',
			'Perry',
			'Powell',
			'Long',
			'Patterson',
			'Hughes',
			'Flores',
			'Ward',
			'Ross',
			"O'Neill",
			'Griffin',
		],
	},
	uk: {
		first: [
			'Oliver',
			'Amelia',
			'Harry',
			'Isla',
			'George',
			'Ava',
			'Jack',
			'Imogen',
			'Charlie',
			'Poppy',
			'Thomas',
			'Grace',
			'Alfie',
			'Freya',
			'Rhys',
			'Siobhan',
		],
		last: [
			'Thompson',
			'Walker',
			'Wright',
			'Robinson',
			'Hall',
			'Green',
			'Clarke',
			'Baker',
			'Turner',
			'Hill',
			'Cooper',
			'Harris',
			'Patel',
			'Khan',
			'Evans',
			'Davies',
		],
	},
	de: {
		first: [
			'Lukas',
			'Anna',
			'Jonas',
			'Lena',
			'Maximilian',
			'Sophie',
			'Felix',
			'Hannah',
			'Jürgen',
			'Jörg',
			'Björn',
			'Sören',
			'Käthe',
			'Günther',
			'Ursula',
			'Franziska',
		],
		last: [
			'Müller',
			'Schmidt',
			'Schneider',
			'Fischer',
			'Weber',
			'Meyer',
			'Wagner',
			'Becker',
			'Schäfer',
			'Köhler',
			'Krüger',
			'Hoffmann',
			'Schröder',
			'Groß',
			'Weiß',
			'Böhm',
		],
	},
	fr: {
		first: [
			'Léa',
			'Chloé',
			'Hélène',
			'Amélie',
			'Jérôme',
			'François',
			'Stéphane',
			'Théo',
			'Gaëlle',
			'Céline',
			'Noël',
			'Inès',
			'Thomas',
			'Camille',
			'Julien',
			'Manon',
		],
		last: [
			'Martin',
			'Bernard',
			'Dubois',
			'Lefèvre',
			'Moreau',
			'Girard',
			'Mercier',
			'Rousseau',
			'Fontaine',
			'Chevalier',
			'Béranger',
			'Lemaître',
			'Gauthier',
			'Faure',
			'Dupré',
			'Leroy',
		],
	},
	jp: {
		// [kanji, romaji]
		first: [
			'太郎|Taro',
			'花子|Hanako',
			'健一|Kenichi',
			'美咲|Misaki',
			'翔太|Shota',
			'由美|Yumi',
			'大輔|Daisuke',
			'恵子|Keiko',
			'直樹|Naoki',
			'彩|Aya',
			'拓也|Takuya',
			'真由美|Mayumi',
		],
		last: [
			'山田|Yamada',
			'佐藤|Sato',
			'鈴木|Suzuki',
			'高橋|Takahashi',
			'田中|Tanaka',
			'伊藤|Ito',
			'渡辺|Watanabe',
			'中村|Nakamura',
			'小林|Kobayashi',
			'加藤|Kato',
			'吉田|Yoshida',
			'松本|Matsumoto',
		],
	},
};

const COMPANIES: Record<Locale, { names: string[]; suffixes: string[] }> = {
	us: {
		names: [
			'Brightwater',
			'Northwind',
			'Larkspur',
			'Kestrel',
			'Bluefin',
			'Silverline',
			'Redwood',
			'Copperleaf',
			'Summit Ridge',
			'Harborview',
			'Tallgrass',
			'Ironbark',
		],
		suffixes: [
			'Analytics, Inc.',
			'Logistics LLC',
			'Systems Inc.',
			'Consulting Group',
			'Labs',
			'Partners',
			'Software, Inc.',
			'Health',
		],
	},
	uk: {
		names: [
			'Ashcombe',
			'Thistle & Rowan',
			'Kingsbridge',
			'Fernhill',
			'Blackwood',
			'Marlowe',
			'Hollybrook',
			'Wrenfield',
		],
		suffixes: ['Consulting Ltd', 'Partners LLP', 'Digital Ltd', 'Engineering Ltd', 'Trading Ltd'],
	},
	de: {
		names: [
			'Müller & Schmidt',
			'Nordlicht',
			'Alpenblick',
			'Elbtal',
			'Sonnenhof',
			'Weißdorn',
			'Lindenau',
			'Falkenstein',
			'Brückner',
		],
		suffixes: [
			'GmbH',
			'AG',
			'Software GmbH',
			'Logistik GmbH',
			'Beratung GmbH',
			'Maschinenbau GmbH',
		],
	},
	fr: {
		names: [
			'Lumière',
			'Beaulieu',
			'Belle Étoile',
			'Lavande',
			'Chêne Vert',
			'Horizon',
			'Mistral',
			'Rivière',
		],
		suffixes: ['SARL', 'SAS', 'Conseil SAS', 'Industries SA', 'Solutions SAS'],
	},
	jp: {
		names: [
			'さくら|sakura',
			'青空|aozora',
			'富士見|fujimi',
			'見本|mihon',
			'港町|minatomachi',
			'若葉|wakaba',
			'白山|hakusan',
		],
		suffixes: [
			'商事|shoji',
			'システム|system',
			'テクノロジー|tech',
			'物産|bussan',
			'ロジスティクス|logi',
		],
	},
};

const TITLES: Record<Locale, string[]> = {
	us: [
		'Account Executive',
		'Head of Sales',
		'Chief Financial Officer',
		'Procurement Manager',
		'Senior Software Engineer',
		'Marketing Director',
		'Operations Manager',
		'VP, Business Development',
		'Customer Success Lead',
		'Managing Director',
	],
	uk: [
		'Account Manager',
		'Head of Partnerships',
		'Finance Director',
		'Procurement Lead',
		'Senior Consultant',
		'Managing Director',
		'Office Manager',
	],
	de: [
		'Leitung Vertrieb',
		'Geschäftsführer',
		'Einkaufsleiter',
		'Projektmanagerin',
		'Key Account Manager',
		'Leiterin Buchhaltung',
		'Technischer Leiter',
	],
	fr: [
		'Directeur commercial',
		'Responsable des achats',
		'Chef de projet',
		'Directrice financière',
		"Chargée d'affaires",
		'Ingénieur commercial',
	],
	jp: [
		'営業部 部長',
		'経理部 課長',
		'プロジェクトマネージャー',
		'代表取締役',
		'購買担当',
		'マーケティング部 主任',
	],
};

const FREEMAIL: Record<Locale, string[]> = {
	us: [
		'gmail.com',
		'gmail.com',
		'yahoo.com',
		'outlook.com',
		'hotmail.com',
		'icloud.com',
		'aol.com',
	],
	uk: ['gmail.com', 'outlook.com', 'btinternet.com', 'yahoo.co.uk', 'hotmail.co.uk'],
	de: ['gmail.com', 'gmx.de', 'web.de', 't-online.de', 'outlook.de'],
	fr: ['gmail.com', 'orange.fr', 'free.fr', 'laposte.net', 'hotmail.fr'],
	jp: ['gmail.com', 'yahoo.co.jp', 'icloud.com', 'outlook.jp'],
};

export const LOCALE_WEIGHTS: [Locale, number][] = [
	['us', 36],
	['uk', 14],
	['de', 20],
	['fr', 15],
	['jp', 15],
];

/** Fixed UTC offsets for Date headers (DST is ignored: the instant stays exact). */
export const LOCALE_OFFSET_MINUTES: Record<Locale, number> = {
	us: -300,
	uk: 0,
	de: 60,
	fr: 60,
	jp: 540,
};

const FOLD: Record<string, string> = {
	ä: 'ae',
	ö: 'oe',
	ü: 'ue',
	ß: 'ss',
	Ä: 'Ae',
	Ö: 'Oe',
	Ü: 'Ue',
};

/** ASCII local-part / slug from a display name (Müller → mueller, Lefèvre → lefevre). */
export function asciiSlug(s: string): string {
	return s
		.replace(/[äöüßÄÖÜ]/g, (c) => FOLD[c])
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/&/g, ' ')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
}

function split(entry: string): [string, string] {
	const [native, roman] = entry.split('|');
	return [native, roman ?? native];
}

function pickName(
	rng: Rng,
	locale: Locale,
): { first: string; last: string; fullName: string; local: string } {
	const [first, firstRoman] = split(rng.pick(NAMES[locale].first));
	const [last, lastRoman] = split(rng.pick(NAMES[locale].last));
	const fullName = locale === 'jp' ? `${last} ${first}` : `${first} ${last}`;
	const style = rng.int(4);
	const f = asciiSlug(firstRoman).replace(/-/g, '');
	const l = asciiSlug(lastRoman).replace(/-/g, '');
	const local = style === 0 ? `${f[0]}${l}` : style === 1 ? `${f}` : `${f}.${l}`;
	return { first, last, fullName, local };
}

export interface Company {
	locale: Locale;
	name: string;
	domain: string;
	address: string;
	client: boolean;
}

const STREETS: Record<Locale, (r: Rng) => string> = {
	us: (r) =>
		`${r.range(100, 9899)} ${r.pick(['Example Street', 'Sample Avenue', 'Demo Boulevard', 'Placeholder Road'])}, Suite ${r.range(1, 9)}00, ${r.pick(['San Francisco, CA 94105', 'New York, NY 10013', 'Chicago, IL 60607', 'Austin, TX 78701', 'Seattle, WA 98104'])}, USA`,
	uk: (r) =>
		`${r.range(1, 220)} ${r.pick(['Sample Lane', 'Example Road', 'Demo Street'])}, ${r.pick(['London EC1A 1AA', 'Manchester M1 1AE', 'Bristol BS1 4DJ', 'Leeds LS1 4AP'])}, United Kingdom`,
	de: (r) =>
		`${r.pick(['Musterstraße', 'Beispielweg', 'Musterallee', 'Am Beispielpark'])} ${r.range(1, 120)}, ${r.pick(['10115 Berlin', '80331 München', '20095 Hamburg', '60311 Frankfurt am Main', '50667 Köln'])}, Deutschland`,
	fr: (r) =>
		`${r.range(1, 90)} ${r.pick(["rue de l'Exemple", 'avenue du Modèle', 'boulevard de la Démo', 'place du Spécimen'])}, ${r.pick(['75002 Paris', '69002 Lyon', '13001 Marseille', '33000 Bordeaux', '31000 Toulouse'])}, France`,
	jp: (r) =>
		`〒${r.range(100, 199)}-00${r.range(10, 99)} ${r.pick(['東京都千代田区見本町', '東京都港区例題', '大阪府大阪市北区見本', '横浜市中区サンプル町'])}${r.range(1, 9)}-${r.range(1, 20)}-${r.range(1, 30)} ${r.pick(['見本ビル', 'サンプルタワー', '例題ビル'])}${r.range(2, 20)}F`,
};

export function companyAt(seedHash: number, locale: Locale, index: number): Company {
	const rng = rngFor(
		seedHash,
		Stream.Company,
		index * 8 + LOCALE_WEIGHTS.findIndex(([l]) => l === locale),
	);
	const { names, suffixes } = COMPANIES[locale];
	const [name, nameRoman] = split(names[index % names.length]);
	const [suffix, suffixRoman] = split(suffixes[Math.floor(index / names.length) % suffixes.length]);
	const full = locale === 'jp' ? `株式会社${name}${suffix}` : `${name} ${suffix}`;
	const slugBase =
		locale === 'jp'
			? `${nameRoman}-${suffixRoman}`
			: asciiSlug(`${nameRoman} ${suffixRoman.split(/[ ,]/)[0]}`);
	return {
		locale,
		name: full,
		domain: `${slugBase}.example`,
		address: STREETS[locale](rng),
		client: index % 3 === 0,
	};
}

const companiesPerLocale = (l: Locale) => COMPANIES[l].names.length * COMPANIES[l].suffixes.length;

function digits(rng: Rng, n: number): string {
	let s = '';
	for (let i = 0; i < n; i++) s += rng.int(10);
	return s;
}

/** A phone in one of the locale's written formats, with its E.164 truth. */
export function phoneFor(
	rng: Rng,
	locale: Locale,
	mobile: boolean,
): { e164: string; written: string } {
	switch (locale) {
		case 'us': {
			const area = rng.pick(['415', '212', '312', '617', '206', '512']);
			const line = `01${digits(rng, 2)}`;
			const formats = [
				`(${area}) 555-${line}`,
				`${area}-555-${line}`,
				`${area}.555.${line}`,
				`+1 ${area} 555 ${line}`,
				`+1 (${area}) 555-${line}`,
			];
			return { e164: `+1${area}555${line}`, written: rng.pick(formats) };
		}
		case 'uk': {
			if (mobile) {
				const sub = `900${digits(rng, 3)}`;
				return {
					e164: `+447700${sub}`,
					written: rng.pick([`07700 ${sub}`, `+44 7700 ${sub}`, `+44 (0)7700 ${sub}`]),
				};
			}
			const sub = `0${digits(rng, 3)}`;
			return {
				e164: `+44207946${sub}`,
				written: rng.pick([`+44 20 7946 ${sub}`, `020 7946 ${sub}`, `+44 (0)20 7946 ${sub}`]),
			};
		}
		case 'de': {
			if (mobile) {
				const sub = digits(rng, 3);
				return {
					e164: `+4915228817${sub}`,
					written: rng.pick([`0152 28817${sub}`, `+49 152 28817${sub}`, `+49 (0)152 28817 ${sub}`]),
				};
			}
			const [area, block] = rng.pick([
				['30', '23125'],
				['69', '90009'],
				['40', '66969'],
				['89', '99998'],
			] as const);
			const ext = digits(rng, 3);
			const formats = [
				`+49 ${area} ${block}${ext}`,
				`0${area} ${block}${ext}`,
				`+49 (0)${area} ${block}-${ext}`,
				`0${area}/${block}-${ext}`,
				`+49 ${area} ${block} ${ext}`,
			];
			return { e164: `+49${area}${block}${ext}`, written: rng.pick(formats) };
		}
		case 'fr': {
			const [a, b, c] = mobile
				? ['6', '39', '98']
				: rng.pick([
						['1', '99', '00'],
						['2', '61', '91'],
						['3', '53', '01'],
						['4', '65', '71'],
						['5', '36', '49'],
					] as const);
			const d = digits(rng, 2);
			const e = digits(rng, 2);
			const formats = [
				`0${a} ${b} ${c} ${d} ${e}`,
				`+33 ${a} ${b} ${c} ${d} ${e}`,
				`+33 (0)${a} ${b} ${c} ${d} ${e}`,
				`0${a}.${b}.${c}.${d}.${e}`,
			];
			return { e164: `+33${a}${b}${c}${d}${e}`, written: rng.pick(formats) };
		}
		case 'jp': {
			// Subscriber numbers never begin with 0 in Japan, so 03-0xxx-xxxx / 090-0xxx-xxxx are unassignable.
			const [area, mid] = mobile ? ['90', `0${digits(rng, 3)}`] : ['3', `0${digits(rng, 3)}`];
			const end = digits(rng, 4);
			const formats = [
				`0${area}-${mid}-${end}`,
				`+81 ${area}-${mid}-${end}`,
				`(0${area}) ${mid}-${end}`,
			];
			return { e164: `+81${area}${mid}${end}`, written: rng.pick(formats) };
		}
	}
}

const PHONE_LABELS: Record<Locale, { office: string[]; mobile: string[] }> = {
	us: { office: ['Tel', 'Phone', 'Office', 'T', 'Direct'], mobile: ['Mobile', 'M', 'Cell'] },
	uk: { office: ['Tel', 'T', 'Office', 'DDI'], mobile: ['Mobile', 'M', 'Mob'] },
	de: { office: ['Tel.', 'Telefon', 'Fon', 'T'], mobile: ['Mobil', 'M', 'Handy'] },
	fr: { office: ['Tél.', 'Tél', 'Standard', 'T'], mobile: ['Portable', 'Mobile', 'M'] },
	jp: { office: ['TEL', '電話'], mobile: ['携帯', 'Mobile'] },
};

/** Pool sizes grow slowly with the mailbox so senders recur, as in a real inbox. */
export function contactPoolSize(count: number): number {
	return Math.min(200 + Math.floor(count / 25), 40000);
}

export function businessContactAt(seedHash: number, index: number): BusinessContact {
	const rng = rngFor(seedHash, Stream.BusinessContact, index);
	const locale = rng.weighted(LOCALE_WEIGHTS);
	const companyIndex = rng.int(companiesPerLocale(locale));
	const company = companyAt(seedHash, locale, companyIndex);
	const name = pickName(rng, locale);
	const phones: Phone[] = [];
	const labels = PHONE_LABELS[locale];
	const officeLabel = rng.pick(labels.office);
	const mobileLabel = rng.pick(labels.mobile);
	if (rng.chance(0.85)) phones.push({ ...phoneFor(rng, locale, false), label: officeLabel });
	if (phones.length === 0 || rng.chance(0.45))
		phones.push({ ...phoneFor(rng, locale, true), label: mobileLabel });
	const slug =
		locale === 'jp' ? name.local.replace('.', '-') : asciiSlug(`${name.first} ${name.last}`);
	return {
		locale,
		first: name.first,
		last: name.last,
		fullName: name.fullName,
		email: `${name.local}@${company.domain}`,
		companyIndex,
		company: company.name,
		domain: company.domain,
		jobTitle: rng.pick(TITLES[locale]),
		phones,
		linkedinUrl: rng.chance(0.6) ? `https://www.linkedin.com/in/${slug}-${rng.hex(6)}` : undefined,
		address: rng.chance(0.55) ? company.address : undefined,
		layout: rng.weighted<SignatureLayout>([
			['dash', 3],
			['closing', 3],
			['pipes', 2],
			['html-table', 2],
		]),
		client: company.client,
	};
}

export function personalContactAt(seedHash: number, index: number): PersonalContact {
	const rng = rngFor(seedHash, Stream.PersonalContact, index);
	const locale = rng.weighted(LOCALE_WEIGHTS);
	const name = pickName(rng, locale);
	const domain = rng.pick(FREEMAIL[locale]);
	const num = rng.chance(0.5) ? String(rng.range(1, 99)) : '';
	return {
		locale,
		first: name.first,
		last: name.last,
		fullName: name.fullName,
		email: `${name.local}${num}@${domain}`,
		freemail: true,
	};
}

/** A colleague at the same company (for Cc). */
export function colleagueOf(contact: BusinessContact, rng: Rng): Person {
	const name = pickName(rng, contact.locale);
	return {
		locale: contact.locale,
		first: name.first,
		last: name.last,
		fullName: name.fullName,
		email: `${name.local}@${contact.domain}`,
	};
}

export interface Brand {
	name: string;
	domain: string;
	locale: Locale;
	charset: Charset;
	category: 'CATEGORY_PROMOTIONS' | 'CATEGORY_UPDATES' | 'CATEGORY_SOCIAL' | 'CATEGORY_FORUMS';
	list: string;
	topic: 'news' | 'deals' | 'bank' | 'social' | 'travel' | 'dev';
}

export const BRANDS: Brand[] = [
	{
		name: 'Lumen Weekly',
		domain: 'lumen-weekly.example',
		locale: 'us',
		charset: 'utf-8',
		category: 'CATEGORY_UPDATES',
		list: 'weekly',
		topic: 'news',
	},
	{
		name: 'Cartwheel Deals',
		domain: 'cartwheel.example',
		locale: 'us',
		charset: 'utf-8',
		category: 'CATEGORY_PROMOTIONS',
		list: 'offers',
		topic: 'deals',
	},
	{
		name: 'Pinecone Bank',
		domain: 'pinecone-bank.example',
		locale: 'uk',
		charset: 'windows-1252',
		category: 'CATEGORY_UPDATES',
		list: 'statements',
		topic: 'bank',
	},
	{
		name: 'Connectly',
		domain: 'connectly.example',
		locale: 'us',
		charset: 'utf-8',
		category: 'CATEGORY_SOCIAL',
		list: 'notifications',
		topic: 'social',
	},
	{
		name: 'Orbit Airlines',
		domain: 'orbit-air.example',
		locale: 'uk',
		charset: 'utf-8',
		category: 'CATEGORY_PROMOTIONS',
		list: 'fares',
		topic: 'travel',
	},
	{
		name: 'DevDigest',
		domain: 'devdigest.example',
		locale: 'us',
		charset: 'us-ascii',
		category: 'CATEGORY_FORUMS',
		list: 'digest',
		topic: 'dev',
	},
	{
		name: 'Kaufhaus Lindenau',
		domain: 'kaufhaus-lindenau.example',
		locale: 'de',
		charset: 'iso-8859-1',
		category: 'CATEGORY_PROMOTIONS',
		list: 'angebote',
		topic: 'deals',
	},
	{
		name: 'Maison Lavande',
		domain: 'maison-lavande.example',
		locale: 'fr',
		charset: 'windows-1252',
		category: 'CATEGORY_PROMOTIONS',
		list: 'nouveautes',
		topic: 'deals',
	},
	{
		name: 'さくらマート',
		domain: 'sakura-mart.example',
		locale: 'jp',
		charset: 'shift_jis',
		category: 'CATEGORY_PROMOTIONS',
		list: 'sale',
		topic: 'deals',
	},
];
