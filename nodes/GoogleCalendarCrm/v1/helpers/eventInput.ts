import type { IExecuteFunctions } from 'n8n-workflow';

import { parseAddressList, type CalendarEventInput } from '../../../../core';

/** Event fields as the node's parameters hold them. */
export interface EventFields {
	summary?: string;
	description?: string;
	location?: string;
	start?: string;
	end?: string;
	allDay?: boolean;
	timeZone?: string;
	attendees?: string;
	optionalAttendees?: string;
	recurrence?: string;
	addGoogleMeet?: boolean;
}

/** The fields given, as the input core turns into a Calendar API body. */
export function toEventInput(fields: EventFields, defaultTimeZone: string): CalendarEventInput {
	const input: CalendarEventInput = {
		title: fields.summary,
		description: fields.description,
		location: fields.location,
		start: fields.start || undefined,
		end: fields.end || undefined,
		allDay: fields.allDay,
		timeZone: fields.timeZone?.trim() || defaultTimeZone,
		recurrence:
			fields.recurrence === undefined
				? undefined
				: fields.recurrence
						.split(/\r?\n/)
						.map((line) => line.trim())
						.filter(Boolean),
		addGoogleMeet: fields.addGoogleMeet,
	};
	if (fields.attendees !== undefined || fields.optionalAttendees !== undefined) {
		input.attendees = [
			...parseAddressList(fields.attendees).map((address) => ({ ...address, optional: false })),
			...parseAddressList(fields.optionalAttendees).map((address) => ({
				...address,
				optional: true,
			})),
		];
	}
	return input;
}

export function sendUpdatesOf(context: IExecuteFunctions, itemIndex: number): string | undefined {
	const options = context.getNodeParameter('options', itemIndex, {}) as { sendUpdates?: string };
	return options.sendUpdates || undefined;
}
