import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import {
	pollGmailNewMail,
	startGmailNewMail,
	toGmailNewMailState,
	type GmailNewMailState,
	type MailItem,
} from '../../core';
import { gmailConnection } from '../shared/gmailConnection';
import { recordToItem } from '../shared/gmailItems';
import { assertGmailLabels } from '../shared/gmailLabels';
import { toNodeError } from '../shared/providerErrors';

export interface GmailTriggerSettings {
	labelIds: string[];
	downloadAttachments: boolean;
	/** ISO date: on the first activation, also emit mail received since then. */
	includeMailSince?: string;
	includeSpamTrash: boolean;
	skipSent: boolean;
}

const SAMPLE_SIZE = 25;
const DEFAULT_POLL_BUDGET_MS = 5 * 60_000;

/** Mail this account sent (label SENT, or from its own address) is left out when asked. */
const isWanted = (item: MailItem, settings: GmailTriggerSettings) =>
	!(settings.skipSent && item.record.direction === 'outgoing');

async function toItems(
	context: IPollFunctions,
	mail: MailItem[],
	settings: GmailTriggerSettings,
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	for (const item of mail) {
		if (!isWanted(item, settings)) continue;
		items.push(
			await recordToItem(context, item.record, item.attachments, settings.downloadAttachments),
		);
	}
	return items;
}

/**
 * Static data takes the new state only when it differs, key by key through n8n's proxy (which
 * is how n8n notices there is something to save); keys of earlier versions are dropped.
 */
function store(staticData: IDataObject, state: GmailNewMailState): void {
	const next = JSON.parse(JSON.stringify(state)) as IDataObject;
	if (JSON.stringify(staticData) === JSON.stringify(next)) return;
	for (const key of Object.keys(staticData)) if (!(key in next)) delete staticData[key];
	Object.assign(staticData, next);
}

export async function pollGmail(
	context: IPollFunctions,
	settings: GmailTriggerSettings,
): Promise<INodeExecutionData[]> {
	try {
		const connection = await gmailConnection(context);
		// A label that does not exist would never match: say so on activation and on every poll.
		await assertGmailLabels(context.getNode(), connection, settings.labelIds);
		let state: GmailNewMailState | null = null;
		const source = connection.changeSource({
			labelIds: settings.labelIds,
			includeSpamTrash: settings.includeSpamTrash,
			historyTypes: ['messageAdded'],
			// Once Gmail forgot the cursor, everything since the newest message seen is listed again.
			resyncSince: () => (state?.watermark != null ? new Date(state.watermark) : null),
		});
		if (context.getMode() === 'manual') {
			// "Fetch test event": the newest wanted message, without touching the cursor.
			const newest = await source.newestMessages(SAMPLE_SIZE);
			return (await toItems(context, newest, settings)).slice(0, 1);
		}
		const staticData = context.getWorkflowStaticData('node');
		state = toGmailNewMailState(staticData);
		const justStarted = !state;
		if (!state) {
			const since = settings.includeMailSince ? Date.parse(settings.includeMailSince) : NaN;
			state = await startGmailNewMail(source, {
				since: Number.isFinite(since) ? new Date(since) : undefined,
			});
		}
		// Half the poll's time budget: a large backlog is emitted over several polls.
		const budgetMs = (context.getPollBudgetMs?.() ?? DEFAULT_POLL_BUDGET_MS) / 2;
		const { state: next, newMail } = await pollGmailNewMail(source, state, {
			budgetMs,
			justStarted,
		});
		const items = await toItems(context, newMail, settings);
		store(staticData, next);
		return items;
	} catch (error) {
		throw toNodeError(context.getNode(), error, {
			provider: 'Google',
			permission: 'gmail.readonly',
		});
	}
}
