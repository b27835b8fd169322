import {
	ADS_CLIENT_CUSTOMER_ID,
	ADS_CLIENT_NOT_ALLOWLISTED_CUSTOMER_ID,
	ADS_MANAGER_CUSTOMER_ID,
	ADS_UPLOAD_CONVERSION_ACTION_IDS,
	DATA_MANAGER_SCOPE,
	EMULATOR_DEVELOPER_TOKEN,
	EMULATOR_TEST_ONLY_DEVELOPER_TOKEN,
	type Emulator,
	GOOGLE_ADS_API_VERSION,
	GOOGLE_ADS_SCOPE,
	startEmulator,
} from './index';
import { createAdsSandbox } from './generator/campaigns';

// Google Ads REST and the Data Manager API, spoken to with plain fetch as a REST client would.
let emu: Emulator;
const V = GOOGLE_ADS_API_VERSION;
const MANAGER = ADS_MANAGER_CUSTOMER_ID;
const CLIENT = ADS_CLIENT_CUSTOMER_ID;
const OTHER_CLIENT = ADS_CLIENT_NOT_ALLOWLISTED_CUSTOMER_ID;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
	emu = await startEmulator({ seed: 'ads-test' });
});
afterAll(async () => {
	await emu.stop();
});
afterEach(() => {
	emu.control.clearFaults();
});

function adsHeaders(extra: Record<string, string | undefined> = {}): Record<string, string> {
	const headers: Record<string, string | undefined> = {
		authorization: `Bearer ${emu.sandbox.accessToken}`,
		'developer-token': EMULATOR_DEVELOPER_TOKEN,
		'login-customer-id': MANAGER,
		'content-type': 'application/json',
		...extra,
	};
	return Object.fromEntries(
		Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined),
	);
}

