import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getEnrichment } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import { readWorkspaceId, toJson, workspaceIdProperty } from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';
import { namingMissingRecord, readRecord, recordProperties } from './recordType';

const show = { resource: ['enrichment'], operation: ['getEnrichment'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	...recordProperties(show, 'read'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const { recordType, recordId } = readRecord(this, itemIndex);
		const { subject, values } = await namingMissingRecord(
			this,
			{ recordType, recordId, workspaceId },
			itemIndex,
			async () =>
				await getEnrichment(database, {
					workspaceId,
					subjectType: recordType,
					subjectId: recordId,
				}),
		);
		return { json: toJson({ workspaceId, recordType, recordId, record: subject, values }) };
	});
}
