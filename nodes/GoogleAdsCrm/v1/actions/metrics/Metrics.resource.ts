import type { INodeProperties } from 'n8n-workflow';

import { customerIdProperty } from '../common.descriptions';
import * as get from './get.operation';

export { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['metrics'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description:
					'Impressions, clicks, cost, conversions, CTR and CPC over a date range, per campaign',
				action: 'Get campaign metrics',
			},
		],
		default: 'get',
	},
	customerIdProperty('metrics', ['get']),
	...get.description,
];
