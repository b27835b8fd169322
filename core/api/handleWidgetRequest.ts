// The widget API's one entry point, with no HTTP framework: which route a path is (routeTable),
// the bearer token (signature, expiry, scopes), the path's workspace against the token's, the
// query and body against the route's zod schemas, then the route. Answers JSON with a stable error
// code; never throws; never returns or logs a token. CORS headers only for configured origins.
import {
	ApiAuthError,
	bearerToken,
	requireScope,
	verifyApiToken,
	type ApiPrincipal,
} from '../security/apiToken';
import { QueryInputError } from '../store/emailQueries';
import { CrmArgumentError, CrmRecordNotFoundError } from '../store/recordLinks';
import { errorResponse } from './handleApiRequest';
import {
	corsHeadersFor,
	firstValue,
	rawHeader,
	reportUnexpected,
	singleValues,
	withHeaders,
} from './httpHelpers';
import { matchWidgetRoute, type WidgetProvider, type WidgetRouteName } from './routeTable';
import { ApiError, type ApiContext, type ApiResponse } from './types';
import { WIDGET_HANDLERS } from './widgetHandlers';
import { describeIssue, WIDGET_SCHEMAS } from './widgetSchemas';

export interface WidgetRequest {
	method: string;
	/** Relative to the node's base: `workspaces/<ws>/integrations/google/gmail/emails`. */
	path: string;
	query?: Record<string, unknown>;
	headers?: Record<string, string | string[] | undefined>;
	/** Parsed JSON, a JSON text, or undefined. */
	body?: unknown;
}

/** What a route handler is given: the request checked and parsed. */
export interface WidgetCall<Query = unknown, Body = unknown> {
	context: ApiContext;
	principal: ApiPrincipal;
	route: WidgetRouteName;
	/** The provider segment of the path; null for workspace routes (records, integrations). */
	provider: WidgetProvider | null;
	/** Path parameters (`workspaceId`, `id`). */
	params: Record<string, string>;
	query: Query;
	body: Body;
}

/** A route's function; its query and body types are the route's schemas' outputs. */
export type WidgetHandler = (call: WidgetCall<never, never>) => Promise<ApiResponse>;

export async function handleWidgetRequest(
	context: ApiContext,
	request: WidgetRequest,
): Promise<ApiResponse> {
	let cors: Record<string, string> = {};
	try {
		cors = corsHeaders(context, request);
		if (!request || typeof request !== 'object') {
			throw new ApiError(400, 'bad_request', 'The request is empty');
		}
		const method = String(request.method ?? 'GET').toUpperCase();
		if (method === 'OPTIONS')
			return { status: 204, headers: { ...cors, 'cache-control': 'no-store' } };
		const path = String(request.path ?? '');
		const match = matchWidgetRoute(method, path);
		if (!match) {
			const other = ['GET', 'POST'].find((candidate) => matchWidgetRoute(candidate, path));
			if (other) throw new ApiError(405, 'method_not_allowed', `This path answers ${other}`);
			throw new ApiError(404, 'not_found', 'Unknown API path');
		}
		const principal = await verifyApiToken(
			bearerToken(header(request, 'authorization')),
			context.apps.apiSigningSecret,
			{ now: context.now?.() },
		);
		if (match.params.workspaceId?.toLowerCase() !== principal.workspaceId) {
			throw new ApiError(403, 'forbidden', 'The API token is for another workspace');
		}
		requireScope(principal, match.route.writes ? 'integrations:write' : 'integrations:read');
		const schemas = WIDGET_SCHEMAS[match.route.name];
		let query: unknown = {};
		if (schemas.query) {
			const parsed = schemas.query.safeParse(singleValues(request.query));
			if (!parsed.success)
				throw new ApiError(400, 'bad_request', describeIssue('query', parsed.error));
			query = parsed.data;
		}
		let body: unknown = undefined;
		if (schemas.body) {
			const parsed = schemas.body.safeParse(jsonBody(request.body) ?? {});
			if (!parsed.success)
				throw new ApiError(400, 'bad_request', describeIssue('body', parsed.error));
			body = parsed.data;
		}
		const handler = WIDGET_HANDLERS[match.route.name];
		if (!handler) throw new ApiError(501, 'not_implemented', 'This route is not implemented yet');
		const response = await handler({
			context,
			principal,
			route: match.route.name,
			provider: match.provider,
			params: match.params,
			query,
			body,
		} as WidgetCall<never, never>);
		return withNoSniff(response, cors);
	} catch (error) {
		const response = widgetErrorResponse(error);
		reportUnexpected(context, response, error);
		return withNoSniff(response, cors);
	}
}

/** Errors of the layers below, as the API words them; anything unknown is a generic 500. */
export function widgetErrorResponse(error: unknown): ApiResponse {
	if (error instanceof ApiError || error instanceof ApiAuthError) return errorResponse(error);
	if (error instanceof QueryInputError || error instanceof CrmArgumentError) {
		return errorResponse(new ApiError(400, 'bad_request', error.message));
	}
	if (error instanceof CrmRecordNotFoundError) {
		return errorResponse(new ApiError(404, 'not_found', error.message));
	}
	return errorResponse(error);
}

function jsonBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	if (body.trim() === '') return undefined;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		throw new ApiError(400, 'bad_request', 'The request body is not JSON');
	}
}

/** A header's value; a list value gives its first item. */
function header(request: WidgetRequest, name: string): string | undefined {
	const first = firstValue(rawHeader(request.headers, name));
	return typeof first === 'string' ? first : undefined;
}

/** CORS headers for an allowed origin (exact match of scheme, host and port); none otherwise. */
export function corsHeaders(context: ApiContext, request: WidgetRequest): Record<string, string> {
	if (!request || typeof request !== 'object') return {};
	return corsHeadersFor(header(request, 'origin'), context?.apps?.allowedReturnOrigins);
}

/** The shared response headers, with `nosniff` before the CORS headers. */
function withNoSniff(response: ApiResponse, cors: Record<string, string>): ApiResponse {
	return withHeaders(response, { 'x-content-type-options': 'nosniff', ...cors });
}
