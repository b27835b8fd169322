import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getEmail } from '../../../../../core';
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

const show = { resource: ['email'], operation: ['get'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	uuidProperty('emailId', 'Email ID', show, 'Stored email to get'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const emailId = readUuid(this, 'emailId', itemIndex, 'Email ID');
		const email = await getEmail(database, workspaceId, emailId);
		if (!email) throw notFound(this, 'email', emailId, workspaceId, itemIndex);
		return { json: toJson(email) };
	});
}
