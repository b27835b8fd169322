// Deterministic YouTube channel: the sandbox Google account's channel, its videos and a few
// hundred comment threads, all a pure function of (seed, owner, options). Every timestamp lies
// before `newest` (the emulator epoch), so comments a test adds "now" are always the newest.
// Some commenters are the same people as the owner's generated mailbox contacts (same seed and
// contact pool), so linking a comment author to a known person can be tested; a few of them
// write their e-mail address in the comment, as people asking for a follow-up do.

import { DEFAULT_NEWEST } from './mailbox';
import { asciiSlug, businessContactAt, contactPoolSize, personalContactAt } from './people';
import { Rng, type Stream, hashSeed, rngFor } from './prng';

const DAY_MS = 86_400_000;
/** Streams of their own, away from the mailbox's and calendar's (prng.ts numbers 1–10). */
const CHANNEL_STREAM = 101 as Stream;
const VIDEO_STREAM = 102 as Stream;
const THREAD_STREAM = 103 as Stream;
const REPLY_STREAM = 104 as Stream;

export interface ChannelOptions {
	/** The same seed the owner's mailbox uses (`${seed}:${email}`), so commenters can be contacts. */
	seed: string | number;
	owner: { email: string; name: string };
	/** Comment threads across all videos (default 300). */
	threads?: number;
	/** Videos on the channel (default 12). */
	videos?: number;
	/** Messages in the owner's generated mailbox: sizes the contact pool commenters come from. */
	mailboxMessages?: number;
	/** Every timestamp is before this (default the generator's newest message date). */
	newest?: Date;
}

export interface GeneratedCommentAuthor {
	/** As YouTube shows it since handles: '@handle'. */
	displayName: string;
	channelId: string;
	/** The generated person behind the author, when there is one (test truth, not in the API). */
	person?: { fullName: string; email: string; kind: 'business' | 'personal' };
}

export interface GeneratedComment {
	id: string;
	author: GeneratedCommentAuthor;
	text: string;
	publishedAt: number; // ms
	likeCount: number;
}

export interface GeneratedThread {
	id: string;
	videoId: string;
	topLevel: GeneratedComment;
	/** Oldest first; the ids are `${thread id}.${suffix}` as YouTube's reply ids are. */
	replies: GeneratedComment[];
}

export interface GeneratedVideo {
	id: string;
	title: string;
	description: string;
	publishedAt: number;
	/** Comments turned off by the owner: commentThreads.list?videoId= answers 403 commentsDisabled. */
	commentsDisabled: boolean;
}

export interface GeneratedChannel {
	id: string;
	title: string;
	description: string;
	/** '@handle'. */
	customUrl: string;
	publishedAt: number;
	country: string;
	subscriberCount: number;
	viewCount: number;
	/** Uploads playlist id ('UU' + the channel id's tail). */
	uploadsPlaylistId: string;
	owner: { email: string; name: string };
	videos: GeneratedVideo[];
	/** Newest first (by top-level comment time). */
	threads: GeneratedThread[];
}

const VIDEO_TITLES = [
	'How we run our weekly pipeline review',
	'Five follow-up emails that actually get answers',
	'CRM hygiene in 10 minutes a day',
	'From lead to customer: our onboarding checklist',
	'Customer interview: scaling support without losing the personal touch',
	'Pricing conversations without the awkwardness',
	'Q&A: your questions about deal stages',
	'Automating meeting notes into the CRM',
	'Live teardown of a cold outreach sequence',
	'Building a partner program from scratch',
	'What we learned from 100 churn interviews',
	'Year in review and what comes next',
	'Setting up lead scoring that sales trusts',
	'Tools we use every day (no sponsors)',
	'Webinar replay: account-based marketing basics',
	'Handling objections on renewal calls',
];

const COMMENT_OPENERS = [
	'Great video!',
	'Thanks for sharing this.',
	'Really helpful, thank you.',
	'Interesting take.',
	'Love this format.',
	'Been waiting for this one.',
	'Solid advice as always.',
	'',
	'',
	'',
];

