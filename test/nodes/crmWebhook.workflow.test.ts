// The CRM Webhook Trigger through n8n-core's own contexts (WebhookContext for calls, HookContext
// for webhookMethods), behind a small HTTP server that routes like n8n's webhook server does
// (<base>/webhook/<webhookId>/<path>, by method). The emulator's WebSub hub subscribes, verifies
// and delivers to that server; every call's answer and the items handed to n8n are checked.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExecutionLifecycleHooks, HookContext } from 'n8n-core';
import {
	Workflow,
	type IDataObject,
	type INode,
	type INodeType,
	type IWebhookData,
	type IWebhookDescription,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { closeAllDatabases } from '../../core';
import {
	SECRET_HEADER,
	SIGNATURE_HEADER,
	TIMESTAMP_HEADER,
	signWebhookBody,
} from '../../core/security/webhookSignature';
import { WEBHOOK_ACTIONS } from '../../core/webhooks/normalise';
import { DEFAULT_HUB_URL, DEFAULT_LEASE_SECONDS } from '../../core/webhooks/subscriptions';
import * as nodeConstants from '../../nodes/CrmWebhook/constants';
import { startEmulator, type Emulator } from '../emulator';
import { TestCredentialsHelper } from '../harness/credentialsHelper';
import { createAdditionalData, nodeTypes } from '../harness/runWorkflow';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { runNodeWebhook, withStatus } from '../support/webhookRun';

const WORKSPACE = randomUUID();
const SECRET = randomBytes(32).toString('base64url');
const CHANNEL = 'UCworkflowTestChannel01';
const WEBHOOK_ID = randomUUID();

let test: TestDatabase;
let emu: Emulator;
let server: http.Server;
let serverUrl: string;
let workflow: Workflow;
let node: INode;
let nodeType: INodeType;
let baseData: IWorkflowExecuteAdditionalData;
let credentials: TestCredentialsHelper;
/** What the node handed n8n to run, one entry per call that started an execution. */
const started: IDataObject[] = [];
const logged: string[] = [];

function webhookDataFor(
	description: IWebhookDescription,
	additionalData: IWorkflowExecuteAdditionalData,
): IWebhookData {
	return {
		httpMethod: description.httpMethod as IWebhookData['httpMethod'],
		node: node.name,
		path: `${WEBHOOK_ID}/${String(description.path)}`,
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: WEBHOOK_ID,
	};
}

/** n8n's webhook server in miniature: exact path and method, the raw body kept for the node. */
async function route(request: http.IncomingMessage, response: http.ServerResponse) {
	const url = new URL(request.url ?? '/', serverUrl);
	const description = nodeType.description.webhooks?.find(
		(candidate) =>
			`/webhook/${WEBHOOK_ID}/${String(candidate.path)}` === url.pathname &&
			candidate.httpMethod === request.method,
	);
	if (!description) {
		response.statusCode = 404;
		response.end('Received request for unknown webhook');
		return;
	}
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	const req = Object.assign(request, {
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		rawBody: Buffer.concat(chunks),
		readRawBody: async () => undefined,
	});
	const res = withStatus(response);
	const additionalData = {
		...baseData,
		httpRequest: req,
		httpResponse: res,
	} as unknown as IWorkflowExecuteAdditionalData;
	await runNodeWebhook({
		nodeType,
		workflow,
		node,
		additionalData,
		webhookData: webhookDataFor(description, additionalData),
		response,
		logged,
		started,
	});
}

function hookContext() {
	const description = nodeType.description.webhooks!.find(
		(candidate) => candidate.name === 'default',
	)!;
	return new HookContext(
		workflow,
		node,
		baseData,
		'trigger',
		'activate',
		webhookDataFor(description, baseData),
	);
}

beforeAll(async () => {
	test = await createTestDatabase();
	emu = await startEmulator({ seed: 'crm-webhook-workflow', messages: 3 });
	server = http.createServer((request, response) => {
		route(request, response).catch((error: Error) => {
			response.statusCode = 500;
			response.end(error.message);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	credentials = new TestCredentialsHelper();
	credentials.add({
		id: 'db-1',
		name: 'CRM Database',
		type: 'crmDatabase',
		data: {
			connectionType: 'url',
			url: test.url,
			schema: test.schema,
			autoMigrate: true,
			ssl: 'disable',
		},
	});
	credentials.add({
		id: 'wh-1',
		name: 'CRM Webhook',
		type: 'crmWebhookApi',
		data: { workspaceId: WORKSPACE, secret: SECRET },
	});
	node = {
		id: randomUUID(),
		name: 'CRM Webhook Trigger',
		type: 'n8n-nodes-crm-connect.crmWebhook',
		typeVersion: 1,
		position: [0, 0],
		webhookId: WEBHOOK_ID,
		parameters: { youtubeChannelIds: CHANNEL, hubUrl: emu.urls.websubHub, leaseSeconds: 432000 },
		credentials: {
			crmDatabase: { id: 'db-1', name: 'CRM Database' },
			crmWebhookApi: { id: 'wh-1', name: 'CRM Webhook' },
		},
	};
	workflow = new Workflow({
		id: randomUUID(),
		name: 'CRM Webhook',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	nodeType = nodeTypes.getByNameAndVersion(node.type, 1);
	const workflowData = {
		id: workflow.id,
		name: workflow.name,
		nodes: [node],
		connections: {},
	} as unknown as IWorkflowBase;
	baseData = {
		...createAdditionalData(
			credentials,
			new ExecutionLifecycleHooks('trigger', 'activation', workflowData),
			'activation',
		),
		webhookBaseUrl: `${serverUrl}/webhook`,
	};
});

afterAll(async () => {
	await new Promise((resolve) => server?.close(resolve));
	await emu?.stop();
	await test?.drop();
	// The node opened its own pool from the credential (other settings than the test's).
	await closeAllDatabases();
});

async function post(path: string, body: string, headers: Record<string, string>) {
	const response = await fetch(`${serverUrl}/webhook/${WEBHOOK_ID}/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body,
	});
	return { status: response.status, body: await response.text() };
}

describe('the CRM Webhook Trigger through n8n-core', () => {
	it('keeps the description constants equal to the engine’s, and leaves the body to the node', () => {
		expect(nodeConstants.WEBHOOK_ACTIONS).toEqual(WEBHOOK_ACTIONS);
		expect(nodeConstants.DEFAULT_HUB_URL).toBe(DEFAULT_HUB_URL);
		expect(nodeConstants.DEFAULT_LEASE_SECONDS).toBe(DEFAULT_LEASE_SECONDS);
		// What n8n evaluates for a version 1 webhook node before parsing a body.
		expect(workflow.getNode(node.name)?.parameters.options).toEqual({ binaryData: true });
		const visible = nodeType.description.webhooks!.filter((webhook) => !webhook.ndvHideUrl);
		expect(visible).toEqual([
			expect.objectContaining({ name: 'default', httpMethod: 'POST', path: 'crm-webhook' }),
		]);
	});

	it('activation subscribes at the hub, which verifies through the node; a delivery becomes one item', async () => {
		const hooks = nodeType.webhookMethods!.default!;
		expect(await hooks.checkExists.call(hookContext())).toBe(false);
		expect(await hooks.create.call(hookContext())).toBe(true);
		await emu.websub.settled();
		const callback = `${serverUrl}/webhook/${WEBHOOK_ID}/crm-webhook/youtube-webhook`;
		expect(emu.websub.verifications()).toEqual([
			expect.objectContaining({ mode: 'subscribe', callback, status: 200, verified: true }),
		]);
		expect(await hooks.checkExists.call(hookContext())).toBe(true);

		const deliveries = await emu.websub.publish({
			channelId: CHANNEL,
			videoId: 'wfVideo0001',
			title: 'Hello',
		});
		expect(deliveries.map((delivery) => delivery.status)).toEqual([200]);
		expect(started).toEqual([
			expect.objectContaining({
				action: 'youtube-webhook',
				kind: 'video',
				channelId: CHANNEL,
				videoId: 'wfVideo0001',
				title: 'Hello',
				authenticatedBy: 'hub-signature',
			}),
		]);
		// The hub's retry of the same notification is answered and starts nothing.
		const again = await fetch(callback, {
			method: 'POST',
			headers: {
				'content-type': 'application/atom+xml',
				'x-hub-signature': deliveries[0].signature!,
			},
			body: deliveries[0].body,
		});
		expect(again.status).toBe(200);
		const forged = await fetch(callback, {
			method: 'POST',
			headers: {
				'content-type': 'application/atom+xml',
				'x-hub-signature': `sha1=${'1'.repeat(40)}`,
			},
			body: deliveries[0].body,
		});
		expect(forged.status).toBe(401);
		expect(started).toHaveLength(1);
	});

	it('a signed conversion by path or ?action= starts once; forged, replayed and malformed calls start nothing', async () => {
		started.length = 0;
		logged.length = 0;
		const body = JSON.stringify({
			gclid: 'wf-gclid',
			conversion_action: 'Lead',
			value: 2,
			event_id: 'wf-1',
		});
		const now = Math.floor(Date.now() / 1000);
		const signed = (at: number, secret = SECRET, text = body) => ({
			[TIMESTAMP_HEADER]: String(at),
			[SIGNATURE_HEADER]: signWebhookBody(secret, at, text),
		});
		const answers = [
			await post('crm-webhook/ads-conversion-callback', body, signed(now)),
			await post('crm-webhook?action=ads-conversion-callback', body, { [SECRET_HEADER]: SECRET }),
			await post('crm-webhook?action=ads-conversion-callback', body, signed(now, 'x'.repeat(32))),
			await post('crm-webhook?action=ads-conversion-callback', body, signed(now - 3600)),
			await post(
				'crm-webhook?action=ads-conversion-callback',
				'{"gclid":',
				signed(now, SECRET, '{"gclid":'),
			),
			await post('crm-webhook?action=no-such-action', body, { [SECRET_HEADER]: SECRET }),
		];
		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 401, 401, 400, 400]);
		expect(JSON.parse(answers[1].body)).toMatchObject({ duplicate: true });
		expect(started).toEqual([
			expect.objectContaining({ action: 'ads-conversion-callback', gclid: 'wf-gclid' }),
		]);
		// Each refusal is logged with its reason, never with the secret.
		expect(logged.filter((line) => line.startsWith('info: CRM Webhook: refused'))).toHaveLength(4);
		expect(logged.join('\n')).not.toContain(SECRET);
	});

	it('answers 503 (no execution, nothing thrown) when its credential cannot be used, and says why only in the log', async () => {
		started.length = 0;
		logged.length = 0;
		const stored = credentials.credentials.get('wh-1')!;
		credentials.add({ ...stored, data: { ...stored.data, workspaceId: 'not-a-uuid' } });
		try {
			const answer = await post('crm-webhook?action=ads-webhook', '{}', {
				[SECRET_HEADER]: SECRET,
			});
			expect(answer.status).toBe(503);
			expect(JSON.parse(answer.body)).toEqual({
				error: {
					code: 'unavailable',
					message: 'The webhook cannot be received now; try again later',
				},
			});
		} finally {
			credentials.add(stored);
		}
		expect(started).toEqual([]);
		expect(logged).toEqual([
			expect.stringMatching(/^error: CRM Webhook: cannot answer POST .*Workspace ID is not a UUID/),
		]);
	});

	it('deactivation unsubscribes; the hub’s unsubscribe verification is confirmed and the row removed', async () => {
		expect(await nodeType.webhookMethods!.default!.delete.call(hookContext())).toBe(true);
		await emu.websub.settled();
		expect(emu.websub.verifications().at(-1)).toMatchObject({
			mode: 'unsubscribe',
			verified: true,
		});
		expect(
			await test.database.knex('webhook_subscriptions').where({ workspace_id: WORKSPACE }),
		).toEqual([]);
	});
});
