import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** Whether the node's values count as a user's edit (kept against later syncs and enrichment). */
export function manualEditProperty(show: Record<string, string[]>): INodeProperties {
	return {
		displayName: 'Keep Against Automatic Updates',
		name: 'manual',
		type: 'boolean',
		default: true,
		description:
			'Whether the values set here count as set by hand: sync and enrichment never overwrite them. Off: they are written like synced values, and never over values set by hand.',
		displayOptions: { show },
	};
}

export function readManual(context: IExecuteFunctions, itemIndex: number): boolean {
	return context.getNodeParameter('manual', itemIndex, true) as boolean;
}
