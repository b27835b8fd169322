/**
 * Google Ads API (REST, one version: GOOGLE_ADS_API_VERSION) on the host googleads.googleapis.com:
 *
 *   GET  /v26/customers:listAccessibleCustomers
 *   POST /v26/customers/{cid}/googleAds:search          GAQL (adsQuery.ts), fixed 10,000-row pages
 *   POST /v26/customers/{cid}/googleAds:searchStream    a JSON array of batches
 *   POST /v26/customers/{cid}/campaigns:mutate          create / update (updateMask) / remove
 *   POST /v26/customers/{cid}/campaignBudgets:mutate    create / update / remove
 *   POST /v26/customers/{cid}:uploadClickConversions    partialFailure per-row errors, allowlist
 *
 * Every call needs an emulator-issued Google token with the adwords scope (router auth) and the
 * `developer-token` header (EMULATOR_DEVELOPER_TOKEN); a client customer is reachable only with
 * `login-customer-id` set to its manager, as for a real manager-account user. Errors are
 * GoogleAdsFailure bodies (adsErrors.ts). The sandbox (generator/campaigns.ts) is built from the
 * seed when the emulator starts; mutations and uploads are kept per emulator.
 */
import { createHash, randomInt } from 'node:crypto';
import { z } from 'zod';
import { type EmulatorRequest, type EmulatorResponse } from '../core/http';
import { registerSurfaceFault } from '../core/faults';
import type { Router } from '../core/router';
import type { EmulatorState } from '../core/state';
import {
	accountDate,
	ADS_CLICK_LOOKBACK_DAYS,
	ADS_HISTORY_DAYS,
	addDays,
	type AdsSandbox,
	createAdsSandbox,
	type GeneratedBudget,
	type GeneratedCampaign,
	type GeneratedClick,
	type GeneratedCustomer,
} from '../generator/campaigns';
import {
	adsError,
	type AdsErrorItem,
	adsFailure,
	adsFault,
	adsRequestId,
	type FieldPathElement,
	GOOGLE_ADS_API_VERSION,
	partialFailureStatus,
} from './adsErrors';
import { fieldMaskOf, GaqlError, parseGaql, type QueryWorld, runGaql } from './adsQuery';

export { GOOGLE_ADS_API_VERSION };
export const GOOGLE_ADS_SCOPE = 'https://www.googleapis.com/auth/adwords';
/** The developer token the emulator accepts (approved: basic access). */
export const EMULATOR_DEVELOPER_TOKEN = 'emu-dev-token';
/** A developer token with test-account access only: production customers answer DEVELOPER_TOKEN_NOT_APPROVED. */
export const EMULATOR_TEST_ONLY_DEVELOPER_TOKEN = 'emu-dev-token-test-only';
/** Google's fixed page size for googleAds:search since v17 (pageSize is rejected). */
export const GOOGLE_ADS_PAGE_SIZE = 10_000;

const DAY_MS = 86_400_000;

export interface UploadedClickConversion {
	customerId: string;
	/** Index of the row in its request. */
	index: number;
	jobId: string;
	gclid?: string;
	gbraid?: string;
	wbraid?: string;
	conversionAction: string;
	conversionDateTime: string;
	conversionValue?: number;
	currencyCode?: string;
	orderId?: string;
	receivedAt: number;
}

export interface AdsStore {
	sandbox: AdsSandbox;
	customers: GeneratedCustomer[];
	campaigns: GeneratedCampaign[];
	budgets: GeneratedBudget[];
	uploads: UploadedClickConversion[];
	developerTokens: Set<string>;
	pageSize: number;
	nextId: number;
}

const stores = new WeakMap<EmulatorState, AdsStore>();

/** The Ads sandbox of an emulator (built on first use, anchored on the emulator clock). */
export function adsStore(state: EmulatorState): AdsStore {
	let store = stores.get(state);
	if (!store) {
		const sandbox = createAdsSandbox({ seed: state.seed, anchorMs: state.now() });
		store = {
			sandbox,
			customers: sandbox.customers.map((c) => ({ ...c })),
			campaigns: sandbox.campaigns.map((c) => ({ ...c, profile: { ...c.profile } })),
			budgets: sandbox.budgets.map((b) => ({ ...b })),
			uploads: [],
			developerTokens: new Set([EMULATOR_DEVELOPER_TOKEN]),
			pageSize: GOOGLE_ADS_PAGE_SIZE,
			nextId: 30_000_000_000 + randomInt(1_000_000),
		};
		stores.set(state, store);
	}
	return store;
}

/** In-process control of the Ads surfaces (`emu.ads`). */
export interface AdsEmulatorControl {
	readonly developerToken: string;
	readonly managerCustomerId: string;
	readonly clientCustomerIds: string[];
	customers(): GeneratedCustomer[];
	campaigns(customerId?: string): GeneratedCampaign[];
	budgets(customerId?: string): GeneratedBudget[];
	/** Known ad clicks (gclid / gbraid / wbraid) with their age in days. */
	clicks(customerId?: string): GeneratedClick[];
	/** Account-local "today" of the emulator clock (YYYY-MM-DD). */
	today(): string;
	/** Conversions accepted by uploadClickConversions, oldest first. */
	uploadedClickConversions(): UploadedClickConversion[];
	/** Allow or refuse uploadClickConversions for a client customer. */
	setAllowlisted(customerId: string, allowlisted: boolean): void;
	/** Accept another developer token. */
	addDeveloperToken(token: string): void;
	/** Page size of googleAds:search and searchStream batches (default 10,000, Google's). */
	setPageSize(rows: number): void;
	/** Forget uploads and mutations (the generated sandbox comes back). */
	reset(): void;
}

export function adsControl(state: EmulatorState): AdsEmulatorControl {
	const store = () => adsStore(state);
	return {
		developerToken: EMULATOR_DEVELOPER_TOKEN,
		get managerCustomerId() {
			return store().customers.find((c) => c.manager)!.id;
		},
		get clientCustomerIds() {
			return store()
				.customers.filter((c) => !c.manager)
				.map((c) => c.id);
		},
		customers: () => structuredClone(store().customers),
		campaigns: (customerId) =>
			structuredClone(store().campaigns.filter((c) => !customerId || c.customerId === customerId)),
		budgets: (customerId) =>
			structuredClone(store().budgets.filter((b) => !customerId || b.customerId === customerId)),
		clicks: (customerId) =>
			structuredClone(
				store().sandbox.clicks.filter((c) => !customerId || c.customerId === customerId),
			),
		today: () => accountDate(state.now()),
		uploadedClickConversions: () => structuredClone(store().uploads),
		setAllowlisted: (customerId, allowlisted) => {
			const customer = store().customers.find((c) => c.id === customerId);
			if (!customer) throw new Error(`no Ads customer ${customerId}`);
			customer.allowlistedForClickConversions = allowlisted;
		},
		addDeveloperToken: (token) => {
			store().developerTokens.add(token);
		},
		setPageSize: (rows) => {
			if (!Number.isInteger(rows) || rows < 1)
				throw new Error('page size must be a positive integer');
			store().pageSize = rows;
		},
		reset: () => {
			stores.delete(state);
		},
	};
}

