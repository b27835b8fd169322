import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { addToBlocklist } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import { readText, readWorkspaceId, toJson, workspaceIdProperty } from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';
import { patternProperty } from './pattern';

const show = { resource: ['blocklist'], operation: ['add'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	patternProperty(show),
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		default: '',
		description: 'CRM user who blocks it (kept with the entry)',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const pattern = readText(this, 'pattern', itemIndex, 'Address or Domain');
		const userId = String(this.getNodeParameter('userId', itemIndex, '') ?? '').trim() || null;
		// Adding purges the stored mail, people, companies and links the entry covers.
		const { entry, created, purged } = await addToBlocklist(database, workspaceId, {
			pattern,
			userId,
		});
		return { json: toJson({ ...entry, created, purged }) };
	});
}
