// The virtual mailbox: message i is computed from (seed, i, options) on demand, in O(1).
//
// Layout: indices are cut into blocks of BLOCK_SIZE consecutive messages. In each block one
// conversation thread (1–5 messages) occupies a few positions chosen by the block's PRNG; every
// other position is a single-message thread. So a message's thread, its siblings and their
// Message-IDs are all computable from the index alone, and replies always come after what they
// answer. Dates are an even spread over the span before `newest`, jittered within each step.

import type {
	GeneratedAddress,
	GeneratedMessage,
	Mailbox,
	MailboxOptions,
	SignatureTruth,
} from './index';
import { Charset, isAscii } from './charsets';
import {
	ATTACHMENT_MIME,
	AttachmentType,
	Body,
	attachmentBytes,
	canEncode,
	escapeHtml,
	htmlToText,
	renderHtml,
	renderText,
	signatureBlock,
	snippetOf,
} from './content';
import {
	MimePart,
	TransferEncoding,
	addressHeader,
	renderPart,
	rfc5322Date,
	unstructuredHeader,
} from './mime';
import {
	BRANDS,
	Brand,
	BusinessContact,
	LOCALE_OFFSET_MINUTES,
	Locale,
	PersonalContact,
	businessContactAt,
	colleagueOf,
	contactPoolSize,
	personalContactAt,
} from './people';
import { Rng, Stream, fmix32, hashSeed, rngFor } from './prng';
import {
	DAYS,
	PROJECTS,
	TEXTS,
	Vars,
	amountFor,
	fill,
	newsletterContent,
	typography,
} from './texts';

type Kind = GeneratedMessage['kind'];

export const BLOCK_SIZE = 8;
export const DEFAULT_NEWEST = Date.UTC(2026, 10, 1, 9, 0, 0);
const DAY_SEC = 86400;

export const SYSTEM_LABELS = [
	'INBOX',
	'SENT',
	'DRAFT',
	'SCHEDULED',
	'SPAM',
	'TRASH',
	'UNREAD',
	'STARRED',
	'IMPORTANT',
	'CHAT',
	'CATEGORY_PERSONAL',
	'CATEGORY_SOCIAL',
	'CATEGORY_PROMOTIONS',
	'CATEGORY_UPDATES',
	'CATEGORY_FORUMS',
];
export const USER_LABELS = [
	{ id: 'Label_1', name: 'Clients' },
	{ id: 'Label_2', name: 'Invoices' },
	{ id: 'Label_3', name: 'Projects/Atlas' },
	{ id: 'Label_4', name: 'Travel' },
	{ id: 'Label_5', name: 'Follow up' },
	{ id: 'Label_6', name: 'Family' },
];

type Party =
	| { type: 'business'; contact: BusinessContact }
	| { type: 'personal'; contact: PersonalContact }
	| { type: 'newsletter'; brand: Brand };

interface ThreadPlan {
	start: number;
	members: number[];
	kinds: Kind[];
	party: Party;
	locale: Locale;
	/** Subject before any reply prefix, still with plain ASCII punctuation. */
	subject: string;
	subjectTemplate: string;
	/** Typography of the subject is fixed per thread, so replies repeat it exactly. */
	subjectCharset: Charset;
	vars: Omit<Vars, 'amount' | 'first' | 'last' | 'full' | 'ownerFirst'>;
	important: boolean;
	archived: boolean;
	userLabels: string[];
	spamOrTrash?: 'SPAM' | 'TRASH';
}

const FROM_OWNER: ReadonlySet<Kind> = new Set<Kind>(['sent', 'draft', 'scheduled']);

function charsetFor(rng: Rng, locale: Locale): Charset {
	switch (locale) {
		case 'us':
		case 'uk':
			return rng.weighted<Charset>([
				['utf-8', 55],
				['us-ascii', 25],
				['windows-1252', 20],
			]);
		case 'de':
			return rng.weighted<Charset>([
				['iso-8859-1', 45],
				['utf-8', 45],
				['windows-1252', 10],
			]);
		case 'fr':
			return rng.weighted<Charset>([
				['windows-1252', 40],
				['utf-8', 45],
				['iso-8859-1', 15],
			]);
		case 'jp':
			return rng.weighted<Charset>([
				['shift_jis', 60],
				['utf-8', 40],
			]);
	}
}

function splitName(name: string): { first: string; last: string } {
	const parts = name.trim().split(/\s+/);
	return { first: parts[0] ?? name, last: parts.slice(1).join(' ') || parts[0] || name };
}

