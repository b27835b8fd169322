// Calendar sync of one integration: every selected calendar is its own source with its own cursor
// in sync_cursors (google_calendar: a Calendar sync token; graph_calendar: a calendarView delta
// link). Each page's events and the cursor after them commit in one transaction, so a crash at
// any point loses nothing and stores nothing twice. A listing (first sync, a forgotten cursor, or
// the relisting a provider demands after 410) is followed through its pages with the ids it held
// kept beside the cursor; once complete, stored events of that calendar within the listing's
// horizon that it did not hold were deleted meanwhile and become cancelled tombstones.
import { randomUUID } from 'node:crypto';

import type { JsonValue, CalendarItem, ChangeRead, SourceCursor } from '../providers/changeSources';
import {
	googleCalendarChangeSource,
	type GoogleCalendarCursor,
} from '../providers/google/calendarChangeSource';
import { createCalendarClient } from '../providers/google/googleClients';
import {
	GraphCalendarSource,
	type GraphCalendarCursor,
} from '../providers/microsoft/graphCalendarSource';
import { GraphSession } from '../providers/microsoft/graphSession';
import {
	forgetCursor,
	listCursors,
	readCursor,
	writeCursor,
	type SourceKey,
} from '../store/cursors';
import { deleteCalendarEvents } from '../store/integrationData';
import {
	applyCalendarVisibility,
	cancelUnlistedCalendarEvents,
	writeCalendarEventPage,
	type StoredCalendarChange,
} from '../store/events';
import type { IntegrationSettings } from './integrationSettings';
import {
	addCounts,
	emptyCounts,
	SyncConflictError,
	type SourceSyncContext,
	type SyncCounts,
} from './sourceSync';

/**
 * How far back a calendar's first listing reaches when the settings count messages rather than
 * days: a year of meetings (a calendar has no "newest N" that means anything).
 */
export const DEFAULT_CALENDAR_HORIZON_DAYS = 365;
/** Graph windows reach this far ahead, and are renewed (relisted) once less than half is left. */
export const GRAPH_WINDOW_DAYS_AHEAD = 365;

const DAY_MS = 86_400_000;

export interface CalendarSyncOptions {
	/** Events per provider page (tests use small pages). */
	pageSize?: number;
	/** How far ahead a Graph calendarView window reaches (default GRAPH_WINDOW_DAYS_AHEAD). */
	graphWindowDaysAhead?: number;
	/** Each committed page's changes: created, updated (with what changed) or cancelled. */
	onChanges?: (
		changes: StoredCalendarChange[],
		source: { sourceType: SourceKey['sourceType']; sourceId: string },
	) => void | Promise<void>;
}

/** The first instant a listing covers: events ending after it. */
export function calendarHorizonSince(settings: IntegrationSettings, now: Date): Date {
	const days =
		settings.initialHorizon.kind === 'days'
			? settings.initialHorizon.days
			: DEFAULT_CALENDAR_HORIZON_DAYS;
	return new Date(now.getTime() - days * DAY_MS);
}

/** What a source sync needs to know of a provider's calendar source. */
interface CalendarSourcePlan<TCursor extends SourceCursor> {
	key: SourceKey;
	read(cursor: TCursor): Promise<ChangeRead<TCursor, CalendarItem>>;
	/** A first cursor: a listing from the horizon. */
	start(): Promise<TCursor>;
	/** The calendar a cursor reads (events are stored under it). */
	calendarIdOf(cursor: TCursor): string;
	/** The span a complete listing from this cursor covers. */
	horizonOf(cursor: TCursor): { since: Date | null; until: Date | null };
	/** A cursor to read instead (a renewed Graph window), or null to read on. */
	renew?(cursor: TCursor): Promise<TCursor | null>;
	/** Whether the cursor starts a listing at its first page. */
	atListingStart(cursor: TCursor): boolean;
}

/**
 * Listing progress kept beside the cursor (backfill_state), so a crash mid-listing resumes it; the
 * same fields as the mail sources' (listingId set while a listing runs, the last one completed),
 * which the engine reads to tell a full resync.
 */
interface CalendarListingState {
	listingId: string | null;
	reason: 'initial' | 'resync' | null;
	/** Provider ids of the events the running listing held so far. */
	seen?: string[];
	lastListingReason?: 'initial' | 'resync' | null;
	lastListingCompletedAt?: string | null;
}

interface RunningListing {
	id: string;
	reason: 'initial' | 'resync';
	seen: string[];
}

const newListing = (reason: RunningListing['reason']): RunningListing => ({
	id: randomUUID(),
	reason,
	seen: [],
});

/** The calendar side's name for the shared conflict error (kept for callers). */
export const CalendarSyncConflictError = SyncConflictError;

/**
 * Syncs every selected calendar of the integration (Google: settings.calendars, 'primary' by
 * default; Microsoft: 'primary' is the default calendar). Throws what the provider or the database
 * throws; the engine classifies it.
 */
