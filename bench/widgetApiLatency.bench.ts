// The widget API's emails page through a real n8n, on a million-row mailbox: one n8n boot (the
// pinned release, this package installed from `npm pack`, as the e2e suite runs it), the CRM API
// node active, 1,000,000 emails generated inside PostgreSQL for one Google integration, then
// GET …/gmail/emails?limit=50 with a token, timed end to end from an HTTP client on the same
// machine (first page, a page deep in the mailbox by cursor, and with an Origin header as a
// browser on the CRM's origin sends it, which makes n8n look up its CORS options; a page of 200 as
// <crm-inbox> asks; uncompressed, to show what compressing costs). The same page
// through the engine's handler without n8n separates n8n's share from the query's. Goal: p50 ≤ 10
// ms through n8n. Needs a build (`npm run build`). Runs under `npm run bench widgetApiLatency`;
// CRM_BENCH_WIDGET_EMAILS sets the row count, CRM_BENCH_N8N=0 skips it.
import { randomUUID } from 'node:crypto';
import os from 'node:os';

import { Client } from 'pg';

import { handleWidgetRequest } from '../core/api/handleWidgetRequest';
import { fillPath, WIDGET_ROUTES } from '../core/api/routeTable';
import { signApiToken } from '../core/security/apiToken';
import { openDatabase } from '../core/store/database';
import { parseProviderApps } from '../core/sync/providerApps';
import { saveConnectAppsCredential } from '../scripts/n8n/sandbox';
import { eventually, startCrmN8n } from '../test/e2e/support/crmN8n';
import { RESOLVED_URL_VARIABLE } from '../test/setup/testDatabaseServer';
import type { Bench } from './run';
import { percentiles, seedEmails } from './widgetApiLatencySeed';

const EMAILS = Number(process.env.CRM_BENCH_WIDGET_EMAILS ?? 1_000_000);
const REQUESTS = Number(process.env.CRM_BENCH_WIDGET_REQUESTS ?? 500);
const WORKSPACE = 'cccccccc-3333-4333-8333-333333333333';
const USER = 'bench-user';
const ORIGIN = 'https://crm.example';

