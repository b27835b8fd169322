import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import type { CalendarChangeType } from '../../core';
import { getCalendars } from '../shared/calendarLists';
import { googleAuthenticationProperty, googleCredentials } from '../shared/googleAuthentication';
import { pollCalendars, type UpdateKind } from './calendarTriggerPoll';

const asList = <T extends string>(value: unknown): T[] =>
	(Array.isArray(value) ? value : String(value ?? '').split(','))
		.map((entry) => String(entry).trim())
		.filter(Boolean) as T[];

export class GoogleCalendarCrmTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Google Calendar CRM Trigger',
		name: 'googleCalendarCrmTrigger',
		icon: {
			light: 'file:googleCalendarCrmTrigger.svg',
			dark: 'file:googleCalendarCrmTrigger.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["changeTypes"] || []).join(", ")}}',
		description:
			"Starts the workflow when Google Calendar events are created, updated or cancelled, from Google's own sync tokens",
		defaults: { name: 'Google Calendar CRM Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: googleCredentials('googleCalendarCrmOAuth2Api'),
		properties: [
			googleAuthenticationProperty('Google Calendar CRM OAuth2 API'),
			{
				displayName:
					'Emits each change once, as a CRM event record with its changeType. The first activation only records where each calendar stands.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Calendar Names or IDs',
				name: 'calendarIds',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getCalendars' },
				required: true,
				default: ['primary'],
				description:
					'Calendars to watch, each with its own sync token. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Trigger On',
				name: 'changeTypes',
				type: 'multiOptions',
				required: true,
				options: [
					{
						name: 'Event Cancelled',
						value: 'cancelled',
						description: 'An event (or one occurrence of a series) was cancelled or deleted',
					},
					{
						name: 'Event Created',
						value: 'created',
						description: 'A new event appeared in the calendar (e.g. an invitation)',
					},
					{
						name: 'Event Updated',
						value: 'updated',
						description:
							'An event changed: time, guests, their responses, status, title, location… (see "changes")',
					},
				],
				default: ['created', 'updated', 'cancelled'],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Only Updates That Change',
						name: 'updateKinds',
						type: 'multiOptions',
						options: [
							{ name: 'Attendee Responses', value: 'responses' },
							{ name: 'Description', value: 'description' },
							{ name: 'Guests Added or Removed', value: 'attendees' },
							{ name: 'Location or Meeting Link', value: 'location' },
							{ name: 'Recurrence', value: 'recurrence' },
							{ name: 'Status', value: 'status' },
							{ name: 'Time', value: 'time' },
							{ name: 'Title', value: 'title' },
						],
						default: [],
						description:
							'Emit an update only when one of these changed (none chosen: any update), e.g. Attendee Responses to act on RSVPs',
					},
				],
			},
		],
	};

	methods = { loadOptions: { getCalendars } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const options = this.getNodeParameter('options', {}) as { updateKinds?: UpdateKind[] };
		const items = await pollCalendars(this, {
			calendarIds: [...new Set(asList<string>(this.getNodeParameter('calendarIds', ['primary'])))],
			changeTypes: asList<CalendarChangeType>(this.getNodeParameter('changeTypes', [])),
			updateKinds: options.updateKinds ?? [],
		});
		return items.length ? [items] : null;
	}
}
