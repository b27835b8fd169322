// YouTube Data API v3 (https://developers.google.com/youtube/v3/docs) under the googleApis root:
// channels.list (mine / id), commentThreads.list (allThreadsRelatedToChannelId / videoId, order,
// paging, searchTerms), comments.list (a thread's replies) and comments.insert (a reply), with YouTube's error reasons and a daily
// quota per Google project (list 1 unit, insert 50, 10,000 a day; reset at midnight Pacific).
// The sandbox Google account owns the one channel (generator/channels.ts). Control routes under
// /_emulator/youtube read and set the quota and add comments "now", so a sync sees new comments.

import { z } from 'zod';
import { EmulatorHttpError, googleError, type EmulatorRequest } from '../core/http';
import type { Router } from '../core/router';
import type { Account, EmulatorState } from '../core/state';
import type { GeneratedChannel } from '../generator/channels';
import { decodeToken, encodeToken } from './gmailEncoding';
import {
	channelById,
	channelOwnedBy,
	chargeQuota,
	commentResource,
	etagOf,
	insertThread,
	newChannelId,
	newReplyId,
	newThreadId,
	quotaDay,
	quotaUsed,
	sandboxChannel,
	setQuotaUsed,
	type StoredComment,
	type StoredThread,
	storedThreads,
	threadResource,
	YOUTUBE_QUOTA_COSTS,
	youtubeStore,
	youtubeTime,
	type YouTubeOptions,
} from './youtubeStore';

const AUTH = 'https://www.googleapis.com/auth/';
export const YOUTUBE_SCOPES = {
	/** Any of these reads channels and comment threads. */
	read: [`${AUTH}youtube.readonly`, `${AUTH}youtube`, `${AUTH}youtube.force-ssl`],
	/** comments.insert needs youtube.force-ssl (the API reference lists no other scope). */
	commentsWrite: [`${AUTH}youtube.force-ssl`],
};

const CHANNEL_PARTS = new Set([
	'auditDetails',
	'brandingSettings',
	'contentDetails',
	'contentOwnerDetails',
	'id',
	'localizations',
	'snippet',
	'statistics',
	'status',
	'topicDetails',
]);
const THREAD_PARTS = new Set(['id', 'snippet', 'replies']);
const COMMENT_PARTS = new Set(['id', 'snippet']);
const MAX_COMMENT_LENGTH = 10_000;

const QUOTA_MESSAGE =
	'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.';

function youtubeError(status: number, reason: string, domain: string, message: string): never {
	throw googleError(status, message, reason, { domain });
}

function parameterError(reason: string, message: string, location?: string): never {
	throw googleError(400, message, reason, {
		domain: 'youtube.parameter',
		location,
		locationType: location ? 'parameter' : undefined,
	});
}

/** `part` is required and every name must be one the resource has. */
function partsOf(req: EmulatorRequest, known: Set<string>): Set<string> {
	const raw = req.query.get('part');
	if (!raw) {
		throw googleError(400, 'Required parameter: part', 'required', {
			location: 'part',
			locationType: 'parameter',
		});
	}
	const parts = new Set(
		raw
			.split(',')
			.map((part) => part.trim())
			.filter(Boolean),
	);
	for (const part of parts) {
		if (!known.has(part)) {
			throw googleError(400, `'${part}'`, 'unknownPart', {
				domain: 'youtube.part',
				location: 'part',
				locationType: 'parameter',
			});
		}
	}
	return parts;
}

/** An enum parameter: absent = the default, anything else must be one of the values. */
function oneOf<T extends string>(
	req: EmulatorRequest,
	name: string,
	values: readonly T[],
	fallback: T,
): T {
	const raw = req.query.get(name);
	if (raw === null) return fallback;
	if (!values.includes(raw as T)) {
		throw googleError(
			400,
			`Invalid value '${raw}'. Values must be one of: ${[...values].sort().join(', ')}`,
			'invalidValue',
			{ location: name, locationType: 'parameter' },
		);
	}
	return raw as T;
}

