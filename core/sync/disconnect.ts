// Disconnect: revoke the grant at the provider, wipe the stored tokens, stop syncing, keep every
// synced email, event and cursor (a reconnect of the same account resumes from them).
//
// Google: the refresh token is revoked at /revoke, which ends the whole grant (its access tokens
// stop working too). Microsoft has no endpoint that revokes one app's refresh token (Graph's
// revokeSignInSessions signs the user out of every app, far more than disconnecting asked for):
// the tokens are wiped here, so nothing can use them again, and they lapse at Microsoft (access
// tokens within their hour, the refresh token after 90 days unused). The user can remove the app
// at https://myapps.microsoft.com.
import type { Knex } from 'knex';

import {
	getIntegration,
	getIntegrationRow,
	openTokens,
	setIntegrationStatus,
	wipeIntegrationTokens,
	type IntegrationView,
} from '../store/integrations';
import type { ProviderApps } from './providerApps';
import { ProviderOAuthError, revokeToken } from './providerOAuth';

export type RevocationOutcome =
	| 'revoked'
	| 'already_invalid'
	| 'unsupported'
	| 'no_tokens'
	| 'failed';

export interface DisconnectResult {
	integration: IntegrationView;
	revocation: RevocationOutcome;
}

/**
 * Disconnects one integration of a workspace. The revocation is attempted first; when the provider
 * cannot be reached the tokens are still wiped (the user asked to disconnect) and `revocation` says
 * 'failed'. Returns undefined when the workspace has no such integration.
 */
export async function disconnectIntegration(
	context: { knex: Knex; apps: ProviderApps; fetch?: typeof fetch },
	key: { workspaceId: string; id: string },
): Promise<DisconnectResult | undefined> {
	const revocation = await context.knex.transaction(async (trx) => {
		const row = await getIntegrationRow(trx, key.workspaceId, key.id, { forUpdate: true });
		if (!row) return undefined;
		let outcome: RevocationOutcome = 'no_tokens';
		let tokens: { accessToken: string | null; refreshToken: string | null } = {
			accessToken: null,
			refreshToken: null,
		};
		try {
			tokens = openTokens(context.apps.cipher, row);
		} catch {
			// A token that no longer opens (key removed) cannot be revoked; it is wiped all the same.
			outcome = 'failed';
		}
		const token = tokens.refreshToken ?? tokens.accessToken;
		if (token) {
			try {
				outcome = await revokeToken(context.apps, row.provider, token, { fetch: context.fetch });
			} catch (error) {
				if (!(error instanceof ProviderOAuthError)) throw error;
				outcome = 'failed';
			}
		}
		await wipeIntegrationTokens(trx, key);
		await setIntegrationStatus(trx, key, { status: 'disconnected', nextSyncAt: null });
		return outcome;
	});
	if (revocation === undefined) return undefined;
	const integration = await getIntegration(context.knex, key.workspaceId, key.id);
	return { integration: integration!, revocation };
}
