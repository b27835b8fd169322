import type { INodeProperties } from 'n8n-workflow';

import * as checkConnection from './checkConnection.operation';
import * as runMigrations from './runMigrations.operation';

export { checkConnection, runMigrations };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['database'] } },
		options: [
			{
				name: 'Check Connection',
				value: 'checkConnection',
				description: 'Connect to the database and report the server version and migration state',
				action: 'Check the database connection',
			},
			{
				name: 'Run Migrations',
				value: 'runMigrations',
				description: 'Create or update the crm-connect tables in the configured schema',
				action: 'Run the database migrations',
			},
		],
		default: 'checkConnection',
	},
	...checkConnection.description,
	...runMigrations.description,
];
