import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/forEachItem';
import { gmailConnection, threadNotFound } from '../../../../shared/gmailConnection';
import { fetchMessageItems } from '../../../../shared/gmailItems';

const show = { resource: ['thread'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Thread ID',
		name: 'threadId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '18c3a5e0b2f4d6a1',
		description: 'Gmail ID of the thread (providerThreadId of an email record)',
		displayOptions: { show },
	},
	{
		displayName: 'Download Attachments',
		name: 'downloadAttachments',
		type: 'boolean',
		default: false,
		description: 'Whether to output the attachments as binary data (attachment_0, attachment_1, …)',
		displayOptions: { show },
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
				threadNotFound(this.getNodeParameter('threadId', itemIndex) as string),
		},
		async (itemIndex) => {
			// threads.get has no raw format: list the ids, then fetch the raw messages in batches.
			const { data } = await connection.gmail.users.threads.get({
				userId: 'me',
				id: this.getNodeParameter('threadId', itemIndex) as string,
				format: 'minimal',
			});
			return await fetchMessageItems(
				this,
				connection,
				(data.messages ?? []).map((message) => message.id as string),
				this.getNodeParameter('downloadAttachments', itemIndex, false) as boolean,
			);
		},
	);
}
