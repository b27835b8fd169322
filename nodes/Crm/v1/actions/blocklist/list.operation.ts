import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listBlocklist } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import { keysetProperties, readKeysetPages } from '../../helpers/keysetPaging';
import { readWorkspaceId, workspaceIdProperty } from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';

const show = { resource: ['blocklist'], operation: ['list'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	...keysetProperties(show, { one: 'entry', many: 'entries' }),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		return await readKeysetPages(this, itemIndex, 'entries', async (page) =>
			listBlocklist(database, workspaceId, page),
		);
	});
}
