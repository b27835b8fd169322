// The trigger's authentication on its own: the workspace secret header, the HMAC-SHA256 signature
// over "timestamp.body" with its tolerance, and WebSub's X-Hub-Signature.
import { randomBytes } from 'node:crypto';

import {
	HUB_SIGNATURE_HEADER,
	SECRET_HEADER,
	SIGNATURE_HEADER,
	TIMESTAMP_HEADER,
	constantTimeEqual,
	signHubBody,
	signWebhookBody,
	verifyHubSignature,
	verifyWebhookAuth,
} from '../../core/security/webhookSignature';

const SECRET = randomBytes(32).toString('base64url');
const BODY = Buffer.from('{"gclid":"abc","conversion_value":12.5}');
const NOW = new Date('2026-12-01T10:00:00Z');
const nowSeconds = NOW.getTime() / 1000;

function signed(timestamp: number, body = BODY, secret = SECRET) {
	return {
		[SIGNATURE_HEADER]: signWebhookBody(secret, timestamp, body),
		[TIMESTAMP_HEADER]: String(timestamp),
	};
}

describe('workspace secret and HMAC signature', () => {
	it('accepts the secret header and a fresh signature', () => {
		expect(
			verifyWebhookAuth({ headers: { [SECRET_HEADER]: SECRET }, rawBody: BODY, secret: SECRET }),
		).toEqual({ ok: true, method: 'secret-header' });
		expect(
			verifyWebhookAuth({
				headers: signed(nowSeconds - 10),
				rawBody: BODY,
				secret: SECRET,
				now: NOW,
			}),
		).toEqual({ ok: true, method: 'signature' });
	});

	it('refuses a wrong secret, a signature by another secret and a changed body with 401', () => {
		const wrongSecret = verifyWebhookAuth({
			headers: { [SECRET_HEADER]: `${SECRET}x` },
			rawBody: BODY,
			secret: SECRET,
		});
		expect(wrongSecret).toMatchObject({ ok: false, status: 401 });
		const forged = verifyWebhookAuth({
			headers: signed(nowSeconds, BODY, randomBytes(32).toString('base64url')),
			rawBody: BODY,
			secret: SECRET,
			now: NOW,
		});
		expect(forged).toMatchObject({
			ok: false,
			status: 401,
			reason: 'The signature does not match the body',
		});
		const tampered = verifyWebhookAuth({
			headers: signed(nowSeconds),
			rawBody: Buffer.from('{"gclid":"abc","conversion_value":9999}'),
			secret: SECRET,
			now: NOW,
		});
		expect(tampered).toMatchObject({ ok: false, status: 401 });
		expect(verifyWebhookAuth({ headers: {}, rawBody: BODY, secret: SECRET })).toMatchObject({
			ok: false,
			status: 401,
		});
	});

	it('refuses a replayed signature outside the tolerance (either way) with 401', () => {
		for (const timestamp of [nowSeconds - 301, nowSeconds + 301]) {
			const result = verifyWebhookAuth({
				headers: signed(timestamp),
				rawBody: BODY,
				secret: SECRET,
				now: NOW,
			});
			expect(result).toMatchObject({ ok: false, status: 401 });
			expect(result.ok || result.reason).toMatch(/more than 300 s/);
		}
		expect(
			verifyWebhookAuth({
				headers: signed(nowSeconds - 301),
				rawBody: BODY,
				secret: SECRET,
				now: NOW,
				toleranceSeconds: 600,
			}),
		).toEqual({ ok: true, method: 'signature' });
	});

	it('refuses unreadable signature headers with 400', () => {
		const cases = [
			{ [SIGNATURE_HEADER]: 'sha256=abc', [TIMESTAMP_HEADER]: String(nowSeconds) },
			{ [SIGNATURE_HEADER]: signed(nowSeconds)[SIGNATURE_HEADER], [TIMESTAMP_HEADER]: 'yesterday' },
			{ [SIGNATURE_HEADER]: signed(nowSeconds)[SIGNATURE_HEADER] },
			{ [SIGNATURE_HEADER]: `md5=${'a'.repeat(64)}`, [TIMESTAMP_HEADER]: String(nowSeconds) },
		];
		for (const headers of cases) {
			expect(verifyWebhookAuth({ headers, rawBody: BODY, secret: SECRET, now: NOW })).toMatchObject(
				{
					ok: false,
					status: 400,
				},
			);
		}
	});

	it('never accepts anything with a short workspace secret, and never names the secret', () => {
		expect(
			verifyWebhookAuth({ headers: { [SECRET_HEADER]: 'short' }, rawBody: BODY, secret: 'short' }),
		).toMatchObject({ ok: false, status: 401 });
		const result = verifyWebhookAuth({
			headers: { [SECRET_HEADER]: 'nope' },
			rawBody: BODY,
			secret: SECRET,
		});
		expect(JSON.stringify(result)).not.toContain(SECRET);
	});

	it('compares in constant time without caring about lengths', () => {
		expect(constantTimeEqual('abc', 'abc')).toBe(true);
		expect(constantTimeEqual('abc', 'abcd')).toBe(false);
		expect(constantTimeEqual('', '')).toBe(true);
	});
});

describe('X-Hub-Signature', () => {
	const hubSecret = 'hub-secret-of-the-subscription';
	const atom = Buffer.from('<feed xmlns="http://www.w3.org/2005/Atom"></feed>');

	it('accepts sha1 (what YouTube sends) and the stronger algorithms', () => {
		expect(signHubBody(hubSecret, atom)).toMatch(/^sha1=[0-9a-f]{40}$/);
		for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
			expect(verifyHubSignature(signHubBody(hubSecret, atom, algorithm), atom, hubSecret)).toEqual({
				ok: true,
				method: 'signature',
			});
		}
	});

	it('refuses a missing or forged signature with 401 and an unreadable one with 400', () => {
		expect(verifyHubSignature(undefined, atom, hubSecret)).toMatchObject({ status: 401 });
		expect(verifyHubSignature(signHubBody('another secret', atom), atom, hubSecret)).toMatchObject({
			status: 401,
			reason: `${HUB_SIGNATURE_HEADER} does not match the body`,
		});
		expect(verifyHubSignature('sha1=xyz', atom, hubSecret)).toMatchObject({ status: 400 });
		expect(verifyHubSignature(`sha1=${'a'.repeat(64)}`, atom, hubSecret)).toMatchObject({
			status: 400,
		});
	});
});
