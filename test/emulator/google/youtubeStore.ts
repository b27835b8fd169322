// What the YouTube surface keeps per emulator: the sandbox account's channel (generated on first
// use), its comment threads as mutable records (generated ones plus replies and comments added
// later), and the daily quota used per Google project. Resources are rendered in the API's JSON
// shapes here so the routes (youtube.ts) and the control helpers answer alike.

import { createHash, randomBytes } from 'node:crypto';
import type { EmulatorState } from '../core/state';
import { createChannel, type GeneratedChannel, type GeneratedComment } from '../generator/channels';

export const YOUTUBE_DEFAULT_DAILY_QUOTA = 10_000;
/** Units charged per call, as the quota calculator documents them. */
export const YOUTUBE_QUOTA_COSTS = { list: 1, insert: 50 } as const;

export interface YouTubeOptions {
	/** Daily quota units per Google project (default 10,000). */
	dailyQuota?: number;
	/** Comment threads on the sandbox channel (default 300). */
	threads?: number;
}

export interface StoredComment {
	id: string;
	authorDisplayName: string;
	authorChannelId: string;
	text: string;
	publishedAt: number;
	updatedAt: number;
	likeCount: number;
	/** Test truth: the generated person behind the author (never sent by the API). */
	person?: { fullName: string; email: string; kind: 'business' | 'personal' };
}

export interface StoredThread {
	id: string;
	videoId: string;
	channelId: string;
	topLevel: StoredComment;
	/** Oldest first. */
	replies: StoredComment[];
}

interface QuotaUse {
	day: string;
	used: number;
}

export interface YouTubeStore {
	options: YouTubeOptions;
	dailyLimit: number;
	/** Units used today per project (the OAuth client id of the calling token). */
	usage: Map<string, QuotaUse>;
	channel?: GeneratedChannel;
	/** Newest first by top-level comment time. */
	threads?: StoredThread[];
}

const stores = new WeakMap<EmulatorState, YouTubeStore>();

export function youtubeStore(state: EmulatorState, options?: YouTubeOptions): YouTubeStore {
	let store = stores.get(state);
	if (!store) {
		store = {
			options: options ?? {},
			dailyLimit: options?.dailyQuota ?? YOUTUBE_DEFAULT_DAILY_QUOTA,
			usage: new Map(),
		};
		stores.set(state, store);
	}
	return store;
}

/** The sandbox Google account's channel (the only account that owns one), built on first use. */
export function sandboxChannel(state: EmulatorState): GeneratedChannel {
	const store = youtubeStore(state);
	if (!store.channel) {
		const email = state.sandbox.google;
		if (!email) throw new Error('the sandbox Google account is not set up yet');
		const account = state.getOrCreateAccount(email, 'google');
		const channel = createChannel({
			seed: `${state.seed}:${account.email}`,
			owner: { email: account.email, name: account.name },
			threads: store.options.threads,
			mailboxMessages: state.messages,
			newest: state.epoch,
		});
		store.channel = channel;
		store.threads = channel.threads.map((thread) => ({
			id: thread.id,
			videoId: thread.videoId,
			channelId: channel.id,
			topLevel: storedComment(thread.topLevel),
			replies: thread.replies.map(storedComment),
		}));
	}
	return store.channel;
}

/** The channel an account owns, if any (only the sandbox account has one). */
export function channelOwnedBy(state: EmulatorState, email: string): GeneratedChannel | undefined {
	if (!state.sandbox.google || email.toLowerCase() !== state.sandbox.google.toLowerCase()) {
		return undefined;
	}
	return sandboxChannel(state);
}

export function channelById(state: EmulatorState, id: string): GeneratedChannel | undefined {
	if (!state.sandbox.google) return undefined;
	const channel = sandboxChannel(state);
	return channel.id === id ? channel : undefined;
}

export function storedThreads(state: EmulatorState): StoredThread[] {
	sandboxChannel(state);
	return youtubeStore(state).threads!;
}

function storedComment(comment: GeneratedComment): StoredComment {
	return {
		id: comment.id,
		authorDisplayName: comment.author.displayName,
		authorChannelId: comment.author.channelId,
		text: comment.text,
		publishedAt: comment.publishedAt,
		updatedAt: comment.publishedAt,
		likeCount: comment.likeCount,
		person: comment.author.person,
	};
}

/** Puts a thread in its place (newest first); generated and added threads share one order. */
export function insertThread(state: EmulatorState, thread: StoredThread): void {
	const threads = storedThreads(state);
	const at = threads.findIndex((other) => compareByTime(thread, other) < 0);
	if (at === -1) threads.push(thread);
	else threads.splice(at, 0, thread);
}

