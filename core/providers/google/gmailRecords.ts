import type { gmail_v1 } from '@googleapis/gmail';

import { parseMime, type ParsedAttachment } from '../../mail/parseMime';
import { emailRecordSchema, type EmailRecord } from '../../records/emailRecord';

/**
 * A Gmail message fetched with format=raw, as our email record (plus the decoded attachments, for
 * nodes that output them as binary data). Charsets, encoded words and transfer encodings are
 * decoded from the original bytes, so nothing depends on Gmail's own re-encoding.
 */
export async function gmailRawMessageToRecord(
	message: gmail_v1.Schema$Message,
	ownerEmail: string,
): Promise<{ record: EmailRecord; attachments: ParsedAttachment[] }> {
	if (!message.id) throw new Error('Gmail returned a message without an id');
	if (!message.raw) throw new Error(`Gmail message ${message.id} was not fetched with format=raw`);
	const parsed = await parseMime(Buffer.from(message.raw, 'base64url'));
	const labels = message.labelIds ?? [];
	const owner = ownerEmail.toLowerCase();
	const internalDate = message.internalDate
		? new Date(Number(message.internalDate)).toISOString()
		: null;
	const record = emailRecordSchema.parse({
		provider: 'google',
		providerMessageId: message.id,
		providerThreadId: message.threadId ?? null,
		internetMessageId: parsed.messageId,
		inReplyTo: parsed.inReplyTo,
		references: parsed.references,
		subject: parsed.subject,
		snippet: message.snippet ?? null,
		from: parsed.from,
		to: parsed.to,
		cc: parsed.cc,
		bcc: parsed.bcc,
		replyTo: parsed.replyTo,
		date: parsed.date ?? internalDate,
		labels,
		isRead: !labels.includes('UNREAD'),
		isDraft: labels.includes('DRAFT'),
		direction: labels.includes('SENT') || parsed.from?.email === owner ? 'outgoing' : 'incoming',
		bodyText: parsed.text,
		bodyHtml: parsed.html,
		attachments: parsed.attachments.map(({ content: _content, ...meta }) => meta),
		isBulk: parsed.isBulk,
		listHeaders: parsed.listHeaders,
		sizeEstimate: message.sizeEstimate ?? null,
	});
	return { record, attachments: parsed.attachments };
}
