import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { forEachItem } from '../../../shared/forEachItem';
import { gmailConnection, messageNotFound } from '../../../shared/gmailConnection';
import { fetchMessageItem } from '../../../shared/gmailItems';
import { assertGmailLabels } from '../../../shared/gmailLabels';

/**
 * Changes each item's message labels (UNREAD is the read state) and outputs the message's record
 * as it is afterwards. Labels the user chose (`userLabels`) must exist in the mailbox.
 */
export async function modifyLabels(
	context: IExecuteFunctions,
	labelsOf: (itemIndex: number) => { add: string[]; remove: string[] },
	userLabels = false,
): Promise<INodeExecutionData[]> {
	const connection = await gmailConnection(context);
	return await forEachItem(
		context,
		{
			provider: 'Google',
			permission: 'gmail.modify',
			notFound: (itemIndex) =>
				messageNotFound(context.getNodeParameter('messageId', itemIndex) as string),
		},
		async (itemIndex) => {
			const id = context.getNodeParameter('messageId', itemIndex) as string;
			const { add, remove } = labelsOf(itemIndex);
			if (userLabels)
				await assertGmailLabels(context.getNode(), connection, [...add, ...remove], itemIndex);
			await connection.gmail.users.messages.modify({
				userId: 'me',
				id,
				requestBody: { addLabelIds: add, removeLabelIds: remove },
			});
			return [await fetchMessageItem(context, connection, id, false)];
		},
	);
}
