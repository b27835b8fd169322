import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { GOOGLE_API_BASE_URL } from '../core/providers/endpoints';

const SCOPES = [
	'https://www.googleapis.com/auth/gmail.readonly',
	'https://www.googleapis.com/auth/gmail.send',
	'https://www.googleapis.com/auth/gmail.modify',
];

/** Gmail through crm-connect: read, send and modify (labels, read state). */
export class GmailCrmOAuth2Api implements ICredentialType {
	name = 'gmailCrmOAuth2Api';

	displayName = 'Gmail CRM OAuth2 API';

	extends = ['googleCrmOAuth2Api'];

	icon: Icon = { light: 'file:icons/google.svg', dark: 'file:icons/google.dark.svg' };

	documentationUrl = 'https://github.com/crm-connect/n8n-nodes-crm-connect#google-credentials';

	properties: INodeProperties[] = [
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: SCOPES.join(' ') },
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{$credentials.customEndpoints ? $credentials.apiBaseUrl : "${GOOGLE_API_BASE_URL}"}}`,
			url: '/gmail/v1/users/me/profile',
		},
	};
}
