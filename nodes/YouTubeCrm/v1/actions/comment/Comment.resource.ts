import type { INodeProperties } from 'n8n-workflow';

import * as reply from './reply.operation';

export { reply };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['comment'] } },
		options: [
			{
				name: 'Reply',
				value: 'reply',
				description: 'Reply to a top-level comment (costs 50 quota units)',
				action: 'Reply to a comment',
			},
		],
		default: 'reply',
	},
	...reply.description,
];
