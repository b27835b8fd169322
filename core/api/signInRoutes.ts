// Sign in with Google through the CRM API node, kept apart from data access: two browser
// navigations, no API token.
//
//   GET <base>/auth/google/start?return_url=<CRM page>
//     → 302 to Google's consent (openid email profile; state, nonce, PKCE S256), and a short-lived
//       HttpOnly cookie holding, encrypted, what the callback needs (state, nonce, code verifier,
//       return URL). The return URL's origin must be one of the allowed origins.
//   GET <base>/auth/google/callback?code&state
//     → the code exchanged (with the verifier), the ID token verified against Google's keys
//       (issuer, audience, expiry, nonce), then 302 to the return URL with `sign_in_assertion`,
//       a five-minute HS256 JWT of the identity signed with the apiSigningSecret; on refusal the
//       return URL gets `sign_in_error` (and a message) instead.
//
// Nothing is stored: the flow lives in the browser's cookie, bound to the state, so a callback URL
// replayed in another browser (or after the cookie was used) is refused. Google's access token is
// dropped unread; no mailbox scope is ever requested.
import { createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';

import {
	GOOGLE_API_BASE_URL,
	GOOGLE_AUTH_BASE_URL,
	GOOGLE_TOKEN_BASE_URL,
} from '../providers/endpoints';
import { createPkcePair } from '../security/pkce';
import {
	jwksFetcher,
	signSignInAssertion,
	SignInTokenError,
	verifyGoogleIdToken,
	type SignInIdentity,
} from '../security/signInAssertion';
import type { ApiResponse } from './types';

export const SIGN_IN_SCOPES = 'openid email profile';
export const SIGN_IN_START_ROUTE = 'auth/google/start';
export const SIGN_IN_CALLBACK_ROUTE = 'auth/google/callback';
/** How long a started sign-in may take before its callback is refused. */
export const SIGN_IN_FLOW_TTL_SECONDS = 600;
const COOKIE_PREFIX = 'crm_sign_in_';

export interface SignInConfig {
	/** The Sign-In app (the Google Sign-In CRM OAuth2 credential's client). */
	clientId: string;
	clientSecret: string;
	googleAuthBaseUrl: string;
	googleTokenBaseUrl: string;
	googleApiBaseUrl: string;
	/** Where the node is served (`<n8n>/webhook/crm-api`); the callback is below it. */
	publicBaseUrl: string;
	/** Origins a return URL may have. */
	allowedReturnOrigins: string[];
	/** The CRM Connect Apps credential's apiSigningSecret: signs the assertion. */
	assertionSecret: Uint8Array;
	/** Keys the flow cookie (32+ bytes; the node derives it from the token key's state secret). */
	flowSecret: Uint8Array;
}

export interface SignInRequest {
	query: Record<string, string | undefined>;
	headers: Record<string, string | undefined>;
}

export interface SignInOptions {
	now?: () => Date;
	fetch?: typeof fetch;
}

/** What a finished sign-in yields besides the answer: the identity, for the node's emitted item. */
export interface SignInOutcome {
	response: ApiResponse;
	identity?: SignInIdentity;
}

/** The sign-in cannot go on; `status` and `code` as the API's errors have them. */
export class SignInError extends Error {
	constructor(
		readonly status: number,
		readonly code: 'bad_request' | 'not_configured' | 'forbidden' | 'provider_error',
		message: string,
	) {
		super(message);
		this.name = 'SignInError';
	}
}

/**
 * The Sign-In config from the Google Sign-In CRM OAuth2 credential's data (clientId,
 * clientSecret, and under "Use Custom Endpoints" authBaseUrl, tokenBaseUrl, apiBaseUrl) and the
 * CRM Connect Apps settings. Throws SignInError(503) when the credential has no client.
 */
export function signInConfigOf(
	credential: Record<string, unknown> | undefined,
	apps: {
		publicBaseUrl: string;
		allowedReturnOrigins: string[];
		apiSigningSecret: Uint8Array;
		stateSecret: Uint8Array;
	},
): SignInConfig {
	const text = (key: string) => {
		const value = credential?.[key];
		return typeof value === 'string' && value.trim() ? value.trim() : undefined;
	};
	const clientId = text('clientId');
	const clientSecret = text('clientSecret');
	if (!clientId || !clientSecret) {
		throw new SignInError(
			503,
			'not_configured',
			'Sign in with Google is not configured: give the CRM API node a Google Sign-In CRM OAuth2 credential with a client ID and secret',
		);
	}
	const custom = credential?.customEndpoints === true;
	const base = (key: string, fallback: string) =>
		((custom ? text(key) : undefined) ?? fallback).replace(/\/+$/, '');
	return {
		clientId,
		clientSecret,
		googleAuthBaseUrl: base('authBaseUrl', GOOGLE_AUTH_BASE_URL),
		googleTokenBaseUrl: base('tokenBaseUrl', GOOGLE_TOKEN_BASE_URL),
		googleApiBaseUrl: base('apiBaseUrl', GOOGLE_API_BASE_URL),
		publicBaseUrl: apps.publicBaseUrl.replace(/\/+$/, ''),
		allowedReturnOrigins: apps.allowedReturnOrigins,
		assertionSecret: apps.apiSigningSecret,
		flowSecret: new Uint8Array(
			hkdfSync('sha256', apps.stateSecret, 'crm-connect', 'sign-in flow cookie v1', 32),
		),
	};
}

/** The redirect URI to register in the Sign-In app. */
export function signInCallbackUrl(config: Pick<SignInConfig, 'publicBaseUrl'>): string {
	return `${config.publicBaseUrl}/${SIGN_IN_CALLBACK_ROUTE}`;
}

/** The return URL, if it is an absolute http(s) URL on an allowed origin; else null. */
export function allowedReturnUrl(value: string | undefined, origins: string[]): URL | null {
	if (!value || value.length > 2048) return null;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return null;
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
	if (url.username || url.password) return null;
	return origins.includes(url.origin) ? url : null;
}

interface FlowCookie {
	state: string;
	nonce: string;
	verifier: string;
	returnUrl: string;
}

function cookieName(state: string): string {
	// One cookie per started sign-in (two tabs do not overwrite each other), named by the state.
	return `${COOKIE_PREFIX}${createHash('sha256').update(state).digest('base64url').slice(0, 16)}`;
}

function cookieAttributes(config: SignInConfig, maxAge: number): string {
	const callback = new URL(signInCallbackUrl(config));
	const secure = callback.protocol === 'https:' ? '; Secure' : '';
	// Lax: Google's redirect to the callback is a top-level GET, which carries it.
	return `Path=${callback.pathname}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
}

function readCookie(header: string | undefined, name: string): string | undefined {
	for (const part of (header ?? '').split(';')) {
		const at = part.indexOf('=');
		if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
	}
	return undefined;
}

/** GET auth/google/start: to Google's consent, with the flow in a cookie. */
export async function startSignIn(
	config: SignInConfig,
	request: SignInRequest,
	options: SignInOptions = {},
): Promise<ApiResponse> {
	const returnUrl = allowedReturnUrl(request.query.return_url, config.allowedReturnOrigins);
	if (!returnUrl) {
		throw new SignInError(
			400,
			'bad_request',
			'return_url must be an absolute URL on one of the allowed return origins',
		);
	}
	const state = randomBytes(32).toString('base64url');
	const nonce = randomBytes(32).toString('base64url');
	const pkce = createPkcePair();
	const now = options.now?.() ?? new Date();
	const iat = Math.floor(now.getTime() / 1000);
	const flow: FlowCookie = { state, nonce, verifier: pkce.verifier, returnUrl: returnUrl.href };
	const sealed = await new EncryptJWT({ ...flow })
		.setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
		.setIssuedAt(iat)
		.setExpirationTime(iat + SIGN_IN_FLOW_TTL_SECONDS)
		.encrypt(config.flowSecret);
	const authorize = new URL(`${config.googleAuthBaseUrl}/o/oauth2/v2/auth`);
	authorize.search = new URLSearchParams({
		client_id: config.clientId,
		redirect_uri: signInCallbackUrl(config),
		response_type: 'code',
		scope: SIGN_IN_SCOPES,
		state,
		nonce,
		code_challenge: pkce.challenge,
		code_challenge_method: pkce.method,
		// Identity only, every time: no offline access, no refresh token.
		access_type: 'online',
		prompt: 'select_account',
	}).toString();
	return {
		status: 302,
		redirect: authorize.toString(),
		headers: {
			location: authorize.toString(),
			'set-cookie': `${cookieName(state)}=${sealed}; ${cookieAttributes(config, SIGN_IN_FLOW_TTL_SECONDS)}`,
			'cache-control': 'no-store',
			'referrer-policy': 'no-referrer',
		},
	};
}

/**
 * GET auth/google/callback: code → tokens → verified ID token → 302 to the return URL with the
 * assertion. Without a usable flow cookie there is no trusted return URL: 400 JSON.
 */
export async function completeSignIn(
	config: SignInConfig,
	request: SignInRequest,
	options: SignInOptions = {},
): Promise<SignInOutcome> {
	const { state, code, error } = request.query;
	if (!state || !/^[A-Za-z0-9_-]{43}$/.test(state)) {
		throw new SignInError(
			400,
			'bad_request',
			'The sign-in callback lacks a valid state: sign in again',
		);
	}
	const name = cookieName(state);
	const sealed = readCookie(request.headers.cookie, name);
	const clear = `${name}=; ${cookieAttributes(config, 0)}`;
	const now = options.now?.() ?? new Date();
	let flow: FlowCookie;
	try {
		if (!sealed) throw new Error('no cookie');
		const { payload } = await jwtDecrypt(sealed, config.flowSecret, {
			currentDate: now,
			keyManagementAlgorithms: ['dir'],
			contentEncryptionAlgorithms: ['A256GCM'],
		});
		flow = payload as unknown as FlowCookie;
		const given = Buffer.from(state);
		const expected = Buffer.from(String(flow.state));
		if (given.length !== expected.length || !timingSafeEqual(given, expected))
			throw new Error('state');
	} catch {
		return {
			response: {
				status: 400,
				headers: { 'set-cookie': clear },
				body: {
					error: {
						code: 'bad_request',
						message:
							'This sign-in was not started in this browser, has expired or was already used: sign in again',
					},
				},
			},
		};
	}
	const back = (params: Record<string, string>): ApiResponse => {
		const url = new URL(flow.returnUrl);
		for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
		return {
			status: 302,
			redirect: url.toString(),
			headers: {
				location: url.toString(),
				'set-cookie': clear,
				'cache-control': 'no-store',
				'referrer-policy': 'no-referrer',
			},
		};
	};
	// The return URL was checked at the start; the allowed origins may have changed since.
	if (!allowedReturnUrl(flow.returnUrl, config.allowedReturnOrigins)) {
		return {
			response: {
				status: 400,
				headers: { 'set-cookie': clear },
				body: { error: { code: 'bad_request', message: 'The return URL is no longer allowed' } },
			},
		};
	}
	if (error) {
		return {
			response: back({
				sign_in_error: error === 'access_denied' ? 'access_denied' : 'provider_error',
				sign_in_message:
					error === 'access_denied'
						? 'Sign in with Google was cancelled'
						: 'Google could not sign you in: try again',
			}),
		};
	}
	if (!code) {
		return {
			response: back({ sign_in_error: 'bad_request', sign_in_message: 'Google sent no code' }),
		};
	}
	const fetchImpl = options.fetch ?? fetch;
	let idToken: string;
	try {
		idToken = await exchangeCode(config, code, flow.verifier, fetchImpl);
	} catch (exchangeError) {
		const message =
			exchangeError instanceof SignInError
				? exchangeError.message
				: 'Google could not be reached: try again';
		return { response: back({ sign_in_error: 'provider_error', sign_in_message: message }) };
	}
	let identity: SignInIdentity;
	try {
		identity = await verifyGoogleIdToken(idToken, {
			clientId: config.clientId,
			nonce: flow.nonce,
			certsUrl: `${config.googleApiBaseUrl}/oauth2/v3/certs`,
			fetchKeys: jwksFetcher(fetchImpl),
			now,
		});
	} catch (verifyError) {
		const reason = verifyError instanceof SignInTokenError ? verifyError.reason : 'keys';
		return {
			response: back({
				sign_in_error: 'invalid_id_token',
				sign_in_message: `Google's answer could not be verified (${reason}): sign in again`,
			}),
		};
	}
	const assertion = await signSignInAssertion(identity, config.assertionSecret, { now });
	return { response: back({ sign_in_assertion: assertion }), identity };
}

