import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { graphEventToRecord, graphPathSegment, type GraphEvent } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { microsoftConnection } from '../../../../shared/microsoftConnection';
import { readLimit, returnAllLimitProperties } from '../../../../shared/returnAllLimit';
import { calendarNotFound, calendarProperty } from './shared';

const show = { resource: ['event'], operation: ['getMany'] };
const DAY_MS = 86_400_000;

export const description: INodeProperties[] = [
	calendarProperty(['getMany'], 'Calendar to list (default: your calendar)'),
	{
		displayName: 'After',
		name: 'timeMin',
		type: 'dateTime',
		default: '',
		description: 'Start of the time range (default: now)',
		displayOptions: { show },
	},
	{
		displayName: 'Before',
		name: 'timeMax',
		type: 'dateTime',
		default: '',
		description: 'End of the time range (default: 30 days after its start)',
		displayOptions: { show },
	},
	...returnAllLimitProperties(show),
];

function instant(value: string, fallback: number): string {
	if (!value) return new Date(fallback).toISOString();
	// A time without offset is read as UTC (n8n's date picker gives wall-clock values).
	const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`);
	if (Number.isNaN(ms)) throw new Error(`"${value}" is not a date and time`);
	return new Date(ms).toISOString();
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await microsoftConnection(this);
	return await forEachItem(
		this,
		{
			provider: 'Microsoft 365',
			permission: 'Calendars.ReadWrite',
			notFound: calendarNotFound(this),
		},
		async (itemIndex) => {
			const calendar = this.getNodeParameter('calendar', itemIndex, '') as string;
			const start = instant(this.getNodeParameter('timeMin', itemIndex, '') as string, Date.now());
			const end = instant(
				this.getNodeParameter('timeMax', itemIndex, '') as string,
				Date.parse(start) + 30 * DAY_MS,
			);
			if (Date.parse(end) <= Date.parse(start)) {
				throw new NodeOperationError(this.getNode(), '"Before" must be later than "After"', {
					itemIndex,
				});
			}
			const limit = readLimit(this, itemIndex);
			// calendarView expands recurring series into their occurrences within the range.
			const path = calendar
				? `/me/calendars/${graphPathSegment(calendar)}/calendarView`
				: '/me/calendar/calendarView';
			const events = await connection.graph.collect<GraphEvent>(
				path,
				{
					query: { startDateTime: start, endDateTime: end, $top: Math.min(limit ?? 100, 100) },
				},
				limit,
			);
			const calendarId = calendar || (await connection.defaultCalendarId());
			const ownerEmail = await connection.ownerEmail();
			return events.map((event) => ({
				json: graphEventToRecord(event, { calendarId, ownerEmail }),
			}));
		},
	);
}
