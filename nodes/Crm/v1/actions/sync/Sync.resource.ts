import type { INodeProperties } from 'n8n-workflow';

import * as linkRecords from './linkRecords.operation';
import * as listDueIntegrations from './listDueIntegrations.operation';
import * as syncDueIntegrations from './syncDueIntegrations.operation';
import * as syncOneIntegration from './syncOneIntegration.operation';

export { linkRecords, listDueIntegrations, syncDueIntegrations, syncOneIntegration };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['sync'] } },
		options: [
			{
				name: 'Link Records',
				value: 'linkRecords',
				description:
					"Link the workspace's emails and events to people and companies (creating them as the contact policy says)",
				action: 'Link records',
			},
			{
				name: 'List Due Integrations',
				value: 'listDueIntegrations',
				description:
					'Lease the integrations that are due, across workspaces, and output one item each (to sync in sub-workflows)',
				action: 'List and lease due integrations',
			},
			{
				name: 'Sync Due Integrations',
				value: 'syncDueIntegrations',
				description:
					'Lease and sync every due integration, across workspaces; one item per integration with its outcome',
				action: 'Sync due integrations',
			},
			{
				name: 'Sync One Integration',
				value: 'syncOneIntegration',
				description: 'Sync one integration now (or the one a List Due Integrations item leased)',
				action: 'Sync one integration',
			},
		],
		default: 'syncDueIntegrations',
	},
	...syncDueIntegrations.description,
	...listDueIntegrations.description,
	...syncOneIntegration.description,
	...linkRecords.description,
];
