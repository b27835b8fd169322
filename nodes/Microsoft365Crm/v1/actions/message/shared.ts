import type { INodeProperties } from 'n8n-workflow';

/** The message id parameter of the operations that act on one message. */
export function messageIdProperty(operations: string[]): INodeProperties {
	return {
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A…',
		description: 'Immutable Graph ID of the message (the providerMessageId of a record)',
		displayOptions: { show: { resource: ['message'], operation: operations } },
	};
}
