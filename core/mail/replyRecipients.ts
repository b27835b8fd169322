// Who a reply goes to, for any provider: the rules a mail app follows when its user presses Reply
// or Reply All.
import type { EmailAddress } from '../records/emailRecord';

/** The message being answered, as far as its recipients go. */
export interface RepliedMessage {
	from: EmailAddress[];
	to: EmailAddress[];
	cc: EmailAddress[];
	replyTo: EmailAddress[];
	/** The account sent it (Gmail's SENT label, Graph's Sent Items), whatever its From says. */
	sentByAccount?: boolean;
}

export interface ReplyRecipientOptions {
	/** The account's own addresses: never copied on its own reply. */
	ownAddresses: string[];
	/** Copy everyone the message went to, not only whom it came from. */
	replyToAll?: boolean;
	/** More copy recipients the user added. */
	cc?: EmailAddress[];
}

/** `list` without the excluded addresses and without repeats (addresses compared case-blind). */
function without(list: EmailAddress[], excluded: string[]): EmailAddress[] {
	const seen = new Set(excluded.map((email) => email.toLowerCase()));
	return list.filter((address) => {
		const key = address.email.toLowerCase();
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/**
 * The reply's To and Cc. A reply goes to the Reply-To addresses, else to the sender; answering
 * one's own message continues the conversation with its recipients instead. Reply All copies the
 * message's To and Cc; the account itself and whoever is already in To are never copied.
 */
export function replyRecipients(
	original: RepliedMessage,
	options: ReplyRecipientOptions,
): { to: EmailAddress[]; cc: EmailAddress[] } {
	const own = options.ownAddresses.map((email) => email.toLowerCase());
	const fromAccount =
		original.sentByAccount === true ||
		(original.from[0] !== undefined && own.includes(original.from[0].email.toLowerCase()));
	const to = without(
		fromAccount ? original.to : original.replyTo.length ? original.replyTo : original.from,
		[],
	);
	const cc = without(
		[...(options.replyToAll ? [...original.to, ...original.cc] : []), ...(options.cc ?? [])],
		[...own, ...to.map((address) => address.email)],
	);
	return { to, cc };
}
