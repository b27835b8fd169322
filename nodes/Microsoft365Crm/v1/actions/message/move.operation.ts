import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { graphPathSegment, type GraphMessage } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { fetchMessageRecord } from '../../helpers/records';
import { microsoftConnection } from '../../transport';
import { messageIdProperty } from './shared';

export const description: INodeProperties[] = [
	messageIdProperty(['move']),
	{
		displayName: 'Destination Folder Name or ID',
		name: 'destinationFolder',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getMailFolders' },
		required: true,
		default: '',
		description:
			'Folder to move the message to. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>. Well-known names (archive, inbox, deleteditems …) work too. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { resource: ['message'], operation: ['move'] } },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await microsoftConnection(this);
	return await forEachItem(
		this,
		{ provider: 'Microsoft 365', permission: 'Mail.ReadWrite' },
		async (itemIndex) => {
			const messageId = this.getNodeParameter('messageId', itemIndex) as string;
			const destinationId = this.getNodeParameter('destinationFolder', itemIndex) as string;
			const moved = await connection.graph.post<GraphMessage>(
				`/me/messages/${graphPathSegment(messageId)}/move`,
				{ destinationId },
			);
			// The immutable id survives the move; read it back with every property a record needs.
			return { json: await fetchMessageRecord(connection, moved.id) };
		},
	);
}
