// The framework-free HTTP contract of the CRM API: the n8n webhook node (nodes/CrmApi) turns its
// request into an ApiRequest and writes the ApiResponse back; tests call the handler directly.
import type { ModelSettings } from '../enrich/modelClient';
import type { CrmDatabase } from '../store/database';
import type { ProviderApps } from '../sync/providerApps';

export interface ApiRequest {
	method: string;
	/** 'connect-url', 'oauth/callback', 'status', 'settings', 'disconnect', 'resync' */
	route: string;
	query: Record<string, string | undefined>;
	headers: Record<string, string | undefined>;
	body: unknown;
}

export interface ApiResponse {
	status: number;
	headers?: Record<string, string>;
	body?: unknown;
	/** Set for 302 answers (the OAuth callback): where the browser goes next. */
	redirect?: string;
}

export interface ApiContext {
	database: CrmDatabase;
	apps: ProviderApps;
	now?: () => Date;
	/** Test hook: the fetch used to reach the providers (default: global fetch). */
	fetch?: typeof fetch;
	/**
	 * Told of an unexpected failure (answered as a generic 500), for the node's log. Never given a
	 * token: tokens exist in plain text only inside the token exchange and refresh, whose errors
	 * are ProviderOAuthError messages without them.
	 */
	onUnexpectedError?: (error: unknown) => void;
	/** The model "enrich now" (widget route records.enrich) may use; absent: offline only. */
	enrichmentModel?: ModelSettings | null;
}

export type ApiErrorCode =
	| 'bad_request'
	| 'unauthenticated'
	| 'forbidden'
	| 'not_found'
	| 'method_not_allowed'
	| 'conflict'
	| 'not_configured'
	| 'provider_error'
	| 'not_implemented'
	| 'internal';

/** An answer other than success; its message is shown to the user, so it never holds a secret. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: ApiErrorCode,
		message: string,
	) {
		super(message);
		this.name = 'ApiError';
	}
}

export const notFound = (what = 'Integration') =>
	new ApiError(404, 'not_found', `${what} not found`);
