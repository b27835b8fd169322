import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { createCampaign } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { adsConnection } from '../../transport';
import { dateOnly } from '../common.descriptions';
import { campaignErrors, campaignItem } from './helpers';

const show = { resource: ['campaign'], operation: ['create'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		description: 'Name of the campaign, unique in the account',
		displayOptions: { show },
	},
	{
		displayName: 'Daily Budget',
		name: 'budgetAmount',
		type: 'number',
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		required: true,
		default: 10,
		description: "Amount per day in the account's currency; a new budget is made for the campaign",
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Channel',
				name: 'channelType',
				type: 'options',
				options: [
					{ name: 'Display', value: 'DISPLAY' },
					{ name: 'Search', value: 'SEARCH' },
				],
				default: 'SEARCH',
			},
			{
				displayName: 'End Date',
				name: 'endDate',
				type: 'dateTime',
				default: '',
				description: 'Last day the campaign serves (runs until stopped when empty)',
			},
			{
				displayName: 'Start Date',
				name: 'startDate',
				type: 'dateTime',
				default: '',
				description: 'First day the campaign serves',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Paused', value: 'PAUSED' },
					{ name: 'Enabled', value: 'ENABLED' },
				],
				default: 'PAUSED',
				description: 'Paused by default, so nothing spends before you look at it',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await adsConnection(this);
	return await forEachItem(this, campaignErrors(this), async (itemIndex) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as {
			channelType?: string;
			startDate?: string;
			endDate?: string;
			status?: 'ENABLED' | 'PAUSED';
		};
		return campaignItem(
			await createCampaign(
				connection.ads,
				this.getNodeParameter('customerId', itemIndex) as string,
				{
					name: this.getNodeParameter('name', itemIndex) as string,
					budgetAmount: this.getNodeParameter('budgetAmount', itemIndex) as number,
					channelType: options.channelType,
					status: options.status,
					startDate: dateOnly(options.startDate),
					endDate: dateOnly(options.endDate),
				},
			),
		);
	});
}
