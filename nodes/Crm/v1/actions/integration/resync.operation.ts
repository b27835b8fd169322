import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getIntegration, requestResync } from '../../../../../core';
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

const show = { resource: ['integration'], operation: ['resync'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	uuidProperty('integrationId', 'Integration ID', show, 'Integration to sync again'),
	{
		displayName: 'Full Resync',
		name: 'full',
		type: 'boolean',
		default: false,
		description:
			'Whether to forget the sync cursors and list the mailbox and calendars again from the horizon (deleted mail is reconciled); otherwise only what changed is fetched',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const integrationId = readUuid(this, 'integrationId', itemIndex, 'Integration ID');
		const full = this.getNodeParameter('full', itemIndex, false) as boolean;
		const requested = await requestResync(database, workspaceId, integrationId, { full });
		const integration = requested
			? await getIntegration(database.knex, workspaceId, integrationId)
			: undefined;
		if (!integration) throw notFound(this, 'integration', integrationId, workspaceId, itemIndex);
		return { json: toJson({ ...integration, resync: full ? 'full' : 'incremental' }) };
	});
}
