// Sign in with Google, the cryptography: Google's ID token checked against Google's published keys
// (issuer, audience, expiry, nonce), and the short signed assertion of the verified identity that the
// CRM's return URL receives (HS256 with the CRM Connect Apps credential's apiSigningSecret, the secret
// the CRM's backend already holds). Identity only: no mailbox access, no provider token kept.
import {
	createLocalJWKSet,
	errors as joseErrors,
	jwtVerify,
	SignJWT,
	type JSONWebKeySet,
	type JWTPayload,
} from 'jose';
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The issuers Google's ID tokens carry (both spellings are documented). */
export const GOOGLE_ID_TOKEN_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

/** The `iss` and `aud` of our assertions: a CRM backend checks both, so no other token passes. */
export const SIGN_IN_ASSERTION_ISSUER = 'crm-connect';
export const SIGN_IN_ASSERTION_AUDIENCE = 'crm-connect:sign-in';
/** Assertions live at most five minutes (the return page redeems one at once). */
export const SIGN_IN_ASSERTION_MAX_LIFETIME_SECONDS = 300;
/** Clocks of Google, n8n and the CRM may differ a little. */
export const SIGN_IN_CLOCK_SKEW_SECONDS = 60;

export type SignInRefusal =
	| 'malformed'
	| 'signature'
	| 'issuer'
	| 'audience'
	| 'expired'
	| 'nonce'
	| 'claims'
	| 'keys';

/** A token that must not be trusted; `reason` says why. The message never echoes the token. */
export class SignInTokenError extends Error {
	constructor(
		readonly reason: SignInRefusal,
		message: string,
	) {
		super(message);
		this.name = 'SignInTokenError';
	}
}

/** The verified identity, as Google states it and as the assertion carries it. */
export interface SignInIdentity {
	/** Google's stable account id. */
	sub: string;
	email: string;
	emailVerified: boolean;
	name: string | null;
	/** Google Workspace domain of the account; null for consumer accounts. */
	hd: string | null;
}

// --- Google's keys ---

export type JwksFetcher = (url: string) => Promise<JSONWebKeySet>;

interface CachedKeys {
	keys: ReturnType<typeof createLocalJWKSet>;
	fetchedAt: number;
}

const JWKS_CACHE_MS = 60 * 60_000;
/** A key id we do not know makes us fetch again, but not more often than this. */
const JWKS_REFETCH_MS = 30_000;
const jwksCache = new Map<string, CachedKeys>();

/** Reads a JWKS document with `fetch`; refuses anything that is not one. */
export function jwksFetcher(fetchImpl: typeof fetch = fetch): JwksFetcher {
	return async (url) => {
		const response = await fetchImpl(url, { headers: { accept: 'application/json' } });
		if (!response.ok) {
			throw new SignInTokenError('keys', `Google's signing keys answered HTTP ${response.status}`);
		}
		const body = (await response.json()) as unknown;
		if (!body || typeof body !== 'object' || !Array.isArray((body as JSONWebKeySet).keys)) {
			throw new SignInTokenError('keys', "Google's signing keys are not a JWKS document");
		}
		return body as JSONWebKeySet;
	};
}

async function keysFor(url: string, fetcher: JwksFetcher, refresh: boolean, now: number) {
	const cached = jwksCache.get(url);
	const stale = !cached || now - cached.fetchedAt > JWKS_CACHE_MS;
	const mayRefresh = !cached || now - cached.fetchedAt > JWKS_REFETCH_MS;
	if (cached && !stale && !(refresh && mayRefresh)) return cached.keys;
	const keys = createLocalJWKSet(await fetcher(url));
	jwksCache.set(url, { keys, fetchedAt: now });
	return keys;
}

/** Forgets every cached key set (tests; a rotated key is picked up by itself). */
export function clearJwksCache(): void {
	jwksCache.clear();
}

export interface VerifyGoogleIdTokenOptions {
	/** The Sign-In app's OAuth client id: the token's audience. */
	clientId: string;
	/** The nonce this sign-in sent in the authorization request. */
	nonce: string;
	/** Google's JWKS URL (`<API base>/oauth2/v3/certs`). */
	certsUrl: string;
	fetchKeys?: JwksFetcher;
	now?: Date;
}

