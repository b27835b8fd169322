import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { nextDate, toGraphDateTime } from '../../../../../core';
import { toRecipients } from '../../helpers/records';

export function calendarProperty(operations: string[], description: string): INodeProperties {
	return {
		displayName: 'Calendar Name or ID',
		name: 'calendar',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getCalendars' },
		default: '',
		description: `${description}. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
		displayOptions: { show: { resource: ['event'], operation: operations } },
	};
}

/** Fields an event can be created or updated with (create shows some of them on their own). */
export const eventFieldOptions: INodeProperties[] = [
	{
		displayName: 'Attendees',
		name: 'attendees',
		type: 'string',
		default: '',
		placeholder: 'ada@example.com, Bob <bob@example.com>',
		description: 'Comma-separated required attendees (replaces the list on update)',
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
	},
	{
		displayName: 'Body Format',
		name: 'bodyContentType',
		type: 'options',
		options: [
			{ name: 'Text', value: 'text' },
			{ name: 'HTML', value: 'html' },
		],
		default: 'text',
	},
	{
		displayName: 'Location',
		name: 'location',
		type: 'string',
		default: '',
	},
	{
		displayName: 'Optional Attendees',
		name: 'optionalAttendees',
		type: 'string',
		default: '',
		description: 'Comma-separated optional attendees',
	},
	{
		displayName: 'Show As',
		name: 'showAs',
		type: 'options',
		options: [
			{ name: 'Busy', value: 'busy' },
			{ name: 'Free', value: 'free' },
			{ name: 'Tentative', value: 'tentative' },
		],
		default: 'busy',
	},
	{
		displayName: 'Teams Meeting',
		name: 'isOnlineMeeting',
		type: 'boolean',
		default: false,
		description: 'Whether to add a Microsoft Teams meeting (its join link is the meetingLink)',
	},
];

export interface EventInput {
	subject?: string;
	start?: string;
	end?: string;
	timeZone?: string;
	isAllDay?: boolean;
	attendees?: string;
	optionalAttendees?: string;
	body?: string;
	bodyContentType?: string;
	location?: string;
	showAs?: string;
	isOnlineMeeting?: boolean;
}

/** The Graph event body for the fields given (absent fields are left out, for PATCH). */
export function toGraphEvent(input: EventInput): IDataObject {
	const event: IDataObject = {};
	const timeZone = input.timeZone || 'UTC';
	if (input.subject !== undefined) event.subject = input.subject;
	if (input.isAllDay !== undefined) event.isAllDay = input.isAllDay;
	const allDay = input.isAllDay ?? false;
	if (input.start) event.start = toGraphDateTime(input.start, timeZone, allDay);
	if (input.end) {
		let end = input.end;
		// An all-day event ends at the next midnight: a same-day end means one day.
		if (allDay && input.start && end.slice(0, 10) <= input.start.slice(0, 10)) {
			end = nextDate(input.start);
		}
		event.end = toGraphDateTime(end, timeZone, allDay);
	}
	if (input.body !== undefined) {
		event.body = { contentType: input.bodyContentType ?? 'text', content: input.body };
	}
	if (input.location !== undefined) event.location = { displayName: input.location };
	if (input.showAs !== undefined) event.showAs = input.showAs;
	if (input.attendees !== undefined || input.optionalAttendees !== undefined) {
		event.attendees = [
			...toRecipients(input.attendees ?? '').map((r) => ({ ...r, type: 'required' })),
			...toRecipients(input.optionalAttendees ?? '').map((r) => ({ ...r, type: 'optional' })),
		];
	}
	if (input.isOnlineMeeting !== undefined) {
		event.isOnlineMeeting = input.isOnlineMeeting;
		if (input.isOnlineMeeting) event.onlineMeetingProvider = 'teamsForBusiness';
	}
	return event;
}
