import type { INodeProperties } from 'n8n-workflow';

import * as renewDue from './renewDue.operation';

export { renewDue };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['webhookSubscription'] } },
		options: [
			{
				name: 'Renew Due',
				value: 'renewDue',
				description:
					"Renew the CRM Webhook credential's WebSub (YouTube) subscriptions whose lease ends within two days, so quiet channels keep being delivered",
				action: 'Renew due webhook subscriptions',
			},
		],
		default: 'renewDue',
	},
	...renewDue.description,
];
