// Widget routes about the caller's own integration of a provider: the providers list, status,
// connect URL, settings, disconnect, progress and "sync now". A widget acts for its user: the
// integration is always the token user's own, found by provider (never an id from the request).
import type { Knex } from 'knex';

import type { ApiPrincipal } from '../security/apiToken';
import {
	getIntegration,
	listIntegrations,
	updateIntegrationSettings,
	type IntegrationView,
} from '../store/integrations';
import { ConnectError, createConnectUrl, NOT_CONFIGURED_MESSAGE } from '../sync/connectFlow';
import { disconnectIntegration } from '../sync/disconnect';
import { integrationSettingsUpdateSchema } from '../sync/integrationSettings';
import { requestResync } from '../sync/scheduler';
import type { SyncSourceType } from '../store/cursors';
import { deleteIntegrationData } from '../store/integrationData';
import type { WidgetCall } from './handleWidgetRequest';
import { WIDGET_PROVIDERS, type WidgetProvider } from './routeTable';
import { runningProgress, type IntegrationStatusView, type SyncProgress } from './statusRoute';
import { ApiError, type ApiResponse } from './types';
import type { SettingsBody } from './widgetSchemas';

const PROVIDER_NAMES: Record<WidgetProvider, string> = {
	google: 'Google',
	microsoft: 'Microsoft 365',
};

/**
 * The token user's integration of a provider: the live one (not disconnected) connected last, or
 * else the last disconnected one (so the widget can show "disconnected" and offer to reconnect).
 */
export async function callerIntegration(
	knex: Knex,
	principal: ApiPrincipal,
	provider: WidgetProvider,
): Promise<IntegrationView | undefined> {
	const own = await listIntegrations(knex, principal.workspaceId, {
		userId: principal.userId,
		provider,
	});
	const newestFirst = [...own].reverse();
	return newestFirst.find((integration) => integration.status !== 'disconnected') ?? newestFirst[0];
}

/** The caller's integration of the call's provider, or 404 when there is none. */
export async function requireCallerIntegration(
	call: WidgetCall,
	options: { live?: boolean } = {},
): Promise<IntegrationView> {
	const provider = call.provider!;
	const integration = await callerIntegration(call.context.database.knex, call.principal, provider);
	if (!integration) {
		throw new ApiError(404, 'not_found', `No ${PROVIDER_NAMES[provider]} account is connected`);
	}
	if (options.live && integration.status === 'disconnected') {
		throw new ApiError(
			409,
			'conflict',
			`The ${PROVIDER_NAMES[provider]} account is disconnected: connect it again`,
		);
	}
	if (options.live && integration.status === 'requires_reauth') {
		throw new ApiError(409, 'conflict', 'Your email connection needs re-authentication');
	}
	return integration;
}

async function statusView(
	knex: Knex,
	integration: IntegrationView | undefined,
): Promise<IntegrationStatusView | null> {
	if (!integration) return null;
	const progress = await runningProgress(knex, integration.workspaceId, [integration.id]);
	return { ...integration, progress: progress.get(integration.id) ?? null };
}

export async function integrationsListRoute(call: WidgetCall): Promise<ApiResponse> {
	const knex = call.context.database.knex;
	const providers = [];
	for (const provider of WIDGET_PROVIDERS) {
		providers.push({
			provider,
			configured: Boolean(call.context.apps[provider]?.clientId),
			integration: await statusView(knex, await callerIntegration(knex, call.principal, provider)),
		});
	}
	return { status: 200, body: { providers } };
}

export async function integrationStatusRoute(call: WidgetCall): Promise<ApiResponse> {
	const knex = call.context.database.knex;
	const integration = await callerIntegration(knex, call.principal, call.provider!);
	return { status: 200, body: { integration: await statusView(knex, integration) } };
}

export async function integrationProgressRoute(call: WidgetCall): Promise<ApiResponse> {
	const knex = call.context.database.knex;
	const integration = await callerIntegration(knex, call.principal, call.provider!);
	let progress: SyncProgress | null = null;
	if (integration) {
		progress =
			(await runningProgress(knex, integration.workspaceId, [integration.id])).get(
				integration.id,
			) ?? null;
	}
	return { status: 200, body: { progress } };
}

