// The YouTube comment source against the emulator's YouTube Data API and a real PostgreSQL: a
// first poll stores the newest N threads, a second stops at the last one seen and stores only
// what is new, nothing twice; the daily budget stops polling before it would be exceeded and the
// poll resumes where it stopped on the next quota day (injected clock); a 403 quotaExceeded
// stops polling for the day without failing; 5xx is retried, a 403 quota answer never; comments
// link to the person whose YouTube channel id is the author's, inside one workspace only; the
// engine runs the source only when the setting is on and a YouTube scope was granted.
import { randomUUID } from 'node:crypto';

import {
	ProviderHttpError,
	createYouTubeClient,
	listYoutubeInboxMessages,
	normalizeHeaders,
	YouTubeQuotaExceededError,
	type ProviderRequester,
} from '../../core';
import { readCursor } from '../../core/store/cursors';
import {
	integrationSettingsSchema,
	type IntegrationSettingsInput,
} from '../../core/sync/integrationSettings';
import type { SyncStep } from '../../core/sync/sourceSync';
import { syncIntegration } from '../../core/sync/syncIntegration';
import {
	syncYoutubeCommentSource,
	type YoutubeCommentSyncOptions,
	type YoutubeSourceContext,
} from '../../core/sync/youtubeCommentSource';
import { startEmulator, type Emulator } from '../emulator';
import { addIntegration, syncDeps, TestAccess, type TestIntegration } from '../sync/engineSupport';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const YOUTUBE_SCOPE = 'https://www.googleapis.com/auth/youtube.readonly';
const FAST_RETRIES = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_000 };

let emu: Emulator;
let db: TestDatabase;
let token: string;
let requests = 0;

/** Sends with the emulator token like the engine does, counting the requests. */
const requester: ProviderRequester = async <T>(request: Parameters<ProviderRequester>[0]) => {
	requests++;
	const json = request.body !== undefined && typeof request.body === 'object';
	const response = await fetch(request.url, {
		method: request.method,
		headers: {
			authorization: `Bearer ${token}`,
			...(json ? { 'content-type': 'application/json' } : {}),
		},
		body: json ? JSON.stringify(request.body) : undefined,
	});
	const headers = normalizeHeaders(response.headers);
	const text = await response.text();
	const body = text && headers['content-type']?.includes('json') ? JSON.parse(text) : text;
	if (!response.ok) throw new ProviderHttpError(response.status, headers, body, request);
	return { status: response.status, headers, body: body as T };
};

beforeAll(async () => {
	[emu, db] = await Promise.all([
		startEmulator({ seed: 'youtube-source', messages: 20 }),
		createTestDatabase(),
	]);
	token = emu.control.issueToken(emu.sandbox.googleEmail).access_token;
});
afterAll(async () => {
	await emu?.stop();
	await db?.drop();
});
afterEach(() => emu.control.clearFaults());

async function newIntegration(
	settings: IntegrationSettingsInput = {},
	workspaceId?: string,
): Promise<TestIntegration> {
	const integration = await addIntegration(db.database, {
		provider: 'google',
		accountEmail: emu.sandbox.googleEmail,
		workspaceId,
		settings,
	});
	await db.database
		.knex('integrations')
		.where({ id: integration.integrationId })
		.update({ granted_scopes: JSON.stringify([YOUTUBE_SCOPE]) });
	return integration;
}

function context(
	integration: TestIntegration,
	now: () => Date,
	settings: IntegrationSettingsInput = {},
): YoutubeSourceContext {
	return {
		database: db.database,
		workspaceId: integration.workspaceId,
		integrationId: integration.integrationId,
		settings: integrationSettingsSchema.parse(settings),
		requester,
		endpoints: { googleApiBaseUrl: emu.urls.googleApis, graphBaseUrl: emu.baseUrl },
		now,
		progress: () => undefined,
	};
}

async function poll(
	integration: TestIntegration,
	options: YoutubeCommentSyncOptions & { now?: Date; settings?: IntegrationSettingsInput } = {},
) {
	const at = options.now ?? new Date();
	return await syncYoutubeCommentSource(
		context(integration, () => at, options.settings),
		{
			retryPolicy: FAST_RETRIES,
			...options,
		},
	);
}