interface Composition {
	text?: string;
	html?: string;
	charset: Charset;
	headerMode: 'B' | 'Q';
	textEncoding: TransferEncoding;
	htmlEncoding: TransferEncoding;
	attachments: {
		filename: string;
		mimeType: string;
		size: number;
		type: AttachmentType;
		seed: number;
	}[];
	signature?: SignatureTruth;
	extraHeaders: string[];
	boundarySeed: string;
}

export class VirtualMailbox implements Mailbox {
	readonly count: number;
	readonly owner: GeneratedAddress;
	readonly labels: Mailbox['labels'];
	private readonly seedHash: number;
	private readonly oldestSec: number;
	private readonly stepSec: number;
	private readonly businessPool: number;
	private readonly personalPool: number;
	private readonly ownerDomain: string;
	private readonly ownerFirst: string;
	private readonly ownerLast: string;
	// One-entry cache: streaming visits a block's messages consecutively.
	private cachedPlan?: ThreadPlan;

	constructor(options: MailboxOptions) {
		const { count } = options;
		if (!Number.isInteger(count) || count < 1)
			throw new RangeError(`count must be a positive integer, got ${count}`);
		this.count = count;
		this.owner = options.owner.name
			? { name: options.owner.name, email: options.owner.email }
			: { email: options.owner.email };
		this.seedHash = hashSeed(options.seed);
		const newestSec = Math.floor((options.newest?.getTime() ?? DEFAULT_NEWEST) / 1000);
		// ~6 hours per message, between one month and two years, never less than 20 s per message.
		const spanSec = Math.max(Math.min(count * 6 * 3600, 730 * DAY_SEC), 30 * DAY_SEC, count * 20);
		this.oldestSec = newestSec - spanSec;
		this.stepSec = spanSec / count;
		this.businessPool = contactPoolSize(count);
		this.personalPool = Math.ceil(contactPoolSize(count) / 2);
		this.ownerDomain = options.owner.email.split('@')[1] ?? 'example.com';
		const { first, last } = splitName(options.owner.name);
		this.ownerFirst = first;
		this.ownerLast = last;
		this.labels = [
			...SYSTEM_LABELS.map((id) => ({ id, name: id, type: 'system' as const })),
			...USER_LABELS.map((l) => ({ ...l, type: 'user' as const })),
		];
	}

	// ---- O(1) index arithmetic ----

	dateSec(i: number): number {
		const jitter =
			(fmix32(this.seedHash ^ fmix32(i + 0x5bd1e995)) / 4294967296) * this.stepSec * 0.8;
		return this.oldestSec + Math.floor(i * this.stepSec) + Math.floor(jitter);
	}

	idOf(i: number): string {
		// Like Gmail's ids: the time in ms shifted left 20 bits, plus 20 low bits of noise.
		const low = fmix32(this.seedHash + Math.imul(i, 0x9e3779b1)) & 0xfffff;
		return ((BigInt(this.dateSec(i) * 1000) << 20n) | BigInt(low)).toString(16).padStart(16, '0');
	}

	indexOfId(id: string): number | undefined {
		if (typeof id !== 'string' || !/^[0-9a-f]{16}$/.test(id)) return undefined;
		const sec = Number(BigInt('0x' + id) >> 20n) / 1000;
		const guess = Math.floor((sec - this.oldestSec) / this.stepSec);
		for (const i of [guess, guess - 1, guess + 1]) {
			if (i >= 0 && i < this.count && this.idOf(i) === id) return i;
		}
		return undefined;
	}

	/** The block's conversation positions (sorted, relative to the block). */
	private blockThread(block: number): number[] {
		const size = Math.min(BLOCK_SIZE, this.count - block * BLOCK_SIZE);
		const rng = rngFor(this.seedHash, Stream.Block, block);
		const length = Math.min(
			size,
			rng.weighted([
				[1, 30],
				[2, 25],
				[3, 20],
				[4, 14],
				[5, 11],
			] as const),
		);
		const slots = Array.from({ length: size }, (_, k) => k);
		for (let k = 0; k < length; k++) {
			const j = k + rng.int(size - k);
			[slots[k], slots[j]] = [slots[j], slots[k]];
		}
		return slots.slice(0, length).sort((a, b) => a - b);
	}

	/** Thread membership of index i: the indices of its thread (oldest first) and i's position. */
	threadOf(i: number): { members: number[]; position: number } {
		const block = Math.floor(i / BLOCK_SIZE);
		const base = block * BLOCK_SIZE;
		const positions = this.blockThread(block);
		const p = positions.indexOf(i - base);
		if (p < 0 || positions.length < 2) return { members: [i], position: 0 };
		return { members: positions.map((x) => base + x), position: p };
	}

