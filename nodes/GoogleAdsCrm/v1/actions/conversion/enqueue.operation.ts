import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	enqueueAdConversion,
	validateConversion,
	type ConversionUploadPath,
} from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { crmDatabase } from '../../transport';
import { outboxItem } from './helpers';

const show = { resource: ['conversion'], operation: ['enqueue'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Customer ID',
		name: 'customerId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '123-456-7890',
		description: 'The Google Ads account that owns the conversion action',
		displayOptions: { show },
	},
	{
		displayName: 'Conversion Action',
		name: 'conversionAction',
		type: 'string',
		required: true,
		default: '',
		placeholder: '987654321',
		description:
			'ID of the conversion action (or its resource name customers/…/conversionActions/…)',
		displayOptions: { show },
	},
	{
		displayName: 'GCLID',
		name: 'gclid',
		type: 'string',
		default: '',
		description:
			'Google click ID the lead came with. Give exactly one of GCLID, GBRAID and WBRAID.',
		displayOptions: { show },
	},
	{
		displayName: 'Conversion Time',
		name: 'conversionTime',
		type: 'string',
		required: true,
		default: '={{ $now.toISO() }}',
		description:
			'When the conversion happened (e.g. the deal was won), with a time zone: 2026-11-30T14:05:00Z or 2026-11-30 14:05:00+01:00',
		displayOptions: { show },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Click Time',
				name: 'clickTime',
				type: 'string',
				default: '',
				description:
					'When the ad was clicked, if known: clicks older than 90 days are refused before upload',
			},
			{
				displayName: 'Currency',
				name: 'currency',
				type: 'string',
				default: '',
				placeholder: 'EUR',
				description: 'ISO 4217 code of the value (3 letters)',
			},
			{
				displayName: 'GBRAID',
				name: 'gbraid',
				type: 'string',
				default: '',
				description: 'Click ID for app-to-web clicks on iOS (instead of GCLID)',
			},
			{
				displayName: 'Order ID',
				name: 'orderId',
				type: 'string',
				default: '',
				description: 'Deal or order ID: Google dedupes on it, and the outbox enqueues it only once',
			},
			{
				displayName: 'Upload Path',
				name: 'uploadPath',
				type: 'options',
				options: [
					{
						name: 'Data Manager API (Default)',
						value: 'data_manager',
						description: 'Events:ingest — the path Google requires for new uploaders',
					},
					{
						name: 'Google Ads UploadClickConversions',
						value: 'click_conversions',
						description: 'Only for accounts allowlisted on it before 2026-06-15',
					},
				],
				default: 'data_manager',
			},
			{
				displayName: 'Value',
				name: 'value',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 0,
				description: 'Value of the conversion (e.g. the deal amount), with its currency',
			},
			{
				displayName: 'WBRAID',
				name: 'wbraid',
				type: 'string',
				default: '',
				description: 'Click ID for web-to-app clicks on iOS (instead of GCLID)',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await crmDatabase(this);
	return await forEachItem(this, { provider: 'Google Ads' }, async (itemIndex) => {
		const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as {
			clickTime?: string;
			currency?: string;
			gbraid?: string;
			wbraid?: string;
			orderId?: string;
			uploadPath?: ConversionUploadPath;
			value?: number;
		};
		const conversion = validateConversion({
			workspaceId: this.getNodeParameter('workspaceId', itemIndex) as string,
			customerId: this.getNodeParameter('customerId', itemIndex) as string,
			conversionAction: String(this.getNodeParameter('conversionAction', itemIndex)),
			gclid: this.getNodeParameter('gclid', itemIndex, '') as string,
			gbraid: fields.gbraid,
			wbraid: fields.wbraid,
			conversionTime: String(this.getNodeParameter('conversionTime', itemIndex)),
			clickTime: fields.clickTime,
			value: fields.value,
			currency: fields.currency,
			orderId: fields.orderId,
			uploadPath: fields.uploadPath,
		});
		const { conversion: row, created } = await enqueueAdConversion(database.knex, conversion);
		return outboxItem(row, { created });
	});
}
