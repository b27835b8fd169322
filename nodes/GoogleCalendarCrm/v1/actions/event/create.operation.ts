import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { toGoogleEventWrite } from '../../../../../core';
import { sendUpdatesOf, toEventInput, type EventFields } from '../../helpers/eventInput';
import { forEachItem } from '../../../../shared/forEachItem';
import { eventItems } from '../../helpers/records';
import { calendarConnection, calendarNotFound } from '../../../../shared/calendarConnection';
import {
	addGoogleMeetField,
	attendeesField,
	descriptionField,
	locationField,
	optionalAttendeesField,
	recurrenceField,
	sendUpdatesOptions,
	timeZoneDescription,
} from './common.descriptions';

const show = { resource: ['event'], operation: ['create'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Title',
		name: 'summary',
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
		description:
			'Wall-clock time in the time zone below (or an instant with an offset); for all-day events the first day',
		displayOptions: { show },
	},
	{
		displayName: 'End',
		name: 'end',
		type: 'dateTime',
		default: '',
		description:
			'Wall-clock time in the time zone below (required for timed events); for all-day events the last day (empty: one day)',
		displayOptions: { show },
	},
	{
		displayName: 'All Day',
		name: 'allDay',
		type: 'boolean',
		default: false,
		description: 'Whether the event lasts whole days (Start and End are read as dates)',
		displayOptions: { show },
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'Europe/Berlin',
		description: timeZoneDescription,
		displayOptions: { show: { ...show, allDay: [false] } },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			addGoogleMeetField,
			attendeesField,
			descriptionField,
			locationField,
			optionalAttendeesField,
			recurrenceField,
		],
	},
	sendUpdatesOptions(['create']),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await calendarConnection(this);
	return await forEachItem(
		this,
		{
			provider: 'Google',
			permission: 'calendar.events',
			notFound: (itemIndex) =>
				calendarNotFound(this.getNodeParameter('calendarId', itemIndex) as string),
		},
		async (itemIndex) => {
			const calendarId = this.getNodeParameter('calendarId', itemIndex) as string;
			const fields: EventFields = {
				...(this.getNodeParameter('additionalFields', itemIndex, {}) as EventFields),
				summary: this.getNodeParameter('summary', itemIndex) as string,
				start: this.getNodeParameter('start', itemIndex) as string,
				end: this.getNodeParameter('end', itemIndex, '') as string,
				allDay: this.getNodeParameter('allDay', itemIndex, false) as boolean,
				timeZone: this.getNodeParameter('timeZone', itemIndex, '') as string,
			};
			const { body, conferenceDataVersion } = toGoogleEventWrite(
				toEventInput(fields, this.getTimezone()),
			);
			const { data } = await connection.calendar.events.insert({
				calendarId,
				requestBody: body,
				conferenceDataVersion,
				sendUpdates: sendUpdatesOf(this, itemIndex),
			});
			return await eventItems(connection, calendarId, [data]);
		},
	);
}