/**
 * Verifies an ID token from Google's token endpoint: RS256 signature by one of Google's published
 * keys, `iss` Google, `aud` our client (and `azp`, when present), not expired, issued not in the
 * future, and `nonce` the one we sent. Returns the identity; throws SignInTokenError otherwise.
 */
export async function verifyGoogleIdToken(
	idToken: string,
	options: VerifyGoogleIdTokenOptions,
): Promise<SignInIdentity> {
	if (typeof idToken !== 'string' || idToken.length > 16_384 || idToken.split('.').length !== 3) {
		throw new SignInTokenError('malformed', 'The ID token is not a JWT');
	}
	const currentDate = options.now ?? new Date();
	const fetchKeys = options.fetchKeys ?? jwksFetcher();
	let payload: JWTPayload;
	const verify = async (refresh: boolean) =>
		(
			await jwtVerify(idToken, await keysFor(options.certsUrl, fetchKeys, refresh, Date.now()), {
				algorithms: ['RS256'],
				issuer: GOOGLE_ID_TOKEN_ISSUERS,
				audience: options.clientId,
				clockTolerance: SIGN_IN_CLOCK_SKEW_SECONDS,
				requiredClaims: ['exp', 'iat', 'sub', 'aud', 'iss'],
				currentDate,
			})
		).payload;
	try {
		try {
			payload = await verify(false);
		} catch (error) {
			// Google rotates its keys: a key id we have not seen makes us read the keys again.
			if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
			payload = await verify(true);
		}
	} catch (error) {
		throw idTokenError(error);
	}
	if (
		payload.iat !== undefined &&
		payload.iat > currentDate.getTime() / 1000 + SIGN_IN_CLOCK_SKEW_SECONDS
	) {
		throw new SignInTokenError('claims', 'The ID token was issued in the future');
	}
	if (payload.azp !== undefined && payload.azp !== options.clientId) {
		throw new SignInTokenError('audience', 'The ID token was issued to another app (azp)');
	}
	if (typeof payload.nonce !== 'string' || !sameText(payload.nonce, options.nonce)) {
		throw new SignInTokenError('nonce', 'The ID token does not carry the nonce of this sign-in');
	}
	const { sub, email, email_verified: emailVerified, name, hd } = payload;
	if (typeof sub !== 'string' || sub.length === 0 || sub.length > 255) {
		throw new SignInTokenError('claims', 'The ID token names no subject');
	}
	if (typeof email !== 'string' || !email.includes('@') || email.length > 320) {
		throw new SignInTokenError('claims', 'The ID token carries no email (scope email missing?)');
	}
	return {
		sub,
		email: email.toLowerCase(),
		emailVerified: emailVerified === true || emailVerified === 'true',
		name: typeof name === 'string' && name.length > 0 ? name.slice(0, 256) : null,
		hd: typeof hd === 'string' && hd.length > 0 ? hd.toLowerCase() : null,
	};
}

function idTokenError(error: unknown): SignInTokenError {
	if (error instanceof SignInTokenError) return error;
	if (error instanceof joseErrors.JWTExpired) {
		return new SignInTokenError('expired', 'The ID token has expired');
	}
	if (error instanceof joseErrors.JWTClaimValidationFailed) {
		if (error.claim === 'iss')
			return new SignInTokenError('issuer', 'The ID token was not issued by Google');
		if (error.claim === 'aud') {
			return new SignInTokenError('audience', 'The ID token was issued to another app (aud)');
		}
		if (error.claim === 'iat' || error.claim === 'nbf') {
			return new SignInTokenError('claims', 'The ID token is not valid yet');
		}
		return new SignInTokenError('claims', `The ID token's '${error.claim}' claim is invalid`);
	}
	if (
		error instanceof joseErrors.JWSSignatureVerificationFailed ||
		error instanceof joseErrors.JWKSNoMatchingKey ||
		error instanceof joseErrors.JOSEAlgNotAllowed ||
		error instanceof joseErrors.JWKSMultipleMatchingKeys
	) {
		return new SignInTokenError('signature', "The ID token's signature is not Google's");
	}
	if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) {
		return new SignInTokenError('malformed', 'The ID token is malformed');
	}
	return new SignInTokenError('keys', "Google's signing keys could not be read");
}

function sameText(a: string, b: string): boolean {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	// Lengths differ only when the nonce is wrong; the comparison itself is constant time.
	return left.length === right.length && timingSafeEqual(left, right);
}

