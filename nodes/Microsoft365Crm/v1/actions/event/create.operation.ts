import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	graphEventToRecord,
	graphPathSegment,
	toGraphEventWrite,
	type GraphEvent,
	type GraphEventInput,
} from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { microsoftConnection } from '../../../../shared/microsoftConnection';
import { calendarNotFound, calendarProperty, eventFieldOptions } from './shared';

const show = { resource: ['event'], operation: ['create'] };

export const description: INodeProperties[] = [
	calendarProperty(['create'], 'Calendar to create the event in (default: your calendar)'),
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Start',
		name: 'start',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'Wall-clock time in the time zone below (or a date for all-day events)',
		displayOptions: { show },
	},
	{
		displayName: 'End',
		name: 'end',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'For all-day events, the last day (or the day after it)',
		displayOptions: { show },
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: 'UTC',
		placeholder: 'Europe/Berlin',
		description: 'IANA (Europe/Berlin) or Windows (W. Europe Standard Time) time zone name.',
		displayOptions: { show },
	},
	{
		displayName: 'All Day',
		name: 'isAllDay',
		type: 'boolean',
		default: false,
		displayOptions: { show },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		displayOptions: { show },
		options: eventFieldOptions,
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await microsoftConnection(this);
	return await forEachItem(
		this,
		{
			provider: 'Microsoft 365',
			permission: 'Calendars.ReadWrite',
			notFound: calendarNotFound(this),
		},
		async (itemIndex) => {
			const calendar = this.getNodeParameter('calendar', itemIndex, '') as string;
			const input: GraphEventInput = {
				...(this.getNodeParameter('additionalFields', itemIndex, {}) as GraphEventInput),
				subject: this.getNodeParameter('subject', itemIndex) as string,
				start: this.getNodeParameter('start', itemIndex) as string,
				end: this.getNodeParameter('end', itemIndex) as string,
				timeZone: this.getNodeParameter('timeZone', itemIndex) as string,
				isAllDay: this.getNodeParameter('isAllDay', itemIndex) as boolean,
			};
			const path = calendar ? `/me/calendars/${graphPathSegment(calendar)}/events` : '/me/events';
			const event = await connection.graph.post<GraphEvent>(path, toGraphEventWrite(input));
			return {
				json: graphEventToRecord(event, {
					calendarId: calendar || (await connection.defaultCalendarId()),
					ownerEmail: await connection.ownerEmail(),
				}),
			};
		},
	);
}
