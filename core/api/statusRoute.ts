// GET status: the caller's integrations (every one of the workspace for integrations:admin) with
// their state, last error, throttling and the running sync's progress.
import type { Knex } from 'knex';

import type { ApiPrincipal } from '../security/apiToken';
import { listIntegrations, type IntegrationView } from '../store/integrations';
import type { ApiContext, ApiRequest, ApiResponse } from './types';

export interface SyncProgress {
	syncRunId: string;
	kind: string;
	startedAt: string;
	done: number | null;
	total: number | null;
	source: string | null;
}

export type IntegrationStatusView = IntegrationView & { progress: SyncProgress | null };

/** Whether the principal may see every integration of the workspace, not only its own. */
export const seesWholeWorkspace = (principal: ApiPrincipal) =>
	principal.scopes.includes('integrations:admin');

export async function statusRoute(
	context: ApiContext,
	principal: ApiPrincipal,
	request: ApiRequest,
): Promise<ApiResponse> {
	const knex = context.database.knex;
	const provider = request.query.provider;
	const integrations = await listIntegrations(knex, principal.workspaceId, {
		userId: seesWholeWorkspace(principal) ? undefined : principal.userId,
		provider: provider === 'google' || provider === 'microsoft' ? provider : undefined,
	});
	const progress = await runningProgress(
		knex,
		principal.workspaceId,
		integrations.map((integration) => integration.id),
	);
	const body: { integrations: IntegrationStatusView[] } = {
		integrations: integrations.map((integration) => ({
			...integration,
			progress: progress.get(integration.id) ?? null,
		})),
	};
	return { status: 200, body };
}

/** The newest running sync of each integration, as recorded by the engine in sync_runs. */
export async function runningProgress(
	knex: Knex,
	workspaceId: string,
	integrationIds: string[],
): Promise<Map<string, SyncProgress>> {
	const result = new Map<string, SyncProgress>();
	if (integrationIds.length === 0) return result;
	const rows = (await knex('sync_runs')
		.distinctOn('integration_id')
		.select('id', 'integration_id', 'kind', 'started_at', 'progress')
		.where({ workspace_id: workspaceId, status: 'running' })
		.whereIn('integration_id', integrationIds)
		.orderBy([{ column: 'integration_id' }, { column: 'started_at', order: 'desc' }])) as Array<{
		id: string;
		integration_id: string;
		kind: string;
		started_at: Date;
		progress: Record<string, unknown> | null;
	}>;
	for (const row of rows) {
		const progress = row.progress ?? {};
		result.set(row.integration_id, {
			syncRunId: row.id,
			kind: row.kind,
			startedAt: row.started_at.toISOString(),
			done: numberOrNull(progress.done ?? progress.processed),
			total: numberOrNull(progress.total ?? progress.estimatedTotal),
			source: typeof progress.source === 'string' ? progress.source : null,
		});
	}
	return result;
}

const numberOrNull = (value: unknown) =>
	typeof value === 'number' && Number.isFinite(value) ? value : null;
