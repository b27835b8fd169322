import type { INodeProperties } from 'n8n-workflow';

import * as enrichIntegration from './enrichIntegration.operation';
import * as enrichRecord from './enrichRecord.operation';
import * as getEnrichment from './getEnrichment.operation';
import { useAiModelProperty } from './model';

export { enrichIntegration, enrichRecord, getEnrichment };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['enrichment'] } },
		options: [
			{
				name: 'Enrich Integration',
				value: 'enrichIntegration',
				description:
					"Read the integration's new mail and fill in people and companies from the senders' signatures (incremental: mail read before is skipped)",
				action: 'Enrich contacts from an integration',
			},
			{
				name: 'Enrich Record',
				value: 'enrichRecord',
				description: "Read a person's or company's latest mail again and fill in what it finds",
				action: 'Enrich a person or company',
			},
			{
				name: 'Get Enrichment',
				value: 'getEnrichment',
				description:
					'A person or company with every value found for it: where it was found, how sure, and whether it was applied',
				action: 'Get the enrichment of a person or company',
			},
		],
		default: 'enrichIntegration',
	},
	...enrichIntegration.description,
	...enrichRecord.description,
	...getEnrichment.description,
	useAiModelProperty,
];
