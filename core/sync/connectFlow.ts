// The workspace connect flow: a connect URL for a workspace user (signed single-use state, PKCE
// S256, offline access, consent only when needed), and the callback that turns the provider's
// answer into a connected integration and sends the browser back to the CRM with the result.
import type { Knex } from 'knex';

import {
	OAuthStateError,
	OAUTH_STATE_DEFAULT_TTL_MS,
	returnUrlSchema,
	signOAuthState,
	verifyOAuthState,
} from '../security/oauthState';
import { createPkcePair } from '../security/pkce';
import {
	connectIntegration,
	getIntegrationRow,
	type IntegrationRow,
	type IntegrationView,
} from '../store/integrations';
import { consumeOAuthState, purgeExpiredOAuthStates, recordOAuthState } from '../store/oauthStates';
import { callbackUrl, type ConnectProvider, type ProviderApps } from './providerApps';
import {
	authorizationEndpoint,
	CONNECT_SCOPES,
	fetchProfile,
	missingScopes,
	ProviderOAuthError,
	providerApp,
	requestTokens,
	scopeLabel,
} from './providerOAuth';

export const ACCESS_DENIED_MESSAGE =
	'Email connection was not authorized. Please try again and grant the required permissions';
export const NOT_CONFIGURED_MESSAGE =
	'Email integration is not yet configured. Please contact your administrator';

export type ConnectErrorCode =
	| 'not_configured'
	| 'bad_request'
	| 'forbidden_return_url'
	| 'not_found'
	| 'invalid_state';

/** The connect flow cannot start or finish; the message is worded for the user. */
export class ConnectError extends Error {
	constructor(
		readonly code: ConnectErrorCode,
		message: string,
	) {
		super(message);
		this.name = 'ConnectError';
	}
}

export interface ConnectContext {
	knex: Knex;
	apps: ProviderApps;
	now?: () => Date;
	fetch?: typeof fetch;
}

export interface ConnectUrlInput {
	workspaceId: string;
	userId: string;
	provider: ConnectProvider;
	returnUrl: string;
	/** Reconnect this integration (login_hint, consent only if needed); omitted: a new account. */
	integrationId?: string;
	/** May reconnect another user's integration of the workspace (integrations:admin). */
	asAdmin?: boolean;
}

export interface ConnectUrl {
	url: string;
	expiresAt: string;
	prompt: 'consent' | null;
	loginHint: string | null;
}

export function isConnectProvider(value: unknown): value is ConnectProvider {
	return value === 'google' || value === 'microsoft';
}