const COMMENT_BODIES = [
	'We tried something similar last quarter and our reply rate went up a lot.',
	'Could you do a follow-up on how this works for small teams?',
	'What tool are you using at 4:12?',
	'The part about qualifying leads early is spot on.',
	'Do you have a template for the checklist you mention?',
	'I disagree a bit on the pricing part, in our market buyers expect a discount.',
	'Is there a way to automate the second step?',
	'Shared this with my whole team.',
	'How long did it take you to get buy-in from sales?',
	'Would love to see the numbers behind this.',
	'This is exactly the problem we have right now.',
	'Any tips for B2B companies selling to enterprises?',
	'The audio is a bit quiet in the second half.',
	'We are evaluating CRMs at the moment, this helped.',
	'Can you talk about integrating this with email?',
	'First time here, subscribed.',
	'How does this compare to what you showed last year?',
	'Our onboarding is a mess, going to try this next week.',
];

/** Follow-up requests that carry the author's address, written as people do in comments. */
const EMAIL_REQUESTS = [
	'Could you send me the slides? {email}',
	'Would love a demo, reach me at {email}',
	'Interested in working together, my email is {email}',
	'Please send the template to {email} if you can.',
];

const REPLY_BODIES = [
	'Thanks! Glad it helped.',
	'Good question, we will cover that in the next video.',
	'Same here, it made a big difference for us.',
	'Agreed, this worked for our team too.',
	'The template is linked in the description.',
	'We used a spreadsheet at first, then moved to the CRM.',
	'+1, would love to see this as well.',
	'It took us about two months.',
];

const HANDLE_WORDS = [
	'sales',
	'growth',
	'ops',
	'founder',
	'b2b',
	'crm',
	'marketing',
	'startup',
	'revops',
	'leads',
];

/** YouTube-style ids: base64url characters drawn from a stream. */
function idChars(rng: Rng, length: number): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	let out = '';
	for (let i = 0; i < length; i++) out += alphabet[rng.int(64)];
	return out;
}

/** 'UC' + 22 characters, the same for the same identity string. */
export function channelIdFor(seedHash: number, identity: string): string {
	return `UC${idChars(rngFor(hashSeed(`${seedHash}:${identity}`), CHANNEL_STREAM, 0), 22)}`;
}

/** A handle as YouTube makes one from a name: letters and digits, a short suffix when taken. */
function handleFor(person: { fullName: string; email: string }, rng: Rng): string {
	// Names in Japanese script have no ASCII slug; the address's local part stands in.
	const base =
		asciiSlug(person.fullName).replace(/[^a-z0-9]/g, '') ||
		asciiSlug(person.email.split('@')[0]!).replace(/[^a-z0-9]/g, '') ||
		'user';
	const style = rng.int(3);
	if (style === 0) return `@${base}`;
	if (style === 1) return `@${base}${rng.range(1, 999)}`;
	return `@${base}-${idChars(rng, 3).toLowerCase().replace(/[-_]/g, 'x')}`;
}

function commentText(rng: Rng, email: string | undefined): string {
	if (email && rng.chance(0.15)) return rng.pick(EMAIL_REQUESTS).replace('{email}', email);
	const opener = rng.pick(COMMENT_OPENERS);
	const body = rng.pick(COMMENT_BODIES);
	const text = opener ? `${opener} ${body}` : body;
	// A few longer comments spread over two lines.
	return rng.chance(0.1) ? `${text}\n${rng.pick(COMMENT_BODIES)}` : text;
}

