import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { executeManualLink, manualLinkProperties } from '../../helpers/manualLinks';

const subject = { resource: 'event', subjectType: 'calendar_event', label: 'Event' } as const;

export const description: INodeProperties[] = manualLinkProperties(subject, 'unlink');

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await executeManualLink(this, subject, 'unlink');
}
