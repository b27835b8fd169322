import type { INodeProperties } from 'n8n-workflow';

import * as listAccessible from './listAccessible.operation';

export { listAccessible };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['customer'] } },
		options: [
			{
				name: 'List Accessible',
				value: 'listAccessible',
				description: 'The Google Ads accounts the connected Google account can reach directly',
				action: 'List accessible customers',
			},
		],
		default: 'listAccessible',
	},
	...listAccessible.description,
];
