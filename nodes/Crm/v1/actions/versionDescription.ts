import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

import * as database from './database/Database.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'CRM',
	name: 'crm',
	// n8n resolves a version's icon from the main node file's folder, not from this one.
	icon: { light: 'file:crm.svg', dark: 'file:crm.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: 'Work with the crm-connect database: connection checks and migrations',
	defaults: { name: 'CRM' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	usableAsTool: true,
	// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- a database credential, see credentials/CrmDatabase.credentials.ts
	credentials: [{ name: 'crmDatabase', required: true, testedBy: 'crmDatabaseConnectionTest' }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [{ name: 'Database', value: 'database' }],
			default: 'database',
		},
		...database.description,
	],
};
