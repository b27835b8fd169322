import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as label from './label/Label.resource';
import * as message from './message/Message.resource';
import type { GmailCrmType } from './node.type';
import * as thread from './thread/Thread.resource';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter<GmailCrmType>('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	const gmail = { resource, operation } as GmailCrmType;

	switch (gmail.resource) {
		case 'message':
			return [await message[gmail.operation].execute.call(this)];
		case 'label':
			return [await label[gmail.operation].execute.call(this)];
		case 'thread':
			return [await thread[gmail.operation].execute.call(this)];
		default:
			throw new NodeOperationError(this.getNode(), `The resource "${resource}" is not known`);
	}
}
