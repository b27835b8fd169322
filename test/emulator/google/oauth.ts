/**
 * Google OAuth 2.0 / OpenID Connect: accounts.google.com (/o/oauth2/v2/auth consent page),
 * oauth2.googleapis.com (/token, /revoke, /tokeninfo), www.googleapis.com (/oauth2/v3/userinfo,
 * /oauth2/v2/userinfo, /oauth2/v3/certs). Supports the authorization-code flow (state, offline
 * access, prompt, login_hint, PKCE S256/plain), refresh tokens, revocation, ID tokens, and the
 * JWT-bearer grant that service accounts use for domain-wide delegation.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import {
	type AuthorizationRequest,
	atHash,
	clientCredentials,
	consentPage,
	errorPage,
	findClient,
	issueAuthorizationCode,
	oauthStore,
	pkceMatches,
	priorConsent,
	redirectToClient,
	redirectUriAllowed,
	signingKey,
	signJwt,
	takeConsent,
	verifyJwt,
} from '../core/oauth';
import type { ServiceAccountKey } from '../core/control';
import { type EmulatorRequest, type EmulatorResponse, googleOAuthError } from '../core/http';
import type { Router } from '../core/router';
import type { Account, EmulatorState } from '../core/state';

const AUTH = 'https://www.googleapis.com/auth/';
export const GOOGLE_USERINFO_EMAIL = `${AUTH}userinfo.email`;
export const GOOGLE_USERINFO_PROFILE = `${AUTH}userinfo.profile`;

/** Every scope the emulator knows; requesting anything else is invalid_scope. */
export const GOOGLE_SCOPES: string[] = [
	'openid',
	GOOGLE_USERINFO_EMAIL,
	GOOGLE_USERINFO_PROFILE,
	'https://mail.google.com/',
	...[
		'readonly',
		'modify',
		'compose',
		'send',
		'insert',
		'labels',
		'metadata',
		'settings.basic',
		'settings.sharing',
		'addons.current.message.readonly',
	].map((s) => `${AUTH}gmail.${s}`),
	`${AUTH}calendar`,
	...[
		'readonly',
		'events',
		'events.readonly',
		'calendarlist',
		'calendarlist.readonly',
		'settings.readonly',
		'events.owned',
		'calendars',
	].map((s) => `${AUTH}calendar.${s}`),
	`${AUTH}adwords`,
	`${AUTH}datamanager`,
	`${AUTH}youtube`,
	`${AUTH}youtube.readonly`,
	`${AUTH}youtube.force-ssl`,
	`${AUTH}youtube.upload`,
	`${AUTH}yt-analytics.readonly`,
	`${AUTH}contacts.readonly`,
];

const SCOPE_ALIASES: Record<string, string> = {
	email: GOOGLE_USERINFO_EMAIL,
	profile: GOOGLE_USERINFO_PROFILE,
};

/** Audiences Google accepts in a service-account assertion (client libraries hard-code the first). */
const GOOGLE_TOKEN_AUDIENCES = [
	'https://oauth2.googleapis.com/token',
	'https://www.googleapis.com/oauth2/v4/token',
	'https://accounts.google.com/o/oauth2/token',
];

interface ServiceAccount {
	email: string;
	clientId: string;
	keyId: string;
	publicKey: KeyObject;
	domain: string;
	scopes: string[]; // scopes the domain admin authorised for delegation
}

const serviceAccounts = new WeakMap<EmulatorState, Map<string, ServiceAccount>>();

function serviceAccountsOf(state: EmulatorState): Map<string, ServiceAccount> {
	let map = serviceAccounts.get(state);
	if (!map) serviceAccounts.set(state, (map = new Map()));
	return map;
}

const oauthError = googleOAuthError;

