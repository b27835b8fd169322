import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['label'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: "List the mailbox's labels (system and user labels)",
				action: 'Get many labels',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
