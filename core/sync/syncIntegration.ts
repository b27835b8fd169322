// Syncs one integration: mail, then calendars, then (when turned on) YouTube comments, page by page; records the run in sync_runs and
// moves the integration's state machine on the outcome (DESIGN.md "Sync"):
// - success → connected, last_success_at, error cleared, next sync one interval later;
// - temporary (5xx, timeouts, resets) → stays connected, retried with backoff;
// - throttled → throttled until max(Retry-After, exponential backoff with jitter);
// - insufficient permissions → failed, naming the permission the account did not grant;
// - auth revoked (refresh refused, 401 after a forced refresh) → requires_reauth;
// - anything else → failed with its message.
// Expired cursors never reach here: each source relists by itself. A token never appears in a
// result, an error message or a log line.
import { randomUUID } from 'node:crypto';

import { classifyProviderError } from '../providers/providerErrors';
import { retryingRequester, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../providers/retry';
import type { CrmDatabase } from '../store/database';
import { listCursors } from '../store/cursors';
import {
	countFailuresSinceSuccess,
	finishSyncRun,
	pruneSyncRuns,
	startSyncRun,
	updateSyncRunProgress,
	type SyncRunKind,
	type SyncRunProgress,
} from '../store/syncRuns';
import { acquireLease, holdsLease, releaseLease, renewLease } from '../store/syncLeases';
import { syncCalendarSources } from './calendarSync';
import { REAUTH_MESSAGE } from './integrationAccess';
import { gmailPacedRequester } from './gmailQuotaPacer';
import {
	integrationRequester,
	type AuthorizedRequester,
	type IntegrationAccess,
} from './integrationRequester';
import {
	readIntegrationSyncState,
	writeSyncState,
	type IntegrationStatus,
} from './integrationState';
import { listingOf, syncMailSources } from './mailSync';
import { syncYoutubeCommentSource, type YoutubeCommentSyncReport } from './youtubeCommentSource';
import {
	addCounts,
	emptyCounts,
	type SourceSyncContext,
	type SyncCounts,
	type SyncEndpoints,
	type SyncHooks,
} from './sourceSync';

export interface SyncDeps {
	database: CrmDatabase;
	access: IntegrationAccess;
	endpoints: SyncEndpoints;
	/** Names this worker in leases and sync_runs. */
	workerId: string;
	/** Integrations synced at once by syncDueIntegrations (default 4). */
	concurrency?: number;
	now?: () => Date;
	/** Test hook for crash injection: a throw from atStep propagates out of syncIntegration. */
	hooks?: SyncHooks;
	/** Time between two syncs of an integration (default 55 s: a 60 s tick never skips one). */
	syncIntervalMs?: number;
	/** Retries of each provider call (default DEFAULT_RETRY_POLICY). */
	retryPolicy?: RetryPolicy;
	/** Sync runs kept per integration; older ones are deleted (default 100). */
	keepSyncRuns?: number;
	/** Paces Gmail to its per-user quota (default true). */
	paceGmail?: boolean;
	fetch?: typeof fetch;
}

export type SyncOutcome = 'succeeded' | 'throttled' | 'failed' | 'requires_reauth' | 'skipped';

export interface IntegrationSyncResult {
	workspaceId: string;
	integrationId: string;
	provider: 'google' | 'microsoft' | null;
	accountEmail: string | null;
	syncRunId: string | null;
	kind: SyncRunKind | null;
	outcome: SyncOutcome;
	statusBefore: IntegrationStatus | null;
	statusAfter: IntegrationStatus | null;
	stateChanged: boolean;
	counts: SyncCounts;
	errorClass?: string;
	errorMessage?: string;
	throttledUntil?: string;
	/** The YouTube comment source's poll, when it ran (why it stopped, quota spent today). */
	youtube?: YoutubeCommentSyncReport;
}

export interface SyncIntegrationOptions {
	workspaceId: string;
	integrationId: string;
	/** 'manual': a user asked for it (recorded as such in sync_runs). */
	kind?: 'manual';
	/** The lease the scheduler took: the sync runs only while it is still held. */
	leaseOwner?: string;
	/** How long a lease lasts; it is renewed while the sync runs (default 5 minutes). */
	leaseMs?: number;
}

export { REAUTH_MESSAGE };

export const DEFAULT_SYNC_INTERVAL_MS = 55_000;
export const DEFAULT_LEASE_MS = 5 * 60_000;

type SyncPhase = 'mail' | 'calendar' | 'youtube';

const PERMISSIONS: Record<string, Partial<Record<SyncPhase, string>>> = {
	google: {
		mail: 'Gmail read access (https://www.googleapis.com/auth/gmail.readonly)',
		calendar: 'Google Calendar read access (https://www.googleapis.com/auth/calendar.readonly)',
		youtube: 'YouTube read access (https://www.googleapis.com/auth/youtube.readonly)',
	},
	microsoft: { mail: 'Mail.Read', calendar: 'Calendars.Read' },
};

/** Exponential backoff with jitter: between half and all of base·2^(n-1), at most `max`. */
export function backoffMs(failures: number, baseMs: number, maxMs: number, random = Math.random) {
	const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** An error message without any token the sync used, cut to a readable length. */
function scrub(message: string, secrets: Set<string>): string {
	let text = message;
	for (const secret of secrets) if (secret) text = text.split(secret).join('[redacted]');
	text = text.replace(/Bearer\s+[^\s"',;]+/gi, 'Bearer [redacted]');
	return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

interface Failure {
	outcome: Exclude<SyncOutcome, 'succeeded' | 'skipped'>;
	status: IntegrationStatus;
	errorClass: string;
	message: string;
	throttledUntil: Date | null;
	nextSyncAt: Date | null;
}

export async function syncIntegration(
	deps: SyncDeps,
	options: SyncIntegrationOptions,
): Promise<IntegrationSyncResult> {
	const now = deps.now ?? (() => new Date());
	const knex = deps.database.knex;
	const { workspaceId, integrationId } = options;
	const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
	const counts = emptyCounts();
	const result: IntegrationSyncResult = {
		workspaceId,
		integrationId,
		provider: null,
		accountEmail: null,
		syncRunId: null,
		kind: null,
		outcome: 'skipped',
		statusBefore: null,
		statusAfter: null,
		stateChanged: false,
		counts,
	};
	const skipped = (message: string) => ({
		...result,
		statusAfter: result.statusBefore,
		errorMessage: message,
	});

	const state = await readIntegrationSyncState(knex, workspaceId, integrationId);
	if (!state) return skipped('No such integration in this workspace');
	result.provider = state.provider;
	result.accountEmail = state.accountEmail;
	result.statusBefore = state.status;

	// A sync asked for by hand holds a lease of its own: never one a scheduled sync holds.
	const owner = options.leaseOwner ?? `${deps.workerId}/${randomUUID().slice(0, 8)}`;
	let ownLease = false;
	if (options.leaseOwner) {
		if (!(await holdsLease(knex, workspaceId, integrationId, owner)))
			return skipped('The sync lease was lost before the sync started');
	} else {
		if (!(await acquireLease(knex, workspaceId, integrationId, owner, leaseMs)))
			return skipped('Another worker is syncing this integration');
		ownLease = true;
	}
	// Keep the lease while the sync runs (an initial sync can outlast one lease).
	const heartbeat = setInterval(
		() => void renewLease(knex, workspaceId, integrationId, owner, leaseMs).catch(() => false),
		Math.max(1_000, Math.floor(leaseMs / 3)),
	);
	heartbeat.unref();
	try {
		if (state.status === 'disconnected' || state.status === 'requires_reauth')
			return skipped(`The integration is ${state.status.replace('_', ' ')}`);
		if (!state.settings.syncEnabled) return skipped('Sync is turned off for this integration');
		return await runSync(deps, state, options, result, now);
	} finally {
		clearInterval(heartbeat);
		if (ownLease)
			await releaseLease(knex, workspaceId, integrationId, owner).catch(() => undefined);
	}
}

async function runSync(
	deps: SyncDeps,
	state: NonNullable<Awaited<ReturnType<typeof readIntegrationSyncState>>>,
	options: SyncIntegrationOptions,
	result: IntegrationSyncResult,
	now: () => Date,
): Promise<IntegrationSyncResult> {
	const knex = deps.database.knex;
	const { workspaceId, integrationId } = options;
	const startedAt = now();
	const counts = result.counts;

	const cursors = await listCursors(knex, workspaceId, integrationId);
	const running = cursors.map((cursor) => listingOf(cursor.backfillState).running);
	let kind: SyncRunKind =
		options.kind === 'manual'
			? 'manual'
			: cursors.length === 0 || running.includes('initial')
				? 'initial'
				: running.includes('resync')
					? 'full_resync'
					: 'incremental';
	result.kind = kind;
	await writeSyncState(knex, workspaceId, integrationId, { status: 'syncing' });
	const runId = await startSyncRun(
		knex,
		{ workspaceId, integrationId, kind, workerId: deps.workerId },
		startedAt,
	);
	result.syncRunId = runId;

	// Progress is written at most once a second, in order, and awaited before the run ends.
	let progress: SyncRunProgress = { done: 0, total: null, source: null };
	let progressWrite: Promise<void> = Promise.resolve();
	let lastWrite = 0;
	// Summed over the sources seen so far; the total only while every one of them has an estimate.
	const bySource = new Map<string, { done: number; total: number | null }>();
	const reportProgress = (update: { source: string; processed: number; total?: number | null }) => {
		bySource.set(update.source, { done: update.processed, total: update.total ?? null });
		const sources = [...bySource.values()];
		const done = sources.reduce((sum, source) => sum + source.done, 0);
		const total = sources.every((source) => source.total !== null)
			? sources.reduce((sum, source) => sum + (source.total ?? 0), 0)
			: null;
		progress = { done, total, source: update.source };
		if (Date.now() - lastWrite < 1_000) return;
		lastWrite = Date.now();
		const snapshot = progress;
		progressWrite = progressWrite
			.then(() => updateSyncRunProgress(knex, workspaceId, runId, snapshot))
			.catch(() => undefined);
	};

	// Tokens handed out during this sync, scrubbed from any message that could carry one.
	const secrets = new Set<string>();
	const access: IntegrationAccess = {
		async accessToken(integration, tokenOptions) {
			const token = await deps.access.accessToken(integration, tokenOptions);
			secrets.add(token);
			return token;
		},
	};
	const base = integrationRequester(
		access,
		{ workspaceId, id: integrationId },
		{ fetch: deps.fetch },
	);
	const paced =
		state.provider === 'google' && deps.paceGmail !== false
			? gmailPacedRequester(base, integrationId)
			: null;
	const requester = retryingRequester(
		paced ?? base,
		deps.retryPolicy ?? DEFAULT_RETRY_POLICY,
	) as AuthorizedRequester;
	requester.refreshAuthorization = base.refreshAuthorization;

	// A throw from a test hook is a simulated crash: it leaves everything as a crash would.
	let crash: unknown;
	const hooks: SyncHooks | undefined = deps.hooks?.atStep
		? {
				atStep(step, detail) {
					try {
						deps.hooks!.atStep!(step, detail);
					} catch (error) {
						crash = error;
						throw error;
					}
				},
			}
		: undefined;

	const ctx: SourceSyncContext = {
		database: deps.database,
		workspaceId,
		integrationId,
		provider: state.provider,
		accountEmail: state.accountEmail,
		settings: state.settings,
		requester,
		endpoints: deps.endpoints,
		now,
		hooks,
		progress: reportProgress,
	};

	let phase: SyncPhase = 'mail';
	let failure: Failure | null = null;
	try {
		addCounts(counts, await syncMailSources(ctx));
		phase = 'calendar';
		if (state.settings.syncCalendar) addCounts(counts, await syncCalendarSources(ctx));
		if (state.provider === 'google' && state.settings.syncYoutubeComments) {
			phase = 'youtube';
			// YouTube's client retries 429/5xx itself: the shared requester would also retry a
			// 403 quotaExceeded, which only waiting for the quota day to end can cure.
			result.youtube = await syncYoutubeCommentSource(
				{ ...ctx, requester: base },
				{ retryPolicy: deps.retryPolicy },
			);
			addCounts(counts, result.youtube.counts);
		}
	} catch (error) {
		if (crash !== undefined && error === crash) {
			paced?.release();
			await progressWrite;
			throw error;
		}
		failure = await classifyFailure(deps, state, error, phase, secrets, now());
	} finally {
		paced?.release();
	}
	await progressWrite;

	// A relisting (expired cursor) during an incremental run makes it a full resync.
	if (kind === 'incremental') {
		const after = await listCursors(knex, workspaceId, integrationId);
		const resynced = after.some((cursor) => {
			const listing = listingOf(cursor.backfillState);
			return (
				listing.running === 'resync' ||
				(cursor.lastFullSyncAt !== null && cursor.lastFullSyncAt >= startedAt)
			);
		});
		if (resynced) kind = 'full_resync';
	}
	result.kind = kind;
	const finishedAt = now();
	await pruneSyncRuns(knex, workspaceId, integrationId, deps.keepSyncRuns ?? 100);

	if (!failure) {
		const statusAfter = await writeSyncState(knex, workspaceId, integrationId, {
			status: 'connected',
			errorClass: null,
			errorMessage: null,
			throttledUntil: null,
			lastSuccessAt: finishedAt,
			nextSyncAt: new Date(
				finishedAt.getTime() + (deps.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS),
			),
		});
		await finishSyncRun(
			knex,
			workspaceId,
			runId,
			{ status: 'succeeded', kind, counts: { ...counts }, progress },
			finishedAt,
		);
		return finish(result, 'succeeded', statusAfter);
	}

	const statusAfter = await writeSyncState(knex, workspaceId, integrationId, {
		status: failure.status,
		errorClass: failure.errorClass,
		errorMessage: failure.message,
		throttledUntil: failure.throttledUntil,
		nextSyncAt: failure.nextSyncAt,
	});
	await finishSyncRun(
		knex,
		workspaceId,
		runId,
		{
			status: failure.outcome === 'throttled' ? 'throttled' : 'failed',
			kind,
			counts: { ...counts },
			progress,
			errorClass: failure.errorClass,
			errorMessage: failure.message,
		},
		finishedAt,
	);
	const finished = finish(result, failure.outcome, statusAfter);
	finished.errorClass = failure.errorClass;
	finished.errorMessage = failure.message;
	if (failure.throttledUntil) finished.throttledUntil = failure.throttledUntil.toISOString();
	return finished;
}

function finish(
	result: IntegrationSyncResult,
	outcome: SyncOutcome,
	statusAfter: IntegrationStatus | null,
): IntegrationSyncResult {
	result.outcome = outcome;
	result.statusAfter = statusAfter;
	result.stateChanged = statusAfter !== result.statusBefore;
	return result;
}

async function classifyFailure(
	deps: SyncDeps,
	state: { workspaceId: string; id: string; provider: string; lastSuccessAt: Date | null },
	error: unknown,
	phase: SyncPhase,
	secrets: Set<string>,
	at: Date,
): Promise<Failure> {
	const failures =
		(await countFailuresSinceSuccess(
			deps.database.knex,
			state.workspaceId,
			state.id,
			state.lastSuccessAt,
		).catch(() => 0)) + 1;
	const later = (ms: number) => new Date(at.getTime() + ms);
	const interval = deps.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
	const ownClass = (error as { errorClass?: string } | undefined)?.errorClass;
	const classified = classifyProviderError(error);
	// The token store classifies its own failures (a revoked grant, a token endpoint that is down).
	const errorClass =
		ownClass === 'auth_revoked' || ownClass === 'temporary'
			? ownClass
			: (error as { code?: string } | undefined)?.code === 'sync_conflict'
				? 'temporary'
				: classified.errorClass;
	const message = scrub(classified.message || String(error), secrets);

	switch (errorClass) {
		case 'auth_revoked':
			return {
				outcome: 'requires_reauth',
				status: 'requires_reauth',
				errorClass: 'auth_revoked',
				message: REAUTH_MESSAGE,
				throttledUntil: null,
				nextSyncAt: null,
			};
		case 'throttled': {
			const wait = Math.max(classified.retryAfterMs ?? 0, backoffMs(failures, 60_000, 60 * 60_000));
			const until = later(wait);
			return {
				outcome: 'throttled',
				status: 'throttled',
				errorClass: 'throttled',
				message: `The provider is limiting requests; the sync resumes at ${until.toISOString()} (${message})`,
				throttledUntil: until,
				nextSyncAt: until,
			};
		}
		case 'temporary':
		case 'cursor_expired':
			return {
				outcome: 'failed',
				status: 'connected',
				errorClass: 'temporary',
				message,
				throttledUntil: null,
				nextSyncAt: later(backoffMs(failures, interval, 30 * 60_000)),
			};
		case 'insufficient_permissions': {
			const permission = PERMISSIONS[state.provider]?.[phase] ?? 'a permission the sync needs';
			return {
				outcome: 'failed',
				status: 'failed',
				errorClass: 'insufficient_permissions',
				message: `Missing permission: ${permission}. Reconnect the account and grant it.`,
				throttledUntil: null,
				nextSyncAt: later(backoffMs(failures, 15 * 60_000, 6 * 60 * 60_000)),
			};
		}
		default:
			return {
				outcome: 'failed',
				status: 'failed',
				errorClass: 'unknown',
				message,
				throttledUntil: null,
				nextSyncAt: later(backoffMs(failures, 5 * 60_000, 6 * 60 * 60_000)),
			};
	}
}
