import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeCredentialDescription,
	INodeProperties,
	IPollFunctions,
} from 'n8n-workflow';

import { DEFAULT_GOOGLE_API_BASE_URL } from '../../core';

type GoogleContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

/** The node parameter that picks how a Google node authenticates. */
export function googleAuthenticationProperty(oAuth2Credential: string): INodeProperties {
	return {
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{ name: 'OAuth2 (Recommended)', value: 'oAuth2' },
			{ name: 'Service Account (Domain-Wide Delegation)', value: 'serviceAccount' },
		],
		default: 'oAuth2',
		description: `OAuth2 connects one account (${oAuth2Credential}); a service account acts for a user of your Google Workspace domain`,
	};
}

export function googleCredentials(oAuth2Credential: string): INodeCredentialDescription[] {
	return [
		{
			name: oAuth2Credential,
			required: true,
			displayOptions: { show: { authentication: ['oAuth2'] } },
		},
		{
			name: 'googleServiceAccountCrmApi',
			required: true,
			displayOptions: { show: { authentication: ['serviceAccount'] } },
		},
	];
}

/** The credential type the node uses and the API base URL it points at. */
export async function resolveGoogleCredential(
	context: GoogleContext,
	oAuth2Credential: string,
): Promise<{ credentialType: string; apiBaseUrl: string; delegatedEmail?: string }> {
	const authentication = context.getNodeParameter('authentication', 0, 'oAuth2') as string;
	const credentialType =
		authentication === 'serviceAccount' ? 'googleServiceAccountCrmApi' : oAuth2Credential;
	const credential = await context.getCredentials(credentialType);
	const apiBaseUrl =
		credential.customEndpoints && credential.apiBaseUrl
			? String(credential.apiBaseUrl)
			: DEFAULT_GOOGLE_API_BASE_URL;
	return {
		credentialType,
		apiBaseUrl,
		delegatedEmail: (credential.delegatedEmail as string | undefined) || undefined,
	};
}
