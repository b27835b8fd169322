/**
 * Microsoft identity platform v2 (login.microsoftonline.com): `/{tenant}/oauth2/v2.0/authorize`
 * (consent page, PKCE, state, response_mode) and `/{tenant}/oauth2/v2.0/token` with the
 * authorization_code and refresh_token grants. Refresh tokens rotate: every refresh returns a new
 * one and the old one works only for a grace period (control.configure({
 * microsoftRefreshTokenGraceMs })) before failing with invalid_grant / AADSTS70008.
 * Scopes such as `https://graph.microsoft.com/Mail.ReadWrite` become the short names Graph routes
 * check ('Mail.ReadWrite').
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type EmulatorRequest, type EmulatorResponse, microsoftIdentityError } from '../core/http';
import {
	type AuthorizationRequest,
	clientCredentials,
	consentPage,
	errorPage,
	findClient,
	issueAuthorizationCode,
	type OAuthClient,
	oauthStore,
	pkceMatches,
	priorConsent,
	redirectToClient,
	redirectUriAllowed,
	signingKey,
	signJwt,
} from '../core/oauth';
import type { Router } from '../core/router';
import type { Account, EmulatorState, RefreshGrant } from '../core/state';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com/';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

/** Delegated Graph permissions the emulator knows (short names, as Graph routes check them). */
export const MICROSOFT_GRAPH_SCOPES = [
	'User.Read',
	'User.ReadWrite',
	'User.ReadBasic.All',
	'User.Read.All',
	'Mail.Read',
	'Mail.ReadBasic',
	'Mail.ReadWrite',
	'Mail.Send',
	'Mail.Read.Shared',
	'Mail.ReadWrite.Shared',
	'Mail.Send.Shared',
	'MailboxSettings.Read',
	'MailboxSettings.ReadWrite',
	'Calendars.Read',
	'Calendars.ReadWrite',
	'Calendars.Read.Shared',
	'Calendars.ReadWrite.Shared',
	'Contacts.Read',
	'Contacts.ReadWrite',
];
export const MICROSOFT_SCOPES = [...MICROSOFT_GRAPH_SCOPES, ...OIDC_SCOPES];

const REFRESH_TOKEN_MAX_INACTIVE_MS = 90 * 24 * 3600 * 1000;

export function registerMicrosoftIdentity(router: Router, state: EmulatorState): void {
	router.controlHooks.allScopes = { ...router.controlHooks.allScopes, microsoft: MICROSOFT_SCOPES };
	const opts = (name: string) => ({
		name: `microsoft.identity.${name}`,
		surface: 'microsoft-identity' as const,
	});
	router.add('GET', '/:tenant/oauth2/v2.0/authorize', opts('authorize'), (req) =>
		authorizeEndpoint(state, req),
	);
	router.add('POST', '/:tenant/oauth2/v2.0/authorize/consent', opts('consent'), (req) =>
		consentDecision(state, req),
	);
	router.add('POST', '/:tenant/oauth2/v2.0/token', opts('token'), (req) =>
		tokenEndpoint(state, req),
	);
	router.add('GET', '/:tenant/discovery/v2.0/keys', opts('keys'), async () => ({
		status: 200,
		body: { keys: [(await signingKey(state)).jwk] },
	}));
	router.add('GET', '/:tenant/v2.0/.well-known/openid-configuration', opts('discovery'), (req) => {
		const base = `http://${req.headers.host ?? '127.0.0.1'}/${req.params.tenant}`;
		return {
			status: 200,
			body: {
				token_endpoint: `${base}/oauth2/v2.0/token`,
				token_endpoint_auth_methods_supported: [
					'client_secret_post',
					'private_key_jwt',
					'client_secret_basic',
				],
				jwks_uri: `${base}/discovery/v2.0/keys`,
				response_modes_supported: ['query', 'fragment', 'form_post'],
				subject_types_supported: ['pairwise'],
				id_token_signing_alg_values_supported: ['RS256'],
				response_types_supported: ['code'],
				scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
				issuer: `https://login.microsoftonline.com/${req.params.tenant}/v2.0`,
				authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
				userinfo_endpoint: `http://${req.headers.host ?? '127.0.0.1'}/oidc/userinfo`,
				code_challenge_methods_supported: ['plain', 'S256'],
			},
		};
	});
}

