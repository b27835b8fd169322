// YouTube Data API v3 through a ProviderRequester: the channel of the token (channels.list mine),
// comment threads of a channel or a video (commentThreads.list, newest first), and replies
// (comments.insert). There is no official client for YouTube in this package's dependencies, so
// the calls are plain REST with every answer checked by zod (youtubeSchemas.ts).
//
// Quota: every project has 10,000 units a day, reset at midnight Pacific Time; a list costs 1
// unit, an insert 50. An exhausted quota answers 403 `quotaExceeded`, which is not a rate limit:
// retrying only burns time until the reset. So this module retries 429 and 5xx only, and turns
// `quotaExceeded` into YouTubeQuotaExceededError, which says when the quota comes back.
import { formatInstantInZone, wallTimeToInstant, dayAfter } from '../../time/zonedTime';
import { DEFAULT_GOOGLE_API_BASE_URL } from './googleClients';
import { ProviderHttpError, type ProviderRequest, type ProviderRequester } from '../http';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from '../retry';
import {
	youtubeChannelListSchema,
	youtubeCommentSchema,
	youtubeCommentThreadListSchema,
	type YouTubeChannel,
	type YouTubeComment,
	type YouTubeCommentThread,
} from './youtubeSchemas';

export type { YouTubeChannel, YouTubeComment, YouTubeCommentThread } from './youtubeSchemas';

/** Units each call costs against the project's daily quota (YouTube's published costs). */
export const YOUTUBE_QUOTA_COST = { list: 1, insert: 50 } as const;
/** The default daily quota of a Google Cloud project. */
export const YOUTUBE_DAILY_QUOTA = 10_000;
/** YouTube resets quotas at midnight in this zone. */
export const YOUTUBE_QUOTA_TIME_ZONE = 'America/Los_Angeles';
/** The most threads one commentThreads.list page returns. */
export const COMMENT_THREADS_PAGE_SIZE = 100;

/** The quota day an instant falls in (YYYY-MM-DD, Pacific Time), as YouTube counts it. */
export function youtubeQuotaDay(at: Date): string {
	return formatInstantInZone(at.getTime(), YOUTUBE_QUOTA_TIME_ZONE).slice(0, 10);
}

/** When the quota day of `at` ends (the next midnight Pacific Time). */
export function nextYoutubeQuotaReset(at: Date): Date {
	const next = dayAfter(youtubeQuotaDay(at));
	return new Date(wallTimeToInstant(`${next}T00:00:00`, YOUTUBE_QUOTA_TIME_ZONE)!);
}

/** The project's daily YouTube quota is used up; nothing but waiting for the reset helps. */
export class YouTubeQuotaExceededError extends Error {
	readonly code = 'youtube_quota_exceeded';
	readonly resetsAt: Date;
	constructor(at: Date, detail?: string) {
		const resetsAt = nextYoutubeQuotaReset(at);
		super(
			`The YouTube Data API daily quota of this Google Cloud project is used up; it resets at ` +
				`midnight Pacific Time (${resetsAt.toISOString()}). Ask Google for more quota or wait.` +
				(detail ? ` (${detail})` : ''),
		);
		this.name = 'YouTubeQuotaExceededError';
		this.resetsAt = resetsAt;
	}
}

const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);

export interface YouTubeClientOptions {
	/** Google API root (the emulator's in tests); default https://www.googleapis.com. */
	apiBaseUrl?: string;
	/** Retries of 429 and 5xx answers (other failures are never retried). */
	retryPolicy?: RetryPolicy;
	/** The clock the quota error's reset time is computed from. */
	now?: () => Date;
}

export interface YouTubeClient {
	/** The channel(s) of the authorized account (`mine=true`). Costs 1 unit. */
	myChannels(): Promise<YouTubeChannel[]>;
	/** One page of comment threads, newest first (`order=time`). Costs 1 unit. */
	commentThreadsPage(
		options: CommentThreadsQuery & { pageToken?: string; maxResults?: number },
	): Promise<{ threads: YouTubeCommentThread[]; nextPageToken: string | null }>;
	/** Comment threads followed across pages up to `limit` (every page when undefined). */
	commentThreads(
		options: CommentThreadsQuery & { limit?: number },
	): Promise<YouTubeCommentThread[]>;
	/** Replies to a top-level comment. Costs 50 units. */
	reply(parentId: string, text: string): Promise<YouTubeComment>;
}

export interface CommentThreadsQuery {
	/** Threads on every video of a channel (and on the channel itself). */
	channelId?: string;
	/** Threads on one video. */
	videoId?: string;
	order?: 'time' | 'relevance';
	/** Include the replies YouTube embeds in each thread (`part=snippet,replies`). */
	includeReplies?: boolean;
	/** Only threads matching this text (YouTube's searchTerms). */
	searchTerms?: string;
}

function isRetryable(error: unknown): boolean {
	return error instanceof ProviderHttpError && (error.status === 429 || error.status >= 500);
}

