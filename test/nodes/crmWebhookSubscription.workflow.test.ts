// The CRM node's Webhook Subscription → Renew Due run as n8n runs it (n8n-core WorkflowExecute,
// in-process) against real PostgreSQL and the emulator's WebSub hub, using the conversion webhook
// template's own "Renew WebSub subscriptions" node: the credential's workspace's due subscription
// is renewed (same verify token, verified again, lease moved), the others are left alone, a run
// with nothing due says so in one item, and a credential it cannot use fails naming the field.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { INode } from 'n8n-workflow';

import { closeAllDatabases } from '../../core';
import { handleWebhookCall } from '../../core/webhooks/handleWebhook';
import { subscribeAtHub, youtubeTopicUrl } from '../../core/webhooks/subscriptions';
import { startEmulator, type Emulator } from '../emulator';
import type { StoredCredential } from '../harness/credentialsHelper';
import { chain, runWorkflow } from '../harness/runWorkflow';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const DAY = 86_400;
const WORKSPACE = randomUUID();
const OTHER_WORKSPACE = randomUUID();
const SECRETS: Record<string, string> = {
	[WORKSPACE]: randomBytes(32).toString('base64url'),
	[OTHER_WORKSPACE]: randomBytes(32).toString('base64url'),
};

let test: TestDatabase;
let emu: Emulator;
let server: http.Server;
let serverUrl: string;
let credentials: StoredCredential[];

const callbackOf = (workspaceId: string) => `${serverUrl}/hook/${workspaceId}/youtube-webhook`;

/** The trigger's YouTube URL in miniature: it answers the hub's verifications per workspace. */
async function route(request: http.IncomingMessage, response: http.ServerResponse) {
	const url = new URL(request.url ?? '/', serverUrl);
	const workspaceId = /^\/hook\/([^/]+)\/youtube-webhook$/.exec(url.pathname)?.[1];
	if (!workspaceId || !SECRETS[workspaceId]) {
		response.statusCode = 404;
		response.end();
		return;
	}
	for await (const chunk of request) void chunk;
	const answer = await handleWebhookCall(
		{
			db: test.database.knex,
			workspaceId,
			workspaceSecret: SECRETS[workspaceId],
			youtubeCallbackUrl: callbackOf(workspaceId),
			hubUrl: emu.urls.websubHub,
		},
		{
			method: request.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: {},
			rawBody: Buffer.alloc(0),
		},
	);
	response.statusCode = answer.status;
	response.setHeader('content-type', answer.contentType);
	response.end(answer.body);
}

async function subscribed(workspaceId: string, channelId: string, leaseSeconds: number) {
	const topicUrl = youtubeTopicUrl(channelId);
	await subscribeAtHub(
		{
			db: test.database.knex,
			workspaceId,
			workspaceSecret: SECRETS[workspaceId],
			callbackUrl: callbackOf(workspaceId),
		},
		{ hubUrl: emu.urls.websubHub, topicUrl, leaseSeconds },
	);
	await emu.websub.settled();
	return topicUrl;
}

const rowOf = async (workspaceId: string, topicUrl: string) =>
	(await test.database
		.knex('webhook_subscriptions')
		.where({ workspace_id: workspaceId, topic_url: topicUrl })
		.first()) as { status: string; verify_token: string; lease_expires_at: Date };

/** The template's own node, its credentials by name as the template has them. */
function templateNode(): INode {
	const template = JSON.parse(
		readFileSync(path.join(__dirname, '../../workflows/conversion-webhook.json'), 'utf8'),
	) as { nodes: INode[]; connections: Record<string, { main: Array<Array<{ node: string }>> }> };
	const node = template.nodes.find((candidate) => candidate.name === 'Renew WebSub subscriptions')!;
	// The template runs it once a day from its own Schedule Trigger.
	const schedule = template.nodes.find((candidate) => candidate.name === 'Every day')!;
	expect(schedule).toMatchObject({ type: 'n8n-nodes-base.scheduleTrigger' });
	expect(template.connections['Every day'].main[0][0].node).toBe(node.name);
	expect(Object.keys(node.credentials ?? {}).sort()).toEqual(['crmDatabase', 'crmWebhookApi']);
	return {
		...node,
		credentials: {
			crmDatabase: { id: 'db-1', name: 'CRM Database' },
			crmWebhookApi: { id: 'wh-1', name: 'CRM Webhook' },
		},
	};
}

