// Sends a workspace's due outbox rows to Google, each row once. Rows go through the Data Manager
// API (events:ingest, the default since Google closed uploadClickConversions to new callers on
// 2026-06-15) or, per row, through uploadClickConversions for accounts allowlisted on it.
//
// What happens to a row:
// - accepted → uploaded (never sent again);
// - refused for itself (a partial-failure error, a Data Manager field violation naming it) →
//   rejected, with Google's code, message and error details on the row; the other rows of the
//   same request are accepted (Data Manager fails the whole request fast, so the named events are
//   dropped and the rest sent again);
// - the request failed for a reason that may pass (429, 5xx, the network, an expired or missing
//   permission) → failed, tried again at next_attempt_at with exponential backoff, and rejected
//   after MAX_UPLOAD_ATTEMPTS.
import type { Knex } from 'knex';

import { ProviderHttpError } from '../providers/http';
import { classifyProviderError } from '../providers/providerErrors';
import {
	GoogleAdsApiError,
	uploadClickConversions,
	type ClickConversion,
	type GoogleAdsClient,
} from '../providers/google/ads';
import {
	eventViolationsOf,
	type DataManagerClient,
	type DataManagerEvent,
} from '../providers/google/dataManager';
import {
	claimDueAdConversions,
	markAdConversionFailed,
	markAdConversionRejected,
	markAdConversionsUploaded,
	type AdConversion,
	type AdConversionError,
	type AdConversionStatus,
} from '../store/adConversions';
import { toAdsDateTime, toRfc3339, type ConversionUploadPath } from './conversions';

export const MAX_UPLOAD_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 60_000;
const BACKOFF_MAX_MS = 6 * 3_600_000;

/** Delay before the next attempt of a row that has had `attempts` attempts: 1, 2, 4 … min, up to 6 h. */
export function outboxBackoffMs(attempts: number): number {
	return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

export interface ConversionSenders {
	/** Data Manager client (no developer token; the datamanager scope). */
	dataManager?: DataManagerClient;
	/** Google Ads client, for rows whose path is click_conversions. */
	ads?: GoogleAdsClient;
	/** The manager account the customers are reached through, if any. */
	loginCustomerId?: string;
}

export interface ConversionUploadOutcome {
	id: string;
	dedupeKey: string;
	orderId: string | null;
	customerId: string;
	conversionAction: string;
	uploadPath: ConversionUploadPath;
	status: AdConversionStatus;
	attempts: number;
	errorCode: string | null;
	errorMessage: string | null;
	nextAttemptAt: string | null;
}

type RowResult =
	| { kind: 'uploaded' }
	| { kind: 'rejected'; error: AdConversionError }
	| { kind: 'failed'; error: AdConversionError };

/** How a request-level failure counts for its rows: may pass (failed) or will not (rejected). */
function requestFailure(error: unknown): RowResult {
	if (error instanceof GoogleAdsApiError) {
		const permanent =
			error.code === 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE' || error.status === 400;
		const details = { code: error.code, errors: error.errors };
		return permanent
			? { kind: 'rejected', error: { code: error.code, message: error.message, details } }
			: { kind: 'failed', error: { code: error.code, message: error.message, details } };
	}
	if (error instanceof ProviderHttpError) {
		const { errorClass, reason } = classifyProviderError(error);
		const code = reason ?? `HTTP_${error.status}`;
		const failure = { code, message: error.message, details: error.body };
		return errorClass === 'invalid_request' || errorClass === 'not_found'
			? { kind: 'rejected', error: failure }
			: { kind: 'failed', error: failure };
	}
	const message = error instanceof Error ? error.message : String(error);
	return { kind: 'failed', error: { code: 'UPLOAD_ERROR', message } };
}

function dataManagerEvent(row: AdConversion): DataManagerEvent {
	const event: DataManagerEvent = {
		adIdentifiers: row.gclid
			? { gclid: row.gclid }
			: row.gbraid
				? { gbraid: row.gbraid }
				: { wbraid: row.wbraid! },
		eventTimestamp: toRfc3339(row.conversionAt),
	};
	if (row.orderId) event.transactionId = row.orderId;
	if (row.value !== null) event.conversionValue = row.value;
	if (row.currency) event.currency = row.currency;
	return event;
}

function clickConversion(row: AdConversion): ClickConversion {
	const conversion: ClickConversion = {
		conversionAction: `customers/${row.customerId}/conversionActions/${row.conversionAction}`,
		conversionDateTime: toAdsDateTime(row.conversionAt),
	};
	if (row.gclid) conversion.gclid = row.gclid;
	else if (row.gbraid) conversion.gbraid = row.gbraid;
	else conversion.wbraid = row.wbraid!;
	if (row.orderId) conversion.orderId = row.orderId;
	if (row.value !== null) conversion.conversionValue = row.value;
	if (row.currency) conversion.currencyCode = row.currency;
	return conversion;
}

/** One destination's rows through events:ingest, dropping the events Google names until the rest go through. */
async function sendToDataManager(
	senders: ConversionSenders,
	rows: AdConversion[],
): Promise<Map<string, RowResult>> {
	const results = new Map<string, RowResult>();
	if (!senders.dataManager) {
		for (const row of rows) {
			results.set(row.id, {
				kind: 'failed',
				error: { code: 'NO_DATA_MANAGER', message: 'No Data Manager connection was given' },
			});
		}
		return results;
	}
	let remaining = rows;
	// Each round removes at least one named event, so this ends.
	while (remaining.length > 0) {
		try {
			await senders.dataManager.ingestEvents(
				{
					customerId: remaining[0].customerId,
					conversionActionId: remaining[0].conversionAction,
					loginCustomerId: senders.loginCustomerId,
				},
				remaining.map(dataManagerEvent),
			);
			for (const row of remaining) results.set(row.id, { kind: 'uploaded' });
			return results;
		} catch (error) {
			const violations = eventViolationsOf(error).filter((violation) => remaining[violation.index]);
			if (violations.length === 0) {
				const failure = requestFailure(error);
				for (const row of remaining) results.set(row.id, failure);
				return results;
			}
			const refused = new Set<number>();
			for (const violation of violations) {
				const row = remaining[violation.index];
				const previous = results.get(row.id);
				const message =
					previous?.kind === 'rejected'
						? `${previous.error.message}; ${violation.field}: ${violation.message}`
						: `${violation.field}: ${violation.message}`;
				results.set(row.id, {
					kind: 'rejected',
					error: { code: violation.reason, message, details: (error as ProviderHttpError).body },
				});
				refused.add(violation.index);
			}
			remaining = remaining.filter((_, index) => !refused.has(index));
		}
	}
	return results;
}

/** One customer's rows through uploadClickConversions with partialFailure. */
async function sendAsClickConversions(
	senders: ConversionSenders,
	rows: AdConversion[],
): Promise<Map<string, RowResult>> {
	const results = new Map<string, RowResult>();
	if (!senders.ads) {
		for (const row of rows) {
			results.set(row.id, {
				kind: 'failed',
				error: { code: 'NO_ADS_CONNECTION', message: 'No Google Ads connection was given' },
			});
		}
		return results;
	}
	try {
		const answers = await uploadClickConversions(
			senders.ads,
			rows[0].customerId,
			rows.map(clickConversion),
		);
		for (const answer of answers) {
			const row = rows[answer.index];
			results.set(
				row.id,
				answer.ok
					? { kind: 'uploaded' }
					: {
							kind: 'rejected',
							error: {
								code: answer.errorCode ?? 'UNKNOWN',
								message: answer.errorMessage ?? 'Google Ads refused the conversion',
								details: answer.error,
							},
						},
			);
		}
	} catch (error) {
		const failure = requestFailure(error);
		for (const row of rows) results.set(row.id, failure);
	}
	return results;
}

function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
	const groups = new Map<string, T[]>();
	for (const item of items) {
		const name = key(item);
		groups.set(name, [...(groups.get(name) ?? []), item]);
	}
	return [...groups.values()];
}

