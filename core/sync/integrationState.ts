// The engine's reads and writes of an integration's sync state (the integrations table; the
// connect flow owns the rest of the row). Every write is scoped by workspace and never touches
// the token columns.
import type { Knex } from 'knex';

import { readIntegrationSettings, type IntegrationSettings } from './integrationSettings';

export type IntegrationStatus =
	| 'connected'
	| 'syncing'
	| 'throttled'
	| 'requires_reauth'
	| 'failed'
	| 'disconnected';

export interface IntegrationSyncState {
	id: string;
	workspaceId: string;
	provider: 'google' | 'microsoft';
	accountEmail: string;
	status: IntegrationStatus;
	settings: IntegrationSettings;
	lastSuccessAt: Date | null;
	throttledUntil: Date | null;
	nextSyncAt: Date | null;
}

interface StateRow {
	id: string;
	workspace_id: string;
	provider: 'google' | 'microsoft';
	account_email: string;
	status: IntegrationStatus;
	settings: unknown;
	last_success_at: Date | null;
	throttled_until: Date | null;
	next_sync_at: Date | null;
}

export async function readIntegrationSyncState(
	db: Knex,
	workspaceId: string,
	integrationId: string,
): Promise<IntegrationSyncState | null> {
	const row = (await db('integrations')
		.where({ workspace_id: workspaceId, id: integrationId })
		.first(
			'id',
			'workspace_id',
			'provider',
			'account_email',
			'status',
			'settings',
			'last_success_at',
			'throttled_until',
			'next_sync_at',
		)) as StateRow | undefined;
	if (!row) return null;
	return {
		id: row.id,
		workspaceId: row.workspace_id,
		provider: row.provider,
		accountEmail: row.account_email,
		status: row.status,
		settings: readIntegrationSettings(row.settings),
		lastSuccessAt: row.last_success_at,
		throttledUntil: row.throttled_until,
		nextSyncAt: row.next_sync_at,
	};
}

export interface SyncStateUpdate {
	status: IntegrationStatus;
	errorClass?: string | null;
	errorMessage?: string | null;
	throttledUntil?: Date | null;
	nextSyncAt?: Date | null;
	lastSuccessAt?: Date;
}

/**
 * Writes the outcome of a sync. A status the connect flow set meanwhile (disconnected, or
 * requires_reauth from a failed refresh) is never overwritten by a sync that started before it.
 */
export async function writeSyncState(
	db: Knex,
	workspaceId: string,
	integrationId: string,
	update: SyncStateUpdate,
): Promise<IntegrationStatus | null> {
	const values: Record<string, unknown> = { status: update.status, updated_at: db.fn.now() };
	if (update.errorClass !== undefined) values.error_class = update.errorClass;
	if (update.errorMessage !== undefined) values.error_message = update.errorMessage;
	if (update.throttledUntil !== undefined) values.throttled_until = update.throttledUntil;
	if (update.nextSyncAt !== undefined) values.next_sync_at = update.nextSyncAt;
	if (update.lastSuccessAt !== undefined) values.last_success_at = update.lastSuccessAt;
	const query = db('integrations').where({ workspace_id: workspaceId, id: integrationId });
	if (update.status !== 'requires_reauth')
		query.whereNotIn('status', ['disconnected', 'requires_reauth']);
	else query.whereNot('status', 'disconnected');
	const rows = (await query.update(values).returning('status')) as Array<{
		status: IntegrationStatus;
	}>;
	if (rows.length > 0) return rows[0].status;
	const current = (await db('integrations')
		.where({ workspace_id: workspaceId, id: integrationId })
		.first('status')) as { status: IntegrationStatus } | undefined;
	return current?.status ?? null;
}
