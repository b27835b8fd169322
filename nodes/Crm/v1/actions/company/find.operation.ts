import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { findCompanies, getCompany } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import { keysetProperties, readKeysetPages } from '../../helpers/keysetPaging';
import {
	readText,
	readUuid,
	readWorkspaceId,
	toJson,
	uuidProperty,
	workspaceIdProperty,
} from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';

const show = { resource: ['company'], operation: ['find'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		options: [
			{ name: 'All Companies', value: 'all' },
			{ name: 'Domain', value: 'domain' },
			{ name: 'ID', value: 'id' },
			{ name: 'Name Prefix', value: 'name' },
		],
		default: 'domain',
		description: 'Nothing is output when no company matches; companies come in domain order',
		displayOptions: { show },
	},
	{
		displayName: 'Domain',
		name: 'domain',
		type: 'string',
		placeholder: 'example.com',
		required: true,
		default: '',
		displayOptions: { show: { ...show, findBy: ['domain'] } },
	},
	{
		displayName: 'Name Prefix',
		name: 'namePrefix',
		type: 'string',
		required: true,
		default: '',
		description: 'Start of the company name (any case)',
		displayOptions: { show: { ...show, findBy: ['name'] } },
	},
	uuidProperty('companyId', 'Company ID', { ...show, findBy: ['id'] }, 'Company to get'),
	...keysetProperties(
		{ ...show, findBy: ['all', 'domain', 'name'] },
		{ one: 'company', many: 'companies' },
	),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const findBy = this.getNodeParameter('findBy', itemIndex) as 'all' | 'domain' | 'id' | 'name';
		if (findBy === 'id') {
			const company = await getCompany(
				database,
				workspaceId,
				readUuid(this, 'companyId', itemIndex, 'Company ID'),
			);
			return company ? [{ json: toJson(company) }] : [];
		}
		const query =
			findBy === 'domain'
				? { domain: readText(this, 'domain', itemIndex, 'Domain') }
				: findBy === 'name'
					? { namePrefix: readText(this, 'namePrefix', itemIndex, 'Name Prefix') }
					: {};
		return await readKeysetPages(this, itemIndex, 'companies', async (page) =>
			findCompanies(database, workspaceId, { ...query, ...page }),
		);
	});
}
