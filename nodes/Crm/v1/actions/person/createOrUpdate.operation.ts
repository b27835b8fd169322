import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { upsertPersonByEmail, type PersonFields } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { classificationOptions } from '../../helpers/classification';
import { CRM_ERRORS } from '../../helpers/errors';
import {
	optionalUuid,
	readText,
	readWorkspaceId,
	toJson,
	workspaceIdProperty,
} from '../../helpers/parameters';
import { manualEditProperty, readManual } from '../../helpers/upsertOptions';
import { getCrmDatabase } from '../../transport';

const show = { resource: ['person'], operation: ['createOrUpdate'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		required: true,
		default: '',
		description:
			'Primary address of the person; the person with this address (or with it as an additional address) is updated',
		displayOptions: { show },
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Additional Emails',
				name: 'additionalEmails',
				type: 'string',
				default: '',
				description: 'Other addresses of the person, comma-separated; mail from them links too',
			},
			{
				displayName: 'Classification',
				name: 'classification',
				type: 'options',
				options: classificationOptions,
				default: 'unknown',
			},
			{
				displayName: 'Company ID',
				name: 'companyId',
				type: 'string',
				default: '',
				description: 'Company the person works for',
			},
			{
				displayName: 'External ID',
				name: 'externalId',
				type: 'string',
				default: '',
				description: 'ID of the matching record in your CRM',
			},
			{
				displayName: 'Full Name',
				name: 'fullName',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Job Title',
				name: 'jobTitle',
				type: 'string',
				default: '',
			},
			{
				displayName: 'LinkedIn URL',
				name: 'linkedinUrl',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Phones',
				name: 'phones',
				type: 'string',
				default: '',
				description: 'Phone numbers, comma-separated',
			},
			{
				displayName: 'Postal Address',
				name: 'postalAddress',
				type: 'string',
				default: '',
			},
			{
				displayName: 'YouTube Channel ID',
				name: 'youtubeChannelId',
				type: 'string',
				default: '',
				placeholder: 'UCxxxxxxxxxxxxxxxxxxxxxx',
				description:
					"The person's YouTube channel: their comments on the workspace's connected channels link to them",
			},
		],
	},
	manualEditProperty(show),
];

const list = (value: unknown) =>
	String(value ?? '')
		.split(',')
		.map((entry) => entry.trim())
		.filter(Boolean);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const email = readText(this, 'email', itemIndex, 'Email');
		const fields = this.getNodeParameter('fields', itemIndex, {}) as IDataObject;
		const input: Record<string, unknown> = { email };
		for (const [key, value] of Object.entries(fields)) {
			if (key === 'phones' || key === 'additionalEmails') input[key] = list(value);
			else if (key === 'companyId')
				input.companyId = optionalUuid(this, value, itemIndex, 'Company ID') ?? null;
			else input[key] = typeof value === 'string' ? value.trim() || null : value;
		}
		const { record, created } = await upsertPersonByEmail(
			database,
			workspaceId,
			input as unknown as PersonFields,
			{ manual: readManual(this, itemIndex) },
		);
		return { json: toJson({ ...record, created }) };
	});
}
