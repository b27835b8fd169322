// What the fault matrix and the sync benchmarks share: an integration row for an emulator account,
// an IntegrationAccess that hands out emulator tokens, and the comparison of what PostgreSQL holds
// with what the emulator's mailbox and calendar hold now.

import type { CrmDatabase } from '../../core/store/database';
import type { Emulator } from '../emulator';
import { addIntegration, type TestIntegration } from './engineSupport';
import { CalendarAccountState } from '../emulator/google/calendarStore';
import { GmailMailboxState } from '../emulator/google/gmailMailbox';
import { messageIdFor, messageView, positionCount } from '../emulator/microsoft/graphMail';

/** Gmail labels the engine never stores (a mailbox copy of drafts, spam, trash, chats). */
const NEVER_SYNCED = ['DRAFT', 'SCHEDULED', 'CHAT', 'SPAM', 'TRASH'];

/** An integrations row for an emulator account, connected and due now (the engine tests' own). */
export const insertIntegration = addIntegration;
export type { TestIntegration };

/** Thrown where a refresh would meet invalid_grant (the grant was revoked at the provider). */
export class EmulatorGrantRevokedError extends Error {
	readonly errorClass = 'auth_revoked';
	constructor() {
		super('The account revoked access; reconnect it');
		this.name = 'IntegrationAuthError';
	}
}

/**
 * Access tokens straight from the emulator (what a refresh would give), one cached per account.
 * `revoke` stands for the user revoking the grant: the next refresh fails until `reconnect`.
 */
export class EmulatorAccess {
	private readonly tokens = new Map<string, string>();
	private readonly revoked = new Set<string>();
	refreshes = 0;

	constructor(
		private readonly emu: Emulator,
		private readonly database: CrmDatabase,
		private readonly makeRevokedError: () => Error = () => new EmulatorGrantRevokedError(),
	) {}

	async accessToken(
		integration: { workspaceId: string; id: string },
		options: { force?: boolean } = {},
	): Promise<string> {
		const row = (await this.database
			.knex('integrations')
			.where({ workspace_id: integration.workspaceId, id: integration.id })
			.first('provider', 'account_email')) as
			| { provider: 'google' | 'microsoft'; account_email: string }
			| undefined;
		if (!row) throw new Error(`no integration ${integration.id}`);
		const key = `${row.provider}:${row.account_email}`;
		if (this.revoked.has(key)) {
			await this.database
				.knex('integrations')
				.where({ id: integration.id })
				.update({ status: 'requires_reauth', error_class: 'auth_revoked' });
			throw this.makeRevokedError();
		}
		const cached = this.tokens.get(key);
		if (cached && !options.force) return cached;
		this.refreshes++;
		const token = this.emu.control.issueToken(row.account_email, {
			provider: row.provider,
		}).access_token;
		this.tokens.set(key, token);
		return token;
	}

	revoke(provider: 'google' | 'microsoft', email: string): void {
		this.emu.control.revokeGrants(email);
		this.revoked.add(`${provider}:${email.toLowerCase()}`);
		this.tokens.delete(`${provider}:${email.toLowerCase()}`);
	}

	reconnect(provider: 'google' | 'microsoft', email: string): void {
		this.revoked.delete(`${provider}:${email.toLowerCase()}`);
	}
}

export interface MailCopy {
	labels: string[];
	isRead: boolean;
	messageIdHeader?: string;
}

/**
 * Every message of a Gmail mailbox that a sync of `mailFolders: ['all']` must hold: received mail
 * (not drafts, scheduled, chats, spam or trash) received at or after `sinceMs` (the horizon).
 */
export function gmailExpected(emu: Emulator, email: string, sinceMs = 0): Map<string, MailCopy> {
	const account = emu.state.getAccount(email);
	if (!account) throw new Error(`no account ${email}`);
	const mailbox = GmailMailboxState.of(account);
	const expected = new Map<string, MailCopy>();
	for (let position = 0; position < mailbox.totalPositions; position++) {
		const view = mailbox.viewAt(position);
		if (!view || view.internalDate < sinceMs) continue;
		if (view.labelIds.some((label) => NEVER_SYNCED.includes(label))) continue;
		expected.set(view.id, {
			labels: [...view.labelIds].sort(),
			isRead: !view.labelIds.includes('UNREAD'),
			messageIdHeader: view.generated?.messageIdHeader ?? view.stored?.facts.messageIdHeader,
		});
	}
	return expected;
}

export interface StoredCopy extends MailCopy {
	emailId: string;
	deleted: boolean;
}

