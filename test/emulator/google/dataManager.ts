/**
 * Data Manager API (datamanager.googleapis.com) `POST /v1/events:ingest`: offline conversions for
 * Google Ads conversion actions, the path Google now points new callers to instead of
 * uploadClickConversions. Its own OAuth scope (DATA_MANAGER_SCOPE), no developer token, no
 * login-customer-id header: the accounts travel in `destinations[]` (operatingAccount, optional
 * loginAccount, productDestinationId = conversion action id).
 *
 * Validation is fast-fail, as the API documents: if any event or destination is invalid the whole
 * request is refused with 400 INVALID_ARGUMENT and nothing is ingested; the error's
 * google.rpc.BadRequest lists every violation, each `field` naming the event by index
 * (`events[3].ad_identifiers`) or the destination (`destinations[0].product_destination_id`).
 * Whether a click id matches a known click is not validation: the event is accepted and recorded
 * with its match (MATCHED, CLICK_NOT_FOUND, EXPIRED_CLICK), as Google reports it later in
 * diagnostics. A transactionId seen before for the same destination is accepted and recorded as a
 * duplicate (Google deduplicates on it). Every ingested (event, destination) pair is recorded;
 * tests read them through `emu.dataManager.events()` or `GET /_emulator/datamanager/events`.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EmulatorHttpError, type EmulatorRequest, type EmulatorResponse } from '../core/http';
import { registerSurfaceFault } from '../core/faults';
import type { Router } from '../core/router';
import type { EmulatorState } from '../core/state';
import { adsStore } from './ads';

export const DATA_MANAGER_SCOPE = 'https://www.googleapis.com/auth/datamanager';
export const DATA_MANAGER_DOMAIN = 'datamanager.googleapis.com';
/** At most this many events per request (API reference). */
export const DATA_MANAGER_MAX_EVENTS = 2000;
const MAX_DESTINATIONS = 10;
const DAY_MS = 86_400_000;

export type ClickMatch = 'MATCHED' | 'CLICK_NOT_FOUND' | 'EXPIRED_CLICK' | 'NO_CLICK_ID';

export interface IngestedEvent {
	requestId: string;
	/** Index of the event in its request. */
	index: number;
	operatingAccountId: string;
	loginAccountId?: string;
	productDestinationId: string;
	/** The event as sent. */
	event: Record<string, unknown>;
	gclid?: string;
	gbraid?: string;
	wbraid?: string;
	transactionId?: string;
	match: ClickMatch;
	/** The destination already had an event with this transactionId (Google keeps one). */
	duplicate: boolean;
	receivedAt: number;
}

interface DataManagerStore {
	events: IngestedEvent[];
}

const stores = new WeakMap<EmulatorState, DataManagerStore>();

function store(state: EmulatorState): DataManagerStore {
	let found = stores.get(state);
	if (!found) stores.set(state, (found = { events: [] }));
	return found;
}

/** In-process control (`emu.dataManager`). */
export interface DataManagerEmulatorControl {
	/** Every ingested (event, destination) pair, oldest first. */
	events(): IngestedEvent[];
	reset(): void;
}

export function dataManagerControl(state: EmulatorState): DataManagerEmulatorControl {
	return {
		events: () => structuredClone(store(state).events),
		reset: () => {
			store(state).events = [];
		},
	};
}

// --- errors: google.rpc.Status with ErrorInfo / BadRequest / RequestInfo details ---

interface FieldViolation {
	field: string;
	description: string;
	reason: string;
}

const STATUS_NAMES: Record<number, string> = {
	400: 'INVALID_ARGUMENT',
	401: 'UNAUTHENTICATED',
	403: 'PERMISSION_DENIED',
	429: 'RESOURCE_EXHAUSTED',
	500: 'INTERNAL',
	503: 'UNAVAILABLE',
};

