// What the engine's tests share: an integrations row for an emulator account, an IntegrationAccess
// handing out emulator tokens (standing in for the connect flow's, which refreshes real grants),
// sync deps pointed at the emulator, and what PostgreSQL holds of a mailbox.
import { randomUUID } from 'node:crypto';

import type { CrmDatabase } from '../../core/store/database';
import type { IntegrationSettingsInput } from '../../core/sync/integrationSettings';
import type { IntegrationAccess } from '../../core/sync/integrationRequester';
import type { SyncDeps } from '../../core/sync/syncIntegration';
import type { Emulator } from '../emulator';

export interface TestIntegration {
	workspaceId: string;
	integrationId: string;
	provider: 'google' | 'microsoft';
	accountEmail: string;
}

/** An integrations row for an emulator account: connected and due now. */
export async function addIntegration(
	database: CrmDatabase,
	options: {
		provider: 'google' | 'microsoft';
		accountEmail: string;
		settings?: IntegrationSettingsInput;
		workspaceId?: string;
		visibility?: 'metadata' | 'subject' | 'everything';
	},
): Promise<TestIntegration> {
	const workspaceId = options.workspaceId ?? randomUUID();
	const settings = { ...(options.settings ?? {}) } as Record<string, unknown>;
	if (options.visibility) settings.visibility = options.visibility;
	const [row] = (await database
		.knex('integrations')
		.insert({
			workspace_id: workspaceId,
			provider: options.provider,
			account_email: options.accountEmail.toLowerCase(),
			status: 'connected',
			settings: JSON.stringify(settings),
			visibility: options.visibility ?? 'everything',
			next_sync_at: database.knex.fn.now(),
			connected_at: database.knex.fn.now(),
		})
		.returning('id')) as Array<{ id: string }>;
	return {
		workspaceId,
		integrationId: row.id,
		provider: options.provider,
		accountEmail: options.accountEmail.toLowerCase(),
	};
}

/** The error the connect flow's access throws once a refresh meets invalid_grant. */
export class TestAuthError extends Error {
	readonly errorClass = 'auth_revoked';
	constructor() {
		super('The grant was revoked');
		this.name = 'IntegrationAuthError';
	}
}

/**
 * Emulator tokens, one cached per integration; `force` issues a new one (a refresh). Knobs for
 * the state machine's tests: a refused refresh, a refresh that hands back the same dead token,
 * tokens with fewer scopes.
 */
export class TestAccess implements IntegrationAccess {
	readonly tokens = new Map<string, string>();
	readonly issued: string[] = [];
	calls = 0;
	forced = 0;
	refuseRefresh = new Set<string>();
	staleOnRefresh = new Set<string>();
	scopes = new Map<string, string[]>();

	constructor(
		private readonly emu: Emulator,
		private readonly database: CrmDatabase,
	) {}

	async accessToken(
		integration: { workspaceId: string; id: string },
		options: { force?: boolean } = {},
	): Promise<string> {
		this.calls++;
		const cached = this.tokens.get(integration.id);
		if (cached && !options.force) return cached;
		if (options.force) this.forced++;
		if (this.refuseRefresh.has(integration.id)) throw new TestAuthError();
		if (cached && this.staleOnRefresh.has(integration.id)) return cached;
		const row = (await this.database
			.knex('integrations')
			.where({ workspace_id: integration.workspaceId, id: integration.id })
			.first('provider', 'account_email')) as
			| { provider: 'google' | 'microsoft'; account_email: string }
			| undefined;
		if (!row) throw new Error(`no integration ${integration.id}`);
		const token = this.emu.control.issueToken(row.account_email, {
			provider: row.provider,
			scopes: this.scopes.get(integration.id),
		}).access_token;
		this.tokens.set(integration.id, token);
		this.issued.push(token);
		return token;
	}
}

export function syncDeps(
	emu: Emulator,
	database: CrmDatabase,
	access: IntegrationAccess,
	more: Partial<SyncDeps> = {},
): SyncDeps {
	return {
		database,
		access,
		endpoints: { googleApiBaseUrl: emu.urls.googleApis, graphBaseUrl: emu.baseUrl },
		workerId: `test-${randomUUID().slice(0, 8)}`,
		// Retries quick enough for tests; the policy itself is the providers' module's.
		retryPolicy: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 2_000 },
		...more,
	};
}

export interface StoredCopy {
	providerMessageId: string;
	internetMessageId: string;
	labels: string[];
	isRead: boolean;
	direction: string;
	deleted: boolean;
	emailId: string;
}

/** The mailbox copies PostgreSQL holds for an integration, by provider message id. */
export async function storedCopies(
	database: CrmDatabase,
	integration: TestIntegration,
): Promise<Map<string, StoredCopy>> {
	const rows = (await database
		.knex('mailbox_messages as m')
		.join('emails as e', 'e.id', 'm.email_id')
		.where({
			'm.workspace_id': integration.workspaceId,
			'm.integration_id': integration.integrationId,
		})
		.select(
			'm.provider_message_id',
			'e.internet_message_id',
			'm.labels',
			'm.is_read',
			'm.direction',
			'm.deleted_at',
			'm.email_id',
		)) as Array<{
		provider_message_id: string;
		internet_message_id: string;
		labels: string[];
		is_read: boolean;
		direction: string;
		deleted_at: Date | null;
		email_id: string;
	}>;
	return new Map(
		rows.map((row) => [
			row.provider_message_id,
			{
				providerMessageId: row.provider_message_id,
				internetMessageId: row.internet_message_id,
				labels: row.labels,
				isRead: row.is_read,
				direction: row.direction,
				deleted: row.deleted_at !== null,
				emailId: row.email_id,
			},
		]),
	);
}

/** Live (not tombstoned) copies only. */
export async function liveCopies(database: CrmDatabase, integration: TestIntegration) {
	const all = await storedCopies(database, integration);
	return new Map([...all].filter(([, copy]) => !copy.deleted));
}

/** Provider ids of a mail folder or label, read through the emulator's API (all pages). */
export async function providerIds(
	emu: Emulator,
	integration: TestIntegration,
	folder: string,
): Promise<Set<string>> {
	const token = emu.control.issueToken(integration.accountEmail, {
		provider: integration.provider,
	}).access_token;
	const ids = new Set<string>();
	let url: string | undefined =
		integration.provider === 'google'
			? `${emu.baseUrl}/gmail/v1/users/me/messages?maxResults=500&labelIds=${folder}`
			: `${emu.baseUrl}/v1.0/me/mailFolders/${folder}/messages?$select=id,isDraft&$top=500`;
	while (url) {
		const response = await fetch(url, {
			// The engine stores Graph's immutable ids.
			headers: { authorization: `Bearer ${token}`, prefer: 'IdType="ImmutableId"' },
		});
		if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
		const body = (await response.json()) as {
			messages?: Array<{ id: string }>;
			value?: Array<{ id: string; isDraft?: boolean }>;
			nextPageToken?: string;
			'@odata.nextLink'?: string;
		};
		for (const message of body.messages ?? []) ids.add(message.id);
		for (const message of body.value ?? []) if (!message.isDraft) ids.add(message.id);
		url =
			integration.provider === 'google'
				? body.nextPageToken
					? `${emu.baseUrl}/gmail/v1/users/me/messages?maxResults=500&labelIds=${folder}&pageToken=${body.nextPageToken}`
					: undefined
				: body['@odata.nextLink'];
	}
	return ids;
}
