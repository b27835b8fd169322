import type { INodeProperties } from 'n8n-workflow';

/** The customer (client account) an operation works on. */
export function customerIdProperty(resource: string, operations: string[]): INodeProperties {
	return {
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '123-456-7890',
		description:
			'The Google Ads account (10 digits, dashes allowed). An account under a manager is reached through the Login Customer ID of the credential.',
		displayOptions: { show: { resource: [resource], operation: operations } },
	};
}

export function campaignIdProperty(operations: string[]): INodeProperties {
	return {
		displayName: 'Campaign ID',
		name: 'campaignId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1234567890',
		description: 'The numeric campaign ID (or its resource name customers/…/campaigns/…)',
		displayOptions: { show: { resource: ['campaign'], operation: operations } },
	};
}

/** A "YYYY-MM-DD" date out of a dateTime parameter (n8n gives ISO strings). */
export function dateOnly(value: unknown): string | undefined {
	const text = typeof value === 'string' ? value.trim() : '';
	return text ? text.slice(0, 10) : undefined;
}
