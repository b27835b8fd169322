// Authentication of calls to the CRM Webhook trigger. Two ways for a sender that knows the
// workspace's webhook secret: send the secret itself in a header (simple senders such as a Google
// Ads lead form), or sign `timestamp.body` with HMAC-SHA256 (the secret never travels, and a
// captured call cannot be replayed after the tolerance). WebSub hubs sign with the subscription's
// own hub.secret instead (X-Hub-Signature). Every comparison is constant time.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the workspace secret itself. */
export const SECRET_HEADER = 'x-crm-webhook-secret';
/** Header carrying `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`. */
export const SIGNATURE_HEADER = 'x-crm-webhook-signature';
/** Header carrying the Unix time in seconds the signature was made at. */
export const TIMESTAMP_HEADER = 'x-crm-webhook-timestamp';
/** WebSub's signature header: `sha1=<hex HMAC of the raw body with hub.secret>`. */
export const HUB_SIGNATURE_HEADER = 'x-hub-signature';

/** How far a signed call's timestamp may be from our clock, either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type WebhookAuthResult =
	| { ok: true; method: 'secret-header' | 'signature' }
	| { ok: false; status: 400 | 401; reason: string };

type Headers = Record<string, string | undefined>;

/** Equal strings, in time that depends on neither their content nor their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
	// Hashing first gives equal lengths, which timingSafeEqual requires, without leaking the length.
	const left = createHash('sha256').update(a, 'utf8').digest();
	const right = createHash('sha256').update(b, 'utf8').digest();
	return timingSafeEqual(left, right);
}

/** The HMAC-SHA256 signature header value a sender puts on `rawBody` at `timestamp` (seconds). */
export function signWebhookBody(
	secret: string,
	timestamp: number,
	rawBody: Buffer | string,
): string {
	const hmac = createHmac('sha256', secret);
	hmac.update(`${timestamp}.`, 'utf8');
	hmac.update(rawBody);
	return `sha256=${hmac.digest('hex')}`;
}

/**
 * Checks a call against the workspace secret: the secret header, or the signature over
 * `timestamp.body` within `toleranceSeconds` of `now`. Missing or wrong credentials are 401;
 * headers that cannot be read at all (a timestamp that is not a number, a signature that is not
 * hex) are 400. Reasons are for the log and the caller; they never contain the secret.
 */
export function verifyWebhookAuth(input: {
	headers: Headers;
	rawBody: Buffer;
	secret: string;
	now?: Date;
	toleranceSeconds?: number;
}): WebhookAuthResult {
	const { headers, rawBody, secret } = input;
	if (secret.length < 16) {
		// A short secret is guessable; the credential enforces this too, but never accept it here.
		return { ok: false, status: 401, reason: 'The workspace webhook secret is not set up' };
	}
	const signature = headers[SIGNATURE_HEADER];
	if (signature !== undefined) {
		const timestampText = headers[TIMESTAMP_HEADER];
		if (timestampText === undefined) {
			return { ok: false, status: 400, reason: `${TIMESTAMP_HEADER} is missing` };
		}
		if (!/^\d{1,12}$/.test(timestampText.trim())) {
			return { ok: false, status: 400, reason: `${TIMESTAMP_HEADER} is not Unix seconds` };
		}
		const given = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim());
		if (!given) {
			return {
				ok: false,
				status: 400,
				reason: `${SIGNATURE_HEADER} is not sha256=<64 hex digits>`,
			};
		}
		const timestamp = Number(timestampText.trim());
		const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
		const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
		if (Math.abs(nowSeconds - timestamp) > tolerance) {
			return {
				ok: false,
				status: 401,
				reason: `The signature's timestamp is more than ${tolerance} s from now (replayed or clock skew)`,
			};
		}
		const expected = signWebhookBody(secret, timestamp, rawBody);
		if (!constantTimeEqual(`sha256=${given[1].toLowerCase()}`, expected)) {
			return { ok: false, status: 401, reason: 'The signature does not match the body' };
		}
		return { ok: true, method: 'signature' };
	}
	const presented = headers[SECRET_HEADER];
	if (presented !== undefined) {
		if (!constantTimeEqual(presented.trim(), secret)) {
			return { ok: false, status: 401, reason: 'The webhook secret is wrong' };
		}
		return { ok: true, method: 'secret-header' };
	}
	return {
		ok: false,
		status: 401,
		reason: `No credentials: send ${SECRET_HEADER}, or ${SIGNATURE_HEADER} with ${TIMESTAMP_HEADER}`,
	};
}

const HUB_ALGORITHMS = {
	sha1: 'sha1',
	sha256: 'sha256',
	sha384: 'sha384',
	sha512: 'sha512',
} as const;
const HUB_DIGEST_HEX_LENGTH = { sha1: 40, sha256: 64, sha384: 96, sha512: 128 } as const;

/** The X-Hub-Signature value a hub sends for `rawBody` (sha1 unless told otherwise). */
export function signHubBody(
	hubSecret: string,
	rawBody: Buffer | string,
	algorithm: keyof typeof HUB_ALGORITHMS = 'sha1',
): string {
	return `${algorithm}=${createHmac(HUB_ALGORITHMS[algorithm], hubSecret).update(rawBody).digest('hex')}`;
}

/**
 * Checks a WebSub delivery's X-Hub-Signature (`sha1=<hex>`, or the stronger algorithms WebSub
 * allows) against the subscription's hub.secret. Missing or wrong is 401, unreadable is 400.
 */
export function verifyHubSignature(
	header: string | undefined,
	rawBody: Buffer,
	hubSecret: string,
): WebhookAuthResult {
	if (header === undefined) {
		return { ok: false, status: 401, reason: `${HUB_SIGNATURE_HEADER} is missing` };
	}
	const match = /^(sha1|sha256|sha384|sha512)=([0-9a-fA-F]+)$/.exec(header.trim());
	const algorithm = match?.[1] as keyof typeof HUB_ALGORITHMS | undefined;
	if (!match || !algorithm || match[2].length !== HUB_DIGEST_HEX_LENGTH[algorithm]) {
		return {
			ok: false,
			status: 400,
			reason: `${HUB_SIGNATURE_HEADER} is not <algorithm>=<hex digest>`,
		};
	}
	const expected = signHubBody(hubSecret, rawBody, algorithm);
	if (!constantTimeEqual(`${algorithm}=${match[2].toLowerCase()}`, expected)) {
		return { ok: false, status: 401, reason: `${HUB_SIGNATURE_HEADER} does not match the body` };
	}
	return { ok: true, method: 'signature' };
}
