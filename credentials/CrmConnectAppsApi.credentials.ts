import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import {
	GOOGLE_API_BASE_URL,
	GOOGLE_AUTH_BASE_URL,
	GOOGLE_TOKEN_BASE_URL,
	MICROSOFT_GRAPH_BASE_URL,
	MICROSOFT_LOGIN_BASE_URL,
} from '../core/providers/endpoints';

/**
 * The provider apps of the workspace connect flow, configured once per n8n: the Google and
 * Microsoft OAuth clients that CRM users connect their own accounts through, where the CRM API
 * node is served, the keys that encrypt the stored tokens, and the secret the CRM's backend signs
 * its request tokens with. Per-user tokens never live here: they live encrypted in the CRM tables.
 */
// Not an API key for one service: the apps and secrets of the connect flow, named as the product
// calls them. Its test is the CRM API node's crmConnectAppsTest (testedBy on the node's
// credential), which the test rule cannot see from here.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class CrmConnectAppsApi implements ICredentialType {
	name = 'crmConnectAppsApi';

	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
	displayName = 'CRM Connect Apps';

	icon: Icon = { light: 'file:../nodes/Crm/crm.svg', dark: 'file:../nodes/Crm/crm.dark.svg' };

	documentationUrl =
		'https://github.com/crm-connect/n8n-nodes-crm-connect#crm-connect-apps-credential';

	properties: INodeProperties[] = [
		{
			displayName:
				"Leave a provider's client ID empty to offer only the other one. In the Google and Microsoft apps, register the redirect URI <Public Base URL>/oauth/callback.",
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Google Client ID',
			name: 'googleClientId',
			type: 'string',
			default: '',
			placeholder: '1234567890-abc.apps.googleusercontent.com',
			description: 'OAuth client (type Web application) from the Google Cloud console',
		},
		{
			displayName: 'Google Client Secret',
			name: 'googleClientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Microsoft Client ID',
			name: 'microsoftClientId',
			type: 'string',
			default: '',
			placeholder: '00000000-0000-0000-0000-000000000000',
			description: 'Application (client) ID of the app registration in Microsoft Entra',
		},
		{
			displayName: 'Microsoft Client Secret',
			name: 'microsoftClientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Microsoft Tenant',
			name: 'microsoftTenant',
			type: 'string',
			default: 'common',
			description:
				'Directory (tenant) ID or domain; "common" accepts work and personal accounts, "organizations" work accounts only',
		},
		{
			displayName: 'Public Base URL',
			name: 'publicBaseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://n8n.example.com/webhook/crm-api',
			description:
				"Where the CRM API node's routes are reached from the internet: n8n's public webhook URL followed by /crm-api. The OAuth callback is this URL followed by /oauth/callback.",
		},
		{
			displayName: 'Token Encryption Keys',
			name: 'tokenKeys',
			type: 'string',
			typeOptions: { password: true, rows: 3 },
			default: '',
			required: true,
			placeholder: 'k2026:base64-of-32-random-bytes',
			description:
				'One key per line as keyId:base64key (32 bytes, e.g. openssl rand -base64 32). The first line encrypts new tokens; keep older lines until every token has been re-encrypted.',
		},
		{
			displayName: 'API Signing Secret',
			name: 'apiSigningSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"The HS256 secret (at least 32 bytes) the CRM's backend signs its short-lived request tokens with (workspace, user, scopes, expiry)",
		},
		{
			displayName: 'Allowed Return Origins',
			name: 'allowedReturnOrigins',
			type: 'string',
			default: '',
			placeholder: 'https://app.example-crm.com, https://staging.example-crm.com',
			description:
				'Comma-separated origins the connect flow may send users back to after consent; any other return URL is refused',
		},
		{
			displayName: 'Advanced: Custom Provider Endpoints',
			name: 'customEndpoints',
			type: 'boolean',
			default: false,
			description:
				"Whether to reach Google and Microsoft through other base URLs (the crm-connect sandbox, a national cloud, a proxy). Leave off to use the providers' own.",
		},
		{
			displayName: 'Google Authorization Base URL',
			name: 'googleAuthBaseUrl',
			type: 'string',
			default: GOOGLE_AUTH_BASE_URL,
			description: 'Base of the consent page (/o/oauth2/v2/auth), without a trailing slash',
			displayOptions: { show: { customEndpoints: [true] } },
		},
		{
			displayName: 'Google Token Base URL',
			name: 'googleTokenBaseUrl',
			type: 'string',
			default: GOOGLE_TOKEN_BASE_URL,
			description:
				'Base of the token and revoke endpoints (/token, /revoke), without a trailing slash',
			displayOptions: { show: { customEndpoints: [true] } },
		},
		{
			displayName: 'Google API Base URL',
			name: 'googleApiBaseUrl',
			type: 'string',
			default: GOOGLE_API_BASE_URL,
			description: 'Base of the Google APIs (/gmail/v1, /calendar/v3, …), without a trailing slash',
			displayOptions: { show: { customEndpoints: [true] } },
		},
		{
			displayName: 'Microsoft Login Base URL',
			name: 'microsoftLoginBaseUrl',
			type: 'string',
			default: MICROSOFT_LOGIN_BASE_URL,
			description: 'Base of the identity platform (before /{tenant}), without a trailing slash',
			displayOptions: { show: { customEndpoints: [true] } },
		},
		{
			displayName: 'Microsoft Graph Base URL',
			name: 'graphBaseUrl',
			type: 'string',
			default: MICROSOFT_GRAPH_BASE_URL,
			description: 'Base of Microsoft Graph (before /v1.0), without a trailing slash',
			displayOptions: { show: { customEndpoints: [true] } },
		},
	];
}
