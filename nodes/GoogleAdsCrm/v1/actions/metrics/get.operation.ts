import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { getCampaignMetrics } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { adsConnection } from '../../transport';
import { dateOnly } from '../common.descriptions';

const show = { resource: ['metrics'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		required: true,
		default: '',
		description: "First day of the range, in the account's time zone",
		displayOptions: { show },
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'Last day of the range (included)',
		displayOptions: { show },
	},
	{
		displayName: 'Campaign ID',
		name: 'campaignId',
		type: 'string',
		default: '',
		description: 'Only this campaign; every campaign of the account when empty',
		displayOptions: { show },
	},
	{
		displayName: 'Daily Breakdown',
		name: 'daily',
		type: 'boolean',
		default: false,
		description: 'Whether to output one item per campaign and day instead of one per campaign',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await adsConnection(this);
	return await forEachItem(
		this,
		{ provider: 'Google Ads', permission: 'adwords' },
		async (itemIndex) => {
			const metrics = await getCampaignMetrics(
				connection.ads,
				this.getNodeParameter('customerId', itemIndex) as string,
				{
					from: dateOnly(this.getNodeParameter('from', itemIndex)) ?? '',
					to: dateOnly(this.getNodeParameter('to', itemIndex)) ?? '',
					campaignId:
						(this.getNodeParameter('campaignId', itemIndex, '') as string).trim() || undefined,
					daily: this.getNodeParameter('daily', itemIndex, false) as boolean,
				},
			);
			return metrics.map((entry) => ({ json: { ...entry } as unknown as IDataObject }));
		},
	);
}
