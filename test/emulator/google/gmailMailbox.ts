// Per-account Gmail state: the generated mailbox stays virtual (message i is computed on demand);
// only what changed is stored here — label overlays, deletions, delivered/sent messages and the
// history log. Positions order every message oldest → newest: 0..count-1 are the generated
// messages, count.. the stored ones in arrival order, so "newest first" is a walk downwards.
//
// History ids: generated message i has historyId BASE + i + 1 and the mailbox starts at
// BASE + count; every mutation takes the next id. History is retained from BASE on (the
// generated messages appear as virtual messagesAdded records), until control.expireCursors
// moves the floor to "now".

import { createHash } from 'node:crypto';

import type { Account } from '../core/state';
import {
	createMailbox,
	type GeneratedAddress,
	type GeneratedMessage,
	type Mailbox,
} from '../generator';
import { htmlToText } from '../generator/content';
import { extractFacts, type MessageFacts } from './gmailMime';
import type { QueryTarget } from './gmailQuery';

export const HISTORY_BASE = 100000;

export type HistoryType = 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';

export interface HistoryRecord {
	id: number;
	type: HistoryType;
	messageId: string;
	threadId: string;
	/** Labels the message carried after the change. */
	messageLabelIds: string[];
	/** For labelAdded / labelRemoved: the labels that changed. */
	changedLabelIds?: string[];
}

export interface StoredMessage {
	id: string;
	threadId: string;
	internalDate: number;
	raw: Buffer;
	labelIds: string[];
	historyId: number;
	facts: MessageFacts;
	deleted: boolean;
}

export interface GmailMessageView {
	position: number;
	id: string;
	threadId: string;
	internalDate: number;
	labelIds: readonly string[];
	historyId: number;
	/** Lazy: the generator composes bodies only when asked. */
	readonly snippet: string;
	raw(): Buffer;
	generated?: GeneratedMessage;
	stored?: StoredMessage;
}

export interface GmailLabel {
	id: string;
	name: string;
	type: 'system' | 'user';
}

// System labels every Gmail mailbox has, whether or not the generator used them.
const SYSTEM_LABELS = [
	'CHAT',
	'SENT',
	'INBOX',
	'IMPORTANT',
	'TRASH',
	'DRAFT',
	'SPAM',
	'CATEGORY_FORUMS',
	'CATEGORY_UPDATES',
	'CATEGORY_PERSONAL',
	'CATEGORY_PROMOTIONS',
	'CATEGORY_SOCIAL',
	'STARRED',
	'UNREAD',
	'SCHEDULED',
];

export function formatAddress(a: GeneratedAddress): string {
	return a.name ? `${a.name} <${a.email}>` : a.email;
}

export class GmailMailboxState {
	readonly mailbox: Mailbox;
	historyId: number;
	historyFloor = HISTORY_BASE;
	readonly log: HistoryRecord[] = [];
	readonly stored: StoredMessage[] = [];
	private readonly storedById = new Map<string, number>();
	private readonly storedByMessageIdHeader = new Map<string, string>();
	private readonly storedByThread = new Map<string, string[]>();
	private readonly labelOverlay = new Map<string, { labelIds: string[]; historyId: number }>();
	private readonly deletedBase = new Set<string>();
	private readonly labelsById = new Map<string, GmailLabel>();
	private seenGeneration: number;
	private idCounter = 0;
	private deliveryBatches = 0;
	/** Bumped on every mutation; caches of counts compare against it. */
	version = 0;
	private countsCache?: { version: number; counts: Map<string, LabelCounts> };
	private baseThreadCount?: number;

	constructor(private readonly account: Account) {
		this.mailbox = account.mailbox;
		this.historyId = HISTORY_BASE + this.mailbox.count;
		this.seenGeneration = account.cursorGeneration.gmail ?? 0;
		for (const id of SYSTEM_LABELS) {
			this.labelsById.set(id, { id, name: id, type: 'system' });
		}
		for (const label of this.mailbox.labels) {
			this.labelsById.set(label.id, { id: label.id, name: label.name, type: label.type });
		}
	}

	static of(account: Account): GmailMailboxState {
		let state = account.surfaceState.get('gmail') as GmailMailboxState | undefined;
		if (!state) {
			state = new GmailMailboxState(account);
			account.surfaceState.set('gmail', state);
		}
		state.applyCursorExpiry();
		return state;
	}

