import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as blocklist from './blocklist/Blocklist.resource';
import * as company from './company/Company.resource';
import * as database from './database/Database.resource';
import * as email from './email/Email.resource';
import * as enrichment from './enrichment/Enrichment.resource';
import * as event from './event/Event.resource';
import * as integration from './integration/Integration.resource';
import type { CrmType } from './node.type';
import * as person from './person/Person.resource';
import * as sync from './sync/Sync.resource';
import * as webhookSubscription from './webhookSubscription/WebhookSubscription.resource';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter<CrmType>('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	const crm = { resource, operation } as CrmType;

	switch (crm.resource) {
		case 'database':
			return [await database[crm.operation].execute.call(this)];
		case 'integration':
			return [await integration[crm.operation].execute.call(this)];
		case 'sync':
			return [await sync[crm.operation].execute.call(this)];
		case 'email':
			return [await email[crm.operation].execute.call(this)];
		case 'event':
			return [await event[crm.operation].execute.call(this)];
		case 'person':
			return [await person[crm.operation].execute.call(this)];
		case 'company':
			return [await company[crm.operation].execute.call(this)];
		case 'blocklist':
			return [await blocklist[crm.operation].execute.call(this)];
		case 'enrichment':
			return [await enrichment[crm.operation].execute.call(this)];
		case 'webhookSubscription':
			return [await webhookSubscription[crm.operation].execute.call(this)];
		default:
			throw new NodeOperationError(this.getNode(), `The resource "${resource}" is not known`);
	}
}
