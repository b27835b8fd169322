import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { findPeople, getPerson } from '../../../../../core';
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

const show = { resource: ['person'], operation: ['find'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	{
		displayName: 'Find By',
		name: 'findBy',
		type: 'options',
		options: [
			{ name: 'All People', value: 'all' },
			{ name: 'Company', value: 'company' },
			{ name: 'Domain', value: 'domain' },
			{ name: 'Email', value: 'email' },
			{ name: 'ID', value: 'id' },
			{ name: 'Name Prefix', value: 'name' },
		],
		default: 'email',
		description: 'Nothing is output when no person matches; people come in address order',
		displayOptions: { show },
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		required: true,
		default: '',
		description: 'Primary or additional address (any case)',
		displayOptions: { show: { ...show, findBy: ['email'] } },
	},
	{
		displayName: 'Domain',
		name: 'domain',
		type: 'string',
		placeholder: 'example.com',
		required: true,
		default: '',
		description: 'Domain of the primary address',
		displayOptions: { show: { ...show, findBy: ['domain'] } },
	},
	{
		displayName: 'Name Prefix',
		name: 'namePrefix',
		type: 'string',
		required: true,
		default: '',
		description: 'Start of the full name (any case)',
		displayOptions: { show: { ...show, findBy: ['name'] } },
	},
	uuidProperty('personId', 'Person ID', { ...show, findBy: ['id'] }, 'Person to get'),
	uuidProperty(
		'companyId',
		'Company ID',
		{ ...show, findBy: ['company'] },
		'Company whose people to list',
	),
	...keysetProperties(
		{ ...show, findBy: ['all', 'company', 'domain', 'email', 'name'] },
		{ one: 'person', many: 'people' },
	),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const findBy = this.getNodeParameter('findBy', itemIndex) as
			| 'all'
			| 'company'
			| 'domain'
			| 'email'
			| 'id'
			| 'name';
		if (findBy === 'id') {
			const person = await getPerson(
				database,
				workspaceId,
				readUuid(this, 'personId', itemIndex, 'Person ID'),
			);
			return person ? [{ json: toJson(person) }] : [];
		}
		const query =
			findBy === 'email'
				? { email: readText(this, 'email', itemIndex, 'Email') }
				: findBy === 'domain'
					? { domain: readText(this, 'domain', itemIndex, 'Domain') }
					: findBy === 'name'
						? { namePrefix: readText(this, 'namePrefix', itemIndex, 'Name Prefix') }
						: findBy === 'company'
							? { companyId: readUuid(this, 'companyId', itemIndex, 'Company ID') }
							: {};
		return await readKeysetPages(this, itemIndex, 'people', async (page) =>
			findPeople(database, workspaceId, { ...query, ...page }),
		);
	});
}