	/** control.expireCursors(email, 'gmail') bumps the generation; every older history id dies. */
	private applyCursorExpiry(): void {
		const generation = this.account.cursorGeneration.gmail ?? 0;
		if (generation !== this.seenGeneration) {
			this.seenGeneration = generation;
			this.historyId += 1;
			this.historyFloor = this.historyId;
		}
	}

	get totalPositions(): number {
		return this.mailbox.count + this.stored.length;
	}

	labels(): GmailLabel[] {
		return [...this.labelsById.values()];
	}

	label(id: string): GmailLabel | undefined {
		return this.labelsById.get(id);
	}

	/** `label:` values: ids, names (case-insensitive), names with '-' for spaces and '/'. */
	resolveLabel(name: string): string | undefined {
		const wanted = name.toLowerCase();
		const dashed = (s: string) => s.toLowerCase().replace(/[\s/]+/g, '-');
		for (const label of this.labelsById.values()) {
			if (
				label.id.toLowerCase() === wanted ||
				label.name.toLowerCase() === wanted ||
				dashed(label.name) === dashed(name)
			) {
				return label.id;
			}
		}
		return undefined;
	}

	viewAt(position: number): GmailMessageView | undefined {
		if (position < this.mailbox.count) {
			const g = this.mailbox.messageAt(position);
			if (this.deletedBase.has(g.id)) {
				return undefined;
			}
			const overlay = this.labelOverlay.get(g.id);
			return {
				position,
				id: g.id,
				threadId: g.threadId,
				internalDate: g.internalDate,
				labelIds: overlay?.labelIds ?? g.labelIds,
				historyId: overlay?.historyId ?? HISTORY_BASE + position + 1,
				get snippet() {
					return g.snippet;
				},
				raw: () => g.raw(),
				generated: g,
			};
		}
		const s = this.stored[position - this.mailbox.count];
		if (!s || s.deleted) {
			return undefined;
		}
		return {
			position,
			id: s.id,
			threadId: s.threadId,
			internalDate: s.internalDate,
			labelIds: s.labelIds,
			historyId: s.historyId,
			snippet: s.facts.snippet,
			raw: () => s.raw,
			stored: s,
		};
	}

	positionOf(id: string): number | undefined {
		if (!/^[0-9a-f]{1,32}$/i.test(id)) {
			return undefined;
		}
		const storedIndex = this.storedById.get(id);
		if (storedIndex !== undefined) {
			return this.mailbox.count + storedIndex;
		}
		return this.mailbox.indexOfId(id);
	}

	view(id: string): GmailMessageView | undefined {
		const position = this.positionOf(id);
		return position === undefined ? undefined : this.viewAt(position);
	}

	queryTarget(v: GmailMessageView): QueryTarget {
		if (v.generated) {
			const g = v.generated;
			return {
				internalDate: v.internalDate,
				labelIds: v.labelIds,
				subject: g.subject,
				from: formatAddress(g.from),
				to: [...g.to, ...g.cc].map(formatAddress).join(', '),
				text: () => g.text ?? htmlToText(g.html ?? ''),
				hasAttachment: () => g.attachments.length > 0,
				filenames: () => g.attachments.map((a) => a.filename),
			};
		}
		const f = v.stored!.facts;
		return {
			internalDate: v.internalDate,
			labelIds: v.labelIds,
			subject: f.subject,
			from: f.from,
			to: [f.to, f.cc, f.bcc].filter(Boolean).join(', '),
			text: () => f.text,
			hasAttachment: () => f.hasAttachment,
		};
	}

	/** Message positions of a thread, oldest first (deleted ones left out). */
	threadPositions(threadId: string): number[] {
		const positions: number[] = [];
		if (this.mailbox.indexOfId(threadId) !== undefined) {
			for (const i of this.mailbox.threadMessageIndices(threadId)) {
				if (this.viewAt(i)) positions.push(i);
			}
		}
		for (const id of this.storedByThread.get(threadId) ?? []) {
			const p = this.positionOf(id);
			if (p !== undefined && this.viewAt(p)) positions.push(p);
		}
		return positions;
	}

	// ---- mutations -------------------------------------------------------------------------

	private record(entry: Omit<HistoryRecord, 'id'>): number {
		this.historyId += 1;
		this.version += 1;
		this.log.push({ ...entry, id: this.historyId });
		return this.historyId;
	}

