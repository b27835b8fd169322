// The trigger's engine against PostgreSQL: every action with valid, forged, replayed and malformed
// calls (refused ones leave no receipt and no item), duplicates stored once and emitted once,
// people found by address or by a click id seen before, and the WebSub lifecycle (subscribe,
// verification of intent, signed delivery, renewal, unsubscribe) against a recording hub.
import { randomBytes, randomUUID } from 'node:crypto';

import type { Knex } from 'knex';

import {
	HUB_SIGNATURE_HEADER,
	SECRET_HEADER,
	SIGNATURE_HEADER,
	TIMESTAMP_HEADER,
	signHubBody,
	signWebhookBody,
} from '../../core/security/webhookSignature';
import {
	handleWebhookCall,
	type WebhookCall,
	type WebhookHandlerContext,
} from '../../core/webhooks/handleWebhook';
import {
	listSubscriptions,
	subscribeAtHub,
	unsubscribeAtHub,
	youtubeTopicUrl,
} from '../../core/webhooks/subscriptions';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { youtubeAtom } from './support';

const WORKSPACE = randomUUID();
const OTHER_WORKSPACE = randomUUID();
const SECRET = randomBytes(32).toString('base64url');
const CALLBACK = 'https://n8n.example/webhook/abc/crm-webhook/youtube-webhook';
const HUB = 'https://hub.example/subscribe';

let test: TestDatabase;
let knex: Knex;
let context: WebhookHandlerContext;
const hubRequests: Array<Record<string, string>> = [];
const recordingHub = (async (_url: string, init?: RequestInit) => {
	hubRequests.push(Object.fromEntries(new URLSearchParams(String(init?.body))));
	return new Response('', { status: 202 });
}) as typeof fetch;

beforeAll(async () => {
	test = await createTestDatabase();
	knex = test.database.knex;
	context = {
		db: knex,
		workspaceId: WORKSPACE,
		workspaceSecret: SECRET,
		youtubeCallbackUrl: CALLBACK,
		hubUrl: HUB,
		fetch: recordingHub,
	};
	await knex('people').insert([
		{ workspace_id: WORKSPACE, email: 'jane@example.com', full_name: 'Jane Roe' },
		{ workspace_id: OTHER_WORKSPACE, email: 'max@example.com', full_name: 'Max Other' },
	]);
});
afterAll(async () => {
	await test.drop();
});

function post(
	action: string,
	body: unknown,
	headers: Record<string, string> = {},
	via: 'query' | 'path' = 'query',
): WebhookCall {
	const rawBody = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	return {
		method: 'POST',
		path: via === 'path' ? `/webhook/abc/crm-webhook/${action}` : '/webhook/abc/crm-webhook',
		query: via === 'query' ? { action } : {},
		headers: { 'content-type': 'application/json', ...headers },
		rawBody,
	};
}

function signedPost(
	action: string,
	body: unknown,
	at = new Date(),
	secret = SECRET,
	via: 'query' | 'path' = 'query',
): WebhookCall {
	const call = post(action, body, {}, via);
	const timestamp = Math.floor(at.getTime() / 1000);
	call.headers[TIMESTAMP_HEADER] = String(timestamp);
	call.headers[SIGNATURE_HEADER] = signWebhookBody(secret, timestamp, call.rawBody);
	return call;
}

const receipts = async (action?: string) =>
	(await knex('webhook_receipts')
		.where({ workspace_id: WORKSPACE, ...(action ? { action } : {}) })
		.select('action', 'dedupe_key', 'delivery_count')) as Array<{
		action: string;
		delivery_count: number;
	}>;

const SAMPLES: Record<string, unknown> = {
	'ads-conversion-callback': {
		gclid: 'gclid-sample',
		conversion_action: 'Lead',
		value: 10,
		event_id: 'c-1',
	},
	'ads-performance-alert': {
		campaign: 'Winter',
		metric: 'ctr',
		threshold: 0.02,
		value: 0.01,
		id: 'a-1',
	},
	'ads-webhook': { type: 'budget_exhausted', id: 'w-1' },
};
const MALFORMED: Record<string, string> = {
	'ads-conversion-callback': '{"value": 3}',
	'ads-performance-alert': '{"campaign": "x"',
	'ads-webhook': '"just a string"',
};

