import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	graphEventToRecord,
	graphPathSegment,
	toGraphEventWrite,
	type GraphEvent,
	type GraphEventInput,
} from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { microsoftConnection, microsoftNotFound } from '../../../../shared/microsoftConnection';
import { calendarProperty, eventFieldOptions } from './shared';

const show = { resource: ['event'], operation: ['update'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		required: true,
		default: '',
		description: 'Graph ID of the event (the providerEventId of a record)',
		displayOptions: { show },
	},
	calendarProperty(
		['update'],
		'Calendar the event is in, recorded in the output (default: your calendar)',
	),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'All Day',
				name: 'isAllDay',
				type: 'boolean',
				default: false,
			},
			{
				displayName: 'End',
				name: 'end',
				type: 'dateTime',
				default: '',
			},
			{
				displayName: 'Start',
				name: 'start',
				type: 'dateTime',
				default: '',
			},
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: 'UTC',
				description: 'Time zone of Start and End (IANA or Windows name)',
			},
			...eventFieldOptions,
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await microsoftConnection(this);
	return await forEachItem(
		this,
		{
			provider: 'Microsoft 365',
			permission: 'Calendars.ReadWrite',
			notFound: (itemIndex) =>
				microsoftNotFound('event', this.getNodeParameter('eventId', itemIndex) as string),
		},
		async (itemIndex) => {
			const eventId = this.getNodeParameter('eventId', itemIndex) as string;
			const calendar = this.getNodeParameter('calendar', itemIndex, '') as string;
			const input = this.getNodeParameter('updateFields', itemIndex, {}) as GraphEventInput;
			const patch = toGraphEventWrite(input);
			if (Object.keys(patch).length === 0) {
				throw new NodeOperationError(this.getNode(), 'Add at least one field to update', {
					itemIndex,
				});
			}
			const event = await connection.graph.patch<GraphEvent>(
				`/me/events/${graphPathSegment(eventId)}`,
				patch,
			);
			return {
				json: graphEventToRecord(event, {
					calendarId: calendar || (await connection.defaultCalendarId()),
					ownerEmail: await connection.ownerEmail(),
				}),
			};
		},
	);
}