/**
 * Claims the workspace's due rows, sends them (one request per destination), and records each
 * row's outcome. Returns one outcome per row sent, in the order they were enqueued.
 */
export async function uploadDueConversions(
	db: Knex,
	workspaceId: string,
	senders: ConversionSenders,
	options: { now?: () => Date; limit?: number } = {},
): Promise<ConversionUploadOutcome[]> {
	const clock = options.now ?? (() => new Date());
	const claimed = await claimDueAdConversions(db, workspaceId, clock(), options.limit ?? 100);
	const results = new Map<string, RowResult>();
	const groups = groupBy(
		claimed,
		(row) =>
			`${row.uploadPath}|${row.customerId}|${row.uploadPath === 'data_manager' ? row.conversionAction : ''}`,
	);
	for (const rows of groups) {
		const sent =
			rows[0].uploadPath === 'click_conversions'
				? await sendAsClickConversions(senders, rows)
				: await sendToDataManager(senders, rows);
		for (const [id, result] of sent) results.set(id, result);
	}

	const now = clock();
	const uploaded: string[] = [];
	const outcomes: ConversionUploadOutcome[] = [];
	for (const row of claimed) {
		let result = results.get(row.id) ?? {
			kind: 'failed',
			error: { code: 'NOT_SENT', message: 'The row was not sent' },
		};
		if (result.kind === 'failed' && row.attempts >= MAX_UPLOAD_ATTEMPTS) {
			result = {
				kind: 'rejected',
				error: {
					...result.error,
					message: `Gave up after ${row.attempts} attempts: ${result.error.message}`,
				},
			};
		}
		let nextAttemptAt: Date | null = null;
		if (result.kind === 'uploaded') uploaded.push(row.id);
		else if (result.kind === 'rejected') {
			await markAdConversionRejected(db, workspaceId, row.id, result.error, now);
		} else {
			nextAttemptAt = new Date(now.getTime() + outboxBackoffMs(row.attempts));
			await markAdConversionFailed(db, workspaceId, row.id, result.error, nextAttemptAt, now);
		}
		outcomes.push({
			id: row.id,
			dedupeKey: row.dedupeKey,
			orderId: row.orderId,
			customerId: row.customerId,
			conversionAction: row.conversionAction,
			uploadPath: row.uploadPath,
			status: result.kind,
			attempts: row.attempts,
			errorCode: result.kind === 'uploaded' ? null : result.error.code,
			errorMessage: result.kind === 'uploaded' ? null : result.error.message,
			nextAttemptAt: nextAttemptAt ? nextAttemptAt.toISOString() : null,
		});
	}
	await markAdConversionsUploaded(db, workspaceId, uploaded, now);
	return outcomes;
}