function aadError(
	state: EmulatorState,
	status: number,
	error: string,
	code: number,
	message: string,
) {
	return microsoftIdentityError(status, error, code, message, state.now());
}

function tenantValid(tenant: string | undefined): boolean {
	return !!tenant && /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(tenant);
}

/** Maps requested scopes onto short names; returns the ones that do not exist. */
export function parseMicrosoftScopes(raw: string | null): { scopes: string[]; invalid: string[] } {
	const scopes: string[] = [];
	const invalid: string[] = [];
	const add = (scope: string) => {
		if (!scopes.includes(scope)) scopes.push(scope);
	};
	for (const item of (raw ?? '').split(/\s+/).filter(Boolean)) {
		const lower = item.toLowerCase();
		const oidc = OIDC_SCOPES.find((s) => s === lower);
		if (oidc) {
			add(oidc);
			continue;
		}
		const short = lower.startsWith(GRAPH_RESOURCE) ? item.slice(GRAPH_RESOURCE.length) : item;
		if (short === '.default') {
			MICROSOFT_GRAPH_SCOPES.forEach(add);
			continue;
		}
		const known = MICROSOFT_GRAPH_SCOPES.find((s) => s.toLowerCase() === short.toLowerCase());
		if (known) add(known);
		else invalid.push(item);
	}
	return { scopes, invalid };
}

/** The `scope` string of a token response: Graph permissions carry the resource prefix. */
function scopeString(scopes: string[]): string {
	return scopes.map((s) => (OIDC_SCOPES.includes(s) ? s : `${GRAPH_RESOURCE}${s}`)).join(' ');
}

// --- authorize ---

function authorizeEndpoint(state: EmulatorState, req: EmulatorRequest): EmulatorResponse {
	const q = req.query;
	const tenant = req.params.tenant;
	if (!tenantValid(tenant)) {
		return errorPage(400, 'Sign in (emulator)', `AADSTS90002: Tenant '${tenant}' not found.`);
	}
	const clientId = q.get('client_id');
	if (!clientId) {
		return errorPage(
			400,
			'Sign in (emulator)',
			"AADSTS900144: The request body must contain the following parameter: 'client_id'.",
		);
	}
	const client = findClient(state, clientId, 'microsoft');
	if (!client) {
		return errorPage(
			400,
			'Sign in (emulator)',
			`AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
		);
	}
	const redirectUri = q.get('redirect_uri') ?? client.redirectUris[0];
	if (!redirectUri || !redirectUriAllowed(client, redirectUri)) {
		return errorPage(
			400,
			'Sign in (emulator)',
			`AADSTS50011: The redirect URI '${redirectUri ?? ''}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
		);
	}
	const responseMode = (q.get('response_mode') ?? 'query') as AuthorizationRequest['responseMode'];
	const back = {
		redirectUri,
		responseMode: ['query', 'fragment', 'form_post'].includes(responseMode)
			? responseMode
			: 'query',
	} as const;
	const stateParam = q.get('state') ?? undefined;
	const fail = (error: string, code: number, message: string) =>
		redirectToClient(back, {
			error,
			error_description: `AADSTS${code}: ${message}`,
			state: stateParam,
		});
	if (q.get('response_type') !== 'code') {
		return fail(
			'unsupported_response_type',
			700054,
			`response_type '${q.get('response_type') ?? ''}' is not enabled for the application.`,
		);
	}
	const { scopes, invalid } = parseMicrosoftScopes(q.get('scope'));
	if (invalid.length > 0 || scopes.length === 0) {
		return fail(
			'invalid_scope',
			70011,
			`The provided value for the input parameter 'scope' is not valid. The scope '${invalid.join(' ')}' does not exist.`,
		);
	}
	const codeChallenge = q.get('code_challenge') ?? undefined;
	const method = q.get('code_challenge_method') ?? (codeChallenge ? 'plain' : undefined);
	if (method && method !== 'S256' && method !== 'plain') {
		return fail('invalid_request', 501491, `Invalid code_challenge_method '${method}'.`);
	}
	const request: AuthorizationRequest = {
		provider: 'microsoft',
		client,
		redirectUri,
		scopes,
		state: stateParam,
		codeChallenge,
		codeChallengeMethod: method as 'S256' | 'plain' | undefined,
		accessType: scopes.includes('offline_access') ? 'offline' : 'online',
		prompt: (q.get('prompt') ?? '').split(/\s+/).filter(Boolean),
		loginHint: q.get('login_hint') ?? undefined,
		nonce: q.get('nonce') ?? undefined,
		responseMode: back.responseMode,
		includeGrantedScopes: false,
		tenant,
	};
	if (request.prompt.includes('none')) {
		const email = request.loginHint ?? state.sandbox.microsoft;
		const account = email ? state.getAccount(email) : undefined;
		if (!account)
			return fail(
				'login_required',
				50058,
				'A silent sign-in request was sent but no user is signed in.',
			);
		const prior = priorConsent(account, client.clientId);
		if (!scopes.every((s) => prior.scopes.has(s))) {
			return fail(
				'interaction_required',
				65001,
				`The user or administrator has not consented to use the application with ID '${client.clientId}' named '${client.name}'.`,
			);
		}
		return approve(state, request, account);
	}
	return consentPage(state, request, `/${tenant}/oauth2/v2.0/authorize/consent`, {
		title: 'Microsoft: Permissions requested (emulator)',
		defaultEmail: state.sandbox.microsoft ?? 'sandbox@crm-connect.onmicrosoft.test',
		scopeLabels: scopeString(scopes).split(' '),
	});
}

