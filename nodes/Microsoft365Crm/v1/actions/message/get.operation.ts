import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/forEachItem';
import { microsoftConnection } from '../../../../shared/microsoftConnection';
import { fetchMessageRecord } from '../../helpers/records';
import { messageIdProperty, messageNotFound } from './shared';

export const description: INodeProperties[] = [messageIdProperty(['get'])];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await microsoftConnection(this);
	return await forEachItem(
		this,
		{ provider: 'Microsoft 365', permission: 'Mail.ReadWrite', notFound: messageNotFound(this) },
		async (itemIndex) => {
			const messageId = this.getNodeParameter('messageId', itemIndex) as string;
			return { json: await fetchMessageRecord(connection, messageId) };
		},
	);
}
