/**
 * Graph mail over the generated (virtual) mailbox.
 *
 * Every message has a *position*: generated message i has position i, and messages that arrive
 * later (sent, replied, delivered by a test) get positions count, count+1, … with receive times
 * after the newest generated one, so position order is time order and paging never needs to
 * sort. Only mutations are stored: per-position overrides (folder, read flag, categories), the
 * added messages, and an append-only change log that the delta endpoints replay.
 */
import { htmlToText } from '../generator/content';
import { graphError } from '../core/http';
import type { Account, EmulatorState } from '../core/state';
import type { GeneratedAddress, GeneratedMessage } from '../generator';
import {
	changeKey,
	conversationId,
	decodeId,
	immutableId,
	regularId,
	regularIdMatchesFolder,
	regularMessageId,
} from './graphIds';
import { applySelect, graphTimestamp, type MessageFilter, type SearchTerm } from './graphOData';

export interface FolderInfo {
	key: string; // 'inbox' … or 'label:<gmail label id>' for child folders
	ordinal: number; // position used in the folder id
	displayName: string;
	parentKey: string | null; // null for the root
	wellKnownName?: string;
}

export const ROOT_FOLDER_KEY = 'msgfolderroot';

const WELL_KNOWN_FOLDERS: [key: string, displayName: string][] = [
	['inbox', 'Inbox'],
	['drafts', 'Drafts'],
	['sentitems', 'Sent Items'],
	['deleteditems', 'Deleted Items'],
	['archive', 'Archive'],
	['junkemail', 'Junk Email'],
	['outbox', 'Outbox'],
];

interface MessageOverride {
	folderKey?: string;
	isRead?: boolean;
	isDraft?: boolean;
	categories?: string[];
	flagged?: boolean;
	moves: number;
	version: number;
	modifiedMs?: number;
	purged?: boolean;
}

/** A message that did not come from the generator. */
interface StoredMessage {
	folderKey: string;
	moves: number;
	version: number;
	purged?: boolean;
	isRead: boolean;
	isDraft: boolean;
	categories: string[];
	flagged: boolean;
	subject: string;
	from: GeneratedAddress;
	to: GeneratedAddress[];
	cc: GeneratedAddress[];
	bcc: GeneratedAddress[];
	text?: string;
	html?: string;
	receivedMs: number;
	sentMs: number;
	modifiedMs: number;
	internetMessageId: string;
	inReplyTo?: string;
	references?: string[];
	threadKey: string;
	otherInbox?: boolean;
}

interface ChangeEntry {
	seq: number;
	position: number;
	from: string | null; // folder before the change, null when the message is new
	to: string | null; // folder after, null when it was purged
	movesBefore: number; // move count before the change: rebuilds the regular id a client holds
}

export interface GraphMailState {
	folders: FolderInfo[];
	folderByKey: Map<string, FolderInfo>;
	labelFolder: Map<string, string>; // gmail user label id -> folder key
	overrides: Map<number, MessageOverride>;
	added: StoredMessage[];
	log: ChangeEntry[];
	seq: number;
	baseCounts?: Map<string, { total: number; unread: number }>;
	deliveredCount: number;
	sentCount: number;
	/** which 410 code an expired cursor produces; tests switch it with setGraphCursorExpiryCode */
	expiryCode: 'syncStateNotFound' | 'resyncRequired';
}

export interface MessageView {
	position: number;
	folderKey: string;
	moves: number;
	version: number;
	isRead: boolean;
	isDraft: boolean;
	categories: string[];
	flagged: boolean;
	subject: string;
	from?: GeneratedAddress;
	to: GeneratedAddress[];
	cc: GeneratedAddress[];
	bcc: GeneratedAddress[];
	text?: string;
	html?: string;
	receivedMs: number;
	sentMs: number;
	modifiedMs: number;
	internetMessageId: string;
	inReplyTo?: string;
	references?: string[];
	threadKey: string;
	hasAttachments: boolean;
	otherInbox: boolean;
	raw(): Buffer;
}

const STATE_KEY = 'graph.mail';

