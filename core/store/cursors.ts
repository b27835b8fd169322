// Provider cursors per source (a Gmail mailbox selection, a Graph folder, a calendar), in
// sync_cursors. A cursor is written in the same transaction as the rows of the page it follows,
// so `db` is normally a transaction. A missing row means: start from the horizon.
import type { Knex } from 'knex';

import type { SourceCursor } from '../providers/changeSources';

const TABLE = 'sync_cursors';

export type SyncSourceType =
	| 'gmail_label'
	| 'graph_mail_folder'
	| 'google_calendar'
	| 'graph_calendar'
	| 'youtube_channel';

export interface SourceKey {
	workspaceId: string;
	integrationId: string;
	sourceType: SyncSourceType;
	sourceId: string;
}

export interface StoredCursor<TCursor extends SourceCursor = SourceCursor> {
	id: string;
	cursor: TCursor | null;
	backfillState: Record<string, unknown>;
	backfillCompletedAt: Date | null;
	lastFullSyncAt: Date | null;
}

interface CursorRow {
	id: string;
	cursor: string | null;
	backfill_state: Record<string, unknown>;
	backfill_completed_at: Date | null;
	last_full_sync_at: Date | null;
}

const keyOf = (key: SourceKey) => ({
	workspace_id: key.workspaceId,
	integration_id: key.integrationId,
	source_type: key.sourceType,
	source_id: key.sourceId,
});

/** The stored cursor of a source, or null when the source has none yet. */
export async function readCursor<TCursor extends SourceCursor>(
	db: Knex,
	key: SourceKey,
	options: { forUpdate?: boolean } = {},
): Promise<StoredCursor<TCursor> | null> {
	let query = db<CursorRow>(TABLE).where(keyOf(key)).first();
	if (options.forUpdate) query = query.forUpdate();
	const row = (await query) as CursorRow | undefined;
	if (!row) return null;
	return {
		id: row.id,
		cursor: row.cursor === null ? null : (JSON.parse(row.cursor) as TCursor),
		backfillState: row.backfill_state ?? {},
		backfillCompletedAt: row.backfill_completed_at,
		lastFullSyncAt: row.last_full_sync_at,
	};
}

/** Writes a source's cursor (insert or update), with whatever else of its state is given. */
export async function writeCursor(
	db: Knex,
	key: SourceKey,
	cursor: SourceCursor | null,
	extra: {
		backfillState?: Record<string, unknown>;
		backfillCompletedAt?: Date | null;
		lastFullSyncAt?: Date | null;
	} = {},
): Promise<void> {
	const values: Record<string, unknown> = {
		...keyOf(key),
		cursor: cursor === null ? null : JSON.stringify(cursor),
		updated_at: db.fn.now(),
	};
	if (extra.backfillState !== undefined)
		values.backfill_state = JSON.stringify(extra.backfillState);
	if (extra.backfillCompletedAt !== undefined)
		values.backfill_completed_at = extra.backfillCompletedAt;
	if (extra.lastFullSyncAt !== undefined) values.last_full_sync_at = extra.lastFullSyncAt;
	const merged = Object.keys(values).filter(
		(column) => !['workspace_id', 'integration_id', 'source_type', 'source_id'].includes(column),
	);
	await db(TABLE)
		.insert(values)
		.onConflict(['workspace_id', 'integration_id', 'source_type', 'source_id'])
		.merge(merged);
}

/** Every cursor of an integration (to show progress, or to find sources no longer selected). */
export async function listCursors(
	db: Knex,
	workspaceId: string,
	integrationId: string,
): Promise<Array<SourceKey & StoredCursor>> {
	const rows = (await db(TABLE)
		.where({ workspace_id: workspaceId, integration_id: integrationId })
		.orderBy(['source_type', 'source_id'])) as Array<
		CursorRow & { source_type: SyncSourceType; source_id: string }
	>;
	return rows.map((row) => ({
		workspaceId,
		integrationId,
		sourceType: row.source_type,
		sourceId: row.source_id,
		id: row.id,
		cursor: row.cursor === null ? null : (JSON.parse(row.cursor) as SourceCursor),
		backfillState: row.backfill_state ?? {},
		backfillCompletedAt: row.backfill_completed_at,
		lastFullSyncAt: row.last_full_sync_at,
	}));
}

/** Forgets one source's cursor (a source no longer chosen). */
export async function forgetCursor(db: Knex, key: SourceKey): Promise<number> {
	return await db(TABLE).where(keyOf(key)).delete();
}

/**
 * Forgets an integration's cursors (all, or one source type), so that its next sync relists from
 * the horizon: how a blocklist removal or a manual full resync brings back what was skipped.
 */
export async function forgetCursors(
	db: Knex,
	workspaceId: string,
	integrationId: string,
	sourceType?: SyncSourceType,
): Promise<number> {
	const query = db(TABLE).where({ workspace_id: workspaceId, integration_id: integrationId });
	if (sourceType) query.andWhere({ source_type: sourceType });
	return await query.delete();
}
