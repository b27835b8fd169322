// Short-lived API tokens signed by the CRM's own backend (HS256 JWT): which workspace and user a
// request acts for, and what it may do. Every API route but the OAuth callback requires one.
import { createSecretKey, type KeyObject } from 'node:crypto';

import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

/** The longest lifetime (exp - iat) a token may have. */
export const API_TOKEN_MAX_LIFETIME_SECONDS = 15 * 60;
/** Clocks of the CRM backend and of n8n may differ a little. */
export const API_TOKEN_CLOCK_SKEW_SECONDS = 30;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const SCOPE = /^[a-z][a-z0-9_.:-]{0,63}$/;

export type ApiScope = 'integrations:read' | 'integrations:write' | 'integrations:admin';

export interface ApiPrincipal {
	workspaceId: string;
	userId: string;
	scopes: string[];
	expiresAt: Date;
}

/** The request is not authenticated (401) or not allowed (403); the message says why. */
export class ApiAuthError extends Error {
	constructor(
		readonly status: 401 | 403,
		readonly code: 'unauthenticated' | 'forbidden',
		message: string,
	) {
		super(message);
		this.name = 'ApiAuthError';
	}
}

const unauthenticated = (message: string) => new ApiAuthError(401, 'unauthenticated', message);

/** The bearer token of an `Authorization` header; 401 when missing or not a bearer token. */
export function bearerToken(header: string | undefined): string {
	if (!header) throw unauthenticated('Missing Authorization header: send "Bearer <token>"');
	const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)\s*$/i.exec(header);
	if (!match) throw unauthenticated('The Authorization header must be "Bearer <JWT>"');
	return match[1]!;
}

/**
 * Verifies an HS256 API token: signature, `exp` (required), `iat` (required, lifetime at most 15
 * minutes), `workspace_id` (uuid), `sub` (user id) and `scopes` (array of strings). Throws
 * ApiAuthError(401) with a message that never contains the token.
 */
// The signing secret as a key object, made once per secret: given raw bytes, jose imports a new
// key on every verification, which is a measurable share of a widget request.
const verificationKeys = new WeakMap<Uint8Array, KeyObject>();

function verificationKeyOf(secret: Uint8Array): KeyObject {
	let key = verificationKeys.get(secret);
	if (!key) {
		key = createSecretKey(secret);
		verificationKeys.set(secret, key);
	}
	return key;
}

export async function verifyApiToken(
	token: string,
	secret: Uint8Array,
	options: { now?: Date } = {},
): Promise<ApiPrincipal> {
	const currentDate = options.now ?? new Date();
	let payload: Record<string, unknown>;
	try {
		({ payload } = await jwtVerify(token, verificationKeyOf(secret), {
			algorithms: ['HS256'],
			clockTolerance: API_TOKEN_CLOCK_SKEW_SECONDS,
			requiredClaims: ['exp', 'iat', 'sub'],
			currentDate,
		}));
	} catch (error) {
		throw unauthenticated(describeJoseError(error));
	}
	const { exp, iat, sub, workspace_id: workspaceId, scopes } = payload;
	if (typeof exp !== 'number' || typeof iat !== 'number') {
		throw unauthenticated('The API token must carry numeric exp and iat claims');
	}
	if (iat > currentDate.getTime() / 1000 + API_TOKEN_CLOCK_SKEW_SECONDS) {
		throw unauthenticated('The API token is not valid yet (issued in the future)');
	}
	if (exp - iat > API_TOKEN_MAX_LIFETIME_SECONDS) {
		throw unauthenticated(
			`The API token lives too long: at most ${API_TOKEN_MAX_LIFETIME_SECONDS / 60} minutes from iat to exp`,
		);
	}
	if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) {
		throw unauthenticated('The API token must name the user in sub');
	}
	if (typeof workspaceId !== 'string' || !UUID.test(workspaceId)) {
		throw unauthenticated('The API token must carry workspace_id, a UUID');
	}
	if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && SCOPE.test(s))) {
		throw unauthenticated('The API token must carry scopes, an array of scope names');
	}
	return {
		workspaceId: workspaceId.toLowerCase(),
		userId: sub,
		scopes: scopes as string[],
		expiresAt: new Date(exp * 1000),
	};
}

/** 403 unless the principal holds `scope` (or integrations:admin, which implies the others). */
export function requireScope(principal: ApiPrincipal, scope: ApiScope): void {
	if (principal.scopes.includes(scope) || principal.scopes.includes('integrations:admin')) return;
	throw new ApiAuthError(403, 'forbidden', `The API token lacks the scope '${scope}'`);
}

export interface ApiTokenClaims {
	workspaceId: string;
	userId: string;
	scopes: string[];
	/** Default 5 minutes; at most 15. */
	lifetimeSeconds?: number;
	now?: Date;
}

/**
 * Signs an API token as the CRM backend would (tests, docs, and a backend written in Node). The
 * backend holds the same secret as the `CRM Connect Apps` credential's apiSigningSecret.
 */
export async function signApiToken(claims: ApiTokenClaims, secret: Uint8Array): Promise<string> {
	const iat = Math.floor((claims.now ?? new Date()).getTime() / 1000);
	return new SignJWT({ workspace_id: claims.workspaceId, scopes: claims.scopes })
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setSubject(claims.userId)
		.setIssuedAt(iat)
		.setExpirationTime(iat + (claims.lifetimeSeconds ?? 300))
		.sign(secret);
}

function describeJoseError(error: unknown): string {
	if (error instanceof joseErrors.JWTExpired) return 'The API token has expired';
	if (error instanceof joseErrors.JWTClaimValidationFailed) {
		if (error.reason === 'missing') return `The API token lacks the '${error.claim}' claim`;
		if (error.claim === 'iat' || error.claim === 'nbf') {
			return 'The API token is not valid yet (issued in the future)';
		}
		return `The API token's '${error.claim}' claim is invalid`;
	}
	if (error instanceof joseErrors.JOSEAlgNotAllowed)
		return 'The API token must be signed with HS256';
	if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
		return 'The API token signature does not verify: it was not signed with this secret';
	}
	return 'The API token is malformed';
}