/** Stored top-level comment ids, sorted. */
async function storedTopLevel(integration: TestIntegration): Promise<string[]> {
	const rows = (await db.database
		.knex('youtube_comments')
		.where({ workspace_id: integration.workspaceId, integration_id: integration.integrationId })
		.whereNull('parent_id')
		.orderBy([
			{ column: 'published_at', order: 'desc' },
			{ column: 'comment_id', order: 'desc' },
		])
		.select('comment_id')) as Array<{ comment_id: string }>;
	return rows.map((row) => row.comment_id).sort();
}

async function rowCount(integration: TestIntegration): Promise<number> {
	const [{ count }] = (await db.database
		.knex('youtube_comments')
		.where({ workspace_id: integration.workspaceId })
		.count('* as count')) as Array<{ count: string }>;
	return Number(count);
}

/** Thread ids newest first, as YouTube lists them. */
const threadIds = () => emu.youtube.threads().map((thread) => thread.id);
/** The newest n thread ids, sorted (comments of the same second have no order to compare). */
const newest = (n: number) => threadIds().slice(0, n).sort();
const openVideo = () => emu.youtube.channel().videos.find((video) => !video.commentsDisabled)!;

describe('YouTube comment source — polling', () => {
	it('stores the newest N threads first, then only what is new, never twice', async () => {
		const integration = await newIntegration();
		const settings = { initialHorizon: { kind: 'messages' as const, count: 20 } };

		const first = await poll(integration, { settings, pageSize: 7 });
		expect(first.stoppedBy).toBe('initial_horizon');
		expect(first.channelId).toBe(emu.youtube.channel().id);
		expect(await storedTopLevel(integration)).toEqual(newest(20));
		// One channels.list and three pages of 7 (the third cut at 20).
		expect(first.unitsUsedToday).toBe(4);
		const firstRows = await rowCount(integration);
		expect(first.counts.created).toBe(firstRows);
		const replies = emu.youtube
			.threads()
			.slice(0, 20)
			.reduce((sum, thread) => sum + Math.min(thread.replies.length, 5), 0);
		expect(firstRows).toBeGreaterThanOrEqual(20);
		expect(firstRows).toBeLessThanOrEqual(20 + replies);

		// Nothing new: one page, stopped at the first thread, nothing written.
		requests = 0;
		const again = await poll(integration, { settings, pageSize: 7 });
		expect(again).toMatchObject({ stoppedBy: 'caught_up', unitsUsedToday: 5 });
		expect(again.counts.created).toBe(0);
		expect(requests).toBe(1);

		const video = openVideo();
		const added = [1, 2, 3].map(
			(n) => emu.youtube.addComment({ videoId: video.id, text: `New comment ${n}` }).id as string,
		);
		const third = await poll(integration, { settings, pageSize: 2 });
		expect(third.stoppedBy).toBe('caught_up');
		expect(third.counts.created).toBe(3);
		expect(await rowCount(integration)).toBe(firstRows + 3);
		const stored = await storedTopLevel(integration);
		// The three new ones are now the newest: the 20 of before and them.
		expect(stored).toEqual(newest(23));
		expect(stored).toEqual(expect.arrayContaining(added));
		expect(new Set(stored).size).toBe(stored.length);

		const cursor = await readCursor(db.database.knex, {
			workspaceId: integration.workspaceId,
			integrationId: integration.integrationId,
			sourceType: 'youtube_channel',
			sourceId: emu.youtube.channel().id,
		});
		expect(cursor?.cursor).toMatchObject({ newestCommentId: threadIds()[0] });
	});

	it('resumes a poll a crash cut short, losing and doubling nothing', async () => {
		const integration = await newIntegration();
		const settings = { initialHorizon: { kind: 'messages' as const, count: 12 } };
		const crashAt = (at: SyncStep, page: number) => {
			const crash = new Error(`crash at ${at} of page ${page}`);
			const ctx = context(integration, () => new Date(), settings);
			ctx.hooks = {
				atStep(step, detail) {
					if (step === at && detail.page === page) throw crash;
				},
			};
			return { ctx, crash };
		};
		// After page 2 committed: its comments and the poll's page token are stored.
		const first = crashAt('committed', 2);
		await expect(
			syncYoutubeCommentSource(first.ctx, { pageSize: 4, retryPolicy: FAST_RETRIES }),
		).rejects.toBe(first.crash);
		expect(await storedTopLevel(integration)).toEqual(newest(8));
		const rowsAfterCrash = await rowCount(integration);
		// Inside the next page's transaction: rolled back whole.
		const second = crashAt('rows_written', 1);
		await expect(
			syncYoutubeCommentSource(second.ctx, { pageSize: 4, retryPolicy: FAST_RETRIES }),
		).rejects.toBe(second.crash);
		expect(await storedTopLevel(integration)).toEqual(newest(8));

		const report = await poll(integration, { settings, pageSize: 4 });
		expect(report.stoppedBy).toBe('initial_horizon');
		expect(await storedTopLevel(integration)).toEqual(newest(12));
		expect(report.counts.created).toBe((await rowCount(integration)) - rowsAfterCrash);
	});

	it('retries a 503 and goes on', async () => {
		const integration = await newIntegration({ initialHorizon: { kind: 'messages', count: 5 } });
		emu.control.inject({ operation: 'youtube.commentThreads.list', status: 503, times: 2 });
		const report = await poll(integration, {
			settings: { initialHorizon: { kind: 'messages', count: 5 } },
		});
		expect(report.stoppedBy).toBe('initial_horizon');
		expect(await storedTopLevel(integration)).toEqual(newest(5));
	});
});

