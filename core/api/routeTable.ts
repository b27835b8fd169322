// The widget API's routes: one name per operation, the HTTP method and the path under the CRM API
// node's base. Plain data with no imports, shared by the node (one n8n webhook per entry), the
// handler, the OpenAPI document and the widgets' client (bundled into the browser).
//
// Every path holds the workspace (`:workspaceId`, checked against the token's) and, where an
// operation acts on one email or event, `:id`. n8n answers a CORS preflight on a `:param` path with
// one method only, so no two entries share a path.

export type WidgetProvider = 'google' | 'microsoft';

export const WIDGET_PROVIDERS: readonly WidgetProvider[] = ['google', 'microsoft'];

/** The mail segment of each provider's paths, as in the product brief (`…/google/gmail/emails`). */
export const MAIL_SEGMENT: Readonly<Record<WidgetProvider, string>> = {
	google: 'gmail',
	microsoft: 'outlook',
};

export type WidgetRouteName =
	| 'integrations.list'
	| 'integration.status'
	| 'integration.connect'
	| 'integration.settings'
	| 'integration.disconnect'
	| 'integration.progress'
	| 'mail.sync'
	| 'mail.labels'
	| 'emails.list'
	| 'emails.get'
	| 'emails.send'
	| 'emails.reply'
	| 'emails.read'
	| 'emails.link'
	| 'emails.unlink'
	| 'calendar.sync'
	| 'calendar.calendars'
	| 'events.list'
	| 'events.get'
	| 'events.create'
	| 'events.link'
	| 'events.unlink'
	| 'records.search'
	| 'records.enrich';

export interface WidgetRoute {
	name: WidgetRouteName;
	method: 'GET' | 'POST';
	/**
	 * Under the node's base, with `{mail}` for the provider's mail segment and `:workspaceId`,
	 * `:provider`-free (the provider is a fixed segment: one entry per provider).
	 */
	path: string;
	/** Whether the path holds a provider (`integrations/{provider}/…`). */
	perProvider: boolean;
	/** Whether the route changes state (needs the integrations:write scope). */
	writes: boolean;
	summary: string;
}

const INTEGRATION = 'workspaces/:workspaceId/integrations/{provider}';

export const WIDGET_ROUTES: readonly WidgetRoute[] = [
	{
		name: 'integrations.list',
		method: 'GET',
		path: 'workspaces/:workspaceId/integrations',
		perProvider: false,
		writes: false,
		summary: "The providers this n8n is configured for and the caller's integration of each",
	},
	{
		name: 'integration.status',
		method: 'GET',
		path: `${INTEGRATION}/status`,
		perProvider: true,
		writes: false,
		summary: 'Connection state, account, last sync, settings and the running sync',
	},
	{
		name: 'integration.connect',
		method: 'GET',
		path: `${INTEGRATION}/connect`,
		perProvider: true,
		writes: true,
		summary: "The provider's consent URL (query: return_url)",
	},
	{
		name: 'integration.settings',
		method: 'POST',
		path: `${INTEGRATION}/settings`,
		perProvider: true,
		writes: true,
		summary: 'Change settings (a partial update, as PATCH …/settings on the static route)',
	},
	{
		name: 'integration.disconnect',
		method: 'POST',
		path: `${INTEGRATION}/disconnect`,
		perProvider: true,
		writes: true,
		summary: 'Disconnect: revoke and wipe the tokens (body: deleteData)',
	},
	{
		name: 'integration.progress',
		method: 'GET',
		path: `${INTEGRATION}/progress`,
		perProvider: true,
		writes: false,
		summary: 'The running sync: done and total',
	},
	{
		name: 'mail.sync',
		method: 'POST',
		path: `${INTEGRATION}/{mail}/sync`,
		perProvider: true,
		writes: true,
		summary: 'Sync mail now',
	},
	{
		name: 'mail.labels',
		method: 'GET',
		path: `${INTEGRATION}/{mail}/labels`,
		perProvider: true,
		writes: false,
		summary: 'The mailbox labels (Gmail) or folders (Outlook) to choose from',
	},
	{
		name: 'emails.list',
		method: 'GET',
		path: `${INTEGRATION}/{mail}/emails`,
		perProvider: true,
		writes: false,
		summary:
			'Emails, newest first (query: q, label, person_id, company_id, direction, cursor, limit)',
	},
	{
		name: 'emails.get',
		method: 'GET',
		path: `${INTEGRATION}/{mail}/emails/:id`,
		perProvider: true,
		writes: false,
		summary: 'One email with its sanitised HTML',
	},
	{
		name: 'emails.send',
		method: 'POST',
		path: `${INTEGRATION}/{mail}/send`,
		perProvider: true,
		writes: true,
		summary: "Send an email from the caller's mailbox",
	},
	{
		name: 'emails.reply',
		method: 'POST',
		path: `${INTEGRATION}/{mail}/emails/:id/reply`,
		perProvider: true,
		writes: true,
		summary: 'Reply in the thread',
	},
	{
		name: 'emails.read',
		method: 'POST',
		path: `${INTEGRATION}/{mail}/emails/:id/read`,
		perProvider: true,
		writes: true,
		summary: 'Mark the email read or unread in the mailbox (body: read)',
	},
	{
		name: 'emails.link',
		method: 'POST',
		path: `${INTEGRATION}/{mail}/emails/:id/link`,
		perProvider: true,
		writes: true,
		summary: 'Link the email to a person or company',
	},
	{
		name: 'emails.unlink',
		method: 'POST',
		path: `${INTEGRATION}/{mail}/emails/:id/unlink`,
		perProvider: true,
		writes: true,
		summary: 'Remove a link of the email',
	},
	{
		name: 'calendar.sync',
		method: 'POST',
		path: `${INTEGRATION}/calendar/sync`,
		perProvider: true,
		writes: true,
		summary: 'Sync calendars now',
	},
	{
		name: 'calendar.calendars',
		method: 'GET',
		path: `${INTEGRATION}/calendar/calendars`,
		perProvider: true,
		writes: false,
		summary: 'The calendars to choose from',
	},
	{
		name: 'events.list',
		method: 'GET',
		path: `${INTEGRATION}/calendar/events`,
		perProvider: true,
		writes: false,
		summary: 'Events in a range (query: from, to, calendar_id, cursor, limit)',
	},
	{
		name: 'events.get',
		method: 'GET',
		path: `${INTEGRATION}/calendar/events/:id`,
		perProvider: true,
		writes: false,
		summary: 'One event with attendees and linked records',
	},
	{
		name: 'events.create',
		method: 'POST',
		path: `${INTEGRATION}/calendar/new-event`,
		perProvider: true,
		writes: true,
		summary: "Create an event in the caller's calendar",
	},
	{
		name: 'events.link',
		method: 'POST',
		path: `${INTEGRATION}/calendar/events/:id/link`,
		perProvider: true,
		writes: true,
		summary: 'Link the event to a person or company',
	},
	{
		name: 'events.unlink',
		method: 'POST',
		path: `${INTEGRATION}/calendar/events/:id/unlink`,
		perProvider: true,
		writes: true,
		summary: 'Remove a link of the event',
	},
	{
		name: 'records.search',
		method: 'GET',
		path: 'workspaces/:workspaceId/records',
		perProvider: false,
		writes: false,
		summary: 'People and companies for the link picker (query: q, type, limit)',
	},
	{
		name: 'records.enrich',
		method: 'POST',
		path: 'workspaces/:workspaceId/records/:id/enrich',
		perProvider: false,
		writes: true,
		summary: "Enrich one person or company from its emails' signatures (body: recordType)",
	},
];

