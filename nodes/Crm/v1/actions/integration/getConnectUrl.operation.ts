import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { createConnectUrl } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import { readText, readWorkspaceId, toJson, workspaceIdProperty } from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';
import { getProviderApps } from '../../transport/connectApps';

const show = { resource: ['integration'], operation: ['getConnectUrl'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		description: 'CRM user who connects the account (the integration is theirs)',
		displayOptions: { show },
	},
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		options: [
			{ name: 'Google', value: 'google' },
			{ name: 'Microsoft 365', value: 'microsoft' },
		],
		default: 'google',
		displayOptions: { show },
	},
	{
		displayName: 'Return URL',
		name: 'returnUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://crm.example.com/settings/email',
		description:
			"Where the user's browser comes back after consent, with the result; its origin must be one of the credential's allowed return origins",
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	const apps = await getProviderApps.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const userId = readText(this, 'userId', itemIndex, 'User ID');
		const provider = this.getNodeParameter('provider', itemIndex) as 'google' | 'microsoft';
		const returnUrl = readText(this, 'returnUrl', itemIndex, 'Return URL');
		const result = await createConnectUrl(
			{ knex: database.knex, apps },
			{ workspaceId, userId, provider, returnUrl },
		);
		return { json: toJson({ workspaceId, userId, provider, ...result }) };
	});
}
