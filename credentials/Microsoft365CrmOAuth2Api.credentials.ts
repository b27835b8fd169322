import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { MICROSOFT_GRAPH_BASE_URL, MICROSOFT_LOGIN_BASE_URL } from '../core/providers/endpoints';

const SCOPES = [
	'openid',
	'offline_access',
	'https://graph.microsoft.com/User.Read',
	'https://graph.microsoft.com/Mail.ReadWrite',
	'https://graph.microsoft.com/Mail.Send',
	'https://graph.microsoft.com/Calendars.ReadWrite',
];

/**
 * Microsoft 365 mail and calendar through Microsoft Graph. Microsoft rotates refresh tokens on
 * every refresh; n8n saves the new one with the access token.
 */
export class Microsoft365CrmOAuth2Api implements ICredentialType {
	name = 'microsoft365CrmOAuth2Api';

	displayName = 'Microsoft 365 CRM OAuth2 API';

	extends = ['oAuth2Api'];

	icon: Icon = { light: 'file:icons/microsoft365.svg', dark: 'file:icons/microsoft365.dark.svg' };

	documentationUrl =
		'https://github.com/crm-connect/n8n-nodes-crm-connect#microsoft-365-credential';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Tenant',
			name: 'tenantId',
			type: 'string',
			default: 'common',
			description:
				'Directory (tenant) ID or domain of your organisation; "common" accepts work and personal accounts, "organizations" work accounts only',
		},
		{
			displayName: 'Use Custom Endpoints',
			name: 'customEndpoints',
			type: 'boolean',
			default: false,
			description:
				"Whether to reach Microsoft through other base URLs (the crm-connect sandbox, a national cloud). Leave off to use Microsoft's global service.",
		},
		{
			displayName: 'Login Base URL',
			name: 'loginBaseUrl',
			type: 'string',
			default: MICROSOFT_LOGIN_BASE_URL,
			description: 'Base of the identity platform, without a trailing slash',
			displayOptions: { show: { customEndpoints: [true] } },
		},
		{
			displayName: 'Graph Base URL',
			name: 'graphBaseUrl',
			type: 'string',
			default: MICROSOFT_GRAPH_BASE_URL,
			description: 'Base of Microsoft Graph (before /v1.0), without a trailing slash',
			displayOptions: { show: { customEndpoints: [true] } },
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{$self["customEndpoints"] ? $self["loginBaseUrl"] : "${MICROSOFT_LOGIN_BASE_URL}"}}/{{$self["tenantId"]}}/oauth2/v2.0/authorize`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{$self["customEndpoints"] ? $self["loginBaseUrl"] : "${MICROSOFT_LOGIN_BASE_URL}"}}/{{$self["tenantId"]}}/oauth2/v2.0/token`,
		},
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: SCOPES.join(' ') },
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'prompt=consent',
		},
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{$credentials.customEndpoints ? $credentials.graphBaseUrl : "${MICROSOFT_GRAPH_BASE_URL}"}}`,
			url: '/v1.0/me',
		},
	};
}
