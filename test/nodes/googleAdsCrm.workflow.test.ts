// The Google Ads CRM node run through n8n-core (WorkflowExecute) against the emulator's Google Ads
// REST and Data Manager surfaces: accessible customers; campaigns listed (status and date
// filters), got, created on a new budget, updated (name, budget, dates), paused and enabled, all
// for a client reached through its manager (login-customer-id); metrics over a date range with a
// daily breakdown; and conversions enqueued from CRM fields, checked before upload, and sent
// through the outbox — a partial failure stored on its own row while the good rows are accepted,
// nothing sent twice, and the allowlist error of uploadClickConversions worded.
import { randomUUID } from 'node:crypto';

import type { INode, INodeExecutionData } from 'n8n-workflow';

import { closeAllDatabases } from '../../core';
import {
	ADS_CLIENT_CUSTOMER_ID,
	ADS_CLIENT_NOT_ALLOWLISTED_CUSTOMER_ID,
	ADS_MANAGER_CUSTOMER_ID,
	ADS_UPLOAD_CONVERSION_ACTION_IDS,
	DATA_MANAGER_SCOPE,
	EMULATOR_DEVELOPER_TOKEN,
	EMULATOR_TEST_ONLY_DEVELOPER_TOKEN,
	GOOGLE_ADS_SCOPE,
	startEmulator,
	type Emulator,
} from '../emulator';
import type { StoredCredential } from '../harness/credentialsHelper';
import { chain, crmNode, runWorkflow } from '../harness/runWorkflow';
import { connectGoogleCredential } from '../support/providerCredentials';
import { publishedWorkflow, resolveCredentialsByName } from '../support/publishedWorkflow';
import { testServerUrl } from '../support/testDatabase';

const NODE = 'Google Ads CRM';
const CLIENT = ADS_CLIENT_CUSTOMER_ID;
const CLIENT_DASHED = `${CLIENT.slice(0, 3)}-${CLIENT.slice(3, 6)}-${CLIENT.slice(6)}`;
const schema = `test_ads_node_${process.pid}`;

let emu: Emulator;
let ads: StoredCredential;

const database: StoredCredential = {
	id: 'db-1',
	name: 'CRM Database',
	type: 'crmDatabase',
	data: { connectionType: 'url', url: testServerUrl(), schema, autoMigrate: true, ssl: 'disable' },
};

beforeAll(async () => {
	emu = await startEmulator({ seed: 'ads-node', messages: 5 });
	const connected = await connectGoogleCredential(emu, 'googleAdsCrmOAuth2Api', [
		GOOGLE_ADS_SCOPE,
		DATA_MANAGER_SCOPE,
	]);
	ads = withAds(connected, {});
});
afterAll(async () => {
	await emu.stop();
	const { openDatabase } = await import('../../core');
	const db = openDatabase({ url: testServerUrl(), schema, autoMigrate: false });
	await db.knex.raw('drop schema if exists ?? cascade', [schema]);
	await closeAllDatabases();
});

/** The Ads credential pointed at the emulator, the manager as login customer (written with dashes). */
function withAds(base: StoredCredential, overrides: Record<string, unknown>): StoredCredential {
	return {
		...base,
		data: {
			...base.data,
			developerToken: EMULATOR_DEVELOPER_TOKEN,
			loginCustomerId: `${ADS_MANAGER_CUSTOMER_ID.slice(0, 3)}-${ADS_MANAGER_CUSTOMER_ID.slice(3, 6)}-${ADS_MANAGER_CUSTOMER_ID.slice(6)}`,
			adsApiBaseUrl: emu.urls.googleAds,
			dataManagerBaseUrl: emu.urls.dataManager,
			...overrides,
		},
	};
}

function adsNode(parameters: Record<string, unknown>, extra: Partial<INode> = {}): INode {
	return crmNode('googleAdsCrm', NODE, parameters as never, {
		credentials: {
			googleAdsCrmOAuth2Api: { id: ads.id, name: ads.name },
			crmDatabase: { id: database.id, name: database.name },
		},
		...extra,
	});
}

async function run(
	parameters: Record<string, unknown>,
	options: { credential?: StoredCredential; extra?: Partial<INode> } = {},
) {
	return await runWorkflow(chain(adsNode(parameters, options.extra)), {
		credentials: [options.credential ?? ads, database],
	});
}

