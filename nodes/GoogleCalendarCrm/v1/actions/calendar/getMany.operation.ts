import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listCalendars } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { calendarConnection } from '../../../../shared/calendarConnection';

export const description: INodeProperties[] = [
	{
		displayName: 'Minimum Access Role',
		name: 'minAccessRole',
		type: 'options',
		options: [
			{ name: 'Any', value: '' },
			{ name: 'Free/Busy Reader', value: 'freeBusyReader' },
			{ name: 'Owner', value: 'owner' },
			{ name: 'Reader', value: 'reader' },
			{ name: 'Writer', value: 'writer' },
		],
		default: '',
		description: 'Only calendars on which the account has at least this role',
		displayOptions: { show: { resource: ['calendar'], operation: ['getMany'] } },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await calendarConnection(this);
	return await forEachItem(
		this,
		{ provider: 'Google', permission: 'calendar.readonly' },
		async (itemIndex) => {
			const calendars = await listCalendars(connection.calendar, {
				minAccessRole: this.getNodeParameter('minAccessRole', itemIndex, '') as string,
			});
			return calendars.map((entry) => ({
				json: {
					id: entry.id ?? null,
					summary: entry.summaryOverride ?? entry.summary ?? null,
					description: entry.description ?? null,
					timeZone: entry.timeZone ?? null,
					primary: entry.primary === true,
					accessRole: entry.accessRole ?? null,
					backgroundColor: entry.backgroundColor ?? null,
				},
			}));
		},
	);
}