/** The mailbox copies an integration holds (tombstones flagged), by provider message id. */
export async function storedMail(
	database: CrmDatabase,
	integration: TestIntegration,
): Promise<{ copies: Map<string, StoredCopy>; duplicates: string[]; orphanEmails: number }> {
	const rows = (await database
		.knex('mailbox_messages as m')
		.join('emails as e', 'e.id', 'm.email_id')
		.where({
			'm.workspace_id': integration.workspaceId,
			'm.integration_id': integration.integrationId,
		})
		.select(
			'm.provider_message_id',
			'm.labels',
			'm.is_read',
			'm.deleted_at',
			'm.email_id',
			'e.internet_message_id',
		)) as Array<{
		provider_message_id: string;
		labels: string[] | string;
		is_read: boolean;
		deleted_at: Date | null;
		email_id: string;
		internet_message_id: string;
	}>;
	const copies = new Map<string, StoredCopy>();
	const duplicates: string[] = [];
	for (const row of rows) {
		if (copies.has(row.provider_message_id)) duplicates.push(row.provider_message_id);
		const labels =
			typeof row.labels === 'string' ? (JSON.parse(row.labels) as string[]) : row.labels;
		copies.set(row.provider_message_id, {
			labels: [...labels].sort(),
			isRead: row.is_read,
			messageIdHeader: row.internet_message_id,
			emailId: row.email_id,
			deleted: row.deleted_at !== null,
		});
	}
	// An email no mailbox copy of the workspace refers to (not even a tombstone) is left over.
	const [{ count }] = (
		await database.knex.raw(
			`select count(*)::int as count from emails e where e.workspace_id = ?
		   and not exists (select 1 from mailbox_messages m where m.email_id = e.id)`,
			[integration.workspaceId],
		)
	).rows as Array<{ count: number }>;
	return { copies, duplicates, orphanEmails: count };
}

const bare = (messageId: string | undefined) =>
	(messageId ?? '').trim().replace(/^<|>$/g, '').toLowerCase();

export interface Differences {
	missing: string[];
	extra: string[];
	duplicates: string[];
	wrongLabels: string[];
	wrongReadState: string[];
	wrongEmail: string[];
	orphanEmails: number;
	/** Provider item ids compared. */
	compared: number;
}

export const noDifferences = (d: Differences): boolean =>
	d.missing.length +
		d.extra.length +
		d.duplicates.length +
		d.wrongLabels.length +
		d.wrongReadState.length +
		d.wrongEmail.length +
		d.orphanEmails ===
	0;

/** Summary of a comparison for an assertion message: counts and the first few ids. */
export function describeDifferences(d: Differences): string {
	const few = (ids: string[]) =>
		`${ids.length}${ids.length ? ` (${ids.slice(0, 5).join(', ')})` : ''}`;
	return `missing ${few(d.missing)}, extra ${few(d.extra)}, duplicates ${few(d.duplicates)}, wrong labels ${few(d.wrongLabels)}, wrong read state ${few(d.wrongReadState)}, wrong email ${few(d.wrongEmail)}, orphan emails ${d.orphanEmails}, of ${d.compared}`;
}

/** Compares what a mailbox holds (`expected`) with an integration's stored copies. */
export async function compareMail(
	expected: Map<string, MailCopy>,
	database: CrmDatabase,
	integration: TestIntegration,
): Promise<Differences> {
	const stored = await storedMail(database, integration);
	const differences: Differences = {
		missing: [],
		extra: [],
		duplicates: stored.duplicates,
		wrongLabels: [],
		wrongReadState: [],
		wrongEmail: [],
		orphanEmails: stored.orphanEmails,
		compared: expected.size,
	};
	for (const [id, want] of expected) {
		const copy = stored.copies.get(id);
		if (!copy || copy.deleted) {
			differences.missing.push(id);
			continue;
		}
		if (want.labels.join(',') !== copy.labels.join(',')) differences.wrongLabels.push(id);
		if (want.isRead !== copy.isRead) differences.wrongReadState.push(id);
		if (want.messageIdHeader && bare(want.messageIdHeader) !== bare(copy.messageIdHeader))
			differences.wrongEmail.push(id);
	}
	for (const [id, copy] of stored.copies) {
		if (!copy.deleted && !expected.has(id)) differences.extra.push(id);
	}
	return differences;
}

/** Compares a Gmail mailbox (mail received since `sinceMs`) with an integration's copies. */
export async function compareGmail(
	emu: Emulator,
	database: CrmDatabase,
	integration: TestIntegration,
	options: { sinceMs?: number } = {},
): Promise<Differences> {
	return await compareMail(
		gmailExpected(emu, integration.accountEmail, options.sinceMs),
		database,
		integration,
	);
}

