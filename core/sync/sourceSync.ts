// What the engine hands to each kind of source (mail, calendar) when it syncs one integration, and
// what a source hands back. Each source reads its change source page by page and commits every
// page's rows and cursor in one transaction; errors are thrown to the engine, which classifies
// them and moves the integration's state machine.
import type { CrmDatabase } from '../store/database';
import type { ProviderRequester } from '../providers/http';
import type { IntegrationSettings } from './integrationSettings';

export interface SyncEndpoints {
	googleApiBaseUrl: string;
	graphBaseUrl: string;
}

export interface SyncCounts {
	fetched: number;
	created: number;
	updated: number;
	deleted: number;
	skipped: number;
	failed: number;
}

export const emptyCounts = (): SyncCounts => ({
	fetched: 0,
	created: 0,
	updated: 0,
	deleted: 0,
	skipped: 0,
	failed: 0,
});

export function addCounts(into: SyncCounts, more: Partial<SyncCounts>): SyncCounts {
	for (const key of Object.keys(into) as Array<keyof SyncCounts>) into[key] += more[key] ?? 0;
	return into;
}

/** Points a test can stop at, as a crash would (the fault matrix throws from them). */
export type SyncStep = 'fetched' | 'rows_written' | 'cursor_written' | 'committed';

export interface SyncHooks {
	/** Called at each step of each page; throwing aborts the sync there, like a crash. */
	atStep?(step: SyncStep, detail: { sourceType: string; sourceId: string; page: number }): void;
}

export interface SourceSyncContext {
	database: CrmDatabase;
	workspaceId: string;
	integrationId: string;
	provider: 'google' | 'microsoft';
	accountEmail: string;
	settings: IntegrationSettings;
	/** Sends with the integration's access token (refreshed as needed) and retries. */
	requester: ProviderRequester;
	endpoints: SyncEndpoints;
	now: () => Date;
	hooks?: SyncHooks;
	/** Progress of the running sync: items processed so far and, when known, the expected total. */
	progress(update: { source: string; processed: number; total?: number | null }): void;
}

/** Another sync of the integration advanced a source's cursor meanwhile (a temporary failure). */
export class SyncConflictError extends Error {
	readonly code = 'sync_conflict';
	constructor(source: string) {
		super(`Another sync of this integration advanced ${source} meanwhile`);
		this.name = 'SyncConflictError';
	}
}
