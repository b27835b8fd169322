// The CRM API node in a real n8n, as a CRM backend and its users' browsers reach it: one workflow
// holding only the node, activated; every request goes over HTTP to n8n's production webhook URL.
// The routes answer from the node (API tokens signed with the credential's secret, workspace
// scoping, the OAuth connect flow against the emulator's Google consent) and no request leaves an
// execution behind. The status route's latency through n8n is measured and printed.
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';

import { Client } from 'pg';

import { apiRoutes } from '../../core/api/handleApiRequest';
import { concreteWidgetRoutes, fillPath } from '../../core/api/routeTable';
import { verifySignInAssertion } from '../../core/security/signInAssertion';
import { findFreePort } from '../../core/store/embeddedPostgres';
import { signApiToken } from '../../core/security/apiToken';
import type { N8nCredential, StoredWorkflow } from '../../scripts/n8n/rest';
import { saveConnectAppsCredential, saveDatabaseCredential } from '../../scripts/n8n/sandbox';
import { percentiles, seedEmails } from '../../bench/widgetApiLatencySeed';
import { NODE_ROUTES } from '../../nodes/CrmApi/routes';
import { eventually, startCrmN8n, type CrmN8n } from './support/crmN8n';

jest.setTimeout(600_000);

const NODE_TYPE = 'n8n-nodes-crm-connect.crmApi';
const WORKSPACE_A = 'aaaaaaaa-1111-4111-8111-111111111111';
const WORKSPACE_B = 'bbbbbbbb-2222-4222-8222-222222222222';
const CRM_ORIGIN = 'https://crm.example';
const RETURN_URL = `${CRM_ORIGIN}/settings/email`;
const READ_WRITE = ['integrations:read', 'integrations:write'];
const WEBHOOK_ID = randomUUID();

let crm: CrmN8n;
let apps: N8nCredential;
let workflow: StoredWorkflow;
/** Where the node's routes answer: n8n's production webhook URL + /crm-api. */
let base: string;
/** Where the widget routes answer: n8n puts the node's webhookId in front of `:param` paths. */
let widgetBase: string;

function token(workspaceId: string, userId = 'user-1', scopes = READ_WRITE): Promise<string> {
	return signApiToken(
		{ workspaceId, userId, scopes },
		new Uint8Array(Buffer.from(crm.connectApps.apiSigningSecret, 'utf8')),
	);
}

interface Answer {
	status: number;
	headers: Headers;
	body: unknown;
	ms: number;
}

async function call(
	method: string,
	route: string,
	options: { token?: string; query?: Record<string, string>; body?: unknown; origin?: string } = {},
): Promise<Answer> {
	const url = new URL(`${base}/${route}`);
	for (const [name, value] of Object.entries(options.query ?? {}))
		url.searchParams.set(name, value);
	const headers: Record<string, string> = {};
	if (options.token) headers.authorization = `Bearer ${options.token}`;
	if (options.origin) headers.origin = options.origin;
	if (options.body !== undefined) headers['content-type'] = 'application/json';
	return await fetchTimed(url, {
		method,
		headers,
		body: options.body === undefined ? undefined : JSON.stringify(options.body),
	});
}

/**
 * Waits until a request without a token gets `status`: 401 from the node with a working database,
 * 503 from one whose database is down, 404 with no CRM API published. n8n 2.41 publishes and
 * unpublishes a workflow's webhooks in the background, after activate / deactivate has answered.
 */
async function untilRoutesAnswer(status: 401 | 404 | 503): Promise<void> {
	await eventually(
		`the CRM API routes to answer ${status}`,
		async () => ((await call('GET', 'status')).status === status ? true : undefined),
		30_000,
		100,
	);
}

async function crmRows<T>(sql: string, values: unknown[]): Promise<T[]> {
	const client = new Client({ connectionString: crm.crmDatabase.url });
	await client.connect();
	try {
		return (await client.query(sql, values)).rows as T[];
	} finally {
		await client.end();
	}
}