async function exchangeCode(
	config: SignInConfig,
	code: string,
	verifier: string,
	fetchImpl: typeof fetch,
): Promise<string> {
	const response = await fetchImpl(`${config.googleTokenBaseUrl}/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
		body: new URLSearchParams({
			grant_type: 'authorization_code',
			code,
			redirect_uri: signInCallbackUrl(config),
			client_id: config.clientId,
			client_secret: config.clientSecret,
			code_verifier: verifier,
		}).toString(),
	});
	let body: Record<string, unknown> = {};
	try {
		body = (await response.json()) as Record<string, unknown>;
	} catch {
		// not JSON
	}
	if (!response.ok || typeof body.id_token !== 'string') {
		const reason =
			typeof body.error === 'string' ? body.error.slice(0, 64) : `HTTP ${response.status}`;
		throw new SignInError(
			502,
			'provider_error',
			`Google refused the sign-in code (${reason}): sign in again`,
		);
	}
	// The access token (openid email profile only) is dropped here unread.
	return body.id_token;
}

/** An error of the sign-in routes as the API answers errors (JSON, stable code). */
export function signInErrorResponse(error: unknown): ApiResponse {
	if (error instanceof SignInError) {
		return { status: error.status, body: { error: { code: error.code, message: error.message } } };
	}
	return {
		status: 500,
		body: { error: { code: 'internal', message: 'The sign-in failed; try again later' } },
	};
}
