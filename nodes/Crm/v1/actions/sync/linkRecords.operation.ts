import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { linkRecords } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import { readWorkspaceId, toJson, workspaceIdProperty } from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';

const show = { resource: ['sync'], operation: ['linkRecords'] };

export const description: INodeProperties[] = [workspaceIdProperty(show)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const counts = await linkRecords(database, workspaceId);
		return { json: toJson({ workspaceId, ...counts }) };
	});
}