async function runOne(
	parameters: Record<string, unknown>,
	credential?: StoredCredential,
): Promise<INodeExecutionData[]> {
	const result = await run(parameters, { credential });
	expect(result.error).toBeUndefined();
	const items = result.output(NODE);
	for (const item of items) expect(item.pairedItem).toEqual({ item: 0 });
	return items;
}

async function errorOf(
	parameters: Record<string, unknown>,
	credential?: StoredCredential,
): Promise<string> {
	const result = await run(parameters, { credential });
	expect(result.error).toBeDefined();
	return result.error!.message;
}

const daysBefore = (date: string, days: number) =>
	new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

describe('Google Ads CRM node — customers and campaigns', () => {
	it('lists the customers the Google account reaches directly', async () => {
		const items = await runOne({ resource: 'customer', operation: 'listAccessible' });
		expect(items.map((item) => item.json.customerId)).toContain(ADS_MANAGER_CUSTOMER_ID);
		expect(items[0].json.resourceName).toMatch(/^customers\/\d{10}$/);
	});

	it("lists a client's campaigns through its manager (login-customer-id), enabled and paused by default", async () => {
		const items = await runOne({
			resource: 'campaign',
			operation: 'getMany',
			customerId: CLIENT_DASHED,
			returnAll: true,
		});
		const expected = emu.ads
			.campaigns(CLIENT)
			.filter((campaign) => campaign.status !== 'REMOVED')
			.map((campaign) => campaign.id)
			.sort((a, b) => Number(a) - Number(b));
		expect(items.map((item) => item.json.campaignId)).toEqual(expected);
		expect(items[0].json).toMatchObject({
			customerId: CLIENT,
			resourceName: expect.stringMatching(/^customers\/\d+\/campaigns\/\d+$/),
		});
		expect(typeof items[0].json.budgetAmount).toBe('number');

		const paused = await runOne({
			resource: 'campaign',
			operation: 'getMany',
			customerId: CLIENT,
			returnAll: true,
			filters: { statuses: ['PAUSED', 'REMOVED'] },
		});
		expect(paused.every((item) => item.json.status !== 'ENABLED')).toBe(true);
		expect(paused.length).toBe(
			emu.ads.campaigns(CLIENT).filter((campaign) => campaign.status !== 'ENABLED').length,
		);

		const limited = await runOne({
			resource: 'campaign',
			operation: 'getMany',
			customerId: CLIENT,
			limit: 1,
		});
		expect(limited).toHaveLength(1);
	});

	it('filters campaigns by start date', async () => {
		const all = await runOne({
			resource: 'campaign',
			operation: 'getMany',
			customerId: CLIENT,
			returnAll: true,
			filters: { statuses: ['ENABLED', 'PAUSED', 'REMOVED'] },
		});
		const starts = all.map((item) => item.json.startDate as string).sort();
		const middle = starts[Math.floor(starts.length / 2)];
		const later = await runOne({
			resource: 'campaign',
			operation: 'getMany',
			customerId: CLIENT,
			returnAll: true,
			filters: {
				statuses: ['ENABLED', 'PAUSED', 'REMOVED'],
				startsOnOrAfter: `${middle}T00:00:00.000Z`,
			},
		});
		expect(later.length).toBe(starts.filter((start) => start >= middle).length);
		expect(later.every((item) => (item.json.startDate as string) >= middle)).toBe(true);
	});

	it('says to set the manager as Login Customer ID when a client is asked for without it', async () => {
		const message = await errorOf(
			{ resource: 'campaign', operation: 'getMany', customerId: CLIENT },
			withAds(ads, { loginCustomerId: '' }),
		);
		expect(message).toMatch(
			/no access to this Google Ads customer — if it is reached through a manager account, set that account as Login Customer ID/,
		);
	});

	it('names a developer token approved for test accounts only', async () => {
		const message = await errorOf(
			{ resource: 'campaign', operation: 'getMany', customerId: CLIENT },
			withAds(ads, { developerToken: EMULATOR_TEST_ONLY_DEVELOPER_TOKEN }),
		);
		expect(message).toMatch(/developer token is approved for test accounts only/);
	});

	it('creates a campaign on a new budget, updates name, budget and dates, pauses and enables it', async () => {
		const today = emu.ads.today();
		const [created] = await runOne({
			resource: 'campaign',
			operation: 'create',
			customerId: CLIENT,
			name: 'Winter sale',
			budgetAmount: 25.5,
			options: { startDate: `${today}T00:00:00.000Z` },
		});
		expect(created.json).toMatchObject({
			name: 'Winter sale',
			status: 'PAUSED',
			budgetAmount: 25.5,
			channelType: 'SEARCH',
			startDate: today,
		});
		const campaignId = created.json.campaignId as string;
		const budget = emu.ads
			.budgets(CLIENT)
			.find(
				(entry) =>
					created.json.budgetResourceName === `customers/${CLIENT}/campaignBudgets/${entry.id}`,
			);
		expect(budget?.amountMicros).toBe(25_500_000);

		const [got] = await runOne({
			resource: 'campaign',
			operation: 'get',
			customerId: CLIENT,
			campaignId,
		});
		expect(got.json).toEqual(created.json);

		const endDate = daysBefore(today, -30);
		const [updated] = await runOne({
			resource: 'campaign',
			operation: 'update',
			customerId: CLIENT,
			campaignId,
			updateFields: {
				name: 'Winter sale (extended)',
				budgetAmount: 40,
				endDate: `${endDate}T00:00:00.000Z`,
			},
		});
		expect(updated.json).toMatchObject({
			name: 'Winter sale (extended)',
			budgetAmount: 40,
			endDate,
			startDate: today,
		});

		const [enabled] = await runOne({
			resource: 'campaign',
			operation: 'enable',
			customerId: CLIENT,
			campaignId,
		});
		expect(enabled.json.status).toBe('ENABLED');
		const [paused] = await runOne({
			resource: 'campaign',
			operation: 'pause',
			customerId: CLIENT,
			campaignId,
		});
		expect(paused.json.status).toBe('PAUSED');
		expect(emu.ads.campaigns(CLIENT).find((campaign) => campaign.id === campaignId)?.status).toBe(
			'PAUSED',
		);
	});

	it('says which campaign Google Ads did not find, and keeps going with Continue On Fail', async () => {
		const message = await errorOf({
			resource: 'campaign',
			operation: 'get',
			customerId: CLIENT,
			campaignId: '999999',
		});
		expect(message).toBe(
			`Google Ads customer ${CLIENT} has no campaign 999999 (or the account cannot see it)`,
		);
		const result = await run(
			{ resource: 'campaign', operation: 'get', customerId: CLIENT, campaignId: '999999' },
			{ extra: { continueOnFail: true } },
		);
		expect(result.error).toBeUndefined();
		expect(result.json(NODE)[0].error).toMatch(/has no campaign 999999/);
	});
});

