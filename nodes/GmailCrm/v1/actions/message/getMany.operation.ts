import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listGmailMessageIds } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { gmailConnection } from '../../../../shared/gmailConnection';
import { fetchMessageItems } from '../../../../shared/gmailItems';
import { assertGmailLabels } from '../../../../shared/gmailLabels';
import { readLimit, returnAllLimitProperties } from '../../../../shared/returnAllLimit';

const show = { resource: ['message'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	...returnAllLimitProperties(show),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Include Spam and Trash',
				name: 'includeSpamTrash',
				type: 'boolean',
				default: false,
				description: 'Whether to include messages from Spam and Trash',
			},
			{
				displayName: 'Label Names or IDs',
				name: 'labelIds',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getLabels' },
				default: [],
				description:
					'Only messages that have all of these labels. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Search',
				name: 'q',
				type: 'string',
				default: '',
				placeholder: 'from:ann@example.com has:attachment newer_than:7d',
				description:
					'Gmail search query, as typed in Gmail\'s search box (<a href="https://support.google.com/mail/answer/7190">operators</a>)',
			},
		],
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
		{ provider: 'Google', permission: 'gmail.readonly' },
		async (itemIndex) => {
			const filters = this.getNodeParameter('filters', itemIndex, {}) as {
				includeSpamTrash?: boolean;
				labelIds?: string[];
				q?: string;
			};
			await assertGmailLabels(this.getNode(), connection, filters.labelIds ?? [], itemIndex);
			const ids = await listGmailMessageIds(connection.gmail, {
				q: filters.q,
				labelIds: filters.labelIds,
				includeSpamTrash: filters.includeSpamTrash,
				limit: readLimit(this, itemIndex),
			});
			return await fetchMessageItems(
				this,
				connection,
				ids.map(({ id }) => id),
				this.getNodeParameter('downloadAttachments', itemIndex, false) as boolean,
			);
		},
	);
}