function maxResultsOf(req: EmulatorRequest, fallback: number, min: number, max: number): number {
	const raw = req.query.get('maxResults');
	if (raw === null) return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw googleError(
			400,
			`Invalid value '${raw}'. Values must be within the range: [${min}, ${max}]`,
			'invalidValue',
			{ location: 'maxResults', locationType: 'parameter' },
		);
	}
	return value;
}

function channelResource(channel: GeneratedChannel, parts: Set<string>): Record<string, unknown> {
	const out: Record<string, unknown> = { kind: 'youtube#channel', etag: '', id: channel.id };
	if (parts.has('snippet')) {
		const thumb = (size: number) => ({
			url: `https://yt3.ggpht.com/ytc/${channel.id.slice(2, 14)}=s${size}-c-k-c0x00ffffff-no-rj`,
			width: size,
			height: size,
		});
		out.snippet = {
			title: channel.title,
			description: channel.description,
			customUrl: channel.customUrl,
			publishedAt: youtubeTime(channel.publishedAt),
			thumbnails: { default: thumb(88), medium: thumb(240), high: thumb(800) },
			localized: { title: channel.title, description: channel.description },
			country: channel.country,
		};
	}
	if (parts.has('contentDetails')) {
		out.contentDetails = { relatedPlaylists: { likes: '', uploads: channel.uploadsPlaylistId } };
	}
	if (parts.has('statistics')) {
		out.statistics = {
			viewCount: String(channel.viewCount),
			subscriberCount: String(channel.subscriberCount),
			hiddenSubscriberCount: false,
			videoCount: String(channel.videos.length),
		};
	}
	if (parts.has('status')) {
		out.status = {
			privacyStatus: 'public',
			isLinked: true,
			longUploadsStatus: 'allowed',
			madeForKids: false,
		};
	}
	out.etag = etagOf(out);
	return out;
}

interface ThreadPageToken {
	/** Id of the last thread on the previous page. */
	after: string;
	/** The filter the token belongs to: a token is only valid for the same query. */
	q: string;
}

function listThreads(state: EmulatorState, req: EmulatorRequest, account: Account) {
	const parts = partsOf(req, THREAD_PARTS);
	const channelFilter = req.query.get('allThreadsRelatedToChannelId');
	const videoFilter = req.query.get('videoId');
	const idFilter = req.query.get('id');
	const filters = [channelFilter, videoFilter, idFilter].filter((value) => value !== null);
	if (filters.length === 0) {
		parameterError(
			'missingRequiredParameter',
			'No filter selected. Expected one of: id, videoId, allThreadsRelatedToChannelId, channelId.',
		);
	}
	if (filters.length > 1) {
		parameterError(
			'incompatibleParameters',
			'Incompatible parameters specified in the request: allThreadsRelatedToChannelId, id, videoId.',
		);
	}
	const order = oneOf(req, 'order', ['time', 'relevance'], 'time');
	const textFormat = oneOf(req, 'textFormat', ['html', 'plainText'], 'html');
	const moderationStatus = req.query.get('moderationStatus') ?? 'published';
	const maxResults = maxResultsOf(req, 20, 1, 100);
	const searchTerms = req.query.get('searchTerms')?.trim().toLowerCase();

	let threads = storedThreads(state);
	if (channelFilter !== null) {
		const channel = channelById(state, channelFilter);
		if (!channel) {
			youtubeError(
				404,
				'channelNotFound',
				'youtube.commentThread',
				'The channel identified by the <code>allThreadsRelatedToChannelId</code> parameter could not be found.',
			);
		}
		// Held or spam comments are only shown to the channel's owner.
		if (moderationStatus !== 'published' && channelOwnedBy(state, account.email) !== channel) {
			youtubeError(
				403,
				'forbidden',
				'youtube.commentThread',
				'The comment thread could not be retrieved due to insufficient permissions. The request might not be properly authorized.',
			);
		}
		threads = threads.filter((thread) => thread.channelId === channel.id);
	} else if (videoFilter !== null) {
		const video = sandboxChannel(state).videos.find((candidate) => candidate.id === videoFilter);
		if (!video) {
			youtubeError(
				404,
				'videoNotFound',
				'youtube.commentThread',
				'The video identified by the <code>videoId</code> parameter could not be found.',
			);
		}
		if (video.commentsDisabled) {
			youtubeError(
				403,
				'commentsDisabled',
				'youtube.commentThread',
				'The video identified by the <code>videoId</code> parameter has disabled comments.',
			);
		}
		threads = threads.filter((thread) => thread.videoId === video.id);
	} else {
		const ids = new Set(idFilter!.split(',').map((id) => id.trim()));
		threads = threads.filter((thread) => ids.has(thread.id));
	}
	// Generated comments are all published: other moderation statuses list nothing.
	if (moderationStatus !== 'published') threads = [];
	if (searchTerms) {
		threads = threads.filter((thread) =>
			[thread.topLevel, ...thread.replies].some((comment) =>
				comment.text.toLowerCase().includes(searchTerms),
			),
		);
	}
	if (order === 'relevance') {
		threads = [...threads].sort(
			(a, b) =>
				b.topLevel.likeCount + b.replies.length - (a.topLevel.likeCount + a.replies.length) ||
				b.topLevel.publishedAt - a.topLevel.publishedAt,
		);
	}

	const querySignature = etagOf([channelFilter, videoFilter, idFilter, order, searchTerms ?? '']);
	let start = 0;
	const pageToken = req.query.get('pageToken');
	if (pageToken) {
		const token = decodeToken<ThreadPageToken>(pageToken);
		const index =
			token && token.q === querySignature ? threads.findIndex((t) => t.id === token.after) : -1;
		if (index === -1) {
			parameterError(
				'invalidPageToken',
				'The request specifies an invalid page token.',
				'pageToken',
			);
		}
		start = index + 1;
	}
	const page = threads.slice(start, start + maxResults);
	const body: Record<string, unknown> = { kind: 'youtube#commentThreadListResponse', etag: '' };
	if (start + maxResults < threads.length) {
		body.nextPageToken = encodeToken({ after: page[page.length - 1]!.id, q: querySignature });
	}
	// YouTube reports the size of the page here, not the size of the whole list.
	body.pageInfo = { totalResults: page.length, resultsPerPage: maxResults };
	body.items = page.map((thread) => threadResource(thread, parts, textFormat));
	body.etag = etagOf(body);
	return { status: 200, body };
}

