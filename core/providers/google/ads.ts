// The Google Ads API over REST: GAQL reads (googleAds:search / searchStream), campaign and budget
// mutations, the accessible customers, and uploadClickConversions for accounts still allowlisted
// on it. Every call carries the developer token, and the manager account as login-customer-id
// when the customer is reached through one. Failures come back as GoogleAdsFailure bodies; the
// ones a user can act on are reworded (GoogleAdsApiError), the rest stay ProviderHttpError so the
// usual throttling / reconnect handling applies. Retries (429 and 5xx only) are the requester's.
import { ProviderHttpError, type ProviderRequester } from '../http';
import {
	adsMutateResponseSchema,
	adsSearchResponseSchema,
	adsSearchStreamResponseSchema,
	googleAdsStatusSchema,
	listAccessibleCustomersResponseSchema,
	uploadClickConversionsResponseSchema,
	type AdsRow,
	type GoogleAdsError,
} from './adsSchemas';

export const DEFAULT_GOOGLE_ADS_BASE_URL = 'https://googleads.googleapis.com';
export const GOOGLE_ADS_API_VERSION = 'v26';

export interface GoogleAdsClientOptions {
	request: ProviderRequester;
	developerToken: string;
	/** The manager account the customers are reached through (digits, dashes allowed). */
	loginCustomerId?: string;
	baseUrl?: string;
}

export interface GoogleAdsClient {
	readonly options: GoogleAdsClientOptions;
}

export function createGoogleAdsClient(options: GoogleAdsClientOptions): GoogleAdsClient {
	return { options };
}

/** A Google Ads failure worded for the user, with the API's own error code. */
export class GoogleAdsApiError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly errors: GoogleAdsError[] = [],
		readonly status?: number,
	) {
		super(message);
		this.name = 'GoogleAdsApiError';
	}
}

