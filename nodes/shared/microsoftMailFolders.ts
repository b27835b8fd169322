import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { graphPathSegment } from '../../core';
import { microsoftConnection } from './microsoftConnection';

interface GraphMailFolder {
	id: string;
	displayName?: string;
	childFolderCount?: number;
}

/**
 * Every mail folder, children under their parents' paths ("Inbox/Clients"), for the Microsoft 365
 * CRM node's folder pickers and its trigger's.
 */
export async function listMailFolders(
	context: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const connection = await microsoftConnection(context);
	const options: INodePropertyOptions[] = [];
	const visit = async (path: string, prefix: string, depth: number) => {
		const folders = await connection.graph.collect<GraphMailFolder>(path, {
			query: { $top: 100 },
		});
		for (const folder of folders) {
			const name = `${prefix}${folder.displayName ?? folder.id}`;
			options.push({ name, value: folder.id });
			// A few levels are enough for a picker; deeper folders can be given by id.
			if ((folder.childFolderCount ?? 0) > 0 && depth < 3) {
				await visit(
					`/me/mailFolders/${graphPathSegment(folder.id)}/childFolders`,
					`${name}/`,
					depth + 1,
				);
			}
		}
	};
	await visit('/me/mailFolders', '', 0);
	return options.sort((a, b) => a.name.localeCompare(b.name));
}

export async function getMailFolders(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await listMailFolders(this);
}
