import type { IExecuteFunctions } from 'n8n-workflow';

import {
	createYouTubeClient,
	DEFAULT_RETRY_POLICY,
	threadComments,
	type YouTubeClient,
	type YouTubeCommentRecord,
	type YouTubeCommentThread,
} from '../../../../core';
import { resolveGoogleCredential } from '../../../shared/googleAuthentication';
import { n8nRequester } from '../../../shared/providerTransport';

/**
 * The YouTube client of the node's credential. n8n's requester is asked for no retries: the
 * YouTube client retries 429 and 5xx itself and never a 403 quotaExceeded (only the quota day's
 * end cures that).
 */
export async function youtubeConnection(context: IExecuteFunctions): Promise<YouTubeClient> {
	const { credentialType, apiBaseUrl } = await resolveGoogleCredential(
		context,
		'youTubeCrmOAuth2Api',
	);
	const requester = n8nRequester(context, credentialType, {
		...DEFAULT_RETRY_POLICY,
		maxAttempts: 1,
	});
	return createYouTubeClient(requester, { apiBaseUrl });
}

/** A comment thread as the node outputs it: the top-level comment flat, replies beside it. */
export function threadItem(thread: YouTubeCommentThread) {
	const [topLevel, ...replies] = threadComments(thread);
	return {
		threadId: thread.id,
		channelId: thread.snippet.channelId ?? null,
		videoId: thread.snippet.videoId ?? null,
		canReply: thread.snippet.canReply ?? null,
		totalReplyCount: thread.snippet.totalReplyCount ?? 0,
		isPublic: thread.snippet.isPublic ?? null,
		...commentItem(topLevel),
		replies: replies.map(commentItem),
	};
}

export function commentItem(comment: YouTubeCommentRecord) {
	return {
		commentId: comment.commentId,
		parentId: comment.parentId,
		authorDisplayName: comment.authorDisplayName,
		authorChannelId: comment.authorChannelId,
		authorChannelUrl: comment.authorChannelUrl,
		textOriginal: comment.textOriginal,
		textDisplay: comment.textDisplay,
		likeCount: comment.likeCount,
		publishedAt: comment.publishedAt,
		updatedAt: comment.updatedAt,
	};
}