export function registerGoogleOAuth(router: Router, state: EmulatorState): void {
	router.controlHooks.allScopes = { ...router.controlHooks.allScopes, google: GOOGLE_SCOPES };
	router.controlHooks.createServiceAccount = (domain, options) =>
		createServiceAccount(state, domain, options?.name);

	const authorize = (req: EmulatorRequest) => authorizeEndpoint(state, req);
	router.add(
		'GET',
		'/o/oauth2/v2/auth',
		{ name: 'google.oauth.authorize', surface: 'google-oauth' },
		authorize,
	);
	router.add(
		'GET',
		'/o/oauth2/auth',
		{ name: 'google.oauth.authorize', surface: 'google-oauth' },
		authorize,
	);
	router.add(
		'POST',
		'/o/oauth2/v2/auth/consent',
		{ name: 'google.oauth.consent', surface: 'google-oauth' },
		(req) => consentDecision(state, req),
	);

	const token = (req: EmulatorRequest) => tokenEndpoint(state, req);
	for (const path of ['/token', '/oauth2/v4/token', '/o/oauth2/token']) {
		router.add('POST', path, { name: 'google.oauth.token', surface: 'google-oauth' }, token);
	}
	const revoke = (req: EmulatorRequest) => revokeEndpoint(state, req);
	for (const path of ['/revoke', '/o/oauth2/revoke']) {
		router.add('POST', path, { name: 'google.oauth.revoke', surface: 'google-oauth' }, revoke);
		router.add('GET', path, { name: 'google.oauth.revoke', surface: 'google-oauth' }, revoke);
	}
	const tokenInfoV3 = (req: EmulatorRequest) => tokenInfo(state, req, 'v3');
	for (const path of ['/tokeninfo', '/oauth2/v3/tokeninfo']) {
		router.add(
			'GET',
			path,
			{ name: 'google.oauth.tokeninfo', surface: 'google-oauth' },
			tokenInfoV3,
		);
		router.add(
			'POST',
			path,
			{ name: 'google.oauth.tokeninfo', surface: 'google-oauth' },
			tokenInfoV3,
		);
	}
	const tokenInfoV1 = (req: EmulatorRequest) => tokenInfo(state, req, 'v1');
	router.add(
		'GET',
		'/oauth2/v1/tokeninfo',
		{ name: 'google.oauth.tokeninfo', surface: 'google-oauth' },
		tokenInfoV1,
	);
	router.add(
		'POST',
		'/oauth2/v1/tokeninfo',
		{ name: 'google.oauth.tokeninfo', surface: 'google-oauth' },
		tokenInfoV1,
	);

	const userinfoAuth = {
		provider: 'google' as const,
		anyOfScopes: ['openid', GOOGLE_USERINFO_EMAIL, GOOGLE_USERINFO_PROFILE],
	};
	for (const [path, version] of [
		['/oauth2/v3/userinfo', 'v3'],
		['/v1/userinfo', 'v3'], // openidconnect.googleapis.com
		['/oauth2/v2/userinfo', 'v2'],
		['/oauth2/v1/userinfo', 'v2'],
	] as const) {
		for (const method of ['GET', 'POST']) {
			router.add(
				method,
				path,
				{ name: 'google.userinfo.get', surface: 'google-userinfo', auth: userinfoAuth },
				(req) => ({ status: 200, body: userInfo(req, version) }),
			);
		}
	}
	router.add(
		'GET',
		'/oauth2/v3/certs',
		{ name: 'google.oauth.certs', surface: 'google-oauth' },
		async () => {
			const key = await signingKey(state);
			return {
				status: 200,
				headers: { 'cache-control': 'public, max-age=21600' },
				body: { keys: [key.jwk] },
			};
		},
	);
	router.add(
		'GET',
		'/.well-known/openid-configuration',
		{ name: 'google.oauth.discovery', surface: 'google-oauth' },
		(req) => {
			const base = `http://${req.headers.host ?? '127.0.0.1'}`;
			return {
				status: 200,
				body: {
					issuer: 'https://accounts.google.com',
					authorization_endpoint: `${base}/o/oauth2/v2/auth`,
					token_endpoint: `${base}/token`,
					userinfo_endpoint: `${base}/v1/userinfo`,
					revocation_endpoint: `${base}/revoke`,
					jwks_uri: `${base}/oauth2/v3/certs`,
					response_types_supported: ['code'],
					subject_types_supported: ['public'],
					id_token_signing_alg_values_supported: ['RS256'],
					scopes_supported: ['openid', 'email', 'profile'],
					token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
					code_challenge_methods_supported: ['plain', 'S256'],
					grant_types_supported: [
						'authorization_code',
						'refresh_token',
						'urn:ietf:params:oauth:grant-type:jwt-bearer',
					],
				},
			};
		},
	);
}

// --- authorization endpoint ---

function googleErrorPage(error: string, detail: string): EmulatorResponse {
	return errorPage(
		400,
		`Access blocked: Authorization Error — Error 400: ${error}`,
		`${error}: ${detail}`,
	);
}