export function mailState(account: Account): GraphMailState {
	let st = account.surfaceState.get(STATE_KEY) as GraphMailState | undefined;
	if (st) return st;
	const folders: FolderInfo[] = [
		{ key: ROOT_FOLDER_KEY, ordinal: 0, displayName: 'Top of Information Store', parentKey: null },
	];
	WELL_KNOWN_FOLDERS.forEach(([key, displayName], i) =>
		folders.push({
			key,
			ordinal: i + 1,
			displayName,
			parentKey: ROOT_FOLDER_KEY,
			wellKnownName: key,
		}),
	);
	// Gmail user labels become child folders of the inbox: messages that carry one and are not in
	// the inbox live there, so child folders are real, non-empty folders.
	const labelFolder = new Map<string, string>();
	account.mailbox.labels
		.filter((label) => label.type === 'user')
		.forEach((label, i) => {
			const key = `label:${label.id}`;
			labelFolder.set(label.id, key);
			folders.push({
				key,
				ordinal: 100 + i,
				displayName: label.name.split('/').pop() ?? label.name,
				parentKey: 'inbox',
			});
		});
	st = {
		folders,
		folderByKey: new Map(folders.map((f) => [f.key, f])),
		labelFolder,
		overrides: new Map(),
		added: [],
		log: [],
		seq: 0,
		deliveredCount: 0,
		sentCount: 0,
		expiryCode: 'syncStateNotFound',
	};
	account.surfaceState.set(STATE_KEY, st);
	return st;
}

export function setGraphCursorExpiryCode(
	state: EmulatorState,
	email: string,
	code: 'syncStateNotFound' | 'resyncRequired',
): void {
	const account = state.accounts.get(email.toLowerCase());
	if (!account) throw new Error(`no account ${email}`);
	mailState(account).expiryCode = code;
}

export function folderId(account: Account, folder: FolderInfo): string {
	return regularId(account.id, 'folder', folder.ordinal);
}