// --- request context: developer token, login-customer-id, customer access ---

function checkDeveloperToken(store: AdsStore, req: EmulatorRequest): void {
	const token = req.headers['developer-token'];
	if (!token) {
		throw adsFailure(400, [
			adsError(
				'requestError',
				'DEVELOPER_TOKEN_PARAMETER_MISSING',
				'The developer-token parameter is required for all requests.',
			),
		]);
	}
	if (token === EMULATOR_TEST_ONLY_DEVELOPER_TOKEN) {
		throw adsFailure(403, [
			adsError(
				'authorizationError',
				'DEVELOPER_TOKEN_NOT_APPROVED',
				'The developer token is only approved for use with test accounts. To access non-test accounts, apply for Basic or Standard access.',
			),
		]);
	}
	if (!store.developerTokens.has(token)) {
		throw adsFailure(401, [
			adsError(
				'authenticationError',
				'DEVELOPER_TOKEN_INVALID',
				'The developer token is not valid.',
			),
		]);
	}
}

/** The customer a call operates on, after the access rules of a manager-account user. */
function operatingCustomer(
	store: AdsStore,
	req: EmulatorRequest,
	customerId: string,
): GeneratedCustomer {
	checkDeveloperToken(store, req);
	if (!/^\d{10}$/.test(customerId)) {
		throw adsFailure(400, [
			adsError('requestError', 'INVALID_CUSTOMER_ID', `Invalid customer ID '${customerId}'.`, {
				trigger: customerId,
			}),
		]);
	}
	const login = req.headers['login-customer-id'];
	if (login !== undefined && !/^\d{10}$/.test(login)) {
		throw adsFailure(400, [
			adsError(
				'headerError',
				'INVALID_LOGIN_CUSTOMER_ID',
				'The login customer ID could not be validated. Use 10 digits without dashes.',
				{ trigger: login },
			),
		]);
	}
	const customer = store.customers.find((c) => c.id === customerId);
	// The sandbox user is a user of the manager only: a client is reached through the manager.
	const allowed =
		customer !== undefined &&
		(customer.manager
			? login === undefined || login === customer.id
			: login !== undefined && login === customer.managerId);
	if (!customer || !allowed) {
		throw adsFailure(403, [
			adsError(
				'authorizationError',
				'USER_PERMISSION_DENIED',
				"User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header. See https://developers.google.com/google-ads/api/docs/concepts/call-structure#cid",
			),
		]);
	}
	return customer;
}

function worldOf(store: AdsStore, state: EmulatorState, customer: GeneratedCustomer): QueryWorld {
	const today = accountDate(state.now());
	return {
		customer,
		hierarchy: customer.manager
			? [customer, ...store.customers.filter((c) => c.managerId === customer.id)]
			: [customer],
		campaigns: store.campaigns.filter((c) => c.customerId === customer.id),
		budgets: store.budgets.filter((b) => b.customerId === customer.id),
		conversionActions: store.sandbox.conversionActions.filter((a) => a.customerId === customer.id),
		today,
		historyStart: addDays(store.sandbox.today, -ADS_HISTORY_DAYS),
		metricsFor: store.sandbox.metricsFor,
	};
}

// --- payloads (zod: every request body is external input) ---

const searchBody = z
	.object({
		query: z.string(),
		pageToken: z.string().optional(),
		pageSize: z.number().int().optional(),
		validateOnly: z.boolean().optional(),
		returnTotalResultsCount: z.boolean().optional(),
		searchSettings: z
			.object({
				returnTotalResultsCount: z.boolean().optional(),
				returnSummaryRow: z.boolean().optional(),
			})
			.passthrough()
			.optional(),
		summaryRowSetting: z.string().optional(),
	})
	.passthrough();

const int64 = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform((v) => Number(v));

const campaignFields = z
	.object({
		resourceName: z.string().optional(),
		name: z.string().optional(),
		status: z.string().optional(),
		advertisingChannelType: z.string().optional(),
		campaignBudget: z.string().optional(),
		startDate: z.string().optional(),
		endDate: z.string().optional(),
		startDateTime: z.string().optional(),
		endDateTime: z.string().optional(),
		containsEuPoliticalAdvertising: z.string().optional(),
	})
	.passthrough();

const budgetFields = z
	.object({
		resourceName: z.string().optional(),
		name: z.string().optional(),
		amountMicros: int64.optional(),
		deliveryMethod: z.string().optional(),
		explicitlyShared: z.boolean().optional(),
		status: z.string().optional(),
	})
	.passthrough();

function mutateBody<T extends z.ZodTypeAny>(fields: T) {
	return z
		.object({
			operations: z.array(
				z
					.object({
						create: fields.optional(),
						update: fields.optional(),
						remove: z.string().optional(),
						updateMask: z.string().optional(),
					})
					.passthrough(),
			),
			partialFailure: z.boolean().optional(),
			validateOnly: z.boolean().optional(),
			responseContentType: z.enum(['RESOURCE_NAME_ONLY', 'MUTABLE_RESOURCE']).optional(),
		})
		.passthrough();
}

const clickConversion = z
	.object({
		gclid: z.string().optional(),
		gbraid: z.string().optional(),
		wbraid: z.string().optional(),
		conversionAction: z.string().optional(),
		conversionDateTime: z.string().optional(),
		conversionValue: z.number().optional(),
		currencyCode: z.string().optional(),
		orderId: z.string().optional(),
	})
	.passthrough();

const uploadBody = z
	.object({
		conversions: z.array(clickConversion),
		partialFailure: z.boolean().optional(),
		validateOnly: z.boolean().optional(),
		jobId: z.number().int().optional(),
	})
	.passthrough();

function parseBody<T extends z.ZodTypeAny>(req: EmulatorRequest, schema: T): z.infer<T> {
	const parsed = schema.safeParse(req.body.length === 0 ? {} : req.json());
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw adsFailure(400, [
			adsError(
				'requestError',
				'INVALID_INPUT',
				`Invalid JSON payload received. ${issue.path.join('.')}: ${issue.message}`,
				{
					trigger: issue.path.join('.'),
				},
			),
		]);
	}
	return parsed.data;
}

// --- search ---

interface PageToken {
	q: string; // hash of customer + query: a token only continues the query it came from
	o: number; // offset
}

function queryHash(customerId: string, query: string): string {
	return createHash('sha256').update(`${customerId}\0${query}`).digest('base64url').slice(0, 16);
}

function runQuery(
	store: AdsStore,
	state: EmulatorState,
	customer: GeneratedCustomer,
	query: string,
) {
	try {
		const parsed = parseGaql(query);
		return {
			rows: runGaql(parsed, worldOf(store, state, customer)),
			fieldMask: fieldMaskOf(parsed),
		};
	} catch (error) {
		if (error instanceof GaqlError) {
			throw adsFailure(400, [
				adsError('queryError', error.code, error.message, { trigger: error.trigger }),
			]);
		}
		throw error;
	}
}

