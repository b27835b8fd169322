import { createHash } from 'node:crypto';

import { classifyProviderError } from '../providerErrors';
import { GRAPH_MESSAGE_SELECT, type GraphMessage } from './graphRecords';
import { graphPathSegment, type GraphSession } from './graphSession';

/**
 * New-mail detection over Graph delta queries, one delta per watched folder.
 *
 * A delta round reports every message that entered or changed in the folder, so "new" needs more
 * than the cursor: a message is emitted once when it is not a draft, has not been seen before (by
 * immutable id or Internet Message-ID — a move between watched folders keeps both) and was
 * received after the watermark (the newest receivedDateTime seen so far, less a grace period for
 * mail that becomes visible late), so a read flag set on old mail is not "new". The seen set only
 * needs the keys received after that line, which bounds it by time, not by a guess.
 */
export interface MailDeltaState {
	v: 1;
	/** deltaLink per watched folder (well-known name or folder id). */
	folders: Record<string, { deltaLink: string }>;
	/** Newest receivedDateTime seen (ISO 8601); older mail is never new. */
	seenUntil: string | null;
	/** Hashed keys of messages seen near the watermark → their receivedDateTime (epoch ms). */
	seen: Record<string, number>;
}

export interface WatchedFolder {
	/** Graph folder: a well-known name (inbox, sentitems) or a folder id. */
	ref: string;
	/** Label the records get (the well-known name, or the folder id). */
	label: string;
}

export interface MailDeltaPollOptions {
	folders: WatchedFolder[];
	ownerEmail: string;
	/** Skip mail from the connected account found outside Sent Items. */
	skipOwnMail?: boolean;
	/** odata.maxpagesize of delta rounds. */
	pageSize?: number;
	/** How far back the first round of a folder reaches (it tracks only mail received since). */
	initialLookbackMs?: number;
	/** How late mail may become visible compared with mail already seen. */
	graceMs?: number;
	now?: () => number;
	/** Largest seen set kept, newest first. */
	maxSeenKeys?: number;
}

export interface NewMailItem {
	message: GraphMessage;
	folder: WatchedFolder;
}

export interface MailDeltaPollResult {
	state: MailDeltaState;
	newMail: NewMailItem[];
	/** Folders whose first round ran in this poll (no mail emitted from them). */
	baselined: string[];
	/** Folders whose delta had expired and were re-read from the watermark. */
	resynced: string[];
}

const DAY_MS = 86_400_000;

function keyOf(kind: 'i' | 'm', value: string): string {
	return `${kind}${createHash('sha256').update(value).digest('base64url').slice(0, 16)}`;
}

function messageKeys(message: GraphMessage): string[] {
	const keys = [keyOf('i', message.id)];
	if (message.internetMessageId) keys.push(keyOf('m', message.internetMessageId));
	return keys;
}

function receivedMs(message: GraphMessage): number | undefined {
	const ms = message.receivedDateTime ? Date.parse(message.receivedDateTime) : NaN;
	return Number.isNaN(ms) ? undefined : ms;
}

export function emptyMailDeltaState(): MailDeltaState {
	return { v: 1, folders: {}, seenUntil: null, seen: {} };
}

/** The first round's start: every message of the folder received since `since`, newest first. */
function initialRoundRequest(folder: WatchedFolder, since: number) {
	return {
		path: `/me/mailFolders/${graphPathSegment(folder.ref)}/messages/delta`,
		options: {
			select: GRAPH_MESSAGE_SELECT,
			query: { $filter: `receivedDateTime ge ${new Date(since).toISOString()}` },
		},
	};
}

/** Runs one delta round to its end (every nextLink), handing each page's messages to `onPage`. */
export async function runDeltaRound(
	session: GraphSession,
	start: string,
	options: { select?: string[]; query?: Record<string, string>; pageSize: number },
	onPage: (messages: GraphMessage[]) => void,
): Promise<string> {
	let deltaLink: string | undefined;
	for await (const page of session.pages<GraphMessage>(start, {
		select: options.select,
		query: options.query,
		prefer: [`odata.maxpagesize=${options.pageSize}`],
	})) {
		onPage(page.value ?? []);
		deltaLink = page['@odata.deltaLink'] ?? deltaLink;
	}
	if (!deltaLink) throw new Error('Microsoft Graph ended a delta round without a deltaLink');
	return deltaLink;
}