function parseGoogleScopes(raw: string | null): { scopes: string[]; invalid: string[] } {
	const scopes: string[] = [];
	const invalid: string[] = [];
	for (const item of (raw ?? '').split(/[\s+]+/).filter(Boolean)) {
		const scope = SCOPE_ALIASES[item] ?? item;
		if (!GOOGLE_SCOPES.includes(scope)) invalid.push(item);
		else if (!scopes.includes(scope)) scopes.push(scope);
	}
	return { scopes, invalid };
}

function authorizeEndpoint(state: EmulatorState, req: EmulatorRequest): EmulatorResponse {
	const q = req.query;
	const clientId = q.get('client_id');
	if (!clientId) return googleErrorPage('invalid_request', 'Missing required parameter: client_id');
	const client = findClient(state, clientId, 'google');
	if (!client) {
		return errorPage(
			401,
			'Access blocked: Authorization Error — Error 401: invalid_client',
			'invalid_client: The OAuth client was not found.',
		);
	}
	const redirectUri = q.get('redirect_uri');
	if (!redirectUri)
		return googleErrorPage('invalid_request', 'Missing required parameter: redirect_uri');
	if (!redirectUriAllowed(client, redirectUri)) {
		return googleErrorPage(
			'redirect_uri_mismatch',
			`You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri=${redirectUri}`,
		);
	}
	const responseType = q.get('response_type');
	if (!responseType)
		return googleErrorPage('invalid_request', 'Required parameter is missing: response_type');
	if (responseType !== 'code') {
		return googleErrorPage('unsupported_response_type', `Invalid response_type: ${responseType}`);
	}
	if (!q.get('scope'))
		return googleErrorPage('invalid_request', 'Missing required parameter: scope');
	const { scopes, invalid } = parseGoogleScopes(q.get('scope'));
	if (invalid.length > 0) {
		return googleErrorPage(
			'invalid_scope',
			`Some requested scopes were invalid. {invalid=[${invalid.join(', ')}]}`,
		);
	}
	const codeChallenge = q.get('code_challenge') ?? undefined;
	const method = q.get('code_challenge_method') ?? (codeChallenge ? 'plain' : undefined);
	if (method && method !== 'S256' && method !== 'plain') {
		return googleErrorPage('invalid_request', `Invalid code_challenge_method: ${method}`);
	}
	if (codeChallenge && !/^[A-Za-z0-9\-._~]{43,128}$/.test(codeChallenge)) {
		return googleErrorPage('invalid_request', 'Invalid code_challenge.');
	}
	const accessType = q.get('access_type') ?? 'online';
	if (accessType !== 'online' && accessType !== 'offline') {
		return googleErrorPage('invalid_request', `Invalid access_type: ${accessType}`);
	}
	const request: AuthorizationRequest = {
		provider: 'google',
		client,
		redirectUri,
		scopes,
		state: q.get('state') ?? undefined,
		codeChallenge,
		codeChallengeMethod: method as 'S256' | 'plain' | undefined,
		accessType,
		prompt: (q.get('prompt') ?? '').split(/\s+/).filter(Boolean),
		loginHint: q.get('login_hint') ?? undefined,
		nonce: q.get('nonce') ?? undefined,
		responseMode: 'query',
		includeGrantedScopes: q.get('include_granted_scopes') === 'true',
	};
	if (request.prompt.includes('none')) {
		// No UI allowed: only succeeds when the account already granted every requested scope.
		const email = request.loginHint ?? state.sandbox.google;
		const account = email ? state.getAccount(email) : undefined;
		if (!account)
			return redirectToClient(request, { error: 'login_required', state: request.state });
		const prior = priorConsent(account, client.clientId);
		if (!scopes.every((scope) => prior.scopes.has(scope))) {
			return redirectToClient(request, { error: 'consent_required', state: request.state });
		}
		return approve(state, request, account);
	}
	return consentPage(state, request, '/o/oauth2/v2/auth/consent', {
		title: 'Sign in with Google (emulator)',
		defaultEmail: state.sandbox.google ?? 'sandbox@crm-connect.test',
	});
}