describe('Google Ads CRM node — retries', () => {
	const searches = () => emu.control.calls().byOperation['ads.googleAds.searchStream'] ?? 0;

	it('retries 429 and 5xx inside the call, and nothing else', async () => {
		emu.control.inject({
			operation: 'ads.googleAds.searchStream',
			status: 429,
			times: 1,
			retryAfterSeconds: 0,
		});
		emu.control.inject({
			operation: 'ads.googleAds.searchStream',
			status: 503,
			times: 1,
			after: 1,
			retryAfterSeconds: 0,
		});
		let before = searches();
		const items = await runOne({
			resource: 'campaign',
			operation: 'getMany',
			customerId: CLIENT,
			limit: 2,
		});
		expect(items).toHaveLength(2);
		expect(searches() - before).toBe(3);

		before = searches();
		const message = await errorOf({
			resource: 'campaign',
			operation: 'getMany',
			customerId: CLIENT,
			filters: { startsOnOrAfter: 'soon' },
		});
		expect(message).toBe("Starts On or After 'soon' is not a date (YYYY-MM-DD)");
		expect(searches() - before).toBe(0);
		emu.control.inject({ operation: 'ads.googleAds.searchStream', status: 400, times: 1 });
		before = searches();
		await errorOf({ resource: 'campaign', operation: 'getMany', customerId: CLIENT });
		expect(searches() - before).toBe(1);
	});
});

