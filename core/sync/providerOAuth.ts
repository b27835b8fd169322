// The OAuth wire of the two providers as the connect flow uses it: scopes, endpoints, the token
// endpoint (code exchange, refresh), the profile that proves who connected, and revocation.
// Tokens only travel in request bodies and headers: no error message here ever contains one.
import { z } from 'zod';

import type { ConnectProvider, ProviderApps } from './providerApps';

const GOOGLE_AUTH = 'https://www.googleapis.com/auth/';
const GRAPH_RESOURCE = 'https://graph.microsoft.com/';

/** Scopes asked for at consent, as sent to the provider. */
export const CONNECT_SCOPES: Record<ConnectProvider, string[]> = {
	google: [
		'openid',
		'email',
		'profile',
		`${GOOGLE_AUTH}gmail.readonly`,
		`${GOOGLE_AUTH}gmail.send`,
		`${GOOGLE_AUTH}gmail.modify`,
		`${GOOGLE_AUTH}calendar`,
	],
	microsoft: ['offline_access', 'User.Read', 'Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite'],
};

/**
 * The spelling a scope is compared in: Google's `email`/`profile` are userinfo scopes, Graph
 * permissions come back with the resource prefix and in any case.
 */
export function canonicalScope(provider: ConnectProvider, scope: string): string {
	if (provider === 'google') {
		if (scope === 'email') return `${GOOGLE_AUTH}userinfo.email`;
		if (scope === 'profile') return `${GOOGLE_AUTH}userinfo.profile`;
		return scope;
	}
	const short = scope.toLowerCase().startsWith(GRAPH_RESOURCE)
		? scope.slice(GRAPH_RESOURCE.length)
		: scope;
	return short.toLowerCase();
}

/** Short name of a scope for messages: 'gmail.readonly', 'Mail.Send'. */
export function scopeLabel(scope: string): string {
	if (scope.startsWith(GOOGLE_AUTH)) return scope.slice(GOOGLE_AUTH.length);
	if (scope.startsWith(GRAPH_RESOURCE)) return scope.slice(GRAPH_RESOURCE.length);
	return scope;
}

/**
 * Requested scopes the grant lacks. OpenID scopes and offline_access are not checked here (the
 * profile read and the refresh token prove those).
 */
export function missingScopes(
	provider: ConnectProvider,
	requested: string[],
	granted: string[],
): string[] {
	const have = new Set(granted.map((scope) => canonicalScope(provider, scope)));
	return requested.filter(
		(scope) =>
			!['openid', 'offline_access'].includes(scope) && !have.has(canonicalScope(provider, scope)),
	);
}

export function authorizationEndpoint(apps: ProviderApps, provider: ConnectProvider): string {
	return provider === 'google'
		? `${apps.endpoints.googleAuthBaseUrl}/o/oauth2/v2/auth`
		: `${apps.endpoints.microsoftLoginBaseUrl}/${encodeURIComponent(microsoftApp(apps).tenant)}/oauth2/v2.0/authorize`;
}

function tokenEndpoint(apps: ProviderApps, provider: ConnectProvider): string {
	return provider === 'google'
		? `${apps.endpoints.googleTokenBaseUrl}/token`
		: `${apps.endpoints.microsoftLoginBaseUrl}/${encodeURIComponent(microsoftApp(apps).tenant)}/oauth2/v2.0/token`;
}

export function providerApp(
	apps: ProviderApps,
	provider: ConnectProvider,
): { clientId: string; clientSecret: string } | undefined {
	return provider === 'google' ? apps.google : apps.microsoft;
}

function microsoftApp(apps: ProviderApps) {
	if (!apps.microsoft) throw new ProviderOAuthError('not_configured', 0, 'microsoft');
	return apps.microsoft;
}

export type ProviderOAuthFailure =
	| 'invalid_grant'
	| 'invalid_client'
	| 'not_configured'
	| 'temporary'
	| 'rejected';

/**
 * A token endpoint, profile or revoke call failed. `failure` is what the caller acts on; the
 * message names the provider's error code and HTTP status, never a token or a secret.
 */
export class ProviderOAuthError extends Error {
	constructor(
		readonly failure: ProviderOAuthFailure,
		readonly httpStatus: number,
		readonly provider: ConnectProvider,
		readonly providerError?: string,
	) {
		super(
			`${provider === 'google' ? 'Google' : 'Microsoft'} ${describeFailure(failure)}${
				providerError
					? ` (${providerError}${httpStatus ? `, HTTP ${httpStatus}` : ''})`
					: httpStatus
						? ` (HTTP ${httpStatus})`
						: ''
			}`,
		);
		this.name = 'ProviderOAuthError';
	}
}

function describeFailure(failure: ProviderOAuthFailure): string {
	switch (failure) {
		case 'invalid_grant':
			return 'refused the grant: the account must connect again';
		case 'invalid_client':
			return 'refused the app credentials: check the client id and secret of the CRM Connect Apps credential';
		case 'not_configured':
			return 'is not configured';
		case 'temporary':
			return 'could not be reached; try again later';
		default:
			return 'refused the request';
	}
}

const tokenResponseSchema = z.object({
	access_token: z.string().min(1),
	refresh_token: z.string().min(1).optional(),
	expires_in: z.coerce.number().positive().optional(),
	scope: z.string().optional(),
	token_type: z.string().optional(),
});

export interface ProviderTokenSet {
	accessToken: string;
	refreshToken?: string;
	expiresAt: Date;
	/** Granted scopes as the provider lists them (undefined when it did not say). */
	scopes?: string[];
}

export interface OAuthCallOptions {
	fetch?: typeof fetch;
	now?: () => Date;
}