beforeAll(async () => {
	crm = await startCrmN8n({ name: 'crm-api' });
	base = `${crm.main.url}/webhook/crm-api`;
	widgetBase = `${crm.main.url}/webhook/${WEBHOOK_ID}/crm-api`;
	// The sandbox's CRM Connect Apps credential, with the CRM's origin as the one to return to.
	crm.connectApps.allowedReturnOrigins = CRM_ORIGIN;
	apps = await saveConnectAppsCredential(
		crm.rest,
		{ baseUrl: crm.emulator.baseUrl, sandbox: crm.emulator.sandbox },
		crm.connectApps,
	);
	expect(crm.connectApps.publicBaseUrl).toBe(base);
	workflow = await crm.rest.importWorkflow(
		{
			nodes: [
				{
					name: 'CRM API',
					type: NODE_TYPE,
					typeVersion: 2,
					position: [0, 0],
					// Only linking a record and sending an email start executions (the last two tests).
					parameters: { emitActions: ['recordLinked', 'emailSent'] },
					// The editor gives every webhook node an id when it is added to the canvas.
					webhookId: WEBHOOK_ID,
					credentials: {
						crmDatabase: { name: crm.credentials.database.name },
						crmConnectAppsApi: { name: apps.name },
						googleSignInCrmOAuth2Api: { name: crm.credentials.signIn.name },
					},
				},
			],
			connections: {},
		},
		'CRM API',
	);
	await crm.rest.activate(workflow.id);
	await untilRoutesAnswer(401);
}, 400_000);

afterAll(async () => {
	await crm?.stop();
});

