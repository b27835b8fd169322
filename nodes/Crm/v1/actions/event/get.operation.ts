import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getEvent } from '../../../../../core';
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

const show = { resource: ['event'], operation: ['get'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	uuidProperty('eventId', 'Event ID', show, 'Stored calendar event to get'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const eventId = readUuid(this, 'eventId', itemIndex, 'Event ID');
		const event = await getEvent(database, workspaceId, eventId);
		if (!event) throw notFound(this, 'event', eventId, workspaceId, itemIndex);
		return { json: toJson(event) };
	});
}
