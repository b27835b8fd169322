// The fault matrix of the sync engine: a Gmail mailbox of a few thousand messages and a Google
// calendar, synced while one fault class hits at one point of the sync — 429 with Retry-After,
// 500, a slow answer, a connection reset, an expired cursor, a revoked grant — or while the sync
// "crashes" after a step of a page (fetched, rows written, cursor written, committed). The sync is
// then run again until it succeeds, and what PostgreSQL holds must equal what the mailbox and the
// calendar hold, exactly: one mailbox copy and one email per message, right labels and read state,
// nothing left over, nothing twice. Mail arrives, is deleted and relabelled during some scenarios.
import { randomUUID } from 'node:crypto';

import type { SyncStep } from '../../core/sync/sourceSync';
import { createIntegrationAccess, type IntegrationAccess } from '../../core/sync/integrationAccess';
import { syncIntegration, type SyncDeps } from '../../core/sync/syncIntegration';
import { apiCaller, appsFor, connectThroughConsent, type ApiCaller } from '../connect/support';
import { insertCalendarEvents } from '../support/calendarEmulator';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { startEmulator, type Emulator, type FaultSpec } from '../emulator';
import { cancelCalendarEvent, moveCalendarEvent } from '../emulator/google/calendar';
import { CalendarAccountState } from '../emulator/google/calendarStore';
import { deliverGmailMessages } from '../emulator/google/gmail';
import { GmailMailboxState } from '../emulator/google/gmailMailbox';
import {
	changeMessage,
	deliverGraphMessages,
	mailState,
	messageView,
	positionCount,
} from '../emulator/microsoft/graphMail';
import {
	compareGmail,
	compareGoogleCalendar,
	compareMail,
	graphExpected,
	describeDifferences,
	describeEventDifferences,
	EmulatorAccess,
	insertIntegration,
	noDifferences,
	noEventDifferences,
	type TestIntegration,
} from './faultMatrix.support';

const MESSAGES = Number(process.env.FAULT_MATRIX_MESSAGES ?? 2500);
const MAX_RUNS = 8;
// The generator spreads 2,500 messages over 625 days (4 a day, newest on 1 November 2026): a
// 300-day horizon from a frozen "now" lists about 1,100 of them, three listing pages of 500.
const NOW = new Date();
const HORIZON_DAYS = 300;
const SINCE_MS = NOW.getTime() - HORIZON_DAYS * 86_400_000;
// Microsoft: 120 days of every folder (about 480 messages), delta pages of 100.
const MS_HORIZON_DAYS = 120;
const MS_SINCE_MS = NOW.getTime() - MS_HORIZON_DAYS * 86_400_000;
const MS_FOLDERS = ['inbox', 'sentitems', 'archive'];
const MS_SETTINGS = {
	mailFolders: ['all'],
	syncCalendar: false,
	initialHorizon: { kind: 'days' as const, days: MS_HORIZON_DAYS },
};
const SETTINGS = {
	mailFolders: ['all'],
	calendars: ['primary'],
	initialHorizon: { kind: 'days' as const, days: HORIZON_DAYS },
};

let emu: Emulator;
let db: TestDatabase;
let access: EmulatorAccess;
let googleEmail: string;
let microsoftEmail: string;
let api: ApiCaller;
/** The engine's real access for Microsoft: tokens from the connect flow, refresh with rotation. */
let microsoftAccess: IntegrationAccess;

/** What a scenario does to the world before and between runs. */
interface ScenarioContext {
	integration: TestIntegration;
	/** Crash injection: the engine calls it at every step of every page. */
	setCrash(step: SyncStep, occurrence: number, sourceKind: 'mail' | 'calendar'): void;
	crashed(): boolean;
}

interface Scenario {
	name: string;
	arm(context: ScenarioContext): void | Promise<void>;
	/** Called after a run that did not succeed, before the next (faults are cleared by default). */
	recover?(context: ScenarioContext): void | Promise<void>;
	/** Outcomes the first run may end with (default: any). */
	firstOutcomes?: string[];
}

const scenariosRun: Array<{ name: string; runs: number; outcomes: string[] }> = [];

