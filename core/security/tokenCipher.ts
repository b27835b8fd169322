// AES-256-GCM for OAuth tokens at rest. Every envelope names the key that sealed it, so keys can
// rotate: old keys stay in the keyring (inactive) until every row has been re-encrypted.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
// The version and key id are authenticated with the caller's AAD: relabelling an envelope with
// another key id (even one holding the same key bytes) does not decrypt.
const AAD_PREFIX = 'crm-connect token';

/** Base class of every token cipher error. Messages never contain plaintext or key material. */
export class TokenCipherError extends Error {
	constructor(message: string) {
		super(message);
		this.name = new.target.name;
	}
}

/** A key given to the keyring is unusable (wrong length, not base64/hex, bad id, no active key). */
export class TokenKeyError extends TokenCipherError {}

/** The envelope names a key the keyring no longer has. */
export class UnknownTokenKeyError extends TokenCipherError {
	constructor(readonly keyId: string) {
		super(
			`The token was encrypted with key '${keyId}', which the keyring no longer has: add that key back (it may stay inactive) or reconnect the account`,
		);
	}
}

/** Authentication failed: the envelope was altered, or it belongs to another row (other AAD). */
export class TokenDecryptionError extends TokenCipherError {
	constructor(readonly keyId: string) {
		super(
			`The token could not be decrypted: altered, or not this row's (key '${keyId}', authentication failed)`,
		);
	}
}

/** The stored value is not a token envelope this version understands. */
export class MalformedTokenEnvelopeError extends TokenCipherError {}

export type TokenKeyMaterial = string | Uint8Array;

export interface TokenCipherOptions {
	/** Id of the key new envelopes are sealed with; must be one of `keys`. */
	activeKeyId: string;
	/** Key id → 32-byte key, as base64 (standard or url-safe) or hex, or as bytes. */
	keys: Record<string, TokenKeyMaterial>;
}

export interface TokenCipher {
	readonly activeKeyId: string;
	/** Seals `plain` under the active key, bound to `aad` (e.g. integrationTokenAad(...)). */
	encrypt(plain: string, aad: string): string;
	/** Opens an envelope sealed with any key of the keyring, for the same `aad`. */
	decrypt(envelope: string, aad: string): string;
	/** The key id an envelope names (no decryption). */
	keyIdOf(envelope: string): string;
	/** True when the envelope was sealed with a key other than the active one. */
	needsReencryption(envelope: string): boolean;
	/**
	 * Opens and reseals under the active key (same AAD). An envelope already under the active key
	 * is verified and returned unchanged.
	 */
	reencrypt(envelope: string, aad: string): string;
}

/**
 * Decodes one key: 64 hex characters, or base64 / base64url of exactly 32 bytes. The error names
 * the key id and the decoded length, never the key.
 */
