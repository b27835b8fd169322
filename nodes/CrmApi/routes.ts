import type { IHttpRequestMethods, IWebhookDescription } from 'n8n-workflow';

/**
 * The first path segment of every route, after n8n's webhook prefix: the routes are
 * `<n8n>/webhook/crm-api/<route>`, and `<n8n>/webhook/crm-api` is the credential's Public Base URL.
 */
export const API_BASE_PATH = 'crm-api';

/** Each route of the API and the methods it answers (the engine's handler decides the rest). */
export const API_ROUTES: Readonly<Record<string, readonly IHttpRequestMethods[]>> = {
	'connect-url': ['GET'],
	'oauth/callback': ['GET'],
	status: ['GET'],
	settings: ['GET', 'PATCH'],
	disconnect: ['POST'],
	resync: ['POST'],
};

/**
 * One webhook per route and method, on a fixed full path. No expression and no `:param` in any
 * of them: n8n then matches the path exactly and evaluates nothing per request, so an answer
 * costs a few milliseconds.
 */
export function apiWebhooks(): IWebhookDescription[] {
	return Object.entries(API_ROUTES).flatMap(([route, methods]) =>
		methods.map(
			(httpMethod): IWebhookDescription => ({
				name: 'default',
				httpMethod,
				path: `${API_BASE_PATH}/${route}`,
				isFullPath: true,
				responseMode: 'onReceived',
			}),
		),
	);
}

/**
 * The route of a request from its path (`/webhook/crm-api/oauth/callback` → `oauth/callback`),
 * or undefined for a path that is not one of the API's.
 */
export function routeOf(requestPath: string): string | undefined {
	const marker = `/${API_BASE_PATH}/`;
	const at = requestPath.indexOf(marker);
	if (at < 0) return undefined;
	const route = requestPath.slice(at + marker.length).replace(/\/+$/, '');
	return Object.prototype.hasOwnProperty.call(API_ROUTES, route) ? route : undefined;
}