describe('the CRM API node in n8n', () => {
	test("n8n lists the node with one webhook per route and method the engine's API serves, widget routes included", async () => {
		const types = await crm.rest.request<
			Array<{ name: string; group: string[]; webhooks?: Array<Record<string, unknown>> }>
		>('GET', '/types/nodes.json');
		const node = types.find((type) => type.name === NODE_TYPE);
		expect(node?.group).toEqual(['trigger']);
		const served = (node?.webhooks ?? []).map((webhook) => ({
			method: webhook.httpMethod,
			path: webhook.path,
			isFullPath: webhook.isFullPath,
		}));
		const expected = [
			...apiRoutes().map(({ route, method }) => ({ method, path: `crm-api/${route}` })),
			...Object.entries(NODE_ROUTES).map(([route, method]) => ({
				method,
				path: `crm-api/${route}`,
			})),
			...concreteWidgetRoutes().map(({ route, path }) => ({
				method: route.method,
				path: `crm-api/${path}`,
			})),
		].map((webhook) => ({ ...webhook, isFullPath: true }));
		const order = (a: { path: unknown; method: unknown }, b: { path: unknown; method: unknown }) =>
			`${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`);
		expect(served.sort(order)).toEqual(expected.sort(order));
		// No expression anywhere in them: n8n answers without an expression sandbox.
		expect(JSON.stringify(node?.webhooks)).not.toContain('={{');
	});

	test('the credential test reads the apps as the API does and names the redirect URI', async () => {
		expect(await crm.rest.testCredential(apps.id)).toEqual({
			status: 'OK',
			message: `Ready for Google and Microsoft 365 (tenant common); register ${base}/oauth/callback as the redirect URI`,
		});
	});

	test('a credential that cannot be used fails its test, naming the field and not the value', async () => {
		const badKey = 'not-a-key-line';
		const bad = await crm.rest.saveCredential(
			'CRM Connect Apps (bad keyring)',
			'crmConnectAppsApi',
			{
				googleClientId: crm.emulator.sandbox.clientId,
				googleClientSecret: crm.emulator.sandbox.clientSecret,
				publicBaseUrl: base,
				tokenKeys: badKey,
				apiSigningSecret: crm.connectApps.apiSigningSecret,
			},
		);
		try {
			const result = await crm.rest.testCredential(bad.id);
			expect(result.status).toBe('Error');
			expect(result.message).toContain('tokenKeys');
			expect(result.message).not.toContain(badKey);
		} finally {
			await crm.rest.deleteCredential(bad.id);
		}
	});

	test('a request without an API token, or with one signed by another secret, is refused with 401', async () => {
		const missing = await call('GET', 'status');
		expect(missing.status).toBe(401);
		expect(missing.body).toEqual({
			error: { code: 'unauthenticated', message: expect.any(String) },
		});
		expect(missing.headers.get('cache-control')).toBe('no-store');

		const forged = await signApiToken(
			{ workspaceId: WORKSPACE_A, userId: 'user-1', scopes: READ_WRITE },
			new Uint8Array(randomBytes(32)),
		);
		const refused = await call('GET', 'status', { token: forged });
		expect(refused.status).toBe(401);
		expect(JSON.stringify(refused.body)).not.toContain(forged);
	});

	test('with a token, status answers the workspace user’s integrations (none yet)', async () => {
		const answer = await call('GET', 'status', { token: await token(WORKSPACE_A) });
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({ integrations: [] });
		expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
	});

	test('connect URL → emulator consent → callback through n8n → back to the CRM "Connected as …", with an integrations row', async () => {
		const { googleEmail } = crm.emulator.sandbox;
		const connect = await call('GET', 'connect-url', {
			token: await token(WORKSPACE_A),
			query: { provider: 'google', returnUrl: RETURN_URL },
		});
		expect(connect.status).toBe(200);
		const consentUrl = new URL((connect.body as { url: string }).url);
		expect(`${consentUrl.origin}${consentUrl.pathname}`).toBe(crm.emulator.urls.googleAuth);
		expect(consentUrl.searchParams.get('redirect_uri')).toBe(`${base}/oauth/callback`);
		expect(consentUrl.searchParams.get('access_type')).toBe('offline');
		expect(consentUrl.searchParams.get('code_challenge_method')).toBe('S256');

		// The user approves; the provider sends the browser to the callback URL, served by n8n.
		const consent = await crm.emulator.control.approveConsent(consentUrl.toString(), {
			email: googleEmail,
		});
		expect(consent.location.startsWith(`${base}/oauth/callback?`)).toBe(true);
		const callback = await fetch(consent.location, { redirect: 'manual' });
		expect(callback.status).toBe(302);
		const back = new URL(callback.headers.get('location') ?? '');
		expect(`${back.origin}${back.pathname}`).toBe(RETURN_URL);
		expect(back.searchParams.get('status')).toBe('connected');
		expect(back.searchParams.get('message')).toBe(`Connected as ${googleEmail}`);

		const rows = await crmRows<{ id: string; account_email: string; provider: string }>(
			'select id, account_email, provider from crm.integrations where workspace_id = $1',
			[WORKSPACE_A],
		);
		expect(rows).toEqual([
			{
				id: back.searchParams.get('integrationId'),
				account_email: googleEmail,
				provider: 'google',
			},
		]);

		// The state was single use: the same callback again is refused, and changes nothing.
		const replay = await fetch(consent.location, { redirect: 'manual' });
		expect(replay.status).toBe(400);
		expect(
			await crmRows('select id from crm.integrations where workspace_id = $1', [WORKSPACE_A]),
		).toHaveLength(1);

		const status = await call('GET', 'status', { token: await token(WORKSPACE_A) });
		expect(status.status).toBe(200);
		expect((status.body as { integrations: Array<Record<string, unknown>> }).integrations).toEqual([
			expect.objectContaining({ id: rows[0].id, accountEmail: googleEmail, provider: 'google' }),
		]);
	});

	test("a token for workspace B can neither see nor change workspace A's integration", async () => {
		const [integration] = await crmRows<{ id: string; settings: unknown; status: string }>(
			'select id, settings, status from crm.integrations where workspace_id = $1',
			[WORKSPACE_A],
		);
		const tokenB = await token(WORKSPACE_B, 'user-1', ['integrations:admin']);
		const seen = await call('GET', 'status', { token: tokenB });
		expect(seen.status).toBe(200);
		expect(seen.body).toEqual({ integrations: [] });
		const attempts = [
			await call('GET', 'settings', { token: tokenB, query: { integrationId: integration.id } }),
			await call('PATCH', 'settings', {
				token: tokenB,
				query: { integrationId: integration.id },
				body: { settings: { syncEnabled: false } },
			}),
			await call('POST', 'resync', { token: tokenB, body: { integrationId: integration.id } }),
			await call('POST', 'disconnect', { token: tokenB, body: { integrationId: integration.id } }),
		];
		expect(attempts.map((attempt) => attempt.status)).toEqual([404, 404, 404, 404]);
		const [after] = await crmRows<{ id: string; settings: unknown; status: string }>(
			'select id, settings, status from crm.integrations where workspace_id = $1',
			[WORKSPACE_A],
		);
		expect(after).toEqual(integration);
	});

	test('Microsoft 365 connects through the node the same way', async () => {
		const { microsoftEmail } = crm.emulator.sandbox;
		const connect = await call('GET', 'connect-url', {
			token: await token(WORKSPACE_A),
			query: { provider: 'microsoft', returnUrl: RETURN_URL },
		});
		expect(connect.status).toBe(200);
		const consentUrl = new URL((connect.body as { url: string }).url);
		expect(consentUrl.toString()).toMatch(
			new RegExp(`^${crm.emulator.urls.microsoftLogin}common/oauth2/v2\\.0/authorize\\?`),
		);
		const consent = await crm.emulator.control.approveConsent(consentUrl.toString(), {
			email: microsoftEmail,
		});
		const callback = await fetch(consent.location, { redirect: 'manual' });
		expect(callback.status).toBe(302);
		const back = new URL(callback.headers.get('location') ?? '');
		expect(back.searchParams.get('message')).toBe(`Connected as ${microsoftEmail}`);
		expect(back.searchParams.get('provider')).toBe('microsoft');
	});

	test("the user's own integration: settings read and changed, resync queued, disconnect kept the row; no token in any answer", async () => {
		const tokenA = await token(WORKSPACE_A);
		const [integration] = await crmRows<{ id: string }>(
			"select id from crm.integrations where workspace_id = $1 and provider = 'google'",
			[WORKSPACE_A],
		);
		const query = { integrationId: integration.id };
		const answers = [
			await call('GET', 'settings', { token: tokenA, query }),
			await call('PATCH', 'settings', {
				token: tokenA,
				query,
				body: { settings: { visibility: 'subject' } },
			}),
			await call('POST', 'resync', { token: tokenA, body: { integrationId: integration.id } }),
			await call('POST', 'disconnect', { token: tokenA, body: { integrationId: integration.id } }),
		];
		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 202, 200]);
		expect(answers[1].body).toMatchObject({ settings: { visibility: 'subject' } });
		for (const answer of answers) {
			expect(JSON.stringify(answer.body)).not.toMatch(/accessToken|refreshToken|_encrypted/i);
		}
		const [after] = await crmRows<{ status: string; tokens: string | null }>(
			'select status, coalesce(access_token_encrypted, refresh_token_encrypted) as tokens from crm.integrations where id = $1',
			[integration.id],
		);
		expect(after).toEqual({ status: 'disconnected', tokens: null });
	});

	test('browsers on the allowed origin may read the answers; others may not', async () => {
		const tokenA = await token(WORKSPACE_A);
		const allowed = await call('GET', 'status', { token: tokenA, origin: CRM_ORIGIN });
		expect(allowed.headers.get('access-control-allow-origin')).toBe(CRM_ORIGIN);
		const other = await call('GET', 'status', { token: tokenA, origin: 'https://evil.example' });
		expect(other.status).toBe(200);
		expect(other.headers.get('access-control-allow-origin')).toBeNull();
	});

	test('one active CRM API node per n8n; a database it cannot reach is answered with 503, not an error execution', async () => {
		const closedPort = await findFreePort();
		await crm.rest.saveCredential('CRM Database (down)', 'crmDatabase', {
			connectionType: 'url',
			url: `postgres://crm@127.0.0.1:${closedPort}/crm`,
			schema: 'crm',
			ssl: 'disable',
		});
		const down = await crm.rest.importWorkflow(
			{
				nodes: [
					{
						name: 'CRM API',
						type: NODE_TYPE,
						typeVersion: 2,
						position: [0, 0],
						parameters: {},
						webhookId: randomUUID(),
						credentials: {
							crmDatabase: { name: 'CRM Database (down)' },
							crmConnectAppsApi: { name: apps.name },
						},
					},
				],
				connections: {},
			},
			'CRM API (database down)',
		);
		// Its paths are taken by the active one.
		await expect(crm.rest.activate(down.id)).rejects.toThrow(/conflict/i);

		// The active node's database stops answering: its credential now points at a closed port
		// (the node re-reads its credentials every 5 s). Swapping workflows instead would wait on
		// n8n 2.41 freeing the paths of an unpublished one, which takes long on a busy machine.
		await crm.rest.saveCredential('CRM Database', 'crmDatabase', {
			connectionType: 'url',
			url: `postgres://crm@127.0.0.1:${closedPort}/crm`,
			schema: 'crm',
			ssl: 'disable',
		});
		try {
			await untilRoutesAnswer(503);
			const answer = await call('GET', 'status', { token: await token(WORKSPACE_A) });
			expect(answer.status).toBe(503);
			expect(answer.body).toEqual({
				error: { code: 'unavailable', message: expect.any(String) },
			});
			// Where the database is stays between n8n and its operator.
			expect(JSON.stringify(answer.body)).not.toContain(String(closedPort));
			expect(crm.mainLog()).toMatch(
				new RegExp(
					`CRM API: cannot answer GET /webhook/crm-api/status: .*127\\.0\\.0\\.1:${closedPort}`,
				),
			);
			expect(await crm.rest.executions(workflow.id)).toEqual([]);
		} finally {
			await saveDatabaseCredential(crm.rest, crm.crmDatabase);
		}
		await eventually(
			'the CRM API to answer again',
			async () =>
				(await call('GET', 'status', { token: await token(WORKSPACE_A) })).status === 200
					? true
					: undefined,
			30_000,
			250,
		);
	});

	test("no API token, signing secret or token key reached n8n's log", async () => {
		const log = crm.mainLog();
		for (const secret of [
			crm.connectApps.apiSigningSecret,
			crm.connectApps.tokenKeys.split(':')[1],
			await token(WORKSPACE_A),
		]) {
			expect(log.includes(secret)).toBe(false);
		}
		const jwt = /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.exec(log);
		expect(jwt?.[0]).toBeUndefined();
	});

	test('no request left an execution, and n8n logged no error', async () => {
		expect(await crm.rest.executions(workflow.id)).toEqual([]);
		// n8n itself logs the refused second activation and the requests made while the routes
		// were not published (waiting for them) as errors.
		// The database that could not be reached is logged by the node, on purpose; a request that
		// arrives while n8n unpublishes a workflow fails in n8n before any node runs.
		const expected =
			/There is a conflict with one of the webhooks|Received request for unknown webhook|CRM API: cannot answer GET \/webhook\/crm-api\/status: Could not reach PostgreSQL at|Published version not found for workflow/;
		const errors = crm
			.mainLog()
			.split('\n')
			.filter((line) => /\| error \|/.test(line) && !expected.test(line));
		expect(errors).toEqual([]);
	});

	test('status latency through n8n (printed, not asserted)', async () => {
		const tokenA = await token(WORKSPACE_A);
		/** Latencies of 50 requests after 5 to warm up, sorted. */
		const measure = async (options: { token?: string }, status: number) => {
			for (let warm = 0; warm < 5; warm++) await call('GET', 'status', options);
			const times: number[] = [];
			for (let index = 0; index < 50; index++) {
				const answer = await call('GET', 'status', options);
				expect(answer.status).toBe(status);
				times.push(answer.ms);
			}
			return times.sort((a, b) => a - b);
		};
		const describe = (times: number[]) => {
			const at = (share: number) =>
				times[Math.min(times.length - 1, Math.floor(share * times.length))].toFixed(1);
			return `p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`;
		};
		const answered = await measure({ token: tokenA }, 200);
		// Refused before any query: n8n's own work per request plus the node's, without the route's.
		const refused = await measure({}, 401);
		console.log(
			[
				`CRM API through n8n ${crm.main.url}, 50 requests each (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs):`,
				`  GET /status with a token (2 queries): ${describe(answered)}`,
				`  GET /status without a token (401):    ${describe(refused)}`,
			].join('\n'),
		);
		expect(await crm.rest.executions(workflow.id)).toEqual([]);
	});
});

