import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { forEachItem } from '../../../shared/forEachItem';
import { fetchMessageItem } from './records';
import { gmailConnection } from '../transport';

/**
 * Changes each item's message labels (UNREAD is the read state) and outputs the message's record
 * as it is afterwards.
 */
export async function modifyLabels(
	context: IExecuteFunctions,
	labelsOf: (itemIndex: number) => { add: string[]; remove: string[] },
): Promise<INodeExecutionData[]> {
	const connection = await gmailConnection(context);
	return await forEachItem(
		context,
		{ provider: 'Google', permission: 'gmail.modify' },
		async (itemIndex) => {
			const id = context.getNodeParameter('messageId', itemIndex) as string;
			const { add, remove } = labelsOf(itemIndex);
			await connection.gmail.users.messages.modify({
				userId: 'me',
				id,
				requestBody: { addLabelIds: add, removeLabelIds: remove },
			});
			return [await fetchMessageItem(context, connection, id, false)];
		},
	);
}
