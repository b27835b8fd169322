import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The PostgreSQL server that holds crm-connect's tables — usually the server n8n itself uses,
 * in a schema of our own. Tested by the CRM node's `crmDatabaseConnectionTest`.
 */
// A database connection, not an API key: named like n8n's own Postgres credential, so the "-Api"
// naming rules do not fit. The test is the CRM node's crmDatabaseConnectionTest (testedBy in
// nodes/Crm/v1/actions/versionDescription.ts), which the test rule cannot see through the
// versioned-node layout.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required, n8n-nodes-base/cred-class-name-unsuffixed
export class CrmDatabase implements ICredentialType {
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-name-unsuffixed
	name = 'crmDatabase';

	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
	displayName = 'CRM Database';

	icon: Icon = { light: 'file:../nodes/Crm/crm.svg', dark: 'file:../nodes/Crm/crm.dark.svg' };

	documentationUrl = 'https://github.com/crm-connect/n8n-nodes-crm-connect#crm-database-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Connect With',
			name: 'connectionType',
			type: 'options',
			options: [
				{ name: 'Host and Port', value: 'hostAndPort' },
				{ name: 'Connection URL', value: 'url' },
			],
			default: 'hostAndPort',
		},
		// The URL carries the password (postgres://user:password@host/db), so it is masked.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Connection URL',
			name: 'url',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'postgres://user:password@db.example.com:5432/n8n',
			displayOptions: { show: { connectionType: ['url'] } },
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
			displayOptions: { show: { connectionType: ['hostAndPort'] } },
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 5432,
			displayOptions: { show: { connectionType: ['hostAndPort'] } },
		},
		{
			displayName: 'Database',
			name: 'database',
			type: 'string',
			default: 'postgres',
			displayOptions: { show: { connectionType: ['hostAndPort'] } },
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: 'postgres',
			displayOptions: { show: { connectionType: ['hostAndPort'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { connectionType: ['hostAndPort'] } },
		},
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'options',
			options: [
				{ name: 'Disable', value: 'disable' },
				{ name: 'Allow (Do Not Verify Certificate)', value: 'allow' },
				{ name: 'Require (Do Not Verify Certificate)', value: 'require' },
				{ name: 'Verify Full', value: 'verify-full' },
			],
			default: 'disable',
		},
		{
			displayName: 'Schema',
			name: 'schema',
			type: 'string',
			default: 'crm',
			description:
				'PostgreSQL schema that holds every crm-connect table, so they never mix with other tables on the server',
		},
		{
			displayName: 'Run Migrations Automatically',
			name: 'autoMigrate',
			type: 'boolean',
			default: true,
			description:
				'Whether to create and update the tables on first use. Turn off when a database administrator runs the migrations (npx knex migrate:latest).',
		},
	];
}