	/** Applies label changes; returns the view after the change (undefined if the id is unknown). */
	modifyLabels(id: string, add: string[], remove: string[]): GmailMessageView | undefined {
		const v = this.view(id);
		if (!v) {
			return undefined;
		}
		const current = new Set(v.labelIds);
		const added = [...new Set(add)].filter((l) => !current.has(l) && !remove.includes(l));
		const removed = [...new Set(remove)].filter((l) => current.has(l));
		if (added.length === 0 && removed.length === 0) {
			return v;
		}
		for (const l of added) current.add(l);
		for (const l of removed) current.delete(l);
		const labelIds = [...current];
		let historyId = v.historyId;
		if (added.length > 0) {
			historyId = this.record({
				type: 'labelAdded',
				messageId: v.id,
				threadId: v.threadId,
				messageLabelIds: labelIds,
				changedLabelIds: added,
			});
		}
		if (removed.length > 0) {
			historyId = this.record({
				type: 'labelRemoved',
				messageId: v.id,
				threadId: v.threadId,
				messageLabelIds: labelIds,
				changedLabelIds: removed,
			});
		}
		if (v.stored) {
			v.stored.labelIds = labelIds;
			v.stored.historyId = historyId;
		} else {
			this.labelOverlay.set(v.id, { labelIds, historyId });
		}
		return this.view(id);
	}

	deleteMessage(id: string): boolean {
		const v = this.view(id);
		if (!v) {
			return false;
		}
		if (v.stored) {
			v.stored.deleted = true;
		} else {
			this.deletedBase.add(v.id);
			this.labelOverlay.delete(v.id);
		}
		this.record({
			type: 'messageDeleted',
			messageId: v.id,
			threadId: v.threadId,
			messageLabelIds: [...v.labelIds],
		});
		return true;
	}

	/** Gmail ids are the receipt time in ms shifted left 20 bits plus a sequence, in hex. */
	private newMessageId(internalDate: number): string {
		for (;;) {
			this.idCounter += 1;
			const low =
				createHash('sha1')
					.update(`${this.account.email}\u0000${this.idCounter}`)
					.digest()
					.readUInt32BE(0) & 0xfffff;
			const id = ((BigInt(internalDate) << 20n) | BigInt(low)).toString(16).padStart(16, '0');
			if (this.mailbox.indexOfId(id) === undefined && !this.storedById.has(id)) {
				return id;
			}
		}
	}

	private newestInternalDate(): number {
		if (this.stored.length > 0) {
			return this.stored[this.stored.length - 1].internalDate;
		}
		return this.mailbox.count > 0 ? this.mailbox.messageAt(this.mailbox.count - 1).internalDate : 0;
	}

	/** Finds the thread a reply belongs to from its In-Reply-To / References headers. */
	threadOfReply(facts: MessageFacts): string | undefined {
		const ids = [facts.inReplyTo, ...facts.references.slice().reverse()].filter(
			(x): x is string => !!x,
		);
		if (ids.length === 0) {
			return undefined;
		}
		for (const header of ids) {
			const storedId = this.storedByMessageIdHeader.get(header);
			if (storedId) {
				return this.view(storedId)?.threadId ?? undefined;
			}
		}
		// Replies go to recent mail; a bounded scan keeps memory flat for huge mailboxes.
		const wanted = new Set(ids);
		const stop = Math.max(0, this.mailbox.count - 20000);
		for (let i = this.mailbox.count - 1; i >= stop; i--) {
			const g = this.mailbox.messageAt(i);
			if (wanted.has(g.messageIdHeader)) {
				return g.threadId;
			}
		}
		return undefined;
	}

	/** Stores a new message (sent, delivered or inserted) and records messageAdded history. */
	addMessage(raw: Buffer, labelIds: string[], now: number, threadId?: string): StoredMessage {
		const facts = extractFacts(raw);
		const internalDate = Math.max(now, this.newestInternalDate() + 1000);
		const id = this.newMessageId(internalDate);
		const resolvedThread =
			(threadId && this.threadPositions(threadId).length > 0 ? threadId : undefined) ??
			this.threadOfReply(facts) ??
			id;
		const message: StoredMessage = {
			id,
			threadId: resolvedThread,
			internalDate,
			raw,
			labelIds: [...new Set(labelIds)],
			historyId: 0,
			facts,
			deleted: false,
		};
		message.historyId = this.record({
			type: 'messageAdded',
			messageId: id,
			threadId: message.threadId,
			messageLabelIds: message.labelIds,
		});
		this.storedById.set(id, this.stored.length);
		this.stored.push(message);
		if (facts.messageIdHeader) this.storedByMessageIdHeader.set(facts.messageIdHeader, id);
		const thread = this.storedByThread.get(message.threadId) ?? [];
		thread.push(id);
		this.storedByThread.set(message.threadId, thread);
		return message;
	}

