import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { callbackUrl, parseProviderApps } from '../../core';
import { providerAppsDataOf } from './apiContext';

/**
 * The `CRM Connect Apps` credential's test: reads it as the API does (keyring, signing secret,
 * origins, endpoints) and says which provider apps are ready and which redirect URI to register.
 */
export async function crmConnectAppsTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const apps = parseProviderApps(providerAppsDataOf(credential.data ?? {}));
		const providers = [
			...(apps.google ? ['Google'] : []),
			...(apps.microsoft ? [`Microsoft 365 (tenant ${apps.microsoft.tenant})`] : []),
		];
		if (providers.length === 0) {
			return {
				status: 'Error',
				message: 'No provider app: give the Google or the Microsoft client ID and secret',
			};
		}
		return {
			status: 'OK',
			message: `Ready for ${providers.join(' and ')}; register ${callbackUrl(apps)} as the redirect URI`,
		};
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}
