import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { getServiceAccountAccessToken, parseServiceAccountKey } from '../core';
import { GOOGLE_API_BASE_URL, GOOGLE_TOKEN_BASE_URL } from '../core/providers/endpoints';

/**
 * A Google service account with domain-wide delegation: acts for a user of a Google Workspace
 * domain without that user connecting. The administrator grants the service account's client id
 * the scopes in the Workspace admin console.
 */
export class GoogleServiceAccountCrmApi implements ICredentialType {
	name = 'googleServiceAccountCrmApi';

	displayName = 'Google Service Account CRM API';

	icon: Icon = { light: 'file:icons/google.svg', dark: 'file:icons/google.dark.svg' };

	documentationUrl = 'https://github.com/crm-connect/n8n-nodes-crm-connect#google-credentials';

	properties: INodeProperties[] = [
		// The key file holds the service account's private key.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Service Account Key (JSON)',
			name: 'serviceAccountKey',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			required: true,
			description: 'The whole JSON key file of the service account',
		},
		{
			displayName: 'Impersonate User',
			name: 'delegatedEmail',
			type: 'string',
			default: '',
			placeholder: 'user@your-domain.com',
			required: true,
			description: 'The Workspace user whose mail and calendar the service account works with',
		},
		{
			displayName: 'Scopes',
			name: 'scopes',
			type: 'string',
			default:
				'https://www.googleapis.com/auth/gmail.modify https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/calendar',
			description: 'Space-separated scopes, as granted to the client id in the admin console',
		},
		{
			displayName: 'Use Custom Endpoints',
			name: 'customEndpoints',
			type: 'boolean',
			default: false,
		},
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: `${GOOGLE_TOKEN_BASE_URL}/token`,
			displayOptions: { show: { customEndpoints: [true] } },
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: GOOGLE_API_BASE_URL,
			displayOptions: { show: { customEndpoints: [true] } },
		},
	];

	/** Signs a JWT with the key, exchanges it for an access token (cached) and sets the bearer header. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const key = parseServiceAccountKey(credentials.serviceAccountKey as string);
		const accessToken = await getServiceAccountAccessToken({
			key,
			subject: (credentials.delegatedEmail as string) || undefined,
			scopes: String(credentials.scopes ?? '')
				.split(/\s+/)
				.filter(Boolean),
			tokenUrl: credentials.customEndpoints ? (credentials.tokenUrl as string) : undefined,
		});
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${accessToken}` },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{$credentials.customEndpoints ? $credentials.apiBaseUrl : "${GOOGLE_API_BASE_URL}"}}`,
			url: '/gmail/v1/users/me/profile',
		},
	};
}
