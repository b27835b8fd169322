import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listCalendarEvents, toRfc3339 } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { eventItems } from '../../helpers/records';
import { calendarConnection, calendarNotFound } from '../../../../shared/calendarConnection';
import { readLimit, returnAllLimitProperties } from '../../../../shared/returnAllLimit';

const show = { resource: ['event'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	...returnAllLimitProperties(show),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'After',
				name: 'timeMin',
				type: 'dateTime',
				default: '',
				description:
					"Only events that end after this time (without an offset: in the workflow's time zone)",
			},
			{
				displayName: 'Before',
				name: 'timeMax',
				type: 'dateTime',
				default: '',
				description:
					"Only events that start before this time (without an offset: in the workflow's time zone)",
			},
			{
				displayName: 'Expand Recurring Events',
				name: 'singleEvents',
				type: 'boolean',
				default: true,
				description:
					'Whether to return each occurrence of a recurring event (ordered by start) instead of the series itself',
			},
			{
				displayName: 'Include Cancelled',
				name: 'showDeleted',
				type: 'boolean',
				default: false,
				description: 'Whether to include cancelled events',
			},
			{
				displayName: 'Order By',
				name: 'orderBy',
				type: 'options',
				options: [
					{
						name: 'Start Time',
						value: 'startTime',
						description: 'Only with Expand Recurring Events',
					},
					{ name: 'Last Change', value: 'updated' },
				],
				default: 'startTime',
			},
			{
				displayName: 'Search',
				name: 'q',
				type: 'string',
				default: '',
				placeholder: 'quarterly review',
				description: 'Free text found in the title, description, location or guests of the events',
			},
		],
	},
];

interface EventFilters {
	timeMin?: string;
	timeMax?: string;
	singleEvents?: boolean;
	showDeleted?: boolean;
	orderBy?: 'startTime' | 'updated';
	q?: string;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await calendarConnection(this);
	const zone = this.getTimezone();
	return await forEachItem(
		this,
		{
			provider: 'Google',
			permission: 'calendar.events.readonly',
			notFound: (itemIndex) =>
				calendarNotFound(this.getNodeParameter('calendarId', itemIndex) as string),
		},
		async (itemIndex) => {
			const calendarId = this.getNodeParameter('calendarId', itemIndex) as string;
			const filters = this.getNodeParameter('filters', itemIndex, {}) as EventFilters;
			const singleEvents = filters.singleEvents ?? true;
			// Google orders by start only when series are expanded; unexpanded lists come unordered.
			const orderBy = filters.orderBy ?? (singleEvents ? 'startTime' : undefined);
			const listing = await listCalendarEvents(connection.calendar, calendarId, {
				timeMin: filters.timeMin ? toRfc3339(filters.timeMin, zone) : undefined,
				timeMax: filters.timeMax ? toRfc3339(filters.timeMax, zone) : undefined,
				singleEvents,
				q: filters.q,
				showDeleted: filters.showDeleted,
				orderBy: orderBy === 'startTime' && !singleEvents ? undefined : orderBy,
				limit: readLimit(this, itemIndex),
			});
			return await eventItems(connection, calendarId, listing.events, listing.timeZone);
		},
	);
}
