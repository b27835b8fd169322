import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { replyToGraphMessage, type GraphReply } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { microsoftConnection } from '../../../../shared/microsoftConnection';
import { messageIdProperty, messageNotFound } from './shared';

const show = { resource: ['message'], operation: ['reply'] };

export const description: INodeProperties[] = [
	messageIdProperty(['reply']),
	{
		displayName: 'Reply With',
		name: 'replyMode',
		type: 'options',
		options: [
			{
				name: 'Comment',
				value: 'comment',
				description: 'A text comment above the quoted original, as Outlook writes replies',
			},
			{
				name: 'Full Body',
				value: 'body',
				description: 'A body of your own (text or HTML) instead of the quoted original',
			},
		],
		default: 'comment',
		displayOptions: { show },
	},
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		displayOptions: { show: { ...show, replyMode: ['comment'] } },
	},
	{
		displayName: 'Body Format',
		name: 'bodyContentType',
		type: 'options',
		options: [
			{ name: 'Text', value: 'text' },
			{ name: 'HTML', value: 'html' },
		],
		default: 'text',
		displayOptions: { show: { ...show, replyMode: ['body'] } },
	},
	{
		displayName: 'Body',
		name: 'bodyContent',
		type: 'string',
		typeOptions: { rows: 5 },
		default: '',
		displayOptions: { show: { ...show, replyMode: ['body'] } },
	},
	{
		displayName: 'Reply to All',
		name: 'replyAll',
		type: 'boolean',
		default: false,
		description: 'Whether to reply to the sender and every other recipient',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await microsoftConnection(this);
	return await forEachItem(
		this,
		{ provider: 'Microsoft 365', permission: 'Mail.Send', notFound: messageNotFound(this) },
		async (itemIndex) => {
			const messageId = this.getNodeParameter('messageId', itemIndex) as string;
			const replyMode = this.getNodeParameter('replyMode', itemIndex) as 'comment' | 'body';
			const replyAll = this.getNodeParameter('replyAll', itemIndex, false) as boolean;
			const reply: GraphReply =
				replyMode === 'comment'
					? { comment: this.getNodeParameter('comment', itemIndex) as string, replyAll }
					: {
							body: {
								contentType: this.getNodeParameter('bodyContentType', itemIndex) as string,
								content: this.getNodeParameter('bodyContent', itemIndex) as string,
							},
							replyAll,
						};
			return {
				json: await replyToGraphMessage(
					connection.graph,
					messageId,
					reply,
					await connection.messageContext(),
				),
			};
		},
	);
}