const insertCommentSchema = z.object({
	snippet: z.object({
		parentId: z.string().optional(),
		textOriginal: z.string().optional(),
	}),
});

/**
 * comments.list: the replies of one thread (`parentId`), oldest first, or comments by `id`.
 * YouTube embeds only some replies in a thread and sends clients here for the rest.
 */
function listComments(state: EmulatorState, req: EmulatorRequest) {
	partsOf(req, COMMENT_PARTS);
	const parentId = req.query.get('parentId');
	const idFilter = req.query.get('id');
	if ((parentId === null) === (idFilter === null)) {
		parameterError(
			parentId === null ? 'missingRequiredParameter' : 'incompatibleParameters',
			parentId === null
				? 'No filter selected. Expected one of: id, parentId.'
				: 'Incompatible parameters specified in the request: id, parentId.',
		);
	}
	const textFormat = oneOf(req, 'textFormat', ['html', 'plainText'], 'html');
	const maxResults = maxResultsOf(req, 20, 1, 100);
	const threads = storedThreads(state);
	let comments: { comment: StoredComment; thread: StoredThread; isReply: boolean }[];
	if (parentId !== null) {
		const thread = threads.find((candidate) => candidate.id === parentId);
		comments = (thread?.replies ?? []).map((comment) => ({
			comment,
			thread: thread!,
			isReply: true,
		}));
	} else {
		const ids = new Set(idFilter!.split(',').map((id) => id.trim()));
		comments = threads.flatMap((thread) =>
			[thread.topLevel, ...thread.replies]
				.filter((comment) => ids.has(comment.id))
				.map((comment) => ({ comment, thread, isReply: comment !== thread.topLevel })),
		);
	}
	let start = 0;
	const pageToken = req.query.get('pageToken');
	if (pageToken) {
		const token = decodeToken<{ after: string }>(pageToken);
		const index = token ? comments.findIndex((entry) => entry.comment.id === token.after) : -1;
		if (index === -1) {
			parameterError(
				'invalidPageToken',
				'The request specifies an invalid page token.',
				'pageToken',
			);
		}
		start = index + 1;
	}
	const page = comments.slice(start, start + maxResults);
	const body: Record<string, unknown> = { kind: 'youtube#commentListResponse', etag: '' };
	if (start + maxResults < comments.length) {
		body.nextPageToken = encodeToken({ after: page[page.length - 1]!.comment.id });
	}
	body.pageInfo = { totalResults: page.length, resultsPerPage: maxResults };
	body.items = page.map((entry) =>
		commentResource(entry.comment, entry.thread, textFormat, entry.isReply),
	);
	body.etag = etagOf(body);
	return { status: 200, body };
}

