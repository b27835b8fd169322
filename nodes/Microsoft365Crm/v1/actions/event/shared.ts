import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { microsoftNotFound } from '../../../../shared/microsoftConnection';

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
		description:
			'Required attendees, separated by commas or semicolons (replaces the list on update); quote a name that has a comma ("Doe, Bob" &lt;bob@example.com&gt;)',
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
		description: 'Optional attendees, separated by commas or semicolons',
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

/** The 404 sentence of an operation in the item's calendar (the default one needs none). */
export function calendarNotFound(context: IExecuteFunctions) {
	return (itemIndex: number) => {
		const calendar = context.getNodeParameter('calendar', itemIndex, '') as string;
		return calendar
			? microsoftNotFound('calendar', calendar)
			: 'Microsoft 365 has no calendar for this account (or the account cannot see it)';
	};
}
