import type { INodeProperties } from 'n8n-workflow';

import * as getMine from './getMine.operation';

export { getMine };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['channel'] } },
		options: [
			{
				name: 'Get Mine',
				value: 'getMine',
				description: 'Get the YouTube channel of the connected account',
				action: 'Get my channel',
			},
		],
		default: 'getMine',
	},
];