function insertReply(state: EmulatorState, req: EmulatorRequest, account: Account) {
	partsOf(req, COMMENT_PARTS);
	const parsed = insertCommentSchema.safeParse(req.json());
	if (!parsed.success || !parsed.data.snippet.parentId) {
		youtubeError(
			400,
			'invalidCommentMetadata',
			'youtube.comment',
			'The request metadata is invalid.',
		);
	}
	const { parentId, textOriginal } = parsed.data.snippet;
	if (!textOriginal || textOriginal.trim() === '') {
		youtubeError(
			400,
			'commentTextRequired',
			'youtube.comment',
			'The comment resource that is being inserted must specify a value for the <code>snippet.textOriginal</code> property. Comments cannot be empty.',
		);
	}
	if (textOriginal.length > MAX_COMMENT_LENGTH) {
		youtubeError(
			400,
			'commentTextTooLong',
			'youtube.comment',
			'The comment resource that is being inserted contains too many characters in the <code>snippet.textOriginal</code> property.',
		);
	}
	const author = channelOwnedBy(state, account.email);
	if (!author) {
		youtubeError(
			403,
			'ineligibleAccount',
			'youtube.comment',
			'The YouTube account used to authorize the API request must be merged with the user’s Google account to insert a comment or comment thread.',
		);
	}
	const thread = storedThreads(state).find((candidate) => candidate.id === parentId);
	if (!thread) {
		youtubeError(
			404,
			'parentCommentNotFound',
			'youtube.comment',
			'The specified parent comment could not be found. Check the value of the <code>snippet.parentId</code> property in the request body to ensure that it is correct.',
		);
	}
	const now = state.now();
	const reply: StoredComment = {
		id: newReplyId(thread.id),
		authorDisplayName: author.customUrl,
		authorChannelId: author.id,
		text: textOriginal,
		publishedAt: now,
		updatedAt: now,
		likeCount: 0,
	};
	thread.replies.push(reply);
	return { status: 200, body: commentResource(reply, thread, 'html', true) };
}

// ---- control ------------------------------------------------------------------------------------

export interface AddedComment {
	videoId: string;
	text: string;
	authorDisplayName?: string;
	authorChannelId?: string;
	/** Reply to this thread instead of starting a new one. */
	parentId?: string;
	/** When it was written (ms or ISO); default the emulator clock's now. */
	publishedAt?: number | string;
}

export interface YouTubeQuotaReport {
	day: string;
	dailyLimit: number;
	/** Units used today per project (OAuth client id). */
	used: Record<string, number>;
}

/** In-process control of the YouTube surface (`emu.youtube`). */
export interface YouTubeEmulatorControl {
	/** The sandbox channel: id, handle, videos (which one has comments disabled). */
	channel(): {
		id: string;
		title: string;
		customUrl: string;
		videos: { id: string; title: string; publishedAt: string; commentsDisabled: boolean }[];
	};
	/** Every thread newest first, with the generated person behind each author (test truth). */
	threads(): StoredThread[];
	/** A new comment at "now" (or `publishedAt`): a new thread, or a reply with `parentId`. */
	addComment(comment: AddedComment): Record<string, unknown>;
	quota(): YouTubeQuotaReport;
	/** Daily limit for every project, and/or today's used units of one project (default: all known + the sandbox client). */
	setQuota(settings: { dailyLimit?: number; used?: number; clientId?: string }): YouTubeQuotaReport;
}

