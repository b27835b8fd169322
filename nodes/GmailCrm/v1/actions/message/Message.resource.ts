import type { INodeProperties } from 'n8n-workflow';

import * as addLabels from './addLabels.operation';
import { messageIdProperty } from './common.descriptions';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as markAsRead from './markAsRead.operation';
import * as markAsUnread from './markAsUnread.operation';
import * as removeLabels from './removeLabels.operation';
import * as reply from './reply.operation';
import * as send from './send.operation';

export { addLabels, get, getMany, markAsRead, markAsUnread, removeLabels, reply, send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Add Labels',
				value: 'addLabels',
				description: 'Add labels to a message',
				action: 'Add labels to a message',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a message as a CRM email record: headers, text, HTML and attachments',
				action: 'Get a message',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'Search or list messages as CRM email records',
				action: 'Get many messages',
			},
			{
				name: 'Mark as Read',
				value: 'markAsRead',
				action: 'Mark a message as read',
			},
			{
				name: 'Mark as Unread',
				value: 'markAsUnread',
				action: 'Mark a message as unread',
			},
			{
				name: 'Remove Labels',
				value: 'removeLabels',
				description: 'Remove labels from a message',
				action: 'Remove labels from a message',
			},
			{
				name: 'Reply',
				value: 'reply',
				description: 'Reply in the thread of a message',
				action: 'Reply to a message',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Send a new message',
				action: 'Send a message',
			},
		],
		default: 'get',
	},
	messageIdProperty,
	...send.description,
	...reply.description,
	...get.description,
	...getMany.description,
	...addLabels.description,
	...removeLabels.description,
	...markAsRead.description,
	...markAsUnread.description,
];
