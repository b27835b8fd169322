import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { graphPathSegment } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { microsoftConnection } from '../../../../shared/microsoftConnection';

const show = { resource: ['folder'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Include Child Folders',
		name: 'includeChildFolders',
		type: 'boolean',
		default: true,
		description: 'Whether to list the folders inside folders too (depth first)',
		displayOptions: { show },
	},
];

interface GraphMailFolder {
	id: string;
	displayName?: string;
	parentFolderId?: string;
	childFolderCount?: number;
	totalItemCount?: number;
	unreadItemCount?: number;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await microsoftConnection(this);
	return await forEachItem(
		this,
		{ provider: 'Microsoft 365', permission: 'Mail.ReadWrite' },
		async (itemIndex) => {
			const includeChildren = this.getNodeParameter('includeChildFolders', itemIndex) as boolean;
			const wellKnown = await connection.folderNames();
			const items: INodeExecutionData[] = [];
			const visit = async (path: string, parentPath: string | null) => {
				const folders = await connection.graph.collect<GraphMailFolder>(path, {
					query: { $top: 100 },
				});
				for (const folder of folders) {
					const folderPath = parentPath
						? `${parentPath}/${folder.displayName}`
						: folder.displayName;
					items.push({
						json: {
							id: folder.id,
							displayName: folder.displayName ?? null,
							path: folderPath ?? null,
							wellKnownName: wellKnown[folder.id] ?? null,
							parentFolderId: folder.parentFolderId ?? null,
							childFolderCount: folder.childFolderCount ?? 0,
							totalItemCount: folder.totalItemCount ?? 0,
							unreadItemCount: folder.unreadItemCount ?? 0,
						},
					});
					if (includeChildren && (folder.childFolderCount ?? 0) > 0) {
						await visit(
							`/me/mailFolders/${graphPathSegment(folder.id)}/childFolders`,
							folderPath ?? folder.id,
						);
					}
				}
			};
			await visit('/me/mailFolders', null);
			return items;
		},
	);
}