export function youtubeControl(
	state: EmulatorState,
	defaultProjects: () => string[],
): YouTubeEmulatorControl {
	const store = youtubeStore(state);
	const report = (): YouTubeQuotaReport => {
		const now = state.now();
		const used: Record<string, number> = {};
		for (const project of store.usage.keys()) used[project] = quotaUsed(store, project, now);
		return { day: quotaDay(now), dailyLimit: store.dailyLimit, used };
	};
	return {
		channel: () => {
			const channel = sandboxChannel(state);
			return {
				id: channel.id,
				title: channel.title,
				customUrl: channel.customUrl,
				videos: channel.videos.map((video) => ({
					id: video.id,
					title: video.title,
					publishedAt: youtubeTime(video.publishedAt),
					commentsDisabled: video.commentsDisabled,
				})),
			};
		},
		threads: () => structuredClone(storedThreads(state)),
		addComment: (comment) => addComment(state, comment),
		quota: report,
		setQuota: (settings) => {
			if (settings.dailyLimit !== undefined) store.dailyLimit = settings.dailyLimit;
			if (settings.used !== undefined) {
				const projects = settings.clientId
					? [settings.clientId]
					: [...new Set([...store.usage.keys(), ...defaultProjects()])];
				for (const project of projects) setQuotaUsed(store, project, settings.used, state.now());
			}
			return report();
		},
	};
}

function addComment(state: EmulatorState, comment: AddedComment): Record<string, unknown> {
	const channel = sandboxChannel(state);
	const at =
		comment.publishedAt === undefined
			? state.now()
			: typeof comment.publishedAt === 'number'
				? comment.publishedAt
				: Date.parse(comment.publishedAt);
	if (!Number.isFinite(at)) throw new Error(`publishedAt is not a date: ${comment.publishedAt}`);
	const stored: StoredComment = {
		id: '',
		authorDisplayName: comment.authorDisplayName ?? '@viewer',
		authorChannelId: comment.authorChannelId ?? newChannelId(),
		text: comment.text,
		publishedAt: at,
		updatedAt: at,
		likeCount: 0,
	};
	if (comment.parentId) {
		const thread = storedThreads(state).find((candidate) => candidate.id === comment.parentId);
		if (!thread) throw new Error(`no comment thread ${comment.parentId}`);
		stored.id = newReplyId(thread.id);
		thread.replies.push(stored);
		return commentResource(stored, thread, 'html', true);
	}
	const video = channel.videos.find((candidate) => candidate.id === comment.videoId);
	if (!video) throw new Error(`no video ${comment.videoId} on the sandbox channel`);
	stored.id = newThreadId();
	const thread: StoredThread = {
		id: stored.id,
		videoId: video.id,
		channelId: channel.id,
		topLevel: stored,
		replies: [],
	};
	insertThread(state, thread);
	return threadResource(thread, new Set(['snippet', 'replies']), 'html');
}

const addCommentSchema = z.object({
	videoId: z.string().min(1),
	text: z.string().min(1),
	authorDisplayName: z.string().min(1).optional(),
	authorChannelId: z.string().min(1).optional(),
	parentId: z.string().min(1).optional(),
	publishedAt: z.union([z.number(), z.string()]).optional(),
});

const setQuotaSchema = z.object({
	dailyLimit: z.number().int().nonnegative().optional(),
	used: z.number().int().nonnegative().optional(),
	clientId: z.string().min(1).optional(),
});

function controlBody<T>(req: EmulatorRequest, schema: z.ZodType<T>): T {
	const parsed = schema.safeParse(req.body.length === 0 ? {} : req.json());
	if (!parsed.success) {
		throw new EmulatorHttpError({
			status: 400,
			body: {
				error: parsed.error.issues
					.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
					.join('; '),
			},
		});
	}
	return parsed.data;
}

// ---- routes -------------------------------------------------------------------------------------

