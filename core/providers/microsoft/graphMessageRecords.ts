import {
	classifyBulkHeaders,
	emailRecordSchema,
	parseMessageIdList,
	type EmailAddress,
	type EmailAttachment,
	type EmailRecord,
} from '../../records/emailRecord';

// The slices of Graph's message resource we read (v1.0 reference). Everything is optional:
// $select and delta rounds return only part of a resource.

export interface GraphRecipient {
	emailAddress?: { name?: string | null; address?: string | null } | null;
}

export interface GraphItemBody {
	contentType?: string | null;
	content?: string | null;
}

export interface GraphMessage {
	id: string;
	'@removed'?: { reason?: string };
	conversationId?: string | null;
	internetMessageId?: string | null;
	internetMessageHeaders?: Array<{ name: string; value: string }> | null;
	subject?: string | null;
	bodyPreview?: string | null;
	body?: GraphItemBody | null;
	from?: GraphRecipient | null;
	sender?: GraphRecipient | null;
	toRecipients?: GraphRecipient[] | null;
	ccRecipients?: GraphRecipient[] | null;
	bccRecipients?: GraphRecipient[] | null;
	replyTo?: GraphRecipient[] | null;
	sentDateTime?: string | null;
	receivedDateTime?: string | null;
	parentFolderId?: string | null;
	categories?: string[] | null;
	isRead?: boolean | null;
	isDraft?: boolean | null;
	hasAttachments?: boolean | null;
	attachments?: GraphAttachment[] | null;
}

export interface GraphAttachment {
	'@odata.type'?: string;
	id?: string;
	name?: string | null;
	contentType?: string | null;
	size?: number | null;
	isInline?: boolean | null;
	contentId?: string | null;
}

/**
 * What a message record needs: the message plus the properties Graph only returns when asked
 * (internetMessageHeaders). One list, so every operation fetches messages the same way.
 */
export const GRAPH_MESSAGE_SELECT = [
	'id',
	'conversationId',
	'internetMessageId',
	'internetMessageHeaders',
	'subject',
	'bodyPreview',
	'body',
	'from',
	'sender',
	'toRecipients',
	'ccRecipients',
	'bccRecipients',
	'replyTo',
	'sentDateTime',
	'receivedDateTime',
	'parentFolderId',
	'categories',
	'isRead',
	'isDraft',
	'hasAttachments',
];

export interface GraphMessageContext {
	/** The connected mailbox's address: mail from it is outgoing. */
	ownerEmail: string;
	/** Folder id → well-known name (inbox, sentitems …) for the folders the caller knows. */
	folderNames?: Record<string, string>;
	/** Label of the folder the message was read from, when the caller knows it (delta per folder). */
	folderLabel?: string;
}

const ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
};

/**
 * Readable text from an HTML body: scripts, styles and the head dropped, block ends and <br> as
 * line breaks, list items as "- ", entities decoded, runs of blank lines collapsed.
 */
export function htmlToText(html: string): string {
	return html
		.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, '')
		.replace(/<br\s*\/?>/gi, '\n')
		.replace(/<li\b[^>]*>/gi, '\n- ')
		.replace(
			/<\/(p|div|tr|ul|ol|table|h[1-6]|blockquote|pre|section|article|header|footer)\s*>/gi,
			'\n',
		)
		.replace(/<(p|div|tr|table|h[1-6]|blockquote|pre|hr)\b[^>]*>/gi, '\n')
		.replace(/<\/t[dh]\s*>/gi, '\t')
		.replace(/<[^>]+>/g, '')
		.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
			if (name[0] === '#') {
				const code =
					name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
				return Number.isFinite(code) && code > 0 && code <= 0x10ffff
					? String.fromCodePoint(code)
					: entity;
			}
			return ENTITIES[name.toLowerCase()] ?? entity;
		})
		.replace(/\r\n?/g, '\n')
		.replace(/[ \t\u00a0]+\n/g, '\n')
		.replace(/\n[ \t\u00a0]+/g, '\n')
		.replace(/[ \t\u00a0]{2,}/g, ' ')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}

/** A Graph recipient as an address (lower-cased), or null when it has none. */
export function graphAddress(recipient: GraphRecipient | null | undefined): EmailAddress | null {
	const address = recipient?.emailAddress?.address?.trim();
	if (!address) return null;
	const email = address.toLowerCase();
	const name = recipient?.emailAddress?.name?.trim();
	// Graph repeats the address as the name when there is none.
	return { email, name: name && name.toLowerCase() !== email ? name : null };
}

function toAddresses(list: GraphRecipient[] | null | undefined): EmailAddress[] {
	return (list ?? []).map(graphAddress).filter((a): a is EmailAddress => a !== null);
}

/** An ISO 8601 instant from a Graph timestamp, or null. */
export function isoInstant(value: string | null | undefined): string | null {
	if (!value) return null;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function header(headers: Array<{ name: string; value: string }>, name: string): string | undefined {
	return headers.find((h) => h.name.toLowerCase() === name)?.value;
}

function toAttachment(attachment: GraphAttachment): EmailAttachment {
	return {
		filename: attachment.name ?? null,
		mimeType: attachment.contentType ?? 'application/octet-stream',
		size: Math.max(0, Math.trunc(attachment.size ?? 0)),
		contentId: attachment.contentId ?? null,
		inline: attachment.isInline ?? false,
		attachmentId: attachment.id ?? null,
	};
}

/** A Graph message (fetched with GRAPH_MESSAGE_SELECT and immutable ids) as our email record. */
export function graphMessageToRecord(
	message: GraphMessage,
	context: GraphMessageContext,
): EmailRecord {
	const headers = message.internetMessageHeaders ?? [];
	const folderLabel =
		context.folderLabel ??
		(message.parentFolderId
			? (context.folderNames?.[message.parentFolderId] ?? message.parentFolderId)
			: undefined);
	const labels = [...(folderLabel ? [folderLabel] : []), ...(message.categories ?? [])];
	const from = graphAddress(message.from ?? message.sender);
	const owner = context.ownerEmail.toLowerCase();
	const isHtml = (message.body?.contentType ?? '').toLowerCase() === 'html';
	const content = message.body?.content ?? null;
	const { isBulk, listHeaders } = classifyBulkHeaders(headers);
	return emailRecordSchema.parse({
		provider: 'microsoft',
		providerMessageId: message.id,
		providerThreadId: message.conversationId ?? null,
		internetMessageId: message.internetMessageId ?? header(headers, 'message-id') ?? null,
		inReplyTo: parseMessageIdList(header(headers, 'in-reply-to'))[0] ?? null,
		references: parseMessageIdList(header(headers, 'references')),
		subject: message.subject ?? null,
		snippet: message.bodyPreview ?? null,
		from,
		to: toAddresses(message.toRecipients),
		cc: toAddresses(message.ccRecipients),
		bcc: toAddresses(message.bccRecipients),
		replyTo: toAddresses(message.replyTo),
		date: isoInstant(message.sentDateTime) ?? isoInstant(message.receivedDateTime),
		labels,
		isRead: message.isRead ?? false,
		isDraft: message.isDraft ?? false,
		direction:
			folderLabel === 'sentitems' || (owner !== '' && from?.email === owner)
				? 'outgoing'
				: 'incoming',
		bodyText: content === null ? null : isHtml ? htmlToText(content) : content,
		bodyHtml: isHtml ? content : null,
		attachments: (message.attachments ?? []).map(toAttachment),
		isBulk,
		listHeaders,
		sizeEstimate: null,
	});
}
