import type { gmail_v1 } from '@googleapis/gmail';

import { classifyProviderError } from '../providerErrors';

/** Who a Gmail mailbox belongs to, as its records need it. */
export interface GmailOwner {
	/** The mailbox's own address, lower case. */
	email: string;
	/**
	 * Display names of the addresses the account sends as (lower-case address → name), from its
	 * send-as settings: the name a message sent without one was sent under.
	 */
	senderNames?: Record<string, string>;
}

/** The connected account, each part asked of Gmail once and only when first needed. */
export interface GmailAccount {
	/** The mailbox's own address, lower case (users.getProfile). */
	email(): Promise<string>;
	/** The address and the send-as display names (users.settings.sendAs.list). */
	owner(): Promise<GmailOwner>;
}

/**
 * The send-as display names of the account. A credential that may not read settings (gmail.send
 * alone) gets none: records then keep the names their From headers carry.
 */
async function senderNamesOf(gmail: gmail_v1.Gmail): Promise<Record<string, string>> {
	let sendAs: gmail_v1.Schema$SendAs[];
	try {
		({
			data: { sendAs = [] },
		} = await gmail.users.settings.sendAs.list({ userId: 'me' }));
	} catch (error) {
		if (classifyProviderError(error).errorClass === 'insufficient_permissions') return {};
		throw error;
	}
	const names: Record<string, string> = {};
	// The primary (then the default) address first, so an alias never hides its name.
	const ranked = [...sendAs].sort(
		(a, b) =>
			Number(!!b.isPrimary) - Number(!!a.isPrimary) ||
			Number(!!b.isDefault) - Number(!!a.isDefault),
	);
	for (const entry of ranked) {
		const address = entry.sendAsEmail?.toLowerCase();
		const name = entry.displayName?.trim();
		if (address && name && !(address in names)) names[address] = name;
	}
	return names;
}

/** `load` run once and shared; a failed run is forgotten, so the next caller asks again. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
	let pending: Promise<T> | undefined;
	return () =>
		(pending ??= load().catch((error: unknown) => {
			pending = undefined;
			throw error;
		}));
}

export function gmailAccount(gmail: gmail_v1.Gmail): GmailAccount {
	const email = once(async () => {
		const { data } = await gmail.users.getProfile({ userId: 'me' });
		return (data.emailAddress ?? '').toLowerCase();
	});
	const owner = once(async () => {
		// One after the other: an expired token is then refreshed once, not by two racing calls.
		const address = await email();
		return { email: address, senderNames: await senderNamesOf(gmail) };
	});
	return { email, owner };
}
