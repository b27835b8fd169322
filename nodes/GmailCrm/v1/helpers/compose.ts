import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import type { MailAttachmentInput } from '../../../../core';

/** Names of binary properties from a comma-separated parameter (`data, invoice`). */
function propertyNames(value: string): string[] {
	return value
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
}

/** The input item's binary properties named in `value`, as attachments. */
export async function attachmentsFromBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	value: string | undefined,
): Promise<MailAttachmentInput[]> {
	const attachments: MailAttachmentInput[] = [];
	for (const property of propertyNames(value ?? '')) {
		const binary = context.helpers.assertBinaryData(itemIndex, property);
		const content = await context.helpers.getBinaryDataBuffer(itemIndex, property);
		attachments.push({
			filename: binary.fileName ?? property,
			mimeType: binary.mimeType || 'application/octet-stream',
			content,
		});
	}
	return attachments;
}

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