beforeAll(async () => {
	emu = await startEmulator({
		seed: 'fault-matrix',
		messages: MESSAGES,
		quota: { enabled: false },
	});
	googleEmail = emu.sandbox.googleEmail;
	microsoftEmail = emu.sandbox.microsoftEmail;
	db = await createTestDatabase();
	access = new EmulatorAccess(emu, db.database);
	const emulatorNow = () => new Date(emu.control.now());
	api = apiCaller(db.database, appsFor(emu), emulatorNow);
	microsoftAccess = createIntegrationAccess({
		database: db.database,
		apps: api.context.apps,
		now: emulatorNow,
	});
});

afterAll(async () => {
	console.log(
		`fault matrix: ${scenariosRun.length} scenarios run, mailbox of ${MESSAGES} messages\n${scenariosRun
			.map((s) => `  ${s.name}: ${s.runs} runs (${s.outcomes.join(' → ')})`)
			.join('\n')}`,
	);
	await db?.drop();
	await emu?.stop();
});

// ---- the world changing meanwhile --------------------------------------------------------------

let mutationRound = 0;

/** New mail, a deletion, a message read, one labelled, one moved to Trash; an event moved, one cancelled, one added. */
function mutateWorld(): void {
	mutationRound++;
	const account = emu.state.getAccount(googleEmail)!;
	const mailbox = GmailMailboxState.of(account);
	deliverGmailMessages(emu.state, googleEmail, 2);
	const live: string[] = [];
	// Spread over the mailbox, different messages each round.
	// Within the horizon (the newest few hundred), different messages each round.
	for (let i = 0; live.length < 5 && i < 400; i++) {
		const position = mailbox.totalPositions - 1 - ((mutationRound * 97 + i * 131) % 700);
		const view = mailbox.viewAt(position);
		if (
			!view ||
			view.labelIds.some((label) => ['SPAM', 'TRASH', 'DRAFT', 'SCHEDULED', 'CHAT'].includes(label))
		)
			continue;
		live.push(view.id);
	}
	const [toDelete, toRead, toLabel, toTrash, toUnread] = live;
	mailbox.deleteMessage(toDelete!);
	mailbox.modifyLabels(toRead!, [], ['UNREAD']);
	mailbox.modifyLabels(toLabel!, ['Label_2', 'STARRED'], []);
	mailbox.modifyLabels(toTrash!, ['TRASH'], ['INBOX']);
	mailbox.modifyLabels(toUnread!, ['UNREAD'], []);

	const calendars = CalendarAccountState.of(account);
	const primary = calendars.calendar('primary')!;
	const events = calendars
		.events(primary.id)
		.filter(
			(event) =>
				!event.deleted &&
				event.resource.status !== 'cancelled' &&
				!event.resource.recurrence &&
				event.resource.start?.dateTime,
		);
	const toMove = events[(mutationRound * 7) % events.length]!;
	const toCancel = events[(mutationRound * 11 + 3) % events.length]!;
	const start = Date.parse(toMove.resource.start!.dateTime!) + 3_600_000;
	moveCalendarEvent(
		emu.state,
		googleEmail,
		primary.id,
		toMove.resource.id,
		{ dateTime: new Date(start).toISOString(), timeZone: 'UTC' },
		{ dateTime: new Date(start + 1_800_000).toISOString(), timeZone: 'UTC' },
	);
	if (toCancel.resource.id !== toMove.resource.id)
		cancelCalendarEvent(emu.state, googleEmail, primary.id, toCancel.resource.id);
	insertCalendarEvents(emu, googleEmail, primary.id, 1, Date.UTC(2026, 11, 1 + mutationRound, 9));
}

/** A fault that changes the world right after the `after`-th matching call is answered. */
const mutateAfter = (operation: string, after: number): FaultSpec => ({
	operation,
	after,
	afterAnswer: () => mutateWorld(),
});

// ---- running a scenario ------------------------------------------------------------------------