	threadMessageIndices(threadId: string): number[] {
		const i = this.indexOfId(threadId);
		if (i === undefined) return [];
		const { members } = this.threadOf(i);
		return members[0] === i ? members : [];
	}

	// ---- thread plans ----

	private plan(members: number[]): ThreadPlan {
		const start = members[0];
		if (this.cachedPlan?.start === start) return this.cachedPlan;
		const rng = rngFor(this.seedHash, Stream.Thread, start);
		const multi = members.length > 1;
		const first: Kind = multi
			? rng.weighted<Kind>([
					['business', 55],
					['personal', 20],
					['sent', 25],
				])
			: rng.weighted<Kind>([
					['newsletter', 30],
					['business', 27],
					['personal', 14],
					['sent', 14],
					['auto-reply', 4],
					['draft', 2.5],
					['scheduled', 1.5],
				]);
		let party: Party;
		if (first === 'newsletter') party = { type: 'newsletter', brand: rng.pick(BRANDS) };
		else if (first === 'personal' || (FROM_OWNER.has(first) && rng.chance(0.3)))
			party = {
				type: 'personal',
				contact: personalContactAt(this.seedHash, rng.int(this.personalPool)),
			};
		else
			party = {
				type: 'business',
				contact: businessContactAt(this.seedHash, rng.int(this.businessPool)),
			};

		const kinds: Kind[] = [first];
		for (let k = 1; k < members.length; k++) {
			const prev = kinds[k - 1];
			const last = k === members.length - 1;
			if (FROM_OWNER.has(prev))
				kinds.push(
					k === 1 && party.type === 'business' && rng.chance(0.2) ? 'auto-reply' : 'reply',
				);
			else if (prev === 'auto-reply') kinds.push('reply');
			else kinds.push(last && rng.chance(0.12) ? 'draft' : 'sent');
		}

		const locale: Locale = party.type === 'newsletter' ? party.brand.locale : party.contact.locale;
		const texts = TEXTS[locale];
		const vars = {
			company: party.type === 'business' ? party.contact.company : '',
			project: rng.pick(PROJECTS),
			invoice: `INV-2026-${String(rng.range(100, 9999)).padStart(4, '0')}`,
			order: `PO-${rng.range(10000, 99999)}`,
			day: rng.pick(DAYS[locale]),
			brand: party.type === 'newsletter' ? party.brand.name : '',
		};
		let subjectTemplate = '';
		let subject: string;
		if (party.type === 'newsletter') {
			subject = newsletterContent(
				rng,
				party.brand.name,
				party.brand.domain,
				party.brand.topic,
				locale,
				start,
			).subject;
		} else {
			subjectTemplate = rng.pick(
				party.type === 'business' ? texts.businessSubjects : texts.personalSubjects,
			);
			subject = fill(subjectTemplate, {
				...vars,
				first: '',
				last: '',
				full: '',
				amount: '',
				ownerFirst: '',
			});
		}
		const old = start < this.count * 0.8;
		const archived = party.type !== 'newsletter' && old && rng.chance(0.12);
		let important = false;
		if (party.type === 'business') important = rng.chance(0.45);
		else if (party.type === 'personal') important = rng.chance(0.15);
		else important = party.brand.topic === 'bank' ? rng.chance(0.6) : rng.chance(0.03);
		const userLabels: string[] = [];
		if (party.type === 'business') {
			if (party.contact.client) userLabels.push('Label_1');
			if (subjectTemplate.includes('{invoice}')) userLabels.push('Label_2');
			if (vars.project === 'Atlas' && subjectTemplate.includes('{project}'))
				userLabels.push('Label_3');
			if (rng.chance(0.03)) userLabels.push('Label_5');
		} else if (party.type === 'personal') {
			if (rng.chance(0.2)) userLabels.push('Label_6');
		} else if (party.brand.topic === 'travel') userLabels.push('Label_4');
		let spamOrTrash: ThreadPlan['spamOrTrash'];
		if (!multi && first === 'newsletter' && rng.chance(0.03)) spamOrTrash = 'SPAM';
		else if (!multi && (first === 'business' || first === 'personal') && rng.chance(0.01))
			spamOrTrash = 'TRASH';
		const subjectCharset =
			party.type === 'newsletter' ? party.brand.charset : charsetFor(rng, locale);
		const plan: ThreadPlan = {
			start,
			members,
			kinds,
			party,
			locale,
			subject,
			subjectTemplate,
			subjectCharset,
			vars,
			important,
			archived,
			userLabels,
			spamOrTrash,
		};
		this.cachedPlan = plan;
		return plan;
	}

