import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getIntegration, releaseLease, syncIntegration } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import {
	notFound,
	readUuid,
	readWorkspaceId,
	toJson,
	uuidProperty,
	workspaceIdProperty,
} from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';
import { createSyncDeps } from '../../transport/syncDeps';

const show = { resource: ['sync'], operation: ['syncOneIntegration'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	uuidProperty('integrationId', 'Integration ID', show, 'Integration to sync'),
	{
		displayName: 'Lease Owner',
		name: 'leaseOwner',
		type: 'string',
		default: '',
		description:
			'The leaseOwner of a List Due Integrations item, to sync under that lease; empty syncs now as a manual sync',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	const deps = await createSyncDeps.call(this, database);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const integrationId = readUuid(this, 'integrationId', itemIndex, 'Integration ID');
		const leaseOwner = String(this.getNodeParameter('leaseOwner', itemIndex, '') ?? '').trim();
		if (!(await getIntegration(database.knex, workspaceId, integrationId))) {
			throw notFound(this, 'integration', integrationId, workspaceId, itemIndex);
		}
		if (!leaseOwner) {
			return {
				json: toJson(await syncIntegration(deps, { workspaceId, integrationId, kind: 'manual' })),
			};
		}
		try {
			return {
				json: toJson(await syncIntegration(deps, { workspaceId, integrationId, leaseOwner })),
			};
		} finally {
			// The lease was taken for this one sync: give it back, so the next tick may take it again.
			await releaseLease(database.knex, workspaceId, integrationId, leaseOwner).catch(
				() => undefined,
			);
		}
	});
}