/** Newest top-level comment first; equal times by id so paging is stable. */
export function compareByTime(a: StoredThread, b: StoredThread): number {
	return (
		b.topLevel.publishedAt - a.topLevel.publishedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
	);
}

// ---- ids ----------------------------------------------------------------------------------------

export function newThreadId(): string {
	return `Ugz${randomBytes(15).toString('base64url').slice(0, 19)}4AaABAg`;
}

export function newReplyId(threadId: string): string {
	return `${threadId}.${randomBytes(17).toString('base64url').slice(0, 22)}`;
}

export function newChannelId(): string {
	return `UC${randomBytes(17).toString('base64url').slice(0, 22)}`;
}

// ---- quota --------------------------------------------------------------------------------------

/** YouTube's quota day starts at midnight Pacific Time. */
export function quotaDay(nowMs: number): string {
	return new Date(nowMs).toLocaleDateString('en-CA', { timeZone: 'America/Los_Angeles' });
}

export function quotaUsed(store: YouTubeStore, project: string, nowMs: number): number {
	const use = store.usage.get(project);
	return use && use.day === quotaDay(nowMs) ? use.used : 0;
}

/** Charges `units` unless that would pass the daily limit; false = nothing charged. */
export function chargeQuota(
	store: YouTubeStore,
	project: string,
	units: number,
	nowMs: number,
): boolean {
	const used = quotaUsed(store, project, nowMs);
	if (used + units > store.dailyLimit) return false;
	store.usage.set(project, { day: quotaDay(nowMs), used: used + units });
	return true;
}

export function setQuotaUsed(
	store: YouTubeStore,
	project: string,
	used: number,
	nowMs: number,
): void {
	store.usage.set(project, { day: quotaDay(nowMs), used });
}

// ---- rendering ----------------------------------------------------------------------------------

/** RFC 3339 without fractions, as YouTube writes its timestamps. */
export function youtubeTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An opaque etag that changes when the resource does. */
export function etagOf(value: unknown): string {
	return createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 27);
}

function htmlText(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;')
		.replace(/\n/g, '<br>');
}

function avatarUrl(channelId: string): string {
	return `https://yt3.ggpht.com/ytc/${channelId.slice(2, 14)}=s48-c-k-c0x00ffffff-no-rj`;
}

export function commentResource(
	comment: StoredComment,
	thread: Pick<StoredThread, 'id' | 'videoId' | 'channelId'>,
	textFormat: 'html' | 'plainText',
	isReply: boolean,
): Record<string, unknown> {
	const snippet: Record<string, unknown> = {
		channelId: thread.channelId,
		videoId: thread.videoId,
		textDisplay: textFormat === 'plainText' ? comment.text : htmlText(comment.text),
		textOriginal: comment.text,
	};
	if (isReply) snippet.parentId = thread.id;
	Object.assign(snippet, {
		authorDisplayName: comment.authorDisplayName,
		authorProfileImageUrl: avatarUrl(comment.authorChannelId),
		authorChannelUrl: comment.authorDisplayName.startsWith('@')
			? `http://www.youtube.com/${comment.authorDisplayName}`
			: `http://www.youtube.com/channel/${comment.authorChannelId}`,
		authorChannelId: { value: comment.authorChannelId },
		canRate: true,
		viewerRating: 'none',
		likeCount: comment.likeCount,
		publishedAt: youtubeTime(comment.publishedAt),
		updatedAt: youtubeTime(comment.updatedAt),
	});
	const body = { kind: 'youtube#comment', id: comment.id, snippet };
	return { kind: body.kind, etag: etagOf(body), id: body.id, snippet };
}

export function threadResource(
	thread: StoredThread,
	parts: Set<string>,
	textFormat: 'html' | 'plainText',
): Record<string, unknown> {
	const out: Record<string, unknown> = { kind: 'youtube#commentThread', etag: '', id: thread.id };
	if (parts.has('snippet')) {
		out.snippet = {
			channelId: thread.channelId,
			videoId: thread.videoId,
			topLevelComment: commentResource(thread.topLevel, thread, textFormat, false),
			canReply: true,
			totalReplyCount: thread.replies.length,
			isPublic: true,
		};
	}
	if (parts.has('replies') && thread.replies.length > 0) {
		out.replies = {
			comments: thread.replies.map((reply) => commentResource(reply, thread, textFormat, true)),
		};
	}
	out.etag = etagOf(out);
	return out;
}
