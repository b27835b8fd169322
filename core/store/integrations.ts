// The integrations table as the connect flow and the API see it: create-or-reconnect by account,
// reads scoped by workspace, a public view without token columns, settings, status, and tokens
// sealed with the keyring (the envelope names its key; token_key_id mirrors it for rotation).
import type { Knex } from 'knex';

import {
	mergeIntegrationSettings,
	readIntegrationSettings,
	type IntegrationSettings,
	type IntegrationSettingsUpdate,
} from '../sync/integrationSettings';
import { integrationTokenAad, type TokenCipher } from '../security/tokenCipher';

const TABLE = 'integrations';

export type IntegrationProvider = 'google' | 'microsoft';
export type IntegrationStatus =
	| 'connected'
	| 'syncing'
	| 'throttled'
	| 'requires_reauth'
	| 'failed'
	| 'disconnected';

/** A row of `integrations` as PostgreSQL returns it (token columns included: never expose it). */
export interface IntegrationRow {
	id: string;
	workspace_id: string;
	user_id: string | null;
	provider: IntegrationProvider;
	account_email: string;
	account_id: string | null;
	display_name: string | null;
	status: IntegrationStatus;
	throttled_until: Date | null;
	error_class: string | null;
	error_message: string | null;
	access_token_encrypted: string | null;
	refresh_token_encrypted: string | null;
	token_key_id: string | null;
	token_expires_at: Date | null;
	granted_scopes: string[];
	settings: unknown;
	visibility: string;
	last_success_at: Date | null;
	next_sync_at: Date | null;
	lease_owner: string | null;
	lease_expires_at: Date | null;
	connected_at: Date | null;
	disconnected_at: Date | null;
	created_at: Date;
	updated_at: Date;
}

/** What the API and the nodes may show of an integration: never a token. */
export interface IntegrationView {
	id: string;
	workspaceId: string;
	userId: string | null;
	provider: IntegrationProvider;
	accountEmail: string;
	displayName: string | null;
	status: IntegrationStatus;
	errorClass: string | null;
	errorMessage: string | null;
	throttledUntil: string | null;
	grantedScopes: string[];
	settings: IntegrationSettings;
	lastSuccessAt: string | null;
	nextSyncAt: string | null;
	connectedAt: string | null;
	disconnectedAt: string | null;
}