beforeAll(async () => {
	test = await createTestDatabase();
	emu = await startEmulator({ seed: 'crm-node-webhook-subscription', messages: 0 });
	server = http.createServer((request, response) => {
		route(request, response).catch((error: Error) => {
			response.statusCode = 500;
			response.end(error.message);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	credentials = [
		{
			id: 'db-1',
			name: 'CRM Database',
			type: 'crmDatabase',
			data: { connectionType: 'url', url: test.url, schema: test.schema, ssl: 'disable' },
		},
		{
			id: 'wh-1',
			name: 'CRM Webhook',
			type: 'crmWebhookApi',
			data: { workspaceId: WORKSPACE, secret: SECRETS[WORKSPACE] },
		},
	];
});

afterAll(async () => {
	await new Promise((resolve) => server?.close(resolve));
	await emu?.stop();
	await test?.drop();
	await closeAllDatabases();
});

describe('Webhook Subscription → Renew Due', () => {
	it('renews the credential workspace’s due subscription and leaves the others alone', async () => {
		const due = await subscribed(WORKSPACE, 'UCnodeRenewDue000000001', DAY);
		const later = await subscribed(WORKSPACE, 'UCnodeRenewLater0000001', 9 * DAY);
		const other = await subscribed(OTHER_WORKSPACE, 'UCnodeRenewDue000000001', DAY);
		const dueBefore = await rowOf(WORKSPACE, due);
		const laterBefore = await rowOf(WORKSPACE, later);
		const otherBefore = await rowOf(OTHER_WORKSPACE, other);
		const verificationsBefore = emu.websub.verifications().length;

		const node = templateNode();
		const result = await runWorkflow(chain(node), { credentials });
		expect(result.error).toBeUndefined();
		expect(result.output(node.name)).toEqual([
			{
				json: {
					workspaceId: WORKSPACE,
					topicUrl: due,
					callbackUrl: callbackOf(WORKSPACE),
					renewed: true,
				},
				pairedItem: { item: 0 },
			},
		]);
		await emu.websub.settled();
		expect(emu.websub.verifications().slice(verificationsBefore)).toEqual([
			expect.objectContaining({
				mode: 'subscribe',
				topic: due,
				callback: callbackOf(WORKSPACE),
				verified: true,
			}),
		]);
		const dueAfter = await rowOf(WORKSPACE, due);
		expect(dueAfter).toMatchObject({ status: 'active', verify_token: dueBefore.verify_token });
		expect(dueAfter.lease_expires_at.getTime()).toBeGreaterThan(
			dueBefore.lease_expires_at.getTime() + 8 * DAY * 1000,
		);
		expect(await rowOf(WORKSPACE, later)).toEqual(laterBefore);
		expect(await rowOf(OTHER_WORKSPACE, other)).toEqual(otherBefore);
	});

	it('with nothing due, outputs one item that says so', async () => {
		const node = templateNode();
		const result = await runWorkflow(chain(node), { credentials });
		expect(result.error).toBeUndefined();
		expect(result.json(node.name)).toEqual([
			{ workspaceId: WORKSPACE, renewed: 0, message: 'No subscription is due for renewal' },
		]);
	});

	it('fails naming the credential’s field when it cannot be used, never its secret', async () => {
		const node = templateNode();
		const result = await runWorkflow(chain(node), {
			credentials: [
				credentials[0],
				{ ...credentials[1], data: { workspaceId: 'not-a-uuid', secret: SECRETS[WORKSPACE] } },
			],
		});
		expect(result.error?.message).toBe('The CRM Webhook credential’s Workspace ID is not a UUID');
		expect(JSON.stringify(result.run.data.resultData)).not.toContain(SECRETS[WORKSPACE]);
	});
});
