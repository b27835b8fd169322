import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { searchEmails } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import { keysetProperties, readKeysetPages } from '../../helpers/keysetPaging';
import {
	optionalDate,
	optionalUuid,
	readWorkspaceId,
	workspaceIdProperty,
} from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';

const show = { resource: ['email'], operation: ['search'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	{
		displayName: 'Search Words',
		name: 'words',
		type: 'string',
		default: '',
		placeholder: 'invoice march',
		description:
			'Words to find in the subject, the sender and the body (all must match; "quotes" for a phrase, or, -word); empty lists every email that passes the filters',
		displayOptions: { show },
	},
	...keysetProperties(show, { one: 'email', many: 'emails' }),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Company ID',
				name: 'companyId',
				type: 'string',
				default: '',
				description: 'Only emails linked to this company',
			},
			{
				displayName: 'Direction',
				name: 'direction',
				type: 'options',
				options: [
					{ name: 'Incoming', value: 'incoming' },
					{ name: 'Outgoing', value: 'outgoing' },
				],
				default: 'incoming',
				description: 'Only mail received, or only mail sent by a connected account',
			},
			{
				displayName: 'Integration ID',
				name: 'integrationId',
				type: 'string',
				default: '',
				description: 'Only emails of this connected account',
			},
			{
				displayName: 'Label',
				name: 'label',
				type: 'string',
				default: '',
				placeholder: 'INBOX',
				description: 'Only emails with this Gmail label or in this Outlook folder',
			},
			{
				displayName: 'Person ID',
				name: 'personId',
				type: 'string',
				default: '',
				description: 'Only emails linked to this person',
			},
			{
				displayName: 'Sent After',
				name: 'after',
				type: 'dateTime',
				default: '',
				description: 'Only emails dated at or after this time',
			},
			{
				displayName: 'Sent Before',
				name: 'before',
				type: 'dateTime',
				default: '',
				description: 'Only emails dated before this time',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const words = String(this.getNodeParameter('words', itemIndex, '') ?? '').trim();
		const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const query = {
			query: words || undefined,
			personId: optionalUuid(this, filters.personId, itemIndex, 'Person ID'),
			companyId: optionalUuid(this, filters.companyId, itemIndex, 'Company ID'),
			integrationId: optionalUuid(this, filters.integrationId, itemIndex, 'Integration ID'),
			label: (filters.label as string | undefined)?.trim() || undefined,
			direction: filters.direction as 'incoming' | 'outgoing' | undefined,
			from: optionalDate(this, filters.after, itemIndex, 'Sent After'),
			to: optionalDate(this, filters.before, itemIndex, 'Sent Before'),
		};
		return await readKeysetPages(this, itemIndex, 'emails', async (page) =>
			searchEmails(database, workspaceId, { ...query, ...page }),
		);
	});
}
