// The GAQL the node sends: statuses and dates checked before they reach the query, metrics over a
// date range, and Google Ads failures worded for the user.
import { ProviderHttpError } from '../../core/providers/http';
import {
	GoogleAdsApiError,
	buildGaql,
	campaignListQuery,
	gaqlString,
	metricsQuery,
	normalizeCustomerId,
	toGoogleAdsError,
} from '../../core/providers/google/ads';

describe('GAQL', () => {
	it('lists enabled and paused campaigns unless told otherwise, with date filters', () => {
		expect(campaignListQuery()).toMatch(
			/^SELECT campaign\.resource_name, .* FROM campaign WHERE campaign\.status IN \('ENABLED', 'PAUSED'\) ORDER BY campaign\.id$/,
		);
		expect(
			campaignListQuery({
				statuses: ['REMOVED'],
				startsOnOrAfter: '2026-01-01T00:00:00.000Z',
				endsOnOrBefore: '2026-12-31',
				limit: 5,
			}),
		).toMatch(
			/WHERE campaign\.status IN \('REMOVED'\) AND campaign\.start_date_time >= '2026-01-01 00:00:00' AND campaign\.end_date_time <= '2026-12-31 23:59:59' ORDER BY campaign\.id LIMIT 5$/,
		);
	});

	it('refuses what is not a status, a date or an id instead of writing it into the query', () => {
		expect(() => campaignListQuery({ statuses: ["ENABLED') OR ('1" as never] })).toThrow(
			GoogleAdsApiError,
		);
		expect(() => campaignListQuery({ startsOnOrAfter: "2026-01-01' OR 1=1" })).not.toThrow();
		expect(campaignListQuery({ startsOnOrAfter: "2026-01-01' OR 1=1" })).not.toContain('OR 1=1');
		expect(() => metricsQuery({ from: 'last week', to: '2026-01-01' })).toThrow(
			"From 'last week' is not a date (YYYY-MM-DD)",
		);
		expect(() =>
			metricsQuery({ from: '2026-01-01', to: '2026-01-31', campaignId: '1 OR 1' }),
		).toThrow("Campaign ID '1 OR 1' is not a numeric id");
		expect(gaqlString("it's")).toBe("'it\\'s'");
	});

	it('reads metrics over a date range, per day when asked, for one campaign or all', () => {
		expect(metricsQuery({ from: '2026-11-01', to: '2026-11-30' })).toBe(
			"SELECT campaign.id, campaign.name, metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, metrics.conversions_value FROM campaign WHERE segments.date BETWEEN '2026-11-01' AND '2026-11-30'",
		);
		expect(
			metricsQuery({
				from: '2026-11-01',
				to: '2026-11-30',
				daily: true,
				campaignId: 'customers/1/campaigns/77',
			}),
		).toMatch(
			/, segments\.date FROM campaign WHERE .* AND campaign\.id = 77 ORDER BY segments\.date$/,
		);
		expect(() => metricsQuery({ from: '2026-11-30', to: '2026-11-01' })).toThrow(
			/before the start/,
		);
	});

	it('builds the clauses in GAQL order', () => {
		expect(
			buildGaql({
				select: ['a.b'],
				from: 'a',
				where: ['x = 1', 'y = 2'],
				orderBy: 'a.b',
				limit: 3,
			}),
		).toBe('SELECT a.b FROM a WHERE x = 1 AND y = 2 ORDER BY a.b LIMIT 3');
	});

	it('takes customer ids with or without dashes, and nothing else', () => {
		expect(normalizeCustomerId('123-456-7890')).toBe('1234567890');
		expect(normalizeCustomerId('customers/1234567890')).toBe('1234567890');
		expect(() => normalizeCustomerId('12345')).toThrow(/not a Google Ads customer id/);
	});
});

describe('Google Ads failures', () => {
	const failure = (status: number, errorCode: Record<string, string>, message = 'x') =>
		new ProviderHttpError(
			status,
			{},
			{
				error: {
					code: status,
					message: 'The caller does not have permission',
					status: 'PERMISSION_DENIED',
					details: [
						{
							'@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
							errors: [{ errorCode, message }],
							requestId: 'r-1',
						},
					],
				},
			},
			{ method: 'POST', url: 'https://googleads.googleapis.com/v26/customers/1:x' },
		);

	it('says which path to use when the account is not allowlisted for uploadClickConversions', () => {
		const error = toGoogleAdsError(
			failure(403, { authorizationError: 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE' }),
		) as GoogleAdsApiError;
		expect(error).toBeInstanceOf(GoogleAdsApiError);
		expect(error.message).toBe(
			'This account is not allowlisted for uploadClickConversions since 2026-06-15; upload through the Data Manager API (the default)',
		);
	});

	it('names developer token and permission problems', () => {
		expect(
			(
				toGoogleAdsError(
					failure(403, { authorizationError: 'DEVELOPER_TOKEN_NOT_APPROVED' }),
				) as Error
			).message,
		).toMatch(/developer token is approved for test accounts only/);
		expect(
			(toGoogleAdsError(failure(403, { authorizationError: 'USER_PERMISSION_DENIED' })) as Error)
				.message,
		).toMatch(/set that account as Login Customer ID/);
		expect(
			(toGoogleAdsError(failure(400, { queryError: 'UNRECOGNIZED_FIELD' }, 'bad field')) as Error)
				.message,
		).toBe('Google Ads rejected the request (UNRECOGNIZED_FIELD): bad field');
	});

	it('leaves throttling and server errors to the retrying requester', () => {
		const throttled = failure(429, { quotaError: 'RESOURCE_EXHAUSTED' });
		expect(toGoogleAdsError(throttled)).toBe(throttled);
		const outage = failure(503, { internalError: 'TRANSIENT_ERROR' });
		expect(toGoogleAdsError(outage)).toBe(outage);
	});
});
