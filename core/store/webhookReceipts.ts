// webhook_receipts: every authenticated webhook call, once per (workspace, action, dedupe key).
// The insert is the idempotency check: the first delivery inserts the row and starts the workflow;
// the same delivery again only counts itself (delivery_count) and starts nothing. Concurrent
// duplicates are settled by the unique index, so exactly one of them is first.
import type { Knex } from 'knex';

import type { WebhookAction } from '../webhooks/normalise';

export interface WebhookReceipt {
	id: string;
	workspaceId: string;
	action: WebhookAction;
	dedupeKey: string;
	payload: unknown;
	receivedAt: Date;
	deliveryCount: number;
}

interface WebhookReceiptRow {
	id: string;
	workspace_id: string;
	action: WebhookAction;
	dedupe_key: string;
	payload: unknown;
	received_at: Date;
	delivery_count: number;
}

const toReceipt = (row: WebhookReceiptRow): WebhookReceipt => ({
	id: row.id,
	workspaceId: row.workspace_id,
	action: row.action,
	dedupeKey: row.dedupe_key,
	payload: row.payload,
	receivedAt: row.received_at,
	deliveryCount: row.delivery_count,
});

/**
 * Stores a receipt, or counts another delivery of one already stored. `firstDelivery` is true for
 * exactly one call per (workspace, action, dedupe key).
 */
export async function recordWebhookReceipt(
	db: Knex,
	receipt: { workspaceId: string; action: WebhookAction; dedupeKey: string; payload: unknown },
): Promise<{ receipt: WebhookReceipt; firstDelivery: boolean }> {
	// xmax is 0 on a row this statement inserted and non-zero on one it updated.
	const rows = (await db('webhook_receipts')
		.insert({
			workspace_id: receipt.workspaceId,
			action: receipt.action,
			dedupe_key: receipt.dedupeKey,
			payload: JSON.stringify(receipt.payload ?? {}),
		})
		.onConflict(['workspace_id', 'action', 'dedupe_key'])
		.merge({ delivery_count: db.raw('webhook_receipts.delivery_count + 1') })
		.returning([
			'id',
			'workspace_id',
			'action',
			'dedupe_key',
			'payload',
			'received_at',
			'delivery_count',
			db.raw('(xmax = 0) as inserted'),
		])) as Array<WebhookReceiptRow & { inserted: boolean }>;
	const row = rows[0];
	return { receipt: toReceipt(row), firstDelivery: row.inserted };
}

/** Receipts of a workspace, newest first. */
export async function listWebhookReceipts(
	db: Knex,
	workspaceId: string,
	options: { action?: WebhookAction; limit?: number } = {},
): Promise<WebhookReceipt[]> {
	const query = db('webhook_receipts')
		.where({ workspace_id: workspaceId })
		.orderBy('received_at', 'desc')
		.limit(options.limit ?? 100);
	if (options.action) query.andWhere({ action: options.action });
	return ((await query) as WebhookReceiptRow[]).map(toReceipt);
}
