import { classifyProviderError, isRetryable } from './providerErrors';
import { ProviderHttpError, type ProviderRequester } from './http';

export interface RetryPolicy {
	/** Attempts in all, the first included. */
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Longest Retry-After we wait for inside one call; longer ones surface as throttled. */
	maxRetryAfterMs: number;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
	/** Which failures are retried (default: temporary and throttling ones). */
	retryOn?: (error: unknown) => boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 5,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	maxRetryAfterMs: 60_000,
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Delay before attempt `attempt + 1`: the provider's Retry-After when it gave one, otherwise
 * exponential backoff with full jitter (so many workers do not retry in lockstep), bounded.
 */
export function retryDelayMs(error: unknown, attempt: number, policy: RetryPolicy): number {
	const asked = error instanceof ProviderHttpError ? error.retryAfterMs : undefined;
	if (asked !== undefined) return asked;
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.floor((policy.random ?? Math.random)() * ceiling);
}

/**
 * Throttling only: the provider refused the request before doing anything, so even a send can be
 * tried again. A 5xx may come after the work was done, so a write is not retried on it.
 */
export function isThrottled(error: unknown): boolean {
	return classifyProviderError(error).errorClass === 'throttled';
}

/** Runs `call`, retrying temporary and throttling failures under the policy. */
async function withRetries<T>(
	call: () => Promise<T>,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<T> {
	const sleep = policy.sleep ?? defaultSleep;
	for (let attempt = 1; ; attempt++) {
		try {
			return await call();
		} catch (error) {
			if (attempt >= policy.maxAttempts || !(policy.retryOn ?? isRetryable)(error)) throw error;
			const delay = retryDelayMs(error, attempt, policy);
			if (delay > policy.maxRetryAfterMs) throw error;
			await sleep(delay);
		}
	}
}

/** A requester whose every request is retried under the policy. */
export function retryingRequester(
	requester: ProviderRequester,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): ProviderRequester {
	return (request) => withRetries(() => requester(request), policy);
}
