// The Google Ads templates in a real n8n (one boot), run as an operator runs them against the
// emulator's Google Ads and Data Manager surfaces with the sandbox credentials:
// - conversion-upload.json: two won deals (a known click; a click id Google cannot decode) →
//   the outbox, Data Manager ingesting the good one once and refusing the bad one (its error kept
//   on the row and reported); a second run sends nothing again;
// - ads-performance-alert.json: "Every morning" started by hand → a message per campaign over the
//   cost limit or under the CTR floor;
// - conversion-webhook.json: published, one signed ads-conversion-callback → one execution and its
//   call to the CRM.
// The only changes to the templates: each HTTP Request node's URL points at a server of this test,
// and the "Won deal" sample is pinned with the two deals (as a user pins test data in the editor).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Client } from 'pg';

import {
	SIGNATURE_HEADER,
	TIMESTAMP_HEADER,
	signWebhookBody,
} from '../../core/security/webhookSignature';
import type { ExecutionDetail, WorkflowJson } from '../../scripts/n8n/rest';
import {
	importPublishedWorkflows,
	saveWebhookCredential,
	SANDBOX_WORKSPACE_ID,
} from '../../scripts/n8n/sandbox';
import { adsStore } from '../emulator/google/ads';
import { eventually, startCrmN8n, type CrmN8n } from './support/crmN8n';

jest.setTimeout(120_000);

const CUSTOMER = '2345678901';
const CONVERSION_ACTION = '700000101';
const WEBHOOK_SECRET = randomBytes(32).toString('base64url');
/** Where each template's HTTP Request node is pointed (path on the test's server). */
const ENDPOINTS: Record<string, string> = {
	'Report failures': '/ads-conversion-failures',
	'Tell the account owner': '/notifications',
	'Tell the CRM': '/ads-conversions',
};

interface Received {
	path: string;
	body: Record<string, unknown>;
}

let crm: CrmN8n;
let crmDb: Client;
let server: Server;
const received: Received[] = [];
const ids: Record<'upload' | 'alert' | 'webhook', string> = { upload: '', alert: '', webhook: '' };
const figures: Record<string, unknown> = {};

const receivedAt = (path: string) => received.filter((one) => one.path === path);

/** Runs a workflow from one of its triggers, as the editor's Execute workflow does; its detail. */
async function run(workflowId: string, trigger: string): Promise<ExecutionDetail> {
	const started = Date.now();
	const { executionId } = await crm.rest.request<{ executionId: string }>(
		'POST',
		`/rest/workflows/${workflowId}/run`,
		{ triggerToStartFrom: { name: trigger } },
	);
	const summary = await eventually(
		`execution ${executionId} to finish`,
		async () =>
			(await crm.rest.executions(workflowId)).find(
				(one) => one.id === String(executionId) && one.status !== 'running' && one.status !== 'new',
			),
		60_000,
		250,
	);
	const detail = await crm.rest.execution(summary.id);
	if (summary.status !== 'success')
		throw new Error(`${trigger} ended ${summary.status}: ${JSON.stringify(detail.data)}`);
	figures[`${trigger} ms`] = Date.now() - started;
	return detail;
}

function output(detail: ExecutionDetail, node: string): Array<Record<string, unknown>> {
	return (detail.data.resultData.runData[node] ?? []).flatMap((task) =>
		(task.data?.main?.[0] ?? []).map((item) => item.json),
	);
}

async function outbox() {
	return (
		await crmDb.query<{
			order_id: string;
			gclid: string;
			status: string;
			attempts: number;
			last_error_code: string | null;
			last_error_message: string | null;
		}>(
			`select order_id, gclid, status, attempts, last_error_code, last_error_message
			 from crm.ad_conversions where workspace_id = $1 order by order_id`,
			[SANDBOX_WORKSPACE_ID],
		)
	).rows;
}

