import type { INodeProperties } from 'n8n-workflow';

import { campaignIdProperty, customerIdProperty } from '../common.descriptions';
import * as create from './create.operation';
import * as enable from './enable.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as pause from './pause.operation';
import * as update from './update.operation';

export { create, enable, get, getMany, pause, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['campaign'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a campaign on a new daily budget (paused unless asked otherwise)',
				action: 'Create a campaign',
			},
			{
				name: 'Enable',
				value: 'enable',
				description: 'Let a campaign serve again',
				action: 'Enable a campaign',
			},
			{ name: 'Get', value: 'get', description: 'Get a campaign', action: 'Get a campaign' },
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List campaigns by status and dates',
				action: 'Get many campaigns',
			},
			{
				name: 'Pause',
				value: 'pause',
				description: 'Stop a campaign from serving',
				action: 'Pause a campaign',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change the name, daily budget or dates of a campaign',
				action: 'Update a campaign',
			},
		],
		default: 'getMany',
	},
	customerIdProperty('campaign', ['create', 'enable', 'get', 'getMany', 'pause', 'update']),
	campaignIdProperty(['enable', 'get', 'pause', 'update']),
	...getMany.description,
	...create.description,
	...update.description,
];