function consentDecision(state: EmulatorState, req: EmulatorRequest): EmulatorResponse {
	const form = req.form();
	const request = takeConsent(state, form.get('consent_id'));
	if (!request || request.provider !== 'google') {
		return googleErrorPage(
			'invalid_request',
			'This consent page has expired. Start the sign-in again.',
		);
	}
	if (form.get('decision') !== 'approve') {
		return redirectToClient(request, { error: 'access_denied', state: request.state });
	}
	const email = form.get('login_hint') || request.loginHint || state.sandbox.google;
	if (!email || !email.includes('@'))
		return googleErrorPage('invalid_request', 'No account chosen.');
	return approve(state, request, state.getOrCreateAccount(email, 'google'));
}

function approve(
	state: EmulatorState,
	request: AuthorizationRequest,
	account: Account,
): EmulatorResponse {
	const prior = priorConsent(account, request.client.clientId);
	const scopes = request.includeGrantedScopes
		? [...new Set([...prior.scopes, ...request.scopes])]
		: request.scopes;
	// Google sends a refresh token only on the first offline consent, or when consent is forced.
	const issueRefreshToken =
		request.accessType === 'offline' &&
		(!prior.refreshIssued || request.prompt.includes('consent'));
	for (const scope of request.scopes) prior.scopes.add(scope);
	const code = `4/0A${randomBytes(32).toString('base64url')}`;
	issueAuthorizationCode(state, { ...request, scopes }, account, code, issueRefreshToken);
	return redirectToClient(request, {
		code,
		scope: scopes.join(' '),
		authuser: '0',
		prompt: request.prompt.includes('consent') ? 'consent' : 'none',
		state: request.state,
	});
}

// --- token endpoint ---

async function tokenEndpoint(
	state: EmulatorState,
	req: EmulatorRequest,
): Promise<EmulatorResponse> {
	const form = req.form();
	const grantType = form.get('grant_type');
	if (!grantType) throw oauthError(400, 'unsupported_grant_type', 'Invalid grant_type: ');
	switch (grantType) {
		case 'authorization_code':
			return authorizationCodeGrant(state, req, form);
		case 'refresh_token':
			return refreshTokenGrant(state, req, form);
		case 'urn:ietf:params:oauth:grant-type:jwt-bearer':
			return jwtBearerGrant(state, req, form);
		default:
			throw oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
	}
}

function authenticateClient(state: EmulatorState, req: EmulatorRequest, form: URLSearchParams) {
	const { clientId, clientSecret } = clientCredentials(req.headers, form);
	if (!clientId)
		throw oauthError(400, 'invalid_request', 'Could not determine client ID from request.');
	const client = findClient(state, clientId, 'google');
	if (!client) throw oauthError(401, 'invalid_client', 'The OAuth client was not found.');
	if (client.clientSecret !== undefined) {
		if (!clientSecret) throw oauthError(400, 'invalid_request', 'client_secret is missing.');
		if (clientSecret !== client.clientSecret)
			throw oauthError(401, 'invalid_client', 'Unauthorized');
	}
	return client;
}

async function authorizationCodeGrant(
	state: EmulatorState,
	req: EmulatorRequest,
	form: URLSearchParams,
): Promise<EmulatorResponse> {
	const client = authenticateClient(state, req, form);
	const codeValue = form.get('code');
	if (!codeValue) throw oauthError(400, 'invalid_request', 'Missing required parameter: code');
	const store = oauthStore(state);
	const code = store.codes.get(codeValue);
	if (!code || code.provider !== 'google')
		throw oauthError(400, 'invalid_grant', 'Malformed auth code.');
	if (code.redeemedGrantId) {
		// A replayed code revokes what it already produced (RFC 6749 §4.1.2).
		state.revokeGrant(code.redeemedGrantId);
		throw oauthError(400, 'invalid_grant', 'Bad Request');
	}
	if (state.now() > code.expiresAt) throw oauthError(400, 'invalid_grant', 'Bad Request');
	if (code.client.clientId !== client.clientId)
		throw oauthError(400, 'invalid_grant', 'Bad Request');
	const redirectUri = form.get('redirect_uri');
	if (redirectUri !== code.redirectUri)
		throw oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
	if (code.codeChallenge) {
		const verifier = form.get('code_verifier');
		if (!verifier) throw oauthError(400, 'invalid_grant', 'Missing code verifier.');
		if (!pkceMatches(code.codeChallenge, code.codeChallengeMethod ?? 'plain', verifier)) {
			throw oauthError(400, 'invalid_grant', 'Invalid code verifier.');
		}
	} else if (form.get('code_verifier')) {
		throw oauthError(400, 'invalid_grant', 'code_verifier or verifier is not needed.');
	}
	const ttl = store.settings.accessTokenTtlSeconds;
	const access = state.issueAccessToken(code.account, code.scopes, client.clientId, ttl);
	code.redeemedGrantId = access.grantId;
	const body: Record<string, unknown> = {
		access_token: access.token,
		expires_in: ttl,
		scope: code.scopes.join(' '),
		token_type: 'Bearer',
	};
	if (code.issueRefreshToken) {
		body.refresh_token = state.issueRefreshToken(
			code.account,
			code.scopes,
			client.clientId,
			access.grantId,
		).token;
		priorConsent(code.account, client.clientId).refreshIssued = true;
	}
	if (code.scopes.includes('openid')) {
		body.id_token = await idToken(
			state,
			code.account,
			client.clientId,
			code.scopes,
			access.token,
			code.nonce,
		);
	}
	return tokenResponse(body);
}