/** Columns safe to select for views (no token column). */
const PUBLIC_COLUMNS = [
	'id',
	'workspace_id',
	'user_id',
	'provider',
	'account_email',
	'account_id',
	'display_name',
	'status',
	'throttled_until',
	'error_class',
	'error_message',
	'granted_scopes',
	'settings',
	'visibility',
	'last_success_at',
	'next_sync_at',
	'connected_at',
	'disconnected_at',
	'created_at',
	'updated_at',
] as const;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function toIntegrationView(
	row: Omit<IntegrationRow, `${string}_encrypted`>,
): IntegrationView {
	return {
		id: row.id,
		workspaceId: row.workspace_id,
		userId: row.user_id,
		provider: row.provider,
		accountEmail: row.account_email,
		displayName: row.display_name,
		status: row.status,
		errorClass: row.error_class,
		errorMessage: row.error_message,
		throttledUntil: iso(row.throttled_until),
		grantedScopes: row.granted_scopes,
		settings: readIntegrationSettings(row.settings),
		lastSuccessAt: iso(row.last_success_at),
		nextSyncAt: iso(row.next_sync_at),
		connectedAt: iso(row.connected_at),
		disconnectedAt: iso(row.disconnected_at),
	};
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `id` can be an integration id (anything else is simply not found, not a SQL error). */
export function isIntegrationId(id: unknown): id is string {
	return typeof id === 'string' && UUID.test(id);
}

/** One integration of a workspace (with token columns, for the engine), or undefined. */
export async function getIntegrationRow(
	db: Knex,
	workspaceId: string,
	id: string,
	options: { forUpdate?: boolean } = {},
): Promise<IntegrationRow | undefined> {
	if (!isIntegrationId(id)) return undefined;
	const query = db(TABLE).where({ workspace_id: workspaceId, id }).first();
	if (options.forUpdate) query.forUpdate();
	return (await query) as IntegrationRow | undefined;
}

/** One integration of a workspace as the API shows it, or undefined. */
export async function getIntegration(
	db: Knex,
	workspaceId: string,
	id: string,
): Promise<IntegrationView | undefined> {
	if (!isIntegrationId(id)) return undefined;
	const row = await db(TABLE)
		.select(PUBLIC_COLUMNS)
		.where({ workspace_id: workspaceId, id })
		.first();
	return row ? toIntegrationView(row as IntegrationRow) : undefined;
}

/** The integrations of a workspace (of one user when `userId` is given), oldest first. */
export async function listIntegrations(
	db: Knex,
	workspaceId: string,
	filter: { userId?: string; provider?: IntegrationProvider } = {},
): Promise<IntegrationView[]> {
	const query = db(TABLE)
		.select(PUBLIC_COLUMNS)
		.where({ workspace_id: workspaceId })
		.orderBy([{ column: 'created_at' }, { column: 'id' }]);
	if (filter.userId !== undefined) query.where('user_id', filter.userId);
	if (filter.provider) query.where('provider', filter.provider);
	return ((await query) as IntegrationRow[]).map(toIntegrationView);
}

export interface IntegrationTokens {
	accessToken: string;
	/** Absent when the provider did not send a new one: the stored one is kept. */
	refreshToken?: string | null;
	expiresAt: Date;
}

export interface ConnectedAccount {
	workspaceId: string;
	userId: string;
	provider: IntegrationProvider;
	accountEmail: string;
	accountId?: string | null;
	displayName?: string | null;
	grantedScopes: string[];
	tokens: IntegrationTokens;
}

/**
 * Creates the integration of an account, or reconnects the existing one (same workspace, provider
 * and address): the row, its synced data and its cursors stay; tokens, scopes and the user are
 * replaced; status becomes connected and the next sync is due now. One transaction.
 */
export async function connectIntegration(
	db: Knex,
	cipher: TokenCipher,
	account: ConnectedAccount,
): Promise<{ integration: IntegrationView; created: boolean }> {
	const accountEmail = account.accountEmail.trim().toLowerCase();
	return db.transaction(async (trx) => {
		const inserted = (await trx.raw(
			`insert into ?? (workspace_id, provider, account_email, user_id)
			 values (?, ?, ?, ?)
			 on conflict (workspace_id, provider, account_email) do update set updated_at = now()
			 returning id, (xmax = 0) as created`,
			[TABLE, account.workspaceId, account.provider, accountEmail, account.userId],
		)) as { rows: Array<{ id: string; created: boolean }> };
		const { id, created } = inserted.rows[0]!;
		const existing = (await trx(TABLE)
			.where({ workspace_id: account.workspaceId, id })
			.forUpdate()
			.first()) as IntegrationRow;
		const refreshToken =
			account.tokens.refreshToken ??
			(existing.refresh_token_encrypted
				? cipher.decrypt(
						existing.refresh_token_encrypted,
						integrationTokenAad(account.workspaceId, id, 'refresh_token'),
					)
				: null);
		await trx(TABLE)
			.where({ workspace_id: account.workspaceId, id })
			.update({
				user_id: account.userId,
				account_id: account.accountId ?? existing.account_id,
				display_name: account.displayName ?? existing.display_name,
				status: 'connected',
				error_class: null,
				error_message: null,
				throttled_until: null,
				granted_scopes: JSON.stringify(account.grantedScopes),
				...sealTokens(cipher, account.workspaceId, id, {
					accessToken: account.tokens.accessToken,
					refreshToken,
					expiresAt: account.tokens.expiresAt,
				}),
				next_sync_at: trx.fn.now(),
				connected_at: trx.fn.now(),
				disconnected_at: null,
				updated_at: trx.fn.now(),
			});
		const view = await getIntegration(trx, account.workspaceId, id);
		return { integration: view!, created };
	});
}

/** The token columns for new tokens, sealed under the active key and bound to the row. */
export function sealTokens(
	cipher: TokenCipher,
	workspaceId: string,
	id: string,
	tokens: { accessToken: string; refreshToken: string | null; expiresAt: Date },
): Pick<
	IntegrationRow,
	'access_token_encrypted' | 'refresh_token_encrypted' | 'token_key_id' | 'token_expires_at'
> {
	return {
		access_token_encrypted: cipher.encrypt(
			tokens.accessToken,
			integrationTokenAad(workspaceId, id, 'access_token'),
		),
		refresh_token_encrypted: tokens.refreshToken
			? cipher.encrypt(tokens.refreshToken, integrationTokenAad(workspaceId, id, 'refresh_token'))
			: null,
		token_key_id: cipher.activeKeyId,
		token_expires_at: tokens.expiresAt,
	};
}

/** Opens a row's tokens (null where none is stored). */
export function openTokens(
	cipher: TokenCipher,
	row: Pick<
		IntegrationRow,
		'id' | 'workspace_id' | 'access_token_encrypted' | 'refresh_token_encrypted'
	>,
): { accessToken: string | null; refreshToken: string | null } {
	return {
		accessToken: row.access_token_encrypted
			? cipher.decrypt(
					row.access_token_encrypted,
					integrationTokenAad(row.workspace_id, row.id, 'access_token'),
				)
			: null,
		refreshToken: row.refresh_token_encrypted
			? cipher.decrypt(
					row.refresh_token_encrypted,
					integrationTokenAad(row.workspace_id, row.id, 'refresh_token'),
				)
			: null,
	};
}

/** Stores new tokens of a row (within the caller's transaction when `db` is one). */
export async function storeIntegrationTokens(
	db: Knex,
	cipher: TokenCipher,
	key: { workspaceId: string; id: string },
	tokens: { accessToken: string; refreshToken: string | null; expiresAt: Date },
): Promise<void> {
	await db(TABLE)
		.where({ workspace_id: key.workspaceId, id: key.id })
		.update({
			...sealTokens(cipher, key.workspaceId, key.id, tokens),
			updated_at: db.fn.now(),
		});
}

/** Removes every token of a row. */
export async function wipeIntegrationTokens(
	db: Knex,
	key: { workspaceId: string; id: string },
): Promise<void> {
	await db(TABLE).where({ workspace_id: key.workspaceId, id: key.id }).update({
		access_token_encrypted: null,
		refresh_token_encrypted: null,
		token_key_id: null,
		token_expires_at: null,
		updated_at: db.fn.now(),
	});
}

export interface IntegrationStatusUpdate {
	status: IntegrationStatus;
	errorClass?: string | null;
	errorMessage?: string | null;
	throttledUntil?: Date | null;
	/** undefined: unchanged; null: not scheduled. */
	nextSyncAt?: Date | 'now' | null;
}

/** Sets the status (and error, throttling, schedule) of one integration of a workspace. */
export async function setIntegrationStatus(
	db: Knex,
	key: { workspaceId: string; id: string },
	update: IntegrationStatusUpdate,
): Promise<boolean> {
	const changes: Record<string, unknown> = {
		status: update.status,
		error_class: update.errorClass ?? null,
		error_message: update.errorMessage ?? null,
		throttled_until: update.throttledUntil ?? null,
		updated_at: db.fn.now(),
	};
	if (update.nextSyncAt !== undefined) {
		changes.next_sync_at = update.nextSyncAt === 'now' ? db.fn.now() : update.nextSyncAt;
	}
	if (update.status === 'disconnected') changes.disconnected_at = db.fn.now();
	const count = await db(TABLE)
		.where({ workspace_id: key.workspaceId, id: key.id })
		.update(changes);
	return count > 0;
}

/**
 * Applies a validated settings update; `visibility` is mirrored into its column (queries filter on
 * it). Turning sync off unschedules; turning it on schedules now. Returns the view, or undefined
 * when the workspace has no such integration.
 */
export async function updateIntegrationSettings(
	db: Knex,
	key: { workspaceId: string; id: string },
	update: IntegrationSettingsUpdate,
): Promise<IntegrationView | undefined> {
	if (!isIntegrationId(key.id)) return undefined;
	return db.transaction(async (trx) => {
		const row = (await trx(TABLE)
			.select('settings', 'status')
			.where({ workspace_id: key.workspaceId, id: key.id })
			.forUpdate()
			.first()) as Pick<IntegrationRow, 'settings' | 'status'> | undefined;
		if (!row) return undefined;
		const before = readIntegrationSettings(row.settings);
		const settings = mergeIntegrationSettings(row.settings, update);
		const changes: Record<string, unknown> = {
			settings: JSON.stringify(settings),
			visibility: settings.visibility,
			updated_at: trx.fn.now(),
		};
		if (before.syncEnabled !== settings.syncEnabled && row.status !== 'disconnected') {
			changes.next_sync_at = settings.syncEnabled ? trx.fn.now() : null;
		}
		await trx(TABLE).where({ workspace_id: key.workspaceId, id: key.id }).update(changes);
		return getIntegration(trx, key.workspaceId, key.id);
	});
}

/**
 * Re-encrypts stored tokens sealed with a key other than the active one, row by row under a row
 * lock (a refresh running at the same time waits). Returns how many rows moved. Run after adding
 * a new first line to the keyring; the old key may leave it once this returns 0 remaining.
 */
export async function reencryptIntegrationTokens(
	db: Knex,
	cipher: TokenCipher,
	options: { batchSize?: number } = {},
): Promise<number> {
	let moved = 0;
	const batchSize = options.batchSize ?? 100;
	let after = '00000000-0000-0000-0000-000000000000';
	for (;;) {
		const ids = (await db(TABLE)
			.select('id', 'workspace_id')
			.whereNotNull('token_key_id')
			.whereNot('token_key_id', cipher.activeKeyId)
			.where('id', '>', after)
			.orderBy('id')
			.limit(batchSize)) as Array<{ id: string; workspace_id: string }>;
		if (ids.length === 0) return moved;
		for (const { id, workspace_id: workspaceId } of ids) {
			await db.transaction(async (trx) => {
				const row = await getIntegrationRow(trx, workspaceId, id, { forUpdate: true });
				if (!row || !row.token_key_id || row.token_key_id === cipher.activeKeyId) return;
				const tokens = openTokens(cipher, row);
				await trx(TABLE)
					.where({ workspace_id: workspaceId, id })
					.update({
						access_token_encrypted: tokens.accessToken
							? cipher.encrypt(
									tokens.accessToken,
									integrationTokenAad(workspaceId, id, 'access_token'),
								)
							: null,
						refresh_token_encrypted: tokens.refreshToken
							? cipher.encrypt(
									tokens.refreshToken,
									integrationTokenAad(workspaceId, id, 'refresh_token'),
								)
							: null,
						token_key_id: cipher.activeKeyId,
						updated_at: trx.fn.now(),
					});
				moved++;
			});
		}
		after = ids[ids.length - 1]!.id;
	}
}
