import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { microsoftNotFound } from '../../../../shared/microsoftConnection';

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

/** The 404 sentence of an operation on the item's message. */
export function messageNotFound(context: IExecuteFunctions) {
	return (itemIndex: number) =>
		microsoftNotFound('message', context.getNodeParameter('messageId', itemIndex) as string);
}
