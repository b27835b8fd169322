import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { listCalendars } from '../../core';
import { calendarConnection } from './calendarConnection';
import { toNodeError } from './providerErrors';

/**
 * The user's calendars, for the Calendar node and its trigger: the primary one (as `primary`)
 * first, then the others by name.
 */
export async function getCalendars(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	try {
		const { calendar } = await calendarConnection(this);
		const calendars = await listCalendars(calendar);
		const others = calendars
			.filter((entry) => entry.id && !entry.primary)
			.sort((a, b) =>
				(a.summaryOverride ?? a.summary ?? '').localeCompare(b.summaryOverride ?? b.summary ?? ''),
			)
			.map((entry) => ({
				name: entry.summaryOverride ?? entry.summary ?? (entry.id as string),
				value: entry.id as string,
				description: entry.accessRole ? `Access: ${entry.accessRole}` : undefined,
			}));
		const primary = calendars.find((entry) => entry.primary);
		return [
			{
				name: primary?.summary ? `Primary (${primary.summary})` : 'Primary',
				value: 'primary',
			},
			...others,
		];
	} catch (error) {
		throw toNodeError(this.getNode(), error, {
			provider: 'Google',
			permission: 'calendar.readonly',
		});
	}
}
