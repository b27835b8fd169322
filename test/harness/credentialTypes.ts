import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { CrmDatabase } from '../../credentials/CrmDatabase.credentials';
import { CrmWebhookApi } from '../../credentials/CrmWebhookApi.credentials';
import { GmailCrmOAuth2Api } from '../../credentials/GmailCrmOAuth2Api.credentials';
import { GoogleAdsCrmOAuth2Api } from '../../credentials/GoogleAdsCrmOAuth2Api.credentials';
import { GoogleCalendarCrmOAuth2Api } from '../../credentials/GoogleCalendarCrmOAuth2Api.credentials';
import { GoogleCrmOAuth2Api } from '../../credentials/GoogleCrmOAuth2Api.credentials';
import { GoogleServiceAccountCrmApi } from '../../credentials/GoogleServiceAccountCrmApi.credentials';
import { GoogleSignInCrmOAuth2Api } from '../../credentials/GoogleSignInCrmOAuth2Api.credentials';
import { Microsoft365CrmOAuth2Api } from '../../credentials/Microsoft365CrmOAuth2Api.credentials';
import { YouTubeCrmOAuth2Api } from '../../credentials/YouTubeCrmOAuth2Api.credentials';
import { OAuth2Api } from './oAuth2ApiCredential';
import { testCredentialTypes } from './testTypes';

/** Every credential type the package ships, by name, plus n8n's own `oAuth2Api` they extend. */
export const credentialTypes: Record<string, ICredentialType> = Object.fromEntries(
	[
		new OAuth2Api(),
		new CrmDatabase(),
		new CrmWebhookApi(),
		new GoogleCrmOAuth2Api(),
		new GmailCrmOAuth2Api(),
		new GoogleCalendarCrmOAuth2Api(),
		new GoogleAdsCrmOAuth2Api(),
		new YouTubeCrmOAuth2Api(),
		new GoogleSignInCrmOAuth2Api(),
		new GoogleServiceAccountCrmApi(),
		new Microsoft365CrmOAuth2Api(),
		...testCredentialTypes,
	].map((type) => [type.name, type]),
);

/** Properties of a type including those of the types it extends (the child's win), as n8n merges them. */
export function credentialProperties(name: string): INodeProperties[] {
	const type = credentialTypes[name];
	if (!type) return [];
	const merged = new Map<string, INodeProperties>();
	for (const parent of type.extends ?? []) {
		for (const property of credentialProperties(parent)) merged.set(property.name, property);
	}
	for (const property of type.properties) merged.set(property.name, property);
	return [...merged.values()];
}

/** The type and the chain of types it extends (n8n walks `extends` to find e.g. `oAuth2Api`). */
export function credentialTypeChain(name: string): string[] {
	const chain: string[] = [];
	const visit = (typeName: string) => {
		const type = credentialTypes[typeName];
		for (const parent of type?.extends ?? []) {
			chain.push(parent);
			visit(parent);
		}
	};
	visit(name);
	return chain;
}
