import type { INodeProperties } from 'n8n-workflow';

/** The message an operation acts on. */
export const messageIdProperty: INodeProperties = {
	displayName: 'Message ID',
	name: 'messageId',
	type: 'string',
	required: true,
	default: '',
	placeholder: '18c3a5e0b2f4d6a1',
	description: 'Gmail ID of the message (providerMessageId of an email record)',
	displayOptions: {
		show: {
			resource: ['message'],
			operation: ['get', 'reply', 'addLabels', 'removeLabels', 'markAsRead', 'markAsUnread'],
		},
	},
};

/** The text and HTML bodies, shared by send and reply. */
export const bodyProperties: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 5 },
		default: '',
		description: 'Plain-text body. Give a text, an HTML body or both (then mail apps choose).',
		displayOptions: { show: { resource: ['message'], operation: ['send', 'reply'] } },
	},
	{
		displayName: 'HTML',
		name: 'html',
		type: 'string',
		typeOptions: { rows: 5 },
		default: '',
		description: 'HTML body',
		displayOptions: { show: { resource: ['message'], operation: ['send', 'reply'] } },
	},
];
