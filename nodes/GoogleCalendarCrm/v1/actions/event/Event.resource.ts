import type { INodeProperties } from 'n8n-workflow';

import { calendarProperty, eventIdProperty } from './common.descriptions';
import * as create from './create.operation';
import * as deleteEvent from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { create, deleteEvent as delete, get, getMany, update };

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
				description: 'Create an event (timed or all-day, with guests and a Google Meet link)',
				action: 'Create an event',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an event',
				action: 'Delete an event',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get an event as a CRM event record',
				action: 'Get an event',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List or search the events of a calendar as CRM event records',
				action: 'Get many events',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change only the given fields of an event',
				action: 'Update an event',
			},
		],
		default: 'getMany',
	},
	calendarProperty(['create', 'delete', 'get', 'getMany', 'update']),
	eventIdProperty(['delete', 'get', 'update']),
	...create.description,
	...getMany.description,
	...update.description,
	...deleteEvent.description,
	...get.description,
];