async function refreshTokenGrant(
	state: EmulatorState,
	req: EmulatorRequest,
	form: URLSearchParams,
): Promise<EmulatorResponse> {
	const client = authenticateClient(state, req, form);
	const token = form.get('refresh_token');
	if (!token) throw oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
	const refresh = state.refreshTokens.get(token);
	if (!refresh || refresh.provider !== 'google' || state.isRevoked(refresh.grantId)) {
		throw oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
	}
	if (refresh.clientId !== client.clientId)
		throw oauthError(400, 'unauthorized_client', 'Unauthorized');
	let scopes = refresh.scopes;
	const requested = form.get('scope');
	if (requested) {
		const parsed = parseGoogleScopes(requested);
		if (parsed.invalid.length > 0 || !parsed.scopes.every((s) => refresh.scopes.includes(s))) {
			throw oauthError(400, 'invalid_scope', 'Some requested scopes were invalid.');
		}
		scopes = parsed.scopes;
	}
	const ttl = oauthStore(state).settings.accessTokenTtlSeconds;
	const access = state.issueAccessToken(refresh.account, scopes, client.clientId, ttl, {
		grantId: refresh.grantId,
	});
	const body: Record<string, unknown> = {
		access_token: access.token,
		expires_in: ttl,
		scope: scopes.join(' '),
		token_type: 'Bearer',
	};
	if (scopes.includes('openid')) {
		body.id_token = await idToken(state, refresh.account, client.clientId, scopes, access.token);
	}
	return tokenResponse(body);
}

function tokenResponse(body: Record<string, unknown>): EmulatorResponse {
	return {
		status: 200,
		headers: {
			'cache-control': 'no-cache, no-store, max-age=0, must-revalidate',
			pragma: 'no-cache',
		},
		body,
	};
}

async function idToken(
	state: EmulatorState,
	account: Account,
	clientId: string,
	scopes: string[],
	accessToken: string,
	nonce?: string,
): Promise<string> {
	const key = await signingKey(state);
	const iat = Math.floor(state.now() / 1000);
	const payload: Record<string, unknown> = {
		iss: 'https://accounts.google.com',
		azp: clientId,
		aud: clientId,
		sub: account.id,
		at_hash: atHash(accessToken),
		iat,
		exp: iat + 3600,
	};
	if (scopes.includes(GOOGLE_USERINFO_EMAIL)) {
		payload.email = account.email;
		payload.email_verified = true;
		const domain = account.email.split('@')[1];
		if (domain && domain !== 'gmail.com') payload.hd = domain;
	}
	if (scopes.includes(GOOGLE_USERINFO_PROFILE)) Object.assign(payload, profileClaims(account));
	if (nonce) payload.nonce = nonce;
	return signJwt(payload, key.privateKey, { kid: key.kid });
}

function profileClaims(account: Account): Record<string, string> {
	const [given, ...rest] = account.name.split(' ');
	return {
		name: account.name,
		given_name: given ?? account.name,
		family_name: rest.join(' '),
		picture: `https://lh3.googleusercontent.com/a/emulator-${account.id}=s96-c`,
	};
}

// --- service accounts (JWT bearer) ---

