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
		displayOptions: { show: { resource: ['person'] } },
		options: [
			{
				name: 'Create or Update',
				value: 'createOrUpdate',
				description: 'Create a person, or update the one with this email address',
				action: 'Create or update a person',
			},
			{
				name: 'Find',
				value: 'find',
				description: 'Find people by email address, ID or company',
				action: 'Find people',
			},
		],
		default: 'createOrUpdate',
	},
	...createOrUpdate.description,
	...find.description,
];