export function parseTokenKey(keyId: string, material: TokenKeyMaterial): Buffer {
	checkKeyId(keyId);
	if (typeof material !== 'string') {
		if (!(material instanceof Uint8Array)) {
			throw new TokenKeyError(`Key '${keyId}' must be a base64 or hex string, or bytes`);
		}
		if (material.length !== KEY_BYTES) {
			throw new TokenKeyError(
				`Key '${keyId}' must be exactly ${KEY_BYTES} bytes (AES-256); it has ${material.length}`,
			);
		}
		return Buffer.from(material);
	}
	const text = material.trim();
	let key: Buffer | undefined;
	if (/^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0) {
		// Hex first: 64 hex digits are also valid base64 (of 48 bytes).
		key = Buffer.from(text, 'hex');
	} else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
		const unpadded = text.replace(/=+$/, '');
		const decoded = Buffer.from(unpadded.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
		// Node ignores trailing bits and stray characters; a key must decode exactly.
		if (decoded.toString('base64url') === unpadded.replace(/\+/g, '-').replace(/\//g, '_')) {
			key = decoded;
		}
	}
	if (!key) {
		throw new TokenKeyError(
			`Key '${keyId}' is neither base64 nor hex: give ${KEY_BYTES} random bytes, e.g. the output of \`openssl rand -base64 32\``,
		);
	}
	if (key.length !== KEY_BYTES) {
		throw new TokenKeyError(
			`Key '${keyId}' must be exactly ${KEY_BYTES} bytes (AES-256); it decodes to ${key.length}`,
		);
	}
	return key;
}

export function createTokenCipher(options: TokenCipherOptions): TokenCipher {
	const { activeKeyId } = options;
	const keys = new Map<string, Buffer>();
	for (const [keyId, material] of Object.entries(options.keys ?? {})) {
		keys.set(keyId, parseTokenKey(keyId, material));
	}
	if (typeof activeKeyId !== 'string' || !keys.has(activeKeyId)) {
		const known = [...keys.keys()].map((id) => `'${id}'`).join(', ') || 'none';
		throw new TokenKeyError(
			`The active key '${String(activeKeyId)}' is not in the keyring (keys: ${known})`,
		);
	}

	const keyFor = (keyId: string): Buffer => {
		const key = keys.get(keyId);
		if (!key) throw new UnknownTokenKeyError(keyId);
		return key;
	};

	const encrypt = (plain: string, aad: string): string => {
		if (typeof plain !== 'string') throw new TokenCipherError('Only strings can be encrypted');
		checkAad(aad);
		const iv = randomBytes(IV_BYTES);
		const cipher = createCipheriv('aes-256-gcm', keyFor(activeKeyId), iv, {
			authTagLength: TAG_BYTES,
		});
		cipher.setAAD(boundAad(activeKeyId, aad));
		const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
		return [
			VERSION,
			activeKeyId,
			iv.toString('base64url'),
			ciphertext.toString('base64url'),
			cipher.getAuthTag().toString('base64url'),
		].join(':');
	};

	const decrypt = (envelope: string, aad: string): string => {
		checkAad(aad);
		const parts = parseEnvelope(envelope);
		const decipher = createDecipheriv('aes-256-gcm', keyFor(parts.keyId), parts.iv, {
			authTagLength: TAG_BYTES,
		});
		decipher.setAAD(boundAad(parts.keyId, aad));
		decipher.setAuthTag(parts.tag);
		try {
			return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString('utf8');
		} catch {
			throw new TokenDecryptionError(parts.keyId);
		}
	};

	return {
		activeKeyId,
		encrypt,
		decrypt,
		keyIdOf: (envelope) => parseEnvelope(envelope).keyId,
		needsReencryption: (envelope) => parseEnvelope(envelope).keyId !== activeKeyId,
		reencrypt(envelope, aad) {
			const plain = decrypt(envelope, aad);
			return parseEnvelope(envelope).keyId === activeKeyId ? envelope : encrypt(plain, aad);
		},
	};
}

/** AAD of an integration's stored token: a copy in another row or workspace does not decrypt. */
export function integrationTokenAad(
	workspaceId: string,
	integrationId: string,
	column: 'access_token' | 'refresh_token',
): string {
	return `integration:${workspaceId}:${integrationId}:${column}`;
}

/** AAD of the PKCE verifier stored with an OAuth state, bound to its workspace and nonce. */
export function pkceVerifierAad(workspaceId: string, nonce: string): string {
	return `oauth_state:${workspaceId}:${nonce}:pkce_verifier`;
}

interface EnvelopeParts {
	keyId: string;
	iv: Buffer;
	ciphertext: Buffer;
	tag: Buffer;
}

function parseEnvelope(envelope: string): EnvelopeParts {
	if (typeof envelope !== 'string') {
		throw new MalformedTokenEnvelopeError(
			'The stored token is not an encrypted envelope (no text)',
		);
	}
	const parts = envelope.split(':');
	if (parts[0] !== VERSION) {
		throw new MalformedTokenEnvelopeError(
			/^v\d{1,3}$/.test(parts[0] ?? '')
				? `The stored token uses envelope version '${parts[0]}', which this version cannot read`
				: `The stored token is not an encrypted envelope (expected '${VERSION}:<keyId>:<iv>:<ciphertext>:<tag>')`,
		);
	}
	if (parts.length !== 5) {
		throw new MalformedTokenEnvelopeError(
			`The stored token envelope has ${parts.length} parts instead of 5`,
		);
	}
	const [, keyId, iv, ciphertext, tag] = parts as [string, string, string, string, string];
	if (!KEY_ID.test(keyId)) {
		throw new MalformedTokenEnvelopeError('The stored token envelope has an invalid key id');
	}
	return {
		keyId,
		iv: decodePart(iv, 'IV', IV_BYTES),
		ciphertext: decodePart(ciphertext, 'ciphertext'),
		tag: decodePart(tag, 'authentication tag', TAG_BYTES),
	};
}

function decodePart(text: string, name: string, bytes?: number): Buffer {
	const decoded = BASE64URL.test(text) ? Buffer.from(text, 'base64url') : undefined;
	// Canonical base64url only, so one envelope has exactly one spelling.
	if (!decoded || decoded.toString('base64url') !== text) {
		throw new MalformedTokenEnvelopeError(`The stored token envelope's ${name} is not base64url`);
	}
	if (bytes !== undefined && decoded.length !== bytes) {
		throw new MalformedTokenEnvelopeError(
			`The stored token envelope's ${name} is ${decoded.length} bytes instead of ${bytes}`,
		);
	}
	return decoded;
}

function checkKeyId(keyId: string) {
	if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) {
		throw new TokenKeyError(
			'A key id must be 1 to 64 letters, digits, dots, dashes or underscores (no colon)',
		);
	}
}

function checkAad(aad: string) {
	if (typeof aad !== 'string' || aad.length === 0) {
		throw new TokenCipherError(
			"Associated data is required: it binds a token to its row (e.g. 'integration:<workspace>:<id>:access_token')",
		);
	}
}

function boundAad(keyId: string, aad: string): Buffer {
	return Buffer.from(`${AAD_PREFIX}\0${VERSION}\0${keyId}\0${aad}`, 'utf8');
}
