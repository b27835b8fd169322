import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import {
	fetchGmailMessages,
	GmailHistoryExpiredError,
	gmailRawMessageToRecord,
	listGmailAddedMessages,
	listGmailMessageIds,
} from '../../core';
import { messageToItem } from '../GmailCrm/v1/helpers/records';
import { gmailConnection, type GmailConnection } from '../GmailCrm/v1/transport';
import { toNodeError } from '../shared/providerErrors';

export interface GmailTriggerSettings {
	labelIds: string[];
	downloadAttachments: boolean;
	/** ISO date: on the first activation, also emit mail received since then. */
	includeMailSince?: string;
	includeSpamTrash: boolean;
	skipSent: boolean;
}

/** What the trigger keeps in the workflow's static data between polls. */
interface GmailTriggerCursor extends IDataObject {
	/** Gmail's history cursor: the next poll reads history after it. */
	historyId?: string;
	/** internalDate (ms) of the newest message seen: where a re-listing starts when history expired. */
	lastInternalDate?: number;
	/** Ids seen most recently, so a re-listing or an overlap never emits a message twice. */
	recentIds?: string[];
}

type GmailMessage = Parameters<typeof gmailRawMessageToRecord>[0];

const RECENT_IDS_KEPT = 2000;
/** Messages fetched (in batches of 50) before the poll checks its time budget. */
const FETCH_CHUNK = 500;
const SAMPLE_SIZE = 25;
const DEFAULT_POLL_BUDGET_MS = 5 * 60_000;
// Labels whose messages are never "received": unsent drafts, scheduled sends, chats.
const NEVER_EMITTED = ['DRAFT', 'SCHEDULED', 'CHAT'];

const internalDateOf = (message: GmailMessage) => Number(message.internalDate ?? 0);

function isWanted(message: GmailMessage, settings: GmailTriggerSettings): boolean {
	const labels = message.labelIds ?? [];
	if (labels.some((label) => NEVER_EMITTED.includes(label))) return false;
	if (!settings.includeSpamTrash && (labels.includes('SPAM') || labels.includes('TRASH')))
		return false;
	if (settings.skipSent && labels.includes('SENT')) return false;
	return settings.labelIds.length === 0 || settings.labelIds.some((id) => labels.includes(id));
}

/** The wanted messages as output items, in the given order. */
async function toItems(
	context: IPollFunctions,
	connection: GmailConnection,
	messages: GmailMessage[],
	settings: GmailTriggerSettings,
): Promise<INodeExecutionData[]> {
	const owner = await connection.ownerEmail();
	const items: INodeExecutionData[] = [];
	for (const message of messages) {
		if (!isWanted(message, settings)) continue;
		const item = await messageToItem(context, message, owner, settings.downloadAttachments);
		// Mail from the account's own address without the SENT label (sent from another client).
		if (settings.skipSent && item.json.direction === 'outgoing') continue;
		items.push(item);
	}
	return items;
}

async function fetchInOrder(connection: GmailConnection, ids: string[]): Promise<GmailMessage[]> {
	const fetched = await fetchGmailMessages(connection.requester, connection.apiBaseUrl, ids);
	// A message deleted since it was listed comes back as null and is left out.
	return ids.map((id) => fetched.get(id)).filter((message): message is GmailMessage => !!message);
}

function remember(cursor: GmailTriggerCursor, ids: string[], messages: GmailMessage[]): void {
	cursor.recentIds = [...(cursor.recentIds ?? []), ...ids].slice(-RECENT_IDS_KEPT);
	for (const message of messages) {
		cursor.lastInternalDate = Math.max(cursor.lastInternalDate ?? 0, internalDateOf(message));
	}
}

/** Mail received since `sinceMs` that was not seen yet, oldest first. */
async function listSince(
	connection: GmailConnection,
	sinceMs: number,
	recent: Set<string>,
	settings: GmailTriggerSettings,
): Promise<{ ids: string[]; messages: GmailMessage[] }> {
	const listed = await listGmailMessageIds(connection.gmail, {
		q: `after:${Math.floor(sinceMs / 1000)}`,
		includeSpamTrash: settings.includeSpamTrash,
	});
	const ids = listed.map(({ id }) => id).filter((id) => !recent.has(id));
	const messages = (await fetchInOrder(connection, ids))
		.filter((message) => internalDateOf(message) >= sinceMs)
		.sort((a, b) => internalDateOf(a) - internalDateOf(b));
	return { ids, messages };
}

/**
 * First activation: remember where the mailbox stands (its historyId, taken before anything is
 * listed so nothing arriving meanwhile is missed) and emit nothing old, unless asked to emit the
 * mail since a date.
 */