function search(store: AdsStore, state: EmulatorState, req: EmulatorRequest): EmulatorResponse {
	const customer = operatingCustomer(store, req, req.params.customerId!);
	const body = parseBody(req, searchBody);
	if (body.pageSize !== undefined) {
		throw adsFailure(400, [
			adsError(
				'requestError',
				'PAGE_SIZE_NOT_SUPPORTED',
				"Setting the page size is not supported. Search Responses will have fixed page size of '10000' rows.",
			),
		]);
	}
	const { rows, fieldMask } = runQuery(store, state, customer, body.query);
	const requestId = adsRequestId();
	if (body.validateOnly)
		return { status: 200, headers: { 'request-id': requestId }, body: { fieldMask } };
	const hash = queryHash(customer.id, body.query);
	let offset = 0;
	if (body.pageToken) {
		let token: PageToken | undefined;
		try {
			token = JSON.parse(Buffer.from(body.pageToken, 'base64url').toString('utf8')) as PageToken;
		} catch {
			token = undefined;
		}
		if (
			!token ||
			token.q !== hash ||
			!Number.isInteger(token.o) ||
			token.o < 0 ||
			token.o > rows.length
		) {
			throw adsFailure(400, [
				adsError('requestError', 'INVALID_PAGE_TOKEN', 'Page token is invalid.', {
					trigger: body.pageToken,
				}),
			]);
		}
		offset = token.o;
	}
	const page = rows.slice(offset, offset + store.pageSize);
	const out: Record<string, unknown> = {};
	// proto3 JSON leaves out empty lists: a query without rows answers without `results`.
	if (page.length > 0) out.results = page;
	if (offset + page.length < rows.length) {
		out.nextPageToken = Buffer.from(
			JSON.stringify({ q: hash, o: offset + page.length } satisfies PageToken),
		).toString('base64url');
	}
	if (body.returnTotalResultsCount || body.searchSettings?.returnTotalResultsCount) {
		out.totalResultsCount = String(rows.length);
	}
	out.fieldMask = fieldMask;
	out.queryResourceConsumption = String(1 + Math.ceil(rows.length / 100));
	return { status: 200, headers: { 'request-id': requestId }, body: out };
}

function searchStream(
	store: AdsStore,
	state: EmulatorState,
	req: EmulatorRequest,
): EmulatorResponse {
	const customer = operatingCustomer(store, req, req.params.customerId!);
	const body = parseBody(req, searchBody);
	const { rows, fieldMask } = runQuery(store, state, customer, body.query);
	const requestId = adsRequestId();
	const batches: Record<string, unknown>[] = [];
	for (let i = 0; i < rows.length || batches.length === 0; i += store.pageSize) {
		const batch: Record<string, unknown> = {};
		const part = rows.slice(i, i + store.pageSize);
		if (part.length > 0) batch.results = part;
		batch.fieldMask = fieldMask;
		batch.requestId = requestId;
		batches.push(batch);
		if (rows.length === 0) break;
	}
	return { status: 200, headers: { 'request-id': requestId }, body: batches };
}

// --- mutates ---

type Operation = {
	create?: Record<string, unknown>;
	update?: Record<string, unknown>;
	remove?: string;
	updateMask?: string;
};

interface MutateOutcome {
	resourceName?: string;
	errors: AdsErrorItem[];
	apply?: () => void;
	resource?: () => Record<string, unknown>;
}

const CAMPAIGN_NAME = /^customers\/(\d{10})\/campaigns\/(\d+)$/;
const BUDGET_NAME = /^customers\/(\d{10})\/campaignBudgets\/(\d+)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const CHANNELS = [
	'SEARCH',
	'DISPLAY',
	'SHOPPING',
	'VIDEO',
	'PERFORMANCE_MAX',
	'DEMAND_GEN',
	'MULTI_CHANNEL',
	'LOCAL',
	'SMART',
	'HOTEL',
	'TRAVEL',
];
const BIDDING_FIELDS: Record<string, string> = {
	manualCpc: 'MANUAL_CPC',
	manualCpm: 'MANUAL_CPM',
	manualCpv: 'MANUAL_CPV',
	maximizeConversions: 'MAXIMIZE_CONVERSIONS',
	maximizeConversionValue: 'MAXIMIZE_CONVERSION_VALUE',
	targetCpa: 'TARGET_CPA',
	targetRoas: 'TARGET_ROAS',
	targetSpend: 'TARGET_SPEND',
	targetCpm: 'TARGET_CPM',
	targetImpressionShare: 'TARGET_IMPRESSION_SHARE',
	biddingStrategy: 'PORTFOLIO',
};
const EU_POLITICAL = [
	'CONTAINS_EU_POLITICAL_ADVERTISING',
	'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
];