	private partyAddress(plan: ThreadPlan): GeneratedAddress {
		const p = plan.party;
		if (p.type === 'newsletter')
			return { name: p.brand.name, email: `news@mail.${p.brand.domain}` };
		return { name: p.contact.fullName, email: p.contact.email };
	}

	private messageIdHeaderOf(i: number, plan: ThreadPlan, position: number): string {
		const fromOwner = FROM_OWNER.has(plan.kinds[position]);
		const domain = fromOwner ? this.ownerDomain : this.partyAddress(plan).email.split('@')[1];
		const r = fmix32(this.seedHash ^ fmix32(i ^ 0x2545f491)).toString(36);
		if (domain === 'gmail.com') return `<CA${r.toUpperCase()}+${this.idOf(i)}@mail.gmail.com>`;
		return `<${this.idOf(i)}.${r}@${domain}>`;
	}

	// ---- messages ----

	messageAt(index: number): GeneratedMessage {
		if (!Number.isInteger(index) || index < 0 || index >= this.count)
			throw new RangeError(`message index ${index} out of range 0..${this.count - 1}`);
		return new VirtualMessage(this, index);
	}

	*messages(fromIndex = 0, toIndexExclusive = this.count): Iterable<GeneratedMessage> {
		const end = Math.min(toIndexExclusive, this.count);
		for (let i = Math.max(0, fromIndex); i < end; i++) yield new VirtualMessage(this, i);
	}

	/** Everything but the body, computed eagerly (cheap; used by list/metadata calls). */
	envelope(i: number) {
		const { members, position } = this.threadOf(i);
		const plan = this.plan(members);
		const kind = plan.kinds[position];
		const fromOwner = FROM_OWNER.has(kind);
		const rng = rngFor(this.seedHash, Stream.Message, i);
		const party = this.partyAddress(plan);
		const from = fromOwner ? this.owner : party;
		const to = [fromOwner ? party : this.owner];
		const cc: GeneratedAddress[] = [];
		if (plan.party.type === 'business' && rng.chance(0.2)) {
			const colleague = colleagueOf(
				plan.party.contact,
				rngFor(this.seedHash, Stream.Thread, plan.start + 0x7fffffff),
			);
			cc.push({ name: colleague.fullName, email: colleague.email });
		}
		const texts = TEXTS[plan.locale];
		const charset =
			plan.party.type === 'newsletter' ? plan.party.brand.charset : charsetFor(rng, plan.locale);
		let subject: string;
		if (kind === 'auto-reply') subject = texts.autoReplyPrefix + plan.subject;
		else if (position === 0) subject = plan.subject;
		else
			subject =
				(plan.locale === 'de' && !fromOwner && rng.chance(0.4) ? 'AW: ' : 'Re: ') + plan.subject;
		subject = typography(subject, plan.subjectCharset, plan.locale);

		const labelIds: string[] = [];
		const incoming = !fromOwner;
		if (kind === 'draft') labelIds.push('DRAFT');
		else if (kind === 'scheduled') labelIds.push('SCHEDULED');
		else if (kind === 'sent') labelIds.push('SENT');
		else if (plan.spamOrTrash) labelIds.push(plan.spamOrTrash);
		else if (!plan.archived) labelIds.push('INBOX');
		if (incoming) {
			const recent = i >= this.count - Math.max(20, this.count * 0.05);
			const unreadP = (recent ? 0.55 : 0.06) + (plan.party.type === 'newsletter' ? 0.3 : 0);
			if (rng.chance(unreadP)) labelIds.push('UNREAD');
		}
		if ((kind === 'sent' || incoming) && plan.party.type !== 'newsletter' && rng.chance(0.04))
			labelIds.push('STARRED');
		if (plan.important && kind !== 'draft') labelIds.push('IMPORTANT');
		if (incoming)
			labelIds.push(
				plan.party.type === 'newsletter' ? plan.party.brand.category : 'CATEGORY_PERSONAL',
			);
		labelIds.push(...plan.userLabels);

		const references: string[] = [];
		for (let k = 0; k < position; k++) references.push(this.messageIdHeaderOf(members[k], plan, k));
		return {
			plan,
			position,
			kind,
			fromOwner,
			charset,
			threadId: this.idOf(members[0]),
			from,
			to,
			cc,
			subject,
			labelIds,
			messageIdHeader: this.messageIdHeaderOf(i, plan, position),
			references,
		};
	}

