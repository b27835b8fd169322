import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { listEvents } from '../../../../../core';
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

const show = { resource: ['event'], operation: ['list'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	{
		displayName: 'From',
		name: 'timeMin',
		type: 'dateTime',
		default: '',
		description:
			'Only events that end after this time (empty: no lower bound); events are listed earliest first',
		displayOptions: { show },
	},
	{
		displayName: 'To',
		name: 'timeMax',
		type: 'dateTime',
		default: '',
		description: 'Only events that start before this time (empty: no upper bound)',
		displayOptions: { show },
	},
	...keysetProperties(show, { one: 'event', many: 'events' }),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Calendar ID',
				name: 'calendarId',
				type: 'string',
				default: '',
				placeholder: 'primary',
				description:
					'Only events of this provider calendar (Google calendar ID or Outlook calendar ID)',
			},
			{
				displayName: 'Company ID',
				name: 'companyId',
				type: 'string',
				default: '',
				description: 'Only events linked to this company',
			},
			{
				displayName: 'Include Cancelled',
				name: 'includeCancelled',
				type: 'boolean',
				default: false,
				description: 'Whether to include cancelled events',
			},
			{
				displayName: 'Integration ID',
				name: 'integrationId',
				type: 'string',
				default: '',
				description: 'Only events of this connected account',
			},
			{
				displayName: 'Person ID',
				name: 'personId',
				type: 'string',
				default: '',
				description: 'Only events linked to this person',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const query = {
			from: optionalDate(this, this.getNodeParameter('timeMin', itemIndex, ''), itemIndex, 'From'),
			to: optionalDate(this, this.getNodeParameter('timeMax', itemIndex, ''), itemIndex, 'To'),
			calendarId: (filters.calendarId as string | undefined)?.trim() || undefined,
			personId: optionalUuid(this, filters.personId, itemIndex, 'Person ID'),
			companyId: optionalUuid(this, filters.companyId, itemIndex, 'Company ID'),
			integrationId: optionalUuid(this, filters.integrationId, itemIndex, 'Integration ID'),
			includeCancelled: filters.includeCancelled === true,
		};
		return await readKeysetPages(this, itemIndex, 'events', async (page) =>
			listEvents(database, workspaceId, { ...query, ...page }),
		);
	});
}
