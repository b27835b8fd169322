// "Sync due integrations": lease what is due (FOR UPDATE SKIP LOCKED, so several workers can run
// this at the same time and each integration goes to exactly one), sync the leased ones a few at
// a time, give every lease back. One failing integration never stops the others.
import type { Knex } from 'knex';

import type { CrmDatabase } from '../store/database';
import { forgetCursors, type SyncSourceType } from '../store/cursors';
import { leaseDueIntegrations, releaseLease } from '../store/syncLeases';
import { emptyCounts } from './sourceSync';
import {
	DEFAULT_LEASE_MS,
	syncIntegration,
	type IntegrationSyncResult,
	type SyncDeps,
} from './syncIntegration';

export interface SyncDueOptions {
	/** Most integrations leased in this tick (default 100). */
	limit?: number;
	/** Lease length, renewed while a sync runs (default 5 minutes). */
	leaseMs?: number;
}

/** Runs `work` over `items` with at most `concurrency` at once, keeping the order of results. */
async function mapBounded<T, R>(
	items: T[],
	concurrency: number,
	work: (item: T) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const runners = Array.from(
		{ length: Math.max(1, Math.min(concurrency, items.length)) },
		async () => {
			while (next < items.length) {
				const index = next++;
				results[index] = await work(items[index]);
			}
		},
	);
	await Promise.all(runners);
	return results;
}

export async function syncDueIntegrations(
	deps: SyncDeps,
	options: SyncDueOptions = {},
): Promise<IntegrationSyncResult[]> {
	const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
	const knex = deps.database.knex;
	const leased = await leaseDueIntegrations(knex, {
		workerId: deps.workerId,
		limit: options.limit ?? 100,
		leaseMs,
	});
	return await mapBounded(leased, deps.concurrency ?? 4, async (lease) => {
		try {
			return await syncIntegration(deps, {
				workspaceId: lease.workspaceId,
				integrationId: lease.integrationId,
				leaseOwner: lease.leaseOwner,
				leaseMs,
			});
		} catch (error) {
			// syncIntegration records its own failures; what reaches here (the database gone, a
			// simulated crash) is reported for this integration alone.
			return {
				workspaceId: lease.workspaceId,
				integrationId: lease.integrationId,
				provider: null,
				accountEmail: null,
				syncRunId: null,
				kind: null,
				outcome: 'failed',
				statusBefore: null,
				statusAfter: null,
				stateChanged: false,
				counts: emptyCounts(),
				errorClass: 'unknown',
				errorMessage: error instanceof Error ? error.message : String(error),
			} satisfies IntegrationSyncResult;
		} finally {
			await releaseLease(knex, lease.workspaceId, lease.integrationId, lease.leaseOwner).catch(
				() => undefined,
			);
		}
	});
}

/**
 * Asks for a sync of the integration at the next tick; `full` also forgets its cursors (only those
 * of `sourceTypes` when given: mail's or calendars'), so that sync lists those sources within the
 * horizon again (and reconciles deletions) while the others continue from their cursors. False
 * when the integration is not in the workspace.
 */
export async function requestResync(
	database: CrmDatabase | { knex: Knex },
	workspaceId: string,
	integrationId: string,
	options: { full?: boolean; sourceTypes?: readonly SyncSourceType[] } = {},
): Promise<boolean> {
	return await database.knex.transaction(async (trx) => {
		const count = await trx('integrations')
			.where({ workspace_id: workspaceId, id: integrationId })
			.update({ next_sync_at: trx.fn.now(), updated_at: trx.fn.now() });
		if (count === 0) return false;
		if (options.full && options.sourceTypes) {
			for (const sourceType of options.sourceTypes)
				await forgetCursors(trx, workspaceId, integrationId, sourceType);
		} else if (options.full) {
			await forgetCursors(trx, workspaceId, integrationId);
		}
		return true;
	});
}
