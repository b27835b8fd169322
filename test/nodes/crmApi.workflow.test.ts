// The CRM API node's widget routes through n8n-core's own WebhookContext, behind a small HTTP
// server that routes as n8n's webhook server does: static paths exactly (`/webhook/<path>`),
// paths with parameters under the node's webhookId and matched loosely (same segment count, every
// fixed segment present somewhere), as n8n 2.41's WebhookService.findDynamicWebhook does. Checks
// what the node answers (JSON, CORS, errors), that it re-checks the path itself, the widget bundle
// and OpenAPI document, Sign in with Google against the emulator, and which requests hand the
// workflow an item ("Emit Actions").
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import { ExecutionLifecycleHooks } from 'n8n-core';
import { Client } from 'pg';
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
import { widgetBundleAnswer } from '../../core/assets/widgetBundle';
import { concreteWidgetRoutes, fillPath } from '../../core/api/routeTable';
import { signApiToken } from '../../core/security/apiToken';
import { verifySignInAssertion } from '../../core/security/signInAssertion';
import { seedEmails } from '../../bench/widgetApiLatencySeed';
import {
	chosenActions,
	staticRouteAction,
	tokenClaims,
	widgetAction,
} from '../../nodes/CrmApi/actions';
import { requestRouteOf } from '../../nodes/CrmApi/routes';
import { preferredCoding } from '../../core/api/responseEncoding';
import { widgetBaseUrl } from '../../nodes/CrmApi/serve';
import { startEmulator, type Emulator } from '../emulator';
import { TestCredentialsHelper } from '../harness/credentialsHelper';
import { createAdditionalData, nodeTypes } from '../harness/runWorkflow';
import { googleEmulatorApp } from '../support/providerCredentials';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { runNodeWebhook, withStatus } from '../support/webhookRun';

const WORKSPACE_A = '11111111-1111-4111-8111-111111111111';
const WORKSPACE_B = '22222222-2222-4222-8222-222222222222';
const CRM_ORIGIN = 'https://crm.example';
const SECRET = randomBytes(32).toString('base64url');
const WEBHOOK_ID = randomUUID();

let db: TestDatabase;
let emu: Emulator;
let server: http.Server;
let serverUrl: string;
let node: INode;
let nodeType: INodeType;
let baseData: IWorkflowExecuteAdditionalData;
let credentials: TestCredentialsHelper;
let integrationId: string;
/** The "Emit Actions" of the node for the next requests. */
let emitActions: string[] = [];
/** Items the node handed n8n to run. */
const started: IDataObject[] = [];
const logged: string[] = [];

const staticKey = (method: string, pathname: string) => `${method} ${pathname}`;