export async function syncCalendarSources(
	ctx: SourceSyncContext,
	options: CalendarSyncOptions = {},
): Promise<SyncCounts> {
	const counts = emptyCounts();
	if (!ctx.settings.syncCalendar) return counts;
	const scope = { workspaceId: ctx.workspaceId, integrationId: ctx.integrationId };
	await applyCalendarVisibility(ctx.database.knex, scope, ctx.settings.visibility);
	const calendars = [...new Set(ctx.settings.calendars)];
	await pruneDeselectedCalendars(ctx, calendars);
	for (const calendar of calendars) {
		if (ctx.provider === 'google') {
			addCounts(counts, await syncSource(ctx, googlePlan(ctx, calendar, options), options));
		} else {
			addCounts(counts, await syncSource(ctx, graphPlan(ctx, calendar, options), options));
		}
	}
	return counts;
}

/** The calendar a stored cursor follows (its resolved id: `primary` becomes the address). */
function followedCalendarId(cursor: SourceCursor | null): string | null {
	const calendarId = (cursor as { calendarId?: unknown } | null)?.calendarId;
	return typeof calendarId === 'string' && calendarId !== '' ? calendarId : null;
}

/**
 * Calendars the user no longer syncs: their cursors are dropped and their events deleted (with
 * their links), so the CRM does not keep showing meetings it no longer follows. The same calendar
 * chosen under another name (`primary`, then its own id, as the widget lists calendars) keeps its
 * events: only the old cursor goes. While a chosen `primary` has not been synced yet, the calendar
 * it names is unknown, so nothing is deleted before then.
 */
async function pruneDeselectedCalendars(
	ctx: SourceSyncContext,
	chosen: readonly string[],
): Promise<void> {
	const sourceType = ctx.provider === 'google' ? 'google_calendar' : 'graph_calendar';
	const cursors = (await listCursors(ctx.database.knex, ctx.workspaceId, ctx.integrationId)).filter(
		(cursor) => cursor.sourceType === sourceType,
	);
	const stale = cursors.filter((cursor) => !chosen.includes(cursor.sourceId));
	if (stale.length === 0) return;
	const kept = new Set<string>(chosen);
	for (const sourceId of chosen) {
		const followed = followedCalendarId(
			cursors.find((cursor) => cursor.sourceId === sourceId)?.cursor ?? null,
		);
		if (followed) kept.add(followed);
		// `primary` not synced yet: which calendar it names is unknown until it is.
		else if (sourceId === 'primary') return;
	}
	const scope = { workspaceId: ctx.workspaceId, integrationId: ctx.integrationId };
	for (const cursor of stale) {
		const calendarId = followedCalendarId(cursor.cursor) ?? cursor.sourceId;
		if (!kept.has(calendarId) && !kept.has(cursor.sourceId)) {
			await deleteCalendarEvents(ctx.database.knex, scope, calendarId);
		}
		await forgetCursor(ctx.database.knex, cursor);
	}
}

function googlePlan(
	ctx: SourceSyncContext,
	calendarId: string,
	options: CalendarSyncOptions,
): CalendarSourcePlan<GoogleCalendarCursor> {
	const client = createCalendarClient(ctx.requester, ctx.endpoints.googleApiBaseUrl);
	const source = googleCalendarChangeSource(client, calendarId, { pageSize: options.pageSize });
	return {
		key: { ...keyBase(ctx), sourceType: 'google_calendar', sourceId: calendarId },
		read: (cursor) => source.read(cursor),
		start: () => source.start({ since: calendarHorizonSince(ctx.settings, ctx.now()) }),
		calendarIdOf: (cursor) => cursor.calendarId,
		horizonOf: (cursor) => ({ since: cursor.since ? new Date(cursor.since) : null, until: null }),
		atListingStart: (cursor) => cursor.listing !== null && cursor.pageToken === null,
	};
}

function graphPlan(
	ctx: SourceSyncContext,
	calendar: string,
	options: CalendarSyncOptions,
): CalendarSourcePlan<GraphCalendarCursor> {
	const session = new GraphSession(ctx.requester, ctx.endpoints.graphBaseUrl);
	const ahead = options.graphWindowDaysAhead ?? GRAPH_WINDOW_DAYS_AHEAD;
	const source = new GraphCalendarSource(session, {
		calendar,
		ownerEmail: ctx.accountEmail,
		pageSize: options.pageSize,
		windowDaysAhead: ahead,
		now: ctx.now,
	});
	const start = () => source.start({ since: calendarHorizonSince(ctx.settings, ctx.now()) });
	return {
		key: { ...keyBase(ctx), sourceType: 'graph_calendar', sourceId: calendar },
		read: (cursor) => source.read(cursor),
		start,
		calendarIdOf: (cursor) => cursor.calendarId,
		horizonOf: (cursor) => ({
			since: new Date(cursor.windowStart),
			until: new Date(cursor.windowEnd),
		}),
		atListingStart: (cursor) => cursor.phase !== 'changes' && cursor.link === null,
		// A window fixed at the first listing would let later meetings go unseen: once less than
		// half of it lies ahead, the calendar is listed again over a new window.
		async renew(cursor) {
			const left = Date.parse(cursor.windowEnd) - ctx.now().getTime();
			if (cursor.phase !== 'changes' || left >= (ahead * DAY_MS) / 2) return null;
			return { ...(await start()), phase: 'resync' };
		},
	};
}

