import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

import {
	googleAuthenticationProperty,
	googleCredentials,
} from '../../../shared/googleAuthentication';
import * as label from './label/Label.resource';
import * as message from './message/Message.resource';
import * as thread from './thread/Thread.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Gmail CRM',
	name: 'gmailCrm',
	// n8n resolves a version's icon from the main node file's folder, not from this one.
	icon: { light: 'file:gmailCrm.svg', dark: 'file:gmailCrm.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: 'Send, reply to, read, search and label Gmail messages as CRM email records',
	defaults: { name: 'Gmail CRM' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	usableAsTool: true,
	credentials: googleCredentials('gmailCrmOAuth2Api'),
	properties: [
		googleAuthenticationProperty('Gmail CRM OAuth2 API'),
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Label', value: 'label' },
				{ name: 'Message', value: 'message' },
				{ name: 'Thread', value: 'thread' },
			],
			default: 'message',
		},
		...message.description,
		...label.description,
		...thread.description,
	],
};
