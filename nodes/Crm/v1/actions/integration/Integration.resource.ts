import type { INodeProperties } from 'n8n-workflow';

import * as disconnect from './disconnect.operation';
import * as getConnectUrl from './getConnectUrl.operation';
import * as getStatus from './getStatus.operation';
import * as resync from './resync.operation';
import * as updateSettings from './updateSettings.operation';

export { disconnect, getConnectUrl, getStatus, resync, updateSettings };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['integration'] } },
		options: [
			{
				name: 'Disconnect',
				value: 'disconnect',
				description:
					'Revoke the account at the provider, wipe its tokens and stop syncing; synced data is kept',
				action: 'Disconnect an integration',
			},
			{
				name: 'Get Connect URL',
				value: 'getConnectUrl',
				description:
					'A signed, single-use URL that sends a CRM user to Google or Microsoft to connect their account',
				action: 'Get a connect URL',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				description: 'Status of one or every integration of the workspace, with the running sync',
				action: 'Get the status of integrations',
			},
			{
				name: 'Resync',
				value: 'resync',
				description: 'Sync the integration at the next scheduler tick, optionally from scratch',
				action: 'Resync an integration',
			},
			{
				name: 'Update Settings',
				value: 'updateSettings',
				description:
					'Change what an integration syncs (folders, calendars, horizon) and who sees it',
				action: 'Update the settings of an integration',
			},
		],
		default: 'getStatus',
	},
	...getConnectUrl.description,
	...getStatus.description,
	...updateSettings.description,
	...disconnect.description,
	...resync.description,
];