const keyBase = (ctx: SourceSyncContext) => ({
	workspaceId: ctx.workspaceId,
	integrationId: ctx.integrationId,
});

async function syncSource<TCursor extends SourceCursor>(
	ctx: SourceSyncContext,
	plan: CalendarSourcePlan<TCursor>,
	options: CalendarSyncOptions,
): Promise<SyncCounts> {
	const counts = emptyCounts();
	const { knex } = ctx.database;
	const { sourceType, sourceId } = plan.key;
	const progressName = `${sourceType}:${sourceId}`;

	const stored = await readCursor<TCursor>(knex, plan.key);
	// What the cursor row holds now: each page checks it is still so before writing after it.
	let expected = stored?.cursor ? JSON.stringify(stored.cursor) : null;
	let cursor = stored?.cursor ?? (await plan.start());
	const previous = (stored?.backfillState ?? {}) as Partial<CalendarListingState>;
	let last = {
		lastListingReason: previous.lastListingReason ?? null,
		lastListingCompletedAt: previous.lastListingCompletedAt ?? null,
	};
	let listing: RunningListing | null =
		stored?.cursor && previous.listingId && previous.reason && Array.isArray(previous.seen)
			? { id: previous.listingId, reason: previous.reason, seen: previous.seen }
			: null;
	const renewed = await plan.renew?.(cursor);
	if (renewed) cursor = renewed;
	// A listing read from its first page is tracked, so that its end can tell what was deleted.
	if (plan.atListingStart(cursor)) listing = newListing(renewed ? 'resync' : 'initial');

	let page = 0;
	let processed = 0;
	ctx.progress({ source: progressName, processed, total: null });
	for (;;) {
		const read = await plan.read(cursor);
		page++;
		const detail = { sourceType, sourceId, page };
		ctx.hooks?.atStep?.('fetched', detail);
		if (read.outcome === 'cursor_expired') {
			// The provider forgot the cursor: list again, and let the listing's end reconcile.
			cursor = read.cursor;
			listing = newListing('resync');
			continue;
		}
		if (read.listing && listing) {
			listing.reason = read.listing.reason;
			for (const item of read.items) listing.seen.push(item.record.providerEventId);
		}
		const calendarId = plan.calendarIdOf(read.cursor);
		const changes: StoredCalendarChange[] = [];
		await knex.transaction(async (trx) => {
			const held = await readCursor<TCursor>(trx, plan.key, { forUpdate: true });
			const current = held?.cursor ? JSON.stringify(held.cursor) : null;
			if (current !== expected) {
				throw new SyncConflictError(progressName);
			}
			const written = await writeCalendarEventPage(trx, {
				workspaceId: ctx.workspaceId,
				integrationId: ctx.integrationId,
				visibility: ctx.settings.visibility,
				events: read.items.map((item) => item.record),
				removed: { providerCalendarId: calendarId, providerEventIds: read.deleted },
			});
			changes.push(...written.changes);
			addCounts(counts, {
				fetched: read.items.length + read.deleted.length,
				created: written.counts.created,
				updated: written.counts.updated,
				deleted: written.counts.cancelled,
				skipped: written.counts.unchanged,
				failed: written.counts.failed,
			});
			ctx.hooks?.atStep?.('rows_written', detail);

			const extra: Parameters<typeof writeCursor>[3] = {};
			if (read.listing?.complete) {
				if (listing) {
					const reconciled = await cancelUnlistedCalendarEvents(trx, {
						workspaceId: ctx.workspaceId,
						integrationId: ctx.integrationId,
						providerCalendarId: calendarId,
						listedEventIds: listing.seen,
						...plan.horizonOf(read.cursor),
					});
					changes.push(...reconciled);
					counts.deleted += reconciled.length;
				}
				last = {
					lastListingReason: read.listing.reason,
					lastListingCompletedAt: ctx.now().toISOString(),
				};
				listing = null;
				extra.lastFullSyncAt = ctx.now();
				if (read.listing.reason === 'initial') extra.backfillCompletedAt = ctx.now();
			}
			const state: CalendarListingState = listing
				? { listingId: listing.id, reason: listing.reason, seen: listing.seen, ...last }
				: { listingId: null, reason: null, ...last };
			extra.backfillState = state as unknown as Record<string, JsonValue>;
			await writeCursor(trx, plan.key, read.cursor, extra);
			ctx.hooks?.atStep?.('cursor_written', detail);
		});
		ctx.hooks?.atStep?.('committed', detail);
		expected = JSON.stringify(read.cursor);
		cursor = read.cursor;
		processed += read.items.length + read.deleted.length;
		ctx.progress({ source: progressName, processed, total: null });
		if (changes.length) await options.onChanges?.(changes, { sourceType, sourceId });
		if (!read.hasMore) return counts;
	}
}
