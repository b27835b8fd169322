import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getIntegration, listIntegrations, runningProgress } from '../../../../../core';
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

const show = { resource: ['integration'], operation: ['getStatus'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	{
		displayName: 'Integrations',
		name: 'scope',
		type: 'options',
		options: [
			{ name: 'All of the Workspace', value: 'all' },
			{ name: 'One Integration', value: 'one' },
		],
		default: 'all',
		displayOptions: { show },
	},
	uuidProperty(
		'integrationId',
		'Integration ID',
		{ ...show, scope: ['one'] },
		'Integration whose status to get',
	),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		let integrations;
		if (this.getNodeParameter('scope', itemIndex, 'all') === 'one') {
			const integrationId = readUuid(this, 'integrationId', itemIndex, 'Integration ID');
			const integration = await getIntegration(database.knex, workspaceId, integrationId);
			if (!integration) throw notFound(this, 'integration', integrationId, workspaceId, itemIndex);
			integrations = [integration];
		} else {
			integrations = await listIntegrations(database.knex, workspaceId);
		}
		// The running sync's progress (processed / estimated total), as the status route shows it.
		const progress = await runningProgress(
			database.knex,
			workspaceId,
			integrations.map((integration) => integration.id),
		);
		return integrations.map((integration) => ({
			json: toJson({ ...integration, progress: progress.get(integration.id) ?? null }),
		}));
	});
}
