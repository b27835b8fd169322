import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import {
	GOOGLE_API_BASE_URL,
	GOOGLE_AUTH_BASE_URL,
	GOOGLE_TOKEN_BASE_URL,
} from '../core/providers/endpoints';

/**
 * Base of crm-connect's Google OAuth2 credentials: Google's endpoints, offline access (a refresh
 * token) and a fresh consent on every connect, so scopes added later are granted. Product
 * credentials extend it and only add their scopes. Every endpoint can be pointed elsewhere (the
 * crm-connect sandbox, a proxy) under "Use Custom Endpoints".
 */
export class GoogleCrmOAuth2Api implements ICredentialType {
	name = 'googleCrmOAuth2Api';

	displayName = 'Google CRM OAuth2 API';

	extends = ['oAuth2Api'];

	icon: Icon = { light: 'file:icons/google.svg', dark: 'file:icons/google.dark.svg' };

	documentationUrl = 'https://github.com/crm-connect/n8n-nodes-crm-connect#google-credentials';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Use Custom Endpoints',
			name: 'customEndpoints',
			type: 'boolean',
			default: false,
			description:
				"Whether to reach Google through other base URLs (the crm-connect sandbox, a proxy). Leave off to use Google's own.",
		},
		{
			displayName: 'Authorization Base URL',
			name: 'authBaseUrl',
			type: 'string',
			default: GOOGLE_AUTH_BASE_URL,
			placeholder: GOOGLE_AUTH_BASE_URL,
			description: 'Base of the consent page (/o/oauth2/v2/auth), without a trailing slash',
			displayOptions: { show: { customEndpoints: [true] } },
		},
		{
			displayName: 'Token Base URL',
			name: 'tokenBaseUrl',
			type: 'string',
			default: GOOGLE_TOKEN_BASE_URL,
			placeholder: GOOGLE_TOKEN_BASE_URL,
			description:
				'Base of the token and revoke endpoints (/token, /revoke), without a trailing slash',
			displayOptions: { show: { customEndpoints: [true] } },
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: GOOGLE_API_BASE_URL,
			placeholder: GOOGLE_API_BASE_URL,
			description: 'Base of the Google APIs (/gmail/v1, /calendar/v3, …), without a trailing slash',
			displayOptions: { show: { customEndpoints: [true] } },
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{$self["customEndpoints"] ? $self["authBaseUrl"] : "${GOOGLE_AUTH_BASE_URL}"}}/o/oauth2/v2/auth`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{$self["customEndpoints"] ? $self["tokenBaseUrl"] : "${GOOGLE_TOKEN_BASE_URL}"}}/token`,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: '',
			description: 'Space-separated OAuth scopes (the product credentials fill this in)',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			// offline: a refresh token; consent: Google re-asks, so scopes added later are granted.
			default: 'access_type=offline&prompt=consent',
		},
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];
}
