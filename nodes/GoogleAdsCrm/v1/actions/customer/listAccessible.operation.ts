import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listAccessibleCustomers } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { adsConnection } from '../../transport';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await adsConnection(this);
	return await forEachItem(this, { provider: 'Google Ads', permission: 'adwords' }, async () => {
		const customerIds = await listAccessibleCustomers(connection.ads);
		return customerIds.map((customerId) => ({
			json: { customerId, resourceName: `customers/${customerId}` },
		}));
	});
}