async function ads(
	path: string,
	body?: unknown,
	headers: Record<string, string | undefined> = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
	const response = await fetch(`${emu.urls.googleAds}/${V}/${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: adsHeaders(headers),
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return {
		status: response.status,
		body: (await response.json()) as Json,
		headers: response.headers,
	};
}

const search = (customerId: string, query: string, extra: Json = {}, headers = {}) =>
	ads(`customers/${customerId}/googleAds:search`, { query, ...extra }, headers);
const stream = (customerId: string, query: string, headers = {}) =>
	ads(`customers/${customerId}/googleAds:searchStream`, { query }, headers);

function failure(
	body: Json,
): { errorCode: Record<string, string>; message: string; location?: Json }[] {
	return body.error.details[0].errors;
}

function conversionTime(ms: number): string {
	// "yyyy-mm-dd hh:mm:ss+hh:mm" in UTC+01:00, as a CRM in Berlin would send it in winter.
	const local = new Date(ms + 3_600_000).toISOString();
	return `${local.slice(0, 10)} ${local.slice(11, 19)}+01:00`;
}

describe('GAQL search and searchStream', () => {
	it('lists campaigns with their budget, in the REST JSON shape', async () => {
		const { status, body } = await search(
			CLIENT,
			'SELECT campaign.id, campaign.name, campaign.status, campaign.advertising_channel_type, campaign.start_date, campaign.end_date, campaign_budget.amount_micros FROM campaign ORDER BY campaign.name',
		);
		expect(status).toBe(200);
		const expected = emu.ads.campaigns(CLIENT);
		expect(body.results).toHaveLength(expected.length);
		const first = body.results[0];
		expect(first.campaign).toEqual({
			resourceName: expect.stringMatching(new RegExp(`^customers/${CLIENT}/campaigns/\\d+$`)),
			id: expect.stringMatching(/^\d+$/),
			name: expect.any(String),
			status: expect.stringMatching(/^(ENABLED|PAUSED|REMOVED)$/),
			advertisingChannelType: expect.any(String),
			startDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
			endDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
		});
		expect(first.campaignBudget.amountMicros).toMatch(/^\d+$/);
		expect(body.fieldMask).toBe(
			'campaign.id,campaign.name,campaign.status,campaign.advertisingChannelType,campaign.startDate,campaign.endDate,campaignBudget.amountMicros',
		);
		const names = body.results.map((r: Json) => r.campaign.name);
		expect(names).toEqual([...names].sort());
	});

	it('filters on status, name and id', async () => {
		const enabled = await search(
			CLIENT,
			"SELECT campaign.id, campaign.status FROM campaign WHERE campaign.status = 'ENABLED'",
		);
		expect(enabled.body.results.every((r: Json) => r.campaign.status === 'ENABLED')).toBe(true);
		expect(enabled.body.results.length).toBe(
			emu.ads.campaigns(CLIENT).filter((c) => c.status === 'ENABLED').length,
		);
		const notRemoved = await search(
			OTHER_CLIENT,
			'SELECT campaign.name FROM campaign WHERE campaign.status IN (ENABLED, PAUSED)',
		);
		expect(notRemoved.body.results.map((r: Json) => r.campaign.name)).not.toContain(
			'Old brand test',
		);
		const like = await search(
			CLIENT,
			"SELECT campaign.name FROM campaign WHERE campaign.name LIKE '%Search%'",
		);
		expect(like.body.results.map((r: Json) => r.campaign.name).sort()).toEqual(['Brand – Search']);
		// LIKE ignores case, REGEXP_MATCH only with (?i), as GAQL documents.
		const lower = await search(
			CLIENT,
			"SELECT campaign.name FROM campaign WHERE campaign.name LIKE '%search'",
		);
		expect(lower.body.results).toEqual(like.body.results);
		const regexp = await search(
			CLIENT,
			'SELECT campaign.name FROM campaign WHERE campaign.name REGEXP_MATCH "(?i).*crm.*"',
		);
		expect(regexp.body.results.map((r: Json) => r.campaign.name)).toEqual([
			'Generic – CRM software',
		]);
		const exact = await search(
			CLIENT,
			'SELECT campaign.name FROM campaign WHERE campaign.name REGEXP_MATCH ".*crm.*"',
		);
		expect(exact.body.results).toBeUndefined();
		const id = emu.ads.campaigns(CLIENT)[1]!.id;
		const byId = await search(
			CLIENT,
			`SELECT campaign.name FROM campaign WHERE campaign.id = ${id}`,
		);
		expect(byId.body.results).toHaveLength(1);
		const none = await search(
			CLIENT,
			"SELECT campaign.name FROM campaign WHERE campaign.name = 'nothing like it'",
		);
		expect(none.body.results).toBeUndefined();
		expect(none.body.fieldMask).toBe('campaign.name');
	});

	it('aggregates metrics per campaign over a date range and splits them per day with segments.date', async () => {
		const today = emu.ads.today();
		const sandbox = createAdsSandbox({
			seed: 'ads-test',
			anchorMs: Date.parse(`${today}T12:00:00Z`),
		});
		const campaign = emu.ads.campaigns(CLIENT).find((c) => c.name === 'Brand – Search')!;
		const daily = await search(
			CLIENT,
			`SELECT campaign.id, segments.date, metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, metrics.ctr, metrics.average_cpc FROM campaign WHERE campaign.id = ${campaign.id} AND segments.date DURING LAST_7_DAYS ORDER BY segments.date`,
		);
		expect(daily.status).toBe(200);
		expect(daily.body.results).toHaveLength(7);
		const day = daily.body.results[0];
		const expected = sandbox.metricsFor(
			sandbox.campaigns.find((c) => c.name === campaign.name)!,
			day.segments.date,
		);
		expect(day.metrics.impressions).toBe(String(expected.impressions));
		expect(day.metrics.clicks).toBe(String(expected.clicks));
		expect(day.metrics.costMicros).toBe(String(expected.costMicros));
		expect(day.metrics.ctr).toBeCloseTo(expected.clicks / expected.impressions, 10);
		expect(day.metrics.averageCpc).toBeCloseTo(expected.costMicros / expected.clicks, 4);
		expect(typeof day.metrics.conversions).toBe('number');
		expect(daily.body.results.at(-1).segments.date < today).toBe(true);

		const total = await search(
			CLIENT,
			`SELECT campaign.id, metrics.impressions, metrics.cost_micros FROM campaign WHERE campaign.id = ${campaign.id} AND segments.date DURING LAST_7_DAYS`,
		);
		expect(total.body.results).toHaveLength(1);
		const sum = daily.body.results.reduce(
			(n: number, r: Json) => n + Number(r.metrics.impressions),
			0,
		);
		expect(total.body.results[0].metrics.impressions).toBe(String(sum));

		const between = await search(
			CLIENT,
			`SELECT campaign.id, segments.date, metrics.clicks FROM campaign WHERE campaign.id = ${campaign.id} AND segments.date BETWEEN '${daily.body.results[0].segments.date}' AND '${daily.body.results[2].segments.date}'`,
		);
		expect(between.body.results.map((r: Json) => r.segments.date)).toEqual(
			daily.body.results.slice(0, 3).map((r: Json) => r.segments.date),
		);
		const paused = emu.ads.campaigns(CLIENT).find((c) => c.status === 'PAUSED')!;
		const quiet = await search(
			CLIENT,
			`SELECT campaign.id, metrics.impressions FROM campaign WHERE campaign.id = ${paused.id} AND segments.date DURING LAST_7_DAYS`,
		);
		expect(quiet.body.results[0].metrics.impressions).toBe('0');
	});

	it('pages search results with nextPageToken and totalResultsCount, stream sends the same rows in batches', async () => {
		const query = `SELECT campaign.id, segments.date, metrics.clicks FROM campaign WHERE segments.date DURING LAST_30_DAYS ORDER BY campaign.id, segments.date`;
		const streamed = await stream(CLIENT, query);
		expect(streamed.status).toBe(200);
		expect(Array.isArray(streamed.body)).toBe(true);
		const all = (streamed.body as unknown as Json[]).flatMap((batch) => batch.results ?? []);
		expect(all.length).toBeGreaterThan(40);
		expect((streamed.body as unknown as Json[])[0]).toMatchObject({
			fieldMask: 'campaign.id,segments.date,metrics.clicks',
			requestId: expect.any(String),
		});

		emu.ads.setPageSize(25);
		try {
			const pages: Json[] = [];
			let pageToken: string | undefined;
			do {
				const page = await search(CLIENT, query, {
					pageToken,
					searchSettings: { returnTotalResultsCount: true },
				});
				expect(page.status).toBe(200);
				expect(page.body.totalResultsCount).toBe(String(all.length));
				pages.push(...page.body.results);
				pageToken = page.body.nextPageToken;
			} while (pageToken);
			expect(pages).toEqual(all);
			const batches = await stream(CLIENT, query);
			expect((batches.body as unknown as Json[]).length).toBe(Math.ceil(all.length / 25));
			const foreign = await search(CLIENT, 'SELECT campaign.id FROM campaign', {
				pageToken: 'bm9wZQ',
			});
			expect(foreign.status).toBe(400);
			expect(failure(foreign.body)[0]!.errorCode).toEqual({ requestError: 'INVALID_PAGE_TOKEN' });
		} finally {
			emu.ads.setPageSize(10_000);
		}
		const sized = await search(CLIENT, query, { pageSize: 10 });
		expect(sized.status).toBe(400);
		expect(failure(sized.body)[0]!.errorCode).toEqual({ requestError: 'PAGE_SIZE_NOT_SUPPORTED' });
	});

	it('answers a malformed query with 400 and a GoogleAdsFailure queryError', async () => {
		const cases: [string, string][] = [
			['SELECT campaign.nope FROM campaign', 'UNRECOGNIZED_FIELD'],
			['SELECT campaign.id campaign', 'EXPECTED_FROM'],
			['campaign.id FROM campaign', 'EXPECTED_SELECT'],
			['SELECT campaign.id FROM ad_group_ad', 'PROHIBITED_RESOURCE_TYPE_IN_FROM_CLAUSE'],
			['SELECT campaign.id, segments.date FROM campaign', 'EXPECTED_FILTERS_ON_DATE_RANGE'],
			[
				'SELECT campaign.id FROM campaign WHERE segments.date DURING LAST_90_DAYS',
				'INVALID_VALUE_WITH_DURING_OPERATOR',
			],
			["SELECT campaign.id FROM campaign WHERE campaign.name = 'open", 'STRING_NOT_TERMINATED'],
			['SELECT campaign.id FROM campaign LIMIT 0', 'LIMIT_VALUE_TOO_LOW'],
			["SELECT campaign.id FROM campaign WHERE campaign.status = 'RUNNING'", 'BAD_ENUM_CONSTANT'],
			[
				'SELECT campaign_budget.id, metrics.clicks FROM campaign_budget',
				'PROHIBITED_METRIC_IN_SELECT_OR_WHERE_CLAUSE',
			],
		];
		for (const [query, code] of cases) {
			const { status, body } = await search(CLIENT, query);
			expect({ query, status }).toEqual({ query, status: 400 });
			expect(body.error.status).toBe('INVALID_ARGUMENT');
			expect(body.error.details[0]['@type']).toBe(
				`type.googleapis.com/google.ads.googleads.${V}.errors.GoogleAdsFailure`,
			);
			expect({ query, code: failure(body)[0]!.errorCode }).toEqual({
				query,
				code: { queryError: code },
			});
		}
	});

	it('returns the FROM resource name with metrics alone, and sums a customer over its campaigns', async () => {
		const perCampaign = await search(
			CLIENT,
			'SELECT metrics.clicks FROM campaign WHERE segments.date DURING LAST_30_DAYS',
		);
		expect(perCampaign.body.results[0].campaign).toEqual({
			resourceName: expect.stringMatching(/^customers\/\d+\/campaigns\/\d+$/),
		});
		const account = await search(
			CLIENT,
			'SELECT customer.id, metrics.clicks FROM customer WHERE segments.date DURING LAST_30_DAYS',
		);
		const sum = perCampaign.body.results.reduce(
			(n: number, r: Json) => n + Number(r.metrics.clicks),
			0,
		);
		expect(account.body.results).toEqual([
			{
				customer: { resourceName: `customers/${CLIENT}`, id: CLIENT },
				metrics: { clicks: String(sum) },
			},
		]);
	});

	it('lists the manager and its clients, and refuses metrics for the manager', async () => {
		const accessible = await ads('customers:listAccessibleCustomers');
		expect(accessible.body).toEqual({ resourceNames: [`customers/${MANAGER}`] });
		const clients = await search(
			MANAGER,
			'SELECT customer_client.id, customer_client.descriptive_name, customer_client.manager, customer_client.level FROM customer_client ORDER BY customer_client.level',
		);
		expect(clients.body.results.map((r: Json) => r.customerClient.id)).toEqual([
			MANAGER,
			expect.any(String),
			expect.any(String),
		]);
		expect(
			clients.body.results
				.slice(1)
				.map((r: Json) => r.customerClient.id)
				.sort(),
		).toEqual([CLIENT, OTHER_CLIENT]);
		const metrics = await search(MANAGER, 'SELECT customer.id, metrics.clicks FROM customer');
		expect(failure(metrics.body)[0]!.errorCode).toEqual({
			queryError: 'REQUESTED_METRICS_FOR_MANAGER',
		});
	});
});

describe('developer token, OAuth and login-customer-id', () => {
	const q = 'SELECT campaign.id FROM campaign';
	it('needs a known developer token', async () => {
		const missing = await search(CLIENT, q, {}, { 'developer-token': undefined });
		expect(missing.status).toBe(400);
		expect(failure(missing.body)[0]!.errorCode).toEqual({
			requestError: 'DEVELOPER_TOKEN_PARAMETER_MISSING',
		});
		const unknown = await search(CLIENT, q, {}, { 'developer-token': 'someone-elses-token' });
		expect(unknown.status).toBe(401);
		expect(unknown.body.error.status).toBe('UNAUTHENTICATED');
		expect(failure(unknown.body)[0]!.errorCode).toEqual({
			authenticationError: 'DEVELOPER_TOKEN_INVALID',
		});
		const testOnly = await search(
			CLIENT,
			q,
			{},
			{ 'developer-token': EMULATOR_TEST_ONLY_DEVELOPER_TOKEN },
		);
		expect(testOnly.status).toBe(403);
		expect(failure(testOnly.body)[0]!.errorCode).toEqual({
			authorizationError: 'DEVELOPER_TOKEN_NOT_APPROVED',
		});
	});

	it('needs an emulator token with the adwords scope', async () => {
		const none = await search(CLIENT, q, {}, { authorization: undefined });
		expect(none.status).toBe(401);
		const dataManagerOnly = emu.control.issueToken(emu.sandbox.googleEmail, {
			scopes: [DATA_MANAGER_SCOPE],
		});
		const wrongScope = await search(
			CLIENT,
			q,
			{},
			{ authorization: `Bearer ${dataManagerOnly.access_token}` },
		);
		expect(wrongScope.status).toBe(403);
		const adwords = emu.control.issueToken('someone@crm-connect.test', {
			scopes: [GOOGLE_ADS_SCOPE],
		});
		const ok = await search(CLIENT, q, {}, { authorization: `Bearer ${adwords.access_token}` });
		expect(ok.status).toBe(200);
	});

	it('reaches a client only with login-customer-id set to its manager', async () => {
		for (const login of [undefined, CLIENT, OTHER_CLIENT]) {
			const denied = await search(CLIENT, q, {}, { 'login-customer-id': login });
			expect({ login, status: denied.status }).toEqual({ login, status: 403 });
			expect(failure(denied.body)[0]!.errorCode).toEqual({
				authorizationError: 'USER_PERMISSION_DENIED',
			});
		}
		const dashed = await search(CLIENT, q, {}, { 'login-customer-id': '123-456-7890' });
		expect(dashed.status).toBe(400);
		const manager = await search(
			MANAGER,
			'SELECT customer.id, customer.manager FROM customer',
			{},
			{ 'login-customer-id': undefined },
		);
		expect(manager.body.results[0].customer).toMatchObject({ id: MANAGER, manager: true });
	});
});

describe('campaigns:mutate and campaignBudgets:mutate', () => {
	async function createBudget(name: string, amountMicros = '25000000'): Promise<string> {
		const { status, body } = await ads(`customers/${CLIENT}/campaignBudgets:mutate`, {
			operations: [
				{ create: { name, amountMicros, deliveryMethod: 'STANDARD', explicitlyShared: false } },
			],
		});
		expect(status).toBe(200);
		return body.results[0].resourceName;
	}

	it('creates a campaign with its budget and reads it back', async () => {
		const budget = await createBudget('Winter sale budget');
		const created = await ads(`customers/${CLIENT}/campaigns:mutate`, {
			operations: [
				{
					create: {
						name: 'Winter sale – Search',
						status: 'PAUSED',
						advertisingChannelType: 'SEARCH',
						campaignBudget: budget,
						manualCpc: {},
						containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
						startDate: emu.ads.today(),
					},
				},
			],
			responseContentType: 'MUTABLE_RESOURCE',
		});
		expect(created.status).toBe(200);
		const resourceName = created.body.results[0].resourceName as string;
		expect(created.body.results[0].campaign).toMatchObject({
			name: 'Winter sale – Search',
			status: 'PAUSED',
		});
		const id = resourceName.split('/').pop();
		const read = await search(
			CLIENT,
			`SELECT campaign.name, campaign.status, campaign.campaign_budget, campaign_budget.amount_micros FROM campaign WHERE campaign.id = ${id}`,
		);
		expect(read.body.results[0]).toEqual({
			campaign: {
				resourceName,
				name: 'Winter sale – Search',
				status: 'PAUSED',
				campaignBudget: budget,
			},
			campaignBudget: { resourceName: budget, amountMicros: '25000000' },
		});

		const updated = await ads(`customers/${CLIENT}/campaigns:mutate`, {
			operations: [
				{
					update: { resourceName, status: 'ENABLED', name: 'Winter sale – Search (EU)' },
					updateMask: 'status,name',
				},
			],
		});
		expect(updated.status).toBe(200);
		const budgetUpdate = await ads(`customers/${CLIENT}/campaignBudgets:mutate`, {
			operations: [
				{ update: { resourceName: budget, amountMicros: '40000000' }, updateMask: 'amount_micros' },
			],
		});
		expect(budgetUpdate.status).toBe(200);
		const again = await search(
			CLIENT,
			`SELECT campaign.name, campaign.status, campaign_budget.amount_micros FROM campaign WHERE campaign.id = ${id}`,
		);
		expect(again.body.results[0].campaign).toMatchObject({
			name: 'Winter sale – Search (EU)',
			status: 'ENABLED',
		});
		expect(again.body.results[0].campaignBudget.amountMicros).toBe('40000000');
	});

	it('fails a whole request without partialFailure, applies the good operations with it', async () => {
		const existing = emu.ads.campaigns(CLIENT).find((c) => c.status === 'ENABLED')!;
		const resourceName = `customers/${CLIENT}/campaigns/${existing.id}`;
		const operations = [
			{ update: { resourceName, status: 'PAUSED' }, updateMask: 'status' },
			{
				update: { resourceName: `customers/${CLIENT}/campaigns/1`, status: 'PAUSED' },
				updateMask: 'status',
			},
		];
		const atomic = await ads(`customers/${CLIENT}/campaigns:mutate`, { operations });
		expect(atomic.status).toBe(400);
		expect(failure(atomic.body)[0]).toMatchObject({
			errorCode: { mutateError: 'RESOURCE_NOT_FOUND' },
			location: {
				fieldPathElements: [
					{ fieldName: 'operations', index: 1 },
					{ fieldName: 'update' },
					{ fieldName: 'resource_name' },
				],
			},
		});
		expect(emu.ads.campaigns(CLIENT).find((c) => c.id === existing.id)!.status).toBe('ENABLED');

		const validateOnly = await ads(`customers/${CLIENT}/campaigns:mutate`, {
			operations: operations.slice(0, 1),
			validateOnly: true,
		});
		expect(validateOnly).toMatchObject({ status: 200, body: {} });
		expect(emu.ads.campaigns(CLIENT).find((c) => c.id === existing.id)!.status).toBe('ENABLED');

		const partial = await ads(`customers/${CLIENT}/campaigns:mutate`, {
			operations,
			partialFailure: true,
		});
		expect(partial.status).toBe(200);
		expect(partial.body.results).toEqual([{ resourceName }, {}]);
		expect(partial.body.partialFailureError.code).toBe(3);
		expect(
			partial.body.partialFailureError.details[0].errors[0].location.fieldPathElements[0],
		).toEqual({ fieldName: 'operations', index: 1 });
		expect(emu.ads.campaigns(CLIENT).find((c) => c.id === existing.id)!.status).toBe('PAUSED');
		await ads(`customers/${CLIENT}/campaigns:mutate`, {
			operations: [{ update: { resourceName, status: 'ENABLED' }, updateMask: 'status' }],
		});
	});

	it('reports Google’s campaign and budget errors', async () => {
		const budget = await createBudget('Validation budget');
		const duplicate = await ads(`customers/${CLIENT}/campaigns:mutate`, {
			operations: [
				{
					create: {
						name: 'Brand – Search',
						advertisingChannelType: 'SEARCH',
						campaignBudget: budget,
						manualCpc: {},
						containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
					},
				},
				{
					create: {
						name: 'No declaration',
						advertisingChannelType: 'SEARCH',
						campaignBudget: budget,
						manualCpc: {},
					},
				},
			],
		});
		expect(failure(duplicate.body).map((e) => e.errorCode)).toEqual([
			{ campaignError: 'DUPLICATE_CAMPAIGN_NAME' },
			{ campaignError: 'MISSING_EU_POLITICAL_ADVERTISING_DECLARATION' },
		]);
		const odd = await ads(`customers/${CLIENT}/campaignBudgets:mutate`, {
			operations: [{ create: { name: 'Odd', amountMicros: '1234567' } }],
		});
		expect(failure(odd.body)[0]!.errorCode).toEqual({
			campaignBudgetError: 'NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT',
		});
		const onManager = await ads(
			`customers/${MANAGER}/campaigns:mutate`,
			{ operations: [{ remove: `customers/${MANAGER}/campaigns/1` }] },
			{ 'login-customer-id': undefined },
		);
		expect(failure(onManager.body)[0]!.errorCode).toEqual({
			requestError: 'CANNOT_BE_EXECUTED_BY_MANAGER_ACCOUNT',
		});
	});
});

describe('uploadClickConversions', () => {
	const action = `customers/${CLIENT}/conversionActions/${ADS_UPLOAD_CONVERSION_ACTION_IDS[CLIENT]}`;
	const upload = (
		customerId: string,
		conversions: Json[],
		extra: Json = { partialFailure: true },
	) => ads(`customers/${customerId}:uploadClickConversions`, { conversions, ...extra });

	it('accepts good rows and reports each bad row against its index', async () => {
		const clicks = emu.ads.clicks(CLIENT).filter((c) => c.gclid);
		const fresh = clicks.find((c) => c.ageDays === 10)!;
		const other = clicks.find((c) => c.ageDays === 30)!;
		const expired = clicks.find((c) => c.ageDays === 100)!;
		const now = emu.control.now();
		const rows = [
			{
				gclid: fresh.gclid,
				conversionAction: action,
				conversionDateTime: conversionTime(now - 3_600_000),
				conversionValue: 1200,
				currencyCode: 'EUR',
				orderId: 'deal-1',
			},
			{
				gclid: 'EAIaIQobChMIunknownClickIdThatGoogleNeverIssued',
				conversionAction: action,
				conversionDateTime: conversionTime(now),
				orderId: 'deal-2',
			},
			{
				gclid: expired.gclid,
				conversionAction: action,
				conversionDateTime: conversionTime(now),
				orderId: 'deal-3',
			},
			{
				gclid: other.gclid,
				conversionAction: action,
				conversionDateTime: conversionTime(now),
				orderId: 'deal-1',
			},
			{
				gclid: other.gclid,
				conversionAction: action,
				conversionDateTime: '2026-11-30T10:00:00Z',
				orderId: 'deal-4',
			},
		];
		const { status, body } = await upload(CLIENT, rows);
		expect(status).toBe(200);
		expect(body.results[0]).toEqual({
			gclid: fresh.gclid,
			conversionAction: action,
			conversionDateTime: rows[0]!.conversionDateTime,
		});
		expect(body.results.slice(1)).toEqual([{}, {}, {}, {}]);
		const errors = body.partialFailureError.details[0].errors as Json[];
		expect(
			errors.map((e) => [e.location.fieldPathElements[0].index, Object.values(e.errorCode)[0]]),
		).toEqual([
			[1, 'EVENT_NOT_FOUND'],
			[2, 'EXPIRED_EVENT'],
			[3, 'DUPLICATE_ORDER_ID'],
			[4, 'INVALID_STRING_DATE_TIME_SECONDS_WITH_OFFSET'],
		]);
		expect(emu.ads.uploadedClickConversions().map((c) => c.orderId)).toEqual(['deal-1']);

		const again = await upload(CLIENT, [rows[0]!]);
		expect(again.body.partialFailureError.details[0].errors[0].errorCode).toEqual({
			conversionUploadError: 'ORDER_ID_ALREADY_IN_USE',
		});
		expect(emu.ads.uploadedClickConversions()).toHaveLength(1);
	});

	it('reports click, action and time problems per row', async () => {
		const clicks = emu.ads.clicks(CLIENT);
		const byAge = (age: number) => clicks.find((c) => c.gclid && c.ageDays === age)!;
		const braid = clicks.find((c) => (c.gbraid ?? c.wbraid) && c.ageDays >= 1 && c.ageDays < 89)!;
		const foreign = emu.ads.clicks(OTHER_CLIENT).find((c) => c.gclid)!;
		const now = emu.control.now();
		const webpageAction = `customers/${CLIENT}/conversionActions/${Number(ADS_UPLOAD_CONVERSION_ACTION_IDS[CLIENT]) + 1}`;
		const at = conversionTime(now - 60_000);
		const rows = [
			{ gclid: byAge(60).gclid, conversionAction: action, conversionDateTime: at },
			{
				gbraid: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
				wbraid: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
				conversionAction: action,
				conversionDateTime: at,
			},
			{
				gclid: byAge(60).gclid,
				conversionAction: action,
				conversionDateTime: conversionTime(byAge(60).clickTimeMs - 3_600_000),
			},
			{ gclid: foreign.gclid, conversionAction: action, conversionDateTime: at },
			{ gclid: byAge(89).gclid, conversionAction: webpageAction, conversionDateTime: at },
			{ gclid: 'not a gclid', conversionAction: action, conversionDateTime: at },
			{
				...(braid.gbraid ? { gbraid: braid.gbraid } : { wbraid: braid.wbraid }),
				conversionAction: action,
				conversionDateTime: at,
			},
			{ conversionAction: action, conversionDateTime: at },
		];
		const { body } = await upload(CLIENT, rows);
		expect(body.results[0]).toMatchObject({ gclid: byAge(60).gclid });
		expect(body.results[6]).toMatchObject({ conversionAction: action });
		const errors = body.partialFailureError.details[0].errors as Json[];
		expect(
			errors.map((e) => [e.location.fieldPathElements[0].index, Object.values(e.errorCode)[0]]),
		).toEqual([
			[1, 'GBRAID_WBRAID_BOTH_SET'],
			[2, 'CONVERSION_PRECEDES_EVENT'],
			[3, 'INVALID_CUSTOMER_FOR_CLICK'],
			[4, 'INVALID_CONVERSION_ACTION_TYPE'],
			[5, 'UNPARSEABLE_GCLID'],
			[7, 'REQUIRED'],
		]);
		const again = await upload(CLIENT, [rows[0]!]);
		expect(again.body.partialFailureError.details[0].errors[0].errorCode).toEqual({
			conversionUploadError: 'CLICK_CONVERSION_ALREADY_EXISTS',
		});
		const checked = await upload(
			CLIENT,
			[{ ...rows[0]!, conversionDateTime: conversionTime(now) }],
			{ partialFailure: true, validateOnly: true },
		);
		expect(checked.body).toEqual({ jobId: expect.any(String) });
	});

	it('requires partialFailure and refuses a customer that is not allowlisted', async () => {
		const click = emu.ads.clicks(CLIENT).find((c) => c.gclid && c.ageDays === 3)!;
		const row = {
			gclid: click.gclid,
			conversionAction: action,
			conversionDateTime: conversionTime(emu.control.now()),
		};
		const atomic = await upload(CLIENT, [row], {});
		expect(atomic.status).toBe(400);
		expect(failure(atomic.body)[0]!.errorCode).toEqual({
			partialFailureError: 'PARTIAL_FAILURE_MODE_REQUIRED',
		});
		const otherAction = `customers/${OTHER_CLIENT}/conversionActions/${ADS_UPLOAD_CONVERSION_ACTION_IDS[OTHER_CLIENT]}`;
		const refused = await upload(OTHER_CLIENT, [{ ...row, conversionAction: otherAction }]);
		expect(refused.status).toBe(403);
		expect(failure(refused.body)[0]!.errorCode).toEqual({
			notAllowlistedError: 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE',
		});
		expect(failure(refused.body)[0]!.message).toMatch(/Data Manager API/);
	});
});

describe('Data Manager events:ingest', () => {
	const destination = (customerId = CLIENT) => ({
		operatingAccount: { accountType: 'GOOGLE_ADS', accountId: customerId },
		loginAccount: { accountType: 'GOOGLE_ADS', accountId: MANAGER },
		productDestinationId: ADS_UPLOAD_CONVERSION_ACTION_IDS[customerId],
	});
	async function ingest(
		body: Json,
		token = emu.sandbox.accessToken,
	): Promise<{ status: number; body: Json; headers: Headers }> {
		const response = await fetch(`${emu.urls.dataManager}/v1/events:ingest`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		return {
			status: response.status,
			body: (await response.json()) as Json,
			headers: response.headers,
		};
	}

	it('accepts events, records each one once, with its click match', async () => {
		emu.dataManager.reset();
		const clicks = emu.ads.clicks(OTHER_CLIENT);
		const fresh = clicks.find((c) => c.gclid && c.ageDays === 10)!;
		const expired = clicks.find((c) => c.gclid && c.ageDays === 119)!;
		const now = new Date(emu.control.now()).toISOString();
		const token = emu.control.issueToken(emu.sandbox.googleEmail, {
			scopes: [DATA_MANAGER_SCOPE],
		}).access_token;
		const { status, body } = await ingest(
			{
				destinations: [destination(OTHER_CLIENT)],
				events: [
					{
						adIdentifiers: { gclid: fresh.gclid },
						eventTimestamp: now,
						conversionValue: 99.5,
						currency: 'USD',
						transactionId: 'deal-10',
					},
					{
						adIdentifiers: { gclid: expired.gclid },
						eventTimestamp: now,
						transactionId: 'deal-11',
					},
					{ adIdentifiers: { gclid: fresh.gclid }, eventTimestamp: now, transactionId: 'deal-10' },
				],
			},
			token,
		);
		expect(status).toBe(200);
		expect(body).toEqual({ requestId: expect.any(String) });
		const events = emu.dataManager.events();
		expect(events.map((e) => [e.index, e.transactionId, e.match, e.duplicate])).toEqual([
			[0, 'deal-10', 'MATCHED', false],
			[1, 'deal-11', 'EXPIRED_CLICK', false],
			[2, 'deal-10', 'MATCHED', true],
		]);
		expect(events[0]).toMatchObject({
			requestId: body.requestId,
			operatingAccountId: OTHER_CLIENT,
			productDestinationId: ADS_UPLOAD_CONVERSION_ACTION_IDS[OTHER_CLIENT],
		});
	});

	it('refuses the whole request when one event is invalid, naming each event by index', async () => {
		emu.dataManager.reset();
		const click = emu.ads.clicks(CLIENT).find((c) => c.gclid && c.ageDays === 1)!;
		const now = new Date(emu.control.now()).toISOString();
		const { status, body } = await ingest({
			destinations: [destination()],
			events: [
				{ adIdentifiers: { gclid: click.gclid }, eventTimestamp: now, transactionId: 'ok' },
				{
					adIdentifiers: { gclid: click.gclid, gbraid: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' },
					eventTimestamp: now,
				},
				{ adIdentifiers: { gclid: click.gclid }, eventTimestamp: '2026-11-30 10:00:00' },
				{
					adIdentifiers: { gclid: click.gclid },
					eventTimestamp: now,
					conversionValue: 10,
					currency: 'euro',
				},
			],
		});
		expect(status).toBe(400);
		expect(body.error.status).toBe('INVALID_ARGUMENT');
		const badRequest = body.error.details.find(
			(d: Json) => d['@type'] === 'type.googleapis.com/google.rpc.BadRequest',
		);
		expect(badRequest.fieldViolations.map((v: Json) => [v.field, v.reason])).toEqual([
			['events[1].ad_identifiers', 'INVALID_ARGUMENT'],
			['events[2].event_timestamp', 'INVALID_FORMAT'],
			['events[3].currency', 'INVALID_FORMAT'],
		]);
		expect(emu.dataManager.events()).toEqual([]);
		const validateOnly = await ingest({
			destinations: [destination()],
			events: [{ adIdentifiers: { gclid: click.gclid }, eventTimestamp: now }],
			validateOnly: true,
		});
		expect(validateOnly.status).toBe(200);
		expect(emu.dataManager.events()).toEqual([]);
	});

	it('checks hashed user data, values and destination references per event', async () => {
		emu.dataManager.reset();
		const now = new Date(emu.control.now()).toISOString();
		const email = 'a0d2f5b7c1e3d4f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1';
		const userDataOnly = {
			userData: { userIdentifiers: [{ emailAddress: email }] },
			eventTimestamp: now,
			transactionId: 'lead-1',
		};
		const noEncoding = await ingest({ destinations: [destination()], events: [userDataOnly] });
		expect(noEncoding.status).toBe(400);
		expect(
			noEncoding.body.error.details[1].fieldViolations.map((v: Json) => [v.field, v.reason]),
		).toEqual([['encoding', 'REQUIRED_FIELD_MISSING']]);
		const bad = await ingest({
			destinations: [{ ...destination(), reference: 'ads' }],
			encoding: 'HEX',
			events: [
				userDataOnly,
				{
					userData: { userIdentifiers: [{ emailAddress: 'jane@example.com' }] },
					eventTimestamp: now,
				},
				{
					adIdentifiers: { gclid: emu.ads.clicks(CLIENT)[0]!.gclid },
					eventTimestamp: now,
					conversionValue: -5,
					currency: 'EUR',
				},
				{
					adIdentifiers: { gclid: emu.ads.clicks(CLIENT)[0]!.gclid },
					eventTimestamp: now,
					destinationReferences: ['youtube'],
				},
			],
		});
		expect(bad.body.error.details[1].fieldViolations.map((v: Json) => [v.field, v.reason])).toEqual(
			[
				['events[1].user_data.user_identifiers[0].email_address', 'INVALID_SHA256_FORMAT'],
				['events[2].conversion_value', 'INVALID_NUMBER_FORMAT'],
				['events[3].destination_references', 'INVALID_ARGUMENT'],
			],
		);
		const ok = await ingest({
			destinations: [destination()],
			encoding: 'HEX',
			events: [userDataOnly],
		});
		expect(ok.status).toBe(200);
		expect(emu.dataManager.events().map((e) => [e.transactionId, e.match])).toEqual([
			['lead-1', 'NO_CLICK_ID'],
		]);
	});

	it('checks the destination, the account access and the datamanager scope', async () => {
		const now = new Date(emu.control.now()).toISOString();
		const event = {
			adIdentifiers: { gclid: emu.ads.clicks(CLIENT)[0]!.gclid },
			eventTimestamp: now,
		};
		const wrongAction = await ingest({
			destinations: [{ ...destination(), productDestinationId: '42' }],
			events: [event],
		});
		expect(wrongAction.status).toBe(400);
		expect(wrongAction.body.error.details[1].fieldViolations[0]).toMatchObject({
			field: 'destinations[0].product_destination_id',
			reason: 'INVALID_CONVERSION_ACTION_ID',
		});
		const direct: Json = { ...destination() };
		delete direct.loginAccount;
		const denied = await ingest({ destinations: [direct], events: [event] });
		expect(denied.status).toBe(403);
		const adsOnly = emu.control.issueToken(emu.sandbox.googleEmail, {
			scopes: [GOOGLE_ADS_SCOPE],
		}).access_token;
		const scope = await ingest({ destinations: [destination()], events: [event] }, adsOnly);
		expect(scope.status).toBe(403);
		const http = await fetch(`${emu.urls.control}/datamanager/events`);
		expect(Array.isArray(((await http.json()) as Json).events)).toBe(true);
	});
});

describe('faults', () => {
	it('answers 429 RESOURCE_EXHAUSTED with Retry-After in each surface’s shape, and 5xx', async () => {
		emu.control.inject({
			operation: 'ads.googleAds.searchStream',
			status: 429,
			retryAfterSeconds: 7,
		});
		const throttled = await stream(CLIENT, 'SELECT campaign.id FROM campaign');
		expect(throttled.status).toBe(429);
		expect(throttled.headers.get('retry-after')).toBe('7');
		expect(throttled.body.error.status).toBe('RESOURCE_EXHAUSTED');
		expect(failure(throttled.body)[0]!.errorCode).toEqual({ quotaError: 'RESOURCE_EXHAUSTED' });
		expect((await stream(CLIENT, 'SELECT campaign.id FROM campaign')).status).toBe(200);

		emu.control.inject({ operation: 'ads.campaigns.mutate', status: 503 });
		const unavailable = await ads(`customers/${CLIENT}/campaigns:mutate`, { operations: [] });
		expect(unavailable.status).toBe(503);
		expect(unavailable.headers.get('retry-after')).toBe('1');

		emu.control.inject({ operation: 'ads.uploadClickConversions', status: 500 });
		expect(
			(
				await ads(`customers/${CLIENT}:uploadClickConversions`, {
					conversions: [],
					partialFailure: true,
				})
			).status,
		).toBe(500);

		emu.control.inject({ operation: 'datamanager.events.ingest', status: 429 });
		const response = await fetch(`${emu.urls.dataManager}/v1/events:ingest`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${emu.sandbox.accessToken}`,
				'content-type': 'application/json',
			},
			body: '{}',
		});
		expect(response.status).toBe(429);
		const body = (await response.json()) as Json;
		expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
		expect(body.error.details[0]).toMatchObject({
			reason: 'RESOURCE_EXHAUSTED',
			domain: 'datamanager.googleapis.com',
		});
	});
});