const bench: Bench = {
	name: 'widget API latency through n8n',
	async run({ databaseUrl, report }) {
		if (process.env.CRM_BENCH_N8N === '0') {
			console.log('  skipped (CRM_BENCH_N8N=0)');
			return;
		}
		process.env[RESOLVED_URL_VARIABLE] ??= databaseUrl;
		const bootStarted = Date.now();
		const crm = await startCrmN8n({ name: 'widget-api-bench', messages: 0 });
		try {
			report('n8n boot and sandbox credentials', (Date.now() - bootStarted) / 1000, 's');
			crm.connectApps.allowedReturnOrigins = ORIGIN;
			const apps = await saveConnectAppsCredential(
				crm.rest,
				{ baseUrl: crm.emulator.baseUrl, sandbox: crm.emulator.sandbox },
				crm.connectApps,
			);
			const webhookId = randomUUID();
			const workflow = await crm.rest.importWorkflow(
				{
					nodes: [
						{
							name: 'CRM API',
							type: 'n8n-nodes-crm-connect.crmApi',
							typeVersion: 2,
							position: [0, 0],
							parameters: {},
							webhookId,
							credentials: {
								crmDatabase: { name: crm.credentials.database.name },
								crmConnectAppsApi: { name: apps.name },
							},
						},
					],
					connections: {},
				},
				'CRM API (bench)',
			);
			await crm.rest.activate(workflow.id);
			const route = WIDGET_ROUTES.find((candidate) => candidate.name === 'emails.list')!;
			const base = `${crm.main.url}/webhook/${webhookId}/crm-api`;
			const path = fillPath(route, 'google', { workspaceId: WORKSPACE });
			const url = `${base}/${path}?limit=50`;
			// The node migrates the CRM tables on its first request (401: no token yet).
			await eventually(
				'the widget routes to answer',
				async () => ((await fetch(url)).status === 401 ? true : undefined),
				60_000,
				200,
			);

			const client = new Client({ connectionString: crm.crmDatabase.url });
			await client.connect();
			try {
				const {
					rows: [integration],
				} = await client.query<{ id: string }>(
					`insert into crm.integrations (workspace_id, user_id, provider, account_email, status)
					 values ($1, $2, 'google', 'bench@acme.example', 'connected') returning id`,
					[WORKSPACE, USER],
				);
				const seedMs = await seedEmails(client, {
					schema: 'crm',
					workspaceId: WORKSPACE,
					integrationId: integration!.id,
					count: EMAILS,
					fast: true,
				});
				report(`seed ${EMAILS.toLocaleString('en')} emails (generate_series)`, seedMs / 1000, 's');
			} finally {
				await client.end();
			}

			const secret = new Uint8Array(Buffer.from(crm.connectApps.apiSigningSecret, 'utf8'));
			const token = await signApiToken(
				{
					workspaceId: WORKSPACE,
					userId: USER,
					scopes: ['integrations:read'],
					lifetimeSeconds: 900,
				},
				secret,
			);
			const measure = async (target: string, headers: Record<string, string>) => {
				for (let warm = 0; warm < 30; warm++) await (await fetch(target, { headers })).text();
				const times: number[] = [];
				for (let index = 0; index < REQUESTS; index++) {
					const started = performance.now();
					const response = await fetch(target, { headers });
					const text = await response.text();
					times.push(performance.now() - started);
					if (response.status !== 200) throw new Error(`${response.status}: ${text.slice(0, 200)}`);
				}
				return percentiles(times);
			};
			const auth = { authorization: `Bearer ${token}` };
			// A token of this workspace on another workspace's path is refused, whatever n8n matched.
			const otherWorkspace = `${base}/${fillPath(route, 'google', { workspaceId: 'dddddddd-4444-4444-8444-444444444444' })}?limit=50`;
			const refused = await fetch(otherWorkspace, { headers: auth });
			const refusedText = await refused.text();
			if (refused.status !== 403) {
				throw new Error(
					`another workspace's path answered ${refused.status}: ${refusedText.slice(0, 300)}`,
				);
			}
			const first = await measure(url, auth);
			const page = (await (await fetch(url, { headers: auth })).json()) as {
				items: unknown[];
				nextCursor: string;
			};
			if (page.items.length !== 50) throw new Error(`a page holds ${page.items.length} emails`);
			// A page deep in the mailbox: follow the cursor 200 pages (10,000 emails) down.
			let cursor = page.nextCursor;
			for (let index = 0; index < 200; index++) {
				const next = (await (
					await fetch(`${url}&cursor=${encodeURIComponent(cursor)}`, { headers: auth })
				).json()) as { nextCursor: string };
				cursor = next.nextCursor;
			}
			const deep = await measure(`${url}&cursor=${encodeURIComponent(cursor)}`, auth);
			const browser = await measure(url, { ...auth, origin: ORIGIN });
			// The page size <crm-inbox> asks for, from the CRM's origin as a browser sends it.
			const inboxPage = await measure(url.replace('limit=50', 'limit=200'), {
				...auth,
				origin: ORIGIN,
			});
			// n8n compresses answers over 1 KB; uncompressed shows that share of the time.
			const identity = await measure(url, { ...auth, 'accept-encoding': 'identity' });
			// n8n's own share by path kind: a request the node refuses before any query (no token),
			// on this dynamic path (n8n looks the webhook up in its database) and on a static one
			// (n8n's webhook cache).
			const refusedStatus = async (target: string) => {
				for (let warm = 0; warm < 30; warm++) await (await fetch(target)).text();
				const times: number[] = [];
				for (let index = 0; index < REQUESTS; index++) {
					const started = performance.now();
					const response = await fetch(target);
					await response.text();
					times.push(performance.now() - started);
					if (response.status !== 401) throw new Error(`${target} answered ${response.status}`);
				}
				return percentiles(times);
			};
			const dynamic401 = await refusedStatus(url);
			const static401 = await refusedStatus(`${crm.main.url}/webhook/crm-api/status`);
			const executions = await crm.rest.executions(workflow.id);

			// The same first page through the engine's handler in this process: the query's share.
			const database = openDatabase({ url: crm.crmDatabase.url, schema: 'crm' });
			const context = {
				database,
				apps: parseProviderApps({
					publicBaseUrl: crm.connectApps.publicBaseUrl,
					tokenKeys: crm.connectApps.tokenKeys,
					apiSigningSecret: crm.connectApps.apiSigningSecret,
				}),
			};
			const direct: number[] = [];
			for (let index = 0; index < 30 + REQUESTS; index++) {
				const started = performance.now();
				const answer = await handleWidgetRequest(context, {
					method: 'GET',
					path,
					query: { limit: '50' },
					headers: auth,
				});
				if (answer.status !== 200) throw new Error(`handler answered ${answer.status}`);
				if (index >= 30) direct.push(performance.now() - started);
			}
			const handler = percentiles(direct);

			const load = `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`;
			report(
				'emails page (limit 50) through n8n, p50',
				first.p50,
				'ms',
				`${REQUESTS} requests, goal ≤ 10 ms`,
			);
			report('emails page (limit 50) through n8n, p95', first.p95, 'ms', load);
			report('emails page 200 pages deep (cursor) through n8n, p50', deep.p50, 'ms');
			report('emails page 200 pages deep (cursor) through n8n, p95', deep.p95, 'ms');
			report(
				'emails page with a browser Origin header through n8n, p50',
				browser.p50,
				'ms',
				'n8n looks up its CORS options',
			);
			report('emails page with a browser Origin header through n8n, p95', browser.p95, 'ms');
			report('emails page of 200 with an Origin (as <crm-inbox> asks), p50', inboxPage.p50, 'ms');
			report('emails page of 200 with an Origin (as <crm-inbox> asks), p95', inboxPage.p95, 'ms');
			report('emails page uncompressed (Accept-Encoding: identity), p50', identity.p50, 'ms');
			report('emails page uncompressed (Accept-Encoding: identity), p95', identity.p95, 'ms');
			report('emails page in the engine handler alone (no n8n), p50', handler.p50, 'ms');
			report('emails page in the engine handler alone (no n8n), p95', handler.p95, 'ms');
			report('401 (no token) on the emails path (dynamic) through n8n, p50', dynamic401.p50, 'ms');
			report('401 (no token) on the emails path (dynamic) through n8n, p95', dynamic401.p95, 'ms');
			report('401 (no token) on the static status path through n8n, p50', static401.p50, 'ms');
			report('401 (no token) on the static status path through n8n, p95', static401.p95, 'ms');
			report('executions created by these requests', executions.length, 'executions');
		} finally {
			await crm.stop();
		}
	},
};

export default bench;