/** Customer ids are 10 digits; Google's UI shows them as 123-456-7890. */
export function normalizeCustomerId(value: string, field = 'Customer ID'): string {
	const digits = String(value ?? '')
		.replace(/^customers\//, '')
		.replace(/[\s-]/g, '');
	if (!/^\d{10}$/.test(digits)) {
		throw new GoogleAdsApiError(
			'INVALID_CUSTOMER_ID',
			`${field} '${value}' is not a Google Ads customer id (10 digits, e.g. 123-456-7890)`,
		);
	}
	return digits;
}

function adsUrl(client: GoogleAdsClient, path: string): string {
	const base = (client.options.baseUrl || DEFAULT_GOOGLE_ADS_BASE_URL).replace(/\/+$/, '');
	return `${base}/${GOOGLE_ADS_API_VERSION}/${path}`;
}

function adsHeaders(client: GoogleAdsClient): Record<string, string> {
	// Checked per call, not when the client is made: Data Manager uploads need no developer token.
	if (!client.options.developerToken?.trim()) {
		throw new GoogleAdsApiError(
			'DEVELOPER_TOKEN_MISSING',
			"The Google Ads credential has no developer token — add the one from the manager account's API Center",
		);
	}
	const headers: Record<string, string> = { 'developer-token': client.options.developerToken };
	if (client.options.loginCustomerId?.trim()) {
		headers['login-customer-id'] = normalizeCustomerId(
			client.options.loginCustomerId,
			'Login Customer ID',
		);
	}
	return headers;
}

async function call<T>(
	client: GoogleAdsClient,
	method: 'GET' | 'POST',
	path: string,
	body?: object,
): Promise<T> {
	try {
		const response = await client.options.request<T>({
			method,
			url: adsUrl(client, path),
			headers: adsHeaders(client),
			body,
			responseType: 'json',
		});
		return response.body;
	} catch (error) {
		throw toGoogleAdsError(error);
	}
}

/** The GoogleAdsFailure errors inside a google.rpc.Status (an error body or a partialFailureError). */
export function googleAdsErrorsOf(status: unknown): GoogleAdsError[] {
	const parsed = googleAdsStatusSchema.safeParse(status);
	if (!parsed.success) return [];
	return parsed.data.details.flatMap((detail) => detail.errors ?? []);
}

/** `authorizationError.USER_PERMISSION_DENIED` → 'USER_PERMISSION_DENIED'. */
export function googleAdsErrorCode(error: GoogleAdsError): string {
	return Object.values(error.errorCode)[0] ?? 'UNKNOWN';
}

const ALLOWLIST_MESSAGE =
	'This account is not allowlisted for uploadClickConversions since 2026-06-15; upload through the Data Manager API (the default)';

/** Plain words for the failures a user can fix; undefined for the others. */
export function describeGoogleAdsErrorCode(code: string, apiMessage: string): string | undefined {
	if (code === 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE') return ALLOWLIST_MESSAGE;
	if (code === 'DEVELOPER_TOKEN_NOT_APPROVED')
		return 'The Google Ads developer token is approved for test accounts only — apply for Basic access, or use a test account';
	if (code === 'DEVELOPER_TOKEN_PROHIBITED' || code === 'DEVELOPER_TOKEN_INVALID')
		return `The Google Ads developer token was refused (${code}) — check the Developer Token in the credential`;
	if (code === 'DEVELOPER_TOKEN_PARAMETER_MISSING')
		return 'The request carried no Google Ads developer token — add it to the credential';
	if (code === 'USER_PERMISSION_DENIED')
		return 'The connected Google account has no access to this Google Ads customer — if it is reached through a manager account, set that account as Login Customer ID in the credential';
	if (code === 'CUSTOMER_NOT_ENABLED')
		return 'This Google Ads customer account is not enabled (cancelled or not yet set up)';
	if (code === 'INVALID_LOGIN_CUSTOMER_ID')
		return 'The Login Customer ID in the credential is not a manager of this customer';
	if (code === 'CUSTOMER_NOT_FOUND') return 'Google Ads has no such customer account';
	if (code === 'ACTION_NOT_PERMITTED')
		return `Google Ads does not allow this for the account: ${apiMessage}`;
	return undefined;
}

/**
 * A failed call as the user should see it: a GoogleAdsFailure with a code we can word becomes a
 * GoogleAdsApiError; a body with other Ads errors names the code and Google's message; throttling,
 * 5xx and 401 stay ProviderHttpError (retried, or "reconnect").
 */
export function toGoogleAdsError(error: unknown): unknown {
	if (!(error instanceof ProviderHttpError)) return error;
	if (error.status === 429 || error.status >= 500) return error;
	const errors = googleAdsErrorsOf((error.body as { error?: unknown } | undefined)?.error);
	if (errors.length === 0) return error;
	const first = errors[0];
	const code = googleAdsErrorCode(first);
	// A 401 is the OAuth token's ("reconnect") unless Google says it is the developer token's.
	if (error.status === 401 && !code.startsWith('DEVELOPER_TOKEN')) return error;
	const worded = describeGoogleAdsErrorCode(code, first.message);
	const message = worded ?? `Google Ads rejected the request (${code}): ${first.message}`;
	return new GoogleAdsApiError(code, message, errors, error.status);
}

// ── GAQL ────────────────────────────────────────────────────────────────────

/** A GAQL string literal: single-quoted, with quotes and backslashes escaped. */
export function gaqlString(value: string): string {
	return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A date for GAQL (YYYY-MM-DD), checked, so nothing else reaches the query. */
export function gaqlDate(value: string, field: string): string {
	const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value ?? '').trim());
	if (!match || Number.isNaN(Date.parse(`${match[0]}T00:00:00Z`))) {
		throw new GoogleAdsApiError('INVALID_DATE', `${field} '${value}' is not a date (YYYY-MM-DD)`);
	}
	return match[0];
}

/** A numeric id for GAQL (campaign ids are int64). */
export function gaqlId(value: string | number, field: string): string {
	const text = String(value ?? '')
		.trim()
		.replace(/^.*\//, '');
	if (!/^\d+$/.test(text)) {
		throw new GoogleAdsApiError('INVALID_ID', `${field} '${value}' is not a numeric id`);
	}
	return text;
}

export interface GaqlQuery {
	select: string[];
	from: string;
	where?: string[];
	orderBy?: string;
	limit?: number;
}

export function buildGaql(query: GaqlQuery): string {
	let text = `SELECT ${query.select.join(', ')} FROM ${query.from}`;
	if (query.where && query.where.length > 0) text += ` WHERE ${query.where.join(' AND ')}`;
	if (query.orderBy) text += ` ORDER BY ${query.orderBy}`;
	if (query.limit !== undefined) text += ` LIMIT ${Math.max(1, Math.floor(query.limit))}`;
	return text;
}

/** Every row of a GAQL query, through searchStream (one call, all rows). */
export async function searchStream(
	client: GoogleAdsClient,
	customerId: string,
	query: string,
): Promise<AdsRow[]> {
	const body = await call<unknown>(
		client,
		'POST',
		`customers/${normalizeCustomerId(customerId)}/googleAds:searchStream`,
		{ query },
	);
	return adsSearchStreamResponseSchema.parse(body).flatMap((batch) => batch.results);
}

/** One page of a GAQL query through googleAds:search. */
export async function search(
	client: GoogleAdsClient,
	customerId: string,
	query: string,
	pageToken?: string,
): Promise<{ rows: AdsRow[]; nextPageToken?: string }> {
	const body = await call<unknown>(
		client,
		'POST',
		`customers/${normalizeCustomerId(customerId)}/googleAds:search`,
		pageToken ? { query, pageToken } : { query },
	);
	const page = adsSearchResponseSchema.parse(body);
	return { rows: page.results, nextPageToken: page.nextPageToken || undefined };
}

// ── Customers ───────────────────────────────────────────────────────────────

/** The customer ids the connected Google account can reach directly. */
export async function listAccessibleCustomers(client: GoogleAdsClient): Promise<string[]> {
	const body = await call<unknown>(client, 'GET', 'customers:listAccessibleCustomers');
	return listAccessibleCustomersResponseSchema
		.parse(body)
		.resourceNames.map((name) => name.replace(/^customers\//, ''));
}

// ── Campaigns ───────────────────────────────────────────────────────────────

export type CampaignStatus = 'ENABLED' | 'PAUSED' | 'REMOVED';

export interface AdsCampaign {
	customerId: string;
	campaignId: string;
	resourceName: string;
	name: string | null;
	status: string | null;
	channelType: string | null;
	startDate: string | null;
	endDate: string | null;
	budgetResourceName: string | null;
	/** The daily budget in the account's currency (amount_micros / 1,000,000). */
	budgetAmount: number | null;
}

const CAMPAIGN_FIELDS = [
	'campaign.resource_name',
	'campaign.id',
	'campaign.name',
	'campaign.status',
	'campaign.advertising_channel_type',
	'campaign.start_date_time',
	'campaign.end_date_time',
	'campaign.campaign_budget',
	'campaign_budget.amount_micros',
];

const dateOf = (dateTime: string | undefined) => (dateTime ? dateTime.slice(0, 10) : null);

function toCampaign(customerId: string, row: AdsRow): AdsCampaign {
	const campaign = row.campaign!;
	return {
		customerId,
		campaignId: String(campaign.id ?? campaign.resourceName.split('/').pop()),
		resourceName: campaign.resourceName,
		name: campaign.name ?? null,
		status: campaign.status ?? null,
		channelType: campaign.advertisingChannelType ?? null,
		startDate: dateOf(campaign.startDateTime),
		endDate: dateOf(campaign.endDateTime),
		budgetResourceName: campaign.campaignBudget ?? null,
		budgetAmount:
			row.campaignBudget?.amountMicros !== undefined
				? row.campaignBudget.amountMicros / 1_000_000
				: null,
	};
}

export interface CampaignFilters {
	statuses?: CampaignStatus[];
	/** Campaigns that start on or after this date (YYYY-MM-DD). */
	startsOnOrAfter?: string;
	/** Campaigns that end on or before this date (YYYY-MM-DD). */
	endsOnOrBefore?: string;
	limit?: number;
}

export function campaignListQuery(filters: CampaignFilters = {}): string {
	const where: string[] = [];
	const statuses = filters.statuses?.length ? filters.statuses : ['ENABLED', 'PAUSED'];
	for (const status of statuses) {
		if (!['ENABLED', 'PAUSED', 'REMOVED'].includes(status)) {
			throw new GoogleAdsApiError('INVALID_STATUS', `'${status}' is not a campaign status`);
		}
	}
	where.push(`campaign.status IN (${statuses.map((status) => `'${status}'`).join(', ')})`);
	if (filters.startsOnOrAfter) {
		where.push(
			`campaign.start_date_time >= '${gaqlDate(filters.startsOnOrAfter, 'Starts On or After')} 00:00:00'`,
		);
	}
	if (filters.endsOnOrBefore) {
		where.push(
			`campaign.end_date_time <= '${gaqlDate(filters.endsOnOrBefore, 'Ends On or Before')} 23:59:59'`,
		);
	}
	return buildGaql({
		select: CAMPAIGN_FIELDS,
		from: 'campaign',
		where,
		orderBy: 'campaign.id',
		limit: filters.limit,
	});
}

export async function listCampaigns(
	client: GoogleAdsClient,
	customerId: string,
	filters: CampaignFilters = {},
): Promise<AdsCampaign[]> {
	const id = normalizeCustomerId(customerId);
	const rows = await searchStream(client, id, campaignListQuery(filters));
	return rows.filter((row) => row.campaign).map((row) => toCampaign(id, row));
}

export class CampaignNotFoundError extends GoogleAdsApiError {
	constructor(customerId: string, campaignId: string) {
		super(
			'CAMPAIGN_NOT_FOUND',
			`Google Ads customer ${customerId} has no campaign ${campaignId} (or the account cannot see it)`,
		);
	}
}

export async function getCampaign(
	client: GoogleAdsClient,
	customerId: string,
	campaignId: string,
): Promise<AdsCampaign> {
	const id = normalizeCustomerId(customerId);
	const campaign = gaqlId(campaignId, 'Campaign ID');
	const rows = await searchStream(
		client,
		id,
		buildGaql({ select: CAMPAIGN_FIELDS, from: 'campaign', where: [`campaign.id = ${campaign}`] }),
	);
	const row = rows.find((entry) => entry.campaign);
	if (!row) throw new CampaignNotFoundError(id, campaign);
	return toCampaign(id, row);
}

const toMicros = (amount: number, field: string): string => {
	if (!Number.isFinite(amount) || amount <= 0) {
		throw new GoogleAdsApiError('INVALID_AMOUNT', `${field} must be a positive amount`);
	}
	// Google wants whole micros; budgets are multiples of 10,000 micros (0.01 of the currency).
	return String(Math.round(amount * 100) * 10_000);
};

export interface CreateCampaignInput {
	name: string;
	/** Daily budget in the account's currency. */
	budgetAmount: number;
	channelType?: string;
	/** New campaigns start paused unless asked, so nothing spends by surprise. */
	status?: 'ENABLED' | 'PAUSED';
	startDate?: string;
	endDate?: string;
}

function assertDateOrder(startDate?: string, endDate?: string) {
	if (startDate && endDate && startDate > endDate) {
		throw new GoogleAdsApiError(
			'INVALID_DATE_RANGE',
			`The end date ${endDate} is before the start date ${startDate}`,
		);
	}
}

async function mutate(
	client: GoogleAdsClient,
	customerId: string,
	resource: 'campaigns' | 'campaignBudgets',
	operations: object[],
): Promise<string[]> {
	const body = await call<unknown>(client, 'POST', `customers/${customerId}/${resource}:mutate`, {
		operations,
	});
	return adsMutateResponseSchema
		.parse(body)
		.results.map((result) => result.resourceName ?? '')
		.filter(Boolean);
}

/** A new campaign on a new budget of its own: the budget first (campaignBudgets:mutate), then the campaign. */
export async function createCampaign(
	client: GoogleAdsClient,
	customerId: string,
	input: CreateCampaignInput,
): Promise<AdsCampaign> {
	const id = normalizeCustomerId(customerId);
	if (!input.name?.trim()) throw new GoogleAdsApiError('INVALID_NAME', 'A campaign needs a name');
	const startDate = input.startDate ? gaqlDate(input.startDate, 'Start Date') : undefined;
	const endDate = input.endDate ? gaqlDate(input.endDate, 'End Date') : undefined;
	assertDateOrder(startDate, endDate);
	const [budgetResourceName] = await mutate(client, id, 'campaignBudgets', [
		{
			create: {
				name: `${input.name.trim()} budget ${Date.now()}`,
				amountMicros: toMicros(input.budgetAmount, 'Budget Amount'),
				deliveryMethod: 'STANDARD',
				explicitlyShared: false,
			},
		},
	]);
	const campaign: Record<string, unknown> = {
		name: input.name.trim(),
		status: input.status ?? 'PAUSED',
		advertisingChannelType: input.channelType || 'SEARCH',
		campaignBudget: budgetResourceName,
		manualCpc: {},
		containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
	};
	if (startDate) campaign.startDateTime = `${startDate} 00:00:00`;
	if (endDate) campaign.endDateTime = `${endDate} 23:59:59`;
	const [resourceName] = await mutate(client, id, 'campaigns', [{ create: campaign }]);
	return await getCampaign(client, id, resourceName.split('/').pop()!);
}

export interface UpdateCampaignInput {
	name?: string;
	budgetAmount?: number;
	startDate?: string;
	endDate?: string;
	status?: 'ENABLED' | 'PAUSED';
}

/**
 * Changes only the given fields (updateMask). The budget is its own resource: its amount changes
 * through campaignBudgets:mutate on the campaign's budget.
 */
export async function updateCampaign(
	client: GoogleAdsClient,
	customerId: string,
	campaignId: string,
	input: UpdateCampaignInput,
): Promise<AdsCampaign> {
	const id = normalizeCustomerId(customerId);
	const campaign = gaqlId(campaignId, 'Campaign ID');
	const current = await getCampaign(client, id, campaign);
	const startDate = input.startDate ? gaqlDate(input.startDate, 'Start Date') : undefined;
	const endDate = input.endDate ? gaqlDate(input.endDate, 'End Date') : undefined;
	assertDateOrder(
		startDate ?? current.startDate ?? undefined,
		endDate ?? current.endDate ?? undefined,
	);
	const update: Record<string, unknown> = { resourceName: current.resourceName };
	const mask: string[] = [];
	if (input.name !== undefined && input.name.trim()) {
		update.name = input.name.trim();
		mask.push('name');
	}
	if (input.status) {
		update.status = input.status;
		mask.push('status');
	}
	if (startDate) {
		update.startDateTime = `${startDate} 00:00:00`;
		mask.push('start_date_time');
	}
	if (endDate) {
		update.endDateTime = `${endDate} 23:59:59`;
		mask.push('end_date_time');
	}
	if (input.budgetAmount !== undefined) {
		if (!current.budgetResourceName) {
			throw new GoogleAdsApiError(
				'NO_BUDGET',
				`Campaign ${campaign} has no budget of its own to change`,
			);
		}
		await mutate(client, id, 'campaignBudgets', [
			{
				update: {
					resourceName: current.budgetResourceName,
					amountMicros: toMicros(input.budgetAmount, 'Budget Amount'),
				},
				updateMask: 'amount_micros',
			},
		]);
	}
	if (mask.length > 0) {
		await mutate(client, id, 'campaigns', [{ update, updateMask: mask.join(',') }]);
	}
	return await getCampaign(client, id, campaign);
}

export async function setCampaignStatus(
	client: GoogleAdsClient,
	customerId: string,
	campaignId: string,
	status: 'ENABLED' | 'PAUSED',
): Promise<AdsCampaign> {
	return await updateCampaign(client, customerId, campaignId, { status });
}

// ── Metrics ─────────────────────────────────────────────────────────────────

export interface CampaignMetrics {
	customerId: string;
	campaignId: string;
	campaignName: string | null;
	/** The day, when broken down by day; null for the whole range. */
	date: string | null;
	from: string;
	to: string;
	impressions: number;
	clicks: number;
	/** Cost in the account's currency (cost_micros / 1,000,000). */
	cost: number;
	conversions: number;
	conversionsValue: number;
	/** Clicks per impression (0..1); null without impressions. */
	ctr: number | null;
	/** Average cost per click; null without clicks. */
	cpc: number | null;
}

export interface MetricsQuery {
	from: string;
	to: string;
	campaignId?: string;
	daily?: boolean;
}

export function metricsQuery(query: MetricsQuery): string {
	const from = gaqlDate(query.from, 'From');
	const to = gaqlDate(query.to, 'To');
	assertDateOrder(from, to);
	const select = [
		'campaign.id',
		'campaign.name',
		'metrics.impressions',
		'metrics.clicks',
		'metrics.cost_micros',
		'metrics.conversions',
		'metrics.conversions_value',
	];
	if (query.daily) select.push('segments.date');
	const where = [`segments.date BETWEEN '${from}' AND '${to}'`];
	if (query.campaignId) where.push(`campaign.id = ${gaqlId(query.campaignId, 'Campaign ID')}`);
	return buildGaql({
		select,
		from: 'campaign',
		where,
		orderBy: query.daily ? 'segments.date' : undefined,
	});
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Impressions, clicks, cost, conversions, CTR and CPC per campaign (and per day if asked). */
export async function getCampaignMetrics(
	client: GoogleAdsClient,
	customerId: string,
	query: MetricsQuery,
): Promise<CampaignMetrics[]> {
	const id = normalizeCustomerId(customerId);
	const rows = await searchStream(client, id, metricsQuery(query));
	// searchStream answers one row per campaign and segment; add them up ourselves should an API
	// version split a campaign's range into several rows.
	const grouped = new Map<string, CampaignMetrics>();
	for (const row of rows) {
		if (!row.campaign) continue;
		const campaignId = String(row.campaign.id ?? row.campaign.resourceName.split('/').pop());
		const date = query.daily ? (row.segments?.date ?? null) : null;
		const key = `${campaignId}|${date ?? ''}`;
		const entry = grouped.get(key) ?? {
			customerId: id,
			campaignId,
			campaignName: row.campaign.name ?? null,
			date,
			from: gaqlDate(query.from, 'From'),
			to: gaqlDate(query.to, 'To'),
			impressions: 0,
			clicks: 0,
			cost: 0,
			conversions: 0,
			conversionsValue: 0,
			ctr: null,
			cpc: null,
		};
		entry.impressions += row.metrics?.impressions ?? 0;
		entry.clicks += row.metrics?.clicks ?? 0;
		entry.cost += (row.metrics?.costMicros ?? 0) / 1_000_000;
		entry.conversions += row.metrics?.conversions ?? 0;
		entry.conversionsValue += row.metrics?.conversionsValue ?? 0;
		grouped.set(key, entry);
	}
	return [...grouped.values()].map((entry) => ({
		...entry,
		cost: round(entry.cost, 6),
		conversions: round(entry.conversions, 6),
		conversionsValue: round(entry.conversionsValue, 6),
		ctr: entry.impressions > 0 ? round(entry.clicks / entry.impressions, 6) : null,
		cpc: entry.clicks > 0 ? round(entry.cost / entry.clicks, 6) : null,
	}));
}

// ── uploadClickConversions (allowlisted accounts) ──────────────────────────

export interface ClickConversion {
	gclid?: string;
	gbraid?: string;
	wbraid?: string;
	/** customers/{cid}/conversionActions/{id} */
	conversionAction: string;
	/** "yyyy-mm-dd hh:mm:ss+hh:mm" */
	conversionDateTime: string;
	conversionValue?: number;
	currencyCode?: string;
	orderId?: string;
}

export interface ClickConversionResult {
	/** Index in the request. */
	index: number;
	ok: boolean;
	errorCode?: string;
	errorMessage?: string;
	error?: GoogleAdsError;
}

/**
 * uploadClickConversions with partialFailure: the good conversions are accepted and each bad
 * one gets its own error (located by `conversions[index]`).
 */
export async function uploadClickConversions(
	client: GoogleAdsClient,
	customerId: string,
	conversions: ClickConversion[],
): Promise<ClickConversionResult[]> {
	const id = normalizeCustomerId(customerId);
	const body = await call<unknown>(client, 'POST', `customers/${id}:uploadClickConversions`, {
		conversions,
		partialFailure: true,
	});
	const response = uploadClickConversionsResponseSchema.parse(body);
	const results: ClickConversionResult[] = conversions.map((_, index) => ({ index, ok: true }));
	for (const error of googleAdsErrorsOf(response.partialFailureError)) {
		const at = error.location?.fieldPathElements.find(
			(element) => element.fieldName === 'conversions',
		)?.index;
		const targets = at !== undefined && results[at] ? [results[at]] : results;
		for (const target of targets) {
			if (!target.ok) continue;
			const code = googleAdsErrorCode(error);
			target.ok = false;
			target.errorCode = code;
			target.errorMessage = describeGoogleAdsErrorCode(code, error.message) ?? error.message;
			target.error = error;
		}
	}
	return results;
}
