import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listCampaigns, type CampaignStatus } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { readLimit, returnAllLimitProperties } from '../../../../shared/returnAllLimit';
import { adsConnection } from '../../transport';
import { dateOnly } from '../common.descriptions';
import { campaignErrors, campaignItem } from './helpers';

const show = { resource: ['campaign'], operation: ['getMany'] };

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
				displayName: 'Ends On or Before',
				name: 'endsOnOrBefore',
				type: 'dateTime',
				default: '',
				description: 'Only campaigns whose end date is on or before this day',
			},
			{
				displayName: 'Starts On or After',
				name: 'startsOnOrAfter',
				type: 'dateTime',
				default: '',
				description: 'Only campaigns whose start date is on or after this day',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Enabled', value: 'ENABLED' },
					{ name: 'Paused', value: 'PAUSED' },
					{ name: 'Removed', value: 'REMOVED' },
				],
				default: ['ENABLED', 'PAUSED'],
				description: 'Campaigns in these statuses (enabled and paused when none is chosen)',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await adsConnection(this);
	return await forEachItem(this, campaignErrors(this), async (itemIndex) => {
		const filters = this.getNodeParameter('filters', itemIndex, {}) as {
			statuses?: CampaignStatus[];
			startsOnOrAfter?: string;
			endsOnOrBefore?: string;
		};
		const campaigns = await listCampaigns(
			connection.ads,
			this.getNodeParameter('customerId', itemIndex) as string,
			{
				statuses: filters.statuses,
				startsOnOrAfter: dateOnly(filters.startsOnOrAfter),
				endsOnOrBefore: dateOnly(filters.endsOnOrBefore),
				limit: readLimit(this, itemIndex),
			},
		);
		return campaigns.map(campaignItem);
	});
}