function consentDecision(state: EmulatorState, req: EmulatorRequest): EmulatorResponse {
	const form = req.form();
	const consentId = form.get('consent_id');
	const store = oauthStore(state);
	const pending = consentId ? store.consents.get(consentId) : undefined;
	if (!pending || pending.request.provider !== 'microsoft') {
		return errorPage(
			400,
			'Sign in (emulator)',
			'AADSTS90014: The consent request has expired. Start the sign-in again.',
		);
	}
	store.consents.delete(consentId!);
	const request = pending.request;
	if (form.get('decision') !== 'approve') {
		return redirectToClient(request, {
			error: 'access_denied',
			error_description: 'AADSTS65004: User declined to consent to access the app.',
			state: request.state,
		});
	}
	const email = form.get('login_hint') || request.loginHint || state.sandbox.microsoft;
	if (!email || !email.includes('@'))
		return errorPage(400, 'Sign in (emulator)', 'No account chosen.');
	return approve(state, request, state.getOrCreateAccount(email, 'microsoft'));
}

function approve(
	state: EmulatorState,
	request: AuthorizationRequest,
	account: Account,
): EmulatorResponse {
	const prior = priorConsent(account, request.client.clientId);
	for (const scope of request.scopes) prior.scopes.add(scope);
	const code = `1.A${randomBytes(48).toString('base64url')}`;
	issueAuthorizationCode(state, request, account, code, request.scopes.includes('offline_access'));
	return redirectToClient(request, { code, state: request.state, session_state: randomUUID() });
}

// --- token ---

async function tokenEndpoint(
	state: EmulatorState,
	req: EmulatorRequest,
): Promise<EmulatorResponse> {
	if (!tenantValid(req.params.tenant)) {
		throw aadError(
			state,
			400,
			'invalid_request',
			90002,
			`Tenant '${req.params.tenant}' not found.`,
		);
	}
	const form = req.form();
	const grantType = form.get('grant_type');
	if (!grantType) {
		throw aadError(
			state,
			400,
			'invalid_request',
			900144,
			"The request body must contain the following parameter: 'grant_type'.",
		);
	}
	const client = authenticateClient(state, req, form);
	if (grantType === 'authorization_code') return authorizationCodeGrant(state, client, form);
	if (grantType === 'refresh_token') return refreshTokenGrant(state, client, form);
	throw aadError(
		state,
		400,
		'unsupported_grant_type',
		70003,
		`The app requested an unsupported grant type '${grantType}'.`,
	);
}

