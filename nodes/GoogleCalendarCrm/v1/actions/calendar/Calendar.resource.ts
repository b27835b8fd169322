import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['calendar'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: "List the calendars in the account's calendar list",
				action: 'Get many calendars',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
