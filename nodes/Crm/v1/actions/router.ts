import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as database from './database/Database.resource';
import type { CrmType } from './node.type';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter<CrmType>('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	const crm = { resource, operation } as CrmType;

	switch (crm.resource) {
		case 'database':
			return [await database[crm.operation].execute.call(this)];
		default:
			throw new NodeOperationError(this.getNode(), `The resource "${resource}" is not known`);
	}
}
