import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { sendUpdatesOf } from '../../helpers/eventInput';
import { forEachItem } from '../../../../shared/forEachItem';
import { calendarConnection, eventNotFound } from '../../../../shared/calendarConnection';
import { sendUpdatesOptions } from './common.descriptions';

export const description: INodeProperties[] = [sendUpdatesOptions(['delete'])];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await calendarConnection(this);
	return await forEachItem(
		this,
		{
			provider: 'Google',
			permission: 'calendar.events',
			notFound: (itemIndex) =>
				eventNotFound(
					this.getNodeParameter('eventId', itemIndex) as string,
					this.getNodeParameter('calendarId', itemIndex) as string,
				),
		},
		async (itemIndex) => {
			const eventId = this.getNodeParameter('eventId', itemIndex) as string;
			await connection.calendar.events.delete({
				calendarId: this.getNodeParameter('calendarId', itemIndex) as string,
				eventId,
				sendUpdates: sendUpdatesOf(this, itemIndex),
			});
			return [{ json: { deleted: true, providerEventId: eventId } }];
		},
	);
}
