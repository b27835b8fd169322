import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as link from './link.operation';
import * as list from './list.operation';
import * as unlink from './unlink.operation';

export { get, link, list, unlink };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['event'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get one stored calendar event with its attendees and links',
				action: 'Get an event',
			},
			{
				name: 'Link',
				value: 'link',
				description: 'Link an event to a person or company by hand',
				action: 'Link an event',
			},
			{
				name: 'List',
				value: 'list',
				description: "List the workspace's stored calendar events in a time range",
				action: 'List events',
			},
			{
				name: 'Unlink',
				value: 'unlink',
				description:
					'Remove the link between an event and a person or company (automatic linking does not bring it back)',
				action: 'Unlink an event',
			},
		],
		default: 'list',
	},
	...list.description,
	...get.description,
	...link.description,
	...unlink.description,
];