export function dataManagerError(
	status: number,
	reason: string,
	message: string,
	violations: FieldViolation[] = [],
	headers: Record<string, string> = {},
): EmulatorHttpError {
	const requestId = randomUUID();
	const details: Record<string, unknown>[] = [
		{
			'@type': 'type.googleapis.com/google.rpc.ErrorInfo',
			reason,
			domain: DATA_MANAGER_DOMAIN,
			metadata: { requestId },
		},
	];
	if (violations.length > 0)
		details.push({
			'@type': 'type.googleapis.com/google.rpc.BadRequest',
			fieldViolations: violations,
		});
	details.push({ '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId });
	return new EmulatorHttpError({
		status,
		headers,
		body: { error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN', details } },
	});
}

function dataManagerFault(
	status: number,
	spec: { reason?: string; message?: string },
): EmulatorHttpError {
	if (status === 429)
		return dataManagerError(
			429,
			spec.reason ?? 'RESOURCE_EXHAUSTED',
			spec.message ?? 'Too many requests.',
		);
	if (status >= 500) {
		return dataManagerError(
			status,
			spec.reason ?? 'INTERNAL_ERROR',
			spec.message ??
				(status === 503
					? 'The service is currently unavailable.'
					: 'An internal error has occurred.'),
		);
	}
	return dataManagerError(
		status,
		spec.reason ?? 'INVALID_ARGUMENT',
		spec.message ?? 'There was a problem with the request.',
	);
}

// --- payload ---

const productAccount = z
	.object({
		accountType: z.string().optional(),
		accountId: z.string().optional(),
		product: z.string().optional(),
	})
	.passthrough();

const ingestBody = z
	.object({
		destinations: z
			.array(
				z
					.object({
						reference: z.string().optional(),
						loginAccount: productAccount.optional(),
						linkedAccount: productAccount.optional(),
						operatingAccount: productAccount.optional(),
						productDestinationId: z.string().optional(),
					})
					.passthrough(),
			)
			.optional(),
		events: z.array(z.record(z.string(), z.unknown())).optional(),
		consent: z.record(z.string(), z.unknown()).optional(),
		validateOnly: z.boolean().optional(),
		encoding: z.string().optional(),
		encryptionInfo: z.record(z.string(), z.unknown()).optional(),
	})
	.passthrough();

const adIdentifiers = z
	.object({
		gclid: z.string().optional(),
		gbraid: z.string().optional(),
		wbraid: z.string().optional(),
	})
	.passthrough();
const userIdentifier = z
	.object({
		emailAddress: z.string().optional(),
		phoneNumber: z.string().optional(),
		address: z.record(z.string(), z.unknown()).optional(),
	})
	.passthrough();
const event = z
	.object({
		destinationReferences: z.array(z.string()).optional(),
		transactionId: z.string().optional(),
		eventTimestamp: z.string().optional(),
		adIdentifiers: adIdentifiers.optional(),
		userData: z
			.object({ userIdentifiers: z.array(userIdentifier).optional() })
			.passthrough()
			.optional(),
		conversionValue: z.number().optional(),
		currency: z.string().optional(),
		eventSource: z
			.enum(['EVENT_SOURCE_UNSPECIFIED', 'WEB', 'APP', 'IN_STORE', 'PHONE', 'OTHER'])
			.optional(),
	})
	.passthrough();

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const CLICK_ID = /^[A-Za-z0-9_-]{20,}$/;

function hashedValueOk(value: string, encoding: string | undefined): boolean {
	if (encoding === 'BASE64') {
		const bytes = Buffer.from(value, 'base64');
		return /^[A-Za-z0-9+/]{43}=$/.test(value) && bytes.length === 32;
	}
	return /^[0-9a-f]{64}$/.test(value);
}

interface Destination {
	index: number;
	reference?: string;
	operatingAccountId: string;
	loginAccountId?: string;
	productDestinationId: string;
}

function ingest(state: EmulatorState, req: EmulatorRequest): EmulatorResponse {
	const parsed = ingestBody.safeParse(req.body.length === 0 ? {} : req.json());
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw dataManagerError(
			400,
			'INVALID_ARGUMENT',
			`Invalid JSON payload received. ${issue.path.join('.')}: ${issue.message}`,
			[{ field: issue.path.join('.'), description: issue.message, reason: 'INVALID_FORMAT' }],
		);
	}
	const body = parsed.data;
	const ads = adsStore(state);
	const violations: FieldViolation[] = [];
	const violate = (field: string, reason: string, description: string): void => {
		violations.push({ field, reason, description });
	};

	if (
		body.encoding !== undefined &&
		!['HEX', 'BASE64', 'ENCODING_UNSPECIFIED'].includes(body.encoding)
	) {
		violate('encoding', 'INVALID_ENUM_VALUE', `Invalid value '${body.encoding}' for encoding.`);
	}
	const destinations: Destination[] = [];
	const rawDestinations = body.destinations ?? [];
	if (rawDestinations.length === 0)
		violate('destinations', 'REQUIRED_FIELD_MISSING', 'At least one destination is required.');
	if (rawDestinations.length > MAX_DESTINATIONS) {
		violate(
			'destinations',
			'TOO_MANY_DESTINATIONS',
			`Maximum number of destinations allowed per request is ${MAX_DESTINATIONS}.`,
		);
	}
	let permissionDenied: string | undefined;
	rawDestinations.forEach((d, i) => {
		const at = `destinations[${i}]`;
		const operating = d.operatingAccount;
		if (!operating?.accountId)
			return violate(
				`${at}.operating_account.account_id`,
				'REQUIRED_FIELD_MISSING',
				'operatingAccount.accountId is required.',
			);
		if (operating.accountType !== 'GOOGLE_ADS') {
			return violate(
				`${at}.operating_account.account_type`,
				'INVALID_DESTINATION',
				'The emulator ingests events for GOOGLE_ADS accounts only.',
			);
		}
		if (!/^\d{10}$/.test(operating.accountId)) {
			return violate(
				`${at}.operating_account.account_id`,
				'INVALID_FORMAT',
				'A Google Ads account id is 10 digits without dashes.',
			);
		}
		const login = d.loginAccount;
		if (login && (login.accountType !== 'GOOGLE_ADS' || !/^\d{10}$/.test(login.accountId ?? ''))) {
			return violate(
				`${at}.login_account`,
				'INVALID_FORMAT',
				'loginAccount must be a GOOGLE_ADS account id of 10 digits.',
			);
		}
		if (!d.productDestinationId)
			return violate(
				`${at}.product_destination_id`,
				'REQUIRED_FIELD_MISSING',
				'productDestinationId (the conversion action id) is required.',
			);
		const customer = ads.customers.find((c) => c.id === operating.accountId);
		// The caller is a user of the manager: a client is reached with the manager as loginAccount.
		const loginId = login?.accountId ?? operating.accountId;
		const reachable =
			customer !== undefined &&
			(customer.manager ? loginId === customer.id : loginId === customer.managerId || false);
		if (!reachable) {
			permissionDenied ??= `The caller does not have permission to access account ${operating.accountId}${login ? ` through login account ${login.accountId}` : ''}.`;
			return;
		}
		const action = ads.sandbox.conversionActions.find(
			(a) => a.customerId === customer.id && a.id === d.productDestinationId,
		);
		if (!action) {
			return violate(
				`${at}.product_destination_id`,
				'INVALID_CONVERSION_ACTION_ID',
				`Conversion action ${d.productDestinationId} is not valid for account ${customer.id}.`,
			);
		}
		if (action.type !== 'UPLOAD_CLICKS') {
			return violate(
				`${at}.product_destination_id`,
				'INVALID_CONVERSION_ACTION_TYPE',
				`Conversion action ${action.id} is not set up for imported conversions.`,
			);
		}
		destinations.push({
			index: i,
			reference: d.reference,
			operatingAccountId: operating.accountId,
			loginAccountId: login?.accountId,
			productDestinationId: d.productDestinationId,
		});
	});
	if (permissionDenied) throw dataManagerError(403, 'PERMISSION_DENIED', permissionDenied);

	const rawEvents = body.events ?? [];
	if (rawEvents.length === 0)
		violate('events', 'REQUIRED_FIELD_MISSING', 'At least one event is required.');
	if (rawEvents.length > DATA_MANAGER_MAX_EVENTS) {
		violate(
			'events',
			'INVALID_ARGUMENT',
			`At most ${DATA_MANAGER_MAX_EVENTS} events can be sent in a single request.`,
		);
	}
	const references = new Set(
		rawDestinations.map((d) => d.reference).filter((r): r is string => !!r),
	);
	const events = rawEvents.map((raw, i) => {
		const at = `events[${i}]`;
		const parsedEvent = event.safeParse(raw);
		if (!parsedEvent.success) {
			const issue = parsedEvent.error.issues[0]!;
			violate(`${at}.${issue.path.join('.')}`, 'INVALID_FORMAT', issue.message);
			return undefined;
		}
		const e = parsedEvent.data;
		if (!e.eventTimestamp)
			violate(`${at}.event_timestamp`, 'REQUIRED_FIELD_MISSING', 'eventTimestamp is required.');
		else if (!RFC3339.test(e.eventTimestamp) || Number.isNaN(Date.parse(e.eventTimestamp))) {
			violate(
				`${at}.event_timestamp`,
				'INVALID_FORMAT',
				`eventTimestamp '${e.eventTimestamp}' is not an RFC 3339 timestamp.`,
			);
		} else if (Date.parse(e.eventTimestamp) > state.now() + DAY_MS) {
			violate(`${at}.event_timestamp`, 'INVALID_ARGUMENT', 'eventTimestamp is in the future.');
		}
		const ids = (['gclid', 'gbraid', 'wbraid'] as const).filter((k) => e.adIdentifiers?.[k]);
		const identifiers = e.userData?.userIdentifiers ?? [];
		if (ids.length > 1)
			violate(
				`${at}.ad_identifiers`,
				'INVALID_ARGUMENT',
				'Set at most one of gclid, gbraid and wbraid.',
			);
		if (ids.length === 0 && identifiers.length === 0) {
			violate(
				`${at}.ad_identifiers`,
				'REQUIRED_FIELD_MISSING',
				'A Google Ads conversion needs a click identifier (gclid, gbraid or wbraid) or userData.',
			);
		}
		for (const kind of ids) {
			if (!CLICK_ID.test(e.adIdentifiers![kind]!))
				violate(
					`${at}.ad_identifiers.${kind}`,
					'INVALID_FORMAT',
					`The ${kind} could not be decoded.`,
				);
		}
		if (
			e.conversionValue !== undefined &&
			(!Number.isFinite(e.conversionValue) || e.conversionValue < 0)
		) {
			violate(
				`${at}.conversion_value`,
				'INVALID_NUMBER_FORMAT',
				'conversionValue must be a non-negative number.',
			);
		}
		if (e.currency !== undefined && !/^[A-Z]{3}$/.test(e.currency)) {
			violate(
				`${at}.currency`,
				'INVALID_FORMAT',
				`currency '${e.currency}' is not an ISO 4217 code.`,
			);
		}
		if (e.conversionValue !== undefined && e.currency === undefined) {
			violate(
				`${at}.currency`,
				'REQUIRED_FIELD_MISSING',
				'currency is required with conversionValue.',
			);
		}
		if (e.transactionId !== undefined && (e.transactionId === '' || e.transactionId.length > 256)) {
			violate(
				`${at}.transaction_id`,
				'INVALID_FORMAT',
				'transactionId must be 1 to 256 characters.',
			);
		}
		if (identifiers.length > 0 && !body.encoding) {
			violate(
				'encoding',
				'REQUIRED_FIELD_MISSING',
				'encoding is required when events carry userData.',
			);
		}
		identifiers.forEach((identifier, j) => {
			for (const key of ['emailAddress', 'phoneNumber'] as const) {
				const value = identifier[key];
				if (value !== undefined && !hashedValueOk(value, body.encoding)) {
					violate(
						`${at}.user_data.user_identifiers[${j}].${key === 'emailAddress' ? 'email_address' : 'phone_number'}`,
						body.encoding === 'BASE64' ? 'INVALID_BASE64_ENCODING' : 'INVALID_SHA256_FORMAT',
						`${key} must be the SHA-256 hash of the normalized value, ${body.encoding === 'BASE64' ? 'base64' : 'hex'} encoded.`,
					);
				}
			}
		});
		for (const reference of e.destinationReferences ?? []) {
			if (!references.has(reference))
				violate(
					`${at}.destination_references`,
					'INVALID_ARGUMENT',
					`No destination has the reference '${reference}'.`,
				);
		}
		return e;
	});
	if (violations.length > 0) {
		// One message per violation, as the API's own summary reads.
		throw dataManagerError(
			400,
			'INVALID_ARGUMENT',
			'There was a problem with the request.',
			dedupe(violations),
		);
	}

	const requestId = randomUUID();
	if (body.validateOnly) return { status: 200, body: { requestId } };
	const records = store(state);
	const now = state.now();
	events.forEach((e, index) => {
		const targets = e!.destinationReferences?.length
			? destinations.filter((d) => d.reference && e!.destinationReferences!.includes(d.reference))
			: destinations;
		for (const destination of targets) {
			const kind = (['gclid', 'gbraid', 'wbraid'] as const).find((k) => e!.adIdentifiers?.[k]);
			const id = kind ? e!.adIdentifiers![kind]! : undefined;
			let match: ClickMatch = 'NO_CLICK_ID';
			if (kind) {
				const click = ads.sandbox.clicks.find(
					(c) => c[kind] === id && c.customerId === destination.operatingAccountId,
				);
				match = !click
					? 'CLICK_NOT_FOUND'
					: Date.parse(e!.eventTimestamp!) - click.clickTimeMs > 90 * DAY_MS
						? 'EXPIRED_CLICK'
						: 'MATCHED';
			}
			const duplicate =
				e!.transactionId !== undefined &&
				records.events.some(
					(r) =>
						r.transactionId === e!.transactionId &&
						r.operatingAccountId === destination.operatingAccountId &&
						r.productDestinationId === destination.productDestinationId,
				);
			records.events.push({
				requestId,
				index,
				operatingAccountId: destination.operatingAccountId,
				loginAccountId: destination.loginAccountId,
				productDestinationId: destination.productDestinationId,
				event: structuredClone(rawEvents[index]!),
				...(kind ? { [kind]: id } : {}),
				transactionId: e!.transactionId,
				match,
				duplicate,
				receivedAt: now,
			});
		}
	});
	return { status: 200, body: { requestId } };
}

function dedupe(violations: FieldViolation[]): FieldViolation[] {
	const seen = new Set<string>();
	return violations.filter((v) => {
		const key = `${v.field}|${v.reason}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

export function registerDataManager(
	router: Router,
	state: EmulatorState,
): DataManagerEmulatorControl {
	registerSurfaceFault('data-manager', dataManagerFault);
	router.add(
		'POST',
		'/v1/events:ingest',
		{
			name: 'datamanager.events.ingest',
			surface: 'data-manager',
			auth: { provider: 'google', anyOfScopes: [DATA_MANAGER_SCOPE] },
		},
		(req) => ingest(state, req),
	);
	const control = dataManagerControl(state);
	router.add(
		'GET',
		'/_emulator/datamanager/events',
		{ name: 'control.datamanager.events', surface: 'control' },
		() => ({
			status: 200,
			body: { events: control.events() },
		}),
	);
	router.add(
		'DELETE',
		'/_emulator/datamanager/events',
		{ name: 'control.datamanager.reset', surface: 'control' },
		() => {
			control.reset();
			return { status: 200, body: { ok: true } };
		},
	);
	return control;
}