/** A route's concrete path pattern for one provider (`…/google/gmail/emails/:id`). */
export function routePath(route: WidgetRoute, provider: WidgetProvider): string {
	return route.path.replace('{provider}', provider).replace('{mail}', MAIL_SEGMENT[provider]);
}

/** Every (route, provider, path) the node serves: per-provider routes once per provider. */
export function concreteWidgetRoutes(): Array<{
	route: WidgetRoute;
	provider: WidgetProvider | null;
	path: string;
}> {
	return WIDGET_ROUTES.flatMap(
		(route): Array<{ route: WidgetRoute; provider: WidgetProvider | null; path: string }> =>
			route.perProvider
				? WIDGET_PROVIDERS.map((provider) => ({
						route,
						provider,
						path: routePath(route, provider),
					}))
				: [{ route, provider: null, path: route.path }],
	);
}

/**
 * The URL path of one call: the pattern with its `:params` filled in, each value encoded.
 * Throws on a missing parameter rather than build a wrong path.
 */
export function fillPath(
	route: WidgetRoute,
	provider: WidgetProvider | null,
	params: Record<string, string>,
): string {
	const pattern = provider === null ? route.path : routePath(route, provider);
	return pattern.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
		const value = params[name];
		if (value === undefined || value === '') throw new Error(`Missing path parameter '${name}'`);
		return encodeURIComponent(value);
	});
}

/**
 * Which route a request path is: the pattern whose fixed segments all match and whose parameters
 * are filled (n8n matches `:param` paths loosely, so the node checks the path itself).
 * `path` is relative to the base (`workspaces/…`).
 */
export function matchWidgetRoute(
	method: string,
	path: string,
): { route: WidgetRoute; provider: WidgetProvider | null; params: Record<string, string> } | null {
	const segments = path.replace(/^\/+|\/+$/g, '').split('/');
	for (const candidate of concreteWidgetRoutes()) {
		if (candidate.route.method !== method.toUpperCase()) continue;
		const pattern = candidate.path.split('/');
		if (pattern.length !== segments.length) continue;
		const params: Record<string, string> = {};
		let matches = true;
		for (let index = 0; index < pattern.length && matches; index++) {
			const expected = pattern[index]!;
			const actual = segments[index]!;
			if (expected.startsWith(':')) {
				let value: string;
				try {
					value = decodeURIComponent(actual);
				} catch {
					value = '';
				}
				if (value === '') matches = false;
				else params[expected.slice(1)] = value;
			} else if (expected !== actual) {
				matches = false;
			}
		}
		if (matches) return { route: candidate.route, provider: candidate.provider, params };
	}
	return null;
}
