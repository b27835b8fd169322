import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AdsCampaign } from '../../../../../core';
import type { ItemErrorContext } from '../../../../shared/forEachItem';

export const campaignItem = (campaign: AdsCampaign): INodeExecutionData => ({
	json: { ...campaign } as unknown as IDataObject,
});

export function campaignErrors(context: IExecuteFunctions): ItemErrorContext {
	return {
		provider: 'Google Ads',
		permission: 'adwords',
		notFound: (itemIndex) =>
			`Google Ads has no campaign '${context.getNodeParameter('campaignId', itemIndex, '')}' in customer '${context.getNodeParameter('customerId', itemIndex, '')}' (or the account cannot see it)`,
	};
}
