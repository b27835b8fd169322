import type { INodeProperties } from 'n8n-workflow';

export function patternProperty(show: Record<string, string[]>): INodeProperties {
	return {
		displayName: 'Address or Domain',
		name: 'pattern',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'news@example.com or @example.com',
		description: 'An email address, or a domain written @example.com (every address at it)',
		displayOptions: { show },
	};
}
