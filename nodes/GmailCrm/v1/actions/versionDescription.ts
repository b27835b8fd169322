import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

import {
	googleAuthenticationProperty,
	googleCredentials,
} from '../../../shared/googleAuthentication';
import * as message from './message/Message.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Gmail CRM',
	name: 'gmailCrm',
	icon: { light: 'file:../gmailCrm.svg', dark: 'file:../gmailCrm.dark.svg' },
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
			options: [{ name: 'Message', value: 'message' }],
			default: 'message',
		},
		...message.description,
	],
};
