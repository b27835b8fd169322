// The YouTube CRM node run through n8n-core (WorkflowExecute) against the emulator's YouTube Data
// API: the connected channel, comment threads of the channel, of a channel by id and of a video
// (newest first, limit across pages, return all), a reply, and the failures a user must be able
// to act on: a video without comments, an unknown video or comment, a missing permission, the
// project's daily quota used up (never retried), continueOnFail with pairing.
import type { INode, INodeExecutionData } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import type { StoredCredential } from '../harness/credentialsHelper';
import { chain, crmNode, runWorkflow, type WorkflowDefinition } from '../harness/runWorkflow';
import { connectGoogleCredential } from '../support/providerCredentials';

const NODE = 'YouTube CRM';
const READ = 'https://www.googleapis.com/auth/youtube.readonly';
const WRITE = 'https://www.googleapis.com/auth/youtube.force-ssl';
let emu: Emulator;
let credential: StoredCredential;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'youtube-node', messages: 10 });
	credential = await connectGoogleCredential(emu, 'youTubeCrmOAuth2Api', [READ, WRITE]);
});
afterAll(() => emu.stop());

function youtubeNode(
	parameters: Record<string, unknown>,
	extra: Partial<INode> = {},
	stored: StoredCredential = credential,
): INode {
	return crmNode('youTubeCrm', NODE, parameters as never, {
		credentials: { youTubeCrmOAuth2Api: { id: stored.id, name: stored.name } },
		...extra,
	});
}

async function run(definition: WorkflowDefinition, credentials = [credential]) {
	return await runWorkflow(definition, { credentials });
}

async function runOne(parameters: Record<string, unknown>): Promise<INodeExecutionData[]> {
	const result = await run(chain(youtubeNode(parameters)));
	expect(result.error).toBeUndefined();
	const items = result.output(NODE);
	for (const item of items) expect(item.pairedItem).toEqual({ item: 0 });
	return items;
}

async function failure(parameters: Record<string, unknown>, stored = credential) {
	const result = await run(chain(youtubeNode(parameters, {}, stored)), [stored]);
	return result.error?.message;
}

const threads = () => emu.youtube.threads();
const sorted = (ids: unknown[]) => [...ids].map(String).sort();
const openVideo = () => emu.youtube.channel().videos.find((video) => !video.commentsDisabled)!;

describe('YouTube CRM node — channel', () => {
	it("gets the connected account's channel", async () => {
		const [item] = await runOne({ resource: 'channel', operation: 'getMine' });
		const channel = emu.youtube.channel();
		expect(item.json).toMatchObject({ id: channel.id, title: channel.title });
		expect(item.json.customUrl).toBe(channel.customUrl);
		expect(typeof item.json.videoCount).toBe('number');
	});
});

describe('YouTube CRM node — comment threads', () => {
	it('lists the connected channel newest first, up to the limit, with replies', async () => {
		const items = await runOne({ resource: 'commentThread', operation: 'getMany', limit: 5 });
		expect(sorted(items.map((item) => item.json.threadId))).toEqual(
			sorted(
				threads()
					.slice(0, 5)
					.map((thread) => thread.id),
			),
		);
		const times = items.map((item) => Date.parse(String(item.json.publishedAt)));
		expect([...times].sort((a, b) => b - a)).toEqual(times);
		const first = threads().find((thread) => thread.id === items[0].json.threadId)!;
		expect(items[0].json).toMatchObject({
			commentId: first.topLevel.id,
			channelId: emu.youtube.channel().id,
			videoId: first.videoId,
			authorChannelId: first.topLevel.authorChannelId,
			textOriginal: first.topLevel.text,
		});
		expect(Array.isArray(items[0].json.replies)).toBe(true);
	});

	it('follows pages past 100 for a channel given by id', async () => {
		const items = await runOne({
			resource: 'commentThread',
			operation: 'getMany',
			scope: 'channel',
			channelId: emu.youtube.channel().id,
			limit: 130,
		});
		expect(items).toHaveLength(130);
		expect(new Set(items.map((item) => item.json.threadId)).size).toBe(130);
	});

	it('returns every thread of a video', async () => {
		const video = openVideo();
		const items = await runOne({
			resource: 'commentThread',
			operation: 'getMany',
			scope: 'video',
			videoId: video.id,
			returnAll: true,
		});
		const expected = threads().filter((thread) => thread.videoId === video.id);
		expect(sorted(items.map((item) => item.json.threadId))).toEqual(
			sorted(expected.map((thread) => thread.id)),
		);
		expect(items.every((item) => item.json.videoId === video.id)).toBe(true);
	});

	it('says when a video has comments turned off or does not exist', async () => {
		const closed = emu.youtube.channel().videos.find((video) => video.commentsDisabled);
		expect(closed).toBeDefined();
		expect(
			await failure({
				resource: 'commentThread',
				operation: 'getMany',
				scope: 'video',
				videoId: closed!.id,
			}),
		).toMatch(/disabled comments/);
		expect(
			await failure({
				resource: 'commentThread',
				operation: 'getMany',
				scope: 'video',
				videoId: 'noSuchVideo0',
			}),
		).toBe("YouTube has no video 'noSuchVideo0'");
	});
});