/** The return URL, if its origin is one the credential allows; throws ConnectError otherwise. */
export function checkReturnUrl(apps: ProviderApps, returnUrl: unknown): string {
	const parsed = returnUrlSchema.safeParse(returnUrl);
	if (!parsed.success) {
		throw new ConnectError(
			'bad_request',
			`returnUrl: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
		);
	}
	if (!apps.allowedReturnOrigins.includes(new URL(parsed.data).origin)) {
		throw new ConnectError(
			'forbidden_return_url',
			"returnUrl: its origin is not one of the CRM Connect Apps credential's allowed return origins",
		);
	}
	return parsed.data;
}

/**
 * The provider's authorization URL for a workspace user. The state is signed (workspace, user,
 * provider, return URL, nonce), expires in 10 minutes and is recorded for single use with the PKCE
 * verifier (encrypted), the user and the reconnect target.
 */
export async function createConnectUrl(
	context: ConnectContext,
	input: ConnectUrlInput,
): Promise<ConnectUrl> {
	const app = providerApp(context.apps, input.provider);
	if (!app) throw new ConnectError('not_configured', NOT_CONFIGURED_MESSAGE);
	const returnUrl = checkReturnUrl(context.apps, input.returnUrl);
	const now = (context.now ?? (() => new Date()))();
	const scopes = CONNECT_SCOPES[input.provider];

	let target: IntegrationRow | undefined;
	if (input.integrationId !== undefined) {
		target = await getIntegrationRow(context.knex, input.workspaceId, input.integrationId);
		if (
			!target ||
			target.provider !== input.provider ||
			(!input.asAdmin && target.user_id !== input.userId)
		) {
			throw new ConnectError('not_found', 'Integration not found');
		}
	}
	// Consent is asked again only when the grant we hold may not do: a new account (we cannot tell
	// whether it consented before, and Google sends a refresh token only on consent), a grant that
	// was revoked or given up, or scopes that were not granted yet.
	const needsConsent =
		!target ||
		target.status === 'requires_reauth' ||
		target.status === 'disconnected' ||
		!target.refresh_token_encrypted ||
		missingScopes(input.provider, scopes, target.granted_scopes).length > 0;
	const loginHint = target?.account_email ?? null;

	const signed = signOAuthState(
		{
			workspaceId: input.workspaceId,
			userId: input.userId,
			provider: input.provider,
			returnUrl,
		},
		{ secret: context.apps.stateSecret, ttlMs: OAUTH_STATE_DEFAULT_TTL_MS, now },
	);
	const pkce = createPkcePair();
	await context.knex.transaction(async (trx) => {
		const { id } = await recordOAuthState(trx, context.apps.cipher, {
			workspaceId: input.workspaceId,
			nonce: signed.nonce,
			provider: input.provider,
			pkceVerifier: pkce.verifier,
			requestedScopes: scopes,
			redirectAfter: returnUrl,
			expiresAt: signed.expiresAt,
		});
		await trx('oauth_states')
			.where({ id, workspace_id: input.workspaceId })
			.update({ user_id: input.userId, integration_id: target?.id ?? null, login_hint: loginHint });
		// States of this workspace that expired over an hour ago go (indexed by workspace and expiry).
		await purgeExpiredOAuthStates(trx, { workspaceId: input.workspaceId });
	});

	const url = new URL(authorizationEndpoint(context.apps, input.provider));
	const params: Record<string, string> = {
		client_id: app.clientId,
		redirect_uri: callbackUrl(context.apps),
		response_type: 'code',
		scope: scopes.join(' '),
		state: signed.token,
		code_challenge: pkce.challenge,
		code_challenge_method: pkce.method,
	};
	// Google's offline access is a parameter; Microsoft's is the offline_access scope.
	if (input.provider === 'google') params.access_type = 'offline';
	else params.response_mode = 'query';
	if (needsConsent) params.prompt = 'consent';
	if (loginHint) params.login_hint = loginHint;
	for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
	return {
		url: url.href,
		expiresAt: signed.expiresAt.toISOString(),
		prompt: needsConsent ? 'consent' : null,
		loginHint,
	};
}

export interface CallbackResult {
	/** Where the browser goes: the return URL with status, message (and integrationId). */
	redirect: string;
	status: 'connected' | 'error';
	message: string;
	integration?: IntegrationView;
	created?: boolean;
}

/**
 * Handles the provider's redirect. A state that is not ours, altered, expired or already used is
 * refused with ConnectError('invalid_state') (no return URL can be trusted then). Every other
 * outcome redirects to the return URL with `status=connected|error` and `message`.
 */
export async function completeConnect(
	context: ConnectContext,
	query: Record<string, string | undefined>,
): Promise<CallbackResult> {
	const now = context.now ?? (() => new Date());
	if (!query.state) {
		throw new ConnectError('invalid_state', 'The OAuth state is missing: start connecting again');
	}
	let payload;
	try {
		payload = verifyOAuthState(query.state, { secret: context.apps.stateSecret, now: now() });
	} catch (error) {
		throw new ConnectError('invalid_state', stateMessage(error));
	}
	let consumed;
	try {
		consumed = await consumeOAuthState(context.knex, context.apps.cipher, {
			workspaceId: payload.workspaceId,
			nonce: payload.nonce,
			provider: payload.provider,
		});
	} catch (error) {
		throw new ConnectError('invalid_state', stateMessage(error));
	}
	const extra = (await context
		.knex('oauth_states')
		.select('user_id', 'integration_id')
		.where({ id: consumed.id, workspace_id: payload.workspaceId })
		.first()) as { user_id: string | null; integration_id: string | null };
	if (extra.user_id !== payload.userId) {
		throw new ConnectError('invalid_state', stateMessage(new OAuthStateError('unknown')));
	}

	const fail = (message: string): CallbackResult => ({
		redirect: withResult(payload.returnUrl, { status: 'error', message }),
		status: 'error',
		message,
	});
	// The origin was allowed when the flow started; it must still be.
	if (!context.apps.allowedReturnOrigins.includes(new URL(payload.returnUrl).origin)) {
		throw new ConnectError(
			'forbidden_return_url',
			"The return URL's origin is no longer allowed by the CRM Connect Apps credential",
		);
	}
	if (query.error) {
		return fail(
			query.error === 'access_denied' || query.error === 'consent_required'
				? ACCESS_DENIED_MESSAGE
				: `Email connection failed at the provider (${query.error.replace(/[^a-z_]/gi, '').slice(0, 64)}). Please try again`,
		);
	}
	if (!providerApp(context.apps, payload.provider)) return fail(NOT_CONFIGURED_MESSAGE);
	if (!query.code || !consumed.pkceVerifier) {
		return fail('The provider sent no authorization code. Please try again');
	}

	const options = { fetch: context.fetch, now };
	try {
		const tokens = await requestTokens(
			context.apps,
			payload.provider,
			{
				grant_type: 'authorization_code',
				code: query.code,
				redirect_uri: callbackUrl(context.apps),
				code_verifier: consumed.pkceVerifier,
			},
			options,
		);
		const granted = tokens.scopes ?? consumed.requestedScopes;
		const missing = missingScopes(payload.provider, consumed.requestedScopes, granted);
		if (missing.length > 0) {
			return fail(
				`Email connection is missing permissions: ${missing.map(scopeLabel).join(', ')}. Please try again and grant the required permissions`,
			);
		}
		const profile = await fetchProfile(context.apps, payload.provider, tokens.accessToken, options);
		if (!tokens.refreshToken) {
			const existing = (await context
				.knex('integrations')
				.select('refresh_token_encrypted')
				.where({
					workspace_id: payload.workspaceId,
					provider: payload.provider,
					account_email: profile.email,
				})
				.first()) as { refresh_token_encrypted: string | null } | undefined;
			if (!existing?.refresh_token_encrypted) {
				return fail(
					'The provider did not grant offline access to this account. Please try again and grant the required permissions',
				);
			}
		}
		const { integration, created } = await connectIntegration(context.knex, context.apps.cipher, {
			workspaceId: payload.workspaceId,
			userId: payload.userId,
			provider: payload.provider,
			accountEmail: profile.email,
			accountId: profile.accountId,
			displayName: profile.displayName,
			grantedScopes: granted,
			tokens: {
				accessToken: tokens.accessToken,
				refreshToken: tokens.refreshToken,
				expiresAt: tokens.expiresAt,
			},
		});
		const message = `Connected as ${integration.accountEmail}`;
		return {
			redirect: withResult(payload.returnUrl, {
				status: 'connected',
				message,
				integrationId: integration.id,
				provider: integration.provider,
			}),
			status: 'connected',
			message,
			integration,
			created,
		};
	} catch (error) {
		if (error instanceof ProviderOAuthError) {
			return fail(
				error.failure === 'invalid_grant'
					? 'The authorization expired before it could be used. Please try again'
					: `Email connection failed: ${error.message}`,
			);
		}
		throw error;
	}
}

function stateMessage(error: unknown): string {
	return error instanceof OAuthStateError
		? error.message
		: 'The OAuth state could not be checked: start connecting again';
}

function withResult(returnUrl: string, result: Record<string, string>): string {
	const url = new URL(returnUrl);
	for (const [name, value] of Object.entries(result)) url.searchParams.set(name, value);
	return url.href;
}
