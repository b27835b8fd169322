import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { enrichIntegration } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import {
	notFound,
	readUuid,
	readWorkspaceId,
	toJson,
	uuidProperty,
	workspaceIdProperty,
} from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';
import { modelReader } from './model';

const show = { resource: ['enrichment'], operation: ['enrichIntegration'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	uuidProperty(
		'integrationId',
		'Integration ID',
		show,
		"Integration whose mail to read: the senders' signatures fill in their people and companies",
	),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Max Emails',
				name: 'maxEmails',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1000,
				description:
					'Most new emails to read in this run; the rest wait for the next run (the output then says done: false)',
			},
			{
				displayName: 'Only If Auto-Enrich Is On',
				name: 'onlyIfAutoEnrich',
				type: 'boolean',
				default: false,
				description:
					'Whether to skip the integration when its Auto-Enrich setting is off (output skipped: opted_out) — for runs after each sync; off enriches whatever the setting says',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	const modelFor = modelReader(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const integrationId = readUuid(this, 'integrationId', itemIndex, 'Integration ID');
		const options = this.getNodeParameter('options', itemIndex, {}) as {
			maxEmails?: number;
			onlyIfAutoEnrich?: boolean;
		};
		const result = await enrichIntegration(
			{ database, model: await modelFor(itemIndex) },
			{
				workspaceId,
				integrationId,
				onlyIfAutoEnrich: options.onlyIfAutoEnrich === true,
				limit: options.maxEmails,
			},
		);
		// By hand a wrong id is an error; a deleted integration is no "done" either way.
		if (result.skipped === 'not_found') {
			throw notFound(this, 'integration', integrationId, workspaceId, itemIndex);
		}
		return { json: toJson(result) };
	});
}
