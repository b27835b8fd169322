import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

import { openDatabase, parseProviderApps, type ApiContext } from '../../core';
import { databaseSettingsFromCredential } from '../shared/crmDatabaseCredential';

export const DATABASE_CREDENTIAL = 'crmDatabase';
export const CONNECT_APPS_CREDENTIAL = 'crmConnectAppsApi';
/** Optional: the app of Sign in with Google (identity only, kept apart from data access). */
export const SIGN_IN_CREDENTIAL = 'googleSignInCrmOAuth2Api';

/** The endpoint overrides of the CRM Connect Apps credential, used only while switched on. */
const ENDPOINT_FIELDS = [
	'googleAuthBaseUrl',
	'googleTokenBaseUrl',
	'googleApiBaseUrl',
	'microsoftLoginBaseUrl',
	'graphBaseUrl',
] as const;

/**
 * The `CRM Connect Apps` credential as the engine reads it: the endpoint overrides only while
 * "Advanced: Custom Provider Endpoints" is on (n8n may keep the values of a switched-off section).
 */
export function providerAppsDataOf(
	credential: ICredentialDataDecryptedObject,
): ICredentialDataDecryptedObject {
	if (credential.customEndpoints === true) return credential;
	const data = { ...credential };
	for (const field of ENDPOINT_FIELDS) delete data[field];
	return data;
}

// Contexts by the credential pair they were made from. A context holds parsed keys and the pooled
// database (openDatabase shares one pool per connection settings): making one per request would
// parse the keyring and look the pool up every time. An edited credential makes a new key.
const contexts = new Map<string, Promise<ApiContext>>();
// Which credential pair each node used lately. Reading two credentials (n8n loads and decrypts
// each from its database) costs more than the rest of a request, so a node's credentials are read
// again only after CREDENTIALS_TTL_MS: an edited credential applies within that time.
const nodeCredentials = new Map<string, { key: string; readAt: number }>();
const MAX_ENTRIES = 16;
export const CREDENTIALS_TTL_MS = 5_000;

function remember<T>(map: Map<string, T>, key: string, value: T): void {
	map.delete(key);
	if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string);
	map.set(key, value);
}

async function createContext(
	databaseCredential: ICredentialDataDecryptedObject,
	appsCredential: ICredentialDataDecryptedObject,
): Promise<ApiContext> {
	const apps = parseProviderApps(providerAppsDataOf(appsCredential));
	const database = openDatabase(databaseSettingsFromCredential(databaseCredential));
	// Pending migrations run once per process before the first request is served.
	await database.ready();
	return { database, apps };
}

/** The API context of this node's two credentials, made once and reused by every request. */
export async function apiContextOf(this: IWebhookFunctions): Promise<ApiContext> {
	const node = this.getNode();
	const nodeKey = JSON.stringify([this.getWorkflow().id, node.name, node.credentials]);
	const recent = nodeCredentials.get(nodeKey);
	const cached = recent && contexts.get(recent.key);
	if (cached && Date.now() - recent.readAt < CREDENTIALS_TTL_MS) return await cached;

	const databaseCredential = await this.getCredentials(DATABASE_CREDENTIAL);
	const appsCredential = await this.getCredentials(CONNECT_APPS_CREDENTIAL);
	const key = JSON.stringify([databaseCredential, appsCredential]);
	let context = contexts.get(key);
	if (!context) {
		context = createContext(databaseCredential, appsCredential);
		remember(contexts, key, context);
		// A context that could not be made (database down, credential being fixed) is not kept.
		context.catch(() => {
			if (contexts.get(key) === context) contexts.delete(key);
		});
	}
	remember(nodeCredentials, nodeKey, { key, readAt: Date.now() });
	return await context;
}