	/** The message's own words (no quote), for quoting in the next reply and for the body itself. */
	private bodyOf(
		i: number,
		env: Envelope,
		charset: Charset,
		rng: Rng,
		plainOnly: boolean,
	): { body: Body; signature?: SignatureTruth } {
		const plan = env.plan;
		const texts = TEXTS[plan.locale];
		const party = plan.party;
		const contact = party.type === 'newsletter' ? undefined : party.contact;
		const recipient = env.fromOwner
			? { first: contact!.first, last: contact!.last, full: contact!.fullName }
			: { first: this.ownerFirst, last: this.ownerLast, full: this.owner.name ?? this.ownerFirst };
		const vars: Vars = {
			...plan.vars,
			...recipient,
			amount: amountFor(rng, plan.locale, charset),
			ownerFirst: this.ownerFirst,
		};
		const t = (s: string) => typography(fill(s, vars), charset, plan.locale);
		const business = party.type === 'business';
		const paragraphs: string[] = [];
		let greeting: string | undefined;
		let signoff: string[] = [];
		let signature: ReturnType<typeof signatureBlock> | undefined;
		const kind = env.kind;
		if (
			kind === 'business' ||
			kind === 'personal' ||
			(FROM_OWNER.has(kind) && env.position === 0)
		) {
			greeting = t(rng.pick(business ? texts.businessGreetings : texts.personalGreetings));
			const pool = business ? texts.businessParagraphs : texts.personalParagraphs;
			const n = Math.min(pool.length, rng.range(1, 3));
			const startAt = rng.int(pool.length);
			for (let k = 0; k < n; k++) paragraphs.push(t(pool[(startAt + k) % pool.length]));
		} else if (kind === 'auto-reply') {
			paragraphs.push(t(texts.autoReply));
		} else if (kind === 'reply') {
			paragraphs.push(t(rng.pick(texts.contactReplies)));
		} else {
			paragraphs.push(t(rng.pick(texts.ownerReplies)));
		}
		const closing = t(
			rng.pick(
				business ? texts.closings : texts.personalClosings.concat(texts.closings.slice(0, 1)),
			),
		);
		if (env.fromOwner) {
			signoff = [closing, this.ownerFirst].filter((l) => l);
		} else if (business && contact) {
			const wantsSignature =
				kind === 'business'
					? rng.chance(0.9)
					: kind === 'auto-reply'
						? rng.chance(0.5)
						: rng.chance(0.7);
			const block = signatureBlock(contact as BusinessContact, rng, closing, plainOnly);
			if (wantsSignature && canEncode(block.textLines.join('\n'), charset)) signature = block;
			else signoff = [closing, contact.first].filter((l) => l);
		} else if (contact) {
			signoff = [closing, contact.first].filter((l) => l);
			if (rng.chance(0.2))
				signoff.push(
					'',
					plan.locale === 'de'
						? 'Von meinem iPhone gesendet'
						: plan.locale === 'fr'
							? 'Envoyé de mon iPhone'
							: plan.locale === 'jp'
								? 'iPhoneから送信'
								: 'Sent from my iPhone',
				);
		}
		void i;
		return { body: { paragraphs, greeting, signature, signoff }, signature: signature?.truth };
	}

	/** The first draws of a message's body stream, shared by the message and by the reply that quotes it. */
	private bodyDraws(
		i: number,
		env: Envelope,
	): { rng: Rng; headerMode: 'B' | 'Q'; plainOnly: boolean } {
		const rng = rngFor(this.seedHash, Stream.Message, i ^ 0x40000000);
		const unicode = env.charset === 'shift_jis' || env.charset === 'utf-8';
		const headerMode: 'B' | 'Q' = rng.chance(0.7) === unicode ? 'B' : 'Q';
		const shape = rng.next();
		const plainOnly =
			env.kind === 'personal'
				? shape < 0.55
				: env.kind === 'auto-reply'
					? shape < 0.7
					: env.fromOwner
						? shape < 0.25
						: shape < 0.35;
		return { rng, headerMode, plainOnly };
	}