const CONNECT_ERRORS: Record<ConnectError['code'], { status: number; code: ApiError['code'] }> = {
	not_configured: { status: 503, code: 'not_configured' },
	bad_request: { status: 400, code: 'bad_request' },
	forbidden_return_url: { status: 400, code: 'bad_request' },
	not_found: { status: 404, code: 'not_found' },
	invalid_state: { status: 400, code: 'bad_request' },
};

export async function integrationConnectRoute(
	call: WidgetCall<{ return_url: string }>,
): Promise<ApiResponse> {
	const { context, principal } = call;
	const provider = call.provider!;
	if (!context.apps[provider]) throw new ApiError(503, 'not_configured', NOT_CONFIGURED_MESSAGE);
	const knex = context.database.knex;
	// Reconnecting the account the user has (same row, data kept), or connecting a first one.
	const existing = await callerIntegration(knex, principal, provider);
	try {
		const connect = await createConnectUrl(
			{ knex, apps: context.apps, now: context.now, fetch: context.fetch },
			{
				workspaceId: principal.workspaceId,
				userId: principal.userId,
				provider,
				returnUrl: call.query.return_url,
				integrationId: existing?.id,
			},
		);
		return { status: 200, body: { url: connect.url, expiresAt: connect.expiresAt } };
	} catch (error) {
		if (!(error instanceof ConnectError)) throw error;
		const { status, code } = CONNECT_ERRORS[error.code];
		throw new ApiError(status, code, error.message);
	}
}

export async function integrationSettingsRoute(
	call: WidgetCall<unknown, SettingsBody>,
): Promise<ApiResponse> {
	const knex = call.context.database.knex;
	const integration = await requireCallerIntegration(call);
	// The store's own schema (zod 3) types the update; the widget schema already refused the rest.
	const parsed = integrationSettingsUpdateSchema.safeParse(call.body);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new ApiError(400, 'bad_request', `body.${issue.path.join('.')}: ${issue.message}`);
	}
	const updated = await updateIntegrationSettings(
		knex,
		{ workspaceId: call.principal.workspaceId, id: integration.id },
		parsed.data,
	);
	if (!updated) throw new ApiError(404, 'not_found', 'Integration not found');
	return { status: 200, body: { integration: await statusView(knex, updated) } };
}

export async function integrationDisconnectRoute(
	call: WidgetCall<unknown, { deleteData?: boolean }>,
): Promise<ApiResponse> {
	const { context, principal } = call;
	const knex = context.database.knex;
	const integration = await requireCallerIntegration(call);
	const key = { workspaceId: principal.workspaceId, id: integration.id };
	const result = await disconnectIntegration(
		{ knex, apps: context.apps, fetch: context.fetch },
		key,
	);
	if (!result) throw new ApiError(404, 'not_found', 'Integration not found');
	let deleted: { emails: number; events: number } | null = null;
	if (call.body?.deleteData) deleted = await deleteIntegrationData(knex, key);
	return {
		status: 200,
		body: {
			integration: await statusView(knex, result.integration),
			revocation: result.revocation,
			deleted,
		},
	};
}

/** The cursors a full mail or calendar sync forgets: that kind's sources only. */
const SOURCE_TYPES_OF_ROUTE: Partial<Record<WidgetCall['route'], readonly SyncSourceType[]>> = {
	'mail.sync': ['gmail_label', 'graph_mail_folder'],
	'calendar.sync': ['google_calendar', 'graph_calendar'],
};

/**
 * mail.sync and calendar.sync: the engine syncs the integration at its next tick (mail and
 * calendars each continue from their cursors, which costs little); `full` lists again only the
 * kind that was asked for.
 */
export async function syncNowRoute(
	call: WidgetCall<unknown, { full?: boolean }>,
): Promise<ApiResponse> {
	const knex = call.context.database.knex;
	const integration = await requireCallerIntegration(call, { live: true });
	const queued = await requestResync({ knex }, call.principal.workspaceId, integration.id, {
		full: call.body?.full === true,
		sourceTypes: SOURCE_TYPES_OF_ROUTE[call.route],
	});
	if (!queued) throw new ApiError(404, 'not_found', 'Integration not found');
	const updated = await getIntegration(knex, call.principal.workspaceId, integration.id);
	return { status: 202, body: { queued: true, integration: await statusView(knex, updated) } };
}
