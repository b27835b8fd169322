// A reply to a Gmail message, as far as the original decides it: its recipients, subject and
// threading headers. Used by the widget API's reply route and the Gmail node's Reply operation.
import type { EmailAddress } from '../records/emailRecord';
import { parseAddressList } from './addressList';
import { replyReferences, replySubject } from './composeMime';
import { replyRecipients } from './replyRecipients';

/** The headers to fetch of the original (`metadataHeaders` of a `format: 'metadata'` get). */
export const GMAIL_REPLY_HEADERS: readonly string[] = [
	'Subject',
	'From',
	'To',
	'Cc',
	'Reply-To',
	'Message-ID',
	'References',
	'In-Reply-To',
];

/** The original as Gmail's users.messages.get answers it, as far as a reply goes. */
export interface GmailRepliedMessage {
	labelIds?: string[] | null;
	payload?: {
		headers?: Array<{ name?: string | null; value?: string | null }> | null;
	} | null;
}

/** The parts of a reply's composeMime input that come from the original message. */
export interface GmailReplyFields {
	to: EmailAddress[];
	cc: EmailAddress[];
	subject: string;
	inReplyTo: string | undefined;
	references: string[];
}

export interface GmailReplyOptions {
	/** The account's own addresses: never copied on its own reply. */
	ownAddresses: string[];
	/** Copy everyone the message went to, not only whom it came from. */
	replyToAll?: boolean;
	/** More copy recipients the user added, as an address list text (parsed after the original's). */
	cc?: string;
}

export function gmailReplyFields(
	original: GmailRepliedMessage,
	options: GmailReplyOptions,
): GmailReplyFields {
	const header = (name: string) =>
		original.payload?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ??
		null;
	const { to, cc } = replyRecipients(
		{
			from: parseAddressList(header('From')),
			to: parseAddressList(header('To')),
			cc: parseAddressList(header('Cc')),
			replyTo: parseAddressList(header('Reply-To')),
			sentByAccount: (original.labelIds ?? []).includes('SENT'),
		},
		{
			ownAddresses: options.ownAddresses,
			replyToAll: options.replyToAll,
			cc: parseAddressList(options.cc),
		},
	);
	const messageId = header('Message-ID');
	return {
		to,
		cc,
		subject: replySubject(header('Subject')),
		inReplyTo: messageId ?? undefined,
		references: replyReferences(header('References'), header('In-Reply-To'), messageId),
	};
}
