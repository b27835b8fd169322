/**
 * Pieces both OAuth surfaces (Google, Microsoft identity) share: registered OAuth clients, pending
 * consents and their HTML page, authorization codes, PKCE, previously granted scopes, and the
 * emulator's RS256 signing key (ID tokens, Microsoft access tokens) with its JWKS.
 */
import {
	createHash,
	createPublicKey,
	generateKeyPair,
	type KeyObject,
	randomBytes,
	sign as signBytes,
	verify as verifyBytes,
} from 'node:crypto';
import { CONSENT_ACTION_HEADER, CONSENT_ID_HEADER } from './control';
import { escapeHtml, type EmulatorResponse } from './http';
import type { Account, EmulatorState, Provider } from './state';

export interface OAuthClient {
	clientId: string;
	clientSecret?: string; // undefined = public client (PKCE, no secret)
	provider: Provider;
	name: string;
	redirectUris: string[];
	/** Desktop-app rule: any http://127.0.0.1|localhost|[::1] redirect URI (any port, any path). */
	allowLoopback: boolean;
}

export interface AuthorizationRequest {
	provider: Provider;
	client: OAuthClient;
	redirectUri: string;
	scopes: string[]; // canonical granted scope names
	state?: string;
	codeChallenge?: string;
	codeChallengeMethod?: 'S256' | 'plain';
	accessType: 'online' | 'offline';
	prompt: string[];
	loginHint?: string;
	nonce?: string;
	responseMode: 'query' | 'fragment' | 'form_post';
	includeGrantedScopes: boolean;
	tenant?: string;
}

export interface AuthorizationCode extends AuthorizationRequest {
	code: string;
	account: Account;
	expiresAt: number;
	redeemedGrantId?: string; // set once redeemed: a second redemption revokes this grant
	issueRefreshToken: boolean; // decided at consent time (offline access, first consent or prompt=consent)
}

interface OAuthStore {
	clients: Map<string, OAuthClient>;
	consents: Map<string, { request: AuthorizationRequest; createdAt: number }>;
	codes: Map<string, AuthorizationCode>;
	signingKey?: Promise<SigningKey>;
	settings: OAuthSettings;
}

export interface OAuthSettings {
	/** How long a rotated Microsoft refresh token keeps working (ms of emulator clock). */
	microsoftRefreshTokenGraceMs: number;
	/** Lifetime of access tokens issued by the token endpoints. */
	accessTokenTtlSeconds: number;
	/** Lifetime of authorization codes. */
	authorizationCodeTtlSeconds: number;
}

export interface SigningKey {
	kid: string;
	privateKey: KeyObject;
	publicKey: KeyObject;
	jwk: Record<string, unknown>;
}

const stores = new WeakMap<EmulatorState, OAuthStore>();

export function oauthStore(state: EmulatorState): OAuthStore {
	let store = stores.get(state);
	if (!store) {
		store = {
			clients: new Map(),
			consents: new Map(),
			codes: new Map(),
			settings: {
				microsoftRefreshTokenGraceMs: 60_000,
				accessTokenTtlSeconds: 3599,
				authorizationCodeTtlSeconds: 600,
			},
		};
		stores.set(state, store);
	}
	return store;
}

export function registerOAuthClient(state: EmulatorState, client: OAuthClient): OAuthClient {
	oauthStore(state).clients.set(client.clientId, client);
	return client;
}

export function findClient(
	state: EmulatorState,
	clientId: string | null | undefined,
	provider: Provider,
): OAuthClient | undefined {
	if (!clientId) return undefined;
	const client = oauthStore(state).clients.get(clientId);
	return client?.provider === provider ? client : undefined;
}

