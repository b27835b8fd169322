import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { leaseDueIntegrations } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import { toJson } from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';
import { workerId } from '../../transport/connectApps';
import { leaseProperties, readLease } from './leaseParameters';

const show = { resource: ['sync'], operation: ['listDueIntegrations'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'Each output item holds a lease: pass it to Sync One Integration (with its Lease Owner) before the lease ends',
		name: 'leaseNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	...leaseProperties(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const { limit, leaseMs } = readLease(this, itemIndex);
		const leased = await leaseDueIntegrations(database.knex, {
			workerId: workerId(),
			limit,
			leaseMs,
		});
		return leased.map((lease) => ({ json: toJson(lease) }));
	});
}