export function resolveFolder(account: Account, idOrName: string): FolderInfo {
	const st = mailState(account);
	const byName = st.folderByKey.get(idOrName.toLowerCase());
	if (byName && (byName.wellKnownName || byName.key === ROOT_FOLDER_KEY)) return byName;
	const decoded = decodeId(account.id, idOrName);
	if (decoded?.kind === 'folder') {
		const folder = st.folders.find((f) => f.ordinal === decoded.position);
		if (folder) return folder;
	}
	throw graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

function generatedFolderKey(st: GraphMailState, m: GeneratedMessage): string {
	const labels = m.labelIds;
	if (labels.includes('DRAFT')) return 'drafts';
	if (labels.includes('SCHEDULED')) return 'outbox'; // Outlook keeps delayed-send mail in the Outbox
	if (labels.includes('TRASH')) return 'deleteditems';
	if (labels.includes('SPAM')) return 'junkemail';
	if (labels.includes('INBOX')) return 'inbox';
	if (labels.includes('SENT')) return 'sentitems';
	for (const label of labels) {
		const key = st.labelFolder.get(label);
		if (key) return key;
	}
	return 'archive';
}

export function positionCount(account: Account): number {
	return account.mailbox.count + mailState(account).added.length;
}

/** Receive time of a position, without building the whole view (used by binary search). */
export function positionTime(account: Account, position: number): number {
	const count = account.mailbox.count;
	if (position < count) return account.mailbox.messageAt(position).internalDate;
	return mailState(account).added[position - count].receivedMs;
}

/** The first position whose receive time is >= ms. */
export function lowerBoundByTime(account: Account, ms: number): number {
	let lo = 0;
	let hi = positionCount(account);
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (positionTime(account, mid) < ms) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** The message at a position as it is now, or undefined when it was purged. */
export function messageView(account: Account, position: number): MessageView | undefined {
	const st = mailState(account);
	const count = account.mailbox.count;
	if (position < 0 || position >= count + st.added.length) return undefined;
	if (position >= count) {
		const s = st.added[position - count];
		if (s.purged) return undefined;
		return {
			position,
			folderKey: s.folderKey,
			moves: s.moves,
			version: s.version,
			isRead: s.isRead,
			isDraft: s.isDraft,
			categories: s.categories,
			flagged: s.flagged,
			subject: s.subject,
			from: s.from,
			to: s.to,
			cc: s.cc,
			bcc: s.bcc,
			text: s.text,
			html: s.html,
			receivedMs: s.receivedMs,
			sentMs: s.sentMs,
			modifiedMs: s.modifiedMs,
			internetMessageId: s.internetMessageId,
			inReplyTo: s.inReplyTo,
			references: s.references,
			threadKey: s.threadKey,
			hasAttachments: false,
			otherInbox: s.otherInbox ?? false,
			raw: () => buildMime(s),
		};
	}
	const ov = st.overrides.get(position);
	if (ov?.purged) return undefined;
	const m = account.mailbox.messageAt(position);
	const labels = m.labelIds;
	const isDraft = ov?.isDraft ?? (labels.includes('DRAFT') || labels.includes('SCHEDULED'));
	// Sent mail was written by the owner: Outlook shows it read. Sent time precedes the receive
	// time by a deterministic few seconds of transport.
	const sentMs = m.internalDate - ((m.index * 7919) % 90) * 1000;
	return {
		position,
		folderKey: ov?.folderKey ?? generatedFolderKey(st, m),
		moves: ov?.moves ?? 0,
		version: ov?.version ?? 0,
		isRead: ov?.isRead ?? !labels.includes('UNREAD'),
		isDraft,
		categories: ov?.categories ?? [],
		flagged: ov?.flagged ?? labels.includes('STARRED'),
		subject: m.subject,
		from: m.from,
		to: m.to,
		cc: m.cc,
		bcc: [],
		text: m.text,
		html: m.html,
		receivedMs: m.internalDate,
		sentMs: isDraft ? m.internalDate : sentMs,
		modifiedMs: ov?.modifiedMs ?? m.internalDate,
		internetMessageId: m.messageIdHeader,
		inReplyTo: m.inReplyTo,
		references: m.references,
		threadKey: m.threadId,
		hasAttachments: m.attachments.length > 0,
		otherInbox: m.kind === 'newsletter' || m.kind === 'auto-reply',
		raw: () => m.raw(),
	};
}

export function messageIdFor(account: Account, view: MessageView, immutable: boolean): string {
	return immutable
		? immutableId(account.id, 'message', view.position)
		: regularMessageId(account.id, view.position, view.folderKey, view.moves);
}

/** Resolves a regular or immutable id; a stale regular id (the message moved) is not found. */
export function resolveMessage(account: Account, id: string): MessageView {
	const decoded = decodeId(account.id, id);
	if (decoded?.kind === 'message') {
		const view = messageView(account, decoded.position);
		if (
			view &&
			(decoded.immutable || regularIdMatchesFolder(decoded, view.folderKey, view.moves))
		) {
			return view;
		}
	}
	throw graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

// ---------------------------------------------------------------- resource mapping

function recipient(address: GeneratedAddress | undefined) {
	if (!address) return undefined;
	return { emailAddress: { name: address.name ?? address.email, address: address.email } };
}

function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

export function textToHtml(text: string): string {
	return (
		'<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>' +
		`<body><div>${escapeHtml(text).replace(/\r?\n/g, '<br>\r\n')}</div></body></html>`
	);
}

function messageBody(view: MessageView, want: 'text' | 'html' | undefined) {
	if (want === 'text' || (!want && view.html === undefined)) {
		return { contentType: 'text', content: view.text ?? (view.html ? htmlToText(view.html) : '') };
	}
	return { contentType: 'html', content: view.html ?? textToHtml(view.text ?? '') };
}

/** Header block of the raw message, unfolded, in order (for internetMessageHeaders). */
export function rawHeaders(raw: Buffer): { name: string; value: string }[] {
	const text = raw.toString('latin1');
	const end = text.search(/\r?\n\r?\n/);
	const block = end === -1 ? text : text.slice(0, end);
	const headers: { name: string; value: string }[] = [];
	for (const line of block.split(/\r?\n(?![ \t])/)) {
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		headers.push({
			name: line.slice(0, colon),
			value: line
				.slice(colon + 1)
				.replace(/\r?\n[ \t]+/g, ' ')
				.trim(),
		});
	}
	return headers;
}

export interface RenderOptions {
	immutableIds: boolean;
	bodyContentType?: 'text' | 'html';
	select?: string[];
	odataType?: boolean;
}

export function toGraphMessage(account: Account, view: MessageView, options: RenderOptions) {
	const id = messageIdFor(account, view, options.immutableIds);
	const key = changeKey(account.id, view.position, view.version, view.folderKey);
	const folder = mailState(account).folderByKey.get(view.folderKey);
	const preview = (view.text ?? (view.html ? htmlToText(view.html) : ''))
		.replace(/\s+/g, ' ')
		.trim();
	const resource: Record<string, unknown> = {};
	if (options.odataType) resource['@odata.type'] = '#microsoft.graph.message';
	Object.assign(resource, {
		'@odata.etag': `W/"${key}"`,
		id,
		createdDateTime: graphTimestamp(view.receivedMs),
		lastModifiedDateTime: graphTimestamp(view.modifiedMs),
		changeKey: key,
		categories: view.categories,
		receivedDateTime: graphTimestamp(view.receivedMs),
		sentDateTime: graphTimestamp(view.sentMs),
		hasAttachments: view.hasAttachments,
		internetMessageId: view.internetMessageId,
		subject: view.subject,
		bodyPreview: preview.slice(0, 255),
		importance: 'normal',
		parentFolderId: folder ? folderId(account, folder) : undefined,
		conversationId: conversationId(account.id, view.threadKey),
		isDeliveryReceiptRequested: false,
		isReadReceiptRequested: false,
		isRead: view.isRead,
		isDraft: view.isDraft,
		webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
		inferenceClassification: view.otherInbox ? 'other' : 'focused',
		body: messageBody(view, options.bodyContentType),
		sender: recipient(view.from) ?? null,
		from: recipient(view.from) ?? null,
		toRecipients: view.to.map(recipient),
		ccRecipients: view.cc.map(recipient),
		bccRecipients: view.bcc.map(recipient),
		replyTo: [],
		flag: { flagStatus: view.flagged ? 'flagged' : 'notFlagged' },
	});
	// Properties Graph only returns when asked for by $select.
	const wanted = new Set((options.select ?? []).map((s) => s.toLowerCase()));
	if (wanted.has('uniquebody')) resource.uniqueBody = messageBody(view, options.bodyContentType);
	if (wanted.has('internetmessageheaders'))
		resource.internetMessageHeaders = rawHeaders(view.raw());
	return applySelect(resource, options.select);
}

// ---------------------------------------------------------------- listing

export interface ScanOptions {
	folderKey?: string; // undefined = every folder (/me/messages)
	filter: MessageFilter;
	order: 'asc' | 'desc';
	/** position to resume from (inclusive), in scan order */
	cursor?: number;
}

function matchesSearch(view: MessageView, terms: SearchTerm[]): boolean {
	const address = (a: GeneratedAddress) => `${a.name ?? ''} ${a.email}`.toLowerCase();
	const subject = view.subject.toLowerCase();
	const from = view.from ? address(view.from) : '';
	const to = [...view.to, ...view.cc, ...view.bcc].map(address).join(' ');
	const body = (view.text ?? (view.html ? htmlToText(view.html) : '')).toLowerCase();
	return terms.every(({ property, text }) => {
		if (property === 'subject') return subject.includes(text);
		if (property === 'from') return from.includes(text);
		if (property === 'to') return to.includes(text);
		if (property === 'body') return body.includes(text);
		return [subject, from, to, body].some((field) => field.includes(text));
	});
}

export function matchesFilter(account: Account, view: MessageView, filter: MessageFilter): boolean {
	if (filter.search && !matchesSearch(view, filter.search)) return false;
	if (filter.isRead !== undefined && view.isRead !== filter.isRead) return false;
	if (filter.isDraft !== undefined && view.isDraft !== filter.isDraft) return false;
	if (filter.hasAttachments !== undefined && view.hasAttachments !== filter.hasAttachments)
		return false;
	if (filter.internetMessageId !== undefined && view.internetMessageId !== filter.internetMessageId)
		return false;
	if (filter.fromAddress !== undefined && view.from?.email.toLowerCase() !== filter.fromAddress)
		return false;
	if (
		filter.conversationId !== undefined &&
		conversationId(account.id, view.threadKey) !== filter.conversationId
	) {
		return false;
	}
	return true;
}

/** Streams matching messages in receive-time order; yields [view, nextCursor]. */
export function* scanMessages(
	account: Account,
	options: ScanOptions,
): Generator<[MessageView, number]> {
	const lo =
		options.filter.receivedFrom !== undefined
			? lowerBoundByTime(account, options.filter.receivedFrom)
			: 0;
	const hi =
		options.filter.receivedUntil !== undefined
			? lowerBoundByTime(account, options.filter.receivedUntil)
			: positionCount(account);
	if (options.order === 'desc') {
		for (let p = Math.min(options.cursor ?? hi - 1, hi - 1); p >= lo; p--) {
			const view = messageView(account, p);
			if (!view || (options.folderKey && view.folderKey !== options.folderKey)) continue;
			if (!matchesFilter(account, view, options.filter)) continue;
			yield [view, p - 1];
		}
	} else {
		for (let p = Math.max(options.cursor ?? lo, lo); p < hi; p++) {
			const view = messageView(account, p);
			if (!view || (options.folderKey && view.folderKey !== options.folderKey)) continue;
			if (!matchesFilter(account, view, options.filter)) continue;
			yield [view, p + 1];
		}
	}
}

/** Takes up to `size` items and tells whether more follow (and where to resume). */
export function takePage(
	iterator: Generator<[MessageView, number]>,
	size: number,
	skip = 0,
): { items: MessageView[]; nextCursor?: number } {
	const items: MessageView[] = [];
	let skipped = 0;
	for (const [view] of iterator) {
		if (skipped < skip) {
			skipped++;
			continue;
		}
		if (items.length === size) return { items, nextCursor: view.position };
		items.push(view);
	}
	return { items };
}

/** Per-folder totals; the generated part is counted once per account and then adjusted. */
export function folderCounts(account: Account): Map<string, { total: number; unread: number }> {
	const st = mailState(account);
	if (!st.baseCounts) {
		st.baseCounts = new Map();
		for (let p = 0; p < account.mailbox.count; p++) {
			const m = account.mailbox.messageAt(p);
			const key = generatedFolderKey(st, m);
			const entry = st.baseCounts.get(key) ?? { total: 0, unread: 0 };
			entry.total++;
			if (m.labelIds.includes('UNREAD')) entry.unread++;
			st.baseCounts.set(key, entry);
		}
	}
	const counts = new Map<string, { total: number; unread: number }>();
	for (const [key, value] of st.baseCounts) counts.set(key, { ...value });
	const add = (key: string, isRead: boolean, sign: number) => {
		const entry = counts.get(key) ?? { total: 0, unread: 0 };
		entry.total += sign;
		if (!isRead) entry.unread += sign;
		counts.set(key, entry);
	};
	for (const [position, ov] of st.overrides) {
		const m = account.mailbox.messageAt(position);
		add(generatedFolderKey(st, m), !m.labelIds.includes('UNREAD'), -1);
		const view = messageView(account, position);
		if (view) add(view.folderKey, view.isRead, 1);
		void ov;
	}
	for (let i = 0; i < st.added.length; i++) {
		const view = messageView(account, account.mailbox.count + i);
		if (view) add(view.folderKey, view.isRead, 1);
	}
	return counts;
}

// ---------------------------------------------------------------- mutations

function logChange(
	st: GraphMailState,
	position: number,
	from: string | null,
	to: string | null,
	movesBefore: number,
) {
	st.seq++;
	st.log.push({ seq: st.seq, position, from, to, movesBefore });
}

interface MessageChange {
	folderKey?: string;
	isRead?: boolean;
	isDraft?: boolean;
	categories?: string[];
	flagged?: boolean;
	purge?: boolean;
}

/** Applies a change to any message and records it for delta. */
export function changeMessage(
	state: EmulatorState,
	account: Account,
	view: MessageView,
	change: MessageChange,
) {
	const st = mailState(account);
	const count = account.mailbox.count;
	const now = state.now();
	const moved = change.folderKey !== undefined && change.folderKey !== view.folderKey;
	let target: MessageOverride | StoredMessage;
	if (view.position >= count) {
		target = st.added[view.position - count];
	} else {
		target = st.overrides.get(view.position) ?? { moves: 0, version: 0 };
		st.overrides.set(view.position, target);
	}
	if (moved) {
		target.folderKey = change.folderKey!;
		target.moves++;
	}
	if (change.isRead !== undefined) target.isRead = change.isRead;
	if (change.isDraft !== undefined) target.isDraft = change.isDraft;
	if (change.categories !== undefined) target.categories = [...change.categories];
	if (change.flagged !== undefined) target.flagged = change.flagged;
	if (change.purge) target.purged = true;
	target.version++;
	target.modifiedMs = now;
	logChange(
		st,
		view.position,
		view.folderKey,
		change.purge ? null : (change.folderKey ?? view.folderKey),
		view.moves,
	);
}

function nextReceiveTime(account: Account, now: number): number {
	const total = positionCount(account);
	const last = total > 0 ? positionTime(account, total - 1) : 0;
	// Added mail must sort after everything already there so positions stay in time order.
	return Math.max(now, last + 1000);
}

export interface NewMessage {
	folderKey: string;
	isRead: boolean;
	isDraft?: boolean;
	subject: string;
	from: GeneratedAddress;
	to: GeneratedAddress[];
	cc?: GeneratedAddress[];
	bcc?: GeneratedAddress[];
	text?: string;
	html?: string;
	internetMessageId: string;
	inReplyTo?: string;
	references?: string[];
	threadKey: string;
	categories?: string[];
	otherInbox?: boolean;
	sentMs?: number;
}

export function addMessage(
	state: EmulatorState,
	account: Account,
	message: NewMessage,
): MessageView {
	const st = mailState(account);
	const receivedMs = nextReceiveTime(account, state.now());
	const stored: StoredMessage = {
		folderKey: message.folderKey,
		moves: 0,
		version: 0,
		isRead: message.isRead,
		isDraft: message.isDraft ?? false,
		categories: message.categories ?? [],
		flagged: false,
		subject: message.subject,
		from: message.from,
		to: message.to,
		cc: message.cc ?? [],
		bcc: message.bcc ?? [],
		text: message.text,
		html: message.html,
		receivedMs,
		sentMs: message.sentMs ?? receivedMs,
		modifiedMs: receivedMs,
		internetMessageId: message.internetMessageId,
		inReplyTo: message.inReplyTo,
		references: message.references,
		threadKey: message.threadKey,
		otherInbox: message.otherInbox,
	};
	st.added.push(stored);
	const position = account.mailbox.count + st.added.length - 1;
	logChange(st, position, null, stored.folderKey, 0);
	return messageView(account, position)!;
}

function domainOf(email: string): string {
	return email.split('@')[1] ?? 'emulator.test';
}

export function newInternetMessageId(account: Account, kind: string, n: number): string {
	const tag = changeKey(account.id, kind, n)
		.replace(/[^A-Za-z0-9]/g, '')
		.slice(0, 16);
	return `<${tag}.${kind}${n}@${domainOf(account.email)}>`;
}

/**
 * Makes `count` new messages arrive in the inbox (or another folder). Their content is borrowed
 * from generated inbox messages so it stays realistic (signatures, HTML), with fresh
 * Message-IDs and conversations. Returns their immutable ids, newest last.
 */
export function deliverGraphMessages(
	state: EmulatorState,
	email: string,
	count: number,
	options: { folder?: string; from?: GeneratedAddress; subject?: string } = {},
): string[] {
	const account = state.accounts.get(email.toLowerCase());
	if (!account) throw new Error(`deliverGraphMessages: no account ${email}`);
	const st = mailState(account);
	const folderKey = options.folder ? resolveFolder(account, options.folder).key : 'inbox';
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const n = ++st.deliveredCount;
		const template = inboxTemplate(account, n);
		const view = addMessage(state, account, {
			folderKey,
			isRead: false,
			subject: options.subject ?? template?.subject ?? `Delivered message ${n}`,
			from: options.from ??
				template?.from ?? { name: 'Emulator Sender', email: 'sender@example.com' },
			to: [{ name: account.name, email: account.email }],
			cc: template?.cc ?? [],
			text: template?.text ?? `Delivered message ${n}.`,
			html: template?.html,
			internetMessageId: newInternetMessageId(account, 'delivered', n),
			threadKey: `delivered:${n}`,
			otherInbox: template ? template.kind === 'newsletter' : false,
		});
		ids.push(messageIdFor(account, view, true));
	}
	return ids;
}

function inboxTemplate(account: Account, n: number): GeneratedMessage | undefined {
	const total = account.mailbox.count;
	if (total === 0) return undefined;
	for (let attempt = 0; attempt < 50; attempt++) {
		const index = Number((BigInt(n + attempt) * 2654435761n) % BigInt(total));
		const m = account.mailbox.messageAt(index);
		if (m.labelIds.includes('INBOX') && m.kind !== 'reply') return m;
	}
	return undefined;
}

// ---------------------------------------------------------------- MIME for added messages

function encodeHeader(value: string): string {
	// RFC 2047 only when needed, as a mail client would.
	return /^[\x20-\x7e]*$/.test(value)
		? value
		: `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

function formatAddress(address: GeneratedAddress): string {
	return address.name ? `${encodeHeader(address.name)} <${address.email}>` : address.email;
}

function base64Lines(content: string): string {
	return (
		Buffer.from(content)
			.toString('base64')
			.match(/.{1,76}/g) ?? []
	).join('\r\n');
}

function buildMime(s: StoredMessage): Buffer {
	const headers = [
		`From: ${formatAddress(s.from)}`,
		`To: ${s.to.map(formatAddress).join(', ')}`,
		...(s.cc.length ? [`Cc: ${s.cc.map(formatAddress).join(', ')}`] : []),
		`Subject: ${encodeHeader(s.subject)}`,
		`Date: ${new Date(s.sentMs).toUTCString().replace('GMT', '+0000')}`,
		`Message-ID: ${s.internetMessageId}`,
		...(s.inReplyTo ? [`In-Reply-To: ${s.inReplyTo}`] : []),
		...(s.references?.length ? [`References: ${s.references.join(' ')}`] : []),
		'MIME-Version: 1.0',
	];
	const text = s.text ?? (s.html ? htmlToText(s.html) : '');
	if (s.html === undefined) {
		headers.push('Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: base64');
		return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${base64Lines(text)}\r\n`);
	}
	const boundary = `_000_${changeKey(s.internetMessageId).replace(/[^A-Za-z0-9]/g, '')}_`;
	headers.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
	const part = (type: string, content: string) =>
		`--${boundary}\r\nContent-Type: ${type}; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(content)}\r\n`;
	return Buffer.from(
		`${headers.join('\r\n')}\r\n\r\n${part('text/plain', text)}${part('text/html', s.html)}--${boundary}--\r\n`,
	);
}

