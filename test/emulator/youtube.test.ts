import { startEmulator, type Emulator, YOUTUBE_SCOPES } from './index';
import { createChannel } from './generator/channels';

// YouTube Data API v3 over plain fetch (the official @googleapis/youtube client is not installed
// in this repository; its requests are these URLs under the same rootUrl).
let emu: Emulator;
// API answers are read loosely here; their shapes are what the assertions check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function yt(
	path: string,
	options: { token?: string; method?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, Json> }> {
	const response = await fetch(`${emu.urls.googleApis}youtube/v3/${path}`, {
		method: options.method ?? 'GET',
		headers: {
			authorization: `Bearer ${options.token ?? emu.sandbox.accessToken}`,
			...(options.body ? { 'content-type': 'application/json' } : {}),
		},
		body: options.body ? JSON.stringify(options.body) : undefined,
	});
	return { status: response.status, body: (await response.json()) as Record<string, Json> };
}

async function control(path: string, body?: unknown): Promise<Record<string, Json>> {
	const response = await fetch(`${emu.urls.control}/${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return (await response.json()) as Record<string, Json>;
}

beforeAll(async () => {
	emu = await startEmulator({ seed: 'youtube-test', messages: 300 });
});

afterAll(async () => {
	await emu.stop();
});

afterEach(() => {
	emu.control.clearFaults();
	emu.youtube.setQuota({ dailyLimit: 10_000, used: 0 });
});

describe('channels.list', () => {
	it('answers the sandbox account its own channel with snippet, contentDetails and statistics', async () => {
		const { status, body } = await yt('channels?part=snippet,contentDetails,statistics&mine=true');
		expect(status).toBe(200);
		expect(body.kind).toBe('youtube#channelListResponse');
		expect(body.pageInfo).toEqual({ totalResults: 1, resultsPerPage: 5 });
		const channel = body.items[0];
		expect(channel.kind).toBe('youtube#channel');
		expect(channel.id).toMatch(/^UC[A-Za-z0-9_-]{22}$/);
		expect(channel.id).toBe(emu.youtube.channel().id);
		expect(channel.snippet).toMatchObject({ title: 'Sandbox User', customUrl: '@sandboxuser' });
		expect(channel.contentDetails.relatedPlaylists.uploads).toBe(`UU${channel.id.slice(2)}`);
		expect(channel.statistics.videoCount).toBe(String(emu.youtube.channel().videos.length));
		expect(typeof channel.statistics.subscriberCount).toBe('string');
	});

	it('answers no items to an account without a channel, and by id to anyone', async () => {
		const other = emu.control.issueToken('viewer@crm-connect.test', {
			scopes: [YOUTUBE_SCOPES.read[0]!],
		});
		const mine = await yt('channels?part=snippet&mine=true', { token: other.access_token });
		expect(mine.status).toBe(200);
		expect(mine.body.items).toBeUndefined();
		expect(mine.body.pageInfo.totalResults).toBe(0);
		const byId = await yt(`channels?part=id&id=${emu.youtube.channel().id}`, {
			token: other.access_token,
		});
		expect(byId.body.items).toHaveLength(1);
		expect(byId.body.items[0].snippet).toBeUndefined();
	});

	it('rejects a missing filter, an unknown part and a token without a YouTube scope', async () => {
		const noFilter = await yt('channels?part=snippet');
		expect(noFilter.status).toBe(400);
		expect(noFilter.body.error.errors[0]).toMatchObject({
			reason: 'missingRequiredParameter',
			domain: 'youtube.parameter',
		});
		const badPart = await yt('channels?part=snippet,fooBar&mine=true');
		expect(badPart.status).toBe(400);
		expect(badPart.body.error.errors[0]).toMatchObject({
			reason: 'unknownPart',
			domain: 'youtube.part',
		});
		const gmailOnly = emu.control.issueToken(emu.sandbox.googleEmail, {
			scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
		});
		const denied = await yt('channels?part=snippet&mine=true', { token: gmailOnly.access_token });
		expect(denied.status).toBe(403);
		expect(denied.body.error.errors[0].reason).toBe('insufficientPermissions');
	});
});

describe('commentThreads.list', () => {
	it('pages through every thread of the channel newest first without gaps or repeats', async () => {
		const channelId = emu.youtube.channel().id;
		const seen: string[] = [];
		const times: number[] = [];
		let pageToken: string | undefined;
		let pages = 0;
		do {
			const { status, body } = await yt(
				`commentThreads?part=snippet,replies&allThreadsRelatedToChannelId=${channelId}&order=time&maxResults=100${pageToken ? `&pageToken=${pageToken}` : ''}`,
			);
			expect(status).toBe(200);
			expect(body.kind).toBe('youtube#commentThreadListResponse');
			expect(body.pageInfo.resultsPerPage).toBe(100);
			for (const item of body.items) {
				seen.push(item.id);
				times.push(Date.parse(item.snippet.topLevelComment.snippet.publishedAt));
			}
			pageToken = body.nextPageToken;
			pages++;
		} while (pageToken);
		expect(pages).toBe(3);
		expect(seen).toHaveLength(300);
		expect(new Set(seen).size).toBe(300);
		expect([...times].sort((a, b) => b - a)).toEqual(times);
		// Generated comments are older than the emulator epoch.
		expect(Math.max(...times)).toBeLessThan(emu.state.epoch.getTime());
	});

	it('answers threads in the API shape, with replies under part=replies', async () => {
		const channelId = emu.youtube.channel().id;
		const { body } = await yt(
			`commentThreads?part=snippet,replies&allThreadsRelatedToChannelId=${channelId}&maxResults=100`,
		);
		const withReplies = body.items.find((item: Json) => item.snippet.totalReplyCount > 0);
		expect(withReplies).toMatchObject({
			kind: 'youtube#commentThread',
			snippet: {
				channelId,
				canReply: true,
				isPublic: true,
				topLevelComment: {
					kind: 'youtube#comment',
					id: withReplies.id,
					snippet: {
						channelId,
						videoId: withReplies.snippet.videoId,
						authorDisplayName: expect.stringMatching(/^@/),
						authorChannelId: { value: expect.stringMatching(/^UC/) },
						viewerRating: 'none',
					},
				},
			},
		});
		expect(withReplies.replies.comments).toHaveLength(withReplies.snippet.totalReplyCount);
		expect(withReplies.replies.comments[0].snippet.parentId).toBe(withReplies.id);
		expect(withReplies.replies.comments[0].id.startsWith(`${withReplies.id}.`)).toBe(true);
		const snippetOnly = await yt(
			`commentThreads?part=snippet&allThreadsRelatedToChannelId=${channelId}&maxResults=5`,
		);
		expect(snippetOnly.body.items.every((item: Json) => item.replies === undefined)).toBe(true);
	});

	it('filters by video and search terms and reports commentsDisabled, videoNotFound and channelNotFound', async () => {
		const { videos } = emu.youtube.channel();
		const open = videos.find((video) => !video.commentsDisabled)!;
		const byVideo = await yt(`commentThreads?part=snippet&videoId=${open.id}&maxResults=100`);
		expect(byVideo.status).toBe(200);
		expect(byVideo.body.items.length).toBeGreaterThan(0);
		expect(byVideo.body.items.every((item: Json) => item.snippet.videoId === open.id)).toBe(true);

		const search = await yt(
			`commentThreads?part=snippet&allThreadsRelatedToChannelId=${emu.youtube.channel().id}&searchTerms=template&maxResults=100`,
		);
		expect(search.body.items.length).toBeGreaterThan(0);

		const disabled = videos.find((video) => video.commentsDisabled)!;
		const off = await yt(`commentThreads?part=snippet&videoId=${disabled.id}`);
		expect(off.status).toBe(403);
		expect(off.body.error.errors[0]).toMatchObject({
			reason: 'commentsDisabled',
			domain: 'youtube.commentThread',
		});
		const noVideo = await yt('commentThreads?part=snippet&videoId=xxxxxxxxxxx');
		expect(noVideo.status).toBe(404);
		expect(noVideo.body.error.errors[0].reason).toBe('videoNotFound');
		const noChannel = await yt(
			'commentThreads?part=snippet&allThreadsRelatedToChannelId=UCxxxxxxxxxxxxxxxxxxxxxx',
		);
		expect(noChannel.status).toBe(404);
		expect(noChannel.body.error.errors[0]).toMatchObject({
			reason: 'channelNotFound',
			domain: 'youtube.commentThread',
		});
	});

	it('rejects maxResults outside 1–100 and a page token of another query', async () => {
		const channelId = emu.youtube.channel().id;
		const tooMany = await yt(
			`commentThreads?part=snippet&allThreadsRelatedToChannelId=${channelId}&maxResults=101`,
		);
		expect(tooMany.status).toBe(400);
		expect(tooMany.body.error.errors[0]).toMatchObject({
			reason: 'invalidValue',
			location: 'maxResults',
		});
		const first = await yt(
			`commentThreads?part=snippet&allThreadsRelatedToChannelId=${channelId}&maxResults=2`,
		);
		const video = emu.youtube.channel().videos[0]!.id;
		const reused = await yt(
			`commentThreads?part=snippet&videoId=${video}&pageToken=${first.body.nextPageToken}`,
		);
		expect(reused.status).toBe(400);
		expect(reused.body.error.errors[0].reason).toBe('invalidPageToken');
	});

	it('shows a comment added through the control route first, at the emulator clock', async () => {
		const channelId = emu.youtube.channel().id;
		const video = emu.youtube.channel().videos[1]!.id;
		const added = await control('youtube/comments', {
			videoId: video,
			authorDisplayName: '@newviewer',
			authorChannelId: 'UCnewviewer000000000000',
			text: 'Just found this channel, great stuff',
		});
		expect(added.kind).toBe('youtube#commentThread');
		const { body } = await yt(
			`commentThreads?part=snippet&allThreadsRelatedToChannelId=${channelId}&order=time&maxResults=1`,
		);
		expect(body.items[0].id).toBe(added.id);
		expect(body.items[0].snippet.topLevelComment.snippet).toMatchObject({
			authorDisplayName: '@newviewer',
			authorChannelId: { value: 'UCnewviewer000000000000' },
			textOriginal: 'Just found this channel, great stuff',
		});
		const at = Date.parse(body.items[0].snippet.topLevelComment.snippet.publishedAt);
		expect(Math.abs(at - emu.control.now())).toBeLessThan(5_000);
	});
	it('writes textDisplay as HTML unless textFormat=plainText; textOriginal stays as written', async () => {
		const video = emu.youtube.channel().videos[2]!.id;
		const added = emu.youtube.addComment({
			videoId: video,
			text: 'Use <b>tags</b> & more\nsecond line',
		});
		const html = await yt(`commentThreads?part=snippet&id=${added.id}`);
		expect(html.body.items[0].snippet.topLevelComment.snippet).toMatchObject({
			textDisplay: 'Use &lt;b&gt;tags&lt;/b&gt; &amp; more<br>second line',
			textOriginal: 'Use <b>tags</b> & more\nsecond line',
		});
		const plain = await yt(`commentThreads?part=snippet&id=${added.id}&textFormat=plainText`);
		expect(plain.body.items[0].snippet.topLevelComment.snippet.textDisplay).toBe(
			'Use <b>tags</b> & more\nsecond line',
		);
		const bad = await yt(`commentThreads?part=snippet&id=${added.id}&textFormat=markdown`);
		expect(bad.status).toBe(400);
		expect(bad.body.error.errors[0]).toMatchObject({
			reason: 'invalidValue',
			location: 'textFormat',
		});
	});
});

describe('comments.insert', () => {
	it('adds a reply by the channel owner that later lists show in the thread', async () => {
		const channelId = emu.youtube.channel().id;
		const thread = emu.youtube.threads()[5]!;
		const { status, body } = await yt('comments?part=snippet', {
			method: 'POST',
			body: { snippet: { parentId: thread.id, textOriginal: 'Thanks for watching!' } },
		});
		expect(status).toBe(200);
		expect(body).toMatchObject({
			kind: 'youtube#comment',
			snippet: {
				parentId: thread.id,
				textOriginal: 'Thanks for watching!',
				authorChannelId: { value: channelId },
				authorDisplayName: '@sandboxuser',
			},
		});
		const listed = await yt(`commentThreads?part=snippet,replies&id=${thread.id}`);
		const item = listed.body.items[0];
		expect(item.snippet.totalReplyCount).toBe(thread.replies.length + 1);
		expect(item.replies.comments.at(-1).id).toBe(body.id);
	});

	it('lists a thread’s replies oldest first through comments.list?parentId, page by page', async () => {
		const thread = emu.youtube.threads().find((candidate) => candidate.replies.length >= 2)!;
		const first = await yt(`comments?part=snippet&parentId=${thread.id}&maxResults=1`);
		expect(first.status).toBe(200);
		expect(first.body.kind).toBe('youtube#commentListResponse');
		expect(first.body.items[0].id).toBe(thread.replies[0]!.id);
		expect(first.body.items[0].snippet.parentId).toBe(thread.id);
		const second = await yt(
			`comments?part=snippet&parentId=${thread.id}&maxResults=1&pageToken=${first.body.nextPageToken}`,
		);
		expect(second.body.items[0].id).toBe(thread.replies[1]!.id);
		const noFilter = await yt('comments?part=snippet');
		expect(noFilter.status).toBe(400);
		expect(noFilter.body.error.errors[0].reason).toBe('missingRequiredParameter');
	});

	it('answers parentCommentNotFound, commentTextRequired and a missing force-ssl scope', async () => {
		const missing = await yt('comments?part=snippet', {
			method: 'POST',
			body: { snippet: { parentId: 'UgzNoSuchThread', textOriginal: 'hello' } },
		});
		expect(missing.status).toBe(404);
		expect(missing.body.error.errors[0]).toMatchObject({
			reason: 'parentCommentNotFound',
			domain: 'youtube.comment',
		});
		const empty = await yt('comments?part=snippet', {
			method: 'POST',
			body: { snippet: { parentId: emu.youtube.threads()[0]!.id, textOriginal: '  ' } },
		});
		expect(empty.status).toBe(400);
		expect(empty.body.error.errors[0].reason).toBe('commentTextRequired');
		const readOnly = emu.control.issueToken(emu.sandbox.googleEmail, {
			scopes: [YOUTUBE_SCOPES.read[0]!],
		});
		const denied = await yt('comments?part=snippet', {
			token: readOnly.access_token,
			method: 'POST',
			body: { snippet: { parentId: emu.youtube.threads()[0]!.id, textOriginal: 'hi' } },
		});
		expect(denied.status).toBe(403);
		expect(denied.body.error.errors[0].reason).toBe('insufficientPermissions');
	});
});

describe('daily quota', () => {
	it('charges 1 unit per list and 50 per insert to the token’s project', async () => {
		emu.youtube.setQuota({ used: 0 });
		await yt('channels?part=id&mine=true');
		await yt('comments?part=snippet', {
			method: 'POST',
			body: { snippet: { parentId: emu.youtube.threads()[1]!.id, textOriginal: 'Noted.' } },
		});
		const report = await control('youtube/quota');
		expect(report.dailyLimit).toBe(10_000);
		expect(report.used[emu.sandbox.clientId]).toBe(51);
	});

	it('answers 403 quotaExceeded once the day’s units are spent, until the limit is raised', async () => {
		await control('youtube/quota', { used: 9_999, clientId: emu.sandbox.clientId });
		const channelId = emu.youtube.channel().id;
		const last = await yt(
			`commentThreads?part=snippet&allThreadsRelatedToChannelId=${channelId}&maxResults=1`,
		);
		expect(last.status).toBe(200);
		const over = await yt(
			`commentThreads?part=snippet&allThreadsRelatedToChannelId=${channelId}&maxResults=1`,
		);
		expect(over.status).toBe(403);
		expect(over.body.error.errors[0]).toMatchObject({
			reason: 'quotaExceeded',
			domain: 'youtube.quota',
		});
		expect(over.body.error).toEqual({
			code: 403,
			message:
				'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
			errors: [
				{
					message:
						'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
					domain: 'youtube.quota',
					reason: 'quotaExceeded',
				},
			],
		});
		await control('youtube/quota', { dailyLimit: 20_000 });
		expect((await yt('channels?part=id&mine=true')).status).toBe(200);
	});

	it('starts a new day at midnight Pacific time', async () => {
		emu.youtube.setQuota({ used: 10_000 });
		expect((await yt('channels?part=id&mine=true')).status).toBe(403);
		emu.control.advanceClock(24 * 3600 * 1000);
		try {
			expect((await yt('channels?part=id&mine=true')).status).toBe(200);
			expect(emu.youtube.quota().used[emu.sandbox.clientId]).toBe(1);
		} finally {
			emu.control.advanceClock(-24 * 3600 * 1000);
		}
	});

	it('limits a configured daily quota from the start options', async () => {
		const small = await startEmulator({
			seed: 'youtube-quota',
			youtube: { dailyQuota: 60, threads: 5 },
		});
		try {
			expect(small.youtube.quota().dailyLimit).toBe(60);
			expect(small.youtube.threads()).toHaveLength(5);
		} finally {
			await small.stop();
		}
	});
});

describe('faults', () => {
	it('fails YouTube operations through the ordinary fault API in Google’s error shape', async () => {
		emu.control.inject({ operation: 'youtube.commentThreads.list', status: 503 });
		const channelId = emu.youtube.channel().id;
		const failed = await yt(
			`commentThreads?part=snippet&allThreadsRelatedToChannelId=${channelId}`,
		);
		expect(failed.status).toBe(503);
		expect(failed.body.error.errors[0].reason).toBe('backendError');
		const again = await yt(`commentThreads?part=snippet&allThreadsRelatedToChannelId=${channelId}`);
		expect(again.status).toBe(200);
	});
});

describe('generator', () => {
	it('is deterministic from the seed and names some commenters after mailbox contacts', () => {
		const options = {
			seed: 'same-seed:owner@crm-connect.test',
			owner: { email: 'owner@crm-connect.test', name: 'Owner Name' },
			newest: new Date('2026-11-01T09:00:00Z'),
		};
		const a = createChannel(options);
		const b = createChannel(options);
		expect(JSON.stringify(a)).toBe(JSON.stringify(b));
		expect(a.threads).toHaveLength(300);
		const people = a.threads.filter((thread) => thread.topLevel.author.person);
		expect(people.length).toBeGreaterThan(100);
		const withEmail = a.threads.filter((thread) =>
			/[^\s@]+@[^\s@]+\.[a-z]+/.test(thread.topLevel.text),
		);
		expect(withEmail.length).toBeGreaterThan(3);
		for (const thread of withEmail) {
			expect(thread.topLevel.text).toContain(thread.topLevel.author.person!.email);
		}
		// The same person comments under the same channel id every time.
		const byEmail = new Map<string, string>();
		for (const thread of people) {
			const { person, channelId } = thread.topLevel.author;
			expect(byEmail.get(person!.email) ?? channelId).toBe(channelId);
			byEmail.set(person!.email, channelId);
		}
		const other = createChannel({ ...options, seed: 'other-seed:owner@crm-connect.test' });
		expect(other.id).not.toBe(a.id);
	});
});
