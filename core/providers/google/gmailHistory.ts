import type { gmail_v1 } from '@googleapis/gmail';

import { ProviderHttpError } from '../http';

/** Gmail no longer honours the stored historyId (404): the caller must re-list to catch up. */
export class GmailHistoryExpiredError extends Error {
	constructor(readonly startHistoryId: string) {
		super(`Gmail no longer has history from ${startHistoryId}`);
		this.name = 'GmailHistoryExpiredError';
	}
}

export interface GmailAddedMessage {
	/** Id of the history record that added it (ascending). */
	historyId: string;
	messageId: string;
	threadId: string | null;
	/** Labels the message had when the record was written. */
	labelIds: string[];
}

export interface GmailHistoryChanges {
	/** Messages added after the start, oldest first, each once. */
	added: GmailAddedMessage[];
	/** The mailbox's historyId when the last page was read: the next start. */
	historyId: string;
}

/**
 * Every message added since `startHistoryId`, following nextPageToken to the end so a burst of any
 * size is seen whole. Throws GmailHistoryExpiredError when Gmail answers 404.
 */
export async function listGmailAddedMessages(
	gmail: gmail_v1.Gmail,
	startHistoryId: string,
	options: { labelId?: string } = {},
): Promise<GmailHistoryChanges> {
	const added: GmailAddedMessage[] = [];
	const seen = new Set<string>();
	let historyId = startHistoryId;
	let pageToken: string | undefined;
	do {
		let data: gmail_v1.Schema$ListHistoryResponse;
		try {
			({ data } = await gmail.users.history.list({
				userId: 'me',
				startHistoryId,
				historyTypes: ['messageAdded'],
				labelId: options.labelId,
				maxResults: 500,
				pageToken,
			}));
		} catch (error) {
			if (error instanceof ProviderHttpError && error.status === 404) {
				throw new GmailHistoryExpiredError(startHistoryId);
			}
			throw error;
		}
		for (const record of data.history ?? []) {
			for (const { message } of record.messagesAdded ?? []) {
				if (!message?.id || seen.has(message.id)) continue;
				seen.add(message.id);
				added.push({
					historyId: String(record.id),
					messageId: message.id,
					threadId: message.threadId ?? null,
					labelIds: message.labelIds ?? [],
				});
			}
		}
		if (data.historyId) historyId = String(data.historyId);
		pageToken = data.nextPageToken ?? undefined;
	} while (pageToken);
	return { added, historyId };
}
