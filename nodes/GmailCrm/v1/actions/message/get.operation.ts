import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { gmailRawMessageToRecord } from '../../../../../core';
import { toNodeError } from '../../../../shared/providerErrors';
import { gmailConnection } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '18c3a5e0b2f4d6a1',
		displayOptions: { show: { resource: ['message'], operation: ['get'] } },
	},
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
	const items = this.getInputData();
	const connection = await gmailConnection(this);
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const messageId = this.getNodeParameter('messageId', itemIndex) as string;
			const downloadAttachments = this.getNodeParameter(
				'downloadAttachments',
				itemIndex,
			) as boolean;
			const { data } = await connection.gmail.users.messages.get({
				userId: 'me',
				id: messageId,
				format: 'raw',
			});
			const { record, attachments } = await gmailRawMessageToRecord(
				data,
				await connection.ownerEmail(),
			);
			const item: INodeExecutionData = { json: record, pairedItem: { item: itemIndex } };
			if (downloadAttachments && attachments.length) {
				item.binary = {};
				for (const [index, attachment] of attachments.entries()) {
					item.binary[`attachment_${index}`] = await this.helpers.prepareBinaryData(
						attachment.content,
						attachment.filename ?? `attachment_${index}`,
						attachment.mimeType,
					);
				}
			}
			output.push(item);
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, {
				provider: 'Google',
				permission: 'gmail.readonly',
				itemIndex,
			});
			if (this.continueOnFail()) {
				output.push({ json: { error: nodeError.message }, pairedItem: { item: itemIndex } });
				continue;
			}
			throw nodeError;
		}
	}
	return output;
}