// ---------------------------------------------------------------- delta

export interface MailDeltaToken {
	v: 1;
	k: 'initial' | 'changes' | 'delta'; // initial/changes: $skiptoken; delta: $deltatoken
	f: string; // folder key
	a: string; // account id
	g: number; // cursor generation
	s: number; // change-log sequence the round starts from
	u?: number; // changes round: sequence it ends at
	c?: number; // initial round: next position (descending)
	o?: number; // changes round: offset into the change list
	sel?: string[];
	rf?: number; // receivedDateTime ge filter of the initial round
}

export interface MailChange {
	position: number;
	view?: MessageView; // current message, when it is (still) in the folder
	removedMovesBefore: number; // for the tombstone's regular id
}

/** Messages in `folderKey` that changed in (from, upTo], in the order of their last change. */
export function changesSince(
	account: Account,
	folderKey: string,
	from: number,
	upTo: number,
): MailChange[] {
	const st = mailState(account);
	// The log is ordered by seq; find the first entry after `from` by binary search.
	let lo = 0;
	let hi = st.log.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (st.log[mid].seq <= from) lo = mid + 1;
		else hi = mid;
	}
	const last = new Map<number, { seq: number; movesBefore: number }>();
	for (let i = lo; i < st.log.length && st.log[i].seq <= upTo; i++) {
		const entry = st.log[i];
		if (entry.from !== folderKey && entry.to !== folderKey) continue;
		const previous = last.get(entry.position);
		// The tombstone must carry the id as it was while the message sat in this folder.
		const movesBefore =
			entry.from === folderKey ? entry.movesBefore : (previous?.movesBefore ?? entry.movesBefore);
		last.delete(entry.position);
		last.set(entry.position, { seq: entry.seq, movesBefore });
	}
	const changes: MailChange[] = [];
	for (const [position, info] of last) {
		const view = messageView(account, position);
		changes.push({
			position,
			view: view && view.folderKey === folderKey ? view : undefined,
			removedMovesBefore: info.movesBefore,
		});
	}
	return changes;
}

export function tombstone(
	account: Account,
	change: MailChange,
	folderKey: string,
	immutable: boolean,
) {
	return {
		'@odata.type': '#microsoft.graph.message',
		id: immutable
			? immutableId(account.id, 'message', change.position)
			: regularMessageId(account.id, change.position, folderKey, change.removedMovesBefore),
		'@removed': { reason: 'deleted' },
	};
}
