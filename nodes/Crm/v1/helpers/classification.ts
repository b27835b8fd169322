import type { INodePropertyOptions } from 'n8n-workflow';

/** How people and companies are classified (people.classification, companies.classification). */
export const classificationOptions: INodePropertyOptions[] = [
	{ name: 'Customer', value: 'customer' },
	{ name: 'Lead', value: 'lead' },
	{ name: 'Partner', value: 'partner' },
	{ name: 'Personal', value: 'personal' },
	{ name: 'Unknown', value: 'unknown' },
	{ name: 'Vendor', value: 'vendor' },
];
