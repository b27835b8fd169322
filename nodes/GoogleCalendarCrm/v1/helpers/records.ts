import type { INodeExecutionData } from 'n8n-workflow';

import { googleEventToRecord, type GoogleCalendarEvent } from '../../../../core';
import type { CalendarConnection } from '../../../shared/calendarConnection';

/** Calendar API events as output items holding CRM calendar event records. */
export async function eventItems(
	connection: CalendarConnection,
	calendarId: string,
	events: GoogleCalendarEvent[],
	listedTimeZone?: string | null,
): Promise<INodeExecutionData[]> {
	const info = await connection.describe(calendarId);
	const context = {
		calendarId: info.calendarId,
		calendarTimeZone: listedTimeZone ?? info.timeZone,
	};
	return events.map((event) => ({ json: googleEventToRecord(event, context) }));
}
