import type { IExecuteFunctions } from 'n8n-workflow';

import { createIntegrationAccess, type CrmDatabase, type SyncDeps } from '../../../../core';
import { getProviderApps, syncEndpointsOf, workerId } from './connectApps';

/**
 * What the sync engine needs from the node: the database, token access through the provider apps
 * of the `CRM Connect Apps` credential, the provider endpoints it names, and this process's worker id.
 */
export async function createSyncDeps(
	this: IExecuteFunctions,
	database: CrmDatabase,
	options: { concurrency?: number } = {},
): Promise<SyncDeps> {
	const apps = await getProviderApps.call(this);
	return {
		database,
		access: createIntegrationAccess({ database, apps }),
		endpoints: syncEndpointsOf(apps),
		workerId: workerId(),
		...(options.concurrency ? { concurrency: options.concurrency } : {}),
	};
}
