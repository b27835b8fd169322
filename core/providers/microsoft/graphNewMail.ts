import type { MailItem } from '../changeSources';
import {
	pollNewMail,
	type NewMailPollOptions,
	type NewMailPollResult,
	type NewMailPollState,
} from '../newMailTracker';
import { GraphMailSource, type GraphMailCursor } from './graphMailSource';
import type { GraphSession } from './graphSession';

/** A Graph mail folder a trigger watches. */
export interface WatchedFolder {
	/** A well-known name (inbox, sentitems) or a folder id. */
	ref: string;
	/** The label its records get (the well-known name, or the folder id). */
	label: string;
}

export type GraphNewMailState = NewMailPollState<GraphMailCursor>;

export interface GraphNewMailOptions extends NewMailPollOptions {
	folders: WatchedFolder[];
	ownerEmail: string;
	/** Skip mail from the connected account found outside Sent Items. */
	skipOwnMail?: boolean;
	/** odata.maxpagesize of delta pages. */
	pageSize?: number;
}

/** A new message and the folder it was found in. */
export interface GraphNewMail {
	item: MailItem;
	folder: WatchedFolder;
}

/**
 * The state as kept, in the current shape: a plain copy (n8n hands static data back as proxies),
 * the first shape (a deltaLink per folder) carried over so an upgrade neither re-baselines nor
 * loses mail. Anything else starts afresh.
 */
function restoreGraphNewMailState(stored: unknown): GraphNewMailState | undefined {
	if (!stored || typeof stored !== 'object') return undefined;
	const copy = JSON.parse(JSON.stringify(stored)) as {
		v?: number;
		folders?: Record<string, unknown>;
		seenUntil?: string | null;
		seen?: Record<string, number>;
	};
	const base = { seenUntil: copy.seenUntil ?? null, seen: copy.seen ?? {} };
	if (copy.v === 2) return { v: 2, folders: (copy.folders ?? {}) as never, ...base };
	if (copy.v !== 1) return undefined;
	const folders: Record<string, GraphMailCursor> = {};
	for (const [ref, value] of Object.entries(copy.folders ?? {})) {
		const deltaLink = (value as { deltaLink?: unknown } | null)?.deltaLink;
		if (typeof deltaLink !== 'string') continue;
		folders[ref] = { v: 1, link: deltaLink, phase: 'changes', since: null, limit: null, listed: 0 };
	}
	return { v: 2, folders, ...base };
}

/**
 * One poll of the watched folders (one delta each, followed to its end): the new mail, oldest
 * first, and the state to keep. The caller stores the state only once it used the mail, so a
 * failed poll leaves the previous cursors in place (nothing emitted, nothing lost).
 */
export async function pollGraphNewMail(
	session: GraphSession,
	stored: unknown,
	options: GraphNewMailOptions,
): Promise<Omit<NewMailPollResult<GraphMailCursor>, 'newMail'> & { newMail: GraphNewMail[] }> {
	const owner = options.ownerEmail.toLowerCase();
	const result = await pollNewMail(
		restoreGraphNewMailState(stored),
		(resyncSince) =>
			options.folders.map((folder) => ({
				key: folder.ref,
				source: new GraphMailSource(session, {
					folder: folder.ref,
					folderLabel: folder.label,
					ownerEmail: owner,
					pageSize: options.pageSize,
					// Graph forgot the folder's delta: list it again from the watermark. What was
					// emitted is in the seen set; what arrived meanwhile is newer and is emitted.
					resyncSince: () => resyncSince,
				}),
				skip:
					options.skipOwnMail && folder.ref !== 'sentitems'
						? (item: MailItem) => item.record.from?.email === owner
						: undefined,
			})),
		options,
	);
	const byRef = new Map(options.folders.map((folder) => [folder.ref, folder]));
	return {
		...result,
		newMail: result.newMail.map(({ feed, item }) => ({ item, folder: byRef.get(feed)! })),
	};
}
