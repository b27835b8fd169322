// Key rotation over tokens stored in the real integrations table: rows sealed with the old key
// still open after a new key becomes active, re-encryption moves every row to the new key, and
// then the old key can leave the keyring.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

import {
	createTokenCipher,
	integrationTokenAad,
	TokenDecryptionError,
	UnknownTokenKeyError,
	type TokenCipher,
} from '../../core';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const WORKSPACES = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
const OLD_KEY = randomBytes(32).toString('base64');
const NEW_KEY = randomBytes(32).toString('hex');

let test: TestDatabase;
let knex: Knex;

beforeAll(async () => {
	test = await createTestDatabase();
	knex = test.database.knex;
});
afterAll(async () => {
	await test.drop();
});

interface Row {
	id: string;
	workspace_id: string;
	access_token_encrypted: string;
	refresh_token_encrypted: string;
}

const accessAad = (row: Row) => integrationTokenAad(row.workspace_id, row.id, 'access_token');
const refreshAad = (row: Row) => integrationTokenAad(row.workspace_id, row.id, 'refresh_token');

/** The rotation an operator runs: each row re-encrypted under a row lock, one transaction per row. */
async function reencryptAll(cipher: TokenCipher): Promise<number> {
	let moved = 0;
	for (const { id } of await knex('integrations').select('id').orderBy('id')) {
		await knex.transaction(async (trx) => {
			const row = (await trx('integrations').where({ id }).forUpdate().first()) as Row;
			if (
				!cipher.needsReencryption(row.access_token_encrypted) &&
				!cipher.needsReencryption(row.refresh_token_encrypted)
			) {
				return;
			}
			await trx('integrations')
				.where({ id, workspace_id: row.workspace_id })
				.update({
					access_token_encrypted: cipher.reencrypt(row.access_token_encrypted, accessAad(row)),
					refresh_token_encrypted: cipher.reencrypt(row.refresh_token_encrypted, refreshAad(row)),
					updated_at: trx.fn.now(),
				});
			moved++;
		});
	}
	return moved;
}

describe('token key rotation on the integrations table', () => {
	const plain = new Map<string, { access: string; refresh: string }>();

	it('moves every stored token from the old key to the new one', async () => {
		const before = createTokenCipher({ activeKeyId: '2026-01', keys: { '2026-01': OLD_KEY } });
		for (let i = 0; i < 6; i++) {
			const workspaceId = WORKSPACES[i % 2]!;
			const [{ id }] = (await knex('integrations')
				.insert({
					workspace_id: workspaceId,
					provider: 'google',
					account_email: `user${i}@acme.example`,
				})
				.returning('id')) as Array<{ id: string }>;
			const row = { id, workspace_id: workspaceId } as Row;
			const tokens = {
				access: `ya29.access-${i}-${randomBytes(16).toString('hex')}`,
				refresh: `1//refresh-${i}-${randomBytes(16).toString('hex')}`,
			};
			plain.set(id, tokens);
			await knex('integrations')
				.where({ id })
				.update({
					access_token_encrypted: before.encrypt(tokens.access, accessAad(row)),
					refresh_token_encrypted: before.encrypt(tokens.refresh, refreshAad(row)),
				});
		}

		// The new key becomes active; the old one stays so existing rows still open.
		const during = createTokenCipher({
			activeKeyId: '2026-07',
			keys: { '2026-01': OLD_KEY, '2026-07': NEW_KEY },
		});
		let rows = (await knex('integrations').select('*')) as Row[];
		expect(rows).toHaveLength(6);
		for (const row of rows) {
			expect(during.keyIdOf(row.access_token_encrypted)).toBe('2026-01');
			expect(during.decrypt(row.access_token_encrypted, accessAad(row))).toBe(
				plain.get(row.id)!.access,
			);
		}

		expect(await reencryptAll(during)).toBe(6);
		expect(await reencryptAll(during)).toBe(0); // nothing left to move

		// With the old key gone, every row opens and none names the old key.
		const after = createTokenCipher({ activeKeyId: '2026-07', keys: { '2026-07': NEW_KEY } });
		rows = (await knex('integrations').select('*')) as Row[];
		for (const row of rows) {
			for (const column of [row.access_token_encrypted, row.refresh_token_encrypted]) {
				expect(after.keyIdOf(column)).toBe('2026-07');
				expect(column.startsWith('v1:2026-07:')).toBe(true);
				expect(column).not.toContain('2026-01');
			}
			expect(after.decrypt(row.access_token_encrypted, accessAad(row))).toBe(
				plain.get(row.id)!.access,
			);
			expect(after.decrypt(row.refresh_token_encrypted, refreshAad(row))).toBe(
				plain.get(row.id)!.refresh,
			);
		}
		const oldKeyRows = await knex('integrations')
			.where('access_token_encrypted', 'like', 'v1:2026-01:%')
			.orWhere('refresh_token_encrypted', 'like', 'v1:2026-01:%')
			.count();
		expect(oldKeyRows).toEqual([{ count: '0' }]);

		// An old envelope kept somewhere (a backup) no longer opens, and says why.
		const backup = before.encrypt('stale', accessAad(rows[0]!));
		expect(() => after.decrypt(backup, accessAad(rows[0]!))).toThrow(UnknownTokenKeyError);
	});

	it("refuses a token copied into another row or another workspace's row", async () => {
		const cipher = createTokenCipher({ activeKeyId: '2026-07', keys: { '2026-07': NEW_KEY } });
		const rows = (await knex('integrations').select('*').orderBy('id')) as Row[];
		const source = rows.find((row) => row.workspace_id === WORKSPACES[0])!;
		const sameWorkspace = rows.find(
			(row) => row.workspace_id === WORKSPACES[0] && row.id !== source.id,
		)!;
		const otherWorkspace = rows.find((row) => row.workspace_id === WORKSPACES[1])!;
		for (const target of [sameWorkspace, otherWorkspace]) {
			await knex('integrations')
				.where({ id: target.id })
				.update({ access_token_encrypted: source.access_token_encrypted });
			const copied = (await knex('integrations').where({ id: target.id }).first()) as Row;
			expect(() => cipher.decrypt(copied.access_token_encrypted, accessAad(copied))).toThrow(
				TokenDecryptionError,
			);
		}
		// The refresh column of the same row does not take the access token either.
		expect(() => cipher.decrypt(source.access_token_encrypted, refreshAad(source))).toThrow(
			TokenDecryptionError,
		);
	});
});
