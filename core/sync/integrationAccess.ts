// Access tokens of connected accounts for the sync engine. A token that expires within 5 minutes
// (or that a provider just refused: `force`) is refreshed single-flight: the refresh runs under the
// integration's row lock, and a caller that waited for the lock finds the new token and uses it.
// Microsoft's rotated refresh token is stored in that same transaction. A refused grant turns the
// integration to requires_reauth. No token ever reaches an error message or a log.
import type { CrmDatabase } from '../store/database';
import {
	getIntegrationRow,
	openTokens,
	setIntegrationStatus,
	storeIntegrationTokens,
	type IntegrationRow,
} from '../store/integrations';
import type { ProviderApps } from './providerApps';
import { ProviderOAuthError, requestTokens } from './providerOAuth';

export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
export const REAUTH_MESSAGE = 'Your email connection needs re-authentication';

export interface IntegrationAccess {
	/**
	 * A valid access token for the integration; refreshed single-flight (row lock) when it expires
	 * within 5 minutes or when `force` is set (after a 401). Throws IntegrationAuthError on
	 * invalid_grant / revoked, after setting status requires_reauth.
	 */
	accessToken(
		integration: { workspaceId: string; id: string },
		options?: { force?: boolean },
	): Promise<string>;
}

/** The account must connect again (status requires_reauth, or disconnected). */
export class IntegrationAuthError extends Error {
	readonly errorClass = 'auth_revoked';
	constructor(message = REAUTH_MESSAGE) {
		super(message);
		this.name = 'IntegrationAuthError';
	}
}

/** A refresh failed for a reason that may pass (provider down, 5xx, 429): try again later. */
export class TokenRefreshError extends Error {
	readonly errorClass = 'temporary';
	constructor(readonly cause: ProviderOAuthError) {
		super(`The access token could not be refreshed: ${cause.message}`);
		this.name = 'TokenRefreshError';
	}
}

export interface IntegrationAccessOptions {
	database: CrmDatabase;
	apps: ProviderApps;
	now?: () => Date;
	fetch?: typeof fetch;
}

export function createIntegrationAccess(options: IntegrationAccessOptions): IntegrationAccess {
	const now = options.now ?? (() => new Date());
	const knex = options.database.knex;

	const usable = (row: IntegrationRow) =>
		row.access_token_encrypted !== null &&
		row.token_expires_at !== null &&
		row.token_expires_at.getTime() - now().getTime() > REFRESH_BEFORE_EXPIRY_MS;

	const checkConnected = (row: IntegrationRow | undefined): IntegrationRow => {
		if (!row) throw new IntegrationAuthError('The integration no longer exists');
		if (row.status === 'requires_reauth') throw new IntegrationAuthError();
		if (row.status === 'disconnected' || !row.refresh_token_encrypted) {
			throw new IntegrationAuthError('The email account is disconnected: connect it again');
		}
		return row;
	};

	return {
		async accessToken(integration, callOptions = {}) {
			const key = { workspaceId: integration.workspaceId, id: integration.id };
			const seen = checkConnected(await getIntegrationRow(knex, key.workspaceId, key.id));
			if (!callOptions.force && usable(seen)) {
				return openTokens(options.apps.cipher, seen).accessToken!;
			}
			let revoked = false;
			const token = await knex.transaction(async (trx) => {
				const row = checkConnected(
					await getIntegrationRow(trx, key.workspaceId, key.id, { forUpdate: true }),
				);
				// Another caller refreshed while this one waited for the lock: use its token.
				if (row.access_token_encrypted !== seen.access_token_encrypted && usable(row)) {
					return openTokens(options.apps.cipher, row).accessToken!;
				}
				if (!callOptions.force && usable(row)) {
					return openTokens(options.apps.cipher, row).accessToken!;
				}
				const { refreshToken } = openTokens(options.apps.cipher, row);
				try {
					const fresh = await requestTokens(
						options.apps,
						row.provider,
						{ grant_type: 'refresh_token', refresh_token: refreshToken! },
						{ fetch: options.fetch, now },
					);
					// Microsoft rotates the refresh token: the new one is stored with the access token.
					await storeIntegrationTokens(trx, options.apps.cipher, key, {
						accessToken: fresh.accessToken,
						refreshToken: fresh.refreshToken ?? refreshToken,
						expiresAt: fresh.expiresAt,
					});
					return fresh.accessToken;
				} catch (error) {
					if (error instanceof ProviderOAuthError && error.failure === 'invalid_grant') {
						await setIntegrationStatus(trx, key, {
							status: 'requires_reauth',
							errorClass: 'auth_revoked',
							errorMessage: REAUTH_MESSAGE,
							nextSyncAt: null,
						});
						revoked = true;
						return undefined;
					}
					if (error instanceof ProviderOAuthError) throw new TokenRefreshError(error);
					throw error;
				}
			});
			if (revoked || token === undefined) throw new IntegrationAuthError();
			return token;
		},
	};
}