describe('YouTube comment source — quota', () => {
	const DAY_ONE = new Date('2026-12-01T18:00:00Z'); // 10:00 Pacific
	const settings = { initialHorizon: { kind: 'messages' as const, count: 30 } };

	it('stops before the daily budget would be exceeded and resumes where it stopped the next day', async () => {
		const integration = await newIntegration(settings);
		const first = await poll(integration, { now: DAY_ONE, settings, dailyBudget: 3, pageSize: 5 });
		expect(first).toMatchObject({
			stoppedBy: 'budget',
			unitsUsedToday: 3,
			dailyBudget: 3,
			resumesAt: '2026-12-02T08:00:00.000Z', // midnight Pacific
		});
		expect(await storedTopLevel(integration)).toEqual(newest(10));

		// Later the same quota day: no call at all.
		requests = 0;
		const later = new Date('2026-12-02T07:59:00Z');
		const blocked = await poll(integration, { now: later, settings, dailyBudget: 3, pageSize: 5 });
		expect(blocked).toMatchObject({ stoppedBy: 'budget', unitsUsedToday: 3 });
		expect(requests).toBe(0);

		// The next day the same poll goes on from its page token: 3 more pages, then the rest.
		const dayTwo = new Date('2026-12-02T08:30:00Z');
		const second = await poll(integration, { now: dayTwo, settings, dailyBudget: 3, pageSize: 5 });
		expect(second).toMatchObject({ stoppedBy: 'budget', unitsUsedToday: 3 });
		expect(await storedTopLevel(integration)).toEqual(newest(25));
		const dayThree = new Date('2026-12-03T09:00:00Z');
		const third = await poll(integration, { now: dayThree, settings, dailyBudget: 3, pageSize: 5 });
		expect(third.stoppedBy).toBe('initial_horizon');
		expect(await storedTopLevel(integration)).toEqual(newest(30));
	});

	it("stops for the day on YouTube's quotaExceeded without failing, and polls again after the reset", async () => {
		const integration = await newIntegration(settings);
		await poll(integration, { now: DAY_ONE, settings });
		const before = await rowCount(integration);
		emu.youtube.addComment({ videoId: openVideo().id, text: 'While the quota is gone' });

		emu.youtube.setQuota({ used: emu.youtube.quota().dailyLimit, clientId: 'emulator-control' });
		requests = 0;
		const stopped = await poll(integration, { now: DAY_ONE, settings });
		expect(stopped).toMatchObject({
			stoppedBy: 'quota_exceeded',
			resumesAt: '2026-12-02T08:00:00.000Z',
		});
		expect(requests).toBe(1); // a 403 quotaExceeded is never retried
		requests = 0;
		expect((await poll(integration, { now: DAY_ONE, settings })).stoppedBy).toBe('quota_exceeded');
		expect(requests).toBe(0);

		emu.youtube.setQuota({ used: 0, clientId: 'emulator-control' });
		const next = await poll(integration, { now: new Date('2026-12-02T09:00:00Z'), settings });
		expect(next.stoppedBy).toBe('caught_up');
		expect(next.counts.created).toBe(1);
		expect(await rowCount(integration)).toBe(before + 1);
	});

	it('the client names the reset time of an exhausted quota', async () => {
		emu.youtube.setQuota({ used: emu.youtube.quota().dailyLimit, clientId: 'emulator-control' });
		try {
			const client = createYouTubeClient(requester, {
				apiBaseUrl: emu.urls.googleApis,
				now: () => DAY_ONE,
			});
			const failure = await client.myChannels().catch((error: unknown) => error);
			expect(failure).toBeInstanceOf(YouTubeQuotaExceededError);
			expect((failure as Error).message).toMatch(
				/daily quota .* resets at midnight Pacific Time \(2026-12-02T08:00:00.000Z\)/,
			);
		} finally {
			emu.youtube.setQuota({ used: 0, clientId: 'emulator-control' });
		}
	});
});

