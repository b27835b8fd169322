import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { uploadDueConversions } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { adsConnection, crmDatabase } from '../../transport';
import { workspaceIdOf } from './helpers';

export const description: INodeProperties[] = [
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 2000 },
		default: 200,
		description: 'Max number of rows to send in this run; the rest wait for the next',
		displayOptions: { show: { resource: ['conversion'], operation: ['uploadDue'] } },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await crmDatabase(this);
	const connection = await adsConnection(this);
	return await forEachItem(this, { provider: 'Google Ads' }, async (itemIndex) => {
		const outcomes = await uploadDueConversions(
			database.knex,
			workspaceIdOf(this, itemIndex),
			connection,
			{ limit: this.getNodeParameter('batchSize', itemIndex, 200) as number },
		);
		return outcomes.map((outcome) => ({ json: { ...outcome } as unknown as IDataObject }));
	});
}