	/**
	 * New inbound mail from a throwaway generated mailbox (deterministic per account and batch).
	 * Only mail from other people arrives: the generator also writes the owner's own sent mail,
	 * drafts and scheduled sends, which never reach the owner's inbox as new unread mail.
	 */
	deliverGenerated(count: number, now: number): StoredMessage[] {
		this.deliveryBatches += 1;
		const owner = this.mailbox.owner.email.toLowerCase();
		const source = createMailbox({
			seed: `${this.account.email}:delivery:${this.deliveryBatches}`,
			count: count * 3 + 10,
			owner: this.mailbox.owner as { email: string; name: string },
		});
		const out: StoredMessage[] = [];
		for (const g of source.messages()) {
			if (out.length === count) break;
			if (g.from.email.toLowerCase() === owner) continue;
			const categories = g.labelIds.filter((l) => l.startsWith('CATEGORY_'));
			out.push(this.addMessage(g.raw(), ['INBOX', 'UNREAD', ...categories], now));
		}
		if (out.length < count)
			throw new Error(`generated only ${out.length} of ${count} inbound messages`);
		return out;
	}

	// ---- history -----------------------------------------------------------------------------

	/** Records with id > after, ascending; generated messages first (virtual), then the log. */
	*historyAfter(after: number): Generator<HistoryRecord> {
		const baseEnd = HISTORY_BASE + this.mailbox.count;
		for (let id = Math.max(after + 1, HISTORY_BASE + 1); id <= baseEnd; id++) {
			const g = this.mailbox.messageAt(id - HISTORY_BASE - 1);
			yield {
				id,
				type: 'messageAdded',
				messageId: g.id,
				threadId: g.threadId,
				messageLabelIds: this.labelOverlay.get(g.id)?.labelIds ?? g.labelIds,
			};
		}
		// The log is sorted by id: binary search the first record after `after`.
		let lo = 0;
		let hi = this.log.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (this.log[mid].id <= after) lo = mid + 1;
			else hi = mid;
		}
		for (let i = lo; i < this.log.length; i++) {
			yield this.log[i];
		}
	}

	// ---- counts ------------------------------------------------------------------------------

	messagesTotal(): number {
		return (
			this.mailbox.count - this.deletedBase.size + this.stored.filter((s) => !s.deleted).length
		);
	}

	/**
	 * Per-label counts need a walk of the whole mailbox; cached until the next mutation. A thread
	 * counts for a label at its newest message carrying that label, so no set of thread ids is held.
	 */
	counts(): { labels: Map<string, LabelCounts> } {
		if (this.countsCache && this.countsCache.version === this.version) {
			return { labels: this.countsCache.counts };
		}
		const counts = new Map<string, LabelCounts>();
		for (let p = 0; p < this.totalPositions; p++) {
			const v = this.viewAt(p);
			if (!v) continue;
			const members = this.threadPositions(v.threadId);
			const later = members.filter((m) => m > p).map((m) => this.viewAt(m)!);
			const unread = v.labelIds.includes('UNREAD');
			for (const l of v.labelIds) {
				let c = counts.get(l);
				if (!c) {
					c = { messagesTotal: 0, messagesUnread: 0, threadsTotal: 0, threadsUnread: 0 };
					counts.set(l, c);
				}
				c.messagesTotal += 1;
				if (unread) c.messagesUnread += 1;
				const laterWithLabel = later.filter((m) => m.labelIds.includes(l));
				if (laterWithLabel.length === 0) {
					c.threadsTotal += 1;
				}
				if (unread && !laterWithLabel.some((m) => m.labelIds.includes('UNREAD'))) {
					c.threadsUnread += 1;
				}
			}
		}
		this.countsCache = { version: this.version, counts };
		return { labels: counts };
	}

	/**
	 * Thread total for getProfile: the generated part is walked once (envelopes only) and cached as a
	 * number; stored messages that open a thread add to it. Deleting a whole generated thread is
	 * not subtracted (Gmail's own figure lags too).
	 */
	threadsTotal(): number {
		if (this.baseThreadCount === undefined) {
			let n = 0;
			for (let i = 0; i < this.mailbox.count; i++) {
				const g = this.mailbox.messageAt(i);
				if (g.threadId === g.id) n++;
			}
			this.baseThreadCount = n;
		}
		return (
			this.baseThreadCount + this.stored.filter((s) => !s.deleted && s.threadId === s.id).length
		);
	}
}

export interface LabelCounts {
	messagesTotal: number;
	messagesUnread: number;
	threadsTotal: number;
	threadsUnread: number;
}