describe('YouTube comment source — people and workspaces', () => {
	it("links comments to the person with the author's channel id, in the same workspace only", async () => {
		const workspaceA = randomUUID();
		const workspaceB = randomUUID();
		const a = await newIntegration({}, workspaceA);
		const b = await newIntegration({}, workspaceB);
		const author = emu.youtube.threads()[1].topLevel.authorChannelId;
		const later = emu.youtube.threads()[3].topLevel.authorChannelId;
		const [person] = (await db.database
			.knex('people')
			.insert({
				workspace_id: workspaceA,
				email: 'fan@example.com',
				full_name: 'A Fan',
				youtube_channel_id: author,
			})
			.returning('id')) as Array<{ id: string }>;
		// The same channel id on a person of another workspace never links A's comments.
		await db.database
			.knex('people')
			.insert({ workspace_id: workspaceB, email: 'other@example.com', youtube_channel_id: later });

		const settings = { initialHorizon: { kind: 'messages' as const, count: 6 } };
		const report = await poll(a, { settings });
		expect(report.linked).toBeGreaterThanOrEqual(1);
		await poll(b, { settings });

		const inboxA = await listYoutubeInboxMessages(db.database.knex, workspaceA);
		const linked = inboxA.messages.filter((message) => message.people.length > 0);
		expect(linked.length).toBeGreaterThanOrEqual(1);
		for (const message of linked) {
			expect(message.from.youtubeChannelId).toBe(author);
			expect(message.people).toEqual([
				{ id: person.id, email: 'fan@example.com', fullName: 'A Fan', linkSource: 'auto' },
			]);
		}
		expect(inboxA.messages.every((message) => message.channel === 'youtube')).toBe(true);
		expect(inboxA.messages.every((message) => message.integrationId === a.integrationId)).toBe(
			true,
		);
		// B stored the same comments as its own rows, linked to B's person only.
		const inboxB = await listYoutubeInboxMessages(db.database.knex, workspaceB);
		expect(inboxB.messages.map((message) => message.commentId).sort()).toEqual(
			inboxA.messages.map((message) => message.commentId).sort(),
		);
		expect(inboxB.messages.some((message) => message.people.some((p) => p.id === person.id))).toBe(
			false,
		);
		expect(
			inboxB.messages
				.filter((message) => message.people.length > 0)
				.every((message) => message.from.youtubeChannelId === later),
		).toBe(true);

		// A channel id set on a person later links their earlier comments at the next poll.
		await db.database
			.knex('people')
			.insert({ workspace_id: workspaceA, email: 'late@example.com', youtube_channel_id: later });
		await poll(a, { settings });
		const byPerson = await listYoutubeInboxMessages(db.database.knex, workspaceA, {
			personId: person.id,
		});
		expect(byPerson.messages.every((message) => message.from.youtubeChannelId === author)).toBe(
			true,
		);
		const again = await listYoutubeInboxMessages(db.database.knex, workspaceA);
		expect(
			again.messages.some((message) => message.people.some((p) => p.email === 'late@example.com')),
		).toBe(true);
	});

	it('pages the inbox newest first', async () => {
		const workspace = randomUUID();
		const integration = await newIntegration({}, workspace);
		await poll(integration, { settings: { initialHorizon: { kind: 'messages', count: 5 } } });
		const first = await listYoutubeInboxMessages(db.database.knex, workspace, { limit: 3 });
		expect(first.messages).toHaveLength(3);
		const rest = await listYoutubeInboxMessages(db.database.knex, workspace, {
			limit: 200,
			before: first.nextBefore!,
		});
		const all = [...first.messages, ...rest.messages];
		expect(all).toHaveLength(await rowCount(integration));
		const times = all.map((message) => Date.parse(message.publishedAt!));
		expect([...times].sort((x, y) => y - x)).toEqual(times);
	});
});