function createServiceAccount(
	state: EmulatorState,
	domain: string,
	name?: string,
): ServiceAccountKey {
	const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const slug = (name ?? `delegate-${serviceAccountsOf(state).size + 1}`)
		.toLowerCase()
		.replace(/[^a-z0-9-]/g, '-');
	const projectId = 'crm-connect-emulator';
	const email = `${slug}@${projectId}.iam.gserviceaccount.com`;
	const digest = createHash('sha256').update(`${state.seed}\0sa\0${email}`).digest();
	let clientId = '1';
	for (const byte of digest.subarray(0, 10)) clientId += String(byte % 10);
	clientId = clientId.padEnd(21, '7');
	const keyId = randomBytes(20).toString('hex');
	serviceAccountsOf(state).set(email, {
		email,
		clientId,
		keyId,
		publicKey,
		domain: domain.toLowerCase(),
		scopes: GOOGLE_SCOPES,
	});
	const base = state.baseUrl ?? 'https://oauth2.googleapis.com';
	return {
		type: 'service_account',
		project_id: projectId,
		private_key_id: keyId,
		private_key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
		client_email: email,
		client_id: clientId,
		auth_uri: `${base}/o/oauth2/auth`,
		token_uri: `${base}/token`,
		auth_provider_x509_cert_url: `${base}/oauth2/v1/certs`,
		client_x509_cert_url: `${base}/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
		universe_domain: 'googleapis.com',
	};
}

const UNAUTHORIZED_CLIENT =
	'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.';
const BAD_TIMEFRAME =
	'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';

function jwtBearerGrant(
	state: EmulatorState,
	req: EmulatorRequest,
	form: URLSearchParams,
): EmulatorResponse {
	const assertion = form.get('assertion');
	if (!assertion) throw oauthError(400, 'invalid_request', 'Missing required parameter: assertion');
	const unverified = verifyJwt(assertion);
	if (!unverified.ok) throw oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
	const claims = unverified.payload;
	const account =
		typeof claims.iss === 'string' ? serviceAccountsOf(state).get(claims.iss) : undefined;
	if (!account) throw oauthError(400, 'invalid_grant', 'Invalid grant: account not found');
	const verified = verifyJwt(assertion, account.publicKey);
	if (!verified.ok) throw oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
	if (verified.header.kid !== undefined && verified.header.kid !== account.keyId) {
		throw oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
	}
	const audiences = [
		...GOOGLE_TOKEN_AUDIENCES,
		`${state.baseUrl ?? ''}/token`,
		`http://${req.headers.host ?? ''}/token`,
	];
	if (typeof claims.aud !== 'string' || !audiences.includes(claims.aud)) {
		throw oauthError(
			400,
			'invalid_grant',
			`Invalid JWT: Failed audience check. The right audience is ${state.baseUrl ?? 'https://oauth2.googleapis.com'}/token`,
		);
	}
	const nowSeconds = state.now() / 1000;
	const { iat, exp } = claims;
	if (
		typeof iat !== 'number' ||
		typeof exp !== 'number' ||
		exp <= iat ||
		exp - iat > 3600 ||
		exp <= nowSeconds ||
		iat > nowSeconds + 300
	) {
		throw oauthError(400, 'invalid_grant', BAD_TIMEFRAME);
	}
	if (typeof claims.scope !== 'string' || claims.scope.trim() === '') {
		throw oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
	}
	const { scopes, invalid } = parseGoogleScopes(claims.scope);
	if (invalid.length > 0)
		throw oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
	let subject: Account;
	if (claims.sub !== undefined && claims.sub !== account.email) {
		const sub = String(claims.sub).toLowerCase();
		if (!/^[^@\s]+@[^@\s]+$/.test(sub))
			throw oauthError(400, 'invalid_grant', 'Invalid email or User ID');
		if (sub.split('@')[1] !== account.domain || !scopes.every((s) => account.scopes.includes(s))) {
			throw oauthError(401, 'unauthorized_client', UNAUTHORIZED_CLIENT);
		}
		subject = state.getOrCreateAccount(sub, 'google');
	} else {
		subject = state.getOrCreateAccount(account.email, 'google', account.email.split('@')[0]);
	}
	const ttl = oauthStore(state).settings.accessTokenTtlSeconds;
	const access = state.issueAccessToken(subject, scopes, account.clientId, ttl);
	return tokenResponse({ access_token: access.token, expires_in: ttl, token_type: 'Bearer' });
}

// --- revoke, tokeninfo, userinfo ---

