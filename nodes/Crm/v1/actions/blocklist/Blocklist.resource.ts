import type { INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';
import * as list from './list.operation';
import * as remove from './remove.operation';

export { add, list, remove };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['blocklist'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description:
					'Block an address or a domain: its stored mail is removed and it is never synced again',
				action: 'Add to the blocklist',
			},
			{
				name: 'List',
				value: 'list',
				description: "List the workspace's blocked addresses and domains",
				action: 'List the blocklist',
			},
			{
				name: 'Remove',
				value: 'remove',
				description: 'Unblock an address or a domain: the next sync brings its mail back',
				action: 'Remove from the blocklist',
			},
		],
		default: 'list',
	},
	...add.description,
	...remove.description,
	...list.description,
];