/** n8n's lookup: static paths exactly; `<webhookId>/…` paths by length and fixed segments. */
function findWebhook(method: string, pathname: string): IWebhookDescription | undefined {
	const webhooks = nodeType.description.webhooks ?? [];
	const rest = pathname.replace(/^\/webhook\//, '');
	const exact = webhooks.find(
		(webhook) =>
			staticKey(webhook.httpMethod as string, String(webhook.path)) === staticKey(method, rest),
	);
	if (exact) return exact;
	const [uuid, ...segments] = rest.split('/');
	if (uuid !== WEBHOOK_ID) return undefined;
	const given = new Set(segments);
	let best: IWebhookDescription | undefined;
	let most = 0;
	for (const webhook of webhooks) {
		const pattern = String(webhook.path).split('/');
		if (webhook.httpMethod !== method || !pattern.some((part) => part.startsWith(':'))) continue;
		if (pattern.length !== segments.length) continue;
		const fixed = pattern.filter((part) => !part.startsWith(':'));
		if (fixed.every((part) => given.has(part)) && fixed.length > most) {
			most = fixed.length;
			best = webhook;
		}
	}
	return best;
}

async function route(request: http.IncomingMessage, response: http.ServerResponse) {
	const url = new URL(request.url ?? '/', serverUrl);
	const description = findWebhook(request.method ?? 'GET', url.pathname);
	if (!description) {
		response.statusCode = 404;
		response.end('Received request for unknown webhook');
		return;
	}
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	const raw = Buffer.concat(chunks);
	let body: unknown = {};
	if (raw.length > 0 && /json/.test(request.headers['content-type'] ?? '')) {
		body = JSON.parse(raw.toString('utf8'));
	}
	// What n8n does before the node runs: CORS for any origin (the node narrows it).
	if (request.headers.origin)
		response.setHeader('Access-Control-Allow-Origin', request.headers.origin);
	const req = Object.assign(request, {
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		body,
		rawBody: raw,
	});
	const res = withStatus(response);
	const additionalData = {
		...baseData,
		httpRequest: req,
		httpResponse: res,
	} as unknown as IWorkflowExecuteAdditionalData;
	const current = { ...node, parameters: { emitActions } };
	const workflow = new Workflow({
		id: 'wf-crm-api',
		name: 'CRM API',
		nodes: [current],
		connections: {},
		active: true,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const webhookData: IWebhookData = {
		httpMethod: description.httpMethod as IWebhookData['httpMethod'],
		node: node.name,
		path: String(description.path),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: WEBHOOK_ID,
	};
	await runNodeWebhook({
		nodeType,
		workflow,
		node: current,
		additionalData,
		webhookData,
		response,
		logged,
		started,
	});
}

/** The CRM Database credential of the test database. */
function databaseCredential() {
	return {
		id: 'db-1',
		name: 'CRM Database',
		type: 'crmDatabase',
		data: {
			connectionType: 'url',
			url: db.url,
			schema: db.schema,
			autoMigrate: true,
			ssl: 'disable',
		},
	};
}

beforeAll(async () => {
	[db, emu] = await Promise.all([
		createTestDatabase(),
		startEmulator({ seed: 'crm-api-workflow', messages: 0 }),
	]);
	server = http.createServer((request, response) => {
		route(request, response).catch((error: Error) => {
			response.statusCode = 599;
			response.end(`thrown: ${error.message}`);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	credentials = new TestCredentialsHelper();
	credentials.add(databaseCredential());
	credentials.add({
		id: 'apps-1',
		name: 'CRM Connect Apps',
		type: 'crmConnectAppsApi',
		data: {
			googleClientId: emu.sandbox.clientId,
			googleClientSecret: emu.sandbox.clientSecret,
			publicBaseUrl: `${serverUrl}/webhook/crm-api`,
			tokenKeys: `k1:${randomBytes(32).toString('base64')}`,
			apiSigningSecret: SECRET,
			allowedReturnOrigins: CRM_ORIGIN,
			customEndpoints: true,
			googleAuthBaseUrl: emu.baseUrl,
			googleTokenBaseUrl: emu.baseUrl,
			googleApiBaseUrl: emu.baseUrl,
		},
	});
	credentials.add({
		id: 'signin-1',
		name: 'Google Sign-In app',
		type: 'googleSignInCrmOAuth2Api',
		data: googleEmulatorApp(emu),
	});
	node = {
		id: randomUUID(),
		name: 'CRM API',
		type: 'n8n-nodes-crm-connect.crmApi',
		typeVersion: 2,
		position: [0, 0],
		webhookId: WEBHOOK_ID,
		parameters: {},
		credentials: {
			crmDatabase: { id: 'db-1', name: 'CRM Database' },
			crmConnectAppsApi: { id: 'apps-1', name: 'CRM Connect Apps' },
			googleSignInCrmOAuth2Api: { id: 'signin-1', name: 'Google Sign-In app' },
		},
	};
	nodeType = nodeTypes.getByNameAndVersion(node.type, 2);
	const workflowData = {
		id: 'wf-crm-api',
		name: 'CRM API',
		nodes: [node],
		connections: {},
	} as unknown as IWorkflowBase;
	baseData = {
		...createAdditionalData(
			credentials,
			new ExecutionLifecycleHooks('webhook', 'wf-crm-api', workflowData),
			'wf-crm-api',
		),
		webhookBaseUrl: `${serverUrl}/webhook`,
	};

	// The node migrates the database on its first request; then one Google mailbox with mail.
	expect((await call('GET', widget('integrations.list', null))).status).toBe(401);
	const [integration] = await db.database
		.knex('integrations')
		.insert({
			workspace_id: WORKSPACE_A,
			user_id: 'user-1',
			provider: 'google',
			account_email: 'gina@acme.example',
			status: 'connected',
		})
		.returning('id');
	integrationId = (integration as { id: string }).id;
	const client = new Client({ connectionString: db.url });
	await client.connect();
	try {
		await seedEmails(client, {
			schema: db.schema,
			workspaceId: WORKSPACE_A,
			integrationId,
			count: 30,
		});
	} finally {
		await client.end();
	}
});

afterAll(async () => {
	await new Promise((resolve) => server?.close(resolve));
	await emu?.stop();
	await db?.drop();
	await closeAllDatabases();
});

beforeEach(() => {
	started.length = 0;
	emitActions = [];
});

function token(workspaceId = WORKSPACE_A, scopes = ['integrations:read', 'integrations:write']) {
	return signApiToken(
		{ workspaceId, userId: 'user-1', scopes },
		new Uint8Array(Buffer.from(SECRET, 'utf8')),
	);
}

/** A widget route's path under the node's webhookId. */
function widget(
	name: string,
	provider: 'google' | 'microsoft' | null,
	params: Record<string, string> = {},
) {
	const entry = concreteWidgetRoutes().find(
		(c) => c.route.name === name && c.provider === provider,
	)!;
	return `${WEBHOOK_ID}/crm-api/${fillPath(entry.route, provider, { workspaceId: WORKSPACE_A, ...params })}`;
}

async function call(
	method: string,
	pathname: string,
	options: {
		token?: string;
		origin?: string;
		body?: unknown;
		headers?: Record<string, string>;
	} = {},
) {
	const headers: Record<string, string> = { ...options.headers };
	if (options.token) headers.authorization = `Bearer ${options.token}`;
	if (options.origin) headers.origin = options.origin;
	if (options.body !== undefined) headers['content-type'] = 'application/json';
	const response = await fetch(`${serverUrl}/webhook/${pathname}`, {
		method,
		headers,
		body: options.body === undefined ? undefined : JSON.stringify(options.body),
		redirect: 'manual',
	});
	const text = await response.text();
	let body: unknown = text;
	try {
		body = text ? JSON.parse(text) : undefined;
	} catch {
		// not JSON
	}
	return { status: response.status, headers: response.headers, body, text };
}

describe('the CRM API node routes widget requests through n8n-core', () => {
	test('one webhook per concrete widget route (isFullPath, no expression), the static routes kept; version 2, one output', () => {
		const webhooks = nodeType.description.webhooks!;
		for (const { route, path: routePath } of concreteWidgetRoutes()) {
			expect(webhooks).toContainEqual(
				expect.objectContaining({
					httpMethod: route.method,
					path: `crm-api/${routePath}`,
					isFullPath: true,
				}),
			);
		}
		for (const staticPath of [
			'connect-url',
			'oauth/callback',
			'status',
			'settings',
			'disconnect',
			'resync',
			'widgets.js',
			'openapi.json',
			'auth/google/start',
			'auth/google/callback',
		]) {
			expect(webhooks.map((webhook) => webhook.path)).toContain(`crm-api/${staticPath}`);
		}
		const keys = webhooks.map((webhook) => `${webhook.httpMethod} ${webhook.path}`);
		expect(new Set(keys).size).toBe(keys.length);
		expect(JSON.stringify(webhooks)).not.toContain('={{');
		expect(nodeType.description.version).toBe(2);
		expect(nodeType.description.outputs).toHaveLength(1);
		const emit = nodeType.description.properties.find(
			(property) => property.name === 'emitActions',
		);
		expect(emit).toMatchObject({ type: 'multiOptions', default: [] });
	});

	test('every widget route is found by n8n-style loose matching as itself', () => {
		for (const { route, provider } of concreteWidgetRoutes()) {
			const pathname = `/webhook/${widget(route.name, provider, { id: 'abc' })}`;
			const found = findWebhook(route.method, pathname);
			expect(found && `${found.httpMethod} ${found.path}`).toBe(
				`${route.method} crm-api/${concreteWidgetRoutes().find((c) => c.route === route && c.provider === provider)!.path}`,
			);
		}
	});

	test('an emails page with a token; CORS for the allowed origin only; n8n’s blanket CORS removed', async () => {
		const page = await call('GET', `${widget('emails.list', 'google')}?limit=10`, {
			token: await token(),
			origin: CRM_ORIGIN,
		});
		expect(page.status).toBe(200);
		expect((page.body as { items: unknown[] }).items).toHaveLength(10);
		expect(page.headers.get('access-control-allow-origin')).toBe(CRM_ORIGIN);
		expect(page.headers.get('content-type')).toMatch(/^application\/json/);
		const foreign = await call('GET', widget('emails.list', 'google'), {
			token: await token(),
			origin: 'https://evil.example',
		});
		expect(foreign.status).toBe(200);
		expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
		expect(started).toEqual([]);
	});

	test('answers over 1 KB are compressed by the node as the client accepts (brotli, else gzip); small ones and identity plain', async () => {
		// node:http does not decode, so the bytes on the wire are seen as they are.
		const raw = (pathname: string, headers: Record<string, string>) =>
			new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
				http
					.get(`${serverUrl}/webhook/${pathname}`, { headers }, (response) => {
						const chunks: Buffer[] = [];
						response.on('data', (chunk: Buffer) => chunks.push(chunk));
						response.on('end', () =>
							resolve({ headers: response.headers, body: Buffer.concat(chunks) }),
						);
					})
					.on('error', reject);
			});
		const authorization = `Bearer ${await token()}`;
		const page = `${widget('emails.list', 'google')}?limit=10`;
		const plain = await raw(page, { authorization, 'accept-encoding': 'identity' });
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.headers.vary).toMatch(/Accept-Encoding/);
		expect(plain.body.length).toBeGreaterThan(1024);
		expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
		const expected = JSON.parse(plain.body.toString('utf8'));
		const decoders = { br: brotliDecompressSync, gzip: gunzipSync } as const;
		for (const [accept, coding] of [
			['gzip, deflate, br, zstd', 'br'],
			['gzip, deflate', 'gzip'],
			['br;q=0, gzip;q=0.8', 'gzip'],
			['*', 'br'],
		] as const) {
			const answer = await raw(page, { authorization, 'accept-encoding': accept });
			expect(answer.headers['content-encoding']).toBe(coding);
			expect(answer.body.length).toBeLessThan(plain.body.length / 3);
			expect(JSON.parse(decoders[coding](answer.body).toString('utf8'))).toEqual(expected);
		}
		for (const accept of ['gzip;q=0, br;q=0', 'deflate', '*;q=0']) {
			const answer = await raw(page, { authorization, 'accept-encoding': accept });
			expect(answer.headers['content-encoding']).toBeUndefined();
			expect(JSON.parse(answer.body.toString('utf8'))).toEqual(expected);
		}
		// A small answer (an error) is sent as it is.
		const refused = await raw(page, { 'accept-encoding': 'br' });
		expect(refused.headers['content-encoding']).toBeUndefined();
		expect(JSON.parse(refused.body.toString('utf8')).error.code).toBe('unauthenticated');
		expect(preferredCoding(undefined)).toBeNull();
		expect(preferredCoding('BR;Q=0.5, GZIP')).toBe('br');
		expect(preferredCoding('gzip;q=abc')).toBeNull();
	});

	test('403 for another workspace, 401 without or with a forged token, 403 without the write scope', async () => {
		const other = await call('GET', widget('emails.list', 'google', { workspaceId: WORKSPACE_B }), {
			token: await token(),
		});
		expect(other.status).toBe(403);
		expect(other.body).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
		expect((await call('GET', widget('emails.list', 'google'))).status).toBe(401);
		const forged = await signApiToken(
			{ workspaceId: WORKSPACE_A, userId: 'user-1', scopes: ['integrations:read'] },
			new Uint8Array(randomBytes(32)),
		);
		expect((await call('GET', widget('emails.list', 'google'), { token: forged })).status).toBe(
			401,
		);
		const readOnly = await call('POST', widget('mail.sync', 'google'), {
			token: await token(WORKSPACE_A, ['integrations:read']),
			body: {},
		});
		expect(readOnly.status).toBe(403);
	});

	test('a path n8n matches loosely but that is no route is the node’s 404, not another route', async () => {
		// Same length and the fixed segments of …/gmail/emails/:id, in another order.
		const pathname = `${WEBHOOK_ID}/crm-api/workspaces/${WORKSPACE_A}/integrations/google/emails/gmail/x`;
		expect(findWebhook('GET', `/webhook/${pathname}`)).toBeDefined();
		const answer = await call('GET', pathname, { token: await token() });
		expect(answer.status).toBe(404);
		expect(answer.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
	});

	test('a database the node cannot reach is a 503 JSON answer, never a throw', async () => {
		credentials.add({
			id: 'db-1',
			name: 'CRM Database',
			type: 'crmDatabase',
			data: {
				connectionType: 'url',
				url: 'postgres://crm@127.0.0.1:1/crm',
				schema: 'crm',
				ssl: 'disable',
			},
		});
		const { CREDENTIALS_TTL_MS } = await import('../../nodes/CrmApi/apiContext');
		await new Promise((resolve) => setTimeout(resolve, CREDENTIALS_TTL_MS + 50));
		try {
			const answer = await call('GET', widget('emails.list', 'google'), { token: await token() });
			expect(answer.status).toBe(503);
			expect(answer.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
			expect(logged.some((line) => line.startsWith('error: CRM API: cannot answer GET'))).toBe(
				true,
			);
		} finally {
			credentials.add(databaseCredential());
			await new Promise((resolve) => setTimeout(resolve, CREDENTIALS_TTL_MS + 50));
		}
		expect(
			(await call('GET', widget('emails.list', 'google'), { token: await token() })).status,
		).toBe(200);
	}, 30_000);

	test('openapi.json names the widget base (webhookId in front of crm-api)', async () => {
		const answer = await call('GET', 'crm-api/openapi.json');
		expect(answer.status).toBe(200);
		const document = answer.body as { servers: Array<{ url: string }> };
		expect(document.servers[0].url).toBe(`${serverUrl}/webhook/${WEBHOOK_ID}/crm-api`);
		expect(widgetBaseUrl('https://n8n.example/webhook/crm-api/', 'abc')).toBe(
			'https://n8n.example/webhook/abc/crm-api',
		);
	});

	test('widgets.js: the bundle with ETag and 304, or a JSON 404 before a build', async () => {
		const folder = mkdtempSync(path.join(os.tmpdir(), 'crm-widgets-'));
		try {
			const file = path.join(folder, 'crm-connect.js');
			writeFileSync(file, 'export const x = 1;\n');
			const first = await widgetBundleAnswer(undefined, [path.join(folder, 'missing.js'), file]);
			expect(first.status).toBe(200);
			expect(first.headers['content-type']).toBe('text/javascript; charset=utf-8');
			expect(first.body?.toString()).toBe('export const x = 1;\n');
			const etag = first.headers.etag!;
			expect((await widgetBundleAnswer(etag, [file])).status).toBe(304);
			expect((await widgetBundleAnswer(`W/${etag}, "other"`, [file])).status).toBe(304);
			writeFileSync(file, 'export const x = 22;\n');
			const changed = await widgetBundleAnswer(etag, [file]);
			expect(changed.status).toBe(200);
			expect(changed.headers.etag).not.toBe(etag);
			expect((await widgetBundleAnswer(undefined, [path.join(folder, 'missing.js')])).status).toBe(
				404,
			);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
		// Through the node: the checkout's dist/widgets when built, else the JSON 404.
		const served = await call('GET', 'crm-api/widgets.js');
		expect([200, 404]).toContain(served.status);
		if (served.status === 200) {
			expect(served.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
		} else {
			expect(served.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
		}
	});

	test('Sign in with Google through the node; the signedIn item only when chosen', async () => {
		emitActions = ['signedIn'];
		const start = await call(
			'GET',
			`crm-api/auth/google/start?return_url=${encodeURIComponent(`${CRM_ORIGIN}/done`)}`,
		);
		expect(start.status).toBe(302);
		const authorize = new URL(start.headers.get('location')!);
		expect(authorize.searchParams.get('redirect_uri')).toBe(
			`${serverUrl}/webhook/crm-api/auth/google/callback`,
		);
		const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
		expect(started).toEqual([]);
		const consent = await emu.control.approveConsent(authorize.toString(), {
			email: 'gina@acme.example',
		});
		const callbackPath = new URL(consent.location);
		const callback = await call('GET', `crm-api/auth/google/callback${callbackPath.search}`, {
			headers: { cookie },
		});
		expect(callback.status).toBe(302);
		const back = new URL(callback.headers.get('location')!);
		const claims = await verifySignInAssertion(
			back.searchParams.get('sign_in_assertion')!,
			new Uint8Array(Buffer.from(SECRET, 'utf8')),
		);
		expect(claims.email).toBe('gina@acme.example');
		expect(started).toEqual([
			expect.objectContaining({
				action: 'signedIn',
				email: 'gina@acme.example',
				hd: 'acme.example',
				provider: 'google',
			}),
		]);
		expect(JSON.stringify(started)).not.toMatch(/eyJ/);

		const foreign = await call(
			'GET',
			`crm-api/auth/google/start?return_url=${encodeURIComponent('https://evil.example/')}`,
		);
		expect(foreign.status).toBe(400);
	});

	test('Emit Actions: a link starts an execution with one item only when "Record Linked" is chosen; reads never do', async () => {
		const [email] = await db.database
			.knex('emails')
			.where({ workspace_id: WORKSPACE_A })
			.orderBy('sent_at', 'desc')
			.limit(1);
		const [person] = await db.database
			.knex('people')
			.insert({ workspace_id: WORKSPACE_A, email: 'pat@customer.example', full_name: 'Pat' })
			.returning('id');
		const body = { recordType: 'person', recordId: (person as { id: string }).id };
		const link = () =>
			call('POST', widget('emails.link', 'google', { id: (email as { id: string }).id }), {
				token: token_,
				body,
			});
		const token_ = await token();

		emitActions = [];
		expect((await link()).status).toBe(200);
		expect(started).toEqual([]);

		emitActions = ['emailSent', 'recordLinked'];
		const answer = await link();
		expect(answer.status).toBe(200);
		expect(started).toEqual([
			{
				action: 'recordLinked',
				route: 'emails.link',
				workspaceId: WORKSPACE_A,
				userId: 'user-1',
				provider: 'google',
				emailId: (email as { id: string }).id,
				recordType: 'person',
				recordId: body.recordId,
				at: expect.any(String),
			},
		]);
		started.length = 0;
		expect((await call('GET', widget('emails.list', 'google'), { token: token_ })).status).toBe(
			200,
		);
		// A refused link (another workspace) emits nothing.
		const refused = await call(
			'POST',
			widget('emails.link', 'google', {
				id: (email as { id: string }).id,
				workspaceId: WORKSPACE_B,
			}),
			{
				token: token_,
				body,
			},
		);
		expect(refused.status).toBe(403);
		expect(started).toEqual([]);
	});

	test('helpers: chosen actions, token claims, request routes', () => {
		expect([...chosenActions(['recordLinked', 'bogus', 'signedIn'])]).toEqual([
			'recordLinked',
			'signedIn',
		]);
		expect([...chosenActions(undefined)]).toEqual([]);
		expect(tokenClaims('Bearer not-a-jwt')).toEqual({});
		expect(requestRouteOf(`/webhook/${WEBHOOK_ID}/crm-api/workspaces/x/records`)).toEqual({
			kind: 'widget',
			path: 'workspaces/x/records',
		});
		expect(requestRouteOf('/webhook/crm-api/widgets.js')).toEqual({
			kind: 'node',
			route: 'widgets.js',
		});
		expect(requestRouteOf('/webhook/crm-api/status/')).toEqual({ kind: 'api', route: 'status' });
		expect(requestRouteOf('/webhook/crm-api/nope')).toBeUndefined();
		expect(requestRouteOf('/webhook/other')).toBeUndefined();
	});

	test('the items of each action: what happened, who, never a token or a body', async () => {
		const authorization = `Bearer ${await token()}`;
		const at = new Date('2026-12-01T12:00:00Z');
		const sent = widgetAction({
			route: 'emails.reply',
			provider: 'google',
			params: { workspaceId: WORKSPACE_A, id: 'e-1' },
			status: 201,
			authorization,
			requestBody: { text: 'secret words', replyAll: true },
			// As the API answers a reply: the stored email with its copy in the sender's mailbox.
			responseBody: {
				email: {
					id: 'e-2',
					snippet: 'secret words',
					mailboxes: [{ integrationId: 'i-1', providerMessageId: 'm-2', providerThreadId: 't-1' }],
				},
			},
			at,
		});
		expect(sent).toEqual({
			action: 'emailSent',
			item: {
				action: 'emailSent',
				route: 'emails.reply',
				workspaceId: WORKSPACE_A,
				userId: 'user-1',
				provider: 'google',
				emailId: 'e-2',
				threadId: 't-1',
				inReplyToEmailId: 'e-1',
				at: at.toISOString(),
			},
		});
		expect(JSON.stringify(sent)).not.toMatch(/secret|eyJ/);
		expect(
			widgetAction({
				route: 'emails.send',
				provider: 'google',
				params: { workspaceId: WORKSPACE_A },
				status: 400,
				authorization,
				requestBody: {},
				responseBody: {},
				at,
			}),
		).toBeNull();
		expect(
			widgetAction({
				route: 'integration.disconnect',
				provider: 'microsoft',
				params: { workspaceId: WORKSPACE_A },
				status: 200,
				authorization,
				requestBody: { deleteData: true },
				responseBody: { integration: { id: 'i-1', accountEmail: 'm@contoso.example' } },
				at,
			})?.item,
		).toMatchObject({
			action: 'disconnected',
			integrationId: 'i-1',
			dataDeleted: true,
			provider: 'microsoft',
		});
		expect(
			staticRouteAction({
				route: 'oauth/callback',
				status: 302,
				redirect:
					'https://crm.example/s?status=connected&message=Connected+as+x&integrationId=i-9&provider=google',
				authorization: undefined,
				requestBody: undefined,
				responseBody: undefined,
				at,
			})?.item,
		).toEqual({
			action: 'connected',
			route: 'oauth/callback',
			provider: 'google',
			integrationId: 'i-9',
			at: at.toISOString(),
		});
		expect(
			staticRouteAction({
				route: 'oauth/callback',
				status: 302,
				redirect: 'https://crm.example/s?status=error&message=no',
				authorization: undefined,
				requestBody: undefined,
				responseBody: undefined,
				at,
			}),
		).toBeNull();
	});
});
