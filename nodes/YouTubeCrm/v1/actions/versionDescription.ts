import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';

import * as channel from './channel/Channel.resource';
import * as comment from './comment/Comment.resource';
import * as commentThread from './commentThread/CommentThread.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'YouTube CRM',
	name: 'youTubeCrm',
	// n8n resolves a version's icon from the main node file's folder, not from this one.
	icon: { light: 'file:youTubeCrm.svg', dark: 'file:youTubeCrm.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: 'Read the connected YouTube channel, list its comment threads and reply to comments',
	defaults: { name: 'YouTube CRM' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	usableAsTool: true,
	// YouTube has no domain-wide delegation: a channel is always connected by its owner (OAuth2).
	credentials: [{ name: 'youTubeCrmOAuth2Api', required: true }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Channel', value: 'channel' },
				{ name: 'Comment', value: 'comment' },
				{ name: 'Comment Thread', value: 'commentThread' },
			],
			default: 'commentThread',
		},
		...channel.description,
		...commentThread.description,
		...comment.description,
	],
};
