import type { INodeProperties } from 'n8n-workflow';

import * as enqueue from './enqueue.operation';
import * as getOutbox from './getOutbox.operation';
import * as uploadDue from './uploadDue.operation';

export { enqueue, getOutbox, uploadDue };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversion'] } },
		options: [
			{
				name: 'Enqueue',
				value: 'enqueue',
				description:
					'Check an offline conversion from a CRM event and add it to the outbox (once per order ID)',
				action: 'Enqueue a conversion',
			},
			{
				name: 'Get Outbox',
				value: 'getOutbox',
				description: "List the workspace's outbox rows with their status and errors",
				action: 'Get outbox rows',
			},
			{
				name: 'Upload Due',
				value: 'uploadDue',
				description: "Send the workspace's due outbox rows to Google and output each row's status",
				action: 'Upload due conversions',
			},
		],
		default: 'enqueue',
	},
	{
		displayName: 'Workspace ID',
		name: 'workspaceId',
		type: 'string',
		required: true,
		default: '',
		description: 'The CRM workspace (UUID) whose outbox this is',
		displayOptions: { show: { resource: ['conversion'] } },
	},
	...enqueue.description,
	...uploadDue.description,
	...getOutbox.description,
];
