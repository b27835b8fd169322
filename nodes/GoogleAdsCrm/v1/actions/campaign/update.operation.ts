import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { updateCampaign } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { adsConnection } from '../../transport';
import { dateOnly } from '../common.descriptions';
import { campaignErrors, campaignItem } from './helpers';

export const description: INodeProperties[] = [
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only these fields change',
		displayOptions: { show: { resource: ['campaign'], operation: ['update'] } },
		options: [
			{
				displayName: 'Daily Budget',
				name: 'budgetAmount',
				type: 'number',
				typeOptions: { minValue: 0.01, numberPrecision: 2 },
				default: 10,
				description: "New amount per day of the campaign's budget, in the account's currency",
			},
			{
				displayName: 'End Date',
				name: 'endDate',
				type: 'dateTime',
				default: '',
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Start Date',
				name: 'startDate',
				type: 'dateTime',
				default: '',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await adsConnection(this);
	return await forEachItem(this, campaignErrors(this), async (itemIndex) => {
		const fields = this.getNodeParameter('updateFields', itemIndex, {}) as {
			name?: string;
			budgetAmount?: number;
			startDate?: string;
			endDate?: string;
		};
		return campaignItem(
			await updateCampaign(
				connection.ads,
				this.getNodeParameter('customerId', itemIndex) as string,
				this.getNodeParameter('campaignId', itemIndex) as string,
				{
					name: fields.name,
					budgetAmount: fields.budgetAmount,
					startDate: dateOnly(fields.startDate),
					endDate: dateOnly(fields.endDate),
				},
			),
		);
	});
}
