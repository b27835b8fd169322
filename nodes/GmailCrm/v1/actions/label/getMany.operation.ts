import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/forEachItem';
import { gmailConnection } from '../../../../shared/gmailConnection';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await gmailConnection(this);
	return await forEachItem(this, { provider: 'Google', permission: 'gmail.readonly' }, async () => {
		const { data } = await connection.gmail.users.labels.list({ userId: 'me' });
		return (data.labels ?? []).map((label) => ({
			json: {
				id: label.id ?? null,
				name: label.name ?? null,
				type: label.type ?? null,
				messageListVisibility: label.messageListVisibility ?? null,
				labelListVisibility: label.labelListVisibility ?? null,
			},
		}));
	});
}
