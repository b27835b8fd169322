// One entry point for every API route, with no HTTP framework: authenticate (API token, or the
// signed state for the OAuth callback), check the route's scope, scope every query by the
// token's workspace, and answer JSON. Never throws; never returns or logs a token.
import {
	ApiAuthError,
	bearerToken,
	requireScope,
	verifyApiToken,
	type ApiPrincipal,
	type ApiScope,
} from '../security/apiToken';
import { connectUrlRoute, oauthCallbackRoute } from './connectRoutes';
import {
	disconnectRoute,
	getSettingsRoute,
	patchSettingsRoute,
	resyncRoute,
} from './integrationRoutes';
import {
	corsHeadersFor,
	rawHeader,
	reportUnexpected,
	singleValues,
	withHeaders,
} from './httpHelpers';
import { statusRoute } from './statusRoute';
import { ApiError, type ApiContext, type ApiRequest, type ApiResponse } from './types';

export type { ApiContext, ApiRequest, ApiResponse } from './types';
export { ApiError } from './types';

type AuthenticatedHandler = (
	context: ApiContext,
	principal: ApiPrincipal,
	request: ApiRequest,
) => Promise<ApiResponse>;

interface RouteSpec {
	method: 'GET' | 'POST' | 'PATCH';
	scope: ApiScope;
	handler: AuthenticatedHandler;
}

const ROUTES: Record<string, RouteSpec[]> = {
	'connect-url': [{ method: 'GET', scope: 'integrations:write', handler: connectUrlRoute }],
	status: [{ method: 'GET', scope: 'integrations:read', handler: statusRoute }],
	settings: [
		{ method: 'GET', scope: 'integrations:read', handler: getSettingsRoute },
		{ method: 'PATCH', scope: 'integrations:write', handler: patchSettingsRoute },
	],
	disconnect: [{ method: 'POST', scope: 'integrations:write', handler: disconnectRoute }],
	resync: [{ method: 'POST', scope: 'integrations:write', handler: resyncRoute }],
};

/** The OAuth callback is authenticated by its signed, single-use state, not by an API token. */
const CALLBACK_ROUTE = 'oauth/callback';

/** The routes and methods served, for the node's description and docs. */
export function apiRoutes(): Array<{ route: string; method: string; scope: string | null }> {
	return [
		...Object.entries(ROUTES).flatMap(([route, specs]) =>
			specs.map((spec) => ({ route, method: spec.method, scope: spec.scope as string | null })),
		),
		{ route: CALLBACK_ROUTE, method: 'GET', scope: null },
	];
}

export async function handleApiRequest(
	context: ApiContext,
	request: ApiRequest,
): Promise<ApiResponse> {
	const cors = corsHeaders(context, request);
	try {
		if (!request || typeof request !== 'object') {
			throw new ApiError(400, 'bad_request', 'The request is empty');
		}
		request = normalizeRequest(request);
		const method = String(request.method ?? 'GET').toUpperCase();
		const route = normalizeRoute(request.route);
		if (method === 'OPTIONS') return { status: 204, headers: cors };
		if (route === CALLBACK_ROUTE) {
			if (method !== 'GET') throw new ApiError(405, 'method_not_allowed', `${route} answers GET`);
			// A browser navigation, not a widget call: no CORS headers.
			return withHeaders(await oauthCallbackRoute(context, request), {});
		}
		const specs = ROUTES[route];
		if (!specs) throw new ApiError(404, 'not_found', `Unknown route '${route.slice(0, 64)}'`);
		const spec = specs.find((candidate) => candidate.method === method);
		if (!spec) {
			throw new ApiError(
				405,
				'method_not_allowed',
				`${route} answers ${specs.map((candidate) => candidate.method).join(', ')}`,
			);
		}
		const principal = await verifyApiToken(
			bearerToken(header(request, 'authorization')),
			context.apps.apiSigningSecret,
			{ now: context.now?.() },
		);
		requireScope(principal, spec.scope);
		const response = await spec.handler(context, principal, request);
		return withHeaders(response, cors);
	} catch (error) {
		const response = errorResponse(error);
		reportUnexpected(context, response, error);
		return withHeaders(response, cors);
	}
}

/** Query values as single strings (a repeated parameter keeps its first value). */
function normalizeRequest(request: ApiRequest): ApiRequest {
	return { ...request, query: singleValues(request.query) };
}

function normalizeRoute(route: string | undefined): string {
	return String(route ?? '')
		.replace(/^\/+|\/+$/g, '')
		.toLowerCase();
}

/** A header's value; a list value counts as none. */
function header(request: ApiRequest, name: string): string | undefined {
	const value = rawHeader(request.headers, name);
	return typeof value === 'string' ? value : undefined;
}

function corsHeaders(context: ApiContext, request: ApiRequest): Record<string, string> {
	if (!request || typeof request !== 'object') return {};
	const origin = header(request, 'origin');
	if (!origin) return {};
	return corsHeadersFor(origin, context.apps?.allowedReturnOrigins);
}

/** Known errors keep their message; anything else is a generic 500 (its text may hold anything). */
export function errorResponse(error: unknown): ApiResponse {
	if (error instanceof ApiError || error instanceof ApiAuthError) {
		return { status: error.status, body: { error: { code: error.code, message: error.message } } };
	}
	return {
		status: 500,
		body: { error: { code: 'internal', message: 'The request failed; try again later' } },
	};
}
