import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import { createCalendarClient, describeCalendar } from '../../core';
import { resolveGoogleCredential } from './googleAuthentication';
import { n8nRequester } from './providerTransport';

export interface CalendarInfo {
	/** The real calendar id (the alias `primary` resolved to the account's address). */
	calendarId: string;
	/** The calendar's IANA time zone, when it could be read. */
	timeZone: string | null;
}

export interface CalendarConnection {
	calendar: ReturnType<typeof createCalendarClient>;
	/** A calendar's id and time zone, asked once per calendar and connection. */
	describe(calendarId: string): Promise<CalendarInfo>;
}

/**
 * The Calendar client of the node's credential (the Google Calendar CRM node and its trigger);
 * every request goes through n8n's auth helpers.
 */
export async function calendarConnection(
	context: IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions,
): Promise<CalendarConnection> {
	const { credentialType, apiBaseUrl } = await resolveGoogleCredential(
		context,
		'googleCalendarCrmOAuth2Api',
	);
	const calendar = createCalendarClient(n8nRequester(context, credentialType), apiBaseUrl);
	const described = new Map<string, Promise<CalendarInfo>>();
	return {
		calendar,
		describe(calendarId) {
			let info = described.get(calendarId);
			if (!info) {
				info = describeCalendar(calendar, calendarId);
				described.set(calendarId, info);
				info.catch(() => described.delete(calendarId)); // a failure is not remembered
			}
			return info;
		},
	};
}

// What a 404 means, said whole: Google answers 404 alike for a calendar the account cannot read
// and one that does not exist.
export const calendarNotFound = (calendarId: string) =>
	`Google Calendar has no calendar '${calendarId}' the account can read`;

export const eventNotFound = (eventId: string, calendarId: string) =>
	`Google Calendar has no event '${eventId}' in calendar '${calendarId}'`;
