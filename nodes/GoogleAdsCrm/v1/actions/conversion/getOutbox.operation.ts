import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listAdConversions, type AdConversionStatus } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { crmDatabase } from '../../transport';
import { outboxItem, workspaceIdOf } from './helpers';

const show = { resource: ['conversion'], operation: ['getOutbox'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		options: [
			{ name: 'Failed (Will Retry)', value: 'failed' },
			{ name: 'Pending', value: 'pending' },
			{ name: 'Rejected', value: 'rejected' },
			{ name: 'Uploaded', value: 'uploaded' },
			{ name: 'Uploading', value: 'uploading' },
		],
		default: [],
		description: 'Only rows in these statuses (all when none is chosen)',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await crmDatabase(this);
	return await forEachItem(this, { provider: 'Google Ads' }, async (itemIndex) => {
		const rows = await listAdConversions(database.knex, workspaceIdOf(this, itemIndex), {
			statuses: this.getNodeParameter('statuses', itemIndex, []) as AdConversionStatus[],
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
		});
		return rows.map((row) => outboxItem(row));
	});
}
