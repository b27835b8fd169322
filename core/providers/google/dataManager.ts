// The Data Manager API's events:ingest, the path Google requires for new offline conversion
// uploaders since 2026-06-15. It takes the Google account's OAuth token with the datamanager
// scope and no developer token. Its validation fails fast: one bad event fails the whole request
// (400 INVALID_ARGUMENT, a BadRequest detail naming `events[i]…` fields) and nothing is ingested,
// so the caller drops the named events and sends the rest again (see core/ads/conversionOutbox).
import { z } from 'zod';

import { ProviderHttpError, type ProviderRequester } from '../http';

export const DEFAULT_DATA_MANAGER_BASE_URL = 'https://datamanager.googleapis.com';

export interface DataManagerClientOptions {
	request: ProviderRequester;
	baseUrl?: string;
}

/** One conversion event as events:ingest takes it. */
export interface DataManagerEvent {
	adIdentifiers: { gclid?: string; gbraid?: string; wbraid?: string };
	/** RFC 3339 (e.g. 2026-11-30T14:05:00Z). */
	eventTimestamp: string;
	transactionId?: string;
	conversionValue?: number;
	currency?: string;
	eventSource?: 'WEB' | 'APP' | 'IN_STORE' | 'PHONE' | 'OTHER';
}

export interface DataManagerDestination {
	/** The Google Ads customer receiving the conversions (digits). */
	customerId: string;
	/** The manager account the credential reaches it through, if any. */
	loginCustomerId?: string;
	/** The conversion action id. */
	conversionActionId: string;
}

export const ingestResponseSchema = z.object({ requestId: z.string().optional() }).passthrough();

const fieldViolationSchema = z.object({
	field: z.string().optional().default(''),
	description: z.string().optional().default(''),
	reason: z.string().optional(),
});

export const dataManagerErrorBodySchema = z.object({
	error: z.object({
		code: z.number().optional(),
		message: z.string().optional().default(''),
		status: z.string().optional(),
		details: z
			.array(
				z
					.object({
						'@type': z.string().optional(),
						reason: z.string().optional(),
						fieldViolations: z.array(fieldViolationSchema).optional(),
					})
					.passthrough(),
			)
			.optional()
			.default([]),
	}),
});

export interface EventViolation {
	/** Index of the event in the request. */
	index: number;
	field: string;
	reason: string;
	message: string;
}

/**
 * The per-event violations of a fast-fail 400: `events[2].conversion_value` (or
 * `events.events[2]…`) names event 2. Violations that name no event are left out.
 */
export function eventViolationsOf(error: unknown): EventViolation[] {
	if (!(error instanceof ProviderHttpError) || error.status !== 400) return [];
	const parsed = dataManagerErrorBodySchema.safeParse(error.body);
	if (!parsed.success) return [];
	const violations: EventViolation[] = [];
	for (const detail of parsed.data.error.details) {
		for (const violation of detail.fieldViolations ?? []) {
			const match = /events\[(\d+)\]/.exec(violation.field);
			if (!match) continue;
			violations.push({
				index: Number(match[1]),
				field: violation.field,
				reason: violation.reason ?? detail.reason ?? parsed.data.error.status ?? 'INVALID_ARGUMENT',
				message: violation.description || parsed.data.error.message,
			});
		}
	}
	return violations;
}

export function createDataManagerClient(options: DataManagerClientOptions) {
	const base = (options.baseUrl || DEFAULT_DATA_MANAGER_BASE_URL).replace(/\/+$/, '');
	return {
		/** Sends the events to one destination; resolves with Google's request id. */
		async ingestEvents(
			destination: DataManagerDestination,
			events: DataManagerEvent[],
			flags: { validateOnly?: boolean } = {},
		): Promise<{ requestId: string | null }> {
			const target: Record<string, unknown> = {
				operatingAccount: { accountType: 'GOOGLE_ADS', accountId: destination.customerId },
				productDestinationId: destination.conversionActionId,
			};
			if (destination.loginCustomerId) {
				target.loginAccount = { accountType: 'GOOGLE_ADS', accountId: destination.loginCustomerId };
			}
			const response = await options.request<unknown>({
				method: 'POST',
				url: `${base}/v1/events:ingest`,
				body: {
					destinations: [target],
					events: events.map((event) => ({ eventSource: 'WEB', ...event })),
					validateOnly: flags.validateOnly === true,
				},
				responseType: 'json',
			});
			return { requestId: ingestResponseSchema.parse(response.body ?? {}).requestId ?? null };
		},
	};
}

export type DataManagerClient = ReturnType<typeof createDataManagerClient>;