// The engine's own request timeout is 60 s; the matrix gives its fetch a short one so that a slow
// answer is a timeout within the test's time.
const REQUEST_TIMEOUT_MS = 1_500;
const fetchWithTimeout: typeof fetch = (input, init) =>
	fetch(input, {
		...init,
		signal: init?.signal
			? AbortSignal.any([init.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
			: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
	});

function depsFor(hooks?: SyncDeps['hooks'], withAccess: IntegrationAccess = access): SyncDeps {
	return {
		database: db.database,
		access: withAccess,
		endpoints: { googleApiBaseUrl: emu.baseUrl, graphBaseUrl: emu.baseUrl },
		workerId: 'fault-matrix',
		hooks,
		// Frozen, so that every run (and every relisting) has the same horizon as the check.
		now: () => new Date(NOW),
		// The emulator's quota is off: pacing to 250 units/s would only slow the matrix down.
		paceGmail: false,
		// Shorter waits than production, same shape (Retry-After honoured up to a minute).
		retryPolicy: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 60_000 },
		fetch: fetchWithTimeout,
	};
}

/** A crash lapses the lease (here at once); a throttle is waited out (here at once). */
async function clearForNextRun(integration: TestIntegration): Promise<void> {
	await db.database.knex('integrations').where({ id: integration.integrationId }).update({
		throttled_until: null,
		next_sync_at: db.database.knex.fn.now(),
		lease_owner: null,
		lease_expires_at: null,
	});
}

type RunResult =
	| Awaited<ReturnType<typeof syncIntegration>>
	| { outcome: string; counts?: undefined };

async function syncOnce(
	integration: TestIntegration,
	hooks?: SyncDeps['hooks'],
): Promise<RunResult> {
	try {
		const withAccess = integration.provider === 'microsoft' ? microsoftAccess : access;
		return await syncIntegration(depsFor(hooks, withAccess), {
			workspaceId: integration.workspaceId,
			integrationId: integration.integrationId,
			kind: 'manual',
		});
	} catch (error) {
		return { outcome: `threw: ${(error as Error).message}` };
	}
}

async function expectInSync(integration: TestIntegration, label: string): Promise<void> {
	if (integration.provider === 'microsoft') {
		const expected = graphExpected(emu, microsoftEmail, MS_FOLDERS, MS_SINCE_MS);
		const graphMail = await compareMail(expected, db.database, integration);
		if (!noDifferences(graphMail))
			throw new Error(`${label}: mail differs: ${describeDifferences(graphMail)}`);
		return;
	}
	const mail = await compareGmail(emu, db.database, integration, { sinceMs: SINCE_MS });
	if (!noDifferences(mail)) throw new Error(`${label}: mail differs: ${describeDifferences(mail)}`);
	const events = await compareGoogleCalendar(emu, db.database, integration);
	if (!noEventDifferences(events))
		throw new Error(`${label}: events differ: ${describeEventDifferences(events)}`);
}

async function newIntegration(): Promise<TestIntegration> {
	return await insertIntegration(db.database, {
		provider: 'google',
		accountEmail: googleEmail,
		settings: SETTINGS,
	});
}

async function dropIntegration(integration: TestIntegration): Promise<void> {
	const knex = db.database.knex;
	await knex('integrations').where({ id: integration.integrationId }).delete();
	for (const table of [
		'mailbox_messages',
		'emails',
		'calendar_events',
		'sync_cursors',
		'sync_runs',
	])
		await knex(table).where({ workspace_id: integration.workspaceId }).delete();
}

/** The state machine after a run: throttled as long as asked, requires_reauth stored. */
async function checkStateAfter(integration: TestIntegration, result: RunResult): Promise<void> {
	const row = (await db.database
		.knex('integrations')
		.where({ id: integration.integrationId })
		.first('status', 'throttled_until')) as { status: string; throttled_until: Date | null };
	if (result.outcome === 'throttled') {
		expect(row.status).toBe('throttled');
		// Retry-After was 120 s: never earlier than that.
		expect(row.throttled_until!.getTime() - NOW.getTime()).toBeGreaterThanOrEqual(120_000);
	}
	if (result.outcome === 'requires_reauth') expect(row.status).toBe('requires_reauth');
	if (result.outcome === 'succeeded') expect(row.status).toBe('connected');
}

/** Arms the scenario on `integration`, syncs until a run succeeds with no fault left, checks. */
async function runScenario(scenario: Scenario, integration: TestIntegration): Promise<void> {
	emu.control.clearFaults();
	let crash:
		| {
				step: SyncStep;
				occurrence: number;
				kind: 'mail' | 'calendar';
				seen: number;
				fired: boolean;
		  }
		| undefined;
	const hooks: SyncDeps['hooks'] = {
		atStep(step, detail) {
			if (!crash || crash.fired || step !== crash.step) return;
			const kind = /calendar/.test(detail.sourceType) ? 'calendar' : 'mail';
			if (kind !== crash.kind) return;
			crash.seen++;
			if (crash.seen === crash.occurrence) {
				crash.fired = true;
				throw new Error(
					`simulated crash after ${step} of ${detail.sourceType} page ${detail.page}`,
				);
			}
		},
	};
	const context: ScenarioContext = {
		integration,
		setCrash(step, occurrence, kind) {
			crash = { step, occurrence, kind, seen: 0, fired: false };
		},
		crashed: () => crash?.fired ?? false,
	};
	await scenario.arm(context);
	const outcomes: string[] = [];
	let runs = 0;
	for (;;) {
		runs++;
		const result = await syncOnce(integration, hooks);
		outcomes.push(result.outcome);
		if (runs === 1 && scenario.firstOutcomes) {
			if (!scenario.firstOutcomes.includes(result.outcome))
				throw new Error(
					`${scenario.name}: first run ${result.outcome}, expected ${scenario.firstOutcomes.join(' or ')}`,
				);
		}
		await checkStateAfter(integration, result);
		if (result.outcome === 'succeeded' && emu.router.faults.active === 0) break;
		if (runs >= MAX_RUNS)
			throw new Error(`${scenario.name}: no success after ${runs} runs: ${outcomes.join(', ')}`);
		emu.control.clearFaults();
		await scenario.recover?.(context);
		await clearForNextRun(integration);
	}
	if (crash && !crash.fired) throw new Error(`${scenario.name}: the crash point was never reached`);
	if (integration.provider === 'microsoft') {
		// A Graph run ends with its delta round: what changed while a listing round ran comes with
		// the next round, i.e. the next tick.
		const tick = await syncOnce(integration);
		outcomes.push(`next tick ${tick.outcome}`);
		expect(tick.outcome).toBe('succeeded');
	}
	await expectInSync(integration, scenario.name);
	// Running it again changes nothing.
	const again = await syncOnce(integration);
	expect(again.outcome).toBe('succeeded');
	expect(again.counts?.created).toBe(0);
	await expectInSync(integration, `${scenario.name} (run again)`);
	scenariosRun.push({ name: scenario.name, runs, outcomes });
}

// ---- the matrix --------------------------------------------------------------------------------

const LIST = 'gmail.users.messages.list';
const HISTORY = 'gmail.users.history.list';
const MESSAGE_READS = '/^gmail\\.(batch|users\\.messages\\.get)$/';
const EVENTS = 'calendar.events.list';
const STEPS: SyncStep[] = ['fetched', 'rows_written', 'cursor_written', 'committed'];

/** The fault classes; each is injected at a point of the sync (an operation, after N calls). */
const FAULTS: Array<{ name: string; fault: Partial<FaultSpec>; firstOutcomes?: string[] }> = [
	// Longer than any wait inside one run: the integration is throttled until then.
	{
		name: '429 Retry-After 120 s',
		fault: { status: 429, retryAfterSeconds: 120, times: -1 },
		firstOutcomes: ['throttled'],
	},
	// Short: waited for and retried inside the run.
	{ name: '429 Retry-After 1 s', fault: { status: 429, retryAfterSeconds: 1, times: 1 } },
	{ name: '500 until cleared', fault: { status: 500, times: -1 }, firstOutcomes: ['failed'] },
	{ name: '500 twice', fault: { status: 500, times: 2 } },
	// Longer than the request timeout: abandoned and retried.
	{ name: 'timeout', fault: { latencyMs: 2_500, times: 1 } },
	{ name: 'connection reset', fault: { reset: true, times: 1 } },
	{
		name: 'connection reset until cleared',
		fault: { reset: true, times: -1 },
		firstOutcomes: ['failed'],
	},
];

/** Listing-phase scenarios: each on a new integration (its own workspace), from the first page. */
function listingScenarios(): Scenario[] {
	const scenarios: Scenario[] = [];
	for (const kind of ['mail', 'calendar'] as const) {
		for (const occurrence of kind === 'mail' ? [1, 2, 3] : [1]) {
			for (const step of STEPS) {
				scenarios.push({
					name: `crash after ${step} of ${kind} listing page ${occurrence}`,
					arm(context) {
						context.setCrash(step, occurrence, kind);
						// The world changes while the listing runs.
						if (kind === 'mail') emu.control.inject(mutateAfter(LIST, 1));
					},
				});
			}
		}
	}
	const points = [
		{ where: 'the first listing page', operation: LIST, after: 0 },
		{ where: 'the third listing page', operation: LIST, after: 2 },
		{ where: 'message reads mid-listing', operation: MESSAGE_READS, after: 30 },
		{ where: 'the calendar listing', operation: EVENTS, after: 0 },
	];
	// Every class at the first page; the other points take the classes in turn (each listing
	// scenario costs a whole listing, so the matrix is not the full product).
	for (const [index, faultClass] of FAULTS.entries()) {
		const at = [points[0]!, points[1 + (index % 3)]!];
		for (const point of at) {
			scenarios.push({
				name: `${faultClass.name} at ${point.where}`,
				firstOutcomes: faultClass.firstOutcomes,
				arm() {
					emu.control.inject({
						...faultClass.fault,
						operation: point.operation,
						after: point.after,
					});
					emu.control.inject(mutateAfter(LIST, 1));
				},
			});
		}
	}
	scenarios.push(
		{
			name: 'grant revoked before the first listing, reconnected',
			firstOutcomes: ['requires_reauth'],
			arm() {
				access.revoke('google', googleEmail);
			},
			recover: reconnect,
		},
		{
			name: 'grant revoked mid-listing while mail changes, reconnected',
			firstOutcomes: ['requires_reauth'],
			arm() {
				emu.control.inject({
					operation: LIST,
					after: 1,
					afterAnswer: () => {
						mutateWorld();
						access.revoke('google', googleEmail);
					},
				});
			},
			recover: reconnect,
		},
	);
	return scenarios;
}

/** Incremental-phase scenarios: one synced integration, each scenario changing the world first. */
function incrementalScenarios(): Scenario[] {
	const scenarios: Scenario[] = [];
	for (const kind of ['mail', 'calendar'] as const) {
		for (const step of STEPS) {
			scenarios.push({
				name: `crash after ${step} of a ${kind} changes page`,
				arm(context) {
					mutateWorld();
					context.setCrash(step, 1, kind);
				},
			});
		}
	}
	for (const [index, faultClass] of FAULTS.entries()) {
		const points = [
			{ where: 'the history read', operation: HISTORY },
			{
				where: index % 2 === 0 ? 'message reads of the changes' : 'the calendar changes',
				operation: index % 2 === 0 ? MESSAGE_READS : EVENTS,
			},
		];
		for (const point of points) {
			scenarios.push({
				name: `${faultClass.name} at ${point.where}`,
				firstOutcomes: faultClass.firstOutcomes,
				arm() {
					mutateWorld();
					emu.control.inject({ ...faultClass.fault, operation: point.operation });
				},
			});
		}
	}
	scenarios.push(
		{
			name: 'expired Gmail history cursor, mail changed meanwhile',
			arm() {
				mutateWorld();
				emu.control.expireCursors(googleEmail, 'gmail');
			},
		},
		{
			name: 'expired calendar sync token, events changed meanwhile',
			arm() {
				mutateWorld();
				emu.control.expireCursors(googleEmail, 'calendar');
			},
		},
		{
			name: 'expired cursors, then 500s in the relisting',
			arm() {
				mutateWorld();
				emu.control.expireCursors(googleEmail, 'gmail');
				emu.control.expireCursors(googleEmail, 'calendar');
				emu.control.inject({ operation: LIST, after: 1, status: 500, times: -1 });
			},
			firstOutcomes: ['failed'],
		},
		{
			name: 'crash in the relisting, cursor expired again before the next run',
			arm(context) {
				mutateWorld();
				emu.control.expireCursors(googleEmail, 'gmail');
				context.setCrash('committed', 2, 'mail');
			},
			recover() {
				mutateWorld();
				emu.control.expireCursors(googleEmail, 'gmail');
			},
		},
		{
			name: 'grant revoked while mail changes, reconnected',
			firstOutcomes: ['requires_reauth'],
			arm() {
				mutateWorld();
				access.revoke('google', googleEmail);
			},
			recover: reconnect,
		},
	);
	return scenarios;
}

/** What a reconnect does: a new grant (the access's next token works) and status connected. */
async function reconnect(context: ScenarioContext): Promise<void> {
	access.reconnect('google', googleEmail);
	await db.database.knex('integrations').where({ id: context.integration.integrationId }).update({
		status: 'connected',
		error_class: null,
		error_message: null,
		connected_at: db.database.knex.fn.now(),
	});
}

// ---- Microsoft 365: the connect flow's tokens, refreshed (and rotated) by the engine's access ----

/** New mail, one read, one archived, one moved to Deleted Items, one purged, one categorised. */
function mutateGraph(): void {
	mutationRound++;
	const account = emu.state.getAccount(microsoftEmail)!;
	deliverGraphMessages(emu.state, microsoftEmail, 2);
	const views: NonNullable<ReturnType<typeof messageView>>[] = [];
	const total = positionCount(account);
	for (let i = 0; views.length < 5 && i < 300; i++) {
		const view = messageView(account, total - 1 - ((mutationRound * 37 + i * 29) % 250));
		if (view && !view.isDraft && ['inbox', 'sentitems', 'archive'].includes(view.folderKey))
			if (!views.some((v) => v.position === view.position)) views.push(view);
	}
	const [toRead, toArchive, toTrash, toPurge, toCategorise] = views;
	changeMessage(emu.state, account, toRead!, { isRead: !toRead!.isRead });
	changeMessage(emu.state, account, toArchive!, {
		folderKey: toArchive!.folderKey === 'archive' ? 'inbox' : 'archive',
	});
	changeMessage(emu.state, account, toTrash!, { folderKey: 'deleteditems' });
	changeMessage(emu.state, account, toPurge!, { purge: true });
	changeMessage(emu.state, account, toCategorise!, { categories: ['Blue category'] });
	void mailState(account);
}

/** Connects the Microsoft sandbox account in a workspace of its own, through consent. */
async function connectMicrosoft(workspaceId: string = randomUUID()): Promise<TestIntegration> {
	const { result } = await connectThroughConsent(api, emu, {
		workspaceId,
		userId: 'fault-matrix',
		provider: 'microsoft',
		email: microsoftEmail,
	});
	if (result.status !== 'connected') throw new Error(`connect: ${JSON.stringify(result)}`);
	await db.database
		.knex('integrations')
		.where({ id: result.integrationId })
		.update({ settings: JSON.stringify(MS_SETTINGS) });
	return {
		workspaceId,
		integrationId: result.integrationId!,
		provider: 'microsoft',
		accountEmail: microsoftEmail,
	};
}

const DELTA = 'graph.mailFolders.messages.delta';
const tokenCalls = () => emu.control.calls().byOperation['microsoft.identity.token'] ?? 0;

function microsoftScenarios(): Scenario[] {
	const scenarios: Scenario[] = [];
	for (const step of STEPS) {
		scenarios.push({
			name: `Microsoft: crash after ${step} of inbox delta page 2`,
			arm(context) {
				context.setCrash(step, 2, 'mail');
				emu.control.inject({ operation: DELTA, after: 1, afterAnswer: () => mutateGraph() });
			},
		});
	}
	for (const faultClass of FAULTS) {
		scenarios.push({
			name: `Microsoft: ${faultClass.name} at the second delta page`,
			firstOutcomes: faultClass.firstOutcomes,
			arm() {
				emu.control.inject({ ...faultClass.fault, operation: DELTA, after: 1 });
				emu.control.inject({ operation: DELTA, after: 2, afterAnswer: () => mutateGraph() });
			},
		});
	}
	scenarios.push(
		{
			name: 'Microsoft: expired delta links, mail changed meanwhile',
			async arm(context) {
				const first = await syncOnce(context.integration);
				if (first.outcome !== 'succeeded') throw new Error(`first sync ${first.outcome}`);
				mutateGraph();
				emu.control.expireCursors(microsoftEmail, 'graph');
			},
		},
		{
			name: 'Microsoft: access token expires twice mid-listing, the refresh token rotating each time',
			firstOutcomes: ['succeeded'],
			arm() {
				// Once the grace period is over, only the newest refresh token works.
				emu.control.configure({ microsoftRefreshTokenGraceMs: 1_000 });
				const before = tokenCalls();
				for (const after of [1, 3])
					emu.control.inject({
						operation: DELTA,
						after,
						afterAnswer: () => {
							emu.control.advanceClock(2 * 60 * 60_000);
						},
					});
				emu.control.inject({ operation: DELTA, after: 2, afterAnswer: () => mutateGraph() });
				afterRuns.push(() => expect(tokenCalls() - before).toBeGreaterThanOrEqual(2));
			},
		},
		{
			name: 'Microsoft: grant revoked mid-listing while mail changes, reconnected through consent',
			firstOutcomes: ['requires_reauth'],
			arm() {
				emu.control.inject({
					operation: DELTA,
					after: 1,
					afterAnswer: () => {
						mutateGraph();
						emu.control.revokeGrants(microsoftEmail);
					},
				});
			},
			async recover(context) {
				const again = await connectMicrosoft(context.integration.workspaceId);
				// Reconnecting the same account keeps the integration (and its cursors).
				expect(again.integrationId).toBe(context.integration.integrationId);
			},
		},
	);
	return scenarios;
}

/** Checks a scenario leaves for after its runs. */
const afterRuns: Array<() => void> = [];

describe('fault matrix', () => {
	it('the check catches a copy removed, a read state changed and an event removed', async () => {
		const integration = await newIntegration();
		const result = await syncOnce(integration);
		expect(result.outcome).toBe('succeeded');
		await expectInSync(integration, 'clean sync');
		const knex = db.database.knex;
		const where = {
			workspace_id: integration.workspaceId,
			integration_id: integration.integrationId,
		};
		const copies = (await knex('mailbox_messages').where(where).orderBy('id').limit(2)) as Array<{
			id: string;
			provider_message_id: string;
			is_read: boolean;
		}>;
		await knex('mailbox_messages').where({ id: copies[0]!.id }).delete();
		await knex('mailbox_messages')
			.where({ id: copies[1]!.id })
			.update({ is_read: !copies[1]!.is_read });
		const differences = await compareGmail(emu, db.database, integration, { sinceMs: SINCE_MS });
		expect(noDifferences(differences)).toBe(false);
		expect(differences.missing).toEqual([copies[0]!.provider_message_id]);
		expect(differences.wrongReadState).toEqual([copies[1]!.provider_message_id]);
		expect(differences.orphanEmails).toBe(1);
		const [event] = (await knex('calendar_events')
			.where(where)
			.whereNot({ status: 'cancelled' })
			.limit(1)) as Array<{ id: string; provider_event_id: string }>;
		await knex('calendar_events').where({ id: event!.id }).delete();
		const eventDifferences = await compareGoogleCalendar(emu, db.database, integration);
		expect(eventDifferences.missing).toEqual([event!.provider_event_id]);
		await dropIntegration(integration);
	});

	describe('listing phase (a new integration each)', () => {
		it.each(listingScenarios().map((scenario) => [scenario.name, scenario] as const))(
			'%s',
			async (_name, scenario) => {
				const integration = await newIntegration();
				await runScenario(scenario, integration);
				await dropIntegration(integration);
			},
			180_000,
		);
	});

	describe("Microsoft 365 mail (a new connection each, the engine's own token refresh)", () => {
		afterEach(() => emu.control.configure({ microsoftRefreshTokenGraceMs: 60_000 }));
		it.each(microsoftScenarios().map((scenario) => [scenario.name, scenario] as const))(
			'%s',
			async (_name, scenario) => {
				const integration = await connectMicrosoft();
				afterRuns.length = 0;
				await runScenario(scenario, integration);
				for (const check of afterRuns.splice(0)) check();
				await dropIntegration(integration);
			},
			180_000,
		);
	});

	describe('incremental phase (one synced integration, the world changing before each)', () => {
		let integration: TestIntegration;
		beforeAll(async () => {
			integration = await newIntegration();
			const first = await syncOnce(integration);
			if (first.outcome !== 'succeeded') throw new Error(`initial sync ${first.outcome}`);
			await expectInSync(integration, 'initial sync');
		}, 180_000);
		afterAll(async () => {
			if (integration) await dropIntegration(integration);
		});
		it.each(incrementalScenarios().map((scenario) => [scenario.name, scenario] as const))(
			'%s',
			async (_name, scenario) => {
				await runScenario(scenario, integration);
			},
			180_000,
		);
	});
});