async function activate(
	context: IPollFunctions,
	connection: GmailConnection,
	cursor: GmailTriggerCursor,
	settings: GmailTriggerSettings,
): Promise<INodeExecutionData[]> {
	const { data: profile } = await connection.gmail.users.getProfile({ userId: 'me' });
	const next: GmailTriggerCursor = { historyId: String(profile.historyId), recentIds: [] };
	let items: INodeExecutionData[] = [];
	const since = settings.includeMailSince ? Date.parse(settings.includeMailSince) : NaN;
	if (Number.isFinite(since)) {
		const { ids, messages } = await listSince(connection, since, new Set(), settings);
		items = await toItems(context, connection, messages, settings);
		remember(next, ids, messages);
	}
	if (next.lastInternalDate === undefined) {
		// The newest message marks where a re-listing would start if history ever expires.
		const [newest] = await listGmailMessageIds(connection.gmail, { limit: 1 });
		const messages = newest ? await fetchInOrder(connection, [newest.id]) : [];
		remember(next, newest ? [newest.id] : [], messages);
		next.lastInternalDate ??= Date.now();
	}
	Object.assign(cursor, next);
	return items;
}

/** History expired (404): re-list from the last seen date, skipping what was already seen. */
async function recover(
	context: IPollFunctions,
	connection: GmailConnection,
	cursor: GmailTriggerCursor,
	settings: GmailTriggerSettings,
): Promise<INodeExecutionData[]> {
	const { data: profile } = await connection.gmail.users.getProfile({ userId: 'me' });
	const { ids, messages } = await listSince(
		connection,
		cursor.lastInternalDate ?? Date.now(),
		new Set(cursor.recentIds ?? []),
		settings,
	);
	const items = await toItems(context, connection, messages, settings);
	remember(cursor, ids, messages);
	cursor.historyId = String(profile.historyId);
	return items;
}

/**
 * Every message added since the stored historyId, history paged to the end. The cursor moves
 * only after the messages it covers were fetched; a backlog too large for the poll's time budget
 * is emitted in part and the cursor set to the last history record covered.
 */
async function catchUp(
	context: IPollFunctions,
	connection: GmailConnection,
	cursor: GmailTriggerCursor,
	settings: GmailTriggerSettings,
): Promise<INodeExecutionData[]> {
	let changes;
	try {
		changes = await listGmailAddedMessages(connection.gmail, cursor.historyId as string);
	} catch (error) {
		if (error instanceof GmailHistoryExpiredError)
			return await recover(context, connection, cursor, settings);
		// pollGmail turns every provider failure into a NodeApiError (toNodeError).
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
	const started = Date.now();
	const budgetMs = context.getPollBudgetMs?.() ?? DEFAULT_POLL_BUDGET_MS;
	const recent = new Set(cursor.recentIds ?? []);
	const next: GmailTriggerCursor = { ...cursor, historyId: changes.historyId };
	const items: INodeExecutionData[] = [];
	for (let start = 0; start < changes.added.length; start += FETCH_CHUNK) {
		const chunk = changes.added.slice(start, start + FETCH_CHUNK);
		const ids = chunk.map(({ messageId }) => messageId).filter((id) => !recent.has(id));
		const messages = await fetchInOrder(connection, ids);
		items.push(...(await toItems(context, connection, messages, settings)));
		remember(next, ids, messages);
		const more = start + FETCH_CHUNK < changes.added.length;
		if (more && Date.now() - started > budgetMs / 2) {
			next.historyId = chunk[chunk.length - 1].historyId;
			break;
		}
	}
	Object.assign(cursor, next);
	return items;
}

/** "Fetch test event": the newest wanted message, without touching the cursor. */
async function sample(
	context: IPollFunctions,
	connection: GmailConnection,
	settings: GmailTriggerSettings,
): Promise<INodeExecutionData[]> {
	const lists = settings.labelIds.length
		? await Promise.all(
				settings.labelIds.map(
					async (labelId) =>
						await listGmailMessageIds(connection.gmail, { labelIds: [labelId], limit: 10 }),
				),
			)
		: [await listGmailMessageIds(connection.gmail, { q: '-in:drafts', limit: SAMPLE_SIZE })];
	const ids = [...new Set(lists.flat().map(({ id }) => id))];
	const messages = (await fetchInOrder(connection, ids)).sort(
		(a, b) => internalDateOf(b) - internalDateOf(a),
	);
	return (await toItems(context, connection, messages, settings)).slice(0, 1);
}

export async function pollGmail(
	context: IPollFunctions,
	settings: GmailTriggerSettings,
): Promise<INodeExecutionData[]> {
	try {
		const connection = await gmailConnection(context);
		if (context.getMode() === 'manual') return await sample(context, connection, settings);
		const cursor = context.getWorkflowStaticData('node') as GmailTriggerCursor;
		if (!cursor.historyId) return await activate(context, connection, cursor, settings);
		return await catchUp(context, connection, cursor, settings);
	} catch (error) {
		throw toNodeError(context.getNode(), error, {
			provider: 'Google',
			permission: 'gmail.readonly',
		});
	}
}
