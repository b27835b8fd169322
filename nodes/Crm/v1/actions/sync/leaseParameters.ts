import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** How many due integrations one run takes, and how long its leases last. */
export function leaseProperties(show: Record<string, string[]>): INodeProperties[] {
	return [
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show },
		},
		{
			displayName: 'Lease Seconds',
			name: 'leaseSeconds',
			type: 'number',
			typeOptions: { minValue: 10 },
			default: 300,
			description:
				'How long an integration stays leased to this run; after that another worker may take it (set above the longest sync)',
			displayOptions: { show },
		},
	];
}

export function readLease(
	context: IExecuteFunctions,
	itemIndex: number,
): { limit: number; leaseMs: number } {
	return {
		limit: context.getNodeParameter('limit', itemIndex, 50) as number,
		leaseMs: (context.getNodeParameter('leaseSeconds', itemIndex, 300) as number) * 1000,
	};
}
