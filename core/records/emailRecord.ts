import { z } from 'zod';

/**
 * The normalised email record: what the Gmail and Microsoft 365 nodes output and what the sync
 * engine stores (tables emails + mailbox_messages + email_participants). One schema, one source of
 * truth; the TypeScript type comes from it.
 */
export const emailAddressSchema = z.object({
	name: z.string().nullable(),
	email: z.string(),
});
export type EmailAddress = z.infer<typeof emailAddressSchema>;

export const emailAttachmentSchema = z.object({
	filename: z.string().nullable(),
	mimeType: z.string(),
	size: z.number().int().nonnegative(),
	contentId: z.string().nullable(),
	inline: z.boolean(),
	/** Provider handle to download it later (Gmail attachmentId, Graph attachment id). */
	attachmentId: z.string().nullable(),
});
export type EmailAttachment = z.infer<typeof emailAttachmentSchema>;

export const emailRecordSchema = z.object({
	provider: z.enum(['google', 'microsoft']),
	/** Gmail message id, or Graph immutable id. */
	providerMessageId: z.string(),
	/** Gmail thread id, or Graph conversationId. */
	providerThreadId: z.string().nullable(),
	/** RFC 5322 Message-ID with angle brackets (the workspace-wide key of an email). */
	internetMessageId: z.string().nullable(),
	inReplyTo: z.string().nullable(),
	references: z.array(z.string()),
	subject: z.string().nullable(),
	snippet: z.string().nullable(),
	from: emailAddressSchema.nullable(),
	to: z.array(emailAddressSchema),
	cc: z.array(emailAddressSchema),
	bcc: z.array(emailAddressSchema),
	replyTo: z.array(emailAddressSchema),
	/** ISO 8601 date of the message (provider's received/internal date when the header is unusable). */
	date: z.string().nullable(),
	/** Gmail label ids, or the Graph folder's well-known name / id and categories. */
	labels: z.array(z.string()),
	isRead: z.boolean(),
	isDraft: z.boolean(),
	/** outgoing: sent from the connected mailbox. */
	direction: z.enum(['incoming', 'outgoing']),
	bodyText: z.string().nullable(),
	/** Kept apart from the text; never render it unsanitized. */
	bodyHtml: z.string().nullable(),
	attachments: z.array(emailAttachmentSchema),
	/** Bulk or automatic mail (List-Id, List-Unsubscribe, Precedence: bulk/list/junk, Auto-Submitted). */
	isBulk: z.boolean(),
	/** The headers that classify bulk mail, as received (lower-case names). */
	listHeaders: z.record(z.string()),
	sizeEstimate: z.number().int().nonnegative().nullable(),
});
export type EmailRecord = z.infer<typeof emailRecordSchema>;

const LIST_HEADERS = [
	'list-id',
	'list-unsubscribe',
	'precedence',
	'auto-submitted',
	'x-auto-response-suppress',
];

/** The bulk-mail headers present, and whether they make the message bulk or automatic. */
export function classifyBulkHeaders(headers: Array<{ name: string; value: string }>): {
	isBulk: boolean;
	listHeaders: Record<string, string>;
} {
	const listHeaders: Record<string, string> = {};
	for (const { name, value } of headers) {
		const key = name.toLowerCase();
		if (LIST_HEADERS.includes(key) && !(key in listHeaders)) listHeaders[key] = value.trim();
	}
	const precedence = listHeaders.precedence?.toLowerCase();
	const autoSubmitted = listHeaders['auto-submitted']?.toLowerCase();
	const isBulk =
		'list-id' in listHeaders ||
		'list-unsubscribe' in listHeaders ||
		precedence === 'bulk' ||
		precedence === 'list' ||
		precedence === 'junk' ||
		(autoSubmitted !== undefined && autoSubmitted !== 'no');
	return { isBulk, listHeaders };
}

/** Message-IDs from a References / In-Reply-To header value. */
export function parseMessageIdList(value: string | undefined | null): string[] {
	if (!value) return [];
	return value.match(/<[^<>\s]+>/g) ?? [];
}
