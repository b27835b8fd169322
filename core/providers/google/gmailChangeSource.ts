// The change source of one Gmail mailbox. A cursor holds Gmail's historyId, taken before anything
// is listed so that mail arriving meanwhile is never missed; with a horizon, a listing
// (messages.list, one page per read) comes first, then the History API is followed from that
// historyId, page by page. Both page tokens travel in the cursor, so a crash resumes mid-listing or
// mid-history. Gmail answering 404 to an old historyId starts a relisting from the caller's horizon.
import type { gmail_v1 } from '@googleapis/gmail';

import type { ChangePage, ChangeRead, MailChangeSource, MailStartOptions } from '../changeSources';
import type { MailItem } from '../changeSources';
import { ProviderHttpError, type ProviderRequester } from '../http';
import { gmailAccount, type GmailAccount } from './gmailAccount';
import { fetchGmailMessages } from './gmailMessages';
import { gmailRawMessageToRecord } from './gmailRecords';

/** Where a Gmail mailbox's reading stands; plain JSON. */
export type GmailCursor = {
	/** History is read after this history record. */
	historyId: string;
	/** The next page of the history read that began at `historyId` (Gmail ties the two). */
	historyPageToken: string | null;
	/** A listing under way (read before any history), and why; null while following history. */
	listing: 'initial' | 'resync' | null;
	/** The listing holds mail received at or after this instant (epoch ms; null: all mail). */
	listingSince: number | null;
	/** How many more messages the listing may hold (null: no limit). */
	listingLeft: number | null;
	/** The listing's next page (null: its first page). */
	listingPageToken: string | null;
};

/** History record types a source follows (Gmail's historyTypes). */
export type GmailHistoryType = 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';

export interface GmailChangeSourceOptions {
	/** Report only messages that have at least one of these labels (none: every label). */
	labelIds?: string[];
	/** Report messages in Spam and Trash too. */
	includeSpamTrash?: boolean;
	/**
	 * What to follow (default messageAdded: new mail). Deleted messages go to `deleted`; a label
	 * change reports the message again as it is now (or as deleted once it left what the source
	 * reports, e.g. moved to Trash).
	 */
	historyTypes?: GmailHistoryType[];
	/**
	 * Where a relisting starts once Gmail forgot the cursor: the caller's horizon (a trigger's
	 * newest message seen, the sync engine's own window). Without one the whole mailbox is listed.
	 */
	resyncSince?: () => Date | null | undefined;
	/** Has the access token refreshed when a batch's parts are refused 401 (fetchGmailMessages). */
	refreshAuthorization?: () => Promise<void>;
	/** The connected account (default: asked of Gmail when the first record needs it). */
	account?: GmailAccount;
	/** Messages listed or history records read per page (at most 500). */
	pageSize?: number;
}

export interface GmailChangeSource extends MailChangeSource<GmailCursor> {
	/**
	 * The newest message in the mailbox now, whatever its labels (drafts, scheduled and chat mail
	 * aside): a first mark of where the mail stands, without reporting it.
	 */
	latestArrival(): Promise<{ id: string; receivedAt: number } | null>;
	/** Up to `count` of the newest messages the source would report, newest first. */
	newestMessages(count: number): Promise<MailItem[]>;
}

const PAGE_SIZE = 500;
// Never "received" mail: unsent drafts, scheduled sends, chats.
const NEVER_REPORTED = ['DRAFT', 'SCHEDULED', 'CHAT'];
const RECEIVED_MAIL = '-in:drafts -in:scheduled -in:chats';

type GmailMessage = gmail_v1.Schema$Message;

const receivedAtOf = (message: GmailMessage): number | null =>
	message.internalDate ? Number(message.internalDate) : null;

/** Listing query: received mail, since an instant (Gmail's after: counts whole seconds). */
function listingQuery(since: number | null): string {
	return since === null ? RECEIVED_MAIL : `${RECEIVED_MAIL} after:${Math.floor(since / 1000)}`;
}

