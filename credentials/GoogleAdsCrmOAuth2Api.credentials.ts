import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

const ADS_API_BASE_URL = 'https://googleads.googleapis.com';
const DATA_MANAGER_BASE_URL = 'https://datamanager.googleapis.com';

/**
 * Google Ads through crm-connect: the Ads API (adwords) with its developer token and manager
 * (login) customer id, and the Data Manager API that offline conversions go through.
 */
export class GoogleAdsCrmOAuth2Api implements ICredentialType {
	name = 'googleAdsCrmOAuth2Api';

	displayName = 'Google Ads CRM OAuth2 API';

	extends = ['googleCrmOAuth2Api'];

	icon: Icon = { light: 'file:icons/google.svg', dark: 'file:icons/google.dark.svg' };

	documentationUrl = 'https://github.com/crm-connect/n8n-nodes-crm-connect#google-credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default:
				'https://www.googleapis.com/auth/adwords https://www.googleapis.com/auth/datamanager',
		},
		{
			displayName: 'Developer Token',
			name: 'developerToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The Google Ads API developer token of your manager account (API Center)',
		},
		{
			displayName: 'Login Customer ID',
			name: 'loginCustomerId',
			type: 'string',
			default: '',
			placeholder: '123-456-7890',
			description:
				'The manager account through which the customer accounts are reached, if any (digits, dashes allowed)',
		},
		{
			displayName: 'Ads API Base URL',
			name: 'adsApiBaseUrl',
			type: 'string',
			default: ADS_API_BASE_URL,
			displayOptions: { show: { customEndpoints: [true] } },
		},
		{
			displayName: 'Data Manager API Base URL',
			name: 'dataManagerBaseUrl',
			type: 'string',
			default: DATA_MANAGER_BASE_URL,
			description:
				'Base of the Data Manager API (/v1/events:ingest) that offline conversions go through',
			displayOptions: { show: { customEndpoints: [true] } },
		},
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{$credentials.customEndpoints ? $credentials.adsApiBaseUrl : "${ADS_API_BASE_URL}"}}`,
			url: '/v26/customers:listAccessibleCustomers',
			headers: { 'developer-token': '={{$credentials.developerToken}}' },
		},
	};
}
