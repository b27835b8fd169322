// connect-url (authenticated) and oauth/callback (authenticated by its signed, single-use state).
import type { ApiPrincipal } from '../security/apiToken';
import {
	completeConnect,
	ConnectError,
	createConnectUrl,
	isConnectProvider,
	NOT_CONFIGURED_MESSAGE,
} from '../sync/connectFlow';
import { ApiError, type ApiContext, type ApiRequest, type ApiResponse } from './types';

const STATUS_OF: Record<ConnectError['code'], { status: number; code: ApiError['code'] }> = {
	not_configured: { status: 503, code: 'not_configured' },
	bad_request: { status: 400, code: 'bad_request' },
	forbidden_return_url: { status: 400, code: 'bad_request' },
	not_found: { status: 404, code: 'not_found' },
	invalid_state: { status: 400, code: 'bad_request' },
};

function asApiError(error: unknown): unknown {
	if (!(error instanceof ConnectError)) return error;
	const { status, code } = STATUS_OF[error.code];
	return new ApiError(status, code, error.message);
}

export async function connectUrlRoute(
	context: ApiContext,
	principal: ApiPrincipal,
	request: ApiRequest,
): Promise<ApiResponse> {
	const { provider, returnUrl, integrationId } = request.query;
	if (!isConnectProvider(provider)) {
		throw new ApiError(400, 'bad_request', "provider must be 'google' or 'microsoft'");
	}
	if (!context.apps.google && !context.apps.microsoft) {
		throw new ApiError(503, 'not_configured', NOT_CONFIGURED_MESSAGE);
	}
	if (!returnUrl) throw new ApiError(400, 'bad_request', 'returnUrl is required');
	try {
		const connect = await createConnectUrl(
			{ knex: context.database.knex, apps: context.apps, now: context.now, fetch: context.fetch },
			{
				workspaceId: principal.workspaceId,
				userId: principal.userId,
				provider,
				returnUrl,
				integrationId: integrationId || undefined,
				asAdmin: principal.scopes.includes('integrations:admin'),
			},
		);
		return { status: 200, body: connect };
	} catch (error) {
		throw asApiError(error);
	}
}

export async function oauthCallbackRoute(
	context: ApiContext,
	request: ApiRequest,
): Promise<ApiResponse> {
	try {
		const result = await completeConnect(
			{ knex: context.database.knex, apps: context.apps, now: context.now, fetch: context.fetch },
			request.query,
		);
		return {
			status: 302,
			redirect: result.redirect,
			headers: { location: result.redirect },
			body: { status: result.status, message: result.message },
		};
	} catch (error) {
		throw asApiError(error);
	}
}
