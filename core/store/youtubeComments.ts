// YouTube comments of connected channels (youtube_comments) and how the inbox sees them. Every
// statement is scoped by workspace. Writes are idempotent: a comment is one row per workspace
// (unique workspace_id + comment_id), written again only when YouTube changed it, so a page read
// twice stores nothing twice and keeps what a user did (is_read).
//
// Linking to people: YouTube never tells who a commenter is beyond their channel (no e-mail
// address), so a comment is linked to the person whose `youtube_channel_id` is the author's
// channel id, and to nobody else. An address typed in a comment's text is not used: anyone can
// write anyone's address in a public comment.
import type { Knex } from 'knex';

import type { YouTubeCommentRecord } from '../providers/google/youtube';
import { LIVE_LINK_SOURCES } from './recordLinks';

const TABLE = 'youtube_comments';

export interface YoutubeCommentWriteCounts {
	created: number;
	updated: number;
	unchanged: number;
}

/**
 * Upserts comments of one integration (normally inside the transaction that also moves the
 * source's cursor). Updates only rows whose YouTube fields changed; `is_read` is never touched.
 */
export async function writeYoutubeComments(
	db: Knex,
	scope: { workspaceId: string; integrationId: string },
	comments: YouTubeCommentRecord[],
): Promise<YoutubeCommentWriteCounts> {
	const counts: YoutubeCommentWriteCounts = { created: 0, updated: 0, unchanged: 0 };
	// The same comment twice in one statement would make PostgreSQL refuse the upsert.
	const unique = [...new Map(comments.map((comment) => [comment.commentId, comment])).values()];
	if (unique.length === 0) return counts;
	const rows = unique.map((comment) => ({
		workspace_id: scope.workspaceId,
		integration_id: scope.integrationId,
		channel_id: comment.channelId ?? '',
		video_id: comment.videoId,
		comment_id: comment.commentId,
		thread_id: comment.threadId,
		parent_id: comment.parentId,
		author_display_name: comment.authorDisplayName,
		author_channel_id: comment.authorChannelId,
		text_original: comment.textOriginal,
		text_display: comment.textDisplay,
		like_count: comment.likeCount,
		published_at: new Date(comment.publishedAt),
		provider_updated_at: comment.updatedAt ? new Date(comment.updatedAt) : null,
	}));
	const changing = [
		'text_original',
		'text_display',
		'like_count',
		'provider_updated_at',
		'author_display_name',
	];
	const written = (await db(TABLE)
		.insert(rows)
		.onConflict(['workspace_id', 'comment_id'])
		.merge([...changing, 'updated_at'])
		.where((builder) => {
			for (const column of changing)
				builder.orWhereRaw('?? is distinct from excluded.??', [`${TABLE}.${column}`, column]);
		})
		.returning(db.raw('(xmax = 0) as inserted'))) as Array<{ inserted: boolean }>;
	counts.created = written.filter((row) => row.inserted).length;
	counts.updated = written.length - counts.created;
	counts.unchanged = unique.length - written.length;
	return counts;
}

/**
 * Links the workspace's comments to the people whose YouTube channel id is the author's (set
 * based, so a channel id added to a person later links their earlier comments on the next run).
 * A link a user removed (suppressed) is never added again. Returns the links made.
 */
export async function linkYoutubeCommentsToPeople(
	db: Knex,
	workspaceId: string,
	options: { integrationId?: string } = {},
): Promise<number> {
	const integrationFilter = options.integrationId ? 'and c.integration_id = ?' : '';
	const result = (await db.raw(
		`insert into record_links (workspace_id, subject_type, subject_id, record_type, record_id, link_source)
		 select c.workspace_id, 'youtube_comment', c.id, 'person', p.id, 'auto'
		 from youtube_comments c
		 join people p on p.workspace_id = c.workspace_id and p.youtube_channel_id = c.author_channel_id
		 where c.workspace_id = ? and c.author_channel_id is not null ${integrationFilter}
		 on conflict (workspace_id, subject_type, subject_id, record_type, record_id) do nothing`,
		options.integrationId ? [workspaceId, options.integrationId] : [workspaceId],
	)) as { rowCount: number };
	return result.rowCount;
}

/** A person a comment is linked to. */
export interface YoutubeCommentPerson {
	id: string;
	email: string;
	fullName: string | null;
	linkSource: 'auto' | 'manual';
}

/** A YouTube comment as the CRM inbox shows it, beside the mail (channel `youtube`). */
export interface YoutubeInboxMessage {
	channel: 'youtube';
	/** Row id (youtube_comments.id): what record_links point at. */
	id: string;
	integrationId: string;
	commentId: string;
	threadId: string | null;
	parentId: string | null;
	/** The connected channel the comment was made on. */
	channelId: string;
	videoId: string | null;
	from: { name: string | null; youtubeChannelId: string | null };
	text: string | null;
	html: string | null;
	likeCount: number;
	publishedAt: string | null;
	updatedAt: string | null;
	isRead: boolean;
	/** Open the comment on YouTube. */
	url: string | null;
	people: YoutubeCommentPerson[];
}

export interface ListYoutubeInboxOptions {
	integrationId?: string;
	channelId?: string;
	videoId?: string;
	unreadOnly?: boolean;
	/** Only comments linked to this person. */
	personId?: string;
	/** Page size, 1–200 (default 50). */
	limit?: number;
	/** Comments published before this instant (the `nextBefore` of the previous page). */
	before?: { publishedAt: string; id: string };
}

