// Single use of OAuth states in the real oauth_states table: consumed once, by one of any number of
// racing callers on separate connections; replayed, expired, foreign and purged states refused.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

import {
	consumeOAuthState,
	createPkcePair,
	createTokenCipher,
	OAuthStateError,
	purgeExpiredOAuthStates,
	recordOAuthState,
	signOAuthState,
	verifyOAuthState,
	type OAuthStateRecordInput,
} from '../../core';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const WORKSPACE = '11111111-1111-4111-8111-111111111111';
const OTHER_WORKSPACE = '22222222-2222-4222-8222-222222222222';
const SCOPES = ['https://www.googleapis.com/auth/gmail.readonly', 'openid', 'email'];
const SECRET = randomBytes(32);
const MINUTE = 60_000;

const cipher = createTokenCipher({ activeKeyId: 'k1', keys: { k1: randomBytes(32) } });
let test: TestDatabase;
let knex: Knex;

beforeAll(async () => {
	test = await createTestDatabase();
	knex = test.database.knex;
});
afterAll(async () => {
	await test.drop();
});

/** Signs a state and records it, as the connect URL route will. */
async function handOut(
	overrides: Partial<OAuthStateRecordInput> = {},
	workspaceId = WORKSPACE,
): Promise<{ nonce: string; token: string; verifier: string }> {
	const { verifier } = createPkcePair();
	const signed = signOAuthState(
		{ workspaceId, userId: 'user-1', provider: 'google', returnUrl: 'https://crm.example/back' },
		{ secret: SECRET, ttlMs: 10 * MINUTE },
	);
	await recordOAuthState(knex, cipher, {
		workspaceId,
		nonce: signed.nonce,
		provider: 'google',
		pkceVerifier: verifier,
		requestedScopes: SCOPES,
		redirectAfter: signed.returnUrl,
		expiresAt: signed.expiresAt,
		...overrides,
	});
	return { nonce: signed.nonce, token: signed.token, verifier };
}

async function refusal(promise: Promise<unknown>): Promise<OAuthStateError> {
	const error = await promise.then(
		() => {
			throw new Error('expected the state to be refused');
		},
		(reason: unknown) => reason,
	);
	expect(error).toBeInstanceOf(OAuthStateError);
	return error as OAuthStateError;
}

