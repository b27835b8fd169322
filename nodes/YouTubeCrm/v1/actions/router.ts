import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as channel from './channel/Channel.resource';
import * as comment from './comment/Comment.resource';
import * as commentThread from './commentThread/CommentThread.resource';
import type { YouTubeCrmType } from './node.type';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter<YouTubeCrmType>('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	const youTube = { resource, operation } as YouTubeCrmType;

	switch (youTube.resource) {
		case 'channel':
			return [await channel[youTube.operation].execute.call(this)];
		case 'commentThread':
			return [await commentThread[youTube.operation].execute.call(this)];
		case 'comment':
			return [await comment[youTube.operation].execute.call(this)];
		default:
			throw new NodeOperationError(this.getNode(), `The resource "${resource}" is not known`);
	}
}
