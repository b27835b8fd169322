import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';

export { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['thread'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get every message of a thread as CRM email records, oldest first',
				action: 'Get a thread',
			},
		],
		default: 'get',
	},
	...get.description,
];
