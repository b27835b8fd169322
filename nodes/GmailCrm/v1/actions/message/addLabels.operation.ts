import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { modifyLabels } from '../../helpers/modify';

export const description: INodeProperties[] = [
	{
		displayName: 'Label Names or IDs',
		name: 'labelIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getLabels' },
		required: true,
		default: [],
		description:
			'Labels to add to the message. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { resource: ['message'], operation: ['addLabels'] } },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await modifyLabels(
		this,
		(itemIndex) => {
			const labelIds = this.getNodeParameter('labelIds', itemIndex, []) as string[];
			return { add: labelIds, remove: [] };
		},
		true,
	);
}
