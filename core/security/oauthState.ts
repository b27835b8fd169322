// The OAuth `state` of the workspace connect flow: HMAC-SHA256 signed, expiring, naming the
// workspace, user, provider, return URL and a nonce. The signature proves we issued it; single use
// is enforced by the nonce's row in oauth_states (core/store/oauthStates.ts).
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

import { parseTokenKey, type TokenKeyMaterial } from './tokenCipher';

export const OAUTH_STATE_DEFAULT_TTL_MS = 10 * 60_000;
export const OAUTH_STATE_MAX_TTL_MS = 60 * 60_000;
/** Workers' clocks may differ a little; a state "issued" further in the future is refused. */
const CLOCK_SKEW_MS = 60_000;
const MIN_SECRET_BYTES = 32;
const MAX_TOKEN_LENGTH = 4096;
const SIGNING_PREFIX = 'crm-connect oauth-state v1.';

export type OAuthStateRefusal =
	| 'malformed'
	| 'tampered'
	| 'expired'
	| 'invalid'
	| 'unknown'
	| 'replayed';

const MESSAGES: Record<OAuthStateRefusal, string> = {
	malformed: 'The OAuth state is malformed: start connecting again',
	tampered: 'The OAuth state was not issued by this server or was altered: start connecting again',
	expired: 'The OAuth state has expired: start connecting again',
	invalid: 'The OAuth state carries invalid data',
	unknown: 'The OAuth state is unknown for this workspace and provider: start connecting again',
	replayed: 'The OAuth state was already used: start connecting again',
};

/** A state the callback must refuse; `reason` says why. The message never echoes the state. */
export class OAuthStateError extends Error {
	constructor(
		readonly reason: OAuthStateRefusal,
		detail?: string,
	) {
		super(detail ? `${MESSAGES[reason]} (${detail})` : MESSAGES[reason]);
		this.name = 'OAuthStateError';
	}
}

/** An absolute http(s) URL without credentials, as where the browser returns after connecting. */
export const returnUrlSchema = z
	.string()
	.max(2048)
	.transform((value, context) => {
		let url: URL;
		try {
			url = new URL(value);
		} catch {
			context.addIssue({ code: 'custom', message: 'the return URL is not an absolute URL' });
			return z.NEVER;
		}
		if (url.protocol !== 'https:' && url.protocol !== 'http:') {
			context.addIssue({ code: 'custom', message: 'the return URL must be http or https' });
			return z.NEVER;
		}
		if (url.username || url.password) {
			context.addIssue({ code: 'custom', message: 'the return URL must not carry credentials' });
			return z.NEVER;
		}
		return url.href;
	});

const nonceSchema = z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'the nonce must be base64url');

export const oauthStateInputSchema = z.object({
	workspaceId: z.string().uuid(),
	userId: z.string().min(1).max(256),
	provider: z.enum(['google', 'microsoft']),
	returnUrl: returnUrlSchema,
	/** Random when omitted (32 bytes). */
	nonce: nonceSchema.optional(),
});

const signedPayloadSchema = z.object({
	v: z.literal(1),
	workspaceId: z.string().uuid(),
	userId: z.string().min(1).max(256),
	provider: z.enum(['google', 'microsoft']),
	returnUrl: returnUrlSchema,
	nonce: nonceSchema,
	issuedAt: z.number().int(),
	expiresAt: z.number().int(),
});

export type OAuthStateInput = z.input<typeof oauthStateInputSchema>;

export interface OAuthStatePayload {
	workspaceId: string;
	userId: string;
	provider: 'google' | 'microsoft';
	returnUrl: string;
	nonce: string;
	issuedAt: Date;
	expiresAt: Date;
}

export interface SignedOAuthState extends OAuthStatePayload {
	/** The `state` query parameter. */
	token: string;
}

export type OAuthStateSecret = string | Uint8Array;

export interface SignOAuthStateOptions {
	secret: OAuthStateSecret;
	ttlMs?: number;
	now?: Date | number;
}

export interface VerifyOAuthStateOptions {
	secret: OAuthStateSecret;
	now?: Date | number;
}

/**
 * A state signing secret derived (HKDF-SHA256) from a token encryption key, so one configured key
 * serves both without the same bytes keying AES and HMAC.
 */
