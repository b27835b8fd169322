// The one way core reaches a provider: a `ProviderRequester`. In n8n nodes it sends through n8n's
// httpRequestWithAuthentication (so n8n signs, refreshes and saves OAuth tokens); in the sync engine
// through our own token store. Provider clients (googleapis, the Graph client) are adapted onto it.

export interface ProviderRequest {
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	url: string;
	headers?: Record<string, string>;
	/** A string or Buffer is sent as is; an object is sent as JSON. */
	body?: string | Buffer | object;
	/** How to read the response body (default: JSON when the response says so, else text). */
	responseType?: 'json' | 'text' | 'buffer';
}

export interface ProviderResponse<T = unknown> {
	status: number;
	headers: Record<string, string>;
	body: T;
}

/** Resolves for 2xx/3xx answers; throws a ProviderHttpError for the others. */
export type ProviderRequester = <T = unknown>(
	request: ProviderRequest,
) => Promise<ProviderResponse<T>>;

/** A provider answered with an error status. */
export class ProviderHttpError extends Error {
	constructor(
		readonly status: number,
		readonly headers: Record<string, string>,
		readonly body: unknown,
		readonly request: Pick<ProviderRequest, 'method' | 'url'>,
	) {
		super(describeProviderError(status, body));
		this.name = 'ProviderHttpError';
	}

	/** Delay the provider asked for (Retry-After seconds or HTTP date), in ms. */
	get retryAfterMs(): number | undefined {
		const value = this.headers['retry-after'];
		if (!value) return undefined;
		const seconds = Number(value);
		if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
		const date = Date.parse(value);
		return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
	}

	/** Google's `errors[0].reason`, Graph's `error.code`, or OAuth's `error`. */
	get reason(): string | undefined {
		const body = this.body as
			| {
					error?:
						| string
						| { code?: string | number; errors?: Array<{ reason?: string }>; status?: string };
			  }
			| undefined;
		const error = body?.error;
		if (typeof error === 'string') return error;
		return (
			error?.errors?.[0]?.reason ?? (typeof error?.code === 'string' ? error.code : error?.status)
		);
	}
}

function describeProviderError(status: number, body: unknown): string {
	const error = (body as { error?: unknown } | undefined)?.error;
	if (typeof error === 'string') {
		const description = (body as { error_description?: string }).error_description;
		return `HTTP ${status}: ${error}${description ? ` (${description})` : ''}`;
	}
	const message = (error as { message?: string } | undefined)?.message;
	if (message) return `HTTP ${status}: ${message}`;
	if (typeof body === 'string' && body.trim())
		return `HTTP ${status}: ${body.trim().slice(0, 200)}`;
	return `HTTP ${status}`;
}

/** Lower-case header names, comma-joined values. */
export function normalizeHeaders(
	headers: Headers | Record<string, string | string[] | number | undefined> | undefined,
): Record<string, string> {
	const result: Record<string, string> = {};
	if (!headers) return result;
	if (
		typeof (headers as Headers).forEach === 'function' &&
		!(headers as Record<string, unknown>).constructor?.name?.startsWith('Object')
	) {
		(headers as Headers).forEach((value, key) => (result[key.toLowerCase()] = value));
		return result;
	}
	for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
		if (value === undefined) continue;
		result[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return result;
}
