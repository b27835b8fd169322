import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

export interface BinaryAttachment {
	filename: string;
	mimeType: string;
	content: Buffer;
}

/** Names of binary properties from a comma-separated parameter (`data, invoice`). */
function propertyNames(value: string): string[] {
	return value
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
}

/**
 * The input item's binary properties named in `value` (comma-separated), as attachments. With
 * `maxBytes`, a larger file fails the item with a message naming the file and the limit.
 */
export async function attachmentsFromBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	value: string | undefined,
	limit?: { maxBytes: number; reason: string },
): Promise<BinaryAttachment[]> {
	const attachments: BinaryAttachment[] = [];
	for (const property of propertyNames(value ?? '')) {
		const binary = context.helpers.assertBinaryData(itemIndex, property);
		const content = await context.helpers.getBinaryDataBuffer(itemIndex, property);
		const filename = binary.fileName ?? property;
		if (limit && content.length > limit.maxBytes) {
			throw new NodeOperationError(
				context.getNode(),
				`The attachment "${filename}" is larger than ${limit.reason}`,
				{ itemIndex },
			);
		}
		attachments.push({
			filename,
			mimeType: binary.mimeType || 'application/octet-stream',
			content,
		});
	}
	return attachments;
}