describe('Google Ads CRM node — metrics', () => {
	it('reads impressions, clicks, cost, conversions, CTR and CPC over a range, and per day adding up to it', async () => {
		const to = daysBefore(emu.ads.today(), 1);
		const from = daysBefore(to, 6);
		const totals = await runOne({
			resource: 'metrics',
			operation: 'get',
			customerId: CLIENT,
			from,
			to,
		});
		expect(totals.length).toBeGreaterThan(0);
		const busiest = totals.reduce((best, item) =>
			(item.json.impressions as number) > (best.json.impressions as number) ? item : best,
		);
		const { impressions, clicks, cost, ctr, cpc, campaignId } = busiest.json as Record<
			string,
			number
		>;
		expect(impressions).toBeGreaterThan(0);
		expect(busiest.json).toMatchObject({ from, to, date: null, customerId: CLIENT });
		expect(ctr).toBeCloseTo(clicks / impressions, 5);
		if (clicks > 0) expect(cpc).toBeCloseTo(cost / clicks, 5);

		const daily = await runOne({
			resource: 'metrics',
			operation: 'get',
			customerId: CLIENT,
			from,
			to,
			campaignId: String(campaignId),
			daily: true,
		});
		expect(daily.every((item) => item.json.campaignId === String(campaignId))).toBe(true);
		expect(new Set(daily.map((item) => item.json.date)).size).toBe(daily.length);
		expect(
			daily.every((item) => (item.json.date as string) >= from && (item.json.date as string) <= to),
		).toBe(true);
		const sum = (field: string) =>
			daily.reduce((total, item) => total + (item.json[field] as number), 0);
		expect(sum('impressions')).toBe(impressions);
		expect(sum('clicks')).toBe(clicks);
		expect(sum('cost')).toBeCloseTo(cost, 4);
	});

	it('refuses a range that ends before it starts', async () => {
		expect(
			await errorOf({
				resource: 'metrics',
				operation: 'get',
				customerId: CLIENT,
				from: '2026-11-30',
				to: '2026-11-01',
			}),
		).toBe('The end date 2026-11-01 is before the start date 2026-11-30');
	});
});

