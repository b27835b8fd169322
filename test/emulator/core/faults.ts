/**
 * Injected faults: a test says "the next N calls matching X fail with Y (or are slow, or have their
 * connection reset)". Each fault answers in the documented error shape of the surface it hits.
 */
import {
	EmulatorHttpError,
	type EmulatorResponse,
	googleError,
	googleOAuthError,
	graphError,
	microsoftIdentityError,
	openaiError,
	type Surface,
} from './http';

export interface FaultSpec {
	/** Route name: exact ('gmail.users.messages.get'), glob ('gmail.*') or regex source ('/^graph\\./'). */
	operation?: string | RegExp;
	surface?: Surface;
	method?: string;
	/** How many matching calls the fault hits (default 1); Infinity or -1 = until clearFaults(). */
	times?: number;
	/** Let this many matching calls through first (default 0). */
	after?: number;
	status?: 429 | 403 | 500 | 503 | number;
	reason?: string; // e.g. 'rateLimitExceeded', 'userRateLimitExceeded', 'backendError'
	message?: string;
	retryAfterSeconds?: number;
	/** Delay before answering: fixed ms or a random range [min, max]. */
	latencyMs?: number | [number, number];
	/** Destroy the socket instead of answering. */
	reset?: boolean;
	/**
	 * In-process only: runs once the matching call has its answer and before the answer is sent
	 * (a batch part: before the next part runs), to change the world at an exact point of a
	 * client's sequence — deliver mail after a profile read, expire a token mid-batch. Without
	 * `status` or `reset` the call itself is answered normally.
	 */
	afterAnswer?: () => void | Promise<void>;
}

interface ActiveFault {
	spec: FaultSpec;
	matcher: (operation: string) => boolean;
	remaining: number;
	skip: number;
}

export interface FaultDecision {
	latencyMs: number;
	response?: EmulatorResponse;
	afterAnswer: Array<() => void | Promise<void>>;
}

export class FaultInjector {
	private faults: ActiveFault[] = [];

	inject(spec: FaultSpec): void {
		const times = spec.times === undefined ? 1 : spec.times < 0 ? Infinity : spec.times;
		this.faults.push({
			spec,
			matcher: operationMatcher(spec.operation),
			remaining: times,
			skip: spec.after ?? 0,
		});
	}

	clear(): void {
		this.faults = [];
	}

	get active(): number {
		return this.faults.length;
	}

	/** Consumes the faults that match this call and says what to do. */
	take(operation: string, surface: Surface, method: string): FaultDecision | undefined {
		let decision: FaultDecision | undefined;
		for (const fault of this.faults) {
			const { spec } = fault;
			if (spec.surface && spec.surface !== surface) continue;
			if (spec.method && spec.method.toUpperCase() !== method) continue;
			if (!fault.matcher(operation)) continue;
			if (fault.skip > 0) {
				fault.skip--;
				continue;
			}
			fault.remaining--;
			decision ??= { latencyMs: 0, afterAnswer: [] };
			decision.latencyMs += latencyOf(spec.latencyMs);
			if (spec.afterAnswer) decision.afterAnswer.push(spec.afterAnswer);
			if (!decision.response && (spec.reset || spec.status)) {
				decision.response = spec.reset
					? { status: 0, destroySocket: true }
					: faultResponse(spec, surface).response;
			}
		}
		this.faults = this.faults.filter((f) => f.remaining > 0);
		return decision;
	}
}

/** Fault answers of surfaces that own their error shape (Google Ads, Data Manager). */
const surfaceFaults = new Map<Surface, (status: number, spec: FaultSpec) => EmulatorHttpError>();

/** A surface registers how its injected faults answer; others get the Google JSON API shape. */
export function registerSurfaceFault(
	surface: Surface,
	answer: (status: number, spec: FaultSpec) => EmulatorHttpError,
): void {
	surfaceFaults.set(surface, answer);
}

function operationMatcher(operation: string | RegExp | undefined): (name: string) => boolean {
	if (operation === undefined) return () => true;
	if (operation instanceof RegExp) return (name) => operation.test(name);
	const regexSource = /^\/(.*)\/([a-z]*)$/.exec(operation);
	if (regexSource) {
		const re = new RegExp(regexSource[1]!, regexSource[2]);
		return (name) => re.test(name);
	}
	if (operation.includes('*')) {
		const re = new RegExp(
			`^${operation
				.split('*')
				.map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
				.join('.*')}$`,
		);
		return (name) => re.test(name);
	}
	return (name) => name === operation;
}

