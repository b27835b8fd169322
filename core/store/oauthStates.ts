// The single-use half of the OAuth state: a row per state handed out, consumed by one atomic
// UPDATE, so a replayed state is refused and two callbacks racing with one state see one winner.
import type { Knex } from 'knex';

import { OAuthStateError } from '../security/oauthState';
import { pkceVerifierAad, type TokenCipher } from '../security/tokenCipher';

const TABLE = 'oauth_states';

export type OAuthProvider = 'google' | 'microsoft';

export interface OAuthStateRecordInput {
	workspaceId: string;
	/** The nonce of the signed state (signOAuthState). */
	nonce: string;
	provider: OAuthProvider;
	/** Stored encrypted, bound to the workspace and nonce. */
	pkceVerifier?: string | null;
	requestedScopes: string[];
	redirectAfter?: string | null;
	expiresAt: Date;
}

export interface ConsumedOAuthState {
	id: string;
	workspaceId: string;
	nonce: string;
	provider: OAuthProvider;
	pkceVerifier: string | null;
	requestedScopes: string[];
	redirectAfter: string | null;
	expiresAt: Date;
	createdAt: Date;
	usedAt: Date;
}

interface OAuthStateRow {
	id: string;
	workspace_id: string;
	nonce: string;
	provider: OAuthProvider;
	pkce_verifier_encrypted: string | null;
	requested_scopes: string[];
	redirect_after: string | null;
	expires_at: Date;
	created_at: Date;
	used_at: Date;
}

/**
 * Records a state when its authorization URL is handed out. `db` is a database's knex or a
 * transaction.
 */
export async function recordOAuthState(
	db: Knex,
	cipher: TokenCipher,
	input: OAuthStateRecordInput,
): Promise<{ id: string }> {
	if (!(input.expiresAt instanceof Date) || Number.isNaN(input.expiresAt.getTime())) {
		throw new TypeError('expiresAt must be a valid Date');
	}
	const [row] = (await db(TABLE)
		.insert({
			workspace_id: input.workspaceId,
			nonce: input.nonce,
			provider: input.provider,
			pkce_verifier_encrypted: input.pkceVerifier
				? cipher.encrypt(input.pkceVerifier, pkceVerifierAad(input.workspaceId, input.nonce))
				: null,
			requested_scopes: JSON.stringify(input.requestedScopes),
			redirect_after: input.redirectAfter ?? null,
			expires_at: input.expiresAt,
		})
		.returning('id')) as Array<{ id: string }>;
	return { id: row.id };
}

/**
 * Marks the state used and returns it, in one statement: of any number of concurrent callers,
 * exactly one gets the row. Refuses (OAuthStateError: `replayed`, `expired` or `unknown`) a state
 * already used, past its expiry by the database clock, or not recorded for this workspace and
 * provider.
 */
export async function consumeOAuthState(
	db: Knex,
	cipher: TokenCipher,
	key: { workspaceId: string; nonce: string; provider: OAuthProvider },
): Promise<ConsumedOAuthState> {
	const [row] = (await db(TABLE)
		.update({ used_at: db.fn.now() })
		.where({ workspace_id: key.workspaceId, nonce: key.nonce, provider: key.provider })
		.whereNull('used_at')
		.where('expires_at', '>', db.fn.now())
		.returning('*')) as OAuthStateRow[];
	if (!row) throw await refusal(db, key);
	return {
		id: row.id,
		workspaceId: row.workspace_id,
		nonce: row.nonce,
		provider: row.provider,
		pkceVerifier: row.pkce_verifier_encrypted
			? cipher.decrypt(row.pkce_verifier_encrypted, pkceVerifierAad(row.workspace_id, row.nonce))
			: null,
		requestedScopes: row.requested_scopes,
		redirectAfter: row.redirect_after,
		expiresAt: row.expires_at,
		createdAt: row.created_at,
		usedAt: row.used_at,
	};
}

/**
 * Deletes states that expired more than `expiredForMs` ago (default one hour, so a late callback
 * is still told "expired" rather than "unknown"), in every workspace or in one. Returns how many.
 */
export async function purgeExpiredOAuthStates(
	db: Knex,
	options: { expiredForMs?: number; workspaceId?: string } = {},
): Promise<number> {
	const expiredForMs = options.expiredForMs ?? 60 * 60_000;
	if (!Number.isFinite(expiredForMs) || expiredForMs < 0) {
		throw new RangeError('expiredForMs must be zero or more');
	}
	const query = db(TABLE)
		.where('expires_at', '<', db.raw(`now() - make_interval(secs => ?)`, [expiredForMs / 1000]))
		.delete();
	if (options.workspaceId) query.where('workspace_id', options.workspaceId);
	return query;
}

/** Why nothing was consumed (read after the fact; the decision itself was the atomic update). */
async function refusal(
	db: Knex,
	key: { workspaceId: string; nonce: string; provider: OAuthProvider },
): Promise<OAuthStateError> {
	const existing = (await db(TABLE)
		.select('used_at')
		.where({ workspace_id: key.workspaceId, nonce: key.nonce, provider: key.provider })
		.first()) as { used_at: Date | null } | undefined;
	if (!existing) return new OAuthStateError('unknown');
	if (existing.used_at) return new OAuthStateError('replayed');
	return new OAuthStateError('expired');
}
