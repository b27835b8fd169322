import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as link from './link.operation';
import * as search from './search.operation';
import * as unlink from './unlink.operation';

export { get, link, search, unlink };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['email'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get one stored email with its participants, labels and links',
				action: 'Get an email',
			},
			{
				name: 'Link',
				value: 'link',
				description: 'Link an email to a person or company by hand',
				action: 'Link an email',
			},
			{
				name: 'Search',
				value: 'search',
				description:
					"Search the workspace's stored emails by words and filters, newest first (no words: list them)",
				action: 'Search emails',
			},
			{
				name: 'Unlink',
				value: 'unlink',
				description:
					'Remove the link between an email and a person or company (automatic linking does not bring it back)',
				action: 'Unlink an email',
			},
		],
		default: 'search',
	},
	...search.description,
	...get.description,
	...link.description,
	...unlink.description,
];
