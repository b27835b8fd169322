import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { microsoftConnection } from '../../../shared/microsoftConnection';
import { listMailFolders } from '../../../shared/microsoftMailFolders';

export { getMailFolders } from '../../../shared/microsoftMailFolders';

export async function getMailFoldersOrAll(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return [{ name: 'All Folders', value: '' }, ...(await listMailFolders(this))];
}

export async function getCalendars(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const connection = await microsoftConnection(this);
	const calendars = await connection.graph.collect<{ id: string; name?: string }>('/me/calendars', {
		select: ['id', 'name'],
	});
	return [
		{ name: 'Default Calendar', value: '' },
		...calendars.map((calendar) => ({ name: calendar.name ?? calendar.id, value: calendar.id })),
	];
}
