import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as calendar from './calendar/Calendar.resource';
import * as event from './event/Event.resource';
import type { GoogleCalendarCrmType } from './node.type';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter<GoogleCalendarCrmType>('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	const googleCalendar = { resource, operation } as GoogleCalendarCrmType;

	switch (googleCalendar.resource) {
		case 'calendar':
			return [await calendar[googleCalendar.operation].execute.call(this)];
		case 'event':
			return [await event[googleCalendar.operation].execute.call(this)];
		default:
			throw new NodeOperationError(this.getNode(), `The resource "${resource}" is not known`);
	}
}
