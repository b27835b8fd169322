import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { syncDueIntegrations } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import { toJson } from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';
import { createSyncDeps } from '../../transport/syncDeps';
import { leaseProperties, readLease } from './leaseParameters';

const show = { resource: ['sync'], operation: ['syncDueIntegrations'] };

export const description: INodeProperties[] = [
	...leaseProperties(show),
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 4,
		description: 'How many integrations this run syncs at the same time',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const concurrency = this.getNodeParameter('concurrency', itemIndex, 4) as number;
		const deps = await createSyncDeps.call(this, database, { concurrency });
		const results = await syncDueIntegrations(deps, readLease(this, itemIndex));
		return results.map((result) => ({ json: toJson(result) }));
	});
}
