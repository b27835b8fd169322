// Set-up shared by the CRM node's workspace tests: an integration connected as the connect flow
// leaves it (tokens sealed with the credential's keyring), without going through consent.
import { closeAllDatabases, parseProviderApps } from '../../core';
import type { CrmDatabase } from '../../core/store/database';
import { connectIntegration } from '../../core/store/integrations';
import type { Emulator } from '../emulator';
import { credentialData } from '../connect/support';

export { closeAllDatabases };

/** Connects `email`'s Google account to the workspace with a token the emulator issued. */
export async function connectIntegrationForTest(
	database: CrmDatabase,
	emu: Emulator,
	workspaceId: string,
	email: string,
	provider: 'google' | 'microsoft' = 'google',
): Promise<{ integrationId: string; secrets: string[] }> {
	const apps = parseProviderApps(credentialData(emu));
	const issued = emu.control.issueToken(email, { provider, ttlSeconds: 3599 });
	const refreshToken = `1//refresh-${email}`;
	const { integration } = await connectIntegration(database.knex, apps.cipher, {
		workspaceId,
		userId: 'user-1',
		provider,
		accountEmail: email,
		grantedScopes: issued.scope.split(' '),
		tokens: {
			accessToken: issued.access_token,
			refreshToken,
			expiresAt: new Date(Date.now() + 3_000_000),
		},
	});
	// What must never appear in node output: the tokens and the keyring.
	return {
		integrationId: integration.id,
		secrets: [issued.access_token, refreshToken, String(credentialData(emu).tokenKeys)],
	};
}