describe.each(Object.keys(SAMPLES))('%s', (action) => {
	it('accepts a signed call and the secret header, stores it once and emits one item', async () => {
		const first = await handleWebhookCall(context, signedPost(action, SAMPLES[action]));
		expect(first.status).toBe(200);
		expect(first.item).toMatchObject({
			action,
			workspaceId: WORKSPACE,
			authenticatedBy: 'signature',
		});
		// The same delivery again (a sender retrying), this time with the secret header and by path.
		const again = await handleWebhookCall(
			context,
			post(action, SAMPLES[action], { [SECRET_HEADER]: SECRET }, 'path'),
		);
		expect(again.status).toBe(200);
		expect(JSON.parse(again.body)).toMatchObject({ received: true, duplicate: true });
		expect(again.item).toBeUndefined();
		expect(await receipts(action)).toEqual([expect.objectContaining({ delivery_count: 2 })]);
	});

	it('refuses forged, replayed, unauthenticated and malformed calls without a receipt or an item', async () => {
		const before = await receipts(action);
		const body = { ...(SAMPLES[action] as object), id: `other-${action}` };
		const answers = [
			await handleWebhookCall(
				context,
				signedPost(action, body, new Date(), randomBytes(32).toString('hex')),
			),
			await handleWebhookCall(
				context,
				signedPost(action, body, new Date(Date.now() - 10 * 60_000)),
			),
			await handleWebhookCall(
				context,
				post(action, body, { [SECRET_HEADER]: 'guess-guess-guess-guess' }),
			),
			await handleWebhookCall(context, post(action, body)),
			await handleWebhookCall(context, signedPost(action, MALFORMED[action])),
			await handleWebhookCall(
				context,
				post(action, body, { [SIGNATURE_HEADER]: 'sha256=zz', [TIMESTAMP_HEADER]: '1' }),
			),
		];
		expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 400, 400]);
		expect(answers.every((answer) => answer.item === undefined)).toBe(true);
		expect(answers.map((answer) => answer.body).join()).not.toContain(SECRET);
		expect(await receipts(action)).toEqual(before);
	});
});

describe('actions and linking', () => {
	it('starts exactly one execution when the same delivery arrives many times at once', async () => {
		const body = { type: 'concurrent', id: 'same-event' };
		const answers = await Promise.all(
			Array.from({ length: 8 }, () => handleWebhookCall(context, signedPost('ads-webhook', body))),
		);
		expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
		expect(answers.filter((answer) => answer.item !== undefined)).toHaveLength(1);
		const [row] = await knex('webhook_receipts').where({
			workspace_id: WORKSPACE,
			dedupe_key: 'event:same-event',
		});
		expect(row.delivery_count).toBe(8);
	});

	it('answers an unknown or missing action with 400 and stores nothing', async () => {
		const before = await receipts();
		for (const call of [post('ads-unknown', {}), { ...post('x', {}), query: {} }]) {
			const answer = await handleWebhookCall(context, call);
			expect(answer.status).toBe(400);
			expect(JSON.parse(answer.body).error.code).toBe('unknown_action');
		}
		expect(await receipts()).toEqual(before);
	});

	it('links a conversion to the person by email, then a later one by the same gclid alone', async () => {
		const byEmail = await handleWebhookCall(
			context,
			signedPost('ads-conversion-callback', {
				gclid: 'gclid-jane',
				email: 'JANE@example.com',
				value: 5,
				currency: 'usd',
				event_id: 'l-1',
			}),
		);
		expect(byEmail.item).toMatchObject({
			gclid: 'gclid-jane',
			currency: 'USD',
			person: { email: 'jane@example.com', fullName: 'Jane Roe', matchedBy: 'email' },
		});
		const byGclid = await handleWebhookCall(
			context,
			signedPost('ads-conversion-callback', { gclid: 'gclid-jane', value: 7, event_id: 'l-2' }),
		);
		expect(byGclid.item).toMatchObject({
			personId: byEmail.item?.personId,
			person: { matchedBy: 'gclid' },
		});
		// Another workspace's person is never found.
		const other = await handleWebhookCall(
			context,
			signedPost('ads-webhook', { email: 'max@example.com', id: 'l-3' }),
		);
		expect(other.item).toMatchObject({ person: null, personId: null });
	});
});