// --- the assertion handed to the CRM ---

export interface SignInAssertionClaims {
	email: string;
	email_verified: boolean;
	name: string | null;
	sub: string;
	hd: string | null;
	/** Always 'google' for now. */
	provider: 'google';
}

export interface SignSignInAssertionOptions {
	/** Default and maximum: five minutes. */
	lifetimeSeconds?: number;
	now?: Date;
}

/**
 * The signed statement of a verified identity the return URL receives: HS256 JWT with `iss`
 * crm-connect, `aud` crm-connect:sign-in, `sub` Google's account id, email, email_verified, name,
 * hd, provider, a random `jti` (redeem each once) and at most five minutes of life.
 */
export async function signSignInAssertion(
	identity: SignInIdentity,
	secret: Uint8Array,
	options: SignSignInAssertionOptions = {},
): Promise<string> {
	const lifetime = options.lifetimeSeconds ?? SIGN_IN_ASSERTION_MAX_LIFETIME_SECONDS;
	if (
		!Number.isInteger(lifetime) ||
		lifetime <= 0 ||
		lifetime > SIGN_IN_ASSERTION_MAX_LIFETIME_SECONDS
	) {
		throw new RangeError(
			`A sign-in assertion lives 1 to ${SIGN_IN_ASSERTION_MAX_LIFETIME_SECONDS} seconds`,
		);
	}
	if (secret.length < 32) throw new RangeError('The signing secret must be at least 32 bytes');
	const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
	return new SignJWT({
		email: identity.email,
		email_verified: identity.emailVerified,
		name: identity.name,
		hd: identity.hd,
		provider: 'google',
	})
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setIssuer(SIGN_IN_ASSERTION_ISSUER)
		.setAudience(SIGN_IN_ASSERTION_AUDIENCE)
		.setSubject(identity.sub)
		.setJti(randomBytes(16).toString('base64url'))
		.setIssuedAt(iat)
		.setExpirationTime(iat + lifetime)
		.sign(secret);
}

/**
 * What a CRM backend written in Node does with an assertion (and what the tests do): HS256 with
 * the shared secret, our issuer and audience, not expired, at most five minutes of life. The
 * backend should also remember `jti` until `exp` and refuse a second use.
 */
export async function verifySignInAssertion(
	token: string,
	secret: Uint8Array,
	options: { now?: Date } = {},
): Promise<SignInAssertionClaims & { jti: string; exp: number; iat: number }> {
	const currentDate = options.now ?? new Date();
	let payload: JWTPayload;
	try {
		({ payload } = await jwtVerify(token, secret, {
			algorithms: ['HS256'],
			issuer: SIGN_IN_ASSERTION_ISSUER,
			audience: SIGN_IN_ASSERTION_AUDIENCE,
			requiredClaims: ['exp', 'iat', 'sub', 'jti'],
			clockTolerance: 30,
			currentDate,
		}));
	} catch (error) {
		if (error instanceof joseErrors.JWTExpired) {
			throw new SignInTokenError('expired', 'The sign-in assertion has expired');
		}
		if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
			throw new SignInTokenError(
				'signature',
				'The sign-in assertion was not signed with this secret',
			);
		}
		if (error instanceof joseErrors.JWTClaimValidationFailed) {
			throw new SignInTokenError(
				'claims',
				`The sign-in assertion's '${error.claim}' claim is invalid`,
			);
		}
		throw new SignInTokenError('malformed', 'The sign-in assertion is malformed');
	}
	const { exp, iat, sub, jti, email, email_verified: emailVerified, name, hd } = payload;
	if (
		typeof exp !== 'number' ||
		typeof iat !== 'number' ||
		exp - iat > SIGN_IN_ASSERTION_MAX_LIFETIME_SECONDS
	) {
		throw new SignInTokenError('claims', 'The sign-in assertion lives longer than five minutes');
	}
	if (typeof sub !== 'string' || typeof jti !== 'string' || typeof email !== 'string') {
		throw new SignInTokenError('claims', 'The sign-in assertion lacks sub, jti or email');
	}
	return {
		sub,
		jti,
		exp,
		iat,
		email,
		email_verified: emailVerified === true,
		name: typeof name === 'string' ? name : null,
		hd: typeof hd === 'string' ? hd : null,
		provider: 'google',
	};
}
