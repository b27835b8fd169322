import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { setCampaignStatus } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { adsConnection } from '../../transport';
import { campaignErrors, campaignItem } from './helpers';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await adsConnection(this);
	return await forEachItem(this, campaignErrors(this), async (itemIndex) =>
		campaignItem(
			await setCampaignStatus(
				connection.ads,
				this.getNodeParameter('customerId', itemIndex) as string,
				this.getNodeParameter('campaignId', itemIndex) as string,
				'ENABLED',
			),
		),
	);
}
