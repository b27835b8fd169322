import type { INodeProperties } from 'n8n-workflow';

import * as createOrUpdate from './createOrUpdate.operation';
import * as find from './find.operation';

export { createOrUpdate, find };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['company'] } },
		options: [
			{
				name: 'Create or Update',
				value: 'createOrUpdate',
				description: 'Create a company, or update the one with this domain',
				action: 'Create or update a company',
			},
			{
				name: 'Find',
				value: 'find',
				description: 'Find companies by domain or ID',
				action: 'Find companies',
			},
		],
		default: 'createOrUpdate',
	},
	...createOrUpdate.description,
	...find.description,
];
