// Mail of one integration into the CRM tables, page by page: each page's emails, copies,
// participants, tombstones and the source's cursor commit in one transaction, so a crash at any
// point loses nothing and doubles nothing, and nothing is kept in memory from one page to the next.
//
// Sources: Gmail is one change source over the selected labels (inbox → INBOX, sent → SENT, all →
// every label); Microsoft 365 is one delta source per folder (inbox, sentitems, or a folder id;
// `all` means Inbox, Sent Items and Archive — the folders where mail lives, read without listing
// the mailbox's folder tree on every tick).
// A missing cursor row starts a listing from the horizon; a cursor the provider forgot starts a
// relisting from the same horizon. A listing that completes tombstones the copies of its source
// that it did not see, within its horizon only.
import { randomUUID } from 'node:crypto';

import type { Knex } from 'knex';

import type {
	ChangePage,
	ChangeRead,
	MailChangeSource,
	MailItem,
	MailStartOptions,
	SourceCursor,
} from '../providers/changeSources';
import { createGmailChangeSource, type GmailCursor } from '../providers/google/gmailChangeSource';
import { createGmailClient } from '../providers/google/googleClients';
import { GraphMailSource, type GraphMailCursor } from '../providers/microsoft/graphMailSource';
import { GraphSession } from '../providers/microsoft/graphSession';
import type { EmailRecord } from '../records/emailRecord';
import { readCursor, writeCursor, type SourceKey, type SyncSourceType } from '../store/cursors';
import {
	reconcileMailboxListing,
	tombstoneMailboxCopies,
	upsertMailPage,
	type MailCopyInput,
} from '../store/emails';
import { loadBlocklist, type BlocklistMatcher } from './blocklistFilter';
import type { IntegrationSettings } from './integrationSettings';
import {
	addCounts,
	emptyCounts,
	SyncConflictError,
	type SourceSyncContext,
	type SyncCounts,
	type SyncStep,
} from './sourceSync';

/** What a source's cursor row keeps besides the cursor (sync_cursors.backfill_state). */
export interface MailListingState {
	/** The listing under way (its id marks the copies it saw), or null while following changes. */
	listingId: string | null;
	/** Why the listing runs: the first sync (or a forgotten cursor row) or an expired cursor. */
	reason: 'initial' | 'resync' | null;
	/** A days horizon: the listing covers mail received since (ISO). */
	horizonSince: string | null;
	/** Oldest receivedAt (epoch ms) the listing has seen: a count horizon reaches back that far. */
	oldestReceivedAt: number | null;
	/** Messages the listing stored so far (progress). */
	listed: number;
	/** The last listing that completed, and when (ISO). */
	lastListingReason?: 'initial' | 'resync' | null;
	lastListingCompletedAt?: string | null;
}

export { SyncConflictError };

interface MailSourcePlan<TCursor extends SourceCursor> {
	sourceType: SyncSourceType;
	sourceId: string;
	/** Copies this source reports carry this key (reconciliation and Graph tombstones use it). */
	sourceKey: string;
	source: MailChangeSource<TCursor>;
	/** Tombstones only touch copies this source reported last (Graph: a move between folders). */
	tombstonesBySource: boolean;
	/** The relisting cursor a provider hands back, bounded by our horizon. */
	boundRelisting(cursor: TCursor, horizon: Horizon): TCursor;
}

interface Horizon {
	start: MailStartOptions;
	since: Date | null;
	count: number | null;
}

function horizonOf(settings: IntegrationSettings, now: Date): Horizon {
	const horizon = settings.initialHorizon;
	if (horizon.kind === 'days') {
		const since = new Date(now.getTime() - horizon.days * 86_400_000);
		return { start: { since }, since, count: null };
	}
	return { start: { limit: horizon.count }, since: null, count: horizon.count };
}