describe('oauth_states', () => {
	it('stores the PKCE verifier encrypted and gives it back once, with what the flow asked for', async () => {
		const { nonce, token, verifier } = await handOut();
		const stored = await knex('oauth_states').where({ nonce }).first();
		expect(stored.pkce_verifier_encrypted).toMatch(/^v1:k1:/);
		expect(JSON.stringify(stored)).not.toContain(verifier);
		expect(stored.used_at).toBeNull();

		// The callback: verify the signature, then consume the nonce it carries.
		const payload = verifyOAuthState(token, { secret: SECRET });
		const consumed = await consumeOAuthState(knex, cipher, {
			workspaceId: payload.workspaceId,
			nonce: payload.nonce,
			provider: payload.provider,
		});
		expect(consumed).toMatchObject({
			workspaceId: WORKSPACE,
			nonce,
			provider: 'google',
			pkceVerifier: verifier,
			requestedScopes: SCOPES,
			redirectAfter: 'https://crm.example/back',
		});
		expect(consumed.usedAt).toBeInstanceOf(Date);
		expect((await knex('oauth_states').where({ nonce }).first()).used_at).not.toBeNull();

		const replay = await refusal(
			consumeOAuthState(knex, cipher, { workspaceId: WORKSPACE, nonce, provider: 'google' }),
		);
		expect(replay.reason).toBe('replayed');
		expect(replay.message).toBe('The OAuth state was already used: start connecting again');
	});

	it('refuses an expired state, and one of another workspace or provider (which stays usable)', async () => {
		const expired = await handOut({ expiresAt: new Date(Date.now() - MINUTE) });
		expect(
			(
				await refusal(
					consumeOAuthState(knex, cipher, {
						workspaceId: WORKSPACE,
						nonce: expired.nonce,
						provider: 'google',
					}),
				)
			).reason,
		).toBe('expired');

		const { nonce } = await handOut();
		for (const key of [
			{ workspaceId: OTHER_WORKSPACE, nonce, provider: 'google' as const },
			{ workspaceId: WORKSPACE, nonce, provider: 'microsoft' as const },
			{
				workspaceId: WORKSPACE,
				nonce: randomBytes(32).toString('base64url'),
				provider: 'google' as const,
			},
		]) {
			expect((await refusal(consumeOAuthState(knex, cipher, key))).reason).toBe('unknown');
		}
		const consumed = await consumeOAuthState(knex, cipher, {
			workspaceId: WORKSPACE,
			nonce,
			provider: 'google',
		});
		expect(consumed.nonce).toBe(nonce);
	});

	it('does not give back a verifier whose row was moved to another workspace (AAD bound)', async () => {
		const { nonce } = await handOut();
		await knex('oauth_states').where({ nonce }).update({ workspace_id: OTHER_WORKSPACE });
		await expect(
			consumeOAuthState(knex, cipher, { workspaceId: OTHER_WORKSPACE, nonce, provider: 'google' }),
		).rejects.toThrow("could not be decrypted: altered, or not this row's");
	});

	it('lets exactly one of two transactions on separate connections consume a state', async () => {
		const { nonce, verifier } = await handOut();
		const key = { workspaceId: WORKSPACE, nonce, provider: 'google' as const };
		const first = await knex.transaction();
		const second = await knex.transaction();
		try {
			const pid = async (trx: Knex.Transaction) =>
				((await trx.raw('select pg_backend_pid() as pid')) as { rows: Array<{ pid: number }> })
					.rows[0]!.pid;
			const [firstPid, secondPid] = [await pid(first), await pid(second)];
			expect(firstPid).not.toBe(secondPid);

			const won = await consumeOAuthState(first, cipher, key);
			expect(won.pkceVerifier).toBe(verifier);
			// The second caller's UPDATE waits on the first one's row lock…
			const racing = consumeOAuthState(second, cipher, key).then(
				(value) => ({ value }),
				(error: unknown) => ({ error }),
			);
			await waitUntilBlocked(secondPid);
			// …and once the first commits, finds the row used.
			await first.commit();
			const lost = await racing;
			expect(lost).toEqual({ error: expect.any(OAuthStateError) });
			expect((lost as { error: OAuthStateError }).error.reason).toBe('replayed');
			await second.commit();
		} finally {
			if (!first.isCompleted()) await first.rollback();
			if (!second.isCompleted()) await second.rollback();
		}
	});

	it('of many concurrent consumes of one state, exactly one wins; a rolled-back win frees it', async () => {
		const { nonce } = await handOut();
		const key = { workspaceId: WORKSPACE, nonce, provider: 'google' as const };
		const results = await Promise.allSettled(
			Array.from({ length: 8 }, () => consumeOAuthState(knex, cipher, key)),
		);
		expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
		for (const result of results) {
			if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(OAuthStateError);
		}

		// A callback that fails after consuming (its transaction rolls back) leaves the state unused.
		const other = await handOut();
		const otherKey = { ...key, nonce: other.nonce };
		await knex
			.transaction(async (trx) => {
				await consumeOAuthState(trx, cipher, otherKey);
				throw new Error('the code exchange failed');
			})
			.catch(() => undefined);
		expect((await consumeOAuthState(knex, cipher, otherKey)).nonce).toBe(other.nonce);
	});

	it('purges states expired longer than the grace, in one workspace or all', async () => {
		const old = new Date(Date.now() - 3 * 60 * MINUTE);
		const recent = new Date(Date.now() - 5 * MINUTE);
		const a = await handOut({ expiresAt: old });
		const b = await handOut({ expiresAt: old }, OTHER_WORKSPACE);
		const c = await handOut({ expiresAt: recent });
		const live = await handOut();
		const exists = async (nonce: string) =>
			(await knex('oauth_states').where({ nonce }).first()) !== undefined;

		expect(await purgeExpiredOAuthStates(knex, { workspaceId: OTHER_WORKSPACE })).toBe(1);
		expect(await exists(b.nonce)).toBe(false);
		expect(await exists(a.nonce)).toBe(true);
		// Default grace (an hour): the recently expired state stays to be reported as expired.
		expect(await purgeExpiredOAuthStates(knex)).toBeGreaterThanOrEqual(1);
		expect([await exists(a.nonce), await exists(c.nonce), await exists(live.nonce)]).toEqual([
			false,
			true,
			true,
		]);
		await purgeExpiredOAuthStates(knex, { expiredForMs: 0 });
		expect([await exists(c.nonce), await exists(live.nonce)]).toEqual([false, true]);
		expect(await knex('oauth_states').where('expires_at', '<', knex.fn.now()).count()).toEqual([
			{ count: '0' },
		]);
	});
});

/** Polls pg_stat_activity until the backend waits on a lock (no time limit but jest's). */
async function waitUntilBlocked(pid: number): Promise<void> {
	for (;;) {
		const result = (await knex.raw(`select wait_event_type from pg_stat_activity where pid = ?`, [
			pid,
		])) as { rows: Array<{ wait_event_type: string | null }> };
		if (result.rows[0]?.wait_event_type === 'Lock') return;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
