// The subset of Gmail's search syntax the emulator understands, parsed once per request and
// matched against each message while streaming. Terms are ANDed; `OR` joins neighbours, a leading
// `-` negates, "quoted phrases" match as phrases. Dates in after:/before: are midnight PST as the
// API documents; a bare number is epoch seconds.

export interface QueryTarget {
	internalDate: number;
	labelIds: readonly string[];
	subject: string;
	from: string; // "Name <email>" text, lower-cased by the matcher
	to: string; // To + Cc recipients text
	text: () => string; // body text, computed only when a free word needs it
	hasAttachment: () => boolean;
	filenames?: () => readonly string[];
}

type Predicate = (m: QueryTarget) => boolean;

export interface GmailQuery {
	/** Matches every non-spam/trash condition of the query. */
	matches: Predicate;
	/** in:anywhere / in:trash / in:spam lift the default exclusion of SPAM and TRASH. */
	includesSpamTrash: boolean;
	isEmpty: boolean;
}

export class GmailQueryError extends Error {}

export interface LabelResolver {
	/** Resolves `label:` / `in:` values (names, ids, Gmail's dashed names) to a label id. */
	resolve(name: string): string | undefined;
}

const PST_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 86400 * 1000;

export function parseQueryDate(value: string): number {
	if (/^\d+$/.test(value)) {
		return Number(value) * 1000;
	}
	let m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
	if (m) {
		return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + PST_OFFSET_MS;
	}
	m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
	if (m) {
		return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2])) + PST_OFFSET_MS;
	}
	throw new GmailQueryError(`Invalid date: ${value}`);
}

export function relativeCutoff(value: string, now: number): number {
	const m = /^(\d+)([dmy])$/i.exec(value);
	if (!m) {
		throw new GmailQueryError(`Invalid relative date: ${value}`);
	}
	const n = Number(m[1]);
	const unit = m[2].toLowerCase();
	if (unit === 'd') {
		return now - n * DAY_MS;
	}
	const d = new Date(now);
	if (unit === 'm') {
		d.setUTCMonth(d.getUTCMonth() - n);
	} else {
		d.setUTCFullYear(d.getUTCFullYear() - n);
	}
	return d.getTime();
}

interface Token {
	negated: boolean;
	key?: string;
	value: string;
	phrase: boolean;
}

function tokenize(q: string): (Token | 'OR')[] {
	const tokens: (Token | 'OR')[] = [];
	let i = 0;
	while (i < q.length) {
		while (i < q.length && /[\s()]/.test(q[i])) i++;
		if (i >= q.length) break;
		let negated = false;
		if (q[i] === '-') {
			negated = true;
			i++;
		}
		let key: string | undefined;
		const keyMatch = /^([a-z_]+):/i.exec(q.slice(i));
		if (keyMatch) {
			key = keyMatch[1].toLowerCase();
			i += keyMatch[0].length;
		}
		let value = '';
		let phrase = false;
		if (q[i] === '"') {
			const end = q.indexOf('"', i + 1);
			value = q.slice(i + 1, end === -1 ? undefined : end);
			i = end === -1 ? q.length : end + 1;
			phrase = true;
		} else {
			const start = i;
			while (i < q.length && !/[\s()]/.test(q[i])) i++;
			value = q.slice(start, i);
		}
		if (!negated && !key && !phrase && (value === 'OR' || value === '|')) {
			tokens.push('OR');
		} else if (value !== '' || key) {
			tokens.push({ negated, key, value, phrase });
		}
	}
	return tokens;
}

const SYSTEM_IN: Record<string, string> = {
	inbox: 'INBOX',
	sent: 'SENT',
	drafts: 'DRAFT',
	draft: 'DRAFT',
	trash: 'TRASH',
	spam: 'SPAM',
	starred: 'STARRED',
	important: 'IMPORTANT',
	unread: 'UNREAD',
	scheduled: 'SCHEDULED',
	chats: 'CHAT',
};

const CATEGORY: Record<string, string> = {
	primary: 'CATEGORY_PERSONAL',
	personal: 'CATEGORY_PERSONAL',
	social: 'CATEGORY_SOCIAL',
	promotions: 'CATEGORY_PROMOTIONS',
	updates: 'CATEGORY_UPDATES',
	forums: 'CATEGORY_FORUMS',
};

