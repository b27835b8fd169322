import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/forEachItem';
import { gmailConnection, messageNotFound } from '../../../../shared/gmailConnection';
import { fetchMessageItem } from '../../../../shared/gmailItems';

export const description: INodeProperties[] = [
	{
		displayName: 'Download Attachments',
		name: 'downloadAttachments',
		type: 'boolean',
		default: false,
		description: 'Whether to output the attachments as binary data (attachment_0, attachment_1, …)',
		displayOptions: { show: { resource: ['message'], operation: ['get'] } },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await gmailConnection(this);
	return await forEachItem(
		this,
		{
			provider: 'Google',
			permission: 'gmail.readonly',
			notFound: (itemIndex) =>
				messageNotFound(this.getNodeParameter('messageId', itemIndex) as string),
		},
		async (itemIndex) => [
			await fetchMessageItem(
				this,
				connection,
				this.getNodeParameter('messageId', itemIndex) as string,
				this.getNodeParameter('downloadAttachments', itemIndex, false) as boolean,
			),
		],
	);
}
