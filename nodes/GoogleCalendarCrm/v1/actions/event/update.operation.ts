import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	formatInstantInZone,
	isTimeZone,
	toGoogleEventWrite,
	toRfc3339,
	type GoogleCalendarEvent,
} from '../../../../../core';
import { sendUpdatesOf, toEventInput, type EventFields } from '../../helpers/eventInput';
import { forEachItem } from '../../../../shared/forEachItem';
import { eventItems } from '../../helpers/records';
import {
	calendarConnection,
	eventNotFound,
	type CalendarConnection,
} from '../../../../shared/calendarConnection';
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

const DAY_MS = 86_400_000;

export const description: INodeProperties[] = [
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only these fields change; the others keep their value',
		displayOptions: { show: { resource: ['event'], operation: ['update'] } },
		options: [
			addGoogleMeetField,
			{
				displayName: 'All Day',
				name: 'allDay',
				type: 'boolean',
				default: false,
				description:
					'Whether the event lasts whole days (give Start, and End, when switching between all-day and timed)',
			},
			attendeesField,
			descriptionField,
			{
				displayName: 'End',
				name: 'end',
				type: 'dateTime',
				default: '',
				description: 'New end (for all-day events the last day)',
			},
			locationField,
			optionalAttendeesField,
			recurrenceField,
			{
				displayName: 'Start',
				name: 'start',
				type: 'dateTime',
				default: '',
				description: 'New start; without a new End the event keeps its length',
			},
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: '',
				placeholder: 'Europe/Berlin',
				description: `${timeZoneDescription} (rescheduled without one, the event keeps its own zone)`,
			},
			{
				displayName: 'Title',
				name: 'summary',
				type: 'string',
				default: '',
			},
		],
	},
	sendUpdatesOptions(['update']),
];

/**
 * A reschedule is read against the event as it is: it keeps its all-day kind, its zone and —
 * when only the start moves — its length.
 */
async function completeReschedule(
	connection: CalendarConnection,
	calendarId: string,
	eventId: string,
	fields: EventFields,
	workflowZone: string,
): Promise<EventFields> {
	const { data: current } = await connection.calendar.events.get({ calendarId, eventId });
	const completed = { ...fields };
	const wasAllDay = !!current.start?.date;
	completed.allDay ??= wasAllDay;
	if (!completed.timeZone) {
		const own = current.start?.timeZone;
		completed.timeZone = isTimeZone(own)
			? own
			: ((await connection.describe(calendarId)).timeZone ?? workflowZone);
	}
	if (completed.start && !completed.end && completed.allDay === wasAllDay) {
		completed.end = shiftedEnd(current, completed.start, completed.allDay, completed.timeZone);
	}
	return completed;
}

/** The end that keeps the event's length when it starts at `start`. */
function shiftedEnd(
	current: GoogleCalendarEvent,
	start: string,
	allDay: boolean,
	zone: string,
): string | undefined {
	if (allDay) {
		const days = Math.round(
			(Date.parse(`${current.end?.date}T00:00:00Z`) -
				Date.parse(`${current.start?.date}T00:00:00Z`)) /
				DAY_MS,
		);
		if (!Number.isFinite(days) || days < 1) return undefined;
		const first = Date.parse(`${start.slice(0, 10)}T00:00:00Z`);
		return new Date(first + (days - 1) * DAY_MS).toISOString().slice(0, 10);
	}
	const length =
		Date.parse(current.end?.dateTime ?? '') - Date.parse(current.start?.dateTime ?? '');
	if (!Number.isFinite(length)) return undefined;
	return formatInstantInZone(Date.parse(toRfc3339(start, zone)) + length, zone);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await calendarConnection(this);
	return await forEachItem(
		this,
		{
			provider: 'Google',
			permission: 'calendar.events',
			notFound: (itemIndex) =>
				eventNotFound(
					this.getNodeParameter('eventId', itemIndex) as string,
					this.getNodeParameter('calendarId', itemIndex) as string,
				),
		},
		async (itemIndex) => {
			const calendarId = this.getNodeParameter('calendarId', itemIndex) as string;
			const eventId = this.getNodeParameter('eventId', itemIndex) as string;
			let fields = this.getNodeParameter('updateFields', itemIndex, {}) as EventFields;
			if (fields.start || fields.end || fields.allDay !== undefined) {
				fields = await completeReschedule(
					connection,
					calendarId,
					eventId,
					fields,
					this.getTimezone(),
				);
			}
			const { body, conferenceDataVersion } = toGoogleEventWrite(
				toEventInput(fields, this.getTimezone()),
			);
			if (Object.keys(body).length === 0) {
				// Nothing to change (e.g. Add Google Meet turned off by an expression): no new version.
				const { data } = await connection.calendar.events.get({ calendarId, eventId });
				return await eventItems(connection, calendarId, [data]);
			}
			const { data } = await connection.calendar.events.patch({
				calendarId,
				eventId,
				requestBody: body,
				conferenceDataVersion,
				sendUpdates: sendUpdatesOf(this, itemIndex),
			});
			return await eventItems(connection, calendarId, [data]);
		},
	);
}
