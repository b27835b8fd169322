// The signed OAuth state: what it carries, and every way a state is refused.
import { createHmac, randomBytes } from 'node:crypto';

import {
	deriveOAuthStateSecret,
	OAuthStateError,
	signOAuthState,
	verifyOAuthState,
	type OAuthStateInput,
} from '../../core';

const SECRET = randomBytes(32);
const NOW = Date.parse('2026-12-01T09:00:00Z');
const MINUTE = 60_000;
const INPUT: OAuthStateInput = {
	workspaceId: '11111111-1111-4111-8111-111111111111',
	userId: 'user-42',
	provider: 'google',
	returnUrl: 'https://crm.example/settings/integrations?tab=mail',
};

function refusal(action: () => unknown): OAuthStateError {
	try {
		action();
	} catch (error) {
		expect(error).toBeInstanceOf(OAuthStateError);
		return error as OAuthStateError;
	}
	throw new Error('expected the state to be refused');
}

/** A token signed the way signOAuthState signs, over any payload (to test verify's own checks). */
function forge(payload: unknown, secret: Buffer = SECRET): string {
	const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
	const signature = createHmac('sha256', secret)
		.update('crm-connect oauth-state v1.')
		.update(body)
		.digest('base64url');
	return `${body}.${signature}`;
}

function flipBit(text: string, bit: number): string {
	const bytes = Buffer.from(text, 'base64url');
	bytes[bit >> 3]! ^= 1 << (bit & 7);
	return bytes.toString('base64url');
}

