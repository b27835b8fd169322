import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { GOOGLE_API_BASE_URL } from '../core/providers/endpoints';

/** YouTube through crm-connect: read channels and comments, reply to comments. */
export class YouTubeCrmOAuth2Api implements ICredentialType {
	name = 'youTubeCrmOAuth2Api';

	displayName = 'YouTube CRM OAuth2 API';

	extends = ['googleCrmOAuth2Api'];

	icon: Icon = { light: 'file:icons/google.svg', dark: 'file:icons/google.dark.svg' };

	documentationUrl = 'https://github.com/crm-connect/n8n-nodes-crm-connect#google-credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default:
				'https://www.googleapis.com/auth/youtube.readonly https://www.googleapis.com/auth/youtube.force-ssl',
		},
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{$credentials.customEndpoints ? $credentials.apiBaseUrl : "${GOOGLE_API_BASE_URL}"}}`,
			url: '/youtube/v3/channels',
			qs: { part: 'id', mine: true },
		},
	};
}