describe('YouTube through WebSub', () => {
	const topic = youtubeTopicUrl('UCchannel1');
	const hub = () => ({ ...context, callbackUrl: CALLBACK });

	it('subscribes with a random token and secret, confirms only our topic and token, then verifies deliveries', async () => {
		await subscribeAtHub(hub(), { hubUrl: HUB, topicUrl: topic, leaseSeconds: 864000 });
		const asked = hubRequests.at(-1)!;
		expect(asked).toMatchObject({
			'hub.mode': 'subscribe',
			'hub.topic': topic,
			'hub.callback': CALLBACK,
		});
		expect(asked['hub.secret']).toHaveLength(43);
		const stored = await knex('webhook_subscriptions').where({ workspace_id: WORKSPACE }).first();
		expect(stored.secret_encrypted).not.toContain(asked['hub.secret']);

		const verify = (query: Record<string, string>) =>
			handleWebhookCall(context, {
				method: 'GET',
				path: '/webhook/abc/crm-webhook/youtube-webhook',
				query: {
					'hub.mode': 'subscribe',
					'hub.challenge': 'ch-123',
					'hub.lease_seconds': '432000',
					...query,
				},
				headers: {},
				rawBody: Buffer.alloc(0),
			});
		expect((await verify({ 'hub.topic': topic, 'hub.verify_token': 'wrong' })).status).toBe(404);
		expect(
			(
				await verify({
					'hub.topic': youtubeTopicUrl('UCother'),
					'hub.verify_token': asked['hub.verify_token'],
				})
			).status,
		).toBe(404);
		expect(
			(
				await verify({
					'hub.topic': topic,
					'hub.verify_token': asked['hub.verify_token'],
					'hub.challenge': '',
				})
			).status,
		).toBe(400);
		const confirmed = await verify({
			'hub.topic': topic,
			'hub.verify_token': asked['hub.verify_token'],
		});
		expect(confirmed).toMatchObject({ status: 200, contentType: 'text/plain', body: 'ch-123' });
		const [active] = await listSubscriptions(hub());
		expect(active.status).toBe('active');
		expect(active.leaseExpiresAt!.getTime() - Date.now()).toBeGreaterThan(431_000_000);

		const atom = Buffer.from(
			youtubeAtom({ videoId: 'vid-9', channelId: 'UCchannel1', title: 'New' }),
		);
		const deliver = (headers: Record<string, string>, body = atom) =>
			handleWebhookCall(context, {
				method: 'POST',
				path: '/webhook/abc/crm-webhook/youtube-webhook',
				query: {},
				headers: {
					'content-type': 'application/atom+xml',
					link: `<${HUB}>; rel=hub, <${topic}>; rel=self`,
					...headers,
				},
				rawBody: body,
			});
		const forged = await deliver({ [HUB_SIGNATURE_HEADER]: signHubBody('not the secret', atom) });
		const unsigned = await deliver({});
		const malformedXml = Buffer.from('<feed xmlns="http://www.w3.org/2005/Atom"><entry>');
		const malformed = await deliver(
			{ [HUB_SIGNATURE_HEADER]: signHubBody(asked['hub.secret'], malformedXml) },
			malformedXml,
		);
		expect([forged.status, unsigned.status, malformed.status]).toEqual([401, 401, 400]);
		expect(await receipts('youtube-webhook')).toEqual([]);

		const signed = { [HUB_SIGNATURE_HEADER]: signHubBody(asked['hub.secret'], atom) };
		const delivered = await deliver(signed);
		expect(delivered.status).toBe(200);
		expect(delivered.item).toMatchObject({
			action: 'youtube-webhook',
			authenticatedBy: 'hub-signature',
			channelId: 'UCchannel1',
			videoId: 'vid-9',
			title: 'New',
			published: '2026-12-01T08:59:00.000Z',
			updated: '2026-12-01T09:00:00.500Z',
		});
		expect(delivered.renew).toBeUndefined();
		const repeated = await deliver(signed);
		expect(repeated.item).toBeUndefined();
		expect(await receipts('youtube-webhook')).toEqual([
			expect.objectContaining({ delivery_count: 2 }),
		]);
	});

	it('renews on a delivery near the lease end, keeping token and secret', async () => {
		await knex('webhook_subscriptions')
			.where({ workspace_id: WORKSPACE })
			.update({ lease_expires_at: new Date(Date.now() + 3600_000) });
		const secret = hubRequests.at(-1)!['hub.secret'];
		const atom = Buffer.from(
			youtubeAtom({ videoId: 'vid-10', channelId: 'UCchannel1', title: 'Later' }),
		);
		const answer = await handleWebhookCall(context, {
			method: 'POST',
			path: '/webhook/abc/crm-webhook/youtube-webhook',
			query: {},
			headers: { [HUB_SIGNATURE_HEADER]: signHubBody(secret, atom) },
			rawBody: atom,
		});
		expect(answer.item).toBeDefined();
		await answer.renew!();
		expect(hubRequests.at(-1)).toMatchObject({ 'hub.mode': 'subscribe', 'hub.secret': secret });
		const [still] = await listSubscriptions(hub());
		expect(still.status).toBe('active');
	});

	it('unsubscribes: the row waits for the hub to confirm, then is gone', async () => {
		const [subscription] = await listSubscriptions(hub());
		await unsubscribeAtHub(hub(), subscription);
		expect(hubRequests.at(-1)).toMatchObject({ 'hub.mode': 'unsubscribe', 'hub.topic': topic });
		const answer = await handleWebhookCall(context, {
			method: 'GET',
			path: '/webhook/abc/crm-webhook',
			query: {
				action: 'youtube-verify',
				'hub.mode': 'unsubscribe',
				'hub.topic': topic,
				'hub.challenge': 'bye',
				'hub.verify_token': subscription.verifyToken,
			},
			headers: {},
			rawBody: Buffer.alloc(0),
		});
		expect(answer).toMatchObject({ status: 200, body: 'bye' });
		expect(await listSubscriptions(hub())).toEqual([]);
	});
});