/** POSTs a grant to the token endpoint (client_secret_post). */
export async function requestTokens(
	apps: ProviderApps,
	provider: ConnectProvider,
	grant:
		| {
				grant_type: 'authorization_code';
				code: string;
				redirect_uri: string;
				code_verifier: string;
		  }
		| { grant_type: 'refresh_token'; refresh_token: string; scope?: string },
	options: OAuthCallOptions = {},
): Promise<ProviderTokenSet> {
	const app = providerApp(apps, provider);
	if (!app) throw new ProviderOAuthError('not_configured', 0, provider);
	const form = new URLSearchParams({
		...grant,
		client_id: app.clientId,
		client_secret: app.clientSecret,
	});
	const response = await call(options, provider, tokenEndpoint(apps, provider), {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'application/json',
		},
		body: form.toString(),
	});
	const json = await readJson(response);
	if (!response.ok) {
		const error = typeof json?.error === 'string' ? json.error.slice(0, 64) : undefined;
		const failure: ProviderOAuthFailure =
			error === 'invalid_grant' || error === 'interaction_required'
				? 'invalid_grant'
				: error === 'invalid_client' || error === 'unauthorized_client'
					? 'invalid_client'
					: response.status >= 500 || response.status === 429
						? 'temporary'
						: 'rejected';
		throw new ProviderOAuthError(failure, response.status, provider, error);
	}
	const parsed = tokenResponseSchema.safeParse(json);
	if (!parsed.success)
		throw new ProviderOAuthError('rejected', response.status, provider, 'malformed token response');
	const now = (options.now ?? (() => new Date()))();
	return {
		accessToken: parsed.data.access_token,
		refreshToken: parsed.data.refresh_token,
		expiresAt: new Date(now.getTime() + (parsed.data.expires_in ?? 3600) * 1000),
		scopes: parsed.data.scope?.split(/\s+/).filter(Boolean),
	};
}

export interface ProviderProfile {
	email: string;
	accountId: string | null;
	displayName: string | null;
}

const googleUserinfoSchema = z.object({
	sub: z.string().optional(),
	email: z.string().email(),
	email_verified: z.boolean().optional(),
	name: z.string().optional(),
});

const graphMeSchema = z.object({
	id: z.string().optional(),
	mail: z.string().nullable().optional(),
	userPrincipalName: z.string().nullable().optional(),
	displayName: z.string().nullable().optional(),
});

/** Who the token belongs to: Google's OpenID userinfo, or Graph's /me. */
export async function fetchProfile(
	apps: ProviderApps,
	provider: ConnectProvider,
	accessToken: string,
	options: OAuthCallOptions = {},
): Promise<ProviderProfile> {
	const url =
		provider === 'google'
			? `${apps.endpoints.googleApiBaseUrl}/oauth2/v3/userinfo`
			: `${apps.endpoints.graphBaseUrl}/v1.0/me?$select=id,mail,userPrincipalName,displayName`;
	const response = await call(options, provider, url, {
		headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
	});
	const json = await readJson(response);
	if (!response.ok) {
		throw new ProviderOAuthError(
			response.status === 401 ? 'invalid_grant' : response.status >= 500 ? 'temporary' : 'rejected',
			response.status,
			provider,
			'profile',
		);
	}
	if (provider === 'google') {
		const parsed = googleUserinfoSchema.safeParse(json);
		if (!parsed.success || parsed.data.email_verified === false) {
			throw new ProviderOAuthError('rejected', response.status, provider, 'no verified email');
		}
		return {
			email: parsed.data.email.toLowerCase(),
			accountId: parsed.data.sub ?? null,
			displayName: parsed.data.name ?? null,
		};
	}
	const parsed = graphMeSchema.safeParse(json);
	const email = parsed.success ? (parsed.data.mail ?? parsed.data.userPrincipalName) : undefined;
	if (!parsed.success || !email || !email.includes('@')) {
		throw new ProviderOAuthError('rejected', response.status, provider, 'no email address');
	}
	return {
		email: email.toLowerCase(),
		accountId: parsed.data.id ?? null,
		displayName: parsed.data.displayName ?? null,
	};
}

/**
 * Revokes a Google token (a refresh token revokes the whole grant). Microsoft has no endpoint
 * that revokes one app's refresh token (only Graph's revokeSignInSessions, which signs the user
 * out of every app): for Microsoft this returns 'unsupported' and the caller wipes the tokens.
 */
export async function revokeToken(
	apps: ProviderApps,
	provider: ConnectProvider,
	token: string,
	options: OAuthCallOptions = {},
): Promise<'revoked' | 'already_invalid' | 'unsupported'> {
	if (provider === 'microsoft') return 'unsupported';
	const response = await call(options, provider, `${apps.endpoints.googleTokenBaseUrl}/revoke`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ token }).toString(),
	});
	if (response.ok) return 'revoked';
	const json = await readJson(response);
	if (
		response.status === 400 &&
		(json?.error === 'invalid_token' || json?.error === 'invalid_grant')
	) {
		return 'already_invalid';
	}
	throw new ProviderOAuthError(
		response.status >= 500 ? 'temporary' : 'rejected',
		response.status,
		provider,
		typeof json?.error === 'string' ? json.error.slice(0, 64) : 'revoke',
	);
}

async function call(
	options: OAuthCallOptions,
	provider: ConnectProvider,
	url: string,
	init: RequestInit,
): Promise<Response> {
	try {
		return await (options.fetch ?? fetch)(url, { ...init, signal: AbortSignal.timeout(30_000) });
	} catch {
		// The cause may quote the request; only say that the host was not reached.
		throw new ProviderOAuthError('temporary', 0, provider, `no answer from ${new URL(url).host}`);
	}
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
	try {
		const value = (await response.json()) as unknown;
		return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}
