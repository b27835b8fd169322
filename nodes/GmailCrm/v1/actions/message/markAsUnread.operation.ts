import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { modifyLabels } from '../../helpers/modify';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await modifyLabels(this, () => ({ add: ['UNREAD'], remove: [] }));
}