describe('YouTube CRM node — comments', () => {
	it('replies to a comment', async () => {
		const thread = threads().find((candidate) => candidate.videoId === openVideo().id)!;
		const [item] = await runOne({
			resource: 'comment',
			operation: 'reply',
			parentId: thread.id,
			text: 'Thanks for watching!',
		});
		expect(item.json).toMatchObject({ parentId: thread.id, textOriginal: 'Thanks for watching!' });
		const stored = threads().find((candidate) => candidate.id === thread.id)!;
		expect(stored.replies.map((reply) => reply.id)).toContain(item.json.commentId);
	});

	it('keeps going with continueOnFail: the failed item gets its error, every item its pairing', async () => {
		const list = youtubeNode(
			{ resource: 'commentThread', operation: 'getMany', limit: 2 },
			{ name: 'Two Threads' },
		);
		const reply = youtubeNode(
			{
				resource: 'comment',
				operation: 'reply',
				parentId: '={{ $itemIndex === 0 ? "noSuchComment" : $json.threadId }}',
				text: 'Noted',
			},
			{ continueOnFail: true },
		);
		const result = await run(chain(list, reply));
		expect(result.error).toBeUndefined();
		const items = result.output(NODE);
		expect(items).toHaveLength(2);
		expect(items[0]).toMatchObject({
			pairedItem: { item: 0 },
			json: { error: "YouTube has no comment 'noSuchComment' to reply to" },
		});
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(items[1].json.textOriginal).toBe('Noted');
	});

	it('names the permission a reply needs when the credential lacks it', async () => {
		const readOnly = await connectGoogleCredential(emu, 'youTubeCrmOAuth2Api', [READ], {
			id: 'read-only',
		});
		expect(
			await failure(
				{ resource: 'comment', operation: 'reply', parentId: threads()[0].id, text: 'Hi' },
				readOnly,
			),
		).toBe(
			'The YouTube connection lacks the youtube.force-ssl permission — reconnect the credential and grant it',
		);
	});
});

describe('YouTube CRM node — quota', () => {
	it('says the daily quota is used up and when it resets, without retrying', async () => {
		const client = emu.sandbox.clientId;
		emu.youtube.setQuota({ used: emu.youtube.quota().dailyLimit, clientId: client });
		try {
			const lists = () => emu.control.calls().byOperation['youtube.channels.list'] ?? 0;
			const before = lists();
			const message = await failure({ resource: 'channel', operation: 'getMine' });
			expect(message).toMatch(
				/^The YouTube Data API daily quota of this Google Cloud project is used up; it resets at midnight Pacific Time \(\d{4}-\d\d-\d\dT\d\d:00:00\.000Z\)/,
			);
			expect(lists() - before).toBe(1);
		} finally {
			emu.youtube.setQuota({ used: 0, clientId: client });
		}
	});
});