export function redirectUriAllowed(client: OAuthClient, redirectUri: string): boolean {
	if (client.redirectUris.includes(redirectUri)) return true;
	if (!client.allowLoopback) return false;
	try {
		const url = new URL(redirectUri);
		return (
			url.protocol === 'http:' &&
			['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) &&
			url.hash === ''
		);
	} catch {
		return false;
	}
}

/** Checks a PKCE code_verifier against the stored challenge (RFC 7636). */
export function pkceMatches(
	challenge: string,
	method: 'S256' | 'plain',
	verifier: string,
): boolean {
	if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
	const computed =
		method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
	return computed === challenge;
}

export function randomToken(bytes = 24): string {
	return randomBytes(bytes).toString('base64url');
}

/** Stores a pending consent and renders the page a browser (or a test over plain HTTP) submits. */
export function consentPage(
	state: EmulatorState,
	request: AuthorizationRequest,
	action: string,
	options: { title: string; defaultEmail: string; scopeLabels?: string[] },
): EmulatorResponse {
	const store = oauthStore(state);
	const now = state.now();
	for (const [id, pending] of store.consents) {
		if (now - pending.createdAt > 3_600_000) store.consents.delete(id);
	}
	const consentId = randomToken(18);
	store.consents.set(consentId, { request, createdAt: now });
	const email = request.loginHint ?? options.defaultEmail;
	const scopes = (options.scopeLabels ?? request.scopes)
		.map((scope) => `<li>${escapeHtml(scope)}</li>`)
		.join('');
	const hidden = `<input type="hidden" name="consent_id" value="${consentId}">`;
	const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title></head>
<body>
<h1>${escapeHtml(options.title)}</h1>
<p><strong>${escapeHtml(request.client.name)}</strong> wants to access your account.</p>
<ul id="scopes">${scopes}</ul>
<form id="approve" method="POST" action="${escapeHtml(action)}">${hidden}
<input type="hidden" name="decision" value="approve">
<label>Account <input type="email" name="login_hint" value="${escapeHtml(email)}"></label>
<button type="submit">Allow</button></form>
<form id="deny" method="POST" action="${escapeHtml(action)}">${hidden}
<input type="hidden" name="decision" value="deny">
<button type="submit">Cancel</button></form>
</body></html>`;
	return {
		status: 200,
		headers: {
			'content-type': 'text/html; charset=utf-8',
			'cache-control': 'no-cache, no-store, max-age=0, must-revalidate',
			[CONSENT_ACTION_HEADER]: action,
			[CONSENT_ID_HEADER]: consentId,
		},
		body: html,
	};
}

/** Takes (and forgets) a pending consent. */
export function takeConsent(
	state: EmulatorState,
	consentId: string | null,
): AuthorizationRequest | undefined {
	if (!consentId) return undefined;
	const store = oauthStore(state);
	const pending = store.consents.get(consentId);
	store.consents.delete(consentId);
	return pending?.request;
}

export function issueAuthorizationCode(
	state: EmulatorState,
	request: AuthorizationRequest,
	account: Account,
	code: string,
	issueRefreshToken: boolean,
): AuthorizationCode {
	const store = oauthStore(state);
	const now = state.now();
	for (const [key, stored] of store.codes) {
		if (stored.expiresAt < now - 3_600_000) store.codes.delete(key);
	}
	const record: AuthorizationCode = {
		...request,
		code,
		account,
		issueRefreshToken,
		expiresAt: now + store.settings.authorizationCodeTtlSeconds * 1000,
	};
	store.codes.set(code, record);
	return record;
}

/** The redirect back to the client, with `params` in the query or fragment (or a form_post page). */
export function redirectToClient(
	request: Pick<AuthorizationRequest, 'redirectUri' | 'responseMode'>,
	params: Record<string, string | undefined>,
): EmulatorResponse {
	const url = new URL(request.redirectUri);
	const entries = Object.entries(params).filter(
		(entry): entry is [string, string] => entry[1] !== undefined,
	);
	if (request.responseMode === 'fragment') {
		url.hash = new URLSearchParams(entries).toString();
	} else {
		for (const [name, value] of entries) url.searchParams.set(name, value);
	}
	if (request.responseMode === 'form_post') {
		const inputs = entries
			.map(
				([name, value]) =>
					`<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
			)
			.join('');
		return {
			status: 200,
			headers: { 'content-type': 'text/html; charset=utf-8', 'x-emulator-redirect': url.href },
			body: `<!DOCTYPE html><html><body onload="document.forms[0].submit()"><form method="POST" action="${escapeHtml(request.redirectUri)}">${inputs}</form></body></html>`,
		};
	}
	return { status: 302, headers: { location: url.href, 'cache-control': 'no-store' }, body: '' };
}

