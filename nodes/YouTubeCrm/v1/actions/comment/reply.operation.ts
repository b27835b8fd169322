import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { commentRecord } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { commentItem, youtubeConnection } from '../../helpers/youtubeConnection';

const show = { resource: ['comment'], operation: ['reply'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Comment ID',
		name: 'parentId',
		type: 'string',
		default: '',
		required: true,
		description:
			'The top-level comment to reply to (its thread ID; YouTube allows no replies to replies)',
		displayOptions: { show },
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'The reply, as plain text (at most 10,000 characters)',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const youtube = await youtubeConnection(this);
	return await forEachItem(
		this,
		{
			provider: 'YouTube',
			permission: 'youtube.force-ssl',
			notFound: (itemIndex) =>
				`YouTube has no comment '${this.getNodeParameter('parentId', itemIndex) as string}' to reply to`,
		},
		async (itemIndex) => {
			const parentId = (this.getNodeParameter('parentId', itemIndex) as string).trim();
			const text = this.getNodeParameter('text', itemIndex) as string;
			const reply = await youtube.reply(parentId, text);
			return { json: commentItem(commentRecord(reply)) };
		},
	);
}