describe('Google Ads CRM node — conversions through the outbox', () => {
	const action = ADS_UPLOAD_CONVERSION_ACTION_IDS[CLIENT];
	const freshGclids = () =>
		emu.ads
			.clicks(CLIENT)
			.filter((click) => click.gclid && click.ageDays < 30)
			.map((click) => click.gclid!);

	function enqueue(workspaceId: string, fields: Record<string, unknown>) {
		const { gclid, conversionTime, customerId, conversionAction, ...additionalFields } = fields;
		return runOne({
			resource: 'conversion',
			operation: 'enqueue',
			workspaceId,
			customerId: customerId ?? CLIENT_DASHED,
			conversionAction: conversionAction ?? action,
			gclid: gclid ?? '',
			conversionTime: conversionTime ?? new Date(Date.now() - 3_600_000).toISOString(),
			additionalFields,
		});
	}

	it('uploads through Data Manager: the bad row rejected with its error, the good rows accepted, nothing sent twice', async () => {
		const workspace = randomUUID();
		const [first, second] = freshGclids();
		emu.dataManager.reset();
		const [good1] = await enqueue(workspace, {
			gclid: first,
			value: 1200,
			currency: 'EUR',
			orderId: 'deal-1',
		});
		expect(good1.json).toMatchObject({
			created: true,
			status: 'pending',
			uploadPath: 'data_manager',
			customerId: CLIENT,
		});
		// Passes our checks, but Google cannot decode it.
		await enqueue(workspace, {
			gclid: 'not-a-real-click',
			value: 10,
			currency: 'EUR',
			orderId: 'deal-2',
		});
		await enqueue(workspace, { gclid: second, orderId: 'deal-3' });
		// The same deal again is the same row.
		const [again] = await enqueue(workspace, {
			gclid: first,
			value: 1200,
			currency: 'EUR',
			orderId: 'deal-1',
		});
		expect(again.json).toMatchObject({ created: false, id: good1.json.id });

		const outcomes = await runOne({
			resource: 'conversion',
			operation: 'uploadDue',
			workspaceId: workspace,
		});
		expect(outcomes.map((item) => [item.json.orderId, item.json.status])).toEqual([
			['deal-1', 'uploaded'],
			['deal-2', 'rejected'],
			['deal-3', 'uploaded'],
		]);
		expect(outcomes[1].json).toMatchObject({
			errorCode: 'INVALID_FORMAT',
			errorMessage: expect.stringMatching(/^events\[1\]\.ad_identifiers\.gclid: /),
		});
		const ingested = () =>
			emu.dataManager.events().filter((event) => event.operatingAccountId === CLIENT);
		expect(
			ingested().map((event) => [event.transactionId, event.match, event.loginAccountId]),
		).toEqual([
			['deal-1', 'MATCHED', ADS_MANAGER_CUSTOMER_ID],
			['deal-3', 'MATCHED', ADS_MANAGER_CUSTOMER_ID],
		]);
		expect(ingested()[0].event).toMatchObject({
			conversionValue: 1200,
			currency: 'EUR',
			eventTimestamp: expect.stringMatching(/Z$/),
		});

		// A retry sends nothing: uploaded and rejected rows are done.
		const retry = await run({
			resource: 'conversion',
			operation: 'uploadDue',
			workspaceId: workspace,
		});
		expect(retry.error).toBeUndefined();
		expect(retry.output(NODE)).toEqual([]);
		expect(ingested()).toHaveLength(2);

		const rejected = await runOne({
			resource: 'conversion',
			operation: 'getOutbox',
			workspaceId: workspace,
			statuses: ['rejected'],
		});
		expect(rejected).toHaveLength(1);
		expect(rejected[0].json).toMatchObject({
			orderId: 'deal-2',
			status: 'rejected',
			errorCode: 'INVALID_FORMAT',
			attempts: 1,
		});
		expect(JSON.stringify(rejected[0].json.errorDetails)).toContain('events[1]');
		const everything = await runOne({
			resource: 'conversion',
			operation: 'getOutbox',
			workspaceId: workspace,
		});
		expect(everything.map((item) => item.json.status).sort()).toEqual([
			'rejected',
			'uploaded',
			'uploaded',
		]);
		// Another workspace sees none of it.
		expect(
			await runOne({ resource: 'conversion', operation: 'getOutbox', workspaceId: randomUUID() }),
		).toEqual([]);
	});

	it('keeps rows for a later run when Data Manager is down, then uploads them once', async () => {
		const workspace = randomUUID();
		emu.dataManager.reset();
		await enqueue(workspace, { gclid: freshGclids()[2], orderId: 'deal-down' });
		// Down for longer than the retries inside one call (Retry-After 0 keeps the test fast).
		emu.control.inject({
			operation: 'datamanager.events.ingest',
			status: 503,
			times: 5,
			retryAfterSeconds: 0,
		});
		const [failed] = await runOne({
			resource: 'conversion',
			operation: 'uploadDue',
			workspaceId: workspace,
		});
		expect(failed.json).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'UNAVAILABLE' });
		expect(Date.parse(failed.json.nextAttemptAt as string)).toBeGreaterThan(Date.now());
		// Not due yet: a run now sends nothing.
		expect(
			(
				await run({ resource: 'conversion', operation: 'uploadDue', workspaceId: workspace })
			).output(NODE),
		).toEqual([]);

		// Its time comes.
		const { openDatabase } = await import('../../core');
		const db = openDatabase({ url: testServerUrl(), schema, autoMigrate: false });
		await db
			.knex('ad_conversions')
			.where({ workspace_id: workspace })
			.update({ next_attempt_at: new Date(Date.now() - 1000) });
		const [uploaded] = await runOne({
			resource: 'conversion',
			operation: 'uploadDue',
			workspaceId: workspace,
		});
		expect(uploaded.json).toMatchObject({ status: 'uploaded', attempts: 2, errorCode: null });
		expect(emu.dataManager.events().map((event) => event.transactionId)).toEqual(['deal-down']);
	});

	it('rejects every row of a request Data Manager refuses without naming an event', async () => {
		const workspace = randomUUID();
		emu.dataManager.reset();
		await enqueue(workspace, { gclid: freshGclids()[3], orderId: 'deal-refused' });
		emu.control.inject({
			operation: 'datamanager.events.ingest',
			status: 400,
			times: 1,
			reason: 'INVALID_ARGUMENT',
		});
		const [rejected] = await runOne({
			resource: 'conversion',
			operation: 'uploadDue',
			workspaceId: workspace,
		});
		expect(rejected.json).toMatchObject({ status: 'rejected', errorCode: 'INVALID_ARGUMENT' });
		expect(emu.dataManager.events()).toHaveLength(0);
	});

	it('uploads with uploadClickConversions for an allowlisted account, and words the allowlist error for the others', async () => {
		const workspace = randomUUID();
		const click = emu.ads.clicks(CLIENT).find((entry) => entry.gclid && entry.ageDays < 30)!;
		await enqueue(workspace, {
			gclid: click.gclid,
			orderId: 'click-1',
			uploadPath: 'click_conversions',
		});
		const otherClick = emu.ads
			.clicks(ADS_CLIENT_NOT_ALLOWLISTED_CUSTOMER_ID)
			.find((entry) => entry.gclid && entry.ageDays < 30)!;
		await enqueue(workspace, {
			gclid: otherClick.gclid,
			customerId: ADS_CLIENT_NOT_ALLOWLISTED_CUSTOMER_ID,
			conversionAction: ADS_UPLOAD_CONVERSION_ACTION_IDS[ADS_CLIENT_NOT_ALLOWLISTED_CUSTOMER_ID],
			orderId: 'click-2',
			uploadPath: 'click_conversions',
		});
		const outcomes = await runOne({
			resource: 'conversion',
			operation: 'uploadDue',
			workspaceId: workspace,
		});
		expect(outcomes.map((item) => [item.json.orderId, item.json.status])).toEqual([
			['click-1', 'uploaded'],
			['click-2', 'rejected'],
		]);
		expect(outcomes[1].json).toMatchObject({
			errorCode: 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE',
			errorMessage:
				'This account is not allowlisted for uploadClickConversions since 2026-06-15; upload through the Data Manager API (the default)',
		});
		expect(
			emu.ads.uploadedClickConversions().filter((upload) => upload.orderId === 'click-1'),
		).toHaveLength(1);
		expect(
			emu.ads.uploadedClickConversions().filter((upload) => upload.orderId === 'click-2'),
		).toHaveLength(0);
	});

	it('refuses a conversion before it enters the outbox, field by field', async () => {
		const workspace = randomUUID();
		const result = await run({
			resource: 'conversion',
			operation: 'enqueue',
			workspaceId: workspace,
			customerId: CLIENT,
			conversionAction: action,
			gclid: freshGclids()[0],
			conversionTime: '2026-11-30 14:05',
			additionalFields: { gbraid: 'also-a-braid', value: 5, clickTime: '2020-01-01T00:00:00Z' },
		});
		expect(result.error?.message).toMatch(
			/^The conversion cannot be uploaded: gclid: give exactly one of gclid, gbraid and wbraid, not gclid and gbraid; conversionTime: '2026-11-30 14:05' is not a time with a zone \(e\.g\. 2026-11-30T14:05:00Z or 2026-11-30 14:05:00\+01:00\); /,
		);
		expect(result.error?.message).toMatch(
			/clickTime: the click is \d+ days old; Google accepts conversions of clicks up to 90 days old; currency: a value needs its currency/,
		);
		expect(
			await runOne({ resource: 'conversion', operation: 'getOutbox', workspaceId: workspace }),
		).toEqual([]);
		expect(
			await errorOf({ resource: 'conversion', operation: 'getOutbox', workspaceId: 'acme' }),
		).toMatch(/Workspace ID 'acme' is not a UUID/);
	});
});

