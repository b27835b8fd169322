import type { ChangeRead, MailChangeSource, MailItem, MailStartOptions } from '../changeSources';
import { classifyProviderError } from '../providerErrors';
import {
	GRAPH_MESSAGE_SELECT,
	graphMessageToRecord,
	type GraphMessage,
} from './graphMessageRecords';
import { graphPathSegment, type GraphPage, type GraphSession } from './graphSession';

/**
 * Where a Graph mail folder's delta stands. A round starts without a link (the first request
 * carries the horizon), follows @odata.nextLink one page per read and ends at a deltaLink, from
 * which the next round reads the changes since.
 */
export type GraphMailCursor = {
	v: 1;
	/** The round's next request: a nextLink while paging, the deltaLink at its end, null to start. */
	link: string | null;
	/** What the round is: a first listing, the relisting after an expired cursor, or changes. */
	phase: 'initial' | 'resync' | 'changes';
	/** A listing's horizon (ISO 8601): mail received since; null lists the whole folder. */
	since: string | null;
	/** A listing's most messages, newest first (Graph lists a delta's first round that way). */
	limit: number | null;
	/** Messages listed so far in this listing. */
	listed: number;
};

export interface GraphMailSourceOptions {
	/** The folder: a well-known name (inbox, sentitems …) or a folder id. */
	folder: string;
	/** The label records get (default: the folder as given). */
	folderLabel?: string;
	/** The connected mailbox's address: mail from it is outgoing. */
	ownerEmail: string;
	/** odata.maxpagesize (default 100). */
	pageSize?: number;
	/**
	 * Where the relisting after an expired cursor starts. Default: the cursor's own horizon. A
	 * caller that knows what it has already seen (a trigger's watermark) gives a later instant.
	 */
	resyncSince?: (cursor: GraphMailCursor) => Date | null | undefined;
}

/** The first request of a listing: mail received since its horizon, or the whole folder. */
function listingQuery(since: string | null): Record<string, string> | undefined {
	return since ? { $filter: `receivedDateTime ge ${since}` } : undefined;
}

/** The received time of a Graph message (epoch ms), or null when it has none. */
function graphReceivedAt(message: GraphMessage): number | null {
	const ms = message.receivedDateTime ? Date.parse(message.receivedDateTime) : NaN;
	return Number.isNaN(ms) ? null : ms;
}

/**
 * One Graph mail folder as a change source (Graph delta queries with immutable ids: GraphSession
 * asks for them on every request). Drafts are never items; `@removed` entries (deleted, or moved
 * out of the folder) are tombstones.
 */
export class GraphMailSource implements MailChangeSource<GraphMailCursor> {
	constructor(
		private readonly session: GraphSession,
		private readonly options: GraphMailSourceOptions,
	) {}

	async start(options: MailStartOptions = {}): Promise<GraphMailCursor> {
		// The round's first request fixes where it stands: nothing arriving after it is missed.
		return {
			v: 1,
			link: null,
			phase: 'initial',
			since: options.since ? options.since.toISOString() : null,
			limit: options.limit ?? null,
			listed: 0,
		};
	}

	async read(cursor: GraphMailCursor): Promise<ChangeRead<GraphMailCursor, MailItem>> {
		const prefer = [`odata.maxpagesize=${this.options.pageSize ?? 100}`];
		let page: GraphPage<GraphMessage>;
		try {
			page =
				cursor.link === null
					? await this.session.get<GraphPage<GraphMessage>>(
							`/me/mailFolders/${graphPathSegment(this.options.folder)}/messages/delta`,
							{ select: GRAPH_MESSAGE_SELECT, query: listingQuery(cursor.since), prefer },
						)
					: // A nextLink or deltaLink carries its own query; only the preferences go again.
						await this.session.get<GraphPage<GraphMessage>>(cursor.link, { prefer });
		} catch (error) {
			// 410 syncStateNotFound / resyncRequired: Graph forgot the round; list again.
			if (cursor.link !== null && classifyProviderError(error).errorClass === 'cursor_expired') {
				const since = this.options.resyncSince?.(cursor) ?? null;
				return {
					outcome: 'cursor_expired',
					cursor: {
						v: 1,
						link: null,
						phase: 'resync',
						since: since ? since.toISOString() : cursor.since,
						limit: null,
						listed: 0,
					},
				};
			}
			throw error;
		}

		const listing = cursor.phase !== 'changes';
		const items: MailItem[] = [];
		const deleted: string[] = [];
		let listed = cursor.listed;
		for (const message of page.value ?? []) {
			if (message['@removed']) {
				deleted.push(message.id);
				continue;
			}
			if (message.isDraft) continue;
			// A listing comes newest first: past the limit, only the round's end is still wanted.
			if (listing && cursor.limit !== null && listed >= cursor.limit) continue;
			listed++;
			items.push({
				record: graphMessageToRecord(message, {
					ownerEmail: this.options.ownerEmail,
					folderLabel: this.options.folderLabel ?? this.options.folder,
				}),
				receivedAt: graphReceivedAt(message),
			});
		}

		const nextLink = page['@odata.nextLink'];
		const deltaLink = page['@odata.deltaLink'];
		if (!nextLink && !deltaLink) {
			throw new Error('Microsoft Graph ended a delta page without a nextLink or deltaLink');
		}
		const next: GraphMailCursor = nextLink
			? { ...cursor, link: nextLink, listed }
			: { v: 1, link: deltaLink!, phase: 'changes', since: cursor.since, limit: null, listed: 0 };
		return {
			outcome: 'changes',
			items,
			// A listing has no tombstones: what it does not hold is gone.
			deleted: listing ? [] : deleted,
			cursor: next,
			hasMore: Boolean(nextLink),
			...(listing
				? {
						listing: {
							reason: cursor.phase === 'resync' ? ('resync' as const) : ('initial' as const),
							complete: !nextLink,
						},
					}
				: {}),
		};
	}
}

/** The newest message of a folder (a trigger's sample), or null when the folder is empty. */
export async function newestGraphMail(
	session: GraphSession,
	options: Pick<GraphMailSourceOptions, 'folder' | 'folderLabel' | 'ownerEmail'>,
): Promise<MailItem | null> {
	const page = await session.get<GraphPage<GraphMessage>>(
		`/me/mailFolders/${graphPathSegment(options.folder)}/messages`,
		{ select: GRAPH_MESSAGE_SELECT, query: { $top: 1, $orderby: 'receivedDateTime desc' } },
	);
	const [newest] = page.value ?? [];
	if (!newest) return null;
	return {
		record: graphMessageToRecord(newest, {
			ownerEmail: options.ownerEmail,
			folderLabel: options.folderLabel ?? options.folder,
		}),
		receivedAt: graphReceivedAt(newest),
	};
}
