// renewDueSubscriptions against the emulator's WebSub hub: a subscription whose lease ends within
// two days is renewed at its hub with the same verify token and secret (the hub verifies it
// through a callback served by handleWebhookCall, the lease end moves, and a delivery after the
// old lease end still arrives and verifies); one with days left, and another workspace's, are not
// touched; a hub error on one subscription is reported in words and the others are renewed.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Knex } from 'knex';

import { handleWebhookCall, type WebhookItem } from '../../core/webhooks/handleWebhook';
import {
	renewDueSubscriptions,
	subscribeAtHub,
	youtubeTopicUrl,
} from '../../core/webhooks/subscriptions';
import { startEmulator, type Emulator } from '../emulator';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const DAY = 86_400;
const WORKSPACE = randomUUID();
const OTHER_WORKSPACE = randomUUID();
const FAULT_WORKSPACE = randomUUID();
const SECRETS: Record<string, string> = {
	[WORKSPACE]: randomBytes(32).toString('base64url'),
	[OTHER_WORKSPACE]: randomBytes(32).toString('base64url'),
	[FAULT_WORKSPACE]: randomBytes(32).toString('base64url'),
};

let test: TestDatabase;
let knex: Knex;
let emu: Emulator;
let server: http.Server;
let serverUrl: string;
/** Every form our side POSTed to the hub, in order. */
const hubForms: Array<Record<string, string>> = [];
/** What each workspace's callback accepted from the hub's deliveries. */
const delivered: Array<{ workspaceId: string; item: WebhookItem }> = [];

const recordingFetch = (async (url: string | URL | Request, init?: RequestInit) => {
	hubForms.push(Object.fromEntries(new URLSearchParams(String(init?.body))));
	return await fetch(url, init);
}) as typeof fetch;

const callbackOf = (workspaceId: string) => `${serverUrl}/hook/${workspaceId}/youtube-webhook`;

const contextOf = (workspaceId: string) => ({
	db: knex,
	workspaceId,
	workspaceSecret: SECRETS[workspaceId],
	callbackUrl: callbackOf(workspaceId),
	fetch: recordingFetch,
});

/** A trigger's YouTube URL in miniature: the hub's verifications and deliveries, per workspace. */
async function route(request: http.IncomingMessage, response: http.ServerResponse) {
	const url = new URL(request.url ?? '/', serverUrl);
	const workspaceId = /^\/hook\/([^/]+)\/youtube-webhook$/.exec(url.pathname)?.[1];
	if (!workspaceId || !SECRETS[workspaceId]) {
		response.statusCode = 404;
		response.end();
		return;
	}
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(request.headers)) {
		if (typeof value === 'string') headers[name] = value;
	}
	const answer = await handleWebhookCall(
		{
			db: knex,
			workspaceId,
			workspaceSecret: SECRETS[workspaceId],
			youtubeCallbackUrl: callbackOf(workspaceId),
			hubUrl: emu.urls.websubHub,
		},
		{
			method: request.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers,
			rawBody: Buffer.concat(chunks),
		},
	);
	if (answer.item) delivered.push({ workspaceId, item: answer.item });
	response.statusCode = answer.status;
	response.setHeader('content-type', answer.contentType);
	response.end(answer.body);
}

const rowOf = async (workspaceId: string, topicUrl: string) =>
	(await knex('webhook_subscriptions')
		.where({ workspace_id: workspaceId, topic_url: topicUrl })
		.first()) as {
		verify_token: string;
		secret_encrypted: string;
		status: string;
		lease_expires_at: Date;
	};

const hubSubscription = (workspaceId: string, topicUrl: string) =>
	emu.websub
		.subscriptions()
		.find((sub) => sub.callback === callbackOf(workspaceId) && sub.topic === topicUrl)!;

const subscribeFormsFor = (workspaceId: string, topicUrl: string) =>
	hubForms.filter(
		(form) =>
			form['hub.mode'] === 'subscribe' &&
			form['hub.callback'] === callbackOf(workspaceId) &&
			form['hub.topic'] === topicUrl,
	);

/** Subscribes and waits for the hub's verification: active, with the lease the hub granted. */
async function subscribed(workspaceId: string, channelId: string, leaseSeconds: number) {
	const topicUrl = youtubeTopicUrl(channelId);
	await subscribeAtHub(contextOf(workspaceId), {
		hubUrl: emu.urls.websubHub,
		topicUrl,
		leaseSeconds,
	});
	await emu.websub.settled();
	expect(await rowOf(workspaceId, topicUrl)).toMatchObject({ status: 'active' });
	return topicUrl;
}

