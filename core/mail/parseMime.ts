import PostalMime from 'postal-mime';

import {
	classifyBulkHeaders,
	parseMessageIdList,
	type EmailAddress,
	type EmailAttachment,
} from '../records/emailRecord';

export interface ParsedAttachment extends EmailAttachment {
	content: Buffer;
}

/** An RFC 5322 message, decoded: charsets, encoded words, transfer encodings, parts. */
export interface ParsedMime {
	headers: Array<{ name: string; value: string }>;
	messageId: string | null;
	inReplyTo: string | null;
	references: string[];
	subject: string | null;
	from: EmailAddress | null;
	to: EmailAddress[];
	cc: EmailAddress[];
	bcc: EmailAddress[];
	replyTo: EmailAddress[];
	date: string | null;
	text: string | null;
	html: string | null;
	attachments: ParsedAttachment[];
	isBulk: boolean;
	listHeaders: Record<string, string>;
}

type PostalAddress = { name?: string; address?: string; group?: PostalAddress[] };

function flattenAddresses(list: PostalAddress[] | undefined): EmailAddress[] {
	const result: EmailAddress[] = [];
	for (const entry of list ?? []) {
		if (entry.group) result.push(...flattenAddresses(entry.group));
		else if (entry.address)
			result.push({ name: entry.name || null, email: entry.address.toLowerCase() });
	}
	return result;
}

/**
 * Parses a raw message. Malformed input never throws away the message: whatever parses is
 * returned, and a message that does not parse at all is returned as its raw text.
 */
export async function parseMime(raw: Buffer | Uint8Array | string): Promise<ParsedMime> {
	let email: Awaited<ReturnType<typeof PostalMime.parse>>;
	try {
		email = await PostalMime.parse(typeof raw === 'string' ? raw : new Uint8Array(raw), {
			attachmentEncoding: 'arraybuffer',
		});
	} catch {
		const text = Buffer.from(raw as Uint8Array).toString('utf8');
		return {
			headers: [],
			messageId: null,
			inReplyTo: null,
			references: [],
			subject: null,
			from: null,
			to: [],
			cc: [],
			bcc: [],
			replyTo: [],
			date: null,
			text,
			html: null,
			attachments: [],
			isBulk: false,
			listHeaders: {},
		};
	}
	const headers = email.headers.map((header) => ({
		name: header.originalKey ?? header.key,
		value: header.value,
	}));
	const date =
		email.date && !Number.isNaN(Date.parse(email.date)) ? new Date(email.date).toISOString() : null;
	const attachments: ParsedAttachment[] = email.attachments.map((attachment) => {
		const content = Buffer.from(attachment.content as ArrayBuffer);
		return {
			filename: attachment.filename ?? null,
			mimeType: attachment.mimeType,
			size: content.length,
			contentId: attachment.contentId ?? null,
			inline: attachment.disposition === 'inline' || attachment.related === true,
			attachmentId: null,
			content,
		};
	});
	return {
		headers,
		messageId: email.messageId ?? null,
		inReplyTo: parseMessageIdList(email.inReplyTo)[0] ?? null,
		references: parseMessageIdList(email.references),
		subject: email.subject ?? null,
		from: flattenAddresses(email.from ? [email.from as PostalAddress] : [])[0] ?? null,
		to: flattenAddresses(email.to as PostalAddress[]),
		cc: flattenAddresses(email.cc as PostalAddress[]),
		bcc: flattenAddresses(email.bcc as PostalAddress[]),
		replyTo: flattenAddresses(email.replyTo as PostalAddress[]),
		date,
		text: email.text ?? null,
		html: email.html ?? null,
		attachments,
		...classifyBulkHeaders(headers),
	};
}