describe('control routes over HTTP', () => {
	it('reads the sandbox, clicks and uploads, changes settings and resets', async () => {
		const control = async (path: string, init?: RequestInit) => {
			const response = await fetch(`${emu.urls.control}${path}`, init);
			return { status: response.status, body: (await response.json()) as Json };
		};
		const status = await control('/ads');
		expect(status.body).toMatchObject({
			developerToken: EMULATOR_DEVELOPER_TOKEN,
			apiVersion: V,
			today: emu.ads.today(),
		});
		expect(status.body.customers.map((c: Json) => c.id)).toEqual([MANAGER, CLIENT, OTHER_CLIENT]);
		const clicks = await control(`/ads/clicks?customerId=${OTHER_CLIENT}`);
		expect(clicks.body.clicks.every((c: Json) => c.customerId === OTHER_CLIENT)).toBe(true);
		expect((await control('/ads/conversions')).body.conversions.length).toBe(
			emu.ads.uploadedClickConversions().length,
		);
		const post = (body: unknown) =>
			control('/ads/settings', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
		expect(
			(await post({ allowlisted: { [OTHER_CLIENT]: true }, developerTokens: ['second-token'] }))
				.status,
		).toBe(200);
		expect(
			emu.ads.customers().find((c) => c.id === OTHER_CLIENT)!.allowlistedForClickConversions,
		).toBe(true);
		expect(
			(
				await search(
					CLIENT,
					'SELECT campaign.id FROM campaign',
					{},
					{ 'developer-token': 'second-token' },
				)
			).status,
		).toBe(200);
		expect((await post({ allowlisted: { '9999999999': true } })).status).toBe(400);
		expect((await control('/ads', { method: 'DELETE' })).status).toBe(200);
		expect(
			emu.ads.customers().find((c) => c.id === OTHER_CLIENT)!.allowlistedForClickConversions,
		).toBe(false);
		expect(emu.ads.uploadedClickConversions()).toEqual([]);
		expect(emu.ads.campaigns(CLIENT).map((c) => c.name)).not.toContain('Winter sale – Search (EU)');
	});
});

describe('generator', () => {
	it('is deterministic per seed and has clicks older than 90 days', () => {
		const anchorMs = Date.parse('2026-12-01T10:00:00Z');
		const a = createAdsSandbox({ seed: 's1', anchorMs });
		const b = createAdsSandbox({ seed: 's1', anchorMs });
		const c = createAdsSandbox({ seed: 's2', anchorMs });
		expect(a.campaigns.map((x) => x.id)).toEqual(b.campaigns.map((x) => x.id));
		expect(a.clicks.map((x) => x.gclid)).toEqual(b.clicks.map((x) => x.gclid));
		expect(a.campaigns.map((x) => x.id)).not.toEqual(c.campaigns.map((x) => x.id));
		const campaign = a.campaigns[0]!;
		expect(a.metricsFor(campaign, '2026-11-20')).toEqual(
			b.metricsFor(b.campaigns[0]!, '2026-11-20'),
		);
		expect(a.metricsFor(campaign, '2026-05-01').impressions).toBe(0); // before the 120-day history
		expect(a.clicks.some((x) => x.ageDays > 90)).toBe(true);
		expect(a.clicks.some((x) => x.ageDays < 90)).toBe(true);
	});
});