beforeAll(async () => {
	test = await createTestDatabase();
	knex = test.database.knex;
	emu = await startEmulator({ seed: 'websub-renewal', messages: 3 });
	server = http.createServer((request, response) => {
		route(request, response).catch((error: Error) => {
			response.statusCode = 500;
			response.end(error.message);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise((resolve) => server?.close(resolve));
	await emu?.stop();
	await test?.drop();
});

describe('renewDueSubscriptions', () => {
	it('renews a lease ending within a day with the same token and secret; days left and another workspace are not touched', async () => {
		const due = await subscribed(WORKSPACE, 'UCrenewalDueChannel0001', DAY);
		const later = await subscribed(WORKSPACE, 'UCrenewalLaterChannel01', 9 * DAY);
		const otherDue = await subscribed(OTHER_WORKSPACE, 'UCrenewalDueChannel0001', DAY);
		const [first] = subscribeFormsFor(WORKSPACE, due);
		const dueBefore = await rowOf(WORKSPACE, due);
		const laterBefore = await rowOf(WORKSPACE, later);
		const otherBefore = await rowOf(OTHER_WORKSPACE, otherDue);
		const hubLeaseBefore = Date.parse(hubSubscription(WORKSPACE, due).expiresAt!);
		const formsBefore = hubForms.length;

		const results = await renewDueSubscriptions({
			db: knex,
			workspaceId: WORKSPACE,
			workspaceSecret: SECRETS[WORKSPACE],
			fetch: recordingFetch,
		});
		expect(results).toEqual([{ topicUrl: due, callbackUrl: callbackOf(WORKSPACE), renewed: true }]);
		await emu.websub.settled();

		// One new subscribe, for the due topic only, with the token and secret of the first one.
		const renewal = hubForms.slice(formsBefore);
		expect(renewal).toEqual([
			expect.objectContaining({
				'hub.mode': 'subscribe',
				'hub.topic': due,
				'hub.callback': callbackOf(WORKSPACE),
				'hub.verify_token': first['hub.verify_token'],
				'hub.secret': first['hub.secret'],
			}),
		]);
		expect(emu.websub.verifications().at(-1)).toMatchObject({
			mode: 'subscribe',
			topic: due,
			callback: callbackOf(WORKSPACE),
			verified: true,
		});
		const dueAfter = await rowOf(WORKSPACE, due);
		expect(dueAfter).toMatchObject({ status: 'active', verify_token: dueBefore.verify_token });
		expect(dueAfter.lease_expires_at.getTime()).toBeGreaterThan(
			dueBefore.lease_expires_at.getTime() + 8 * DAY * 1000,
		);
		expect(Date.parse(hubSubscription(WORKSPACE, due).expiresAt!)).toBeGreaterThan(
			hubLeaseBefore + 8 * DAY * 1000,
		);
		expect(await rowOf(WORKSPACE, later)).toEqual(laterBefore);
		expect(await rowOf(OTHER_WORKSPACE, otherDue)).toEqual(otherBefore);
		expect(subscribeFormsFor(WORKSPACE, later)).toHaveLength(1);
		expect(subscribeFormsFor(OTHER_WORKSPACE, otherDue)).toHaveLength(1);

		// Two days on (hub clock), the old lease has ended: the renewed subscription still gets the
		// upload, signed with the secret it always had; the other workspace's has lapsed.
		emu.control.advanceClock(2 * DAY * 1000);
		expect(hubSubscription(OTHER_WORKSPACE, otherDue).state).toBe('expired');
		const deliveries = await emu.websub.publish({
			channelId: 'UCrenewalDueChannel0001',
			videoId: 'renewVid001',
			title: 'After the old lease',
		});
		expect(deliveries).toEqual([
			expect.objectContaining({ callback: callbackOf(WORKSPACE), status: 200 }),
		]);
		expect(delivered).toEqual([
			{
				workspaceId: WORKSPACE,
				item: expect.objectContaining({
					action: 'youtube-webhook',
					authenticatedBy: 'hub-signature',
					videoId: 'renewVid001',
				}),
			},
		]);
	});

	it('reports a hub error on one subscription in words and renews the others', async () => {
		const failing = await subscribed(FAULT_WORKSPACE, 'UCrenewalFaultA00000001', DAY);
		const renewing = await subscribed(FAULT_WORKSPACE, 'UCrenewalFaultB00000001', DAY);
		const failingBefore = await rowOf(FAULT_WORKSPACE, failing);
		// Subscriptions are renewed in topic order: the first hub call fails.
		emu.control.inject({ operation: 'websub.hub', status: 503 });

		const results = await renewDueSubscriptions({
			db: knex,
			workspaceId: FAULT_WORKSPACE,
			workspaceSecret: SECRETS[FAULT_WORKSPACE],
			fetch: recordingFetch,
		});
		await emu.websub.settled();
		expect(results).toEqual([
			{
				topicUrl: failing,
				callbackUrl: callbackOf(FAULT_WORKSPACE),
				renewed: false,
				error: expect.stringMatching(/^The WebSub hub refused subscribe for .+: 503/),
			},
			{ topicUrl: renewing, callbackUrl: callbackOf(FAULT_WORKSPACE), renewed: true },
		]);
		const [secret] = subscribeFormsFor(FAULT_WORKSPACE, failing).map((form) => form['hub.secret']);
		expect(results[0].error).not.toContain(secret);
		expect(results[0].error).not.toContain(SECRETS[FAULT_WORKSPACE]);
		// The failed renewal leaves the running subscription as it was, to be tried again.
		expect(await rowOf(FAULT_WORKSPACE, failing)).toMatchObject({
			status: 'active',
			verify_token: failingBefore.verify_token,
		});
		expect(subscribeFormsFor(FAULT_WORKSPACE, renewing)).toHaveLength(2);
		expect(emu.websub.verifications().at(-1)).toMatchObject({ topic: renewing, verified: true });
	});
});
