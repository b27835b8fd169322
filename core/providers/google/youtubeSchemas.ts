// The YouTube Data API v3 payloads crm-connect reads (channels.list, commentThreads.list,
// comments.insert), as the API reference describes them. Only the fields we use are required;
// everything else is optional or passed through, so a field Google adds never breaks a sync.
import { z } from 'zod';

const thumbnailsSchema = z
	.record(
		z.string(),
		z.object({ url: z.string(), width: z.number().optional(), height: z.number().optional() }),
	)
	.optional();

export const youtubeCommentSchema = z
	.object({
		kind: z.literal('youtube#comment').optional(),
		etag: z.string().optional(),
		id: z.string().min(1),
		snippet: z
			.object({
				authorDisplayName: z.string().optional(),
				authorProfileImageUrl: z.string().optional(),
				authorChannelUrl: z.string().optional(),
				// Absent for authors without a channel (rare; Google+ era comments).
				authorChannelId: z.object({ value: z.string() }).optional(),
				channelId: z.string().optional(),
				videoId: z.string().optional(),
				textDisplay: z.string().optional(),
				textOriginal: z.string().optional(),
				parentId: z.string().optional(),
				canRate: z.boolean().optional(),
				viewerRating: z.string().optional(),
				likeCount: z.number().int().nonnegative().optional(),
				moderationStatus: z.string().optional(),
				publishedAt: z.string(),
				updatedAt: z.string().optional(),
			})
			.passthrough(),
	})
	.passthrough();
export type YouTubeComment = z.infer<typeof youtubeCommentSchema>;

export const youtubeCommentThreadSchema = z
	.object({
		kind: z.literal('youtube#commentThread').optional(),
		etag: z.string().optional(),
		id: z.string().min(1),
		snippet: z
			.object({
				channelId: z.string().optional(),
				videoId: z.string().optional(),
				topLevelComment: youtubeCommentSchema,
				canReply: z.boolean().optional(),
				totalReplyCount: z.number().int().nonnegative().optional(),
				isPublic: z.boolean().optional(),
			})
			.passthrough(),
		replies: z.object({ comments: z.array(youtubeCommentSchema).default([]) }).optional(),
	})
	.passthrough();
export type YouTubeCommentThread = z.infer<typeof youtubeCommentThreadSchema>;

const pageInfoSchema = z
	.object({ totalResults: z.number().optional(), resultsPerPage: z.number().optional() })
	.optional();

export const youtubeCommentThreadListSchema = z
	.object({
		kind: z.literal('youtube#commentThreadListResponse').optional(),
		nextPageToken: z.string().optional(),
		pageInfo: pageInfoSchema,
		items: z.array(youtubeCommentThreadSchema).default([]),
	})
	.passthrough();

// Counts come as decimal strings (they can exceed 2^53 in principle).
const countSchema = z.union([z.string(), z.number()]).optional();

export const youtubeChannelSchema = z
	.object({
		kind: z.literal('youtube#channel').optional(),
		id: z.string().min(1),
		snippet: z
			.object({
				title: z.string().optional(),
				description: z.string().optional(),
				customUrl: z.string().optional(),
				publishedAt: z.string().optional(),
				country: z.string().optional(),
				thumbnails: thumbnailsSchema,
			})
			.passthrough()
			.optional(),
		statistics: z
			.object({
				viewCount: countSchema,
				subscriberCount: countSchema,
				hiddenSubscriberCount: z.boolean().optional(),
				videoCount: countSchema,
			})
			.passthrough()
			.optional(),
		contentDetails: z
			.object({
				relatedPlaylists: z
					.object({ uploads: z.string().optional(), likes: z.string().optional() })
					.passthrough()
					.optional(),
			})
			.passthrough()
			.optional(),
	})
	.passthrough();
export type YouTubeChannel = z.infer<typeof youtubeChannelSchema>;

export const youtubeChannelListSchema = z
	.object({
		kind: z.literal('youtube#channelListResponse').optional(),
		nextPageToken: z.string().optional(),
		pageInfo: pageInfoSchema,
		items: z.array(youtubeChannelSchema).default([]),
	})
	.passthrough();

/** Google's JSON error body: `{ error: { code, message, errors: [{ domain, reason, message }] } }`. */
export const youtubeErrorBodySchema = z.object({
	error: z.object({
		code: z.number().optional(),
		message: z.string().optional(),
		errors: z
			.array(
				z
					.object({
						domain: z.string().optional(),
						reason: z.string().optional(),
						message: z.string().optional(),
					})
					.passthrough(),
			)
			.optional(),
	}),
});