describe('YouTube comment source — in the workspace sync engine', () => {
	async function engineRun(integration: TestIntegration, scopes?: string[]) {
		const access = new TestAccess(emu, db.database);
		if (scopes) access.scopes.set(integration.integrationId, scopes);
		return await syncIntegration(syncDeps(emu, db.database, access), {
			workspaceId: integration.workspaceId,
			integrationId: integration.integrationId,
		});
	}
	const only = { syncMail: false, syncCalendar: false };

	it('runs the source after mail and calendar when the setting is on', async () => {
		const integration = await newIntegration({
			...only,
			syncYoutubeComments: true,
			initialHorizon: { kind: 'messages', count: 8 },
		});
		const result = await engineRun(integration);
		expect(result.outcome).toBe('succeeded');
		expect(result.youtube).toMatchObject({ stoppedBy: 'initial_horizon' });
		expect(result.counts.created).toBe(await rowCount(integration));
		expect(await storedTopLevel(integration)).toEqual(newest(8));

		const added = emu.youtube.addComment({ videoId: openVideo().id, text: 'Seen by the engine' });
		const next = await engineRun(integration);
		expect(next).toMatchObject({ outcome: 'succeeded', kind: 'incremental' });
		expect(next.youtube).toMatchObject({ stoppedBy: 'caught_up' });
		expect(next.counts.created).toBe(1);
		expect(await storedTopLevel(integration)).toContain(added.id);
	});

	it('leaves YouTube alone when the setting is off or no YouTube scope was granted', async () => {
		const off = await newIntegration(only);
		expect((await engineRun(off)).youtube).toBeUndefined();
		expect(await rowCount(off)).toBe(0);

		const unscoped = await newIntegration({ ...only, syncYoutubeComments: true });
		await db.database
			.knex('integrations')
			.where({ id: unscoped.integrationId })
			.update({ granted_scopes: JSON.stringify(['openid', 'email']) });
		const result = await engineRun(unscoped);
		expect(result.outcome).toBe('succeeded');
		expect(result.youtube?.stoppedBy).toBe('no_scope');
		expect(await rowCount(unscoped)).toBe(0);
	});

	it('names the YouTube permission when the token lacks it', async () => {
		const integration = await newIntegration({ ...only, syncYoutubeComments: true });
		const result = await engineRun(integration, ['https://www.googleapis.com/auth/gmail.readonly']);
		expect(result.outcome).toBe('failed');
		expect(result.errorClass).toBe('insufficient_permissions');
		expect(result.errorMessage).toContain('YouTube read access');
	});
});
