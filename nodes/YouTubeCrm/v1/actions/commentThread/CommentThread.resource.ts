import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['commentThread'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the comment threads of a channel or a video, newest first',
				action: 'Get many comment threads',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
