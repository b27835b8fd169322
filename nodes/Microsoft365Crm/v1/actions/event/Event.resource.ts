import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { create, getMany, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['event'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create an event (time zone, all-day, attendees, Teams meeting)',
				action: 'Create an event',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the events of a calendar in a time range (occurrences expanded)',
				action: 'Get many events',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change an event',
				action: 'Update an event',
			},
		],
		default: 'getMany',
	},
	...create.description,
	...getMany.description,
	...update.description,
];