/**
 * Every message of a Microsoft 365 mailbox that a sync of `folders` (well-known folder names)
 * must hold: not drafts, received at or after `sinceMs`; keyed by immutable id, labelled with the
 * folder and the categories.
 */
export function graphExpected(
	emu: Emulator,
	email: string,
	folders: string[],
	sinceMs = 0,
): Map<string, MailCopy> {
	const account = emu.state.getAccount(email);
	if (!account) throw new Error(`no account ${email}`);
	const expected = new Map<string, MailCopy>();
	for (let position = 0; position < positionCount(account); position++) {
		const view = messageView(account, position);
		if (!view || view.isDraft || view.receivedMs < sinceMs || !folders.includes(view.folderKey))
			continue;
		expected.set(messageIdFor(account, view, true), {
			labels: [view.folderKey, ...view.categories].sort(),
			isRead: view.isRead,
			messageIdHeader: view.internetMessageId,
		});
	}
	return expected;
}

export interface EventCopy {
	status: string;
	title: string | null;
	start: string | null;
}

/** Every event of a Google calendar as the emulator holds it now (cancelled ones flagged). */
export function googleCalendarExpected(
	emu: Emulator,
	email: string,
	calendarId = 'primary',
): { calendarId: string; events: Map<string, EventCopy> } {
	const account = emu.state.getAccount(email);
	if (!account) throw new Error(`no account ${email}`);
	const store = CalendarAccountState.of(account);
	const calendar = store.calendar(calendarId);
	if (!calendar) throw new Error(`no calendar ${calendarId}`);
	const events = new Map<string, EventCopy>();
	for (const { resource, deleted } of store.events(calendar.id)) {
		const start = resource.start?.dateTime ?? resource.start?.date ?? null;
		events.set(resource.id, {
			status: deleted ? 'cancelled' : resource.status,
			title: resource.summary ?? null,
			start:
				start === null ? null : resource.start?.dateTime ? new Date(start).toISOString() : start,
		});
	}
	return { calendarId: calendar.id, events };
}

export interface EventDifferences {
	missing: string[];
	extra: string[];
	notCancelled: string[];
	wrongFields: string[];
	compared: number;
}

export const noEventDifferences = (d: EventDifferences): boolean =>
	d.missing.length + d.extra.length + d.notCancelled.length + d.wrongFields.length === 0;

export function describeEventDifferences(d: EventDifferences): string {
	const few = (ids: string[]) =>
		`${ids.length}${ids.length ? ` (${ids.slice(0, 5).join(', ')})` : ''}`;
	return `missing ${few(d.missing)}, extra ${few(d.extra)}, still live though cancelled ${few(d.notCancelled)}, wrong fields ${few(d.wrongFields)}, of ${d.compared}`;
}

// node-postgres reads a date column as local midnight.
const localDate = (date: Date) =>
	`${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/** Compares a Google calendar with the events an integration stored for it. */
export async function compareGoogleCalendar(
	emu: Emulator,
	database: CrmDatabase,
	integration: TestIntegration,
): Promise<EventDifferences> {
	const { calendarId, events } = googleCalendarExpected(emu, integration.accountEmail);
	const rows = (await database
		.knex('calendar_events')
		.where({ workspace_id: integration.workspaceId, integration_id: integration.integrationId })
		.select(
			'provider_calendar_id',
			'provider_event_id',
			'status',
			'title',
			'starts_at',
			'start_date',
		)) as Array<{
		provider_calendar_id: string;
		provider_event_id: string;
		status: string;
		title: string | null;
		starts_at: Date | null;
		start_date: Date | string | null;
	}>;
	const stored = new Map(
		rows
			.filter((row) => row.provider_calendar_id.toLowerCase() === calendarId.toLowerCase())
			.map((row) => [row.provider_event_id, row]),
	);
	const differences: EventDifferences = {
		missing: [],
		extra: [],
		notCancelled: [],
		wrongFields: [],
		compared: 0,
	};
	for (const [id, want] of events) {
		const row = stored.get(id);
		if (want.status === 'cancelled') {
			if (row && row.status !== 'cancelled') differences.notCancelled.push(id);
			continue;
		}
		differences.compared++;
		if (!row || row.status === 'cancelled') {
			differences.missing.push(id);
			continue;
		}
		const start = row.starts_at
			? row.starts_at.toISOString()
			: row.start_date instanceof Date
				? localDate(row.start_date)
				: row.start_date;
		if ((row.title ?? null) !== want.title || start !== want.start)
			differences.wrongFields.push(id);
	}
	for (const [id, row] of stored) {
		if (row.status !== 'cancelled' && !events.has(id)) differences.extra.push(id);
	}
	return differences;
}
