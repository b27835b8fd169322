import type { INodeProperties } from 'n8n-workflow';

/** The calendar an event operation works on. */
export function calendarProperty(operations: string[]): INodeProperties {
	return {
		displayName: 'Calendar Name or ID',
		name: 'calendarId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getCalendars' },
		required: true,
		default: 'primary',
		description:
			'The calendar (`primary` is the account\'s own). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { resource: ['event'], operation: operations } },
	};
}

export function eventIdProperty(operations: string[]): INodeProperties {
	return {
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '4n1gq2lc3fh0ht2o7blhm5qd5o',
		description: "The event's providerEventId, as the other operations and the trigger output it",
		displayOptions: { show: { resource: ['event'], operation: operations } },
	};
}

export const attendeesField: INodeProperties = {
	displayName: 'Attendees',
	name: 'attendees',
	type: 'string',
	default: '',
	placeholder: 'ada@example.com, Bob Lee <bob@example.com>',
	description: 'Comma-separated guests (on update: replaces the guest list)',
};

export const optionalAttendeesField: INodeProperties = {
	displayName: 'Optional Attendees',
	name: 'optionalAttendees',
	type: 'string',
	default: '',
	placeholder: 'carol@example.com',
	description: 'Comma-separated optional guests',
};

export const addGoogleMeetField: INodeProperties = {
	displayName: 'Add Google Meet',
	name: 'addGoogleMeet',
	type: 'boolean',
	default: true,
	description:
		'Whether to create a Google Meet conference for the event (its link is the meetingLink)',
};

export const descriptionField: INodeProperties = {
	displayName: 'Description',
	name: 'description',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
};

export const locationField: INodeProperties = {
	displayName: 'Location',
	name: 'location',
	type: 'string',
	default: '',
};

export const recurrenceField: INodeProperties = {
	displayName: 'Recurrence',
	name: 'recurrence',
	type: 'string',
	typeOptions: { rows: 2 },
	default: '',
	placeholder: 'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10',
	description: 'RFC 5545 RRULE, EXRULE, RDATE or EXDATE lines, one per line',
};

export const timeZoneDescription =
	"IANA time zone of the start and end (Europe/Berlin, America/New_York); empty: the workflow's time zone";

/** The "Send Updates" option of the operations that change an event. */
export function sendUpdatesOptions(operations: string[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['event'], operation: operations } },
		options: [
			{
				displayName: 'Send Updates',
				name: 'sendUpdates',
				type: 'options',
				options: [
					{ name: 'All Guests', value: 'all', description: 'Email every guest' },
					{
						name: 'External Guests Only',
						value: 'externalOnly',
						description: 'Email only guests outside Google Calendar',
					},
					{ name: 'None', value: 'none', description: 'Send no email' },
				],
				default: 'all',
				description: 'Whom Google emails about the change (not set: no email)',
			},
		],
	};
}
