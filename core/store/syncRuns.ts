// sync_runs: one row per sync of an integration, with its progress while it runs and its counts
// and outcome once it ends (the status widget reads them).
import type { Knex } from 'knex';

export type SyncRunKind = 'initial' | 'incremental' | 'full_resync' | 'manual';
export type SyncRunStatus = 'running' | 'succeeded' | 'failed' | 'throttled';

export interface SyncRunProgress {
	done: number;
	total: number | null;
	source: string | null;
}

export interface SyncRun {
	id: string;
	workspaceId: string;
	integrationId: string;
	kind: SyncRunKind;
	status: SyncRunStatus;
	workerId: string | null;
	startedAt: Date;
	finishedAt: Date | null;
	progress: SyncRunProgress;
	counts: Record<string, number>;
	errorClass: string | null;
	errorMessage: string | null;
}

interface SyncRunRow {
	id: string;
	workspace_id: string;
	integration_id: string;
	kind: SyncRunKind;
	status: SyncRunStatus;
	worker_id: string | null;
	started_at: Date;
	finished_at: Date | null;
	progress: SyncRunProgress;
	counts: Record<string, number>;
	error_class: string | null;
	error_message: string | null;
}

const toRun = (row: SyncRunRow): SyncRun => ({
	id: row.id,
	workspaceId: row.workspace_id,
	integrationId: row.integration_id,
	kind: row.kind,
	status: row.status,
	workerId: row.worker_id,
	startedAt: row.started_at,
	finishedAt: row.finished_at,
	progress: row.progress,
	counts: row.counts,
	errorClass: row.error_class,
	errorMessage: row.error_message,
});

export async function startSyncRun(
	db: Knex,
	run: { workspaceId: string; integrationId: string; kind: SyncRunKind; workerId: string },
	startedAt: Date,
): Promise<string> {
	const [row] = (await db('sync_runs')
		.insert({
			workspace_id: run.workspaceId,
			integration_id: run.integrationId,
			kind: run.kind,
			status: 'running',
			worker_id: run.workerId,
			started_at: startedAt,
			progress: JSON.stringify({ done: 0, total: null, source: null }),
		})
		.returning('id')) as Array<{ id: string }>;
	return row.id;
}

export async function updateSyncRunProgress(
	db: Knex,
	workspaceId: string,
	runId: string,
	progress: SyncRunProgress,
): Promise<void> {
	await db('sync_runs')
		.where({ workspace_id: workspaceId, id: runId, status: 'running' })
		.update({ progress: JSON.stringify(progress) });
}

export async function finishSyncRun(
	db: Knex,
	workspaceId: string,
	runId: string,
	outcome: {
		status: Exclude<SyncRunStatus, 'running'>;
		kind?: SyncRunKind;
		counts: Record<string, number>;
		progress?: SyncRunProgress;
		errorClass?: string | null;
		errorMessage?: string | null;
	},
	finishedAt: Date,
): Promise<void> {
	const values: Record<string, unknown> = {
		status: outcome.status,
		finished_at: finishedAt,
		counts: JSON.stringify(outcome.counts),
		error_class: outcome.errorClass ?? null,
		error_message: outcome.errorMessage ?? null,
	};
	if (outcome.kind) values.kind = outcome.kind;
	if (outcome.progress) values.progress = JSON.stringify(outcome.progress);
	await db('sync_runs').where({ workspace_id: workspaceId, id: runId }).update(values);
}

/** The integration's runs, newest first. */
export async function listSyncRuns(
	db: Knex,
	workspaceId: string,
	integrationId: string,
	limit = 20,
): Promise<SyncRun[]> {
	const rows = (await db('sync_runs')
		.where({ workspace_id: workspaceId, integration_id: integrationId })
		.orderBy([
			{ column: 'started_at', order: 'desc' },
			{ column: 'id', order: 'desc' },
		])
		.limit(limit)) as SyncRunRow[];
	return rows.map(toRun);
}

/** Runs that failed or were throttled since the last success: how far the backoff has grown. */
export async function countFailuresSinceSuccess(
	db: Knex,
	workspaceId: string,
	integrationId: string,
	since: Date | null,
): Promise<number> {
	const query = db('sync_runs')
		.where({ workspace_id: workspaceId, integration_id: integrationId })
		.whereIn('status', ['failed', 'throttled']);
	if (since) query.andWhere('started_at', '>', since);
	const [row] = (await query.count({ count: '*' })) as Array<{ count: string | number }>;
	return Number(row?.count ?? 0);
}

/**
 * Keeps the integration's newest `keep` runs and deletes the older ones: a run a minute would
 * otherwise add 1,440 rows a day per integration.
 */
export async function pruneSyncRuns(
	db: Knex,
	workspaceId: string,
	integrationId: string,
	keep: number,
): Promise<number> {
	return await db('sync_runs')
		.where({ workspace_id: workspaceId, integration_id: integrationId })
		.whereIn(
			'id',
			db('sync_runs')
				.select('id')
				.where({ workspace_id: workspaceId, integration_id: integrationId })
				.orderBy([
					{ column: 'started_at', order: 'desc' },
					{ column: 'id', order: 'desc' },
				])
				.offset(Math.max(1, keep)),
		)
		.delete();
}
