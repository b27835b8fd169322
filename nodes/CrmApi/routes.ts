import type { IHttpRequestMethods, IWebhookDescription } from 'n8n-workflow';

// The route table is plain data emitted on its own (dist/core/api/routeTable.js), so listing the
// webhooks when n8n loads the node does not load the engine.
import { concreteWidgetRoutes } from '../../core/api/routeTable';

/**
 * The first path segment of every route, after n8n's webhook prefix: the routes are
 * `<n8n>/webhook/crm-api/<route>`, and `<n8n>/webhook/crm-api` is the credential's Public Base URL.
 * The widget routes (with `:workspaceId` / `:id`) answer at `<n8n>/webhook/<webhookId>/crm-api/…`:
 * n8n puts the node's webhookId in front of every path with a parameter.
 */
export const API_BASE_PATH = 'crm-api';

/** Each route of the connect flow's API and the methods it answers (the engine decides the rest). */
export const API_ROUTES: Readonly<Record<string, readonly IHttpRequestMethods[]>> = {
	'connect-url': ['GET'],
	'oauth/callback': ['GET'],
	status: ['GET'],
	settings: ['GET', 'PATCH'],
	disconnect: ['POST'],
	resync: ['POST'],
};

/** The node's own static routes: the widget bundle, the OpenAPI document, Sign in with Google. */
export const NODE_ROUTES = {
	'widgets.js': 'GET',
	'openapi.json': 'GET',
	'auth/google/start': 'GET',
	'auth/google/callback': 'GET',
} as const satisfies Record<string, IHttpRequestMethods>;

export type NodeRoute = keyof typeof NODE_ROUTES;

function webhook(httpMethod: IHttpRequestMethods, path: string): IWebhookDescription {
	return {
		name: 'default',
		httpMethod,
		path: `${API_BASE_PATH}/${path}`,
		isFullPath: true,
		responseMode: 'onReceived',
	};
}

/**
 * One webhook per route and method, on a full path computed here (no expression anywhere, so n8n
 * evaluates nothing per request): the static routes, then one per widget route and provider.
 */
export function apiWebhooks(): IWebhookDescription[] {
	return [
		...Object.entries(API_ROUTES).flatMap(([route, methods]) =>
			methods.map((method) => webhook(method, route)),
		),
		...Object.entries(NODE_ROUTES).map(([route, method]) => webhook(method, route)),
		...concreteWidgetRoutes().map(({ route, path }) => webhook(route.method, path)),
	];
}

export type RequestRoute =
	| { kind: 'api'; route: string }
	| { kind: 'node'; route: NodeRoute }
	/** A widget route: the path relative to the base (`workspaces/…`), matched by the engine. */
	| { kind: 'widget'; path: string };

/** What follows `/crm-api/` in a request path (`/webhook/<id>/crm-api/workspaces/…` → `workspaces/…`). */
function afterBase(requestPath: string): string | undefined {
	const marker = `/${API_BASE_PATH}/`;
	const at = requestPath.indexOf(marker);
	if (at < 0) return undefined;
	return requestPath.slice(at + marker.length).replace(/\/+$/, '');
}

/**
 * The route of a request from its path, or undefined for a path that is none of the node's. n8n
 * matches paths with parameters loosely (segment count and a set of fixed segments), so the
 * widget path is matched again, exactly, by the engine.
 */
export function requestRouteOf(requestPath: string): RequestRoute | undefined {
	const rest = afterBase(requestPath);
	if (rest === undefined) return undefined;
	if (rest.startsWith('workspaces/')) return { kind: 'widget', path: rest };
	if (Object.prototype.hasOwnProperty.call(API_ROUTES, rest)) return { kind: 'api', route: rest };
	if (Object.prototype.hasOwnProperty.call(NODE_ROUTES, rest)) {
		return { kind: 'node', route: rest as NodeRoute };
	}
	return undefined;
}

/** The connect flow route of a request path (kept for the engine's legacy handler). */
export function routeOf(requestPath: string): string | undefined {
	const route = requestRouteOf(requestPath);
	return route?.kind === 'api' ? route.route : undefined;
}
