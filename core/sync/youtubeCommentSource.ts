// YouTube comments of a connected Google account's channel, polled into youtube_comments (the
// inbox's `youtube` messages). One source per integration: the channel of the token
// (channels.list mine), kept in sync_cursors as source type 'youtube_channel'.
//
// Polling: commentThreads.list over the whole channel, newest first (order=time), page by page,
// stopping at the newest comment the previous poll saw (the cursor: its id and publishedAt). A
// first poll stores the newest comments within the integration's initial horizon (N messages
// or N days). Each page's comments and the source's state commit in one transaction; while a
// poll runs, the cursor stays where it was and the poll's own progress (next page token, newest
// comment seen) is kept beside it, so a crash or a stop for the quota resumes where it was and
// never skips anything; writes are idempotent, so nothing is stored twice.
//
// Quota: YouTube gives a Google Cloud project 10,000 units a day (reset at midnight Pacific
// Time), shared by every integration and node using that project. Each integration gets a daily
// budget (default 2,000 units); the source counts the units it spends per quota day and stops
// before a call would go over, until the next day. A 403 quotaExceeded (the project's quota used
// up elsewhere) stops polling for the rest of that day too. Neither fails the integration's sync:
// the report says why the source stopped and when it resumes.
//
// Limits: replies are stored as YouTube embeds them in a thread when the thread is read; a reply
// added later to a thread older than the cursor is not seen (YouTube orders threads by their
// top-level comment). Comments held for review are not listed by YouTube to this call.
import {
	createYouTubeClient,
	nextYoutubeQuotaReset,
	threadComments,
	youtubeQuotaDay,
	YOUTUBE_QUOTA_COST,
	YouTubeQuotaExceededError,
	type YouTubeClient,
	type YouTubeCommentThread,
} from '../providers/google/youtube';
import type { RetryPolicy } from '../providers/retry';
import { listCursors, readCursor, writeCursor, type SourceKey } from '../store/cursors';
import { linkYoutubeCommentsToPeople, writeYoutubeComments } from '../store/youtubeComments';
import {
	emptyCounts,
	SyncConflictError,
	type SourceSyncContext,
	type SyncCounts,
} from './sourceSync';

/** Units a day one integration may spend by default: a fifth of a project's 10,000. */
export const DEFAULT_YOUTUBE_DAILY_BUDGET = 2_000;

/** Scopes that allow reading a channel's comment threads. */
export const YOUTUBE_READ_SCOPES = [
	'https://www.googleapis.com/auth/youtube.readonly',
	'https://www.googleapis.com/auth/youtube.force-ssl',
	'https://www.googleapis.com/auth/youtube',
];

export const YOUTUBE_SOURCE_TYPE = 'youtube_channel' satisfies SourceKey['sourceType'];

/** Where polling stands: the newest comment stored by the last completed poll. */
export interface YoutubeCommentCursor {
	[key: string]: string | null;
	channelId: string;
	newestCommentId: string | null;
	newestPublishedAt: string | null;
}

/** Kept beside the cursor (backfill_state): the quota spent today and a running poll. */
interface YoutubeSourceState {
	quotaDay: string;
	unitsUsed: number;
	/** The quota day on which YouTube answered quotaExceeded. */
	quotaExceededDay: string | null;
	poll: {
		reason: 'initial' | 'incremental';
		pageToken: string | null;
		newestCommentId: string | null;
		newestPublishedAt: string | null;
		threadsStored: number;
	} | null;
}

export type YoutubeStopReason =
	/** Reached the comment the previous poll stopped at, or the end of the channel's comments. */
	| 'caught_up'
	/** A first poll reached the initial horizon (N newest comments or N days). */
	| 'initial_horizon'
	/** The next call would have gone over the integration's daily budget. */
	| 'budget'
	/** YouTube answered quotaExceeded (the project's daily quota is used up). */
	| 'quota_exceeded'
	/** The account granted no YouTube scope. */
	| 'no_scope'
	/** The account has no YouTube channel. */
	| 'no_channel';

export interface YoutubeCommentSyncReport {
	counts: SyncCounts;
	channelId: string | null;
	stoppedBy: YoutubeStopReason;
	/** Units this integration spent in the current quota day (Pacific Time), after this poll. */
	unitsUsedToday: number;
	dailyBudget: number;
	/** When polling resumes after a budget or quota stop (the next midnight Pacific Time). */
	resumesAt: string | null;
	/** Links to people made by this poll. */
	linked: number;
}

export interface YoutubeCommentSyncOptions {
	/** Units a day this integration may spend (default DEFAULT_YOUTUBE_DAILY_BUDGET). */
	dailyBudget?: number;
	/** Threads per page (default and maximum 100). */
	pageSize?: number;
	/** Retries of 429 and 5xx answers. */
	retryPolicy?: RetryPolicy;
	/** A client to use instead of one over ctx.requester. */
	client?: YouTubeClient;
}

