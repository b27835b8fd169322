import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

import * as blocklist from './blocklist/Blocklist.resource';
import * as company from './company/Company.resource';
import * as database from './database/Database.resource';
import * as email from './email/Email.resource';
import * as enrichment from './enrichment/Enrichment.resource';
import * as event from './event/Event.resource';
import * as integration from './integration/Integration.resource';
import * as person from './person/Person.resource';
import * as sync from './sync/Sync.resource';
import * as webhookSubscription from './webhookSubscription/WebhookSubscription.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'CRM',
	name: 'crm',
	// n8n resolves a version's icon from the main node file's folder, not from this one.
	icon: { light: 'file:crm.svg', dark: 'file:crm.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description:
		'Work with the CRM tables: connected integrations and their sync, emails, events, people, companies, their enrichment from signatures, the blocklist, the renewal of webhook subscriptions and the database',
	defaults: { name: 'CRM' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	usableAsTool: true,
	credentials: [
		// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed -- a database credential, see credentials/CrmDatabase.credentials.ts
		{ name: 'crmDatabase', required: true, testedBy: 'crmDatabaseConnectionTest' },
		{
			// The provider apps of the connect flow: token keys, OAuth clients and endpoints. Link
			// Records works on the database alone.
			name: 'crmConnectAppsApi',
			required: true,
			displayOptions: {
				show: { resource: ['integration', 'sync'] },
				hide: { operation: ['linkRecords'] },
			},
		},
		{
			// An OpenAI-compatible model, only when "Use AI Model" is on: the offline extractor needs none.
			name: 'crmConnectAiModelApi',
			required: true,
			displayOptions: {
				show: {
					resource: ['enrichment'],
					operation: ['enrichIntegration', 'enrichRecord'],
					useAiModel: [true],
				},
			},
		},
		{
			// The CRM Webhook Trigger's credential: the workspace whose WebSub subscriptions are renewed.
			name: 'crmWebhookApi',
			required: true,
			displayOptions: { show: { resource: ['webhookSubscription'] } },
		},
	],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Blocklist', value: 'blocklist' },
				{ name: 'Company', value: 'company' },
				{ name: 'Database', value: 'database' },
				{ name: 'Email', value: 'email' },
				{ name: 'Enrichment', value: 'enrichment' },
				{ name: 'Event', value: 'event' },
				{ name: 'Integration', value: 'integration' },
				{ name: 'Person', value: 'person' },
				{ name: 'Sync', value: 'sync' },
				{ name: 'Webhook Subscription', value: 'webhookSubscription' },
			],
			default: 'database',
		},
		...database.description,
		...integration.description,
		...sync.description,
		...email.description,
		...event.description,
		...person.description,
		...company.description,
		...blocklist.description,
		...enrichment.description,
		...webhookSubscription.description,
	],
};