	/** Body, encodings and attachments of message i (computed on first access of any body field). */
	compose(i: number, env: Envelope): Composition {
		const plan = env.plan;
		const { rng, headerMode, plainOnly } = this.bodyDraws(i, env);
		let charset = env.charset;
		const extraHeaders: string[] = [];
		const attachments: Composition['attachments'] = [];
		let text: string | undefined;
		let html: string | undefined;
		let signature: SignatureTruth | undefined;

		if (plan.party.type === 'newsletter') {
			const brand = plan.party.brand;
			const nl = newsletterContent(
				rngFor(this.seedHash, Stream.Thread, plan.start),
				brand.name,
				brand.domain,
				brand.topic,
				plan.locale,
				plan.start,
			);
			const unsub = `https://${brand.domain}/unsubscribe?u=${this.idOf(i).slice(-10)}`;
			html = renderNewsletterHtml(nl, brand, unsub);
			if (!rng.chance(0.25)) {
				text =
					[
						nl.headline,
						'',
						...nl.items.flatMap((it) => [it.title, it.blurb, it.url, '']),
						nl.footer + unsub,
					].join('\n') + '\n';
			}
			extraHeaders.push(
				`List-Id: ${isAscii(brand.name) ? `${brand.name} ` : ''}<${brand.list}.${brand.domain}>`,
				`List-Unsubscribe: <mailto:unsubscribe+${this.idOf(i)}@${brand.domain}>, <${unsub}>`,
				'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
				'Precedence: bulk',
				`Feedback-ID: ${brand.list}:${brand.domain.split('.')[0]}`,
			);
		} else {
			const composed = this.bodyOf(i, env, charset, rng, plainOnly);
			const body = composed.body;
			signature = composed.signature;
			if (env.position > 0 && env.kind !== 'auto-reply') {
				const prevIndex = plan.members[env.position - 1];
				const prevEnv = this.envelope(prevIndex);
				const prev = this.bodyDraws(prevIndex, prevEnv);
				const prevBody = this.bodyOf(
					prevIndex,
					prevEnv,
					prevEnv.charset,
					prev.rng,
					prev.plainOnly,
				).body;
				const prevText = renderText(prevBody).trimEnd();
				const when = rfc5322Date(
					this.dateSec(prevIndex) * 1000,
					LOCALE_OFFSET_MINUTES[plan.locale],
				).replace(/ [+-]\d{4}$/, '');
				const who = `${prevEnv.from.name ?? ''} <${prevEnv.from.email}>`.trim();
				body.quote = {
					intro: fill(TEXTS[plan.locale].quoteIntro, { date: when, name: who } as unknown as Vars),
					lines: prevText.split('\n'),
				};
			}
			text = renderText(body);
			if (!plainOnly) html = renderHtml(body);
			// Owner names or quoted text may not fit a legacy charset; real mailers fall back to UTF-8.
			if (!canEncode(text + (html ?? ''), charset)) charset = 'utf-8';
			if (env.kind === 'auto-reply')
				extraHeaders.push('Auto-Submitted: auto-replied', 'X-Auto-Response-Suppress: All');
			else if (!env.fromOwner && rng.chance(0.25))
				extraHeaders.push(
					plan.party.type === 'personal'
						? 'X-Mailer: iPhone Mail (22B91)'
						: 'X-Mailer: Microsoft Outlook 16.0',
				);

			const attachP =
				env.kind === 'business'
					? 0.28
					: env.kind === 'personal'
						? 0.15
						: env.kind === 'reply'
							? 0.08
							: env.fromOwner
								? 0.08
								: 0;
			if (rng.chance(attachP)) {
				const n = rng.chance(0.2) ? 2 : 1;
				for (let k = 0; k < n; k++) {
					const type: AttachmentType =
						plan.party.type === 'personal'
							? 'png'
							: rng.weighted<AttachmentType>([
									['pdf', 6],
									['png', 1],
									['csv', 1.5],
									['docx', 1.5],
								]);
					const filename = attachmentName(type, plan, rng, k);
					const size = type === 'png' ? rng.range(2000, 24000) : rng.range(600, 16000);
					attachments.push({
						filename,
						mimeType: ATTACHMENT_MIME[type],
						size,
						type,
						seed: fmix32(this.seedHash ^ (i * 7 + k)),
					});
				}
			}
		}
		const ascii = (s?: string) => s === undefined || isAscii(s);
		const pickEncoding = (s: string | undefined, isHtml: boolean): TransferEncoding =>
			ascii(s)
				? rng.chance(isHtml ? 0.6 : 0.25)
					? 'quoted-printable'
					: '7bit'
				: rng.weighted<TransferEncoding>(
						isHtml
							? [
									['quoted-printable', 55],
									['base64', 45],
								]
							: [
									['quoted-printable', 45],
									['base64', 35],
									['8bit', 20],
								],
					);
		const textEncoding = pickEncoding(text, false);
		const htmlEncoding = pickEncoding(html, true);
		if (charset === 'us-ascii' && !ascii((text ?? '') + (html ?? ''))) charset = 'utf-8';
		return {
			text,
			html,
			charset,
			headerMode,
			textEncoding,
			htmlEncoding,
			attachments,
			signature,
			extraHeaders,
			boundarySeed: this.idOf(i).slice(4),
		};
	}