/** A widget route's URL in n8n (the pattern filled in), with its query. */
function widgetUrl(
	name: string,
	provider: 'google' | 'microsoft' | null,
	params: Record<string, string>,
	query: Record<string, string> = {},
): URL {
	const entry = concreteWidgetRoutes().find(
		(candidate) => candidate.route.name === name && candidate.provider === provider,
	);
	if (!entry) throw new Error(`no widget route ${name} for ${provider}`);
	const url = new URL(`${widgetBase}/${fillPath(entry.route, provider, params)}`);
	for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
	return url;
}

/** A widget POST from the CRM's origin, as a browser sends it. */
async function postFromCrm(url: URL, token: string, body: unknown): Promise<Answer> {
	return await fetchTimed(url, {
		method: 'POST',
		headers: {
			authorization: `Bearer ${token}`,
			'content-type': 'application/json',
			origin: CRM_ORIGIN,
		},
		body: JSON.stringify(body),
	});
}

/** The items the CRM API node emitted, once there are `count` (n8n runs them in the background). */
async function emittedItems(count: number): Promise<Array<Record<string, unknown>>> {
	return await eventually(
		`${count} emitted action(s) to be executed`,
		async () => {
			const outputs = await crm.rest.outputs(workflow.id, 'CRM API');
			return outputs.length >= count ? outputs : undefined;
		},
		60_000,
		250,
	);
}

