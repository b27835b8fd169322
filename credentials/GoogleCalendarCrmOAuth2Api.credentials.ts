import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { GOOGLE_API_BASE_URL } from '../core/providers/endpoints';

const SCOPES = [
	'https://www.googleapis.com/auth/calendar',
	'https://www.googleapis.com/auth/calendar.events',
];

/** Google Calendar through crm-connect: calendars and events, read and write. */
export class GoogleCalendarCrmOAuth2Api implements ICredentialType {
	name = 'googleCalendarCrmOAuth2Api';

	displayName = 'Google Calendar CRM OAuth2 API';

	extends = ['googleCrmOAuth2Api'];

	icon: Icon = { light: 'file:icons/google.svg', dark: 'file:icons/google.dark.svg' };

	documentationUrl = 'https://github.com/crm-connect/n8n-nodes-crm-connect#google-credentials';

	properties: INodeProperties[] = [
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: SCOPES.join(' ') },
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{$credentials.customEndpoints ? $credentials.apiBaseUrl : "${GOOGLE_API_BASE_URL}"}}`,
			url: '/calendar/v3/users/me/calendarList',
			qs: { maxResults: 1 },
		},
	};
}
