import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * The chat model signature enrichment may ask: any OpenAI-compatible endpoint (OpenAI, a local
 * Ollama or vLLM server, other compatible hosts) or an Azure OpenAI deployment. Only signature
 * blocks and the sender's name and address are ever sent to it; values it returns that are not
 * written in the signature are dropped.
 */
export class CrmConnectAiModelApi implements ICredentialType {
	name = 'crmConnectAiModelApi';

	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
	displayName = 'CRM Connect AI Model';

	icon: Icon = { light: 'file:../nodes/Crm/crm.svg', dark: 'file:../nodes/Crm/crm.dark.svg' };

	documentationUrl =
		'https://github.com/crm-connect/n8n-nodes-crm-connect#crm-connect-ai-model-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Provider',
			name: 'provider',
			type: 'options',
			options: [
				{
					name: 'OpenAI-Compatible',
					value: 'openai',
					description: 'OpenAI, or a server speaking its API (Ollama, vLLM, LM Studio …)',
				},
				{
					name: 'Azure OpenAI',
					value: 'azure',
					description: 'A deployment in an Azure OpenAI resource',
				},
			],
			default: 'openai',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.openai.com/v1',
			required: true,
			description:
				"The API base ending in /v1: https://api.openai.com/v1, Ollama http://localhost:11434/v1, vLLM http://localhost:8000/v1. For Azure OpenAI, the resource's endpoint: https://my-resource.openai.azure.com.",
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Leave empty for a local server that takes no key',
		},
		{
			displayName: 'Model',
			name: 'model',
			type: 'string',
			default: 'gpt-4o-mini',
			required: true,
			description:
				'Model ID (gpt-4o-mini, llama3.1 …); it must support structured outputs (a JSON schema). For Azure, the deployment name.',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: '2024-10-21',
			required: true,
			description: 'Azure OpenAI API version',
			displayOptions: { show: { provider: ['azure'] } },
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 600 },
			default: 20,
			description:
				'How long one request may take; a slower answer falls back to the offline result',
		},
	];

	// OpenAI style takes a Bearer key, Azure the api-key header; each gets only its own.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization:
					'={{$credentials.provider === "azure" || !$credentials.apiKey ? "" : "Bearer " + $credentials.apiKey}}',
				'api-key': '={{$credentials.provider === "azure" ? $credentials.apiKey : ""}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.provider === "azure" ? $credentials.baseUrl.replace(/\\/+$/, "") + "/openai" : $credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/models',
			qs: {
				'api-version':
					'={{$credentials.provider === "azure" ? $credentials.apiVersion : undefined}}',
			},
		},
	};
}
