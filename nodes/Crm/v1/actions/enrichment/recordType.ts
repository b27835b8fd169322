import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { notFound, readUuid, uuidProperty } from '../../helpers/parameters';

export type EnrichedRecordType = 'person' | 'company';

/** Record Type and Record ID, as Enrich Record and Get Enrichment ask for them. */
export function recordProperties(show: Record<string, string[]>, verb: string): INodeProperties[] {
	return [
		{
			displayName: 'Record Type',
			name: 'recordType',
			type: 'options',
			options: [
				{ name: 'Person', value: 'person' },
				{ name: 'Company', value: 'company' },
			],
			default: 'person',
			displayOptions: { show },
		},
		uuidProperty('recordId', 'Record ID', show, `Person or company to ${verb}`),
	];
}

export function readRecord(
	context: IExecuteFunctions,
	itemIndex: number,
): { recordType: EnrichedRecordType; recordId: string } {
	const recordType = context.getNodeParameter('recordType', itemIndex) as string;
	if (recordType !== 'person' && recordType !== 'company') {
		throw new NodeOperationError(
			context.getNode(),
			`Record Type must be person or company, got '${String(recordType).slice(0, 40)}'`,
			{ itemIndex },
		);
	}
	return { recordType, recordId: readUuid(context, 'recordId', itemIndex, 'Record ID') };
}

/**
 * Runs `work`, answering the engine's not-found (an id absent from the workspace, or another
 * workspace's) with the node's usual sentence naming the record.
 */
export async function namingMissingRecord<T>(
	context: IExecuteFunctions,
	target: { recordType: EnrichedRecordType; recordId: string; workspaceId: string },
	itemIndex: number,
	work: () => Promise<T>,
): Promise<T> {
	try {
		return await work();
	} catch (error) {
		if ((error as { name?: string })?.name === 'CrmRecordNotFoundError') {
			throw notFound(context, target.recordType, target.recordId, target.workspaceId, itemIndex);
		}
		// forEachItem turns every other failure into the node's error for this item.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
}
