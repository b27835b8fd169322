import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

import {
	googleAuthenticationProperty,
	googleCredentials,
} from '../../../shared/googleAuthentication';
import * as calendar from './calendar/Calendar.resource';
import * as event from './event/Event.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Google Calendar CRM',
	name: 'googleCalendarCrm',
	// n8n resolves a version's icon from the main node file's folder, not from this one.
	icon: { light: 'file:googleCalendarCrm.svg', dark: 'file:googleCalendarCrm.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description:
		'List calendars and list, get, create, update and delete Google Calendar events as CRM event records',
	defaults: { name: 'Google Calendar CRM' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	usableAsTool: true,
	credentials: googleCredentials('googleCalendarCrmOAuth2Api'),
	properties: [
		googleAuthenticationProperty('Google Calendar CRM OAuth2 API'),
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Calendar', value: 'calendar' },
				{ name: 'Event', value: 'event' },
			],
			default: 'event',
		},
		...calendar.description,
		...event.description,
	],
};
