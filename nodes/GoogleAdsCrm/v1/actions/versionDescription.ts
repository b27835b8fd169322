import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

import * as campaign from './campaign/Campaign.resource';
import * as conversion from './conversion/Conversion.resource';
import * as customer from './customer/Customer.resource';
import * as metrics from './metrics/Metrics.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Google Ads CRM',
	name: 'googleAdsCrm',
	// n8n resolves a version's icon from the main node file's folder, not from this one.
	icon: { light: 'file:googleAdsCrm.svg', dark: 'file:googleAdsCrm.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description:
		'Manage Google Ads campaigns, read their metrics, and upload offline conversions from CRM events through an outbox',
	defaults: { name: 'Google Ads CRM' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	usableAsTool: true,
	credentials: [
		{ name: 'googleAdsCrmOAuth2Api', required: true },
		// The outbox lives in the CRM database.
		{ name: 'crmDatabase', required: true, displayOptions: { show: { resource: ['conversion'] } } },
	],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Campaign', value: 'campaign' },
				{ name: 'Conversion', value: 'conversion' },
				{ name: 'Customer', value: 'customer' },
				{ name: 'Metric', value: 'metrics' },
			],
			default: 'campaign',
		},
		...campaign.description,
		...metrics.description,
		...conversion.description,
		...customer.description,
	],
};
