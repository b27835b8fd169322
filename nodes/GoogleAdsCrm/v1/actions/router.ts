import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as campaign from './campaign/Campaign.resource';
import * as conversion from './conversion/Conversion.resource';
import * as customer from './customer/Customer.resource';
import * as metrics from './metrics/Metrics.resource';
import type { GoogleAdsCrmType } from './node.type';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter<GoogleAdsCrmType>('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	const googleAds = { resource, operation } as GoogleAdsCrmType;

	switch (googleAds.resource) {
		case 'campaign':
			return [await campaign[googleAds.operation].execute.call(this)];
		case 'metrics':
			return [await metrics[googleAds.operation].execute.call(this)];
		case 'conversion':
			return [await conversion[googleAds.operation].execute.call(this)];
		case 'customer':
			return [await customer[googleAds.operation].execute.call(this)];
		default:
			throw new NodeOperationError(this.getNode(), `The resource "${resource}" is not known`);
	}
}
