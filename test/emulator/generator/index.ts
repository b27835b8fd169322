// Deterministic mailbox + calendar generator for the provider emulator (issue 3).
// Message i is a pure function of (seed, i, options): nothing is held per message, so a
// 1,000,000-message mailbox costs no memory. This first version is deliberately simple; the
// richer generator keeps exactly these exported names and shapes.

export interface MailboxOptions {
	seed: string | number;
	count: number;
	owner: { email: string; name: string };
	/** Date of the newest message; default 2026-11-01T09:00:00Z. */
	newest?: Date;
}
export interface GeneratedAddress {
	name?: string;
	email: string;
}
export interface GeneratedMessage {
	index: number; // 0 = oldest … count-1 = newest
	id: string; // Gmail-style 16 hex chars; indexOfId(id) inverts it in O(1)
	threadId: string; // id of the thread's first message
	internalDate: number; // ms since epoch, strictly increasing with index
	labelIds: string[];
	kind:
		| 'business'
		| 'personal'
		| 'newsletter'
		| 'auto-reply'
		| 'reply'
		| 'sent'
		| 'draft'
		| 'scheduled';
	messageIdHeader: string; // Message-ID, with <>
	inReplyTo?: string;
	references?: string[];
	subject: string;
	from: GeneratedAddress;
	to: GeneratedAddress[];
	cc: GeneratedAddress[];
	snippet: string;
	text?: string;
	html?: string;
	attachments: { filename: string; mimeType: string; size: number }[];
	raw(): Buffer;
	signature?: SignatureTruth;
}
export interface SignatureTruth {
	fullName: string;
	jobTitle?: string;
	company?: string;
	phones: string[]; // E.164
	linkedinUrl?: string;
	address?: string;
	email: string;
}
export interface Mailbox {
	count: number;
	owner: GeneratedAddress;
	labels: { id: string; name: string; type: 'system' | 'user' }[];
	messageAt(index: number): GeneratedMessage;
	indexOfId(id: string): number | undefined;
	messages(fromIndex?: number, toIndexExclusive?: number): Iterable<GeneratedMessage>;
	threadMessageIndices(threadId: string): number[];
}

export interface GeneratedCalendar {
	id: string;
	summary: string;
	timeZone: string;
	accessRole: 'owner' | 'writer' | 'reader';
	primary?: boolean;
	backgroundColor?: string;
}
export interface EventTime {
	dateTime?: string;
	date?: string;
	timeZone?: string;
}
export interface GeneratedEvent {
	id: string;
	calendarId: string;
	iCalUID: string;
	status: 'confirmed' | 'tentative' | 'cancelled';
	summary: string;
	description?: string;
	location?: string;
	start: EventTime;
	end: EventTime;
	recurrence?: string[];
	recurringEventId?: string;
	originalStartTime?: EventTime;
	attendees: {
		email: string;
		displayName?: string;
		responseStatus: 'needsAction' | 'declined' | 'tentative' | 'accepted';
		organizer?: boolean;
		self?: boolean;
		optional?: boolean;
	}[];
	organizer: { email: string; displayName?: string; self?: boolean };
	conferenceData?: {
		conferenceId: string;
		entryPoints: { entryPointType: 'video'; uri: string; label?: string }[];
		conferenceSolution: { key: { type: 'hangoutsMeet' }; name: string };
	};
	hangoutLink?: string;
	created: string;
	updated: string;
	sequence: number;
}
export interface CalendarSet {
	calendars: GeneratedCalendar[];
	events(calendarId: string): GeneratedEvent[];
}

// ---- minimal implementation (replaced by the full generator) ----

function fmix32(h: number): number {
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}
function hashSeed(seed: string | number): number {
	const s = String(seed);
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
	return fmix32(h);
}

const BLOCK = 8;
const DEFAULT_NEWEST = Date.UTC(2026, 10, 1, 9, 0, 0);

