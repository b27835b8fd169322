// What the two API entry points (handleApiRequest, handleWidgetRequest) share: header lookup,
// query values, CORS headers, the common response headers and reporting of unexpected errors.
import type { ApiContext, ApiResponse } from './types';

/** A list value's first item; any other value as it is. */
export function firstValue(value: unknown): unknown {
	return Array.isArray(value) ? value[0] : value;
}

/** The raw value of the first header named `name` (names compared lower-cased); undefined if none. */
export function rawHeader(headers: unknown, name: string): unknown {
	const entries = headers && typeof headers === 'object' ? headers : {};
	for (const [key, value] of Object.entries(entries)) {
		if (key.toLowerCase() === name) return value;
	}
	return undefined;
}

/** Query values as single strings (a repeated parameter keeps its first value). */
export function singleValues(query: unknown): Record<string, string> {
	const result: Record<string, string> = {};
	if (!query || typeof query !== 'object') return result;
	for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
		const first = firstValue(value);
		if (typeof first === 'string') result[name] = first;
	}
	return result;
}

/** CORS headers for an allowed origin (exact match of scheme, host and port); none otherwise. */
export function corsHeadersFor(
	origin: string | undefined,
	allowedOrigins: readonly string[] | undefined,
): Record<string, string> {
	if (!origin || !allowedOrigins?.includes(origin)) return {};
	return {
		'access-control-allow-origin': origin,
		'access-control-allow-methods': 'GET, POST, PATCH, OPTIONS',
		'access-control-allow-headers': 'authorization, content-type',
		'access-control-max-age': '600',
		vary: 'Origin',
	};
}

/** `no-store`, then `extra`, then the response's own headers; a JSON content type for a body. */
export function withHeaders(response: ApiResponse, extra: Record<string, string>): ApiResponse {
	const headers: Record<string, string> = {
		'cache-control': 'no-store',
		...extra,
		...(response.headers ?? {}),
	};
	if (response.body !== undefined) headers['content-type'] ??= 'application/json; charset=utf-8';
	return { ...response, headers };
}

/** Hands the error behind a 500 answer to the context's logger; a failing logger is ignored. */
export function reportUnexpected(
	context: ApiContext | undefined,
	response: ApiResponse,
	error: unknown,
): void {
	if (response.status !== 500) return;
	try {
		context?.onUnexpectedError?.(error);
	} catch {
		// A failing logger must not turn an answer into a throw.
	}
}