export function createChannel(options: ChannelOptions): GeneratedChannel {
	const seedHash = hashSeed(options.seed);
	const newest = options.newest?.getTime() ?? DEFAULT_NEWEST;
	const threadCount = options.threads ?? 300;
	const videoCount = Math.max(1, options.videos ?? 12);
	const businessPool = contactPoolSize(options.mailboxMessages ?? 200);
	const personalPool = Math.ceil(businessPool / 2);
	const rng = rngFor(seedHash, CHANNEL_STREAM, 1);

	const id = channelIdFor(seedHash, `owner:${options.owner.email.toLowerCase()}`);
	const ownerHandle = `@${asciiSlug(options.owner.name).replace(/[^a-z0-9]/g, '') || 'channel'}`;
	const owner: GeneratedCommentAuthor = { displayName: ownerHandle, channelId: id };

	// Videos: the newest about a week before the epoch, one every two to six weeks before it.
	const videos: GeneratedVideo[] = [];
	let videoTime = newest - 7 * DAY_MS;
	for (let v = 0; v < videoCount; v++) {
		const vr = rngFor(seedHash, VIDEO_STREAM, v);
		videos.push({
			id: idChars(vr, 11),
			title: VIDEO_TITLES[(v + rng.int(3)) % VIDEO_TITLES.length]!,
			description: 'Notes, links and the template from this episode are in the comments.',
			publishedAt: videoTime - vr.int(12 * 3600) * 1000,
			// The fourth newest video has comments turned off (a members-only stream replay).
			commentsDisabled: v === 3,
		});
		videoTime -= (14 + vr.int(29)) * DAY_MS;
	}
	const commentable = videos.filter((video) => !video.commentsDisabled);

	const authorAt = (r: Rng): GeneratedCommentAuthor => {
		const kind = r.weighted<'business' | 'personal' | 'viewer'>([
			['business', 4],
			['personal', 2],
			['viewer', 4],
		]);
		if (kind === 'viewer') {
			// A viewer who is not in the mailbox: a handle made of words, stable per pool index.
			const n = r.int(400);
			const vr = rngFor(seedHash, CHANNEL_STREAM, 1000 + n);
			const handle = `@${vr.pick(HANDLE_WORDS)}${vr.pick(HANDLE_WORDS)}${vr.range(1, 9999)}`;
			return { displayName: handle, channelId: channelIdFor(seedHash, `viewer:${n}`) };
		}
		const person =
			kind === 'business'
				? businessContactAt(seedHash, r.int(businessPool))
				: personalContactAt(seedHash, r.int(personalPool));
		const hr = rngFor(seedHash, CHANNEL_STREAM, 100_000 + (hashSeed(person.email) % 100_000));
		return {
			displayName: handleFor(person, hr),
			channelId: channelIdFor(seedHash, `person:${person.email}`),
			person: { fullName: person.fullName, email: person.email, kind },
		};
	};

	const threads: GeneratedThread[] = [];
	for (let t = 0; t < threadCount; t++) {
		const tr = rngFor(seedHash, THREAD_STREAM, t);
		// Newer videos get more comments: pick with a bias toward the start of the list.
		const video = commentable[Math.floor(commentable.length * tr.next() ** 2)]!;
		const span = Math.max(newest - 60_000 - video.publishedAt, 60_000);
		// Most comments come in the first days after upload.
		const publishedAt = Math.floor(video.publishedAt + span * tr.next() ** 3);
		const author = authorAt(tr);
		const threadId = `Ugz${idChars(tr, 19)}4AaABAg`;
		const replies: GeneratedComment[] = [];
		const replyCount = tr.weighted([
			[0, 70],
			[1, 18],
			[2, 8],
			[3, 4],
		]);
		let replyTime = publishedAt;
		for (let k = 0; k < replyCount; k++) {
			const rr = rngFor(seedHash, REPLY_STREAM, t * 8 + k);
			replyTime = Math.min(replyTime + rr.range(5, 48 * 60) * 60_000, newest - 30_000);
			const byOwner = rr.chance(0.4);
			replies.push({
				id: `${threadId}.${idChars(rr, 22)}`,
				author: byOwner ? owner : authorAt(rr),
				text: rr.pick(REPLY_BODIES),
				publishedAt: replyTime,
				likeCount: rr.int(5),
			});
		}
		threads.push({
			id: threadId,
			videoId: video.id,
			topLevel: {
				id: threadId,
				author,
				text: commentText(tr, author.person?.email),
				publishedAt,
				likeCount: tr.chance(0.6) ? tr.int(4) : tr.int(60),
			},
			replies,
		});
	}
	threads.sort((a, b) => b.topLevel.publishedAt - a.topLevel.publishedAt || (a.id < b.id ? -1 : 1));

	return {
		id,
		title: options.owner.name,
		description: `Videos about sales, CRM and customer success by ${options.owner.name}.`,
		customUrl: ownerHandle,
		publishedAt: newest - 3 * 365 * DAY_MS,
		country: 'US',
		subscriberCount: 1200 + rng.int(20_000),
		viewCount: 50_000 + rng.int(900_000),
		uploadsPlaylistId: `UU${id.slice(2)}`,
		owner: { ...options.owner },
		videos,
		threads,
	};
}