function authenticateClient(
	state: EmulatorState,
	req: EmulatorRequest,
	form: URLSearchParams,
): OAuthClient {
	const { clientId, clientSecret } = clientCredentials(req.headers, form);
	if (!clientId) {
		throw aadError(
			state,
			400,
			'invalid_request',
			900144,
			"The request body must contain the following parameter: 'client_id'.",
		);
	}
	const client = findClient(state, clientId, 'microsoft');
	if (!client) {
		throw aadError(
			state,
			400,
			'unauthorized_client',
			700016,
			`Application with identifier '${clientId}' was not found in the directory '${req.params.tenant}'.`,
		);
	}
	if (client.clientSecret !== undefined) {
		if (!clientSecret) {
			throw aadError(
				state,
				401,
				'invalid_client',
				7000218,
				"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
			);
		}
		if (clientSecret !== client.clientSecret) {
			throw aadError(
				state,
				401,
				'invalid_client',
				7000215,
				`Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
			);
		}
	}
	return client;
}

async function authorizationCodeGrant(
	state: EmulatorState,
	client: OAuthClient,
	form: URLSearchParams,
): Promise<EmulatorResponse> {
	const value = form.get('code');
	if (!value) {
		throw aadError(
			state,
			400,
			'invalid_request',
			900144,
			"The request body must contain the following parameter: 'code'.",
		);
	}
	const code = oauthStore(state).codes.get(value);
	if (!code || code.provider !== 'microsoft' || code.client.clientId !== client.clientId) {
		throw aadError(
			state,
			400,
			'invalid_grant',
			9002313,
			'Invalid request. Request is malformed or invalid.',
		);
	}
	if (code.redeemedGrantId) {
		throw aadError(
			state,
			400,
			'invalid_grant',
			54005,
			'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
		);
	}
	if (state.now() > code.expiresAt) {
		throw aadError(
			state,
			400,
			'invalid_grant',
			70008,
			'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
		);
	}
	if ((form.get('redirect_uri') ?? code.redirectUri) !== code.redirectUri) {
		throw aadError(
			state,
			400,
			'invalid_grant',
			70000,
			"The provided value for the 'redirect_uri' is not valid. The value must exactly match the redirect URI used to obtain the authorization code.",
		);
	}
	if (code.codeChallenge) {
		const verifier = form.get('code_verifier');
		if (
			!verifier ||
			!pkceMatches(code.codeChallenge, code.codeChallengeMethod ?? 'plain', verifier)
		) {
			throw aadError(
				state,
				400,
				'invalid_grant',
				501481,
				'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
			);
		}
	}
	const tokens = await issueTokens(state, code.account, client, code.scopes, undefined, code.nonce);
	code.redeemedGrantId = tokens.grantId;
	return tokens.response;
}

async function refreshTokenGrant(
	state: EmulatorState,
	client: OAuthClient,
	form: URLSearchParams,
): Promise<EmulatorResponse> {
	const token = form.get('refresh_token');
	if (!token) {
		throw aadError(
			state,
			400,
			'invalid_request',
			900144,
			"The request body must contain the following parameter: 'refresh_token'.",
		);
	}
	const refresh = state.refreshTokens.get(token);
	if (!refresh || refresh.provider !== 'microsoft') {
		throw aadError(
			state,
			400,
			'invalid_grant',
			9002313,
			'Invalid request. Request is malformed or invalid.',
		);
	}
	const now = state.now();
	if (state.isRevoked(refresh.grantId)) {
		const issued = new Date(refresh.issuedAt).toISOString();
		throw aadError(
			state,
			400,
			'invalid_grant',
			50173,
			`The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issued}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${new Date(now).toISOString()}'.`,
		);
	}
	const grace = oauthStore(state).settings.microsoftRefreshTokenGraceMs;
	if (refresh.rotatedAt !== undefined && now > refresh.rotatedAt + grace) {
		throw aadError(
			state,
			400,
			'invalid_grant',
			70008,
			'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
		);
	}
	if (now - refresh.issuedAt > REFRESH_TOKEN_MAX_INACTIVE_MS) {
		throw aadError(
			state,
			400,
			'invalid_grant',
			700082,
			`The refresh token has expired due to inactivity. The token was issued on ${new Date(refresh.issuedAt).toISOString()} and was inactive for 90.00:00:00.`,
		);
	}
	if (refresh.clientId !== client.clientId) {
		throw aadError(state, 400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.');
	}
	let scopes = refresh.scopes;
	if (form.get('scope')) {
		const parsed = parseMicrosoftScopes(form.get('scope'));
		const granted = new Set(refresh.scopes);
		if (parsed.invalid.length > 0 || !parsed.scopes.every((s) => granted.has(s))) {
			throw aadError(
				state,
				400,
				'invalid_grant',
				65001,
				`The user or administrator has not consented to use the application with ID '${client.clientId}' named '${client.name}'. Send an interactive authorization request for this user and resource.`,
			);
		}
		// offline_access stays part of the grant even when a refresh asks for fewer scopes.
		scopes = [
			...new Set([...parsed.scopes, ...refresh.scopes.filter((s) => s === 'offline_access')]),
		];
	}
	const tokens = await issueTokens(state, refresh.account, client, scopes, refresh);
	refresh.rotatedAt ??= now;
	return tokens.response;
}

async function issueTokens(
	state: EmulatorState,
	account: Account,
	client: OAuthClient,
	scopes: string[],
	previous?: RefreshGrant,
	nonce?: string,
): Promise<{ grantId: string; response: EmulatorResponse }> {
	const key = await signingKey(state);
	const ttl = oauthStore(state).settings.accessTokenTtlSeconds;
	const iat = Math.floor(state.now() / 1000);
	const tid = account.tenantId ?? '9188040d-6c67-4c5b-b112-36a304b66dad';
	const graphScopes = scopes.filter((s) => !OIDC_SCOPES.includes(s));
	const accessToken = signJwt(
		{
			aud: GRAPH_APP_ID,
			iss: `https://sts.windows.net/${tid}/`,
			iat,
			nbf: iat,
			exp: iat + ttl,
			app_displayname: client.name,
			appid: client.clientId,
			name: account.name,
			oid: account.id,
			scp: (graphScopes.length > 0 ? graphScopes : ['User.Read']).join(' '),
			sub: account.id,
			tid,
			unique_name: account.email,
			upn: account.email,
			uti: randomBytes(16).toString('base64url'),
			ver: '1.0',
		},
		key.privateKey,
		{ kid: key.kid, x5t: key.kid },
	);
	const access = state.issueAccessToken(account, scopes, client.clientId, ttl, {
		token: accessToken,
		grantId: previous?.grantId,
	});
	const body: Record<string, unknown> = {
		token_type: 'Bearer',
		scope: scopeString(scopes),
		expires_in: ttl,
		ext_expires_in: ttl,
		access_token: access.token,
	};
	if (scopes.includes('offline_access')) {
		body.refresh_token = state.issueRefreshToken(
			account,
			scopes,
			client.clientId,
			access.grantId,
		).token;
	}
	if (scopes.includes('openid')) {
		const claims: Record<string, unknown> = {
			aud: client.clientId,
			iss: `https://login.microsoftonline.com/${tid}/v2.0`,
			iat,
			nbf: iat,
			exp: iat + 3600,
			oid: account.id,
			sub: account.id,
			tid,
			ver: '2.0',
		};
		if (scopes.includes('profile'))
			Object.assign(claims, { name: account.name, preferred_username: account.email });
		if (scopes.includes('email')) claims.email = account.email;
		if (nonce) claims.nonce = nonce;
		body.id_token = signJwt(claims, key.privateKey, { kid: key.kid });
	}
	return {
		grantId: access.grantId,
		response: {
			status: 200,
			headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
			body,
		},
	};
}
