/**
 * Google Ads API error bodies. Every failed call answers a google.rpc.Status whose details hold
 * one GoogleAdsFailure:
 *
 *   { error: { code: 400, message: 'Request contains an invalid argument.', status: 'INVALID_ARGUMENT',
 *     details: [{ '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
 *       errors: [{ errorCode: { queryError: 'UNRECOGNIZED_FIELD' }, message, trigger?, location? }],
 *       requestId }] } }
 *
 * With partialFailure the same GoogleAdsFailure travels in the 200 answer's `partialFailureError`
 * (code 3), each error's `location.fieldPathElements` naming the operation or row by index.
 */
import { randomBytes } from 'node:crypto';
import { EmulatorHttpError } from '../core/http';

export const GOOGLE_ADS_API_VERSION = 'v26';
export const GOOGLE_ADS_FAILURE_TYPE = `type.googleapis.com/google.ads.googleads.${GOOGLE_ADS_API_VERSION}.errors.GoogleAdsFailure`;

export interface FieldPathElement {
	fieldName: string;
	index?: number;
}

/** One GoogleAdsError: `errorCode` has exactly one key, the error family (queryError, …). */
export interface AdsErrorItem {
	errorCode: Record<string, string>;
	message: string;
	trigger?: { stringValue: string };
	location?: { fieldPathElements: FieldPathElement[] };
}

const STATUS_NAMES: Record<number, string> = {
	400: 'INVALID_ARGUMENT',
	401: 'UNAUTHENTICATED',
	403: 'PERMISSION_DENIED',
	404: 'NOT_FOUND',
	429: 'RESOURCE_EXHAUSTED',
	500: 'INTERNAL',
	503: 'UNAVAILABLE',
};

const STATUS_MESSAGES: Record<number, string> = {
	400: 'Request contains an invalid argument.',
	401: 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
	403: 'The caller does not have permission',
	429: 'Resource has been exhausted (e.g. check quota).',
	500: 'Internal error encountered.',
	503: 'The service is currently unavailable.',
};

/** Google Ads request ids are 22 URL-safe characters. */
export function adsRequestId(): string {
	return randomBytes(16).toString('base64url').slice(0, 22);
}

export function adsError(
	family: string,
	code: string,
	message: string,
	options: { trigger?: string; path?: FieldPathElement[] } = {},
): AdsErrorItem {
	const item: AdsErrorItem = { errorCode: { [family]: code }, message };
	if (options.trigger !== undefined) item.trigger = { stringValue: options.trigger };
	if (options.path) item.location = { fieldPathElements: options.path };
	return item;
}

/** The whole call fails: HTTP `status` with a GoogleAdsFailure of `errors`. */
export function adsFailure(
	status: number,
	errors: AdsErrorItem[],
	headers: Record<string, string> = {},
): EmulatorHttpError {
	const requestId = adsRequestId();
	return new EmulatorHttpError({
		status,
		headers: { 'request-id': requestId, ...headers },
		body: {
			error: {
				code: status,
				message: STATUS_MESSAGES[status] ?? 'Request failed.',
				status: STATUS_NAMES[status] ?? 'UNKNOWN',
				details: [{ '@type': GOOGLE_ADS_FAILURE_TYPE, errors, requestId }],
			},
		},
	});
}

/** `partialFailureError` of a 200 answer: a google.rpc.Status with code 3 (INVALID_ARGUMENT). */
export function partialFailureStatus(errors: AdsErrorItem[]): Record<string, unknown> {
	const where = (item: AdsErrorItem) =>
		(item.location?.fieldPathElements ?? [])
			.map((e) => (e.index === undefined ? e.fieldName : `${e.fieldName}[${e.index}]`))
			.join('.');
	return {
		code: 3,
		message: errors.map((item) => `${item.message}, at ${where(item)}`).join(', '),
		details: [{ '@type': GOOGLE_ADS_FAILURE_TYPE, errors, requestId: adsRequestId() }],
	};
}

/** What an injected fault answers on the Google Ads surface (429 is quotaError RESOURCE_EXHAUSTED). */
export function adsFault(
	status: number,
	spec: { reason?: string; message?: string },
): EmulatorHttpError {
	if (status === 429) {
		return adsFailure(429, [
			adsError(
				'quotaError',
				spec.reason ?? 'RESOURCE_EXHAUSTED',
				spec.message ?? 'Too many requests. Retry in 1 seconds.',
			),
		]);
	}
	if (status >= 500) {
		return adsFailure(status, [
			adsError(
				'internalError',
				spec.reason ?? (status === 503 ? 'TRANSIENT_ERROR' : 'INTERNAL_ERROR'),
				spec.message ??
					(status === 503
						? 'The service is temporarily unavailable. Please retry.'
						: 'An internal error has occurred.'),
			),
		]);
	}
	if (status === 403) {
		return adsFailure(403, [
			adsError(
				'authorizationError',
				spec.reason ?? 'USER_PERMISSION_DENIED',
				spec.message ?? "User doesn't have permission to access customer.",
			),
		]);
	}
	return adsFailure(status, [
		adsError('requestError', spec.reason ?? 'UNKNOWN', spec.message ?? 'Bad request.'),
	]);
}
