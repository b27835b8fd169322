import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** The text and HTML bodies of the item; at least one must be given. */
export function messageBodies(
	context: IExecuteFunctions,
	itemIndex: number,
): { text?: string; html?: string } {
	const text = context.getNodeParameter('text', itemIndex, '') as string;
	const html = context.getNodeParameter('html', itemIndex, '') as string;
	if (!text && !html) {
		throw new NodeOperationError(context.getNode(), 'Give the message a text or an HTML body', {
			itemIndex,
		});
	}
	return { text: text || undefined, html: html || undefined };
}
