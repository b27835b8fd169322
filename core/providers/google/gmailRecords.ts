import type { gmail_v1 } from '@googleapis/gmail';

import { parseMime, type ParsedAttachment } from '../../mail/parseMime';
import { emailRecordSchema, type EmailAddress, type EmailRecord } from '../../records/emailRecord';
import type { GmailOwner } from './gmailAccount';

/**
 * The sender of mail the account sent: a From header without a name (Gmail's own, for mail sent
 * without a From) gets the display name the account sends that address under.
 */
function senderOf(
	from: EmailAddress | null,
	outgoing: boolean,
	senderNames: Record<string, string> | undefined,
): EmailAddress | null {
	if (!from || from.name || !outgoing) return from;
	return { ...from, name: senderNames?.[from.email.toLowerCase()] ?? null };
}

/**
 * A Gmail message fetched with format=raw, as our email record (plus the decoded attachments, for
 * nodes that output them as binary data). Charsets, encoded words and transfer encodings are
 * decoded from the original bytes, so nothing depends on Gmail's own re-encoding. `owner` is the
 * mailbox's address, or the address with its send-as display names.
 */
export async function gmailRawMessageToRecord(
	message: gmail_v1.Schema$Message,
	ownerOrEmail: string | GmailOwner,
): Promise<{ record: EmailRecord; attachments: ParsedAttachment[] }> {
	if (!message.id) throw new Error('Gmail returned a message without an id');
	// An empty message is still a message (raw ''); only a missing raw means the wrong format.
	if (typeof message.raw !== 'string')
		throw new Error(`Gmail message ${message.id} was not fetched with format=raw`);
	const parsed = await parseMime(Buffer.from(message.raw, 'base64url'));
	const labels = message.labelIds ?? [];
	const { email, senderNames } =
		typeof ownerOrEmail === 'string'
			? { email: ownerOrEmail, senderNames: undefined }
			: ownerOrEmail;
	const owner = email.toLowerCase();
	const outgoing = labels.includes('SENT') || parsed.from?.email === owner;
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
		from: senderOf(parsed.from, outgoing, senderNames),
		to: parsed.to,
		cc: parsed.cc,
		bcc: parsed.bcc,
		replyTo: parsed.replyTo,
		date: parsed.date ?? internalDate,
		labels,
		isRead: !labels.includes('UNREAD'),
		isDraft: labels.includes('DRAFT'),
		direction: outgoing ? 'outgoing' : 'incoming',
		bodyText: parsed.text,
		bodyHtml: parsed.html,
		attachments: parsed.attachments.map(({ content: _content, ...meta }) => meta),
		isBulk: parsed.isBulk,
		listHeaders: parsed.listHeaders,
		sizeEstimate: message.sizeEstimate ?? null,
	});
	return { record, attachments: parsed.attachments };
}