function latencyOf(latency: number | [number, number] | undefined): number {
	if (latency === undefined) return 0;
	if (typeof latency === 'number') return latency;
	const [min, max] = latency;
	return min + Math.random() * (max - min);
}

/** The error a fault produces, in the shape of the surface that was called. */
export function faultResponse(spec: FaultSpec, surface: Surface): EmulatorHttpError {
	const status = spec.status ?? 500;
	const retryAfter = spec.retryAfterSeconds ?? (status === 429 || status === 503 ? 1 : undefined);
	const headers: Record<string, string> = {};
	if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
	let error: EmulatorHttpError;
	switch (surface) {
		case 'graph':
			error = graphFault(status, spec, headers);
			break;
		case 'google-oauth':
			error = googleOAuthError(
				status,
				status >= 500 ? 'internal_failure' : 'rate_limit_exceeded',
				spec.message ?? (status >= 500 ? 'Backend Error' : 'Rate limit exceeded.'),
			);
			break;
		case 'microsoft-identity':
			error =
				status >= 500
					? microsoftIdentityError(
							status,
							'temporarily_unavailable',
							90033,
							spec.message ?? 'A transient error has occurred. Please try again.',
						)
					: microsoftIdentityError(
							status,
							'invalid_request',
							90055,
							spec.message ?? 'The request was throttled. Please try again later.',
						);
			break;
		case 'control':
			error = new EmulatorHttpError({ status, body: { error: spec.message ?? 'fault' } });
			break;
		case 'openai':
			error = openaiFault(status, spec);
			break;
		default:
			error = surfaceFaults.get(surface)?.(status, spec) ?? googleFault(status, spec, headers);
	}
	error.response.headers = { ...error.response.headers, ...headers };
	return error;
}

function googleFault(
	status: number,
	spec: FaultSpec,
	headers: Record<string, string>,
): EmulatorHttpError {
	const reason =
		spec.reason ??
		(status === 429 || status === 403
			? 'rateLimitExceeded'
			: status === 503
				? 'backendError'
				: status >= 500
					? 'backendError'
					: 'badRequest');
	const message =
		spec.message ??
		(reason === 'userRateLimitExceeded'
			? 'User Rate Limit Exceeded'
			: reason === 'rateLimitExceeded'
				? 'Rate Limit Exceeded'
				: status === 503
					? 'The service is currently unavailable.'
					: status >= 500
						? 'Backend Error'
						: 'Bad Request');
	const domain =
		reason === 'userRateLimitExceeded' || reason === 'rateLimitExceeded' ? 'usageLimits' : 'global';
	return googleError(status, message, reason, { domain, headers });
}

function graphFault(
	status: number,
	spec: FaultSpec,
	headers: Record<string, string>,
): EmulatorHttpError {
	switch (status) {
		case 429:
			return graphError(
				429,
				spec.reason ?? 'TooManyRequests',
				spec.message ?? 'Too many requests. Please retry after the time in the Retry-After header.',
				headers,
			);
		case 503:
			return graphError(
				503,
				spec.reason ?? 'serviceNotAvailable',
				spec.message ?? 'Service Unavailable',
				headers,
			);
		case 403:
			return graphError(
				403,
				spec.reason ?? 'ErrorAccessDenied',
				spec.message ?? 'Access is denied. Check credentials and try again.',
				headers,
			);
		default:
			return graphError(
				status,
				spec.reason ?? (status >= 500 ? 'generalException' : 'BadRequest'),
				spec.message ?? (status >= 500 ? 'An internal server error occurred.' : 'Bad request.'),
				headers,
			);
	}
}

function openaiFault(status: number, spec: FaultSpec): EmulatorHttpError {
	if (status === 429) {
		return openaiError(
			429,
			spec.message ??
				'Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
			'requests',
			spec.reason ?? 'rate_limit_exceeded',
		);
	}
	if (status >= 500) {
		return openaiError(
			status,
			spec.message ?? 'The server had an error while processing your request. Sorry about that!',
			'server_error',
			spec.reason ?? null,
		);
	}
	return openaiError(
		status,
		spec.message ?? 'Bad request.',
		'invalid_request_error',
		spec.reason ?? null,
	);
}
