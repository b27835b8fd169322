// PKCE (RFC 7636): a random code verifier kept server-side, and its S256 challenge sent with the
// authorization request, so an intercepted authorization code is useless without the verifier.
import { createHash, randomBytes } from 'node:crypto';

/** RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export const PKCE_METHOD = 'S256';

export class PkceError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PkceError';
	}
}

export function isCodeVerifier(value: unknown): value is string {
	return typeof value === 'string' && VERIFIER.test(value);
}

/**
 * A new code verifier of `length` characters (default 64, 384 random bits): base64url of crypto
 * random bytes, whose alphabet lies within the unreserved set.
 */
export function createCodeVerifier(length = 64): string {
	if (!Number.isInteger(length) || length < 43 || length > 128) {
		throw new PkceError(`A PKCE code verifier is 43 to 128 characters long, not ${length}`);
	}
	return randomBytes(Math.ceil((length * 3) / 4))
		.toString('base64url')
		.slice(0, length);
}

/** BASE64URL(SHA256(ASCII(verifier))), RFC 7636 §4.2. */
export function codeChallengeS256(verifier: string): string {
	if (!isCodeVerifier(verifier)) {
		throw new PkceError('A PKCE code verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~');
	}
	return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export interface PkcePair {
	verifier: string;
	challenge: string;
	method: typeof PKCE_METHOD;
}

/** A verifier and its S256 challenge, for one authorization request. */
export function createPkcePair(length?: number): PkcePair {
	const verifier = createCodeVerifier(length);
	return { verifier, challenge: codeChallengeS256(verifier), method: PKCE_METHOD };
}
