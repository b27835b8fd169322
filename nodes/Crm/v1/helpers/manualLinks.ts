import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { linkManually, unlinkManually } from '../../../../core';
import { forEachItem } from '../../../shared/forEachItem';
import { getCrmDatabase } from '../transport';
import { CRM_ERRORS } from './errors';
import {
	readText,
	readUuid,
	readWorkspaceId,
	toJson,
	uuidProperty,
	workspaceIdProperty,
} from './parameters';

type Subject = {
	resource: 'email' | 'event';
	subjectType: 'email' | 'calendar_event';
	label: string;
};

/** Parameters of Link and Unlink on emails and events: the record, and the user who links it. */
export function manualLinkProperties(
	subject: Subject,
	operation: 'link' | 'unlink',
): INodeProperties[] {
	const show = { resource: [subject.resource], operation: [operation] };
	return [
		workspaceIdProperty(show),
		uuidProperty(
			`${subject.resource}Id`,
			`${subject.label} ID`,
			show,
			`${subject.label} to ${operation}`,
		),
		{
			displayName: 'Record Type',
			name: 'recordType',
			type: 'options',
			options: [
				{ name: 'Person', value: 'person' },
				{ name: 'Company', value: 'company' },
			],
			default: 'person',
			displayOptions: { show },
		},
		uuidProperty('recordId', 'Record ID', show, 'ID of the person or company'),
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			required: true,
			default: '',
			description:
				'CRM user who makes the change (kept with the link; automatic linking never overrides it)',
			displayOptions: { show },
		},
	];
}

/** Links or unlinks each item's email or event by hand; automatic linking never undoes it. */
export async function executeManualLink(
	context: IExecuteFunctions,
	subject: Subject,
	operation: 'link' | 'unlink',
): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(context);
	return await forEachItem(context, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(context, itemIndex);
		const subjectId = readUuid(context, `${subject.resource}Id`, itemIndex, `${subject.label} ID`);
		const recordType = context.getNodeParameter('recordType', itemIndex) as 'person' | 'company';
		const recordId = readUuid(context, 'recordId', itemIndex, 'Record ID');
		const userId = readText(context, 'userId', itemIndex, 'User ID');
		const input = {
			subjectType: subject.subjectType,
			subjectId,
			recordType,
			recordId,
			userId,
		};
		// An id that is not the workspace's is refused as not found (CrmRecordNotFoundError).
		if (operation === 'link')
			return { json: toJson(await linkManually(database, workspaceId, input)) };
		const { removed } = await unlinkManually(database, workspaceId, input);
		return { json: toJson({ workspaceId, ...input, removed }) };
	});
}
