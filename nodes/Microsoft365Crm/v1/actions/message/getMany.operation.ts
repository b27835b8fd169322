import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { GRAPH_MESSAGE_SELECT, graphPathSegment, type GraphMessage } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { microsoftConnection, microsoftNotFound } from '../../../../shared/microsoftConnection';
import { readLimit, returnAllLimitProperties } from '../../../../shared/returnAllLimit';
import { toRecord } from '../../helpers/records';

const show = { resource: ['message'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Folder Name or ID',
		name: 'folder',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getMailFoldersOrAll' },
		default: '',
		description:
			'Folder to list, or every folder. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show },
	},
	{
		displayName: 'Search',
		name: 'search',
		type: 'string',
		default: '',
		placeholder: 'from:ada@example.com invoice',
		description:
			'Keywords or KQL (from:, to:, subject:) as Graph $search takes them; results come newest first. Cannot be combined with Filter.',
		displayOptions: { show },
	},
	{
		displayName: 'Filter',
		name: 'filter',
		type: 'string',
		default: '',
		placeholder: 'isRead eq false and receivedDateTime ge 2026-01-01T00:00:00Z',
		description: 'An OData $filter on messages',
		displayOptions: { show },
	},
	...returnAllLimitProperties(show),
];

/** Graph wants the $search value in double quotes, inner quotes escaped. */
function quoteSearch(search: string): string {
	const trimmed = search.trim();
	if (trimmed.length > 1 && trimmed.startsWith('"') && trimmed.endsWith('"')) return trimmed;
	return `"${trimmed.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await microsoftConnection(this);
	return await forEachItem(
		this,
		{
			provider: 'Microsoft 365',
			permission: 'Mail.ReadWrite',
			notFound: (itemIndex) => {
				const folder = this.getNodeParameter('folder', itemIndex, '') as string;
				return folder
					? microsoftNotFound('mail folder', folder)
					: 'Microsoft 365 has no mailbox for this account (or the account cannot see it)';
			},
		},
		async (itemIndex) => {
			const folder = this.getNodeParameter('folder', itemIndex, '') as string;
			const search = (this.getNodeParameter('search', itemIndex, '') as string).trim();
			const filter = (this.getNodeParameter('filter', itemIndex, '') as string).trim();
			const limit = readLimit(this, itemIndex);
			const path = folder ? `/me/mailFolders/${graphPathSegment(folder)}/messages` : '/me/messages';
			const messages = await connection.graph.collect<GraphMessage>(
				path,
				{
					select: GRAPH_MESSAGE_SELECT,
					query: {
						$top: Math.min(limit ?? 100, 100),
						$search: search ? quoteSearch(search) : undefined,
						$filter: filter || undefined,
					},
				},
				limit,
			);
			const items: INodeExecutionData[] = [];
			for (const message of messages) items.push({ json: await toRecord(connection, message) });
			return items;
		},
	);
}
