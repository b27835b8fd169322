import { ProviderHttpError } from './http';

/**
 * The few classes of provider failure that callers act on (as the integration state machine does):
 * retry later, wait as asked, resync from scratch, ask the user to grant more, ask the user to
 * reconnect, or report.
 */
export type ProviderErrorClass =
	| 'temporary'
	| 'throttled'
	| 'cursor_expired'
	| 'insufficient_permissions'
	| 'auth_revoked'
	| 'not_found'
	| 'invalid_request'
	| 'unknown';

export interface ClassifiedProviderError {
	errorClass: ProviderErrorClass;
	status?: number;
	reason?: string;
	retryAfterMs?: number;
	message: string;
}

const THROTTLE_REASONS = new Set([
	'rateLimitExceeded',
	'userRateLimitExceeded',
	'quotaExceeded',
	'dailyLimitExceeded',
	'ApplicationThrottled',
	'MailboxConcurrency',
	'TooManyRequests',
	'activityLimitReached',
]);
const CURSOR_REASONS = new Set([
	'syncStateNotFound',
	'syncStateInvalid',
	'resyncRequired',
	'fullSyncRequired',
]);
const PERMISSION_REASONS = new Set([
	'insufficientPermissions',
	'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
	'ErrorAccessDenied',
	'Authorization_RequestDenied',
	'forbidden',
]);

export function classifyProviderError(error: unknown): ClassifiedProviderError {
	if (!(error instanceof ProviderHttpError)) {
		const code = (error as { code?: string } | undefined)?.code;
		const transient = [
			'ECONNRESET',
			'ETIMEDOUT',
			'ECONNREFUSED',
			'EPIPE',
			'UND_ERR_SOCKET',
			'EAI_AGAIN',
		];
		return {
			errorClass: code && transient.includes(code) ? 'temporary' : 'unknown',
			message: (error as Error)?.message ?? String(error),
		};
	}
	const { status, reason } = error;
	const base = { status, reason, retryAfterMs: error.retryAfterMs, message: error.message };
	if (status === 429 || (reason && THROTTLE_REASONS.has(reason)))
		return { ...base, errorClass: 'throttled' };
	if (status === 410 || (reason && CURSOR_REASONS.has(reason)))
		return { ...base, errorClass: 'cursor_expired' };
	if (reason === 'invalid_grant' || status === 401) return { ...base, errorClass: 'auth_revoked' };
	if (status === 403 && (!reason || PERMISSION_REASONS.has(reason))) {
		return { ...base, errorClass: 'insufficient_permissions' };
	}
	if (status >= 500) return { ...base, errorClass: 'temporary' };
	if (status === 404) return { ...base, errorClass: 'not_found' };
	if (status === 400 || status === 422) return { ...base, errorClass: 'invalid_request' };
	return { ...base, errorClass: 'unknown' };
}

/** Whether a failed call may simply be tried again. */
export function isRetryable(error: unknown): boolean {
	const { errorClass } = classifyProviderError(error);
	return errorClass === 'temporary' || errorClass === 'throttled';
}