async function fetchTimed(url: URL | string, init: RequestInit = {}): Promise<Answer> {
	const started = performance.now();
	const response = await fetch(url, { redirect: 'manual', ...init });
	const text = await response.text();
	const ms = performance.now() - started;
	let body: unknown = text;
	try {
		body = text ? JSON.parse(text) : undefined;
	} catch {
		// not JSON
	}
	return { status: response.status, headers: response.headers, body, ms };
}

/**
 * The preflight Chromium sends before a cross-origin call with an Authorization header (and a JSON
 * body for POST), and whether Chromium would let the call go: a 2xx answer, the origin allowed, the
 * method allowed (GET, HEAD and POST always are) and both headers allowed.
 */
async function preflight(url: URL, method: string, origin: string) {
	const response = await fetch(url, {
		method: 'OPTIONS',
		headers: {
			origin,
			'access-control-request-method': method,
			'access-control-request-headers':
				method === 'GET' ? 'authorization' : 'authorization,content-type',
		},
	});
	await response.text();
	const allowOrigin = response.headers.get('access-control-allow-origin');
	const allowMethods = (response.headers.get('access-control-allow-methods') ?? '')
		.split(',')
		.map((value) => value.trim().toUpperCase());
	const allowHeaders = (response.headers.get('access-control-allow-headers') ?? '')
		.split(',')
		.map((value) => value.trim().toLowerCase());
	const passes =
		response.status >= 200 &&
		response.status < 300 &&
		(allowOrigin === '*' || allowOrigin === origin) &&
		(['GET', 'HEAD', 'POST'].includes(method) ||
			allowMethods.includes(method) ||
			allowMethods.includes('*')) &&
		allowHeaders.includes('authorization') &&
		(method === 'GET' || allowHeaders.includes('content-type'));
	return {
		status: response.status,
		allowOrigin,
		allowMethods: response.headers.get('access-control-allow-methods'),
		allowHeaders: response.headers.get('access-control-allow-headers'),
		passes,
	};
}

