import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runPerItem } from '../../helpers/runPerItem';
import { fetchMessageRecord } from '../../helpers/records';
import { microsoftConnection } from '../../transport';
import { messageIdProperty } from './shared';

export const description: INodeProperties[] = [messageIdProperty(['get'])];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await microsoftConnection(this);
	return await runPerItem(this, 'Mail.ReadWrite', async (itemIndex) => {
		const messageId = this.getNodeParameter('messageId', itemIndex) as string;
		return { json: await fetchMessageRecord(connection, messageId) };
	});
}