function compileToken(
	token: Token,
	now: number,
	labels: LabelResolver,
	flags: { spamTrash: boolean },
): { predicate: Predicate } {
	const value = token.value.toLowerCase();
	const hasLabel =
		(id: string): Predicate =>
		(m) =>
			m.labelIds.includes(id);
	const resolveLabel = (name: string): string => {
		const id = labels.resolve(name);
		if (!id) {
			// Gmail answers an unknown label with no results rather than an error.
			return `\u0000unknown:${name}`;
		}
		return id;
	};
	switch (token.key) {
		case undefined: {
			const w = value;
			return {
				predicate: (m) =>
					m.subject.toLowerCase().includes(w) ||
					m.from.toLowerCase().includes(w) ||
					m.to.toLowerCase().includes(w) ||
					(m.filenames?.() ?? []).some((f) => f.toLowerCase().includes(w)) ||
					m.text().toLowerCase().includes(w),
			};
		}
		case 'after': {
			const t = parseQueryDate(token.value);
			return { predicate: (m) => m.internalDate >= t };
		}
		case 'before': {
			const t = parseQueryDate(token.value);
			return { predicate: (m) => m.internalDate < t };
		}
		case 'newer_than': {
			const t = relativeCutoff(token.value, now);
			return { predicate: (m) => m.internalDate > t };
		}
		case 'older_than': {
			const t = relativeCutoff(token.value, now);
			return { predicate: (m) => m.internalDate < t };
		}
		case 'in': {
			if (value === 'anywhere' || value === 'all') {
				if (!token.negated) flags.spamTrash = true;
				return { predicate: () => true };
			}
			const id = SYSTEM_IN[value] ?? resolveLabel(token.value);
			if ((id === 'TRASH' || id === 'SPAM') && !token.negated) flags.spamTrash = true;
			return { predicate: hasLabel(id) };
		}
		case 'label': {
			const id = resolveLabel(token.value);
			if ((id === 'TRASH' || id === 'SPAM') && !token.negated) flags.spamTrash = true;
			return { predicate: hasLabel(id) };
		}
		case 'is': {
			if (value === 'read') {
				return { predicate: (m) => !m.labelIds.includes('UNREAD') };
			}
			const id = SYSTEM_IN[value];
			if (!id) throw new GmailQueryError(`Unsupported is: operator value ${token.value}`);
			return { predicate: hasLabel(id) };
		}
		case 'category': {
			const id = CATEGORY[value];
			if (!id) throw new GmailQueryError(`Unknown category ${token.value}`);
			return { predicate: hasLabel(id) };
		}
		case 'from':
			return { predicate: (m) => m.from.toLowerCase().includes(value) };
		case 'to':
			return { predicate: (m) => m.to.toLowerCase().includes(value) };
		case 'subject':
			return { predicate: (m) => m.subject.toLowerCase().includes(value) };
		case 'has':
			if (value === 'attachment') return { predicate: (m) => m.hasAttachment() };
			throw new GmailQueryError(`Unsupported has: operator value ${token.value}`);
		case 'filename':
			return {
				predicate: (m) => (m.filenames?.() ?? []).some((f) => f.toLowerCase().includes(value)),
			};
		default:
			// Unknown operators are searched as words by Gmail.
			return compileToken(
				{ ...token, key: undefined, value: `${token.key}:${token.value}` },
				now,
				labels,
				flags,
			);
	}
}

export function parseGmailQuery(
	q: string | undefined,
	now: number,
	labels: LabelResolver,
): GmailQuery {
	const tokens = tokenize(q ?? '');
	const flags = { spamTrash: false };
	const groups: Predicate[][] = [];
	let joinNext = false;
	for (const token of tokens) {
		if (token === 'OR') {
			joinNext = groups.length > 0;
			continue;
		}
		const { predicate } = compileToken(token, now, labels, flags);
		const p: Predicate = token.negated ? (m) => !predicate(m) : predicate;
		if (joinNext) {
			groups[groups.length - 1].push(p);
		} else {
			groups.push([p]);
		}
		joinNext = false;
	}
	return {
		matches: (m) => groups.every((alternatives) => alternatives.some((p) => p(m))),
		includesSpamTrash: flags.spamTrash,
		isEmpty: groups.length === 0,
	};
}
