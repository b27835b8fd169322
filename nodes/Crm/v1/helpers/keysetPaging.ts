import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { readLimit, returnAllLimitProperties } from '../../../shared/returnAllLimit';
import { toJson } from './parameters';

/** Rows fetched per query while paging (a search page answers in milliseconds at this size). */
const PAGE_SIZE = 100;

export interface KeysetPage<T> {
	items: T[];
	nextCursor: string | null;
}

/** Return All / Limit plus the keyset options (start cursor, one item per page). */
export function keysetProperties(
	show: Record<string, string[]>,
	noun: { one: string; many: string },
): INodeProperties[] {
	return [
		...returnAllLimitProperties(show),
		{
			displayName: 'Paging',
			name: 'paging',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show },
			options: [
				{
					displayName: 'Cursor',
					name: 'cursor',
					type: 'string',
					default: '',
					description: `Continue after this cursor (the nextCursor of an earlier page); empty starts with the first of the ${noun.many}`,
				},
				{
					displayName: 'Output',
					name: 'output',
					type: 'options',
					options: [
						{
							name: 'One Item per Record',
							value: 'records',
						},
						{
							name: 'One Item per Page, with Next Cursor',
							value: 'page',
						},
					],
					default: 'records',
					description: `Whether to output each ${noun.one} as an item, or one item { ${noun.many}, nextCursor } to page through in a loop`,
				},
			],
		},
	];
}

/**
 * Reads pages until the limit (or the end), starting at the paging option's cursor, and outputs
 * them as the item's records or as one page item `{ [noun]: [...], nextCursor }`.
 */
export async function readKeysetPages<T>(
	context: IExecuteFunctions,
	itemIndex: number,
	noun: string,
	fetchPage: (page: { limit: number; cursor?: string }) => Promise<KeysetPage<T>>,
): Promise<INodeExecutionData[]> {
	const paging = context.getNodeParameter('paging', itemIndex, {}) as {
		cursor?: string;
		output?: 'records' | 'page';
	};
	const limit = readLimit(context, itemIndex);
	const records: IDataObject[] = [];
	let cursor = paging.cursor?.trim() || undefined;
	let nextCursor: string | null = null;
	do {
		const want = limit === undefined ? PAGE_SIZE : Math.min(PAGE_SIZE, limit - records.length);
		const page = await fetchPage({ limit: want, cursor });
		for (const item of page.items) records.push(toJson(item));
		nextCursor = page.nextCursor;
		cursor = nextCursor ?? undefined;
	} while (nextCursor && (limit === undefined || records.length < limit));
	if (paging.output === 'page') return [{ json: { [noun]: records, nextCursor } }];
	return records.map((json) => ({ json }));
}
