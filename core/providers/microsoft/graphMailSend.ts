import { parseAddressList } from '../../mail/addressList';
import type { MailAttachmentInput } from '../../mail/composeMime';
import type { EmailRecord } from '../../records/emailRecord';
import {
	GRAPH_MESSAGE_SELECT,
	graphMessageToRecord,
	type GraphMessage,
	type GraphMessageContext,
} from './graphMessageRecords';
import { graphPathSegment, retryWhileNotFound, type GraphSession } from './graphSession';

// Sending and replying through Graph so that the result is the sent message as a record.

/** Graph takes attachments inline up to a 4 MB request; larger ones need an upload session. */
export const GRAPH_INLINE_ATTACHMENT_BYTES = 3 * 1024 * 1024;

export type GraphRecipientWrite = { emailAddress: { address: string; name?: string } };

/** Recipients for Graph from an address list; an entry that is not an address names its field. */
export function toGraphRecipients(
	list: string | null | undefined,
	field: string,
): GraphRecipientWrite[] {
	let addresses;
	try {
		addresses = parseAddressList(list);
	} catch (error) {
		throw new Error(`${field}: ${(error as Error).message}`);
	}
	return addresses.map(({ name, email }) => ({
		emailAddress: name ? { address: email, name } : { address: email },
	}));
}

/** A new message as a user gives it: address lists as typed, a text or HTML body. */
export interface GraphOutgoingMail {
	to: string;
	cc?: string;
	bcc?: string;
	replyTo?: string;
	subject: string;
	bodyContentType: string;
	body: string;
	attachments?: MailAttachmentInput[];
}

/** Graph's message body for a new message (`fileAttachment`s inline). */
function toGraphMessageWrite(mail: GraphOutgoingMail): Record<string, unknown> {
	const message: Record<string, unknown> = {
		subject: mail.subject,
		body: { contentType: mail.bodyContentType, content: mail.body },
		toRecipients: toGraphRecipients(mail.to, 'To'),
		ccRecipients: toGraphRecipients(mail.cc, 'CC'),
		bccRecipients: toGraphRecipients(mail.bcc, 'BCC'),
		replyTo: toGraphRecipients(mail.replyTo, 'Reply To'),
	};
	if (mail.attachments?.length) {
		message.attachments = mail.attachments.map((attachment) => ({
			'@odata.type': '#microsoft.graph.fileAttachment',
			name: attachment.filename,
			contentType: attachment.mimeType || 'application/octet-stream',
			contentBytes: attachment.content.toString('base64'),
			...(attachment.contentId ? { contentId: attachment.contentId } : {}),
			...(attachment.inline ? { isInline: true } : {}),
		}));
	}
	return message;
}

/** One message as a record, fetched with every property a record needs. */
export async function fetchGraphMessageRecord(
	session: GraphSession,
	messageId: string,
	context: GraphMessageContext,
): Promise<EmailRecord> {
	const message = await session.get<GraphMessage>(`/me/messages/${graphPathSegment(messageId)}`, {
		select: GRAPH_MESSAGE_SELECT,
	});
	return graphMessageToRecord(message, context);
}

/**
 * Sends a message. Kept in Sent Items (the default), it is sent as a draft by id: its immutable id
 * is the id of the copy in Sent Items, which is returned. Without a copy (`sendMail`) Microsoft
 * keeps nothing, so the record describes what was sent and has no provider id.
 */
export async function sendGraphMail(
	session: GraphSession,
	mail: GraphOutgoingMail,
	options: { saveToSentItems?: boolean; context: GraphMessageContext },
): Promise<EmailRecord> {
	const message = toGraphMessageWrite(mail);
	if (options.saveToSentItems === false) {
		await session.post('/me/sendMail', { message, saveToSentItems: false });
		const owner = options.context.ownerEmail;
		return graphMessageToRecord(
			{
				...(message as Partial<GraphMessage>),
				attachments: undefined,
				id: '',
				from: { emailAddress: { address: owner } },
				isRead: true,
				isDraft: false,
				sentDateTime: new Date().toISOString(),
			},
			{ ownerEmail: owner },
		);
	}
	const draft = await session.post<GraphMessage>('/me/messages', message);
	await session.post(`/me/messages/${graphPathSegment(draft.id)}/send`, undefined);
	// The copy reaches Sent Items asynchronously, under the same immutable id.
	return await retryWhileNotFound(() =>
		fetchGraphMessageRecord(session, draft.id, options.context),
	);
}

/** A reply: a comment above the quoted original, or a body of its own (Graph takes one, not both). */
export type GraphReply =
	| { comment: string; replyAll?: boolean }
	| { body: { contentType: string; content: string }; replyAll?: boolean };

/**
 * Replies in the message's conversation and returns the sent reply as a record. createReply + send
 * rather than /reply, so the reply has an id: Graph threads it (conversation, In-Reply-To,
 * References, RE: subject) as Outlook does.
 */
export async function replyToGraphMessage(
	session: GraphSession,
	messageId: string,
	reply: GraphReply,
	context: GraphMessageContext,
): Promise<EmailRecord> {
	const input = 'comment' in reply ? { comment: reply.comment } : { message: { body: reply.body } };
	const draft = await session.post<GraphMessage>(
		`/me/messages/${graphPathSegment(messageId)}/${reply.replyAll ? 'createReplyAll' : 'createReply'}`,
		input,
	);
	await session.post(`/me/messages/${graphPathSegment(draft.id)}/send`, undefined);
	return await retryWhileNotFound(() => fetchGraphMessageRecord(session, draft.id, context));
}
