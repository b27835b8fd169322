// Routes acting on one integration (?integrationId=…): settings, disconnect, resync. The id is
// looked up in the token's workspace only, and must be the caller's own integration unless the
// token holds integrations:admin; anything else answers 404, as if it did not exist.
import type { Knex } from 'knex';

import type { ApiPrincipal } from '../security/apiToken';
import {
	getIntegration,
	updateIntegrationSettings,
	type IntegrationView,
} from '../store/integrations';
import { disconnectIntegration } from '../sync/disconnect';
import { integrationSettingsUpdateSchema } from '../sync/integrationSettings';
import { requestResync } from '../sync/scheduler';
import { seesWholeWorkspace } from './statusRoute';
import { ApiError, notFound, type ApiContext, type ApiRequest, type ApiResponse } from './types';

/** The integration named by the request, if the principal may act on it; 404 otherwise. */
export async function ownIntegration(
	knex: Knex,
	principal: ApiPrincipal,
	request: ApiRequest,
): Promise<IntegrationView> {
	const id = request.query.integrationId ?? bodyField(request.body, 'integrationId');
	if (typeof id !== 'string' || !id)
		throw new ApiError(400, 'bad_request', 'integrationId is required');
	const integration = await getIntegration(knex, principal.workspaceId, id);
	if (!integration) throw notFound();
	if (!seesWholeWorkspace(principal) && integration.userId !== principal.userId) throw notFound();
	return integration;
}

export async function getSettingsRoute(
	context: ApiContext,
	principal: ApiPrincipal,
	request: ApiRequest,
): Promise<ApiResponse> {
	const integration = await ownIntegration(context.database.knex, principal, request);
	return { status: 200, body: { integrationId: integration.id, settings: integration.settings } };
}

export async function patchSettingsRoute(
	context: ApiContext,
	principal: ApiPrincipal,
	request: ApiRequest,
): Promise<ApiResponse> {
	const knex = context.database.knex;
	const integration = await ownIntegration(knex, principal, request);
	const body = jsonBody(request.body);
	const update = body && typeof body === 'object' && 'settings' in body ? body.settings : body;
	const parsed = integrationSettingsUpdateSchema.safeParse(update);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new ApiError(
			400,
			'bad_request',
			`settings${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`,
		);
	}
	const updated = await updateIntegrationSettings(
		knex,
		{ workspaceId: principal.workspaceId, id: integration.id },
		parsed.data,
	);
	if (!updated) throw notFound();
	return { status: 200, body: { integrationId: updated.id, settings: updated.settings } };
}

export async function disconnectRoute(
	context: ApiContext,
	principal: ApiPrincipal,
	request: ApiRequest,
): Promise<ApiResponse> {
	const knex = context.database.knex;
	const integration = await ownIntegration(knex, principal, request);
	const result = await disconnectIntegration(
		{ knex, apps: context.apps, fetch: context.fetch },
		{ workspaceId: principal.workspaceId, id: integration.id },
	);
	if (!result) throw notFound();
	return {
		status: 200,
		body: { integration: result.integration, revocation: result.revocation },
	};
}

/**
 * Asks for a sync now (the scheduler's next tick picks it up) through the engine's requestResync.
 * `full: true` also forgets the integration's cursors, so every source is listed again from its
 * horizon (contract 2).
 */
export async function resyncRoute(
	context: ApiContext,
	principal: ApiPrincipal,
	request: ApiRequest,
): Promise<ApiResponse> {
	const knex = context.database.knex;
	const integration = await ownIntegration(knex, principal, request);
	if (integration.status === 'disconnected' || integration.status === 'requires_reauth') {
		throw new ApiError(
			409,
			'conflict',
			integration.status === 'disconnected'
				? 'The email account is disconnected: connect it again to sync'
				: 'Your email connection needs re-authentication',
		);
	}
	const full = bodyField(request.body, 'full') === true || request.query.full === 'true';
	if (!(await requestResync({ knex }, principal.workspaceId, integration.id, { full }))) {
		throw notFound();
	}
	const updated = await getIntegration(knex, principal.workspaceId, integration.id);
	return { status: 202, body: { integration: updated, full } };
}

function jsonBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		throw new ApiError(400, 'bad_request', 'The request body is not JSON');
	}
}

function bodyField(body: unknown, name: string): unknown {
	const value = jsonBody(body);
	return value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}