/** Gmail label ids of the selection; an empty list means every label ('all'). */
export function gmailLabelsOf(folders: string[]): string[] {
	if (folders.includes('all')) return [];
	const labels = folders.map((folder) =>
		folder === 'inbox' ? 'INBOX' : folder === 'sent' ? 'SENT' : folder,
	);
	return [...new Set(labels)].sort();
}

/** Graph folders of the selection (well-known names or ids). */
export function graphFoldersOf(folders: string[]): string[] {
	const result: string[] = [];
	for (const folder of folders) {
		if (folder === 'all') result.push('inbox', 'sentitems', 'archive');
		else if (folder === 'inbox') result.push('inbox');
		else if (folder === 'sent') result.push('sentitems');
		else result.push(folder);
	}
	return [...new Set(result)];
}

function gmailPlan(ctx: SourceSyncContext): MailSourcePlan<GmailCursor> {
	const labels = gmailLabelsOf(ctx.settings.mailFolders);
	const sourceId = labels.length ? labels.join(',') : 'all';
	const gmail = createGmailClient(ctx.requester, ctx.endpoints.googleApiBaseUrl);
	const refresh = (ctx.requester as { refreshAuthorization?: () => Promise<void> })
		.refreshAuthorization;
	const horizon = horizonOf(ctx.settings, ctx.now());
	const source = createGmailChangeSource(ctx.requester, gmail, ctx.endpoints.googleApiBaseUrl, {
		labelIds: labels,
		historyTypes: ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'],
		resyncSince: () => horizon.since,
		refreshAuthorization: refresh,
	});
	return {
		sourceType: 'gmail_label',
		sourceId,
		sourceKey: `gmail:${sourceId}`,
		source,
		tombstonesBySource: false,
		boundRelisting: (cursor, bound) => ({
			...cursor,
			listingSince: bound.since ? bound.since.getTime() : cursor.listingSince,
			listingLeft: bound.count ?? cursor.listingLeft,
		}),
	};
}

function graphPlans(ctx: SourceSyncContext): Array<MailSourcePlan<GraphMailCursor>> {
	const session = new GraphSession(ctx.requester, ctx.endpoints.graphBaseUrl);
	return graphFoldersOf(ctx.settings.mailFolders).map((folder) => ({
		sourceType: 'graph_mail_folder' as const,
		sourceId: folder,
		sourceKey: `graph:${folder}`,
		source: new GraphMailSource(session, { folder, ownerEmail: ctx.accountEmail }),
		tombstonesBySource: true,
		boundRelisting: (cursor, bound) => ({
			...cursor,
			since: bound.since ? bound.since.toISOString() : cursor.since,
			limit: bound.count ?? cursor.limit,
		}),
	}));
}

/** Whether the email is left out: its sender is blocked, or it was sent only to blocked people. */
export function isBlockedMail(record: EmailRecord, blocklist: BlocklistMatcher): boolean {
	if (blocklist.size === 0) return false;
	if (record.from?.email && blocklist.blocks(record.from.email)) return true;
	if (record.direction !== 'outgoing') return false;
	const recipients = [...record.to, ...record.cc, ...record.bcc];
	return recipients.length > 0 && recipients.every((address) => blocklist.blocks(address.email));
}

/** Syncs every selected mail source of the integration; errors are thrown to the engine. */
export async function syncMailSources(ctx: SourceSyncContext): Promise<SyncCounts> {
	const counts = emptyCounts();
	if (!ctx.settings.syncMail) return counts;
	const blocklist = await loadBlocklist(ctx.database, ctx.workspaceId);
	if (ctx.provider === 'google') {
		addCounts(counts, await syncMailSource(ctx, gmailPlan(ctx), blocklist));
	} else {
		for (const plan of graphPlans(ctx))
			addCounts(counts, await syncMailSource(ctx, plan, blocklist));
	}
	return counts;
}

const sameCursor = (a: SourceCursor | null, b: SourceCursor | null) =>
	JSON.stringify(a) === JSON.stringify(b);