/** An HTML error page (what a browser shows when the request cannot be redirected back). */
export function errorPage(status: number, title: string, detail: string): EmulatorResponse {
	return {
		status,
		headers: { 'content-type': 'text/html; charset=utf-8' },
		body: `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p id="error">${escapeHtml(detail)}</p></body></html>`,
	};
}

/** Scopes an account already granted a client, and whether a refresh token was issued. */
export function priorConsent(
	account: Account,
	clientId: string,
): { scopes: Set<string>; refreshIssued: boolean } {
	let consents = account.surfaceState.get('oauth:consents') as
		| Map<string, { scopes: Set<string>; refreshIssued: boolean }>
		| undefined;
	if (!consents) account.surfaceState.set('oauth:consents', (consents = new Map()));
	let consent = consents.get(clientId);
	if (!consent) consents.set(clientId, (consent = { scopes: new Set(), refreshIssued: false }));
	return consent;
}

/** Client credentials from the form body or HTTP Basic (client_secret_post / client_secret_basic). */
export function clientCredentials(
	headers: Record<string, string | undefined>,
	form: URLSearchParams,
): { clientId?: string; clientSecret?: string } {
	const basic = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '');
	if (basic) {
		const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon > 0) {
			return {
				clientId: decodeURIComponent(decoded.slice(0, colon)),
				clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
			};
		}
	}
	return {
		clientId: form.get('client_id') ?? undefined,
		clientSecret: form.get('client_secret') ?? undefined,
	};
}

// --- JWT (RS256) ---

/** The emulator's own signing key, generated off the main thread on first use. */
export function signingKey(state: EmulatorState): Promise<SigningKey> {
	const store = oauthStore(state);
	store.signingKey ??= new Promise<SigningKey>((resolve, reject) => {
		generateKeyPair('rsa', { modulusLength: 2048 }, (error, publicKey, privateKey) => {
			if (error) return reject(error);
			const kid = createHash('sha256')
				.update(publicKey.export({ format: 'der', type: 'spki' }))
				.digest('hex')
				.slice(0, 40);
			resolve({
				kid,
				privateKey,
				publicKey,
				jwk: { ...publicKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid },
			});
		});
	});
	return store.signingKey;
}

export function signJwt(
	payload: Record<string, unknown>,
	privateKey: KeyObject,
	header: Record<string, unknown> = {},
): string {
	const head = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', ...header })).toString(
		'base64url',
	);
	const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
	const signature = signBytes('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey);
	return `${head}.${body}.${signature.toString('base64url')}`;
}

export type JwtCheck =
	| { ok: true; header: Record<string, unknown>; payload: Record<string, unknown> }
	| { ok: false; problem: 'malformed' | 'algorithm' | 'signature' };

/** Parses a compact JWS; verifies RS256 with `publicKey` when given. */
export function verifyJwt(token: string, publicKey?: KeyObject | string): JwtCheck {
	const parts = token.split('.');
	if (parts.length !== 3) return { ok: false, problem: 'malformed' };
	let header: Record<string, unknown>;
	let payload: Record<string, unknown>;
	try {
		header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
		payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
	} catch {
		return { ok: false, problem: 'malformed' };
	}
	if (typeof payload !== 'object' || payload === null) return { ok: false, problem: 'malformed' };
	if (publicKey) {
		if (header.alg !== 'RS256') return { ok: false, problem: 'algorithm' };
		const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
		const valid = verifyBytes(
			'RSA-SHA256',
			Buffer.from(`${parts[0]}.${parts[1]}`),
			key,
			Buffer.from(parts[2]!, 'base64url'),
		);
		if (!valid) return { ok: false, problem: 'signature' };
	}
	return { ok: true, header, payload };
}

/** OIDC at_hash: left half of SHA-256 of the access token, base64url. */
export function atHash(accessToken: string): string {
	return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}
