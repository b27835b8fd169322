/**
 * Request/response types shared by every emulator surface, and the helpers that build each
 * provider's documented error body (Google JSON API, Google OAuth, Microsoft identity, Graph).
 */
import { randomUUID } from 'node:crypto';
import type { Account, AccessGrant } from './state';

export type Surface =
	| 'google-oauth'
	| 'gmail'
	| 'calendar'
	| 'google-userinfo'
	| 'microsoft-identity'
	| 'graph'
	| 'openai'
	| 'google-ads'
	| 'data-manager'
	| 'youtube'
	| 'websub'
	| 'control';

export interface EmulatorRequest {
	method: string; // upper case
	path: string; // decoded pathname, no query
	query: URLSearchParams;
	headers: Record<string, string | undefined>; // lower-case names, joined values
	body: Buffer;
	params: Record<string, string>; // from the route pattern (':name' segments, '*rest' tail)
	json<T = unknown>(): T; // throws an EmulatorHttpError 400 in the surface's error shape
	form(): URLSearchParams; // application/x-www-form-urlencoded body
	account?: Account; // set by auth for authenticated routes
	grant?: AccessGrant; // the access token's grant (scopes, client, expiry)
	surface: Surface;
	operation: string; // the route's name, e.g. 'gmail.users.messages.get'
}

export interface EmulatorResponse {
	status: number;
	headers?: Record<string, string>;
	/** Buffer | string is sent as is; anything else is JSON with application/json; charset=UTF-8. */
	body?: unknown;
	/** Set by a connection-reset fault: the HTTP server destroys the socket instead of answering. */
	destroySocket?: boolean;
}

export class EmulatorHttpError extends Error {
	constructor(public response: EmulatorResponse) {
		super(`emulator HTTP ${response.status}`);
	}
}

const GOOGLE_STATUS_TEXT: Record<number, string> = {
	400: 'INVALID_ARGUMENT',
	401: 'UNAUTHENTICATED',
	403: 'PERMISSION_DENIED',
	404: 'NOT_FOUND',
	409: 'ABORTED',
	410: 'FAILED_PRECONDITION',
	412: 'FAILED_PRECONDITION',
	413: 'FAILED_PRECONDITION',
	429: 'RESOURCE_EXHAUSTED',
	500: 'INTERNAL',
	501: 'UNIMPLEMENTED',
	503: 'UNAVAILABLE',
};

/** Google JSON API error: `{ error: { code, message, errors: [{ message, domain, reason }], status } }`. */
export function googleError(
	status: number,
	message: string,
	reason: string,
	extra: {
		domain?: string;
		statusText?: string;
		headers?: Record<string, string>;
		location?: string;
		locationType?: string;
		details?: unknown[];
	} = {},
): EmulatorHttpError {
	const item: Record<string, string> = { message, domain: extra.domain ?? 'global', reason };
	if (extra.location) item.location = extra.location;
	if (extra.locationType) item.locationType = extra.locationType;
	const error: Record<string, unknown> = {
		code: status,
		message,
		errors: [item],
		status: extra.statusText ?? GOOGLE_STATUS_TEXT[status] ?? 'UNKNOWN',
	};
	if (extra.details) error.details = extra.details;
	return new EmulatorHttpError({ status, headers: extra.headers, body: { error } });
}

/** Graph error: `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`. */
export function graphError(
	status: number,
	code: string,
	message: string,
	headers?: Record<string, string>,
): EmulatorHttpError {
	const requestId = randomUUID();
	return new EmulatorHttpError({
		status,
		headers: { 'request-id': requestId, ...headers },
		body: {
			error: {
				code,
				message,
				innerError: {
					date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
					'request-id': requestId,
					'client-request-id': requestId,
				},
			},
		},
	});
}

/** Google OAuth endpoint error (RFC 6749 shape): `{ error, error_description }`. */
export function googleOAuthError(
	status: number,
	error: string,
	description?: string,
): EmulatorHttpError {
	const body: Record<string, string> = { error };
	if (description !== undefined) body.error_description = description;
	return new EmulatorHttpError({ status, headers: { 'cache-control': 'no-store' }, body });
}

/**
 * Microsoft identity platform error: `{ error, error_description: 'AADSTS…: …', error_codes,
 * timestamp, trace_id, correlation_id, error_uri }`.
 */
export function microsoftIdentityError(
	status: number,
	error: string,
	aadsts: number,
	message: string,
	nowMs: number = Date.now(),
): EmulatorHttpError {
	const traceId = randomUUID();
	const correlationId = randomUUID();
	const timestamp = new Date(nowMs)
		.toISOString()
		.replace('T', ' ')
		.replace(/\.\d{3}Z$/, 'Z');
	return new EmulatorHttpError({
		status,
		headers: { 'cache-control': 'no-store, no-cache', 'x-ms-request-id': traceId },
		body: {
			error,
			error_description: `AADSTS${aadsts}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
			error_codes: [aadsts],
			timestamp,
			trace_id: traceId,
			correlation_id: correlationId,
			error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
		},
	});
}

/**
 * OpenAI error (also what OpenAI-compatible servers answer):
 * `{ error: { message, type, param, code } }`.
 */
export function openaiError(
	status: number,
	message: string,
	type: string,
	code: string | null,
	headers?: Record<string, string>,
): EmulatorHttpError {
	return new EmulatorHttpError({
		status,
		headers,
		body: { error: { message, type, param: null, code } },
	});
}

/** The "invalid body" error in the shape of the surface that received it. */
export function badRequestFor(surface: Surface, detail: string): EmulatorHttpError {
	switch (surface) {
		case 'graph':
			return graphError(400, 'BadRequest', `Unable to read JSON request payload. ${detail}`);
		case 'google-oauth':
			return googleOAuthError(400, 'invalid_request', detail);
		case 'microsoft-identity':
			return microsoftIdentityError(400, 'invalid_request', 900144, detail);
		case 'control':
			return new EmulatorHttpError({ status: 400, body: { error: detail } });
		case 'openai':
			return openaiError(
				400,
				`We could not parse the JSON body of your request. ${detail}`,
				'invalid_request_error',
				null,
			);
		default:
			return googleError(400, `Invalid JSON payload received. ${detail}`, 'parseError');
	}
}

/** The 404 for a path no route matches, in the shape of the host the path belongs to. */
export function notFoundFor(path: string, method: string): EmulatorHttpError {
	if (path.startsWith('/v1.0/') || path.startsWith('/beta/')) {
		return graphError(
			400,
			'BadRequest',
			`Resource not found for the segment '${path.split('/').filter(Boolean).pop() ?? ''}'.`,
		);
	}
	return googleError(404, `Not Found: ${method} ${path}`, 'notFound');
}

/** Escapes text for the HTML consent pages. */
export function escapeHtml(text: string): string {
	return text.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
	);
}