/**
 * One poll: every watched folder's delta followed to its end. Returns the state to keep and the
 * new mail, oldest first. The caller stores the state only after using the result, so a failed
 * poll leaves the previous cursors in place (nothing emitted, nothing lost).
 */
export async function pollMailDelta(
	session: GraphSession,
	previous: MailDeltaState | undefined,
	options: MailDeltaPollOptions,
): Promise<MailDeltaPollResult> {
	const now = options.now ?? Date.now;
	const pageSize = options.pageSize ?? 100;
	const graceMs = options.graceMs ?? 15 * 60_000;
	const lookbackMs = options.initialLookbackMs ?? DAY_MS;
	const owner = options.ownerEmail.toLowerCase();
	const state: MailDeltaState = previous
		? structuredClone({ ...emptyMailDeltaState(), ...previous })
		: emptyMailDeltaState();
	const seen = new Map(Object.entries(state.seen));
	const watermark = state.seenUntil ? Date.parse(state.seenUntil) : undefined;
	// Fixed for the whole poll: what is older than this is never new.
	const threshold = watermark !== undefined ? watermark - graceMs : -Infinity;
	let newestSeen = watermark ?? -Infinity;
	const newMail: NewMailItem[] = [];
	const baselined: string[] = [];
	const resynced: string[] = [];

	const take = (folder: WatchedFolder, emitting: boolean) => (messages: GraphMessage[]) => {
		for (const message of messages) {
			if (message['@removed'] || message.isDraft) continue;
			const received = receivedMs(message);
			const keys = messageKeys(message);
			const known = keys.some((key) => seen.has(key));
			const fromOwner =
				(message.from ?? message.sender)?.emailAddress?.address?.toLowerCase() === owner;
			const skipped = options.skipOwnMail && fromOwner && folder.ref !== 'sentitems';
			if (emitting && !known && !skipped && received !== undefined && received > threshold) {
				newMail.push({ message, folder });
			}
			if (received !== undefined) {
				for (const key of keys) seen.set(key, received);
				newestSeen = Math.max(newestSeen, received);
			}
		}
	};

	for (const folder of options.folders) {
		const cursor = state.folders[folder.ref];
		let deltaLink: string;
		if (!cursor) {
			// First round of this folder: it sets the baseline and emits nothing old.
			const since = now() - lookbackMs;
			const { path, options: request } = initialRoundRequest(folder, since);
			deltaLink = await runDeltaRound(session, path, { ...request, pageSize }, take(folder, false));
			newestSeen = Math.max(newestSeen, since);
			baselined.push(folder.ref);
		} else {
			try {
				deltaLink = await runDeltaRound(
					session,
					cursor.deltaLink,
					{ pageSize },
					take(folder, true),
				);
			} catch (error) {
				if (classifyProviderError(error).errorClass !== 'cursor_expired') throw error;
				// Graph forgot the cursor (410 syncStateNotFound / resyncRequired): read the folder
				// again from the watermark. What was emitted is in the seen set; what arrived
				// meanwhile is newer than the watermark and is emitted now.
				const since = watermark !== undefined ? watermark - graceMs : now() - lookbackMs;
				const { path, options: request } = initialRoundRequest(folder, since);
				deltaLink = await runDeltaRound(
					session,
					path,
					{ ...request, pageSize },
					take(folder, true),
				);
				resynced.push(folder.ref);
			}
		}
		state.folders[folder.ref] = { deltaLink };
	}

	if (Number.isFinite(newestSeen)) state.seenUntil = new Date(newestSeen).toISOString();
	const keepAfter = Number.isFinite(newestSeen) ? newestSeen - graceMs : -Infinity;
	const kept = [...seen.entries()]
		.filter(([, received]) => received > keepAfter)
		.sort((a, b) => b[1] - a[1])
		.slice(0, options.maxSeenKeys ?? 20_000);
	state.seen = Object.fromEntries(kept);
	newMail.sort((a, b) => (receivedMs(a.message) ?? 0) - (receivedMs(b.message) ?? 0));
	return { state, newMail, baselined, resynced };
}