export function registerYouTube(
	router: Router,
	state: EmulatorState,
	options: YouTubeOptions = {},
	defaultProjects: () => string[] = () => [],
): YouTubeEmulatorControl {
	const store = youtubeStore(state, options);
	const control = youtubeControl(state, defaultProjects);

	const route = (
		method: string,
		path: string,
		name: string,
		scopes: string[],
		cost: number,
		handler: (req: EmulatorRequest, account: Account) => { status: number; body: unknown },
	) => {
		router.add(
			method,
			path,
			{ name, surface: 'youtube', auth: { provider: 'google', anyOfScopes: scopes } },
			(req) => {
				// The project is the OAuth client the token was issued to. Invalid requests cost
				// their units too, as on YouTube.
				if (!chargeQuota(store, req.grant!.clientId, cost, state.now())) {
					// YouTube's quota error carries no `status` field, unlike Google's newer errors.
					const error = googleError(403, QUOTA_MESSAGE, 'quotaExceeded', {
						domain: 'youtube.quota',
					});
					delete (error.response.body as { error: { status?: string } }).error.status;
					throw error;
				}
				return handler(req, req.account!);
			},
		);
	};

	route(
		'GET',
		'/youtube/v3/channels',
		'youtube.channels.list',
		YOUTUBE_SCOPES.read,
		YOUTUBE_QUOTA_COSTS.list,
		(req, account) => {
			const parts = partsOf(req, CHANNEL_PARTS);
			const maxResults = maxResultsOf(req, 5, 0, 50);
			let channels: GeneratedChannel[];
			if (req.query.get('mine') === 'true') {
				const own = channelOwnedBy(state, account.email);
				channels = own ? [own] : [];
			} else if (req.query.get('id') !== null) {
				channels = req.query
					.get('id')!
					.split(',')
					.map((id) => channelById(state, id.trim()))
					.filter((channel): channel is GeneratedChannel => channel !== undefined);
			} else if (req.query.get('forHandle') !== null) {
				const handle = req.query.get('forHandle')!.replace(/^@?/, '@').toLowerCase();
				const channel = sandboxChannel(state);
				channels = channel.customUrl.toLowerCase() === handle ? [channel] : [];
			} else {
				parameterError(
					'missingRequiredParameter',
					'No filter selected. Expected one of: forUsername, managedByMe, categoryId, mine, mySubscribers, id, idParam, forHandle.',
				);
			}
			const body: Record<string, unknown> = {
				kind: 'youtube#channelListResponse',
				etag: '',
				pageInfo: { totalResults: channels.length, resultsPerPage: maxResults },
			};
			// YouTube leaves `items` out when nothing matched (an account without a channel).
			if (channels.length > 0)
				body.items = channels.map((channel) => channelResource(channel, parts));
			body.etag = etagOf(body);
			return { status: 200, body };
		},
	);

	route(
		'GET',
		'/youtube/v3/commentThreads',
		'youtube.commentThreads.list',
		YOUTUBE_SCOPES.read,
		YOUTUBE_QUOTA_COSTS.list,
		(req, account) => listThreads(state, req, account),
	);

	route(
		'GET',
		'/youtube/v3/comments',
		'youtube.comments.list',
		YOUTUBE_SCOPES.read,
		YOUTUBE_QUOTA_COSTS.list,
		(req) => listComments(state, req),
	);

	route(
		'POST',
		'/youtube/v3/comments',
		'youtube.comments.insert',
		YOUTUBE_SCOPES.commentsWrite,
		YOUTUBE_QUOTA_COSTS.insert,
		(req, account) => insertReply(state, req, account),
	);

	const opts = (name: string) => ({ name: `control.youtube.${name}`, surface: 'control' as const });
	router.add('GET', '/_emulator/youtube/quota', opts('quota'), () => ({
		status: 200,
		body: control.quota(),
	}));
	router.add('POST', '/_emulator/youtube/quota', opts('setQuota'), (req) => ({
		status: 200,
		body: control.setQuota(controlBody(req, setQuotaSchema)),
	}));
	router.add('GET', '/_emulator/youtube/channel', opts('channel'), () => ({
		status: 200,
		body: control.channel(),
	}));
	router.add('POST', '/_emulator/youtube/comments', opts('addComment'), (req) => {
		const comment = controlBody(req, addCommentSchema);
		try {
			return { status: 200, body: control.addComment(comment) };
		} catch (error) {
			throw new EmulatorHttpError({ status: 400, body: { error: (error as Error).message } });
		}
	});
	return control;
}
