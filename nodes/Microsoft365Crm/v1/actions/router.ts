import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as event from './event/Event.resource';
import * as folder from './folder/Folder.resource';
import * as message from './message/Message.resource';
import type { Microsoft365CrmType } from './node.type';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter<Microsoft365CrmType>('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	const microsoft365 = { resource, operation } as Microsoft365CrmType;

	switch (microsoft365.resource) {
		case 'message':
			return [await message[microsoft365.operation].execute.call(this)];
		case 'folder':
			return [await folder[microsoft365.operation].execute.call(this)];
		case 'event':
			return [await event[microsoft365.operation].execute.call(this)];
		default:
			throw new NodeOperationError(this.getNode(), `The resource "${resource}" is not known`);
	}
}