/** The YouTube client over a requester that does not retry by itself. */
export function createYouTubeClient(
	requester: ProviderRequester,
	options: YouTubeClientOptions = {},
): YouTubeClient {
	const root = `${(options.apiBaseUrl || DEFAULT_GOOGLE_API_BASE_URL).replace(/\/+$/, '')}/youtube/v3`;
	const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
	const now = options.now ?? (() => new Date());
	const sleep = policy.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));

	async function send(request: ProviderRequest): Promise<unknown> {
		for (let attempt = 1; ; attempt++) {
			try {
				return (await requester({ ...request, responseType: 'json' })).body;
			} catch (error) {
				if (
					error instanceof ProviderHttpError &&
					error.status === 403 &&
					error.reason &&
					QUOTA_REASONS.has(error.reason)
				) {
					throw new YouTubeQuotaExceededError(now(), error.message);
				}
				if (attempt >= policy.maxAttempts || !isRetryable(error)) throw error;
				const delay = retryDelayMs(error, attempt, policy);
				if (delay > policy.maxRetryAfterMs) throw error;
				await sleep(delay);
			}
		}
	}

	const url = (path: string, query: Record<string, string | number | boolean | undefined>) => {
		const search = new URLSearchParams();
		for (const [key, value] of Object.entries(query)) {
			if (value !== undefined && value !== '') search.set(key, String(value));
		}
		return `${root}/${path}?${search.toString()}`;
	};

	async function commentThreadsPage(
		query: CommentThreadsQuery & { pageToken?: string; maxResults?: number },
	) {
		if (!query.channelId === !query.videoId) {
			throw new Error('Give exactly one of a channel id or a video id to list comment threads');
		}
		const body = await send({
			method: 'GET',
			url: url('commentThreads', {
				part: query.includeReplies === false ? 'snippet' : 'snippet,replies',
				allThreadsRelatedToChannelId: query.channelId,
				videoId: query.videoId,
				order: query.order ?? 'time',
				searchTerms: query.searchTerms,
				textFormat: 'html',
				maxResults: Math.min(COMMENT_THREADS_PAGE_SIZE, Math.max(1, query.maxResults ?? 100)),
				pageToken: query.pageToken,
			}),
		});
		const page = youtubeCommentThreadListSchema.parse(body);
		return { threads: page.items, nextPageToken: page.nextPageToken || null };
	}

	return {
		async myChannels() {
			const body = await send({
				method: 'GET',
				url: url('channels', { part: 'snippet,statistics,contentDetails', mine: true }),
			});
			return youtubeChannelListSchema.parse(body).items;
		},
		commentThreadsPage,
		async commentThreads(query) {
			const threads: YouTubeCommentThread[] = [];
			let pageToken: string | undefined;
			for (;;) {
				const remaining = query.limit === undefined ? 100 : query.limit - threads.length;
				const page = await commentThreadsPage({ ...query, pageToken, maxResults: remaining });
				threads.push(...page.threads);
				if (query.limit !== undefined && threads.length >= query.limit)
					return threads.slice(0, query.limit);
				if (!page.nextPageToken) return threads;
				pageToken = page.nextPageToken;
			}
		},
		async reply(parentId, text) {
			if (!parentId.trim()) throw new Error('The id of the comment to reply to is empty');
			if (!text.trim()) throw new Error('The reply text is empty');
			const body = await send({
				method: 'POST',
				url: url('comments', { part: 'snippet' }),
				body: { snippet: { parentId, textOriginal: text } },
			});
			return youtubeCommentSchema.parse(body);
		},
	};
}

/** A comment in the flat shape the node and the store use. */
export interface YouTubeCommentRecord {
	commentId: string;
	threadId: string | null;
	parentId: string | null;
	channelId: string | null;
	videoId: string | null;
	authorDisplayName: string | null;
	authorChannelId: string | null;
	authorChannelUrl: string | null;
	textOriginal: string | null;
	textDisplay: string | null;
	likeCount: number;
	publishedAt: string;
	updatedAt: string | null;
}

export function commentRecord(
	comment: YouTubeComment,
	thread?: { id: string; channelId?: string; videoId?: string },
): YouTubeCommentRecord {
	const s = comment.snippet;
	return {
		commentId: comment.id,
		threadId: thread?.id ?? s.parentId ?? null,
		parentId: s.parentId ?? null,
		channelId: s.channelId ?? thread?.channelId ?? null,
		videoId: s.videoId ?? thread?.videoId ?? null,
		authorDisplayName: s.authorDisplayName ?? null,
		authorChannelId: s.authorChannelId?.value ?? null,
		authorChannelUrl: s.authorChannelUrl ?? null,
		textOriginal: s.textOriginal ?? null,
		textDisplay: s.textDisplay ?? null,
		likeCount: s.likeCount ?? 0,
		publishedAt: s.publishedAt,
		updatedAt: s.updatedAt ?? null,
	};
}

/** The top-level comment and the embedded replies of a thread, as records. */
export function threadComments(thread: YouTubeCommentThread): YouTubeCommentRecord[] {
	const where = {
		id: thread.id,
		channelId: thread.snippet.channelId,
		videoId: thread.snippet.videoId,
	};
	return [
		commentRecord(thread.snippet.topLevelComment, where),
		...(thread.replies?.comments ?? []).map((reply) => commentRecord(reply, where)),
	];
}