/** What the source needs of the engine's context; `requester` should not retry by itself. */
export type YoutubeSourceContext = Pick<
	SourceSyncContext,
	| 'database'
	| 'workspaceId'
	| 'integrationId'
	| 'settings'
	| 'requester'
	| 'endpoints'
	| 'now'
	| 'hooks'
	| 'progress'
>;

/** Whether granted scopes let the source read comments. */
export function grantsYoutubeRead(scopes: readonly string[] | null | undefined): boolean {
	return (scopes ?? []).some((scope) => YOUTUBE_READ_SCOPES.includes(scope));
}

const DAY_MS = 86_400_000;

/**
 * Polls the integration's channel once. Throws what the provider (but a quota stop) or the
 * database throws; the engine classifies it.
 */
export async function syncYoutubeCommentSource(
	ctx: YoutubeSourceContext,
	options: YoutubeCommentSyncOptions = {},
): Promise<YoutubeCommentSyncReport> {
	const knex = ctx.database.knex;
	const counts = emptyCounts();
	const dailyBudget = options.dailyBudget ?? DEFAULT_YOUTUBE_DAILY_BUDGET;
	const now = ctx.now();
	const day = youtubeQuotaDay(now);
	const report = (
		stoppedBy: YoutubeStopReason,
		state: YoutubeSourceState | null,
		channelId: string | null,
		linked = 0,
	): YoutubeCommentSyncReport => ({
		counts,
		channelId,
		stoppedBy,
		unitsUsedToday: state?.quotaDay === day ? state.unitsUsed : 0,
		dailyBudget,
		resumesAt:
			stoppedBy === 'budget' || stoppedBy === 'quota_exceeded'
				? nextYoutubeQuotaReset(now).toISOString()
				: null,
		linked,
	});

	const integration = (await knex('integrations')
		.where({ workspace_id: ctx.workspaceId, id: ctx.integrationId })
		.first('granted_scopes')) as { granted_scopes: string[] | null } | undefined;
	if (!grantsYoutubeRead(integration?.granted_scopes)) return report('no_scope', null, null);

	const client =
		options.client ??
		createYouTubeClient(ctx.requester, {
			apiBaseUrl: ctx.endpoints.googleApiBaseUrl,
			retryPolicy: options.retryPolicy,
			now: ctx.now,
		});
	const existing = (await listCursors(knex, ctx.workspaceId, ctx.integrationId)).find(
		(cursor) => cursor.sourceType === YOUTUBE_SOURCE_TYPE,
	);
	const stored = existing?.backfillState as Partial<YoutubeSourceState> | undefined;
	const state: YoutubeSourceState = {
		quotaDay: day,
		unitsUsed: stored?.quotaDay === day ? (stored.unitsUsed ?? 0) : 0,
		quotaExceededDay: stored?.quotaExceededDay ?? null,
		poll: stored?.poll ?? null,
	};
	let channelId = existing?.sourceId ?? null;
	if (state.quotaExceededDay === day) return report('quota_exceeded', state, channelId);

	/** Counts `units` against today's budget, or says the call must not be made. */
	const spend = (units: number) => {
		if (state.unitsUsed + units > dailyBudget) return false;
		state.unitsUsed += units;
		return true;
	};

	// The channel is asked once: a token's channel does not change (another account is another
	// integration).
	if (!channelId) {
		if (!spend(YOUTUBE_QUOTA_COST.list)) return report('budget', state, null);
		let channels;
		try {
			channels = await client.myChannels();
		} catch (error) {
			if (error instanceof YouTubeQuotaExceededError) return report('quota_exceeded', state, null);
			throw error;
		}
		if (channels.length === 0) return report('no_channel', state, null);
		channelId = channels[0].id;
	}

	const key: SourceKey = {
		workspaceId: ctx.workspaceId,
		integrationId: ctx.integrationId,
		sourceType: YOUTUBE_SOURCE_TYPE,
		sourceId: channelId,
	};
	let cursor: YoutubeCommentCursor = (existing?.cursor as YoutubeCommentCursor | null) ?? {
		channelId,
		newestCommentId: null,
		newestPublishedAt: null,
	};
	let expected = existing?.cursor ? JSON.stringify(existing.cursor) : null;
	const initial = cursor.newestCommentId === null;
	const horizon = ctx.settings.initialHorizon;
	const initialCount = horizon.kind === 'messages' ? horizon.count : null;
	const initialSince =
		horizon.kind === 'days' ? now.getTime() - horizon.days * DAY_MS : Number.NEGATIVE_INFINITY;
	const poll = state.poll ?? {
		reason: initial ? 'initial' : 'incremental',
		pageToken: null,
		newestCommentId: null,
		newestPublishedAt: null,
		threadsStored: 0,
	};
	state.poll = poll;

	/** Saves the state alone (units spent, a poll to resume), when no page is written with it. */
	const saveState = async () => {
		await knex.transaction(async (trx) => {
			await checkCursor(trx, key, expected);
			await writeCursor(trx, key, cursor, { backfillState: { ...state } });
		});
		expected = JSON.stringify(cursor);
	};

	const progressName = `${YOUTUBE_SOURCE_TYPE}:${channelId}`;
	let processed = 0;
	let linked = 0;
	ctx.progress({ source: progressName, processed, total: null });
	for (let page = 1; ; page++) {
		if (!spend(YOUTUBE_QUOTA_COST.list)) {
			await saveState();
			return report('budget', state, channelId, linked);
		}
		let read: { threads: YouTubeCommentThread[]; nextPageToken: string | null };
		try {
			read = await client.commentThreadsPage({
				channelId,
				order: 'time',
				includeReplies: true,
				pageToken: poll.pageToken ?? undefined,
				maxResults: options.pageSize,
			});
		} catch (error) {
			if (error instanceof YouTubeQuotaExceededError) {
				state.quotaExceededDay = day;
				await saveState();
				return report('quota_exceeded', state, channelId, linked);
			}
			// A unit spent on a failed call still counts (YouTube charges it).
			await saveState().catch(() => undefined);
			throw error;
		}
		const detail = { sourceType: YOUTUBE_SOURCE_TYPE, sourceId: channelId, page };
		ctx.hooks?.atStep?.('fetched', detail);

		// Newest first: take threads until the one the previous poll stopped at.
		const taken: YouTubeCommentThread[] = [];
		let stop: YoutubeStopReason | null = null;
		const seenAt = cursor.newestPublishedAt ? Date.parse(cursor.newestPublishedAt) : null;
		for (const thread of read.threads) {
			const top = thread.snippet.topLevelComment;
			const publishedAt = Date.parse(top.snippet.publishedAt);
			if (
				cursor.newestCommentId !== null &&
				(top.id === cursor.newestCommentId || (seenAt !== null && publishedAt < seenAt))
			) {
				stop = 'caught_up';
				break;
			}
			if (
				poll.reason === 'initial' &&
				((initialCount !== null && poll.threadsStored + taken.length >= initialCount) ||
					publishedAt < initialSince)
			) {
				stop = 'initial_horizon';
				break;
			}
			taken.push(thread);
			if (poll.newestCommentId === null) {
				poll.newestCommentId = top.id;
				poll.newestPublishedAt = top.snippet.publishedAt;
			}
		}
		if (!stop && !read.nextPageToken) stop = 'caught_up';
		const comments = taken
			.flatMap(threadComments)
			// Stored under the connected channel (a comment on the channel itself has no video).
			.map((comment) => ({ ...comment, channelId }));

		const finished = stop !== null;
		const next: YoutubeCommentCursor =
			finished && poll.newestCommentId !== null
				? {
						channelId,
						newestCommentId: poll.newestCommentId,
						newestPublishedAt: poll.newestPublishedAt,
					}
				: cursor;
		poll.threadsStored += taken.length;
		poll.pageToken = read.nextPageToken;
		if (finished) state.poll = null;

		await knex.transaction(async (trx) => {
			await checkCursor(trx, key, expected);
			const written = await writeYoutubeComments(
				trx,
				{ workspaceId: ctx.workspaceId, integrationId: ctx.integrationId },
				comments,
			);
			counts.fetched += comments.length;
			counts.created += written.created;
			counts.updated += written.updated;
			counts.skipped += written.unchanged;
			if (comments.length)
				linked += await linkYoutubeCommentsToPeople(trx, ctx.workspaceId, {
					integrationId: ctx.integrationId,
				});
			ctx.hooks?.atStep?.('rows_written', detail);
			// No lastFullSyncAt: the engine reads it as "a mail or calendar relisting ran", which
			// would call every run with comments on a full resync.
			await writeCursor(trx, key, next, {
				backfillState: { ...state },
				...(finished && poll.reason === 'initial' ? { backfillCompletedAt: ctx.now() } : {}),
			});
			ctx.hooks?.atStep?.('cursor_written', detail);
		});
		ctx.hooks?.atStep?.('committed', detail);
		cursor = next;
		expected = JSON.stringify(next);
		processed += comments.length;
		ctx.progress({ source: progressName, processed, total: null });
		if (stop) {
			// A person whose channel id was set since the last poll gets their earlier comments.
			linked += await linkYoutubeCommentsToPeople(knex, ctx.workspaceId, {
				integrationId: ctx.integrationId,
			});
			return report(stop, state, channelId, linked);
		}
	}
}

/** Refuses to write when another sync moved the cursor since this one read it. */
async function checkCursor(
	trx: Parameters<typeof readCursor>[0],
	key: SourceKey,
	expected: string | null,
): Promise<void> {
	const held = await readCursor(trx, key, { forUpdate: true });
	const current = held?.cursor ? JSON.stringify(held.cursor) : null;
	if (current !== expected) throw new SyncConflictError(`${key.sourceType}:${key.sourceId}`);
}
