import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	integrationSettingsUpdateSchema,
	updateIntegrationSettings,
	type IntegrationSettingsUpdate,
} from '../../../../../core';
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

const show = { resource: ['integration'], operation: ['updateSettings'] };

export const description: INodeProperties[] = [
	workspaceIdProperty(show),
	uuidProperty('integrationId', 'Integration ID', show, 'Integration whose settings to change'),
	{
		displayName: 'Settings',
		name: 'settings',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Auto-Enrich',
				name: 'autoEnrich',
				type: 'boolean',
				default: true,
				description:
					'Whether to run signature enrichment after each sync (on unless switched off here)',
			},
			{
				displayName: 'Calendars',
				name: 'calendars',
				type: 'string',
				default: 'primary',
				description:
					'Calendars to sync, comma-separated: "primary" or provider calendar IDs (empty: none)',
			},
			{
				displayName: 'Contact Creation',
				name: 'contactCreation',
				type: 'options',
				options: [
					{ name: 'Workspace Default', value: 'workspace_default' },
					{ name: 'From Sent and Received Mail', value: 'sent_and_received' },
					{ name: 'From Sent Mail Only', value: 'sent' },
					{ name: 'Never', value: 'none' },
				],
				default: 'workspace_default',
				description: "Which of this account's mail creates people and companies",
			},
			{
				displayName: 'Initial Horizon (Days)',
				name: 'initialHorizonDays',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 3650 },
				default: 30,
				description:
					'The first sync (and a full resync) reaches back this many days; use instead of Initial Horizon (Messages)',
			},
			{
				displayName: 'Initial Horizon (Messages)',
				name: 'initialHorizonMessages',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1000,
				description:
					'The first sync (and a full resync) takes the newest this many messages of each folder',
			},
			{
				displayName: 'Mail Folders',
				name: 'mailFolders',
				type: 'string',
				default: 'inbox,sent',
				description:
					'Mail to sync, comma-separated: inbox, sent, all, or Gmail label / Outlook folder IDs',
			},
			{
				displayName: 'Sync Calendar',
				name: 'syncCalendar',
				type: 'boolean',
				default: true,
				description: 'Whether to sync calendar events',
			},
			{
				displayName: 'Sync Enabled',
				name: 'syncEnabled',
				type: 'boolean',
				default: true,
				description:
					'Whether the scheduler syncs this integration (off keeps the connection and the data)',
			},
			{
				displayName: 'Sync Mail',
				name: 'syncMail',
				type: 'boolean',
				default: true,
				description: 'Whether to sync mail',
			},
			{
				displayName: 'Sync YouTube Comments',
				name: 'syncYoutubeComments',
				type: 'boolean',
				default: false,
				description:
					"Whether to poll the comments on the account's YouTube channel into the inbox (needs a YouTube permission)",
			},
			{
				displayName: 'Visibility',
				name: 'visibility',
				type: 'options',
				options: [
					{ name: 'Everything', value: 'everything' },
					{ name: 'Metadata Only', value: 'metadata' },
					{ name: 'Subject', value: 'subject' },
				],
				default: 'everything',
				description: "What workspace members may see of this account's mail and events",
			},
		],
	},
];

/** The collection's fields as the settings schema's partial update. */
function toSettingsUpdate(fields: IDataObject): Record<string, unknown> {
	const update: Record<string, unknown> = {};
	const list = (value: unknown) =>
		String(value ?? '')
			.split(',')
			.map((entry) => entry.trim())
			.filter(Boolean);
	for (const [key, value] of Object.entries(fields)) {
		switch (key) {
			case 'mailFolders':
			case 'calendars':
				update[key] = list(value);
				break;
			case 'initialHorizonMessages':
				update.initialHorizon = { kind: 'messages', count: value };
				break;
			case 'initialHorizonDays':
				update.initialHorizon = { kind: 'days', days: value };
				break;
			default:
				update[key] = value;
		}
	}
	return update;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async (itemIndex) => {
		const workspaceId = readWorkspaceId(this, itemIndex);
		const integrationId = readUuid(this, 'integrationId', itemIndex, 'Integration ID');
		const fields = this.getNodeParameter('settings', itemIndex, {}) as IDataObject;
		if ('initialHorizonDays' in fields && 'initialHorizonMessages' in fields) {
			throw new NodeOperationError(
				this.getNode(),
				'Set either Initial Horizon (Days) or Initial Horizon (Messages), not both',
				{ itemIndex },
			);
		}
		const parsed = integrationSettingsUpdateSchema.safeParse(toSettingsUpdate(fields));
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			throw new NodeOperationError(
				this.getNode(),
				`Setting '${issue.path.join('.')}' is not valid: ${issue.message}`,
				{ itemIndex },
			);
		}
		const update: IntegrationSettingsUpdate = parsed.data;
		const updated = await updateIntegrationSettings(
			database.knex,
			{ workspaceId, id: integrationId },
			update,
		);
		if (!updated) throw notFound(this, 'integration', integrationId, workspaceId, itemIndex);
		return { json: toJson(updated) };
	});
}