interface InboxRow {
	id: string;
	integration_id: string;
	channel_id: string;
	video_id: string | null;
	comment_id: string;
	thread_id: string | null;
	parent_id: string | null;
	author_display_name: string | null;
	author_channel_id: string | null;
	text_original: string | null;
	text_display: string | null;
	like_count: number;
	published_at: Date | null;
	provider_updated_at: Date | null;
	is_read: boolean;
}

/**
 * The workspace's YouTube comments newest first, each with the people it is linked to: the
 * inbox's YouTube messages. `nextBefore` pages on (null at the end).
 */
export async function listYoutubeInboxMessages(
	db: Knex,
	workspaceId: string,
	options: ListYoutubeInboxOptions = {},
): Promise<{
	messages: YoutubeInboxMessage[];
	nextBefore: { publishedAt: string; id: string } | null;
}> {
	const limit = Math.min(200, Math.max(1, Math.floor(options.limit ?? 50)));
	const query = db<InboxRow>(`${TABLE} as c`)
		.where('c.workspace_id', workspaceId)
		.orderBy([
			{ column: 'c.published_at', order: 'desc' },
			{ column: 'c.id', order: 'desc' },
		])
		.limit(limit + 1)
		.select('c.*');
	if (options.integrationId) query.andWhere('c.integration_id', options.integrationId);
	if (options.channelId) query.andWhere('c.channel_id', options.channelId);
	if (options.videoId) query.andWhere('c.video_id', options.videoId);
	if (options.unreadOnly) query.andWhere('c.is_read', false);
	if (options.personId) {
		query.whereExists((sub) =>
			sub
				.from('record_links as l')
				.whereRaw('l.workspace_id = c.workspace_id and l.subject_id = c.id')
				.andWhere({ 'l.subject_type': 'youtube_comment', 'l.record_type': 'person' })
				.andWhere('l.record_id', options.personId!)
				.whereIn('l.link_source', LIVE_LINK_SOURCES as string[]),
		);
	}
	if (options.before) {
		query.andWhereRaw('(c.published_at, c.id) < (?, ?)', [
			new Date(options.before.publishedAt),
			options.before.id,
		]);
	}
	const rows = (await query) as InboxRow[];
	const page = rows.slice(0, limit);
	const people = await linkedPeople(
		db,
		workspaceId,
		page.map((row) => row.id),
	);
	const messages = page.map((row) => inboxMessage(row, people.get(row.id) ?? []));
	const last = page[page.length - 1];
	return {
		messages,
		nextBefore:
			rows.length > limit && last?.published_at
				? { publishedAt: last.published_at.toISOString(), id: last.id }
				: null,
	};
}

/** Marks comments read or unread (ids are youtube_comments.id of the workspace). */
export async function markYoutubeCommentsRead(
	db: Knex,
	workspaceId: string,
	ids: string[],
	isRead = true,
): Promise<number> {
	if (ids.length === 0) return 0;
	return await db(TABLE)
		.where('workspace_id', workspaceId)
		.whereIn('id', ids)
		.update({ is_read: isRead, updated_at: db.fn.now() });
}

async function linkedPeople(
	db: Knex,
	workspaceId: string,
	commentIds: string[],
): Promise<Map<string, YoutubeCommentPerson[]>> {
	const byComment = new Map<string, YoutubeCommentPerson[]>();
	if (commentIds.length === 0) return byComment;
	const rows = (await db('record_links as l')
		.join('people as p', function joinPeople() {
			this.on('p.id', '=', 'l.record_id').andOn('p.workspace_id', '=', 'l.workspace_id');
		})
		.where({ 'l.workspace_id': workspaceId, 'l.subject_type': 'youtube_comment' })
		.andWhere('l.record_type', 'person')
		.whereIn('l.subject_id', commentIds)
		.whereIn('l.link_source', LIVE_LINK_SOURCES as string[])
		.orderBy('p.email')
		.select('l.subject_id', 'p.id', 'p.email', 'p.full_name', 'l.link_source')) as Array<{
		subject_id: string;
		id: string;
		email: string;
		full_name: string | null;
		link_source: 'auto' | 'manual';
	}>;
	for (const row of rows) {
		const list = byComment.get(row.subject_id) ?? [];
		list.push({
			id: row.id,
			email: row.email,
			fullName: row.full_name,
			linkSource: row.link_source,
		});
		byComment.set(row.subject_id, list);
	}
	return byComment;
}

function inboxMessage(row: InboxRow, people: YoutubeCommentPerson[]): YoutubeInboxMessage {
	const url = row.video_id
		? `https://www.youtube.com/watch?v=${encodeURIComponent(row.video_id)}&lc=${encodeURIComponent(row.comment_id)}`
		: null;
	return {
		channel: 'youtube',
		id: row.id,
		integrationId: row.integration_id,
		commentId: row.comment_id,
		threadId: row.thread_id,
		parentId: row.parent_id,
		channelId: row.channel_id,
		videoId: row.video_id,
		from: { name: row.author_display_name, youtubeChannelId: row.author_channel_id },
		text: row.text_original,
		html: row.text_display,
		likeCount: row.like_count,
		publishedAt: row.published_at ? row.published_at.toISOString() : null,
		updatedAt: row.provider_updated_at ? row.provider_updated_at.toISOString() : null,
		isRead: row.is_read,
		url,
		people,
	};
}