function tokenParam(req: EmulatorRequest, name: string): string | undefined {
	const fromQuery = req.query.get(name);
	if (fromQuery) return fromQuery;
	if (
		req.body.length > 0 &&
		(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')
	) {
		const fromForm = req.form().get(name);
		if (fromForm) return fromForm;
	}
	return undefined;
}

function revokeEndpoint(state: EmulatorState, req: EmulatorRequest): EmulatorResponse {
	const token = tokenParam(req, 'token');
	if (!token) throw oauthError(400, 'invalid_request', 'Bad Request');
	const grantId = state.accessTokens.get(token)?.grantId ?? state.refreshTokens.get(token)?.grantId;
	const known =
		grantId !== undefined &&
		!state.isRevoked(grantId) &&
		(state.accessTokens.get(token)?.provider ?? state.refreshTokens.get(token)?.provider) ===
			'google';
	if (!known) throw oauthError(400, 'invalid_token', 'Token expired or revoked');
	state.revokeGrant(grantId);
	return { status: 200, body: {} };
}

async function tokenInfo(
	state: EmulatorState,
	req: EmulatorRequest,
	version: 'v1' | 'v3',
): Promise<EmulatorResponse> {
	const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
	const idTokenValue = tokenParam(req, 'id_token');
	if (idTokenValue && version === 'v3') return idTokenInfo(state, idTokenValue);
	const token = tokenParam(req, 'access_token') ?? bearer;
	if (!token)
		throw oauthError(
			400,
			'invalid_request',
			'Either access_token, id_token, or token_handle required',
		);
	const found = state.lookupAccessToken(token);
	if ('problem' in found || found.grant.provider !== 'google') {
		throw oauthError(400, 'invalid_token', 'Invalid Value');
	}
	const grant = found.grant;
	const expiresIn = Math.max(0, Math.floor((grant.expiresAt - state.now()) / 1000));
	const hasEmail = grant.allScopes || grant.scopes.includes(GOOGLE_USERINFO_EMAIL);
	const accessType = [...state.refreshTokens.values()].some((r) => r.grantId === grant.grantId)
		? 'offline'
		: 'online';
	if (version === 'v1') {
		const body: Record<string, unknown> = {
			issued_to: grant.clientId,
			audience: grant.clientId,
			user_id: grant.account.id,
			scope: grant.scopes.join(' '),
			expires_in: expiresIn,
			access_type: accessType,
		};
		if (hasEmail) Object.assign(body, { email: grant.account.email, verified_email: true });
		return { status: 200, body };
	}
	const body: Record<string, string> = {
		azp: grant.clientId,
		aud: grant.clientId,
		sub: grant.account.id,
		scope: grant.scopes.join(' '),
		exp: String(Math.floor(grant.expiresAt / 1000)),
		expires_in: String(expiresIn),
		access_type: accessType,
	};
	if (hasEmail) Object.assign(body, { email: grant.account.email, email_verified: 'true' });
	return { status: 200, body };
}

async function idTokenInfo(state: EmulatorState, token: string): Promise<EmulatorResponse> {
	const key = await signingKey(state);
	const checked = verifyJwt(token, key.publicKey);
	if (
		!checked.ok ||
		typeof checked.payload.exp !== 'number' ||
		checked.payload.exp * 1000 <= state.now()
	) {
		throw oauthError(400, 'invalid_token', 'Invalid Value');
	}
	// Google's tokeninfo returns every claim as a string, plus the header's alg/kid/typ.
	const body: Record<string, string> = {};
	for (const [name, value] of Object.entries({
		...checked.payload,
		alg: checked.header.alg,
		kid: checked.header.kid,
		typ: checked.header.typ,
	})) {
		if (value !== undefined) body[name] = String(value);
	}
	return { status: 200, body };
}

function userInfo(req: EmulatorRequest, version: 'v2' | 'v3'): Record<string, unknown> {
	const grant = req.grant!;
	const account = grant.account;
	const email = grant.allScopes || grant.scopes.includes(GOOGLE_USERINFO_EMAIL);
	const profile = grant.allScopes || grant.scopes.includes(GOOGLE_USERINFO_PROFILE);
	const domain = account.email.split('@')[1];
	if (version === 'v2') {
		const body: Record<string, unknown> = { id: account.id };
		if (email) Object.assign(body, { email: account.email, verified_email: true });
		if (profile) Object.assign(body, profileClaims(account));
		if (domain && domain !== 'gmail.com') body.hd = domain;
		return body;
	}
	const body: Record<string, unknown> = { sub: account.id };
	if (profile) Object.assign(body, profileClaims(account));
	if (email) Object.assign(body, { email: account.email, email_verified: true });
	if (domain && domain !== 'gmail.com') body.hd = domain;
	return body;
}