function freshListing(
	reason: 'initial' | 'resync',
	horizon: Horizon,
	previous?: Partial<MailListingState>,
): MailListingState {
	return {
		listingId: randomUUID(),
		reason,
		horizonSince: horizon.since ? horizon.since.toISOString() : null,
		oldestReceivedAt: null,
		listed: 0,
		lastListingReason: previous?.lastListingReason ?? null,
		lastListingCompletedAt: previous?.lastListingCompletedAt ?? null,
	};
}

async function syncMailSource<TCursor extends SourceCursor>(
	ctx: SourceSyncContext,
	plan: MailSourcePlan<TCursor>,
	blocklist: BlocklistMatcher,
): Promise<SyncCounts> {
	const counts = emptyCounts();
	const knex = ctx.database.knex;
	const key: SourceKey = {
		workspaceId: ctx.workspaceId,
		integrationId: ctx.integrationId,
		sourceType: plan.sourceType,
		sourceId: plan.sourceId,
	};
	const horizon = horizonOf(ctx.settings, ctx.now());
	const step = (name: SyncStep, page: number) =>
		ctx.hooks?.atStep?.(name, { sourceType: plan.sourceType, sourceId: plan.sourceId, page });

	const stored = await readCursor<TCursor>(knex, key);
	// What the row holds now: each page's transaction checks it is still so (exactly once).
	let expected: TCursor | null = stored?.cursor ?? null;
	let cursor: TCursor;
	let state: MailListingState;
	if (stored?.cursor) {
		cursor = stored.cursor;
		state = { ...freshListing('initial', horizon), ...stored.backfillState } as MailListingState;
		if (!stored.backfillState.listingId) state.listingId = null;
	} else {
		cursor = await plan.source.start(horizon.start);
		state = freshListing('initial', horizon, stored?.backfillState);
	}

	/** Locks the cursor row and checks nobody advanced it since we read it. */
	async function claim(trx: Knex.Transaction) {
		const current = await readCursor<TCursor>(trx, key, { forUpdate: true });
		if (!sameCursor(current?.cursor ?? null, expected)) throw new SyncConflictError(plan.sourceKey);
	}

	// The next page is read while this one's transaction writes (the cursor it starts from is
	// known before the write); it is only used once this page committed, and awaited but dropped
	// when the write fails, so steps, commits and the calls a failed sync leaves behind are as in
	// a strictly sequential loop.
	let prefetched: Promise<Settled<ChangeRead<TCursor, MailItem>>> | null = null;

	try {
		for (let page = 1; ; page++) {
			let read: ChangeRead<TCursor, MailItem>;
			if (prefetched) {
				const settled: Settled<ChangeRead<TCursor, MailItem>> = await prefetched;
				prefetched = null;
				if (!settled.ok) throw settled.error;
				read = settled.value;
			} else {
				read = await plan.source.read(cursor);
			}
			step('fetched', page);

			if (read.outcome === 'cursor_expired') {
				// The provider forgot the cursor: relist from our horizon, and reconcile when done.
				const next = plan.boundRelisting(read.cursor, horizon);
				const nextState = freshListing('resync', horizon, state);
				await knex.transaction(async (trx) => {
					await claim(trx);
					step('rows_written', page);
					await writeCursor(trx, key, next, { backfillState: { ...nextState } });
					step('cursor_written', page);
				});
				step('committed', page);
				expected = next;
				cursor = next;
				state = nextState;
				continue;
			}

			const { kept, skipped } = selectItems(read, blocklist);
			counts.fetched += read.items.length;
			counts.skipped += skipped;
			const listing = read.listing;
			let nextState = state;
			if (listing && !state.listingId) nextState = freshListing(listing.reason, horizon, state);
			if (!listing && state.listingId) nextState = { ...state, listingId: null, reason: null };
			if (listing) {
				let oldest = nextState.oldestReceivedAt;
				for (const item of read.items)
					if (item.receivedAt !== null && (oldest === null || item.receivedAt < oldest))
						oldest = item.receivedAt;
				nextState = {
					...nextState,
					oldestReceivedAt: oldest,
					listed: nextState.listed + kept.length,
				};
			}
			const at = ctx.now();
			let created = 0;
			let updated = 0;
			let deleted = 0;
			let completed = false;
			if (read.hasMore) prefetched = settle(plan.source.read(read.cursor));
			await knex.transaction(async (trx) => {
				await claim(trx);
				const written = await upsertMailPage(
					trx,
					{
						workspaceId: ctx.workspaceId,
						integrationId: ctx.integrationId,
						sourceKey: plan.sourceKey,
						listingMark: listing ? nextState.listingId : null,
						visibility: ctx.settings.visibility,
					},
					kept,
				);
				created = written.created;
				updated = written.updated;
				deleted = await tombstoneMailboxCopies(
					trx,
					{
						workspaceId: ctx.workspaceId,
						integrationId: ctx.integrationId,
						sourceKey: plan.tombstonesBySource ? plan.sourceKey : undefined,
					},
					read.deleted,
					at,
				);
				const extra: Parameters<typeof writeCursor>[3] = {};
				if (listing?.complete) {
					deleted += await reconcileMailboxListing(
						trx,
						{
							workspaceId: ctx.workspaceId,
							integrationId: ctx.integrationId,
							sourceKey: plan.sourceKey,
							listingMark: nextState.listingId!,
							receivedSince: listingReach(nextState, horizon),
						},
						at,
					);
					completed = true;
					nextState = {
						...nextState,
						listingId: null,
						reason: null,
						lastListingReason: listing.reason,
						lastListingCompletedAt: at.toISOString(),
					};
					extra.lastFullSyncAt = at;
					if (listing.reason === 'initial') extra.backfillCompletedAt = at;
				}
				step('rows_written', page);
				await writeCursor(trx, key, read.cursor, { ...extra, backfillState: { ...nextState } });
				step('cursor_written', page);
			});
			step('committed', page);
			counts.created += created;
			counts.updated += updated;
			counts.deleted += deleted;
			expected = read.cursor;
			cursor = read.cursor;
			state = nextState;
			ctx.progress({
				source: plan.sourceKey,
				processed: listing || completed ? nextState.listed : counts.fetched,
				total: listing && horizon.count !== null ? horizon.count : null,
			});
			if (!read.hasMore) return counts;
		}
	} catch (error) {
		if (prefetched) await prefetched;
		throw error;
	}
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The promise's outcome as a value: a read ahead that fails is never an unhandled rejection. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
	return promise.then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);
}

