import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { GOOGLE_API_BASE_URL } from '../core/providers/endpoints';

/**
 * Sign in with Google through the same app registration: identity only (openid email profile),
 * kept apart from the data-access credentials.
 */
export class GoogleSignInCrmOAuth2Api implements ICredentialType {
	name = 'googleSignInCrmOAuth2Api';

	displayName = 'Google Sign-In CRM OAuth2 API';

	extends = ['googleCrmOAuth2Api'];

	icon: Icon = { light: 'file:icons/google.svg', dark: 'file:icons/google.dark.svg' };

	documentationUrl = 'https://github.com/crm-connect/n8n-nodes-crm-connect#google-credentials';

	properties: INodeProperties[] = [
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: 'openid email profile' },
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{$credentials.customEndpoints ? $credentials.apiBaseUrl : "${GOOGLE_API_BASE_URL}"}}`,
			url: '/oauth2/v3/userinfo',
		},
	};
}