beforeAll(async () => {
	server = createServer((req, res) => {
		let text = '';
		req.on('data', (chunk: Buffer) => (text += chunk.toString()));
		req.on('end', () => {
			received.push({ path: req.url ?? '', body: JSON.parse(text || '{}') });
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	const booted = Date.now();
	crm = await startCrmN8n({ name: 'ads-templates', messages: 5 });
	figures['n8n boot ms'] = Date.now() - booted;
	// The sandbox's CRM Webhook credential, with a secret this test knows.
	await saveWebhookCredential(crm.rest, {
		workspaceId: SANDBOX_WORKSPACE_ID,
		secret: WEBHOOK_SECRET,
	});
	const imported = await importPublishedWorkflows(
		crm.rest,
		(workflow): WorkflowJson => ({
			...workflow,
			nodes: workflow.nodes.map((node) =>
				ENDPOINTS[node.name]
					? {
							...node,
							parameters: {
								...(node.parameters as Record<string, unknown>),
								url: local + ENDPOINTS[node.name],
							},
						}
					: node,
			),
		}),
		(name) =>
			name.startsWith('Template · Conversion upload') ||
			name.startsWith('Template · Ads performance alert') ||
			name.startsWith('Template · Conversion webhook'),
	);
	const idOf = (file: string) =>
		imported.find((one) => one.source === `workflows/${file}`)!.stored.id;
	ids.upload = idOf('conversion-upload.json');
	ids.alert = idOf('ads-performance-alert.json');
	ids.webhook = idOf('conversion-webhook.json');

	crmDb = new Client({ connectionString: crm.crmDatabase.url });
	await crmDb.connect();
});

afterAll(async () => {
	await crmDb?.end();
	await crm?.stop();
	await new Promise((resolve) => server?.close(resolve));
	console.log(`Google Ads templates in n8n: ${JSON.stringify(figures)}`);
});

test('conversion upload: the known click is ingested once, the undecodable one refused with its error kept and reported; a second run sends nothing', async () => {
	const click = crm.emulator.ads.clicks(CUSTOMER).find((one) => one.gclid && one.ageDays < 30);
	expect(click).toBeDefined();
	const wonAt = new Date(Date.now() - 60_000).toISOString();
	const deal = (dealId: string, gclid: string) => ({
		json: {
			workspaceId: SANDBOX_WORKSPACE_ID,
			customerId: '234-567-8901',
			conversionActionId: CONVERSION_ACTION,
			gclid,
			dealId,
			amount: 4200,
			currency: 'EUR',
			wonAt,
		},
	});
	// The two deals stand in for the template's one-deal sample, pinned as in the editor.
	const { versionId } = await crm.rest.workflow(ids.upload);
	await crm.rest.request('PATCH', `/rest/workflows/${ids.upload}`, {
		versionId,
		pinData: {
			'Won deal': [deal('deal-good', click!.gclid!), deal('deal-bad', 'not a click id!')],
		},
	});

	const first = await run(ids.upload, 'Deal won (run by hand)');
	const uploaded = output(first, 'Upload due conversions');
	expect(
		uploaded
			.map((row) => [row.orderId, row.status])
			.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
	).toEqual([
		['deal-bad', 'rejected'],
		['deal-good', 'uploaded'],
	]);

	const rows = await outbox();
	expect(rows).toMatchObject([
		{ order_id: 'deal-bad', status: 'rejected', attempts: 1 },
		{ order_id: 'deal-good', gclid: click!.gclid, status: 'uploaded', attempts: 1 },
	]);
	expect(rows[0].last_error_code).toBeTruthy();
	expect(rows[0].last_error_message).toMatch(/gclid/i);
	expect(rows[1].last_error_code).toBeNull();
	figures.refusedWith = `${rows[0].last_error_code}: ${rows[0].last_error_message}`;

	const events = crm.emulator.dataManager.events();
	expect(events).toHaveLength(1);
	expect(events[0]).toMatchObject({
		operatingAccountId: CUSTOMER,
		productDestinationId: CONVERSION_ACTION,
		gclid: click!.gclid,
		transactionId: 'deal-good',
		match: 'MATCHED',
		duplicate: false,
	});

	// The refused row, and only it, reached the CRM's failure endpoint.
	const reports = receivedAt(ENDPOINTS['Report failures']);
	expect(reports).toHaveLength(1);
	expect(reports[0].body).toMatchObject({
		orderId: 'deal-bad',
		status: 'rejected',
		errorCode: rows[0].last_error_code,
	});

	// Again: both deals are in the outbox already; nothing is sent or reported twice.
	const second = await run(ids.upload, 'Deal won (run by hand)');
	expect(output(second, 'Enqueue conversion').map((row) => row.created)).toEqual([false, false]);
	expect(output(second, 'Upload due conversions')).toEqual([]);
	expect(crm.emulator.dataManager.events()).toHaveLength(1);
	expect(await outbox()).toEqual(rows);
	expect(receivedAt(ENDPOINTS['Report failures'])).toHaveLength(1);
});

test("ads performance alert: each campaign over the cost limit or under the CTR floor yesterday gets the owner's message", async () => {
	const detail = await run(ids.alert, 'Every morning');
	const metrics = output(detail, "Yesterday's metrics");
	expect(metrics.length).toBeGreaterThan(0);
	const thresholds = output(detail, 'Thresholds')[0] as { costLimit: number; ctrFloor: number };
	const crossing = metrics.filter(
		(row) =>
			Number(row.cost) > thresholds.costLimit ||
			(Number(row.impressions) >= 100 && row.ctr !== null && Number(row.ctr) < thresholds.ctrFloor),
	);
	figures.campaigns = metrics.length;
	figures.alerts = crossing.length;
	// The sandbox's "Demo videos – YouTube" (CTR about 0.6 %, thousands of impressions, running)
	// is under the CTR floor every day, so the alert branch always runs.
	expect(crossing.length).toBeGreaterThan(0);
	const messages = receivedAt(ENDPOINTS['Tell the account owner']).map((one) => one.body);
	expect(messages).toHaveLength(crossing.length);
	for (const row of crossing) {
		expect(messages.find((message) => message.campaignId === row.campaignId)).toEqual({
			to: 'owner@example.com',
			subject: `Google Ads: ${String(row.campaignName)} needs a look`,
			campaignId: row.campaignId,
			date: row.from,
			cost: row.cost,
			ctr: row.ctr,
			cpc: row.cpc,
			clicks: row.clicks,
			impressions: row.impressions,
			conversions: row.conversions,
		});
	}
	// The emulator's truth for that day: the same campaigns cross, with the same cost and clicks.
	const sandbox = adsStore(crm.emulator.state).sandbox;
	const truth = crm.emulator.ads.campaigns(CUSTOMER).map((campaign) => {
		const day = sandbox.metricsFor(campaign, String(metrics[0].from));
		const cost = day.costMicros / 1_000_000;
		const ctr = day.impressions ? day.clicks / day.impressions : null;
		const crosses =
			cost > thresholds.costLimit ||
			(day.impressions >= 100 && ctr !== null && ctr < thresholds.ctrFloor);
		return { campaignId: campaign.id, crosses, cost, clicks: day.clicks };
	});
	expect(
		messages
			.map((message) => ({
				campaignId: message.campaignId,
				cost: message.cost,
				clicks: message.clicks,
			}))
			.sort((a, b) => String(a.campaignId).localeCompare(String(b.campaignId))),
	).toEqual(
		truth
			.filter((one) => one.crosses)
			.map(({ campaignId, cost, clicks }) => ({ campaignId, cost, clicks }))
			.sort((a, b) => a.campaignId.localeCompare(b.campaignId)),
	);
});

test('conversion webhook: published, one signed ads-conversion-callback → one execution and the CRM told', async () => {
	await crm.rest.activate(ids.webhook);
	const url = `${crm.main.url}/webhook/5f0c2a1e-8d4b-4c7a-9e21-3b6f0d9a7c41/crm-webhook?action=ads-conversion-callback`;
	await eventually(
		'the published trigger to answer',
		async () =>
			(await fetch(url, { method: 'POST', body: '{}' })).status === 401 ? true : undefined,
		30_000,
		200,
	);
	const body = JSON.stringify({
		gclid: 'EAIaIQobChMI-e2e-callback-0001',
		conversion_action: 'Purchase',
		value: 99.5,
		currency: 'EUR',
		order_id: 'order-e2e-1',
		event_id: 'e2e-callback-1',
	});
	const timestamp = Math.floor(Date.now() / 1000);
	const answer = await fetch(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			[TIMESTAMP_HEADER]: String(timestamp),
			[SIGNATURE_HEADER]: signWebhookBody(WEBHOOK_SECRET, timestamp, body),
		},
		body,
	});
	expect(answer.status).toBe(200);
	const told = await eventually(
		'the call to the CRM',
		async () => {
			const calls = receivedAt(ENDPOINTS['Tell the CRM']);
			return calls.length ? calls : undefined;
		},
		30_000,
		200,
	);
	const runs = await eventually(
		'the execution to be saved',
		async () => {
			// Webhook executions only: the template's daily renewal branch may fire during the test.
			const found = (await crm.rest.executions(ids.webhook)).filter(
				(one) => one.mode === 'webhook',
			);
			return found.length && found.every((one) => one.status === 'success') ? found : undefined;
		},
		30_000,
		250,
	);
	expect(runs).toHaveLength(1);
	expect(told).toHaveLength(1);
	expect(told[0].body).toMatchObject({
		workspaceId: SANDBOX_WORKSPACE_ID,
		gclid: 'EAIaIQobChMI-e2e-callback-0001',
		conversionAction: 'Purchase',
		value: 99.5,
		currency: 'EUR',
		orderId: 'order-e2e-1',
	});
	expect(told[0].body.receiptId).toEqual(expect.any(String));
});
