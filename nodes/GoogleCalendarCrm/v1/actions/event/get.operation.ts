import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/forEachItem';
import { eventItems } from '../../helpers/records';
import { calendarConnection, eventNotFound } from '../../../../shared/calendarConnection';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await calendarConnection(this);
	return await forEachItem(
		this,
		{
			provider: 'Google',
			permission: 'calendar.events.readonly',
			notFound: (itemIndex) =>
				eventNotFound(
					this.getNodeParameter('eventId', itemIndex) as string,
					this.getNodeParameter('calendarId', itemIndex) as string,
				),
		},
		async (itemIndex) => {
			const calendarId = this.getNodeParameter('calendarId', itemIndex) as string;
			const { data } = await connection.calendar.events.get({
				calendarId,
				eventId: this.getNodeParameter('eventId', itemIndex) as string,
			});
			return await eventItems(connection, calendarId, [data]);
		},
	);
}