describe('the widget API through the CRM API node in n8n', () => {
	const EMAILS = 120;
	let integrationId: string;
	let tokenA: string;

	beforeAll(async () => {
		tokenA = await token(WORKSPACE_A);
		const [google] = await crmRows<{ id: string }>(
			"select id from crm.integrations where workspace_id = $1 and provider = 'google' and user_id = 'user-1'",
			[WORKSPACE_A],
		);
		integrationId = google.id;
		const client = new Client({ connectionString: crm.crmDatabase.url });
		await client.connect();
		try {
			await seedEmails(client, {
				schema: 'crm',
				workspaceId: WORKSPACE_A,
				integrationId,
				count: EMAILS,
				prefix: 'e2e',
			});
		} finally {
			await client.end();
		}
	});

	test('every widget route passes a Chromium-style preflight from the allowed origin (n8n answers it before the node)', async () => {
		const results = [];
		for (const { route, provider } of concreteWidgetRoutes()) {
			const url = widgetUrl(route.name, provider, { workspaceId: WORKSPACE_A, id: 'x1' });
			results.push({
				name: `${route.name} ${provider ?? ''}`,
				...(await preflight(url, route.method, CRM_ORIGIN)),
			});
		}
		// What n8n answers, once, for the record.
		console.log(
			`Preflight answers of n8n for the widget routes (origin ${CRM_ORIGIN}):\n${results
				.map(
					(result) =>
						`  ${result.name}: ${result.status}, allow-origin ${result.allowOrigin}, methods ${result.allowMethods}, headers ${result.allowHeaders}`,
				)
				.join('\n')}`,
		);
		expect(results.filter((result) => !result.passes)).toEqual([]);
		// A PATCH stays on the static settings path, whose preflight lists it.
		const patch = await preflight(new URL(`${base}/settings`), 'PATCH', CRM_ORIGIN);
		expect(patch.passes).toBe(true);
	});

	test('an emails page: 200 with a token, CORS for the allowed origin only, 403 for another workspace, 401 without a token', async () => {
		const url = widgetUrl('emails.list', 'google', { workspaceId: WORKSPACE_A }, { limit: '50' });
		const page = await fetchTimed(url, {
			headers: { authorization: `Bearer ${tokenA}`, origin: CRM_ORIGIN },
		});
		expect(page.status).toBe(200);
		const body = page.body as {
			items: Array<{ id: string; subject: string }>;
			nextCursor: string | null;
		};
		expect(body.items).toHaveLength(50);
		expect(body.nextCursor).toEqual(expect.any(String));
		expect(page.headers.get('access-control-allow-origin')).toBe(CRM_ORIGIN);
		expect(page.headers.get('cache-control')).toBe('no-store');
		// Compressed once, by the node (n8n's middleware leaves an encoded answer alone), for each
		// coding a client may ask for; the JSON reads the same.
		for (const coding of ['br', 'gzip'] as const) {
			const encoded = await fetchTimed(url, {
				headers: { authorization: `Bearer ${tokenA}`, 'accept-encoding': coding },
			});
			expect(encoded.headers.get('content-encoding')).toBe(coding);
			expect(encoded.headers.get('vary')).toMatch(/Accept-Encoding/);
			expect((encoded.body as { items: unknown[] }).items).toEqual(body.items);
		}

		const next = await fetchTimed(
			widgetUrl(
				'emails.list',
				'google',
				{ workspaceId: WORKSPACE_A },
				{ limit: '50', cursor: body.nextCursor! },
			),
			{ headers: { authorization: `Bearer ${tokenA}` } },
		);
		const second = (next.body as { items: Array<{ id: string }> }).items;
		expect(second).toHaveLength(50);
		expect(second.some((item) => body.items.some((first) => first.id === item.id))).toBe(false);

		const foreign = await fetchTimed(url, {
			headers: { authorization: `Bearer ${tokenA}`, origin: 'https://evil.example' },
		});
		expect(foreign.status).toBe(200);
		expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

		const otherWorkspace = await fetchTimed(
			widgetUrl('emails.list', 'google', { workspaceId: WORKSPACE_B }),
			{ headers: { authorization: `Bearer ${tokenA}` } },
		);
		expect({ status: otherWorkspace.status, body: otherWorkspace.body }).toEqual({
			status: 403,
			body: { error: { code: 'forbidden', message: expect.any(String) } },
		});

		const anonymous = await fetchTimed(url);
		expect(anonymous.status).toBe(401);

		// n8n matches `:param` paths loosely: a path of the same shape that is no route is the node's 404.
		const loose = await fetchTimed(
			`${widgetBase}/workspaces/${WORKSPACE_A}/integrations/google/emails/gmail`,
			{ headers: { authorization: `Bearer ${tokenA}` } },
		);
		expect(loose.status).toBe(404);
	});

	test('other widget routes answer through n8n: integrations, status, one email, events, records', async () => {
		const get = (name: string, provider: 'google' | null, params: Record<string, string> = {}) =>
			fetchTimed(widgetUrl(name, provider, { workspaceId: WORKSPACE_A, ...params }), {
				headers: { authorization: `Bearer ${tokenA}` },
			});
		const list = await get('integrations.list', null);
		expect(list.status).toBe(200);
		expect(
			(list.body as { providers: Array<{ provider: string }> }).providers.map((p) => p.provider),
		).toEqual(['google', 'microsoft']);
		expect((await get('integration.status', 'google')).status).toBe(200);
		const [email] = await crmRows<{ id: string }>(
			"select id from crm.emails where workspace_id = $1 and internet_message_id = '<e2e-1@bench.example>'",
			[WORKSPACE_A],
		);
		const one = await get('emails.get', 'google', { id: email.id });
		expect(one.status).toBe(200);
		expect((one.body as { email: { subject: string } }).email.subject).toBe('Quarterly update 1');
		expect((await get('events.list', 'google')).status).toBe(200);
		expect((await get('records.search', null)).status).toBe(200);
	});

	test('serving 200 emails pages creates no execution; p50/p95 of a page of 50 (printed)', async () => {
		const before = await crm.rest.executions(workflow.id);
		const url = widgetUrl('emails.list', 'google', { workspaceId: WORKSPACE_A }, { limit: '50' });
		const init = { headers: { authorization: `Bearer ${tokenA}` } };
		for (let warm = 0; warm < 20; warm++) await fetchTimed(url, init);
		const times: number[] = [];
		for (let index = 0; index < 200; index++) {
			const answer = await fetchTimed(url, init);
			expect(answer.status).toBe(200);
			times.push(answer.ms);
		}
		const { p50, p95, max } = percentiles(times);
		console.log(
			`Widget API through n8n ${crm.main.url}: GET …/gmail/emails?limit=50 (${EMAILS} emails), 200 requests: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)`,
		);
		expect(await crm.rest.executions(workflow.id)).toEqual(before);
	});

	test('widgets.js is the built bundle (JavaScript, ETag, 304 on revalidation); openapi.json names the widget base', async () => {
		const bundle = await fetchTimed(`${base}/widgets.js`, { headers: { origin: CRM_ORIGIN } });
		expect(bundle.status).toBe(200);
		expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
		expect(bundle.headers.get('cache-control')).toMatch(/max-age=\d+/);
		expect(bundle.headers.get('access-control-allow-origin')).toBe('*');
		// Compressed by the node (fetch asks for it), so its validator is the weak form.
		expect(bundle.headers.get('content-encoding')).toMatch(/^(br|gzip)$/);
		const etag = bundle.headers.get('etag');
		expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
		expect(String(bundle.body)).toContain('crm-inbox');
		const again = await fetch(`${base}/widgets.js`, { headers: { 'if-none-match': etag! } });
		expect(again.status).toBe(304);
		await again.text();
		const plain = await fetchTimed(`${base}/widgets.js`, {
			headers: { 'accept-encoding': 'identity' },
		});
		expect(plain.headers.get('content-encoding')).toBeNull();
		expect(plain.headers.get('etag')).toBe(etag!.slice(2));
		expect(String(plain.body)).toBe(String(bundle.body));

		const openapi = await fetchTimed(`${base}/openapi.json`);
		expect(openapi.status).toBe(200);
		const document = openapi.body as {
			openapi: string;
			servers: Array<{ url: string }>;
			paths: Record<string, unknown>;
		};
		expect(document.openapi).toMatch(/^3\./);
		expect(document.servers[0].url).toBe(widgetBase);
		expect(Object.keys(document.paths).length).toBeGreaterThan(10);
	});

	test('Sign in with Google through n8n: start → consent → callback → the CRM gets a verified assertion; a foreign return URL is refused', async () => {
		const refused = await fetchTimed(
			`${base}/auth/google/start?return_url=${encodeURIComponent('https://evil.example/x')}`,
		);
		expect(refused.status).toBe(400);

		const start = await fetch(
			`${base}/auth/google/start?return_url=${encodeURIComponent(`${CRM_ORIGIN}/signed-in`)}`,
			{ redirect: 'manual' },
		);
		expect(start.status).toBe(302);
		const authorize = new URL(start.headers.get('location') ?? '');
		expect(authorize.searchParams.get('scope')).toBe('openid email profile');
		expect(authorize.searchParams.get('redirect_uri')).toBe(`${base}/auth/google/callback`);
		const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0];
		expect(cookie).toMatch(/^crm_sign_in_/);

		const consent = await crm.emulator.control.approveConsent(authorize.toString(), {
			email: 'gina@acme.example',
		});
		const callback = await fetch(consent.location, { redirect: 'manual', headers: { cookie } });
		expect(callback.status).toBe(302);
		const back = new URL(callback.headers.get('location') ?? '');
		expect(`${back.origin}${back.pathname}`).toBe(`${CRM_ORIGIN}/signed-in`);
		const claims = await verifySignInAssertion(
			back.searchParams.get('sign_in_assertion') ?? '',
			new Uint8Array(Buffer.from(crm.connectApps.apiSigningSecret, 'utf8')),
		);
		expect(claims).toMatchObject({
			email: 'gina@acme.example',
			hd: 'acme.example',
			email_verified: true,
		});

		// The same callback again (replayed, cookie or not) is refused.
		const replay = await fetch(consent.location, { redirect: 'manual' });
		expect(replay.status).toBe(400);
		await replay.text();
		// Signing in is not among the emitted actions of this workflow: no execution.
		expect(await crm.rest.executions(workflow.id)).toEqual([]);
	});

	test('a chosen action (record linked) answers the widget and starts one execution with an item describing it; nothing else did', async () => {
		const [person] = await crmRows<{ id: string }>(
			"insert into crm.people (workspace_id, email, full_name) values ($1, 'pat@customer1.example', 'Pat') returning id",
			[WORKSPACE_A],
		);
		const [email] = await crmRows<{ id: string }>(
			"select id from crm.emails where workspace_id = $1 and internet_message_id = '<e2e-2@bench.example>'",
			[WORKSPACE_A],
		);
		const linked = await postFromCrm(
			widgetUrl('emails.link', 'google', { workspaceId: WORKSPACE_A, id: email.id }),
			tokenA,
			{ recordType: 'person', recordId: person.id },
		);
		expect(linked.status).toBe(200);
		expect((linked.body as { links: unknown[] }).links).toEqual([
			expect.objectContaining({ recordType: 'person', recordId: person.id }),
		]);
		const items = await emittedItems(1);
		expect(items).toEqual([
			expect.objectContaining({
				action: 'recordLinked',
				route: 'emails.link',
				workspaceId: WORKSPACE_A,
				userId: 'user-1',
				provider: 'google',
				emailId: email.id,
				recordType: 'person',
				recordId: person.id,
			}),
		]);
		expect(JSON.stringify(items)).not.toMatch(/eyJ|Bearer|Regards/);
		expect(await crm.rest.executions(workflow.id)).toHaveLength(1);
	});

	test('an email sent from the widget (Outlook, through the emulator) answers 201 and starts one execution describing it, without its body', async () => {
		const subject = `Proposal from the widget ${Date.now()}`;
		const sent = await postFromCrm(
			widgetUrl('emails.send', 'microsoft', { workspaceId: WORKSPACE_A }),
			tokenA,
			{ to: ['dora@customer1.example'], subject, text: 'Confidential figures inside.' },
		);
		expect(sent.status).toBe(201);
		const email = (sent.body as { email: { id: string; mailboxes: Array<Record<string, string>> } })
			.email;
		expect(sent.headers.get('access-control-allow-origin')).toBe(CRM_ORIGIN);
		const items = await emittedItems(2);
		expect(items[1]).toEqual({
			action: 'emailSent',
			route: 'emails.send',
			workspaceId: WORKSPACE_A,
			userId: 'user-1',
			provider: 'microsoft',
			emailId: email.id,
			threadId: email.mailboxes[0]!.providerThreadId,
			at: expect.any(String),
		});
		expect(JSON.stringify(items[1])).not.toMatch(/Confidential|Proposal|eyJ|Bearer/);
		expect(await crm.rest.executions(workflow.id)).toHaveLength(2);
	});
});