export function createMailbox(options: MailboxOptions): Mailbox {
	const { count } = options;
	const seedHash = hashSeed(options.seed);
	const newestSec = Math.floor((options.newest?.getTime() ?? DEFAULT_NEWEST) / 1000);
	const spanSec = Math.max(Math.min(count * 6 * 3600, 730 * 86400), 30 * 86400, count * 20);
	const oldestSec = newestSec - spanSec;
	const stepSec = spanSec / count;
	const owner = { name: options.owner.name, email: options.owner.email };
	const dateSec = (i: number) =>
		oldestSec +
		Math.floor(i * stepSec) +
		Math.floor(((fmix32(seedHash ^ (i + 1)) % 1000) / 1000) * stepSec * 0.8);
	const idOf = (i: number) =>
		((BigInt(dateSec(i) * 1000) << 20n) | BigInt(fmix32(seedHash + i) & 0xfffff))
			.toString(16)
			.padStart(16, '0');
	const threadStart = (i: number) => (i % BLOCK < 3 ? i - (i % BLOCK) : i);
	const mailbox: Mailbox = {
		count,
		owner,
		labels: [
			...['INBOX', 'SENT', 'DRAFT', 'SPAM', 'TRASH', 'UNREAD', 'STARRED', 'IMPORTANT'].map(
				(id) => ({
					id,
					name: id,
					type: 'system' as const,
				}),
			),
			{ id: 'Label_1', name: 'Clients', type: 'user' },
		],
		messageAt(i) {
			if (!Number.isInteger(i) || i < 0 || i >= count) throw new RangeError(`no message ${i}`);
			const start = threadStart(i);
			const email = `contact${fmix32(seedHash ^ start) % 500}@example.com`;
			const fromOwner = i !== start && (i - start) % 2 === 1;
			const subject = (i === start ? '' : 'Re: ') + `Project update ${start}`;
			const text = `Hello,\n\nThis is message ${i}.\n\nBest regards\n`;
			const mid = (k: number) => `<${idOf(k)}@example.com>`;
			const refs: string[] = [];
			for (let k = start; k < i; k++) refs.push(mid(k));
			const from = fromOwner ? owner : { name: `Contact ${start}`, email };
			const to = [fromOwner ? { name: `Contact ${start}`, email } : owner];
			const internalDate = dateSec(i) * 1000;
			return {
				index: i,
				id: idOf(i),
				threadId: idOf(start),
				internalDate,
				labelIds: fromOwner ? ['SENT'] : ['INBOX', 'UNREAD'],
				kind: fromOwner ? 'sent' : i === start ? 'business' : 'reply',
				messageIdHeader: mid(i),
				inReplyTo: refs.length ? refs[refs.length - 1] : undefined,
				references: refs.length ? refs : undefined,
				subject,
				from,
				to,
				cc: [],
				snippet: text.replace(/\s+/g, ' ').trim(),
				text,
				attachments: [],
				raw() {
					const addr = (a: GeneratedAddress) => (a.name ? `"${a.name}" <${a.email}>` : a.email);
					const lines = [
						'MIME-Version: 1.0',
						`Date: ${new Date(internalDate).toUTCString().replace('GMT', '+0000')}`,
						`Message-ID: ${mid(i)}`,
						`Subject: ${subject}`,
						`From: ${addr(from)}`,
						`To: ${to.map(addr).join(', ')}`,
						...(refs.length
							? [`In-Reply-To: ${refs[refs.length - 1]}`, `References: ${refs.join(' ')}`]
							: []),
						'Content-Type: text/plain; charset="UTF-8"',
						'Content-Transfer-Encoding: 7bit',
						'',
						text.replace(/\n/g, '\r\n'),
					];
					return Buffer.from(lines.join('\r\n'));
				},
			};
		},
		indexOfId(id) {
			if (!/^[0-9a-f]{16}$/.test(id)) return undefined;
			const sec = Number(BigInt('0x' + id) >> 20n) / 1000;
			const guess = Math.floor((sec - oldestSec) / stepSec);
			for (const i of [guess, guess - 1, guess + 1])
				if (i >= 0 && i < count && idOf(i) === id) return i;
			return undefined;
		},
		*messages(fromIndex = 0, toIndexExclusive = count) {
			for (let i = fromIndex; i < Math.min(toIndexExclusive, count); i++)
				yield mailbox.messageAt(i);
		},
		threadMessageIndices(threadId) {
			const i = mailbox.indexOfId(threadId);
			if (i === undefined || threadStart(i) !== i) return [];
			if (i % BLOCK !== 0) return [i];
			const out: number[] = [];
			for (let k = i; k < Math.min(i + 3, count); k++) out.push(k);
			return out;
		},
	};
	return mailbox;
}

export function createCalendarSet(options: {
	seed: string | number;
	owner: GeneratedAddress;
	eventsPerCalendar?: number;
	around?: Date;
}): CalendarSet {
	const around = options.around?.getTime() ?? DEFAULT_NEWEST;
	const n = options.eventsPerCalendar ?? 40;
	const seedHash = hashSeed(options.seed);
	const calendars: GeneratedCalendar[] = [
		{
			id: options.owner.email,
			summary: options.owner.email,
			timeZone: 'Europe/Berlin',
			accessRole: 'owner',
			primary: true,
		},
		{
			id: `team-${seedHash.toString(16)}@group.calendar.google.com`,
			summary: 'Team',
			timeZone: 'Europe/Berlin',
			accessRole: 'owner',
		},
	];
	return {
		calendars,
		events(calendarId) {
			const ci = calendars.findIndex((c) => c.id === calendarId);
			if (ci < 0) return [];
			const out: GeneratedEvent[] = [];
			for (let k = 0; k < n; k++) {
				const start = around + (k - n / 2) * 86400000 + 10 * 3600000;
				const id = `ev${ci}x${k}${fmix32(seedHash ^ k).toString(32)}`;
				out.push({
					id,
					calendarId,
					iCalUID: `${id}@google.com`,
					status: 'confirmed',
					summary: `Meeting ${k}`,
					start: { dateTime: new Date(start).toISOString(), timeZone: 'UTC' },
					end: { dateTime: new Date(start + 3600000).toISOString(), timeZone: 'UTC' },
					attendees: [],
					organizer: { email: options.owner.email, self: true },
					created: new Date(start - 7 * 86400000).toISOString(),
					updated: new Date(start - 7 * 86400000).toISOString(),
					sequence: 0,
				});
			}
			return out;
		},
	};
}