export function deriveOAuthStateSecret(keyMaterial: TokenKeyMaterial): Buffer {
	const key = parseTokenKey('state', keyMaterial);
	return Buffer.from(hkdfSync('sha256', key, 'crm-connect', 'oauth-state signing v1', 32));
}

export function signOAuthState(
	input: OAuthStateInput,
	options: SignOAuthStateOptions,
): SignedOAuthState {
	const secret = secretBytes(options.secret);
	const ttlMs = options.ttlMs ?? OAUTH_STATE_DEFAULT_TTL_MS;
	if (!Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > OAUTH_STATE_MAX_TTL_MS) {
		throw new OAuthStateError('invalid', `ttlMs must be 1 to ${OAUTH_STATE_MAX_TTL_MS}`);
	}
	const parsed = oauthStateInputSchema.safeParse(input);
	if (!parsed.success) throw new OAuthStateError('invalid', describeIssues(parsed.error));
	const issuedAt = millis(options.now);
	const payload = {
		v: 1 as const,
		...parsed.data,
		nonce: parsed.data.nonce ?? randomBytes(32).toString('base64url'),
		issuedAt,
		expiresAt: issuedAt + ttlMs,
	};
	const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
	return {
		...toPayload(payload),
		token: `${body}.${signature(secret, body).toString('base64url')}`,
	};
}

/** The payload of a state we signed and that has not expired; throws OAuthStateError otherwise. */
export function verifyOAuthState(
	token: string,
	options: VerifyOAuthStateOptions,
): OAuthStatePayload {
	const secret = secretBytes(options.secret);
	if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
		throw new OAuthStateError('malformed');
	}
	const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
	if (!match) throw new OAuthStateError('malformed');
	const [, body, givenSignature] = match as unknown as [string, string, string];
	const given = Buffer.from(givenSignature, 'base64url');
	const expected = signature(secret, body);
	// Constant time over the signature; a non-canonical spelling of the right bytes is refused too.
	if (
		given.length !== expected.length ||
		!timingSafeEqual(given, expected) ||
		given.toString('base64url') !== givenSignature
	) {
		throw new OAuthStateError('tampered');
	}
	let json: unknown;
	try {
		json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
	} catch {
		throw new OAuthStateError('malformed');
	}
	const parsed = signedPayloadSchema.safeParse(json);
	if (!parsed.success) throw new OAuthStateError('invalid', describeIssues(parsed.error));
	const payload = parsed.data;
	const now = millis(options.now);
	if (now >= payload.expiresAt) throw new OAuthStateError('expired');
	if (payload.issuedAt > now + CLOCK_SKEW_MS || payload.expiresAt <= payload.issuedAt) {
		throw new OAuthStateError('invalid', 'issued in the future');
	}
	return toPayload(payload);
}

function signature(secret: Buffer, body: string): Buffer {
	return createHmac('sha256', secret).update(SIGNING_PREFIX).update(body).digest();
}

function secretBytes(secret: OAuthStateSecret): Buffer {
	const bytes =
		typeof secret === 'string'
			? Buffer.from(secret, 'utf8')
			: secret instanceof Uint8Array
				? Buffer.from(secret)
				: undefined;
	if (!bytes || bytes.length < MIN_SECRET_BYTES) {
		throw new OAuthStateError(
			'invalid',
			`the signing secret must be at least ${MIN_SECRET_BYTES} bytes`,
		);
	}
	return bytes;
}

function millis(now: Date | number | undefined): number {
	const value = now === undefined ? Date.now() : typeof now === 'number' ? now : now.getTime();
	if (!Number.isFinite(value)) throw new OAuthStateError('invalid', 'now is not a time');
	return Math.trunc(value);
}

function toPayload(payload: z.output<typeof signedPayloadSchema>): OAuthStatePayload {
	return {
		workspaceId: payload.workspaceId,
		userId: payload.userId,
		provider: payload.provider,
		returnUrl: payload.returnUrl,
		nonce: payload.nonce,
		issuedAt: new Date(payload.issuedAt),
		expiresAt: new Date(payload.expiresAt),
	};
}

function describeIssues(error: z.ZodError): string {
	return error.issues
		.map((issue) => `${issue.path.join('.') || 'state'}: ${issue.message}`)
		.join('; ');
}