/** How far back a complete listing reaches: since its days horizon, or to the oldest it saw. */
function listingReach(state: MailListingState, horizon: Horizon): Date | null {
	if (state.horizonSince) return new Date(state.horizonSince);
	if (horizon.count !== null && state.oldestReceivedAt !== null)
		return new Date(state.oldestReceivedAt);
	return null;
}

function selectItems(
	page: ChangePage<SourceCursor, MailItem>,
	blocklist: BlocklistMatcher,
): { kept: MailCopyInput[]; skipped: number } {
	const kept: MailCopyInput[] = [];
	let skipped = 0;
	for (const item of page.items) {
		if (item.record.isDraft || isBlockedMail(item.record, blocklist)) {
			skipped++;
			continue;
		}
		kept.push({ record: item.record, receivedAt: item.receivedAt });
	}
	return { kept, skipped };
}

/** The listing a source's stored state says is under way or last completed (for the engine). */
export function listingOf(backfillState: Record<string, unknown>): {
	running: 'initial' | 'resync' | null;
	lastReason: 'initial' | 'resync' | null;
	lastCompletedAt: string | null;
} {
	const state = backfillState as Partial<MailListingState>;
	return {
		running: state.listingId ? (state.reason ?? null) : null,
		lastReason: state.lastListingReason ?? null,
		lastCompletedAt: state.lastListingCompletedAt ?? null,
	};
}
