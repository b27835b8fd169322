import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['folder'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the mail folders (with their well-known names and counts)',
				action: 'Get many folders',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
