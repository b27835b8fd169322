import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { removeFromBlocklist } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import { readText, readWorkspaceId, toJson, workspaceIdProperty } from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';
import { patternProperty } from './pattern';

const show = { resource: ['blocklist'], operation: ['remove'] };

export const description: INodeProperties[] = [workspaceIdProperty(show), patternProperty(show)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const pattern = readText(this, 'pattern', itemIndex, 'Address or Domain');
		// The workspace's mailboxes are relisted at the next sync, bringing the unblocked mail back.
		const result = await removeFromBlocklist(database, workspaceId, { pattern });
		return { json: toJson({ workspaceId, pattern, ...result }) };
	});
}
