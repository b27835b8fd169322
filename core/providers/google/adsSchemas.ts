// The Google Ads REST payloads crm-connect reads, checked with zod. The REST surface speaks
// proto3 JSON: lowerCamelCase names, int64 as decimal strings (ids, *_micros, impressions),
// enums as their names. Fields a response may omit (zero values are left out) are optional.
import { z } from 'zod';

/** An int64 as Google sends it (a decimal string) or a plain number, read as a number. */
const int64 = z
	.union([z.string(), z.number()])
	.transform((value) => Number(value))
	.refine((value) => Number.isFinite(value), 'not a number');

export const adsCampaignSchema = z
	.object({
		resourceName: z.string(),
		id: int64.optional(),
		name: z.string().optional(),
		status: z.string().optional(),
		advertisingChannelType: z.string().optional(),
		campaignBudget: z.string().optional(),
		startDateTime: z.string().optional(),
		endDateTime: z.string().optional(),
	})
	.passthrough();

export const adsCampaignBudgetSchema = z
	.object({
		resourceName: z.string().optional(),
		id: int64.optional(),
		amountMicros: int64.optional(),
		deliveryMethod: z.string().optional(),
	})
	.passthrough();

export const adsMetricsSchema = z
	.object({
		impressions: int64.optional(),
		clicks: int64.optional(),
		costMicros: int64.optional(),
		conversions: z.number().optional(),
		conversionsValue: z.number().optional(),
	})
	.passthrough();

/** One row of a GAQL answer: each selected resource under its own key. */
export const adsRowSchema = z
	.object({
		campaign: adsCampaignSchema.optional(),
		campaignBudget: adsCampaignBudgetSchema.optional(),
		metrics: adsMetricsSchema.optional(),
		segments: z.object({ date: z.string().optional() }).passthrough().optional(),
		customer: z
			.object({
				resourceName: z.string().optional(),
				id: int64.optional(),
				descriptiveName: z.string().optional(),
				currencyCode: z.string().optional(),
				timeZone: z.string().optional(),
				manager: z.boolean().optional(),
			})
			.passthrough()
			.optional(),
	})
	.passthrough();
export type AdsRow = z.infer<typeof adsRowSchema>;

/** googleAds:search answers one page; googleAds:searchStream answers an array of batches. */
export const adsSearchResponseSchema = z.object({
	results: z.array(adsRowSchema).optional().default([]),
	nextPageToken: z.string().optional(),
	fieldMask: z.string().optional(),
});
export const adsSearchStreamResponseSchema = z.array(
	z.object({
		results: z.array(adsRowSchema).optional().default([]),
		fieldMask: z.string().optional(),
		requestId: z.string().optional(),
	}),
);

export const adsMutateResponseSchema = z.object({
	results: z.array(z.object({ resourceName: z.string().optional() }).passthrough()).default([]),
	partialFailureError: z.unknown().optional(),
});

export const listAccessibleCustomersResponseSchema = z.object({
	resourceNames: z.array(z.string()).optional().default([]),
});

/** A field path inside the request, as a partial failure points at the row it is about. */
const fieldPathElementSchema = z.object({
	fieldName: z.string(),
	index: z.number().optional(),
});

/** One GoogleAdsError: `errorCode` holds a single member such as `{ authorizationError: 'DEVELOPER_TOKEN_NOT_APPROVED' }`. */
export const googleAdsErrorSchema = z
	.object({
		errorCode: z.record(z.string()).optional().default({}),
		message: z.string().optional().default(''),
		location: z
			.object({ fieldPathElements: z.array(fieldPathElementSchema).optional().default([]) })
			.optional(),
	})
	.passthrough();
export type GoogleAdsError = z.infer<typeof googleAdsErrorSchema>;

/** google.rpc.Status whose details carry a GoogleAdsFailure (errors) — error bodies and partialFailureError alike. */
export const googleAdsStatusSchema = z.object({
	code: z.number().optional(),
	message: z.string().optional(),
	status: z.string().optional(),
	details: z
		.array(
			z
				.object({
					'@type': z.string().optional(),
					errors: z.array(googleAdsErrorSchema).optional(),
					requestId: z.string().optional(),
				})
				.passthrough(),
		)
		.optional()
		.default([]),
});

export const uploadClickConversionsResponseSchema = z.object({
	partialFailureError: googleAdsStatusSchema.optional(),
	results: z.array(z.record(z.unknown())).optional().default([]),
	jobId: z.union([z.string(), z.number()]).optional(),
});
