import type { IExecuteFunctions } from 'n8n-workflow';

import {
	createDataManagerClient,
	createGoogleAdsClient,
	openDatabase,
	type CrmDatabase,
	type DataManagerClient,
	type GoogleAdsClient,
} from '../../../../core';
import { databaseSettingsFromCredential } from '../../../shared/crmDatabaseCredential';
import { n8nRequester } from '../../../shared/providerTransport';

export const ADS_CREDENTIAL = 'googleAdsCrmOAuth2Api';

export interface AdsConnection {
	ads: GoogleAdsClient;
	dataManager: DataManagerClient;
	loginCustomerId?: string;
}

/**
 * The Google Ads and Data Manager clients of the node's credential. Both send through n8n (which
 * signs with the OAuth token and refreshes it); only the Ads client adds the developer token and
 * login-customer-id, as Data Manager takes neither.
 */
export async function adsConnection(context: IExecuteFunctions): Promise<AdsConnection> {
	const credential = await context.getCredentials(ADS_CREDENTIAL);
	const custom = credential.customEndpoints === true;
	const request = n8nRequester(context, ADS_CREDENTIAL);
	const loginCustomerId =
		String(credential.loginCustomerId ?? '').replace(/[\s-]/g, '') || undefined;
	return {
		ads: createGoogleAdsClient({
			request,
			developerToken: String(credential.developerToken ?? ''),
			loginCustomerId,
			baseUrl: custom ? (credential.adsApiBaseUrl as string | undefined) : undefined,
		}),
		dataManager: createDataManagerClient({
			request,
			baseUrl: custom ? (credential.dataManagerBaseUrl as string | undefined) : undefined,
		}),
		loginCustomerId,
	};
}

/** The CRM database of the node's `CRM Database` credential (pooled, migrated when it asks). */
export async function crmDatabase(context: IExecuteFunctions): Promise<CrmDatabase> {
	const credential = await context.getCredentials('crmDatabase');
	const database = openDatabase(databaseSettingsFromCredential(credential));
	await database.ready();
	return database;
}
