import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as markAsRead from './markAsRead.operation';
import * as markAsUnread from './markAsUnread.operation';
import * as move from './move.operation';
import * as reply from './reply.operation';
import * as send from './send.operation';

export { get, getMany, markAsRead, markAsUnread, move, reply, send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get a message as a CRM email record',
				action: 'Get a message',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List or search messages in a folder or the whole mailbox',
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
				name: 'Move',
				value: 'move',
				description: 'Move a message to another folder',
				action: 'Move a message',
			},
			{
				name: 'Reply',
				value: 'reply',
				description: 'Reply in the conversation (In-Reply-To, References, RE: subject)',
				action: 'Reply to a message',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Send a message (text or HTML, with attachments)',
				action: 'Send a message',
			},
		],
		default: 'send',
	},
	...send.description,
	...reply.description,
	...get.description,
	...getMany.description,
	...move.description,
	...markAsRead.description,
	...markAsUnread.description,
];
