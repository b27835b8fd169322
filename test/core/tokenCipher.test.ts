// AES-256-GCM token envelopes: round trip, tampering, row binding, rotation, key checks, and
// error messages that never carry a token or a key.
import { randomBytes } from 'node:crypto';

import {
	createTokenCipher,
	integrationTokenAad,
	MalformedTokenEnvelopeError,
	parseTokenKey,
	TokenCipherError,
	TokenDecryptionError,
	TokenKeyError,
	UnknownTokenKeyError,
	type TokenCipher,
} from '../../core';

const WORKSPACE = '11111111-1111-4111-8111-111111111111';
const OTHER_WORKSPACE = '22222222-2222-4222-8222-222222222222';
const INTEGRATION = '33333333-3333-4333-8333-333333333333';
const OTHER_INTEGRATION = '44444444-4444-4444-8444-444444444444';
const AAD = integrationTokenAad(WORKSPACE, INTEGRATION, 'access_token');
const TOKEN = `ya29.a0-secret-access-token-${randomBytes(12).toString('hex')}`;

const key1 = randomBytes(32);
const key2 = randomBytes(32);
const K1 = key1.toString('base64');
const K2 = key2.toString('hex');

/** Every error a test provoked, for the final check that none leaks a secret. */
const errors: unknown[] = [];

function failure(action: () => unknown): Error {
	try {
		action();
	} catch (error) {
		errors.push(error);
		return error as Error;
	}
	throw new Error('expected a failure');
}

/** The envelope with one bit of one decoded part flipped, re-encoded canonically. */
function flipBit(envelope: string, part: number, bit: number): string {
	const parts = envelope.split(':');
	const bytes = Buffer.from(parts[part]!, 'base64url');
	bytes[bit >> 3]! ^= 1 << (bit & 7);
	parts[part] = bytes.toString('base64url');
	return parts.join(':');
}

/** The same bytes spelled with the unused low bits of the last character set. */
function nonCanonical(part: string): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	return part.slice(0, -1) + alphabet[alphabet.indexOf(part.at(-1)!) + 1];
}

function cipher(activeKeyId: string, keys: Record<string, string | Uint8Array>): TokenCipher {
	return createTokenCipher({ activeKeyId, keys });
}