	rawOf(i: number, env: Envelope, c: Composition): Buffer {
		const plan = env.plan;
		const chunks: (Buffer | string)[] = [];
		const headerCharset = (s: string): Charset =>
			c.charset !== 'us-ascii' && canEncode(s, c.charset) ? c.charset : 'utf-8';
		const offset = env.fromOwner
			? 60
			: plan.party.type === 'newsletter'
				? 0
				: LOCALE_OFFSET_MINUTES[plan.locale];
		let head = 'MIME-Version: 1.0\r\n';
		head += `Date: ${rfc5322Date(this.dateSec(i) * 1000, offset)}\r\n`;
		head += `Message-ID: ${env.messageIdHeader}\r\n`;
		const subject = env.subject;
		head += unstructuredHeader('Subject', subject, headerCharset(subject), c.headerMode);
		head += addressHeader('From', [env.from], headerCharset(env.from.name ?? ''), c.headerMode);
		head += addressHeader(
			'To',
			env.to,
			headerCharset(env.to.map((a) => a.name ?? '').join('')),
			c.headerMode,
		);
		if (env.cc.length)
			head += addressHeader(
				'Cc',
				env.cc,
				headerCharset(env.cc.map((a) => a.name ?? '').join('')),
				c.headerMode,
			);
		if (env.references.length) {
			head += `In-Reply-To: ${env.references[env.references.length - 1]}\r\n`;
			head += `References: ${env.references.join('\r\n ')}\r\n`;
		}
		for (const h of c.extraHeaders) head += h + '\r\n';
		chunks.push(head);

		const boundary = (n: number) => `000000000000${c.boundarySeed}${n}`;
		const textPart: MimePart | undefined =
			c.text === undefined
				? undefined
				: {
						kind: 'text',
						subtype: 'plain',
						content: c.text,
						charset: c.charset,
						encoding: c.textEncoding,
					};
		const htmlPart: MimePart | undefined =
			c.html === undefined
				? undefined
				: {
						kind: 'text',
						subtype: 'html',
						content: c.html,
						charset: c.charset,
						encoding: c.htmlEncoding,
					};
		let body: MimePart =
			textPart && htmlPart
				? {
						kind: 'multipart',
						subtype: 'alternative',
						boundary: boundary(1),
						parts: [textPart, htmlPart],
					}
				: (textPart ?? htmlPart)!;
		if (c.attachments.length) {
			body = {
				kind: 'multipart',
				subtype: 'mixed',
				boundary: boundary(0),
				parts: [
					body,
					...c.attachments.map(
						(a): MimePart => ({
							kind: 'attachment',
							mimeType: a.mimeType,
							filename: a.filename,
							bytes: attachmentBytes(a.type, a.size, a.seed),
						}),
					),
				],
			};
		}
		renderPart(body, chunks);
		return Buffer.concat(
			chunks.map((ch) => (typeof ch === 'string' ? Buffer.from(ch, 'latin1') : ch)),
		);
	}
}

type Envelope = ReturnType<VirtualMailbox['envelope']>;

function attachmentName(type: AttachmentType, plan: ThreadPlan, rng: Rng, k: number): string {
	const { project, invoice } = plan.vars;
	const l = plan.locale;
	if (type === 'png')
		return rng.pick([`IMG_${rng.range(1000, 9999)}.png`, 'screenshot.png', `photo-${k + 1}.png`]);
	if (type === 'csv')
		return l === 'de' ? `Auswertung_${project}.csv` : `report_${project.toLowerCase()}.csv`;
	if (type === 'docx')
		return l === 'fr'
			? `Contrat_${project}.docx`
			: l === 'de'
				? `Vertrag_${project}.docx`
				: `Contract_${project}.docx`;
	const invoiceLike = plan.subjectTemplate.includes('{invoice}');
	switch (l) {
		case 'de':
			return invoiceLike
				? `Rechnung_${invoice}.pdf`
				: rng.pick([`Angebot_${project}.pdf`, `Übersicht_${project}_März.pdf`]);
		case 'fr':
			return invoiceLike ? `Facture_${invoice}.pdf` : `Présentation_${project}.pdf`;
		case 'jp':
			return invoiceLike ? `請求書_${invoice}.pdf` : `見積書_${project}.pdf`;
		default:
			return invoiceLike ? `Invoice_${invoice}.pdf` : `Proposal_${project}.pdf`;
	}
}