export function createGmailChangeSource(
	requester: ProviderRequester,
	gmail: gmail_v1.Gmail,
	apiBaseUrl: string,
	options: GmailChangeSourceOptions = {},
): GmailChangeSource {
	const pageSize = Math.min(options.pageSize ?? PAGE_SIZE, PAGE_SIZE);
	const historyTypes = options.historyTypes?.length ? options.historyTypes : ['messageAdded'];
	const labelIds = options.labelIds ?? [];
	const account = options.account ?? gmailAccount(gmail);

	function isReported(message: GmailMessage): boolean {
		const labels = message.labelIds ?? [];
		if (labels.some((label) => NEVER_REPORTED.includes(label))) return false;
		if (!options.includeSpamTrash && (labels.includes('SPAM') || labels.includes('TRASH')))
			return false;
		return labelIds.length === 0 || labelIds.some((id) => labels.includes(id));
	}

	async function fetchRaw(ids: string[]): Promise<Map<string, GmailMessage | null>> {
		if (ids.length === 0) return new Map();
		return await fetchGmailMessages(requester, apiBaseUrl, ids, {
			refreshAuthorization: options.refreshAuthorization,
		});
	}

	async function toItem(message: GmailMessage): Promise<MailItem> {
		const { record, attachments } = await gmailRawMessageToRecord(message, await account.owner());
		return { record, attachments, receivedAt: receivedAtOf(message) };
	}

	async function currentHistoryId(): Promise<string> {
		const { data } = await gmail.users.getProfile({ userId: 'me' });
		if (!data.historyId) throw new Error('Gmail returned a profile without a historyId');
		return String(data.historyId);
	}

	const followingHistory = (historyId: string): GmailCursor => ({
		historyId,
		historyPageToken: null,
		listing: null,
		listingSince: null,
		listingLeft: null,
		listingPageToken: null,
	});

	/** One page of a listing: received mail (oldest first within the page) since the horizon. */
	async function readListing(cursor: GmailCursor): Promise<ChangePage<GmailCursor, MailItem>> {
		const wanted = cursor.listingLeft === null ? pageSize : Math.min(pageSize, cursor.listingLeft);
		const { data } =
			wanted > 0
				? await gmail.users.messages.list({
						userId: 'me',
						q: listingQuery(cursor.listingSince),
						includeSpamTrash: options.includeSpamTrash || undefined,
						maxResults: wanted,
						pageToken: cursor.listingPageToken ?? undefined,
					})
				: { data: {} as gmail_v1.Schema$ListMessagesResponse };
		const ids = (data.messages ?? []).flatMap((message) => (message.id ? [message.id] : []));
		const fetched = await fetchRaw(ids);
		const messages = ids
			.map((id) => fetched.get(id))
			.filter((message): message is GmailMessage => !!message && isReported(message))
			// after: counts whole seconds; the horizon itself is to the millisecond.
			.filter(
				(message) =>
					cursor.listingSince === null || (receivedAtOf(message) ?? 0) >= cursor.listingSince,
			)
			.sort((a, b) => (receivedAtOf(a) ?? 0) - (receivedAtOf(b) ?? 0));
		const items: MailItem[] = [];
		for (const message of messages) items.push(await toItem(message));
		const left = cursor.listingLeft === null ? null : cursor.listingLeft - ids.length;
		const complete = !data.nextPageToken || (left !== null && left <= 0);
		const reason = cursor.listing ?? 'initial';
		return {
			outcome: 'changes',
			items,
			deleted: [],
			cursor: complete
				? followingHistory(cursor.historyId)
				: { ...cursor, listingLeft: left, listingPageToken: data.nextPageToken ?? null },
			// A finished listing still leaves the history since its start to read.
			hasMore: true,
			listing: { reason, complete },
		};
	}

	async function listHistory(
		cursor: GmailCursor,
	): Promise<gmail_v1.Schema$ListHistoryResponse | 'expired'> {
		const request = (pageToken: string | null) =>
			gmail.users.history.list({
				userId: 'me',
				startHistoryId: cursor.historyId,
				historyTypes,
				maxResults: pageSize,
				pageToken: pageToken ?? undefined,
			});
		try {
			return (await request(cursor.historyPageToken)).data;
		} catch (error) {
			if (!(error instanceof ProviderHttpError)) throw error;
			if (error.status === 404) return 'expired';
			// A page token Gmail no longer takes: read that history again from its start.
			if (error.status === 400 && cursor.historyPageToken) return (await request(null)).data;
			throw error;
		}
	}

	/** One page of history: what changed, in the order Gmail recorded it. */
	async function readHistory(cursor: GmailCursor): Promise<ChangeRead<GmailCursor, MailItem>> {
		const data = await listHistory(cursor);
		if (data === 'expired') {
			const historyId = await currentHistoryId();
			const since = options.resyncSince?.() ?? null;
			return {
				outcome: 'cursor_expired',
				cursor: {
					...followingHistory(historyId),
					listing: 'resync',
					listingSince: since ? since.getTime() : null,
				},
			};
		}
		// Each message once, where its last change puts it: fetched as it is now, or deleted.
		const changes = new Map<string, { deleted: boolean; labelChange: boolean }>();
		const note = (id: string | null | undefined, deleted: boolean, labelChange: boolean) => {
			if (!id) return;
			changes.delete(id);
			changes.set(id, { deleted, labelChange });
		};
		for (const record of data.history ?? []) {
			for (const { message } of record.messagesAdded ?? []) note(message?.id, false, false);
			for (const { message } of record.labelsAdded ?? []) note(message?.id, false, true);
			for (const { message } of record.labelsRemoved ?? []) note(message?.id, false, true);
			for (const { message } of record.messagesDeleted ?? []) note(message?.id, true, false);
		}
		const fetched = await fetchRaw(
			[...changes].filter(([, change]) => !change.deleted).map(([id]) => id),
		);
		const items: MailItem[] = [];
		const deleted: string[] = [];
		for (const [id, change] of changes) {
			const message = change.deleted ? null : fetched.get(id);
			if (!message)
				deleted.push(id); // deleted, or gone before it could be fetched
			else if (isReported(message)) items.push(await toItem(message));
			else if (change.labelChange) deleted.push(id); // it left what this source reports
		}
		const next: GmailCursor = data.nextPageToken
			? { ...cursor, historyPageToken: data.nextPageToken }
			: followingHistory(String(data.historyId ?? cursor.historyId));
		return { outcome: 'changes', items, deleted, cursor: next, hasMore: !!data.nextPageToken };
	}

	return {
		async start(startOptions: MailStartOptions): Promise<GmailCursor> {
			// First, so that what arrives while the listing runs is in the history after it.
			const cursor = followingHistory(await currentHistoryId());
			if (!startOptions.since && startOptions.limit === undefined) return cursor;
			return {
				...cursor,
				listing: 'initial',
				listingSince: startOptions.since ? startOptions.since.getTime() : null,
				listingLeft: startOptions.limit ?? null,
			};
		},

		async read(cursor: GmailCursor): Promise<ChangeRead<GmailCursor, MailItem>> {
			return cursor.listing ? await readListing(cursor) : await readHistory(cursor);
		},

		async latestArrival() {
			const { data } = await gmail.users.messages.list({
				userId: 'me',
				q: RECEIVED_MAIL,
				maxResults: 1,
			});
			const id = data.messages?.[0]?.id;
			if (!id) return null;
			const message = (
				await fetchGmailMessages(requester, apiBaseUrl, [id], {
					format: 'minimal',
					refreshAuthorization: options.refreshAuthorization,
				})
			).get(id);
			const receivedAt = message ? receivedAtOf(message) : null;
			return receivedAt === null ? null : { id, receivedAt };
		},

		async newestMessages(count: number): Promise<MailItem[]> {
			// Per label, so that a rarely used label still shows its newest message.
			const lists = await Promise.all(
				(labelIds.length ? labelIds.map((id) => [id]) : [undefined]).map(
					async (labels) =>
						(
							await gmail.users.messages.list({
								userId: 'me',
								q: RECEIVED_MAIL,
								labelIds: labels,
								includeSpamTrash: options.includeSpamTrash || undefined,
								maxResults: count,
							})
						).data.messages ?? [],
				),
			);
			const ids = [...new Set(lists.flat().flatMap((message) => (message.id ? [message.id] : [])))];
			const fetched = await fetchRaw(ids);
			const messages = ids
				.map((id) => fetched.get(id))
				.filter((message): message is GmailMessage => !!message && isReported(message))
				.sort((a, b) => (receivedAtOf(b) ?? 0) - (receivedAtOf(a) ?? 0))
				.slice(0, count);
			const items: MailItem[] = [];
			for (const message of messages) items.push(await toItem(message));
			return items;
		},
	};
}
