import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { upsertCompanyByDomain, type CompanyFields } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { classificationOptions } from '../../helpers/classification';
import { CRM_ERRORS } from '../../helpers/errors';
import { readText, readWorkspaceId, toJson, workspaceIdProperty } from '../../helpers/parameters';
import { manualEditProperty, readManual } from '../../helpers/upsertOptions';
import { getCrmDatabase } from '../../transport';

const show = { resource: ['company'], operation: ['createOrUpdate'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	{
		displayName: 'Domain',
		name: 'domain',
		type: 'string',
		placeholder: 'example.com',
		required: true,
		default: '',
		description:
			'Web and mail domain of the company (free-mail domains such as gmail.com are refused); the company with this domain is updated',
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
				displayName: 'Classification',
				name: 'classification',
				type: 'options',
				options: classificationOptions,
				default: 'unknown',
			},
			{
				displayName: 'External ID',
				name: 'externalId',
				type: 'string',
				default: '',
				description: 'ID of the matching record in your CRM',
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
			},
		],
	},
	manualEditProperty(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const domain = readText(this, 'domain', itemIndex, 'Domain');
		const fields = this.getNodeParameter('fields', itemIndex, {}) as IDataObject;
		const input: Record<string, unknown> = { domain };
		for (const [key, value] of Object.entries(fields)) {
			input[key] = typeof value === 'string' ? value.trim() || null : value;
		}
		const { record, created } = await upsertCompanyByDomain(
			database,
			workspaceId,
			input as unknown as CompanyFields,
			{ manual: readManual(this, itemIndex) },
		);
		return { json: toJson({ ...record, created }) };
	});
}
