import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

import * as event from './event/Event.resource';
import * as folder from './folder/Folder.resource';
import * as message from './message/Message.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Microsoft 365 CRM',
	name: 'microsoft365Crm',
	// n8n resolves a version's icon from the main node file's folder, not from this one.
	icon: { light: 'file:microsoft365Crm.svg', dark: 'file:microsoft365Crm.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description:
		'Send, reply to, read, search and move Outlook mail and manage calendar events as CRM records',
	defaults: { name: 'Microsoft 365 CRM' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	usableAsTool: true,
	credentials: [{ name: 'microsoft365CrmOAuth2Api', required: true }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Event', value: 'event' },
				{ name: 'Folder', value: 'folder' },
				{ name: 'Message', value: 'message' },
			],
			default: 'message',
		},
		...message.description,
		...folder.description,
		...event.description,
	],
};