function renderNewsletterHtml(
	nl: ReturnType<typeof newsletterContent>,
	brand: Brand,
	unsub: string,
): string {
	const e = escapeHtml;
	return (
		[
			'<!DOCTYPE html>',
			'<html>',
			`<head><meta name="viewport" content="width=device-width"><title>${e(nl.subject)}</title></head>`,
			'<body style="margin:0;padding:0;background:#f4f4f4">',
			'<table role="presentation" width="100%" cellpadding="0" cellspacing="0">',
			`<tr><td align="center" style="padding:24px"><img src="https://${brand.domain}/img/logo.png" alt="${e(brand.name)}" width="160"></td></tr>`,
			`<tr><td style="font:bold 22px Helvetica,Arial,sans-serif;padding:0 24px">${e(nl.headline)}</td></tr>`,
			...nl.items.map(
				(it) =>
					`<tr><td style="padding:12px 24px;font:14px Helvetica,Arial,sans-serif"><a href="${e(it.url)}" style="color:#0b57d0">${e(it.title)}</a><br>${e(it.blurb)}</td></tr>`,
			),
			`<tr><td style="padding:24px;font:11px Helvetica,Arial,sans-serif;color:#777">${e(nl.footer)}<a href="${e(unsub)}">${e(unsub)}</a></td></tr>`,
			'</table>',
			'</body>',
			'</html>',
		].join('\n') + '\n'
	);
}

/** A message: envelope fields eager, body fields computed on first use (nothing retained by the mailbox). */
class VirtualMessage implements GeneratedMessage {
	readonly index: number;
	readonly id: string;
	readonly threadId: string;
	readonly internalDate: number;
	readonly labelIds: string[];
	readonly kind: Kind;
	readonly messageIdHeader: string;
	readonly inReplyTo?: string;
	readonly references?: string[];
	readonly subject: string;
	readonly from: GeneratedAddress;
	readonly to: GeneratedAddress[];
	readonly cc: GeneratedAddress[];
	private readonly env: Envelope;
	private composition?: Composition;

	constructor(
		private readonly mailbox: VirtualMailbox,
		index: number,
	) {
		const env = mailbox.envelope(index);
		this.env = env;
		this.index = index;
		this.id = mailbox.idOf(index);
		this.threadId = env.threadId;
		this.internalDate = mailbox.dateSec(index) * 1000;
		this.labelIds = env.labelIds;
		this.kind = env.kind;
		this.messageIdHeader = env.messageIdHeader;
		if (env.references.length) {
			this.references = env.references;
			this.inReplyTo = env.references[env.references.length - 1];
		}
		this.from = env.from;
		this.to = env.to;
		this.cc = env.cc;
		this.subject = env.subject;
	}

	private get c(): Composition {
		return (this.composition ??= this.mailbox.compose(this.index, this.env));
	}
	/** Charset the body (and encoded-word headers where they fit) is written in. Addition to the contract. */
	get charset(): string {
		return this.c.charset;
	}
	get text(): string | undefined {
		return this.c.text;
	}
	get html(): string | undefined {
		return this.c.html;
	}
	get snippet(): string {
		return snippetOf(this.c.text ?? htmlToText(this.c.html ?? ''));
	}
	get attachments(): { filename: string; mimeType: string; size: number }[] {
		return this.c.attachments.map(({ filename, mimeType, size }) => ({ filename, mimeType, size }));
	}
	get signature(): SignatureTruth | undefined {
		return this.c.signature;
	}
	raw(): Buffer {
		return this.mailbox.rawOf(this.index, this.env, this.c);
	}
	toJSON() {
		const {
			index,
			id,
			threadId,
			internalDate,
			labelIds,
			kind,
			messageIdHeader,
			inReplyTo,
			references,
			subject,
			from,
			to,
			cc,
		} = this;
		return {
			index,
			id,
			threadId,
			internalDate,
			labelIds,
			kind,
			messageIdHeader,
			inReplyTo,
			references,
			subject,
			from,
			to,
			cc,
			snippet: this.snippet,
			text: this.text,
			html: this.html,
			attachments: this.attachments,
			signature: this.signature,
		};
	}
}

export function createVirtualMailbox(options: MailboxOptions): Mailbox {
	return new VirtualMailbox(options);
}