describe('OAuth state', () => {
	it('carries workspace, user, provider, return URL and a random nonce, and expires', () => {
		const signed = signOAuthState(INPUT, { secret: SECRET, ttlMs: 10 * MINUTE, now: NOW });
		expect(signed.token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
		expect(signed.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(signed.expiresAt).toEqual(new Date(NOW + 10 * MINUTE));
		const payload = verifyOAuthState(signed.token, { secret: SECRET, now: NOW + 9 * MINUTE });
		expect(payload).toEqual({
			...INPUT,
			nonce: signed.nonce,
			issuedAt: new Date(NOW),
			expiresAt: new Date(NOW + 10 * MINUTE),
		});
		const other = signOAuthState(INPUT, { secret: SECRET, now: NOW });
		expect(other.nonce).not.toBe(signed.nonce);
		expect(other.expiresAt).toEqual(new Date(NOW + 10 * MINUTE)); // the default TTL

		const given = signOAuthState(
			{ ...INPUT, provider: 'microsoft', nonce: 'n'.repeat(32) },
			{ secret: SECRET, now: NOW },
		);
		expect(verifyOAuthState(given.token, { secret: SECRET, now: NOW })).toMatchObject({
			provider: 'microsoft',
			nonce: 'n'.repeat(32),
		});
	});

	it('refuses a state with one bit flipped in its payload or its signature, or another secret', () => {
		const { token } = signOAuthState(INPUT, { secret: SECRET, now: NOW });
		const [body, signature] = token.split('.') as [string, string];
		for (const [part, bits] of [
			['body', Buffer.from(body, 'base64url').length * 8],
			['signature', 32 * 8],
		] as const) {
			for (let bit = 0; bit < bits; bit++) {
				const altered =
					part === 'body'
						? `${flipBit(body, bit)}.${signature}`
						: `${body}.${flipBit(signature, bit)}`;
				expect(refusal(() => verifyOAuthState(altered, { secret: SECRET, now: NOW })).reason).toBe(
					'tampered',
				);
			}
		}
		const otherSecret = randomBytes(32);
		expect(refusal(() => verifyOAuthState(token, { secret: otherSecret, now: NOW })).reason).toBe(
			'tampered',
		);
		// Another state's signature on this payload.
		const other = signOAuthState(INPUT, { secret: SECRET, now: NOW }).token.split('.')[1];
		expect(refusal(() => verifyOAuthState(`${body}.${other}`, { secret: SECRET })).reason).toBe(
			'tampered',
		);
	});

	it('refuses an expired state, and one issued in the future', () => {
		const { token } = signOAuthState(INPUT, { secret: SECRET, ttlMs: 5 * MINUTE, now: NOW });
		expect(
			verifyOAuthState(token, { secret: SECRET, now: NOW + 5 * MINUTE - 1 }).nonce,
		).toBeTruthy();
		const expired = refusal(() =>
			verifyOAuthState(token, { secret: SECRET, now: NOW + 5 * MINUTE }),
		);
		expect(expired.reason).toBe('expired');
		expect(expired.message).toBe('The OAuth state has expired: start connecting again');
		expect(
			refusal(() => verifyOAuthState(token, { secret: SECRET, now: NOW - 2 * MINUTE })).reason,
		).toBe('invalid');
	});

	it('refuses malformed states without echoing them', () => {
		const { token } = signOAuthState(INPUT, { secret: SECRET, now: NOW });
		const malformed = [
			'',
			'garbage-state-value',
			`${token}.x`,
			token.replace('.', ''),
			`${token.split('.')[0]}.${'!'.repeat(43)}`,
			`${'a'.repeat(5000)}.${token.split('.')[1]}`,
			undefined as unknown as string,
		];
		for (const value of malformed) {
			const error = refusal(() => verifyOAuthState(value, { secret: SECRET, now: NOW }));
			expect(error.reason).toBe('malformed');
			if (value) expect(error.message).not.toContain(value);
		}
		// Signed with the right secret, but JSON without the fields.
		for (const payload of [{ v: 1 }, [], { ...INPUT, v: 2, nonce: 'n'.repeat(32) }]) {
			expect(
				refusal(() => verifyOAuthState(forge(payload), { secret: SECRET, now: NOW })).reason,
			).toBe('invalid');
		}
		// Signed with the right secret, but not JSON.
		const notJson = Buffer.from('not json').toString('base64url');
		const signature = createHmac('sha256', SECRET)
			.update('crm-connect oauth-state v1.')
			.update(notJson)
			.digest('base64url');
		expect(
			refusal(() => verifyOAuthState(`${notJson}.${signature}`, { secret: SECRET, now: NOW }))
				.reason,
		).toBe('malformed');
	});

	it('only takes an http(s) return URL without credentials, when signing and when verifying', () => {
		for (const returnUrl of [
			'javascript:alert(document.cookie)',
			'data:text/html,<script>alert(1)</script>',
			'ftp://crm.example/',
			'/settings/integrations',
			'//evil.example/',
			'https://user:password@crm.example/',
			'',
		]) {
			const error = refusal(() => signOAuthState({ ...INPUT, returnUrl }, { secret: SECRET }));
			expect(error.reason).toBe('invalid');
			// A payload carrying it, signed with the right secret, is still refused.
			const forged = forge({
				v: 1,
				...INPUT,
				returnUrl,
				nonce: 'n'.repeat(32),
				issuedAt: NOW,
				expiresAt: NOW + MINUTE,
			});
			expect(refusal(() => verifyOAuthState(forged, { secret: SECRET, now: NOW })).reason).toBe(
				'invalid',
			);
		}
		expect(
			signOAuthState({ ...INPUT, returnUrl: 'http://localhost:3000/back' }, { secret: SECRET })
				.returnUrl,
		).toBe('http://localhost:3000/back');
	});

	it('refuses bad input: workspace id, provider, nonce, TTL, a short secret', () => {
		const bad: Array<[Partial<OAuthStateInput>, object?]> = [
			[{ workspaceId: 'not-a-uuid' }],
			[{ provider: 'github' as never }],
			[{ userId: '' }],
			[{ nonce: 'short' }],
			[{ nonce: 'has spaces in it, which is not base64url' }],
			[{}, { ttlMs: 0 }],
			[{}, { ttlMs: 2 * 60 * MINUTE }],
			[{}, { secret: 'too short a secret' }],
			[{}, { secret: randomBytes(16) }],
		];
		for (const [input, options] of bad) {
			const error = refusal(() =>
				signOAuthState({ ...INPUT, ...input }, { secret: SECRET, ...options }),
			);
			expect(error.reason).toBe('invalid');
		}
		const { token } = signOAuthState(INPUT, { secret: SECRET });
		expect(refusal(() => verifyOAuthState(token, { secret: 'short' })).reason).toBe('invalid');
	});

	it('derives its secret from a token key (HKDF): stable, and not the key itself', () => {
		const key = randomBytes(32);
		const fromBase64 = deriveOAuthStateSecret(key.toString('base64'));
		expect(fromBase64.equals(deriveOAuthStateSecret(key.toString('hex')))).toBe(true);
		expect(fromBase64.equals(key)).toBe(false);
		expect(fromBase64.equals(deriveOAuthStateSecret(randomBytes(32)))).toBe(false);
		const { token } = signOAuthState(INPUT, { secret: fromBase64, now: NOW });
		expect(verifyOAuthState(token, { secret: fromBase64, now: NOW }).userId).toBe('user-42');
		expect(refusal(() => verifyOAuthState(token, { secret: key, now: NOW })).reason).toBe(
			'tampered',
		);
	});
});
