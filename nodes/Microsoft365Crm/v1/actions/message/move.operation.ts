import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ProviderHttpError, graphPathSegment, type GraphMessage } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import {
	microsoftConnection,
	microsoftNotFound,
	type MicrosoftConnection,
} from '../../../../shared/microsoftConnection';
import { toNodeError } from '../../../../shared/providerErrors';
import { fetchMessageRecord } from '../../helpers/records';
import { messageIdProperty, messageNotFound } from './shared';

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
			'Folder to move the message to; well-known names (archive, inbox, deleteditems …) work too. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { resource: ['message'], operation: ['move'] } },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await microsoftConnection(this);
	return await forEachItem(
		this,
		{ provider: 'Microsoft 365', permission: 'Mail.ReadWrite', notFound: messageNotFound(this) },
		async (itemIndex) => {
			const messageId = this.getNodeParameter('messageId', itemIndex) as string;
			const destinationId = this.getNodeParameter('destinationFolder', itemIndex) as string;
			let moved: GraphMessage;
			try {
				moved = await connection.graph.post<GraphMessage>(
					`/me/messages/${graphPathSegment(messageId)}/move`,
					{ destinationId },
				);
			} catch (error) {
				// Graph answers 404 alike for a missing message and a missing destination.
				const folderMissing = await isMissingFolder(connection, error, destinationId);
				throw toNodeError(this.getNode(), error, {
					provider: 'Microsoft 365',
					permission: 'Mail.ReadWrite',
					notFound: folderMissing
						? microsoftNotFound('mail folder', destinationId)
						: microsoftNotFound('message', messageId),
					itemIndex,
				});
			}
			// The immutable id survives the move; read it back with every property a record needs.
			return { json: await fetchMessageRecord(connection, moved.id) };
		},
	);
}

/** Whether a 404 of a move was the destination folder's (a probe asks for the folder). */
async function isMissingFolder(
	connection: MicrosoftConnection,
	error: unknown,
	folderId: string,
): Promise<boolean> {
	if (!(error instanceof ProviderHttpError) || error.status !== 404) return false;
	try {
		await connection.graph.get(`/me/mailFolders/${graphPathSegment(folderId)}`, {
			select: ['id'],
		});
		return false;
	} catch (probe) {
		return probe instanceof ProviderHttpError && probe.status === 404;
	}
}