describe('Google Ads CRM node — the published example', () => {
	it('uploads the due conversions of its workspace and lists the refused ones', async () => {
		const example = publishedWorkflow('google-ads-crm.md');
		const workspace = example.nodes.find((node) => node.name === 'Upload due conversions')!
			.parameters.workspaceId as string;
		emu.dataManager.reset();
		const [good, bad] = emu.ads
			.clicks(CLIENT)
			.filter((click) => click.gclid && click.ageDays < 30)
			.slice(4, 6);
		for (const [gclid, orderId] of [
			[good.gclid, 'example-1'],
			['undecodable click', 'example-2'],
			[bad.gclid, 'example-3'],
		]) {
			await runOne({
				resource: 'conversion',
				operation: 'enqueue',
				workspaceId: workspace,
				customerId: CLIENT,
				conversionAction: ADS_UPLOAD_CONVERSION_ACTION_IDS[CLIENT],
				gclid,
				conversionTime: new Date(Date.now() - 60_000).toISOString(),
				additionalFields: { orderId },
			});
		}
		const named = { ...ads, id: 'ads-example', name: 'Google Ads account' };
		const result = await runWorkflow(resolveCredentialsByName(example, [named, database]), {
			credentials: [named, database],
		});
		expect(result.error).toBeUndefined();
		expect(result.json('Upload due conversions').map((row) => row.status)).toEqual([
			'uploaded',
			'rejected',
			'uploaded',
		]);
		expect(result.json('Refused conversions').map((row) => row.orderId)).toEqual(['example-2']);
		expect(emu.dataManager.events().map((event) => event.transactionId)).toEqual([
			'example-1',
			'example-3',
		]);
	});
});
