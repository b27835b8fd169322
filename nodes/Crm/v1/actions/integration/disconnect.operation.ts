import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { disconnectIntegration } from '../../../../../core';
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
import { getProviderApps } from '../../transport/connectApps';

const show = { resource: ['integration'], operation: ['disconnect'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	uuidProperty('integrationId', 'Integration ID', show, 'Integration to disconnect'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	const apps = await getProviderApps.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const integrationId = readUuid(this, 'integrationId', itemIndex, 'Integration ID');
		const result = await disconnectIntegration(
			{ knex: database.knex, apps },
			{ workspaceId, id: integrationId },
		);
		if (!result) throw notFound(this, 'integration', integrationId, workspaceId, itemIndex);
		// revocation: revoked, already_invalid, unsupported, no_tokens or failed (tokens wiped anyway).
		return { json: toJson({ ...result.integration, revocation: result.revocation }) };
	});
}