function camelMask(mask: string): string[] {
	return mask
		.split(',')
		.map((path) => path.trim())
		.filter(Boolean)
		.map((path) => path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
}

/** Google's refusal of an operation that sets none or several of create, update and remove. */
function invalidOperationKind(
	operation: Operation,
	path: (...rest: FieldPathElement[]) => FieldPathElement[],
): AdsErrorItem | undefined {
	const kinds = ['create', 'update', 'remove'].filter(
		(k) => operation[k as keyof Operation] !== undefined,
	);
	if (kinds.length === 1) return undefined;
	return adsError(
		'mutateError',
		'INVALID_OPERATION',
		'Each operation must set exactly one of create, update or remove.',
		{ path: path() },
	);
}

/** Runs a mutate request: all-or-nothing, or per operation with partialFailure; validateOnly applies nothing. */
function runMutate(
	req: EmulatorRequest,
	body: {
		operations: Operation[];
		partialFailure?: boolean;
		validateOnly?: boolean;
		responseContentType?: string;
	},
	plan: (
		operation: Operation,
		index: number,
		path: (...rest: FieldPathElement[]) => FieldPathElement[],
	) => MutateOutcome,
	resourceKey: string,
): EmulatorResponse {
	if (body.operations.length === 0) {
		throw adsFailure(400, [
			adsError('mutateError', 'NO_OPERATIONS', 'The request contained no operations.'),
		]);
	}
	const outcomes = body.operations.map((operation, index) =>
		plan(operation, index, (...rest) => [{ fieldName: 'operations', index }, ...rest]),
	);
	const errors = outcomes.flatMap((o) => o.errors);
	const requestId = adsRequestId();
	if (errors.length > 0 && !body.partialFailure) throw adsFailure(400, errors);
	if (body.validateOnly) return { status: 200, headers: { 'request-id': requestId }, body: {} };
	const results = outcomes.map((outcome) => {
		if (outcome.errors.length > 0) return {};
		outcome.apply?.();
		const result: Record<string, unknown> = { resourceName: outcome.resourceName };
		if (body.responseContentType === 'MUTABLE_RESOURCE' && outcome.resource)
			result[resourceKey] = outcome.resource();
		return result;
	});
	const out: Record<string, unknown> = {};
	if (errors.length > 0) out.partialFailureError = partialFailureStatus(errors);
	out.results = results;
	void req;
	return { status: 200, headers: { 'request-id': requestId }, body: out };
}

function campaignResource(campaign: GeneratedCampaign): Record<string, unknown> {
	return {
		resourceName: `customers/${campaign.customerId}/campaigns/${campaign.id}`,
		id: campaign.id,
		name: campaign.name,
		status: campaign.status,
		advertisingChannelType: campaign.advertisingChannelType,
		campaignBudget: `customers/${campaign.customerId}/campaignBudgets/${campaign.budgetId}`,
		startDate: campaign.startDate,
		endDate: campaign.endDate ?? '2037-12-30',
		biddingStrategyType: campaign.biddingStrategyType,
	};
}

function budgetResource(budget: GeneratedBudget): Record<string, unknown> {
	return {
		resourceName: `customers/${budget.customerId}/campaignBudgets/${budget.id}`,
		id: budget.id,
		name: budget.name,
		amountMicros: String(budget.amountMicros),
		deliveryMethod: budget.deliveryMethod,
		explicitlyShared: budget.explicitlyShared,
		status: budget.status,
	};
}

function mutateCampaigns(
	store: AdsStore,
	state: EmulatorState,
	req: EmulatorRequest,
): EmulatorResponse {
	const customer = operatingCustomer(store, req, req.params.customerId!);
	const body = parseBody(req, mutateBody(campaignFields));
	if (customer.manager) {
		throw adsFailure(400, [
			adsError(
				'requestError',
				'CANNOT_BE_EXECUTED_BY_MANAGER_ACCOUNT',
				'This operation cannot be executed by a manager account.',
			),
		]);
	}
	const today = accountDate(state.now());
	// Names taken by campaigns of this request that pass validation, so duplicates inside one call fail too.
	const pendingNames = new Set<string>();
	const nameTaken = (name: string, exceptId?: string) =>
		pendingNames.has(name) ||
		store.campaigns.some(
			(c) =>
				c.customerId === customer.id &&
				c.status !== 'REMOVED' &&
				c.name === name &&
				c.id !== exceptId,
		);
	const budgetOf = (resourceName: string) => {
		const match = BUDGET_NAME.exec(resourceName);
		return match && match[1] === customer.id
			? store.budgets.find(
					(b) => b.customerId === customer.id && b.id === match[2] && b.status !== 'REMOVED',
				)
			: undefined;
	};
	const checkDates = (
		start: string | undefined,
		end: string | undefined,
		at: (field: string) => FieldPathElement[],
		errors: AdsErrorItem[],
		creating: boolean,
	) => {
		for (const [field, value] of [
			['start_date', start],
			['end_date', end],
		] as const) {
			if (value !== undefined && !DATE.test(value)) {
				errors.push(
					adsError(
						'dateError',
						'INVALID_FIELD_VALUES_IN_DATE',
						`Date '${value}' is not in the format YYYY-MM-DD.`,
						{ trigger: value, path: at(field) },
					),
				);
			}
		}
		if (creating && start !== undefined && DATE.test(start) && start < today) {
			errors.push(
				adsError(
					'campaignError',
					'CANNOT_SET_DATE_TO_PAST',
					'Cannot set the start date of a campaign to the past.',
					{ trigger: start, path: at('start_date') },
				),
			);
		}
		if (start && end && DATE.test(start) && DATE.test(end) && end < start) {
			errors.push(
				adsError(
					'campaignError',
					'END_DATE_BEFORE_START_DATE',
					'The end date is before the start date.',
					{ trigger: end, path: at('end_date') },
				),
			);
		}
	};
	const dateOf = (value: string | undefined) =>
		value && DATE_TIME.test(value) ? value.slice(0, 10) : value;

	return runMutate(
		req,
		body,
		(operation, _index, path) => {
			const errors: AdsErrorItem[] = [];
			const invalid = invalidOperationKind(operation, path);
			if (invalid) return { errors: [invalid] };
			if (operation.create) {
				const c = operation.create as z.infer<typeof campaignFields>;
				const at = (field: string) => path({ fieldName: 'create' }, { fieldName: field });
				if (!c.name)
					errors.push(
						adsError('fieldError', 'REQUIRED', 'The required field was not present.', {
							path: at('name'),
						}),
					);
				else if (nameTaken(c.name)) {
					errors.push(
						adsError(
							'campaignError',
							'DUPLICATE_CAMPAIGN_NAME',
							'Campaign with this name already exists.',
							{ trigger: c.name, path: at('name') },
						),
					);
				}
				if (!c.advertisingChannelType) {
					errors.push(
						adsError('fieldError', 'REQUIRED', 'The required field was not present.', {
							path: at('advertising_channel_type'),
						}),
					);
				} else if (!CHANNELS.includes(c.advertisingChannelType)) {
					errors.push(
						adsError('requestError', 'INVALID_ENUM_VALUE', 'Enum value is not permitted.', {
							trigger: c.advertisingChannelType,
							path: at('advertising_channel_type'),
						}),
					);
				}
				const status = c.status ?? 'ENABLED';
				if (!['ENABLED', 'PAUSED'].includes(status)) {
					errors.push(
						adsError('requestError', 'INVALID_ENUM_VALUE', 'Enum value is not permitted.', {
							trigger: status,
							path: at('status'),
						}),
					);
				}
				const budget = c.campaignBudget ? budgetOf(c.campaignBudget) : undefined;
				if (!c.campaignBudget) {
					errors.push(
						adsError('fieldError', 'REQUIRED', 'The required field was not present.', {
							path: at('campaign_budget'),
						}),
					);
				} else if (!budget) {
					errors.push(
						adsError(
							'campaignError',
							'CAMPAIGN_BUDGET_NOT_FOUND',
							'The campaign budget was not found.',
							{ trigger: c.campaignBudget, path: at('campaign_budget') },
						),
					);
				}
				const bidding = Object.keys(BIDDING_FIELDS).find(
					(field) => (c as Record<string, unknown>)[field] !== undefined,
				);
				if (!bidding) {
					errors.push(
						adsError(
							'campaignError',
							'MISSING_BIDDING_STRATEGY',
							'A bidding strategy (e.g. manualCpc, maximizeConversions) is required.',
							{ path: at('campaign_bidding_strategy') },
						),
					);
				}
				if (
					!c.containsEuPoliticalAdvertising ||
					!EU_POLITICAL.includes(c.containsEuPoliticalAdvertising)
				) {
					errors.push(
						adsError(
							'campaignError',
							'MISSING_EU_POLITICAL_ADVERTISING_DECLARATION',
							'The campaign must declare whether it contains EU political advertising (containsEuPoliticalAdvertising).',
							{
								path: at('contains_eu_political_advertising'),
							},
						),
					);
				}
				const start = dateOf(c.startDate ?? c.startDateTime) ?? today;
				const end = dateOf(c.endDate ?? c.endDateTime);
				checkDates(start, end, at, errors, true);
				if (errors.length > 0) return { errors };
				pendingNames.add(c.name!);
				const id = String(store.nextId++);
				const campaign: GeneratedCampaign = {
					id,
					customerId: customer.id,
					index: -1,
					name: c.name!,
					status: status as GeneratedCampaign['status'],
					advertisingChannelType:
						c.advertisingChannelType as GeneratedCampaign['advertisingChannelType'],
					startDate: start,
					endDate: end && end !== '2037-12-30' ? end : undefined,
					budgetId: budget!.id,
					biddingStrategyType: BIDDING_FIELDS[bidding!]!,
					// A campaign created here has no traffic: the emulator does not serve ads.
					profile: { impressions: 0, ctr: 0, cpcMicros: 0, conversionRate: 0 },
				};
				return {
					errors,
					resourceName: `customers/${customer.id}/campaigns/${id}`,
					apply: () => {
						store.campaigns.push(campaign);
					},
					resource: () => campaignResource(campaign),
				};
			}
			if (operation.update) {
				const u = operation.update as z.infer<typeof campaignFields>;
				const at = (field: string) => path({ fieldName: 'update' }, { fieldName: field });
				const match = u.resourceName ? CAMPAIGN_NAME.exec(u.resourceName) : null;
				const campaign =
					match && match[1] === customer.id
						? store.campaigns.find((c) => c.customerId === customer.id && c.id === match[2])
						: undefined;
				if (!u.resourceName) {
					errors.push(
						adsError('requestError', 'RESOURCE_NAME_MISSING', 'Resource name is missing.', {
							path: at('resource_name'),
						}),
					);
					return { errors };
				}
				if (!campaign || campaign.status === 'REMOVED') {
					errors.push(
						adsError('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', {
							trigger: u.resourceName,
							path: at('resource_name'),
						}),
					);
					return { errors };
				}
				if (operation.updateMask === undefined) {
					errors.push(
						adsError(
							'fieldMaskError',
							'FIELD_MASK_MISSING',
							'The field mask must be specified for an update operation.',
							{ path: path({ fieldName: 'update_mask' }) },
						),
					);
					return { errors };
				}
				const mask = camelMask(operation.updateMask);
				const next = { ...campaign };
				for (const field of mask) {
					const value = (u as Record<string, unknown>)[field];
					switch (field) {
						case 'name':
							if (typeof value !== 'string' || value === '')
								errors.push(
									adsError('fieldError', 'REQUIRED', 'The required field was not present.', {
										path: at('name'),
									}),
								);
							else if (nameTaken(value, campaign.id))
								errors.push(
									adsError(
										'campaignError',
										'DUPLICATE_CAMPAIGN_NAME',
										'Campaign with this name already exists.',
										{ trigger: value, path: at('name') },
									),
								);
							else next.name = value;
							break;
						case 'status':
							if (value !== 'ENABLED' && value !== 'PAUSED')
								errors.push(
									adsError('requestError', 'INVALID_ENUM_VALUE', 'Enum value is not permitted.', {
										trigger: String(value),
										path: at('status'),
									}),
								);
							else next.status = value;
							break;
						case 'campaignBudget': {
							const budget = typeof value === 'string' ? budgetOf(value) : undefined;
							if (!budget)
								errors.push(
									adsError(
										'campaignError',
										'CAMPAIGN_BUDGET_NOT_FOUND',
										'The campaign budget was not found.',
										{ trigger: String(value), path: at('campaign_budget') },
									),
								);
							else next.budgetId = budget.id;
							break;
						}
						case 'startDate':
						case 'startDateTime':
							if (typeof value !== 'string')
								errors.push(
									adsError('fieldError', 'REQUIRED', 'The required field was not present.', {
										path: at('start_date'),
									}),
								);
							else if (
								campaign.startDate <= accountDate(state.now()) &&
								dateOf(value) !== campaign.startDate
							) {
								errors.push(
									adsError(
										'campaignError',
										'CANNOT_MODIFY_START_DATE_IF_ALREADY_STARTED',
										'Cannot modify the start date of a campaign that has already started.',
										{ trigger: value, path: at('start_date') },
									),
								);
							} else next.startDate = dateOf(value)!;
							break;
						case 'endDate':
						case 'endDateTime':
							if (typeof value !== 'string')
								errors.push(
									adsError('fieldError', 'REQUIRED', 'The required field was not present.', {
										path: at('end_date'),
									}),
								);
							else {
								const end = dateOf(value)!;
								if (DATE.test(end) && end < today)
									errors.push(
										adsError(
											'campaignError',
											'CANNOT_SET_DATE_TO_PAST',
											'Cannot set the end date of a campaign to the past.',
											{ trigger: value, path: at('end_date') },
										),
									);
								else next.endDate = end === '2037-12-30' ? undefined : end;
							}
							break;
						case 'advertisingChannelType':
							errors.push(
								adsError('fieldError', 'IMMUTABLE_FIELD', 'The field cannot be modified.', {
									path: at('advertising_channel_type'),
								}),
							);
							break;
						case 'resourceName':
							break;
						default:
							errors.push(
								adsError(
									'fieldMaskError',
									'FIELD_NOT_FOUND',
									`The field mask names a field that is not updatable here: ${field}.`,
									{ trigger: field, path: path({ fieldName: 'update_mask' }) },
								),
							);
					}
				}
				checkDates(
					mask.some((f) => f.startsWith('startDate')) ? next.startDate : undefined,
					next.endDate,
					at,
					errors,
					false,
				);
				if (errors.length > 0) return { errors };
				if (next.name !== campaign.name) pendingNames.add(next.name);
				return {
					errors,
					resourceName: u.resourceName,
					apply: () => Object.assign(campaign, next),
					resource: () => campaignResource(campaign),
				};
			}
			const name = operation.remove!;
			const match = CAMPAIGN_NAME.exec(name);
			const campaign =
				match && match[1] === customer.id
					? store.campaigns.find((c) => c.customerId === customer.id && c.id === match[2])
					: undefined;
			if (!campaign || campaign.status === 'REMOVED') {
				errors.push(
					adsError('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', {
						trigger: name,
						path: path({ fieldName: 'remove' }),
					}),
				);
				return { errors };
			}
			return {
				errors,
				resourceName: name,
				apply: () => {
					campaign.status = 'REMOVED';
				},
				resource: () => campaignResource(campaign),
			};
		},
		'campaign',
	);
}

function mutateBudgets(store: AdsStore, req: EmulatorRequest): EmulatorResponse {
	const customer = operatingCustomer(store, req, req.params.customerId!);
	const body = parseBody(req, mutateBody(budgetFields));
	if (customer.manager) {
		throw adsFailure(400, [
			adsError(
				'requestError',
				'CANNOT_BE_EXECUTED_BY_MANAGER_ACCOUNT',
				'This operation cannot be executed by a manager account.',
			),
		]);
	}
	const pendingNames = new Set<string>();
	const nameTaken = (name: string, exceptId?: string) =>
		pendingNames.has(name) ||
		store.budgets.some(
			(b) =>
				b.customerId === customer.id &&
				b.status !== 'REMOVED' &&
				b.name === name &&
				b.id !== exceptId,
		);
	const checkAmount = (
		amount: number | undefined,
		at: FieldPathElement[],
		errors: AdsErrorItem[],
	) => {
		if (amount === undefined)
			errors.push(
				adsError('fieldError', 'REQUIRED', 'The required field was not present.', { path: at }),
			);
		else if (amount <= 0)
			errors.push(
				adsError(
					'campaignBudgetError',
					'MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC',
					'The budget amount is less than the minimum allowed.',
					{ trigger: String(amount), path: at },
				),
			);
		else if (amount % 10_000 !== 0) {
			errors.push(
				adsError(
					'campaignBudgetError',
					'NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT',
					'The budget amount must be a multiple of the minimum currency unit (10,000 micros).',
					{ trigger: String(amount), path: at },
				),
			);
		}
	};
	return runMutate(
		req,
		body,
		(operation, _index, path) => {
			const errors: AdsErrorItem[] = [];
			const invalid = invalidOperationKind(operation, path);
			if (invalid) return { errors: [invalid] };
			if (operation.create) {
				const c = operation.create as z.infer<typeof budgetFields>;
				const at = (field: string) => path({ fieldName: 'create' }, { fieldName: field });
				const name = c.name ?? `Budget #${store.nextId}`;
				if (nameTaken(name))
					errors.push(
						adsError('campaignBudgetError', 'DUPLICATE_NAME', 'Budget name already in use.', {
							trigger: name,
							path: at('name'),
						}),
					);
				checkAmount(c.amountMicros, at('amount_micros'), errors);
				const delivery = c.deliveryMethod ?? 'STANDARD';
				if (delivery !== 'STANDARD' && delivery !== 'ACCELERATED') {
					errors.push(
						adsError('requestError', 'INVALID_ENUM_VALUE', 'Enum value is not permitted.', {
							trigger: delivery,
							path: at('delivery_method'),
						}),
					);
				}
				if (errors.length > 0) return { errors };
				pendingNames.add(name);
				const budget: GeneratedBudget = {
					id: String(store.nextId++),
					customerId: customer.id,
					name,
					amountMicros: c.amountMicros!,
					deliveryMethod: delivery as GeneratedBudget['deliveryMethod'],
					// The API's default: a budget is shared unless explicitlyShared is false.
					explicitlyShared: c.explicitlyShared ?? true,
					status: 'ENABLED',
				};
				return {
					errors,
					resourceName: `customers/${customer.id}/campaignBudgets/${budget.id}`,
					apply: () => {
						store.budgets.push(budget);
					},
					resource: () => budgetResource(budget),
				};
			}
			if (operation.update) {
				const u = operation.update as z.infer<typeof budgetFields>;
				const at = (field: string) => path({ fieldName: 'update' }, { fieldName: field });
				const match = u.resourceName ? BUDGET_NAME.exec(u.resourceName) : null;
				const budget =
					match && match[1] === customer.id
						? store.budgets.find(
								(b) => b.customerId === customer.id && b.id === match[2] && b.status !== 'REMOVED',
							)
						: undefined;
				if (!budget) {
					errors.push(
						adsError('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', {
							trigger: u.resourceName ?? '',
							path: at('resource_name'),
						}),
					);
					return { errors };
				}
				if (operation.updateMask === undefined) {
					errors.push(
						adsError(
							'fieldMaskError',
							'FIELD_MASK_MISSING',
							'The field mask must be specified for an update operation.',
							{ path: path({ fieldName: 'update_mask' }) },
						),
					);
					return { errors };
				}
				const next = { ...budget };
				for (const field of camelMask(operation.updateMask)) {
					switch (field) {
						case 'amountMicros':
							checkAmount(u.amountMicros, at('amount_micros'), errors);
							if (u.amountMicros !== undefined) next.amountMicros = u.amountMicros;
							break;
						case 'name':
							if (!u.name)
								errors.push(
									adsError('fieldError', 'REQUIRED', 'The required field was not present.', {
										path: at('name'),
									}),
								);
							else if (nameTaken(u.name, budget.id))
								errors.push(
									adsError('campaignBudgetError', 'DUPLICATE_NAME', 'Budget name already in use.', {
										trigger: u.name,
										path: at('name'),
									}),
								);
							else next.name = u.name;
							break;
						case 'deliveryMethod':
							if (u.deliveryMethod !== 'STANDARD' && u.deliveryMethod !== 'ACCELERATED') {
								errors.push(
									adsError('requestError', 'INVALID_ENUM_VALUE', 'Enum value is not permitted.', {
										trigger: String(u.deliveryMethod),
										path: at('delivery_method'),
									}),
								);
							} else next.deliveryMethod = u.deliveryMethod;
							break;
						case 'resourceName':
							break;
						default:
							errors.push(
								adsError(
									'fieldMaskError',
									'FIELD_NOT_FOUND',
									`The field mask names a field that is not updatable here: ${field}.`,
									{ trigger: field, path: path({ fieldName: 'update_mask' }) },
								),
							);
					}
				}
				if (errors.length > 0) return { errors };
				return {
					errors,
					resourceName: u.resourceName,
					apply: () => Object.assign(budget, next),
					resource: () => budgetResource(budget),
				};
			}
			const name = operation.remove!;
			const match = BUDGET_NAME.exec(name);
			const budget =
				match && match[1] === customer.id
					? store.budgets.find(
							(b) => b.customerId === customer.id && b.id === match[2] && b.status !== 'REMOVED',
						)
					: undefined;
			if (!budget) {
				errors.push(
					adsError('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', {
						trigger: name,
						path: path({ fieldName: 'remove' }),
					}),
				);
				return { errors };
			}
			if (store.campaigns.some((c) => c.budgetId === budget.id && c.status !== 'REMOVED')) {
				errors.push(
					adsError(
						'campaignBudgetError',
						'CANNOT_REMOVE_ASSOCIATED_BUDGET',
						'A budget in use by a campaign cannot be removed.',
						{ trigger: name, path: path({ fieldName: 'remove' }) },
					),
				);
				return { errors };
			}
			return {
				errors,
				resourceName: name,
				apply: () => {
					budget.status = 'REMOVED';
				},
				resource: () => budgetResource(budget),
			};
		},
		'campaignBudget',
	);
}

// --- uploadClickConversions ---

/** "yyyy-mm-dd hh:mm:ss+|-hh:mm", the only format ConversionUploadService accepts. */
export const CONVERSION_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;

/** The instant of a conversionDateTime, or undefined when it is not in the API's format. */
export function parseConversionDateTime(text: string): number | undefined {
	const m = CONVERSION_DATE_TIME.exec(text);
	if (!m) return undefined;
	const [, y, mo, d, h, mi, s, sign, oh, om] = m;
	const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
	const check = new Date(local);
	if (
		check.getUTCMonth() !== Number(mo) - 1 ||
		check.getUTCDate() !== Number(d) ||
		Number(h) > 23 ||
		Number(mi) > 59 ||
		Number(s) > 59
	) {
		return undefined;
	}
	const offset = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
	return local - offset * 60_000;
}

/** gclid / gbraid / wbraid are URL-safe base64; anything else cannot be decoded. */
const CLICK_ID = /^[A-Za-z0-9_-]{20,}$/;

function uploadClickConversions(
	store: AdsStore,
	state: EmulatorState,
	req: EmulatorRequest,
): EmulatorResponse {
	const customer = operatingCustomer(store, req, req.params.customerId!);
	const body = parseBody(req, uploadBody);
	if (!customer.allowlistedForClickConversions) {
		throw adsFailure(403, [
			adsError(
				'notAllowlistedError',
				'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE',
				"Offline click conversion uploads aren't supported in the Google Ads API for the developer token of the request. Use the Data Manager API (events:ingest) to upload click conversions.",
			),
		]);
	}
	if (body.partialFailure !== true) {
		throw adsFailure(400, [
			adsError(
				'partialFailureError',
				'PARTIAL_FAILURE_MODE_REQUIRED',
				'The partial failure field must be set to true for this request.',
				{ path: [{ fieldName: 'partial_failure' }] },
			),
		]);
	}
	if (body.conversions.length === 0 || body.conversions.length > 2000) {
		throw adsFailure(400, [
			adsError(
				'conversionUploadError',
				'TOO_MANY_CONVERSIONS_IN_REQUEST',
				'Upload between 1 and 2000 conversions in a single request.',
			),
		]);
	}
	const now = state.now();
	const jobId = String(body.jobId ?? randomInt(1, 2 ** 31 - 1));
	const errors: AdsErrorItem[] = [];
	const accepted: UploadedClickConversion[] = [];
	const results: Record<string, unknown>[] = [];
	const orderIdsInRequest = new Set<string>();
	const clickKeysInRequest = new Set<string>();
	body.conversions.forEach((row, index) => {
		const at = (field?: string): FieldPathElement[] =>
			field
				? [{ fieldName: 'conversions', index }, { fieldName: field }]
				: [{ fieldName: 'conversions', index }];
		const fail = (
			family: string,
			code: string,
			message: string,
			field?: string,
			trigger?: string,
		) => {
			errors.push(adsError(family, code, message, { path: at(field), trigger }));
			results.push({});
		};
		const ids = (['gclid', 'gbraid', 'wbraid'] as const).filter(
			(k) => row[k] !== undefined && row[k] !== '',
		);
		if (row.gbraid && row.wbraid)
			return fail(
				'conversionUploadError',
				'GBRAID_WBRAID_BOTH_SET',
				"Can't use both gbraid and wbraid parameters. Use only 1 and try again.",
				'wbraid',
			);
		if (ids.length === 0)
			return fail('fieldError', 'REQUIRED', 'One of gclid, gbraid or wbraid is required.', 'gclid');
		if (ids.length > 1)
			return fail(
				'fieldError',
				'VALUE_MUST_BE_UNSET',
				'Set only one of gclid, gbraid or wbraid.',
				ids[1],
			);
		const idKind = ids[0]!;
		const idValue = row[idKind]!;
		const action = row.conversionAction
			? /^customers\/(\d{10})\/conversionActions\/(\d+)$/.exec(row.conversionAction)
			: null;
		const conversionAction =
			action && action[1] === customer.id
				? store.sandbox.conversionActions.find(
						(a) => a.customerId === customer.id && a.id === action[2],
					)
				: undefined;
		if (!row.conversionAction)
			return fail(
				'fieldError',
				'REQUIRED',
				'The required field was not present.',
				'conversion_action',
			);
		if (!conversionAction)
			return fail(
				'conversionUploadError',
				'NO_CONVERSION_ACTION_FOUND',
				'The conversion action specified in the upload request cannot be found.',
				'conversion_action',
				row.conversionAction,
			);
		if (conversionAction.type !== 'UPLOAD_CLICKS') {
			return fail(
				'conversionUploadError',
				'INVALID_CONVERSION_ACTION_TYPE',
				"The conversion action specified in the upload request isn't set up for uploading conversions.",
				'conversion_action',
				row.conversionAction,
			);
		}
		if (!row.conversionDateTime)
			return fail(
				'fieldError',
				'REQUIRED',
				'The required field was not present.',
				'conversion_date_time',
			);
		const conversionMs = parseConversionDateTime(row.conversionDateTime);
		if (conversionMs === undefined) {
			return fail(
				'dateError',
				'INVALID_STRING_DATE_TIME_SECONDS_WITH_OFFSET',
				"conversion_date_time must be 'yyyy-mm-dd hh:mm:ss+|-hh:mm', e.g. '2026-11-30 14:05:00+01:00'.",
				'conversion_date_time',
				row.conversionDateTime,
			);
		}
		if (!CLICK_ID.test(idValue)) {
			const code =
				idKind === 'gclid'
					? 'UNPARSEABLE_GCLID'
					: idKind === 'gbraid'
						? 'UNPARSEABLE_GBRAID'
						: 'UNPARSEABLE_WBRAID';
			return fail(
				'conversionUploadError',
				code,
				`The imported ${idKind} could not be decoded.`,
				idKind,
				idValue,
			);
		}
		const click = store.sandbox.clicks.find((c) => c[idKind] === idValue);
		if (!click)
			return fail(
				'conversionUploadError',
				'EVENT_NOT_FOUND',
				'The imported event could not be attributed to a click. This may be because the event did not come from a Google Ads campaign.',
				idKind,
				idValue,
			);
		if (click.customerId !== customer.id) {
			return fail(
				'conversionUploadError',
				'INVALID_CUSTOMER_FOR_CLICK',
				'The click from the imported event is associated with a different Google Ads account.',
				idKind,
				idValue,
			);
		}
		if (conversionMs < click.clickTimeMs) {
			return fail(
				'conversionUploadError',
				'CONVERSION_PRECEDES_EVENT',
				'The imported event has a conversion_date_time that precedes the click.',
				'conversion_date_time',
				row.conversionDateTime,
			);
		}
		if (
			conversionMs - click.clickTimeMs >
			conversionAction.clickThroughLookbackWindowDays * DAY_MS
		) {
			return fail(
				'conversionUploadError',
				'EXPIRED_EVENT',
				"The imported event can't be recorded because its click occurred before this conversion's click-through window.",
				idKind,
				idValue,
			);
		}
		if (now - click.clickTimeMs < 6 * 3_600_000) {
			return fail(
				'conversionUploadError',
				'TOO_RECENT_EVENT',
				'The click associated with the given identifier occurred less than 6 hours ago. Retry after 6 hours have passed.',
				idKind,
				idValue,
			);
		}
		if (row.orderId) {
			if (orderIdsInRequest.has(row.orderId)) {
				return fail(
					'conversionUploadError',
					'DUPLICATE_ORDER_ID',
					'Imported events include multiple conversions with the same order ID and were not processed.',
					'order_id',
					row.orderId,
				);
			}
			if (
				store.uploads.some(
					(u) => u.conversionAction === row.conversionAction && u.orderId === row.orderId,
				)
			) {
				return fail(
					'conversionUploadError',
					'ORDER_ID_ALREADY_IN_USE',
					'The imported event includes an order ID that was previously recorded, so the event was not processed.',
					'order_id',
					row.orderId,
				);
			}
		}
		const clickKey = `${idKind}:${idValue}|${row.conversionAction}|${conversionMs}`;
		if (clickKeysInRequest.has(clickKey)) {
			return fail(
				'conversionUploadError',
				'DUPLICATE_CLICK_CONVERSION_IN_REQUEST',
				'Multiple events have the same click and conversion_date_time.',
				'conversion_date_time',
				row.conversionDateTime,
			);
		}
		if (
			store.uploads.some(
				(u) =>
					`${idKind}:${u[idKind]}|${u.conversionAction}|${parseConversionDateTime(u.conversionDateTime)}` ===
					clickKey,
			)
		) {
			return fail(
				'conversionUploadError',
				'CLICK_CONVERSION_ALREADY_EXISTS',
				'The imported event has the same click and conversion_date_time as an existing conversion.',
				'conversion_date_time',
				row.conversionDateTime,
			);
		}
		if (row.orderId) orderIdsInRequest.add(row.orderId);
		clickKeysInRequest.add(clickKey);
		accepted.push({
			customerId: customer.id,
			index,
			jobId,
			[idKind]: idValue,
			conversionAction: row.conversionAction,
			conversionDateTime: row.conversionDateTime,
			conversionValue: row.conversionValue,
			currencyCode: row.currencyCode,
			orderId: row.orderId,
			receivedAt: now,
		});
		results.push({
			[idKind]: idValue,
			conversionAction: row.conversionAction,
			conversionDateTime: row.conversionDateTime,
		});
	});
	if (!body.validateOnly) store.uploads.push(...accepted);
	const out: Record<string, unknown> = {};
	if (errors.length > 0) out.partialFailureError = partialFailureStatus(errors);
	if (!body.validateOnly) out.results = results;
	out.jobId = jobId;
	return { status: 200, headers: { 'request-id': adsRequestId() }, body: out };
}

// --- registration ---

export function registerGoogleAds(router: Router, state: EmulatorState): AdsEmulatorControl {
	registerSurfaceFault('google-ads', adsFault);
	const v = `/${GOOGLE_ADS_API_VERSION}`;
	const opts = (name: string) => ({
		name,
		surface: 'google-ads' as const,
		auth: { provider: 'google' as const, anyOfScopes: [GOOGLE_ADS_SCOPE] },
	});
	const store = () => adsStore(state);
	// Built now so "today" and the click ages are anchored on the emulator's start.
	store();

	router.add(
		'GET',
		`${v}/customers:listAccessibleCustomers`,
		opts('ads.customers.listAccessibleCustomers'),
		(req) => {
			checkDeveloperToken(store(), req);
			const managers = store().customers.filter((c) => c.manager);
			return {
				status: 200,
				headers: { 'request-id': adsRequestId() },
				body: { resourceNames: managers.map((c) => `customers/${c.id}`) },
			};
		},
	);
	router.add(
		'POST',
		`${v}/customers/:customerId/googleAds:search`,
		opts('ads.googleAds.search'),
		(req) => search(store(), state, req),
	);
	router.add(
		'POST',
		`${v}/customers/:customerId/googleAds:searchStream`,
		opts('ads.googleAds.searchStream'),
		(req) => searchStream(store(), state, req),
	);
	router.add(
		'POST',
		`${v}/customers/:customerId/campaigns:mutate`,
		opts('ads.campaigns.mutate'),
		(req) => mutateCampaigns(store(), state, req),
	);
	router.add(
		'POST',
		`${v}/customers/:customerId/campaignBudgets:mutate`,
		opts('ads.campaignBudgets.mutate'),
		(req) => mutateBudgets(store(), req),
	);
	// customers/{cid}:uploadClickConversions is one path segment: split the method off the id.
	router.add(
		'POST',
		`${v}/customers/:customerMethod`,
		opts('ads.uploadClickConversions'),
		(req) => {
			const [customerId, method] = req.params.customerMethod!.split(':');
			if (method !== 'uploadClickConversions') {
				throw adsFailure(404, [
					adsError('requestError', 'UNKNOWN', `Method not found: ${req.params.customerMethod}`),
				]);
			}
			req.params.customerId = customerId!;
			return uploadClickConversions(store(), state, req);
		},
	);

	const control = adsControl(state);
	const json = (body: unknown): EmulatorResponse => ({ status: 200, body });
	const copt = (name: string) => ({ name: `control.ads.${name}`, surface: 'control' as const });
	router.add('GET', '/_emulator/ads', copt('status'), () =>
		json({
			developerToken: EMULATOR_DEVELOPER_TOKEN,
			apiVersion: GOOGLE_ADS_API_VERSION,
			today: control.today(),
			customers: control.customers(),
			campaigns: control.campaigns(),
			budgets: control.budgets(),
			conversionActions: store().sandbox.conversionActions,
			clickLookbackDays: ADS_CLICK_LOOKBACK_DAYS,
		}),
	);
	router.add('GET', '/_emulator/ads/clicks', copt('clicks'), (req) =>
		json({ clicks: control.clicks(req.query.get('customerId') ?? undefined) }),
	);
	router.add('GET', '/_emulator/ads/conversions', copt('conversions'), () =>
		json({ conversions: control.uploadedClickConversions() }),
	);
	router.add('POST', '/_emulator/ads/settings', copt('settings'), (req) => {
		const body = z
			.object({
				pageSize: z.number().int().positive().optional(),
				allowlisted: z.record(z.string(), z.boolean()).optional(),
				developerTokens: z.array(z.string()).optional(),
			})
			.safeParse(req.body.length === 0 ? {} : req.json());
		if (!body.success) return { status: 400, body: { error: body.error.issues[0]!.message } };
		if (body.data.pageSize) control.setPageSize(body.data.pageSize);
		for (const [id, allowed] of Object.entries(body.data.allowlisted ?? {})) {
			try {
				control.setAllowlisted(id, allowed);
			} catch (error) {
				return { status: 400, body: { error: (error as Error).message } };
			}
		}
		for (const token of body.data.developerTokens ?? []) control.addDeveloperToken(token);
		return json({ ok: true, pageSize: store().pageSize });
	});
	router.add('DELETE', '/_emulator/ads', copt('reset'), () => {
		control.reset();
		store();
		return json({ ok: true });
	});
	return control;
}
