import { randomUUID } from 'node:crypto';

import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { parseProviderApps, type ProviderApps } from '../../../../core';

/** The credential type of the workspace connect flow's provider apps (credentials/CrmConnectAppsApi). */
export const CONNECT_APPS_CREDENTIAL = 'crmConnectAppsApi';

/**
 * The provider apps of the node's `CRM Connect Apps` credential. A credential that cannot be read
 * fails the run with the field it names (never a secret's value).
 */
export async function getProviderApps(this: IExecuteFunctions): Promise<ProviderApps> {
	const data = await this.getCredentials(CONNECT_APPS_CREDENTIAL);
	try {
		return parseProviderApps(data);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, {
			description: 'Fix the CRM Connect Apps credential of this node',
		});
	}
}

/** Where the engine calls Google and Microsoft Graph: the credential's endpoints (real ones by default). */
export function syncEndpointsOf(apps: ProviderApps): {
	googleApiBaseUrl: string;
	graphBaseUrl: string;
} {
	return {
		googleApiBaseUrl: apps.endpoints.googleApiBaseUrl,
		graphBaseUrl: apps.endpoints.graphBaseUrl,
	};
}

// One id per n8n process (main or queue-mode worker): the leases and sync runs of this process carry it.
const processWorkerId = `n8n-worker-${randomUUID()}`;

/** The id this n8n process leases integrations under (one per process, as a queue-mode worker). */
export function workerId(): string {
	return processWorkerId;
}
