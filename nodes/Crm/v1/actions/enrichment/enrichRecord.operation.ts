import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { enrichRecord } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import { readWorkspaceId, toJson, workspaceIdProperty } from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';
import { modelReader } from './model';
import { namingMissingRecord, readRecord, recordProperties } from './recordType';

const show = { resource: ['enrichment'], operation: ['enrichRecord'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	...recordProperties(show, 'enrich again from its latest mail'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	const modelFor = modelReader(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const { recordType, recordId } = readRecord(this, itemIndex);
		const model = await modelFor(itemIndex);
		const result = await namingMissingRecord(
			this,
			{ recordType, recordId, workspaceId },
			itemIndex,
			async () =>
				await enrichRecord(
					{ database, model },
					{ workspaceId, subjectType: recordType, subjectId: recordId },
				),
		);
		return { json: toJson(result) };
	});
}