describe('token cipher', () => {
	it('round-trips a token through a self-describing v1 envelope with a fresh IV', () => {
		const c = cipher('k1', { k1: K1 });
		const envelope = c.encrypt(TOKEN, AAD);
		expect(envelope).toMatch(/^v1:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{22}$/);
		expect(envelope).not.toContain(TOKEN);
		expect(c.decrypt(envelope, AAD)).toBe(TOKEN);
		expect(c.keyIdOf(envelope)).toBe('k1');
		const again = c.encrypt(TOKEN, AAD);
		expect(again).not.toBe(envelope);
		expect(again.split(':')[2]).not.toBe(envelope.split(':')[2]);
		for (const plain of ['', 'ünïcødé 🔑', 'x'.repeat(10_000)]) {
			expect(c.decrypt(c.encrypt(plain, AAD), AAD)).toBe(plain);
		}
	});

	it('refuses an envelope with one bit flipped in its IV, ciphertext or tag', () => {
		const c = cipher('k1', { k1: K1 });
		const envelope = c.encrypt(TOKEN, AAD);
		for (const part of [2, 3, 4]) {
			const bits = Buffer.from(envelope.split(':')[part]!, 'base64url').length * 8;
			for (let bit = 0; bit < bits; bit++) {
				const error = failure(() => c.decrypt(flipBit(envelope, part, bit), AAD));
				expect(error).toBeInstanceOf(TokenDecryptionError);
				expect(error.message).toContain("could not be decrypted: altered, or not this row's");
			}
		}
	});

	it('refuses an altered version or key id, even a key id whose key has the same bytes', () => {
		const c = cipher('k1', { k1: K1, k0: K1 });
		const envelope = c.encrypt(TOKEN, AAD);
		// '1' (0x31) with its lowest bit flipped is '0': the envelope now names k0, same key bytes.
		const relabelled = envelope.replace(/^v1:k1:/, 'v1:k0:');
		expect(failure(() => c.decrypt(relabelled, AAD))).toBeInstanceOf(TokenDecryptionError);
		expect(failure(() => c.decrypt(envelope.replace(/^v1:/, 'v0:'), AAD))).toBeInstanceOf(
			MalformedTokenEnvelopeError,
		);
		expect(failure(() => c.decrypt(envelope.replace(/^v1:/, 'w1:'), AAD))).toBeInstanceOf(
			MalformedTokenEnvelopeError,
		);
		const unknown = failure(() => c.decrypt(envelope.replace(/^v1:k1:/, 'v1:k3:'), AAD));
		expect(unknown).toBeInstanceOf(UnknownTokenKeyError);
	});

	it("does not decrypt another row's, workspace's or column's ciphertext", () => {
		const c = cipher('k1', { k1: K1 });
		const envelope = c.encrypt(TOKEN, AAD);
		for (const other of [
			integrationTokenAad(WORKSPACE, OTHER_INTEGRATION, 'access_token'),
			integrationTokenAad(OTHER_WORKSPACE, INTEGRATION, 'access_token'),
			integrationTokenAad(WORKSPACE, INTEGRATION, 'refresh_token'),
		]) {
			const error = failure(() => c.decrypt(envelope, other));
			expect(error).toBeInstanceOf(TokenDecryptionError);
			expect(error.message).toBe(
				"The token could not be decrypted: altered, or not this row's (key 'k1', authentication failed)",
			);
		}
		expect(failure(() => c.encrypt(TOKEN, ''))).toBeInstanceOf(TokenCipherError);
		expect(failure(() => c.decrypt(envelope, ''))).toBeInstanceOf(TokenCipherError);
	});

	it('rotates: old envelopes still decrypt, reencrypt moves them to the active key', () => {
		const before = cipher('k1', { k1: K1 });
		const old = before.encrypt(TOKEN, AAD);
		const during = cipher('k2', { k1: K1, k2: K2 });
		expect(during.activeKeyId).toBe('k2');
		expect(during.decrypt(old, AAD)).toBe(TOKEN);
		expect(during.needsReencryption(old)).toBe(true);
		const moved = during.reencrypt(old, AAD);
		expect(during.keyIdOf(moved)).toBe('k2');
		expect(during.needsReencryption(moved)).toBe(false);
		expect(during.reencrypt(moved, AAD)).toBe(moved);
		expect(during.encrypt(TOKEN, AAD).startsWith('v1:k2:')).toBe(true);
		// A re-encryption still checks the row: another row's envelope is not moved.
		expect(
			failure(() =>
				during.reencrypt(old, integrationTokenAad(WORKSPACE, OTHER_INTEGRATION, 'access_token')),
			),
		).toBeInstanceOf(TokenDecryptionError);

		const after = cipher('k2', { k2: K2 });
		expect(after.decrypt(moved, AAD)).toBe(TOKEN);
		const error = failure(() => after.decrypt(old, AAD));
		expect(error).toBeInstanceOf(UnknownTokenKeyError);
		expect((error as UnknownTokenKeyError).keyId).toBe('k1');
		expect(error.message).toContain("encrypted with key 'k1', which the keyring no longer has");
		expect(failure(() => after.reencrypt(old, AAD))).toBeInstanceOf(UnknownTokenKeyError);
	});

	it('takes a key as base64, base64url, hex or bytes, all the same key', () => {
		const forms = {
			base64: key1.toString('base64'),
			unpadded: key1.toString('base64').replace(/=+$/, ''),
			base64url: key1.toString('base64url'),
			hex: key1.toString('hex'),
			upperHex: key1.toString('hex').toUpperCase(),
			spaced: `  ${key1.toString('base64')}\n`,
		};
		for (const form of Object.values(forms)) {
			expect(parseTokenKey('k1', form).equals(key1)).toBe(true);
		}
		expect(parseTokenKey('k1', new Uint8Array(key1)).equals(key1)).toBe(true);
		const envelope = cipher('k1', { k1: forms.hex }).encrypt(TOKEN, AAD);
		expect(cipher('k1', { k1: forms.base64url }).decrypt(envelope, AAD)).toBe(TOKEN);
	});

	it('refuses keys that are not exactly 32 bytes, not base64 or hex, and a missing active key', () => {
		const cases: Array<[Record<string, string | Uint8Array>, string, RegExp]> = [
			[{ k1: randomBytes(16).toString('base64') }, 'k1', /exactly 32 bytes .*decodes to 16/],
			[{ k1: randomBytes(31).toString('hex') }, 'k1', /exactly 32 bytes .*decodes to 31/],
			[{ k1: randomBytes(33).toString('base64') }, 'k1', /exactly 32 bytes .*decodes to 33/],
			[{ k1: randomBytes(48).toString('hex') }, 'k1', /exactly 32 bytes .*decodes to 48/],
			[{ k1: randomBytes(16) }, 'k1', /exactly 32 bytes .*it has 16/],
			[{ k1: '' }, 'k1', /neither base64 nor hex/],
			[{ k1: 'correct horse battery staple, 32+ characters long!' }, 'k1', /neither base64/],
			[{ k1: `${K1}x` }, 'k1', /neither base64 nor hex/],
			[{ k1: K1 }, 'k2', /active key 'k2' is not in the keyring \(keys: 'k1'\)/],
			[{}, 'k1', /active key 'k1' is not in the keyring \(keys: none\)/],
			[{ 'k:1': K1 }, 'k:1', /key id must be/],
		];
		for (const [keys, activeKeyId, message] of cases) {
			const error = failure(() => cipher(activeKeyId, keys));
			expect(error).toBeInstanceOf(TokenKeyError);
			expect(error.message).toMatch(message);
		}
	});

	it('refuses malformed envelopes without echoing them', () => {
		const c = cipher('k1', { k1: K1 });
		const good = c.encrypt(TOKEN, AAD).split(':');
		const malformed = [
			'',
			TOKEN, // a token stored in clear text by mistake
			`v2:${good.slice(1).join(':')}`,
			good.slice(0, 4).join(':'),
			[...good, 'extra'].join(':'),
			['v1', 'k 1', ...good.slice(2)].join(':'),
			['v1', 'k1', '!!!!', good[3], good[4]].join(':'),
			['v1', 'k1', randomBytes(16).toString('base64url'), good[3], good[4]].join(':'),
			// A 12-byte tag would let GCM check fewer bits; only 16 bytes are accepted.
			['v1', 'k1', good[2], good[3], good[4]!.slice(0, 16)].join(':'),
			// Non-canonical base64url (unused trailing bits of the tag set): one envelope, one spelling.
			['v1', 'k1', good[2], good[3], nonCanonical(good[4]!)].join(':'),
		];
		expect(
			Buffer.from(nonCanonical(good[4]!), 'base64url').equals(Buffer.from(good[4]!, 'base64url')),
		).toBe(true);
		for (const envelope of malformed) {
			const error = failure(() => c.decrypt(envelope, AAD));
			expect(error).toBeInstanceOf(MalformedTokenEnvelopeError);
			if (envelope) expect(error.message).not.toContain(envelope);
			expect(failure(() => c.keyIdOf(envelope))).toBeInstanceOf(MalformedTokenEnvelopeError);
		}
		expect(failure(() => c.needsReencryption('nonsense'))).toBeInstanceOf(
			MalformedTokenEnvelopeError,
		);
	});

	it('never puts a token or a key into an error (every error above, grepped)', () => {
		// Runs last: the errors every test above provoked.
		expect(errors.length).toBeGreaterThan(300);
		const secrets = [
			TOKEN,
			...[key1, key2].flatMap((key) => [
				key.toString('base64'),
				key.toString('base64url'),
				key.toString('hex'),
				key.toString('hex').toUpperCase(),
				key.toString('base64').slice(0, 16),
				key.toString('hex').slice(0, 16),
			]),
		];
		for (const error of errors) {
			const text = `${String(error)}\n${(error as Error).stack}\n${JSON.stringify(error)}`;
			for (const secret of secrets) expect(text).not.toContain(secret);
		}
	});
});
