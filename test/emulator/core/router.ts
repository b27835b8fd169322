/**
 * Emulator router: every request (from the HTTP server, and every inner request of a batch) goes
 * through `dispatch`, which runs, in order: route match → call count → auth (token, scopes) →
 * concurrency slot → injected faults (latency, error, reset) → quota → handler.
 *
 * Usage for a surface (see google/oauth.ts for a complete one):
 *
 *   export function registerGmail(router: Router, state: EmulatorState): void {
 *     router.add('GET', '/gmail/v1/users/:userId/messages/:id',
 *       { name: 'gmail.users.messages.get', surface: 'gmail', quotaUnits: 5,
 *         auth: { provider: 'google', anyOfScopes: [GMAIL_READONLY, ...] } },
 *       (req) => ({ status: 200, body: { id: req.params.id, ... } }));   // req.account is set
 *   }
 *   // errors: throw googleError(404, 'Requested entity was not found.', 'notFound') (core/http.ts)
 *   // batch: const inner = await router.dispatch({ method, url, headers, body }) per part.
 *
 * Patterns: literal segments, ':name' (one segment, URL-decoded) and a final '*name' (the rest of
 * the path, decoded). The most literal matching pattern wins. `auth.anyOfScopes: []` accepts any
 * valid token of the provider. Microsoft scopes are the short names ('Mail.ReadWrite'); Google
 * scopes are the full URLs ('https://www.googleapis.com/auth/gmail.readonly'). The sandbox token
 * has every scope.
 *
 * Contract additions (backward compatible): EmulatorResponse.destroySocket (connection reset
 * fault; a batch handler seeing it on an inner response should fail that part or the batch);
 * AccessGrant has provider/grantId/issuedAt/allScopes; EmulatorState has accessTokens,
 * refreshTokens, lookupAccessToken, revokeGrant(s), expireCursors, epoch, seed, messages;
 * calls() also returns byStatus and throttled; faults accept `after` (skip N) and `message`;
 * control has issueToken(email, {provider, scopes, ttlSeconds}), configure({...token lifetimes,
 * microsoftRefreshTokenGraceMs}) and createOAuthClient(); state has sandbox (default account per
 * provider) and baseUrl; core/oauth.ts holds what both OAuth servers share; http.ts also exports
 * googleOAuthError, microsoftIdentityError. RouteOptions.auth.anyOfScopes may be [] (any scope).
 * Graph responses get `request-id`/`client-request-id` headers and the request's
 * client-request-id is copied into Graph error bodies by dispatch.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import {
	badRequestFor,
	EmulatorHttpError,
	type EmulatorRequest,
	type EmulatorResponse,
	googleError,
	graphError,
	notFoundFor,
	type Surface,
} from './http';
import { FaultInjector, type FaultDecision } from './faults';
import { ConcurrencyGate, DEFAULT_QUOTA, QuotaMeter, type QuotaSettings } from './limits';
import type { AccessGrant, EmulatorState } from './state';
import type { ControlHooks } from './control';

export interface RouteOptions {
	name: string; // operation name used for call counts and fault targeting
	surface: Surface;
	auth?: { provider: 'google' | 'microsoft'; anyOfScopes: string[] }; // omitted = no auth
	quotaUnits?: number; // Gmail per-user quota units charged for this call
	concurrencyLimited?: boolean; // counts against the per-mailbox concurrent-request limit (Graph: 4)
}

export type RouteHandler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export interface DispatchRequest {
	method: string;
	url: string; // path + query (an absolute URL is accepted; its origin is ignored)
	headers: Record<string, string | undefined>;
	body: Buffer;
}

export interface CallCounts {
	total: number;
	byOperation: Record<string, number>;
	/** Quota units charged per account email. */
	quotaUnits: Record<string, number>;
	/** Responses per HTTP status code (faults and limits included). */
	byStatus: Record<string, number>;
	/** Calls refused by the quota or the concurrency limit. */
	throttled: number;
}

interface Route {
	method: string;
	segments: string[];
	tail?: string;
	literalCount: number;
	options: RouteOptions;
	handler: RouteHandler;
	order: number;
}

const GOOGLE_SERVICE_OF: Partial<Record<Surface, string>> = {
	gmail: 'gmail.googleapis.com',
	calendar: 'calendar-json.googleapis.com',
	'google-userinfo': 'oauth2.googleapis.com',
};

export class Router {
	readonly faults = new FaultInjector();
	quota: QuotaSettings = { ...DEFAULT_QUOTA };
	/** Filled in by surfaces that extend the control API (service accounts, scope lists). */
	readonly controlHooks: ControlHooks = {};
	private readonly routes: Route[] = [];
	private readonly meter = new QuotaMeter();
	private readonly gate = new ConcurrencyGate();
	private counts: CallCounts = emptyCounts();

	constructor(readonly state: EmulatorState) {}

	add(method: string, pattern: string, options: RouteOptions, handler: RouteHandler): void {
		const parts = pattern.split('/').filter((part) => part.length > 0);
		let tail: string | undefined;
		if (parts.length > 0 && parts[parts.length - 1]!.startsWith('*')) {
			tail = parts.pop()!.slice(1) || 'rest';
		}
		this.routes.push({
			method: method.toUpperCase(),
			segments: parts,
			tail,
			literalCount: parts.filter((part) => !part.startsWith(':')).length,
			options,
			handler,
			order: this.routes.length,
		});
	}

	calls(): CallCounts {
		return structuredClone(this.counts);
	}

	resetCalls(): void {
		this.counts = emptyCounts();
	}

	setQuota(settings: Partial<QuotaSettings>): QuotaSettings {
		this.quota = { ...this.quota, ...settings };
		this.meter.reset();
		return { ...this.quota };
	}

	async dispatch(input: DispatchRequest): Promise<EmulatorResponse> {
		const method = input.method.toUpperCase();
		const headers = lowerCaseHeaders(input.headers);
		const url = new URL(input.url, 'http://emulator.invalid');
		const rawSegments = url.pathname.split('/').filter((part) => part.length > 0);
		let path: string;
		let segments: string[];
		try {
			path = decodeURIComponent(url.pathname);
			segments = rawSegments.map((part) => decodeURIComponent(part));
		} catch {
			return this.finish(
				{ status: 400, body: { error: { code: 400, message: 'Malformed URL path' } } },
				undefined,
			);
		}
		const match = this.match(method, segments);
		if (!match) {
			if (!path.startsWith('/_emulator')) this.count('unmatched');
			return this.finish(notFoundFor(path, method).response, undefined);
		}
		const { route, params } = match;
		const { options } = route;
		const counted = options.surface !== 'control';
		if (counted) this.count(options.name);

		let bodyCache: { json?: unknown; form?: URLSearchParams } = {};
		const req: EmulatorRequest = {
			method,
			path,
			query: url.searchParams,
			headers,
			body: input.body,
			params,
			surface: options.surface,
			operation: options.name,
			json: <T>(): T => {
				if (!('json' in bodyCache)) {
					try {
						bodyCache = { ...bodyCache, json: JSON.parse(input.body.toString('utf8')) };
					} catch (error) {
						throw badRequestFor(options.surface, (error as Error).message);
					}
				}
				return bodyCache.json as T;
			},
			form: () => (bodyCache.form ??= new URLSearchParams(input.body.toString('utf8'))),
		};

		let release: (() => void) | undefined;
		let afterAnswer: FaultDecision['afterAnswer'] = [];
		try {
			if (options.auth) this.authenticate(req, options);
			if (options.concurrencyLimited && req.account && this.quota.enabled) {
				release = this.gate.tryAcquire(req.account.email, this.quota.graphConcurrentPerMailbox);
				if (!release) {
					this.counts.throttled++;
					throw this.concurrencyError(options.surface);
				}
			}
			if (counted) {
				const fault = this.faults.take(options.name, options.surface, method);
				if (fault) {
					afterAnswer = fault.afterAnswer;
					if (fault.latencyMs > 0) await sleep(fault.latencyMs);
					if (fault.response) return this.finish(fault.response, req);
				}
			}
			if (options.quotaUnits && req.account && this.quota.enabled) {
				const ok = this.meter.tryCharge(
					req.account.email,
					options.quotaUnits,
					this.quota.gmailUnitsPerSecond,
					this.state.now(),
				);
				if (!ok) {
					this.counts.throttled++;
					throw googleError(
						429,
						`Quota exceeded for quota metric 'Queries' and limit 'Queries per second per user' of service '${GOOGLE_SERVICE_OF[options.surface] ?? 'gmail.googleapis.com'}'.`,
						'rateLimitExceeded',
						{ domain: 'usageLimits', headers: { 'retry-after': '1' } },
					);
				}
			}
			if (options.quotaUnits && req.account) {
				const email = req.account.email;
				this.counts.quotaUnits[email] = (this.counts.quotaUnits[email] ?? 0) + options.quotaUnits;
			}
			const response = await route.handler(req);
			return this.finish(response, req);
		} catch (error) {
			if (error instanceof EmulatorHttpError) return this.finish(error.response, req);
			console.error(`emulator: ${options.name} failed:`, error);
			const internal =
				options.surface === 'graph'
					? graphError(500, 'generalException', 'An internal server error occurred.')
					: googleError(500, 'Internal error encountered.', 'backendError');
			return this.finish(internal.response, req);
		} finally {
			release?.();
			for (const hook of afterAnswer) await hook();
		}
	}

	private match(
		method: string,
		segments: string[],
	): { route: Route; params: Record<string, string> } | undefined {
		let best: { route: Route; params: Record<string, string> } | undefined;
		for (const route of this.routes) {
			if (route.method !== method) continue;
			if (
				route.tail === undefined
					? segments.length !== route.segments.length
					: segments.length < route.segments.length
			) {
				continue;
			}
			const params: Record<string, string> = {};
			let ok = true;
			for (let i = 0; i < route.segments.length; i++) {
				const expected = route.segments[i]!;
				if (expected.startsWith(':')) params[expected.slice(1)] = segments[i]!;
				else if (expected !== segments[i]) {
					ok = false;
					break;
				}
			}
			if (!ok) continue;
			if (route.tail !== undefined)
				params[route.tail] = segments.slice(route.segments.length).join('/');
			if (
				!best ||
				route.literalCount > best.route.literalCount ||
				(route.literalCount === best.route.literalCount &&
					best.route.tail !== undefined &&
					route.tail === undefined)
			) {
				best = { route, params };
			}
		}
		return best;
	}

	private authenticate(req: EmulatorRequest, options: RouteOptions): void {
		const auth = options.auth!;
		const header = req.headers.authorization ?? '';
		const bearer = /^Bearer\s+(\S+)$/i.exec(header.trim());
		// Google also accepts ?access_token= on its JSON APIs.
		const token =
			bearer?.[1] ??
			(auth.provider === 'google' ? (req.query.get('access_token') ?? undefined) : undefined);
		if (!token) throw unauthenticated(auth.provider, 'missing');
		const found = this.state.lookupAccessToken(token);
		if ('problem' in found) throw unauthenticated(auth.provider, found.problem);
		const grant = found.grant;
		if (grant.provider !== auth.provider) throw unauthenticated(auth.provider, 'unknown');
		if (!hasScope(grant, auth.anyOfScopes)) {
			throw insufficientScope(auth.provider, options, auth.anyOfScopes);
		}
		req.grant = grant;
		req.account = grant.account;
	}

	private concurrencyError(surface: Surface): EmulatorHttpError {
		if (surface === 'graph') {
			return graphError(
				429,
				'ApplicationThrottled',
				'Application is over its MailboxConcurrency limit.',
				{ 'retry-after': '1' },
			);
		}
		return googleError(429, 'Too many concurrent requests for user.', 'rateLimitExceeded', {
			domain: 'usageLimits',
			headers: { 'retry-after': '1' },
		});
	}

	private count(operation: string): void {
		this.counts.total++;
		this.counts.byOperation[operation] = (this.counts.byOperation[operation] ?? 0) + 1;
	}

	private finish(response: EmulatorResponse, req: EmulatorRequest | undefined): EmulatorResponse {
		if (req?.surface !== 'control' && !response.destroySocket) {
			this.counts.byStatus[response.status] = (this.counts.byStatus[response.status] ?? 0) + 1;
		}
		if (req?.surface === 'graph') {
			const clientRequestId = req.headers['client-request-id'] ?? randomUUID();
			const requestId = response.headers?.['request-id'] ?? randomUUID();
			response = {
				...response,
				headers: {
					...response.headers,
					'request-id': requestId,
					'client-request-id': clientRequestId,
				},
			};
			const inner = (
				response.body as { error?: { innerError?: Record<string, string> } } | undefined
			)?.error?.innerError;
			if (inner && req.headers['client-request-id']) inner['client-request-id'] = clientRequestId;
		}
		return response;
	}
}

function emptyCounts(): CallCounts {
	return { total: 0, byOperation: {}, quotaUnits: {}, byStatus: {}, throttled: 0 };
}

function lowerCaseHeaders(
	headers: Record<string, string | undefined>,
): Record<string, string | undefined> {
	const out: Record<string, string | undefined> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined) out[name.toLowerCase()] = value;
	}
	return out;
}

function hasScope(grant: AccessGrant, anyOf: string[]): boolean {
	if (grant.allScopes || anyOf.length === 0) return true;
	if (grant.provider === 'microsoft') {
		const granted = new Set(grant.scopes.map((scope) => scope.toLowerCase()));
		return anyOf.some((scope) => granted.has(scope.toLowerCase()));
	}
	return anyOf.some((scope) => grant.scopes.includes(scope));
}

const GOOGLE_CREDENTIALS_HINT =
	'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

function unauthenticated(
	provider: 'google' | 'microsoft',
	problem: 'missing' | 'unknown' | 'expired' | 'revoked',
): EmulatorHttpError {
	if (provider === 'microsoft') {
		const message =
			problem === 'missing'
				? 'Access token is empty.'
				: problem === 'expired'
					? 'Lifetime validation failed, the token is expired.'
					: problem === 'revoked'
						? 'Access token has been revoked.'
						: 'IDX14100: JWT is not well formed.';
		return graphError(401, 'InvalidAuthenticationToken', message, {
			'www-authenticate':
				'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
		});
	}
	if (problem === 'missing') {
		const missing = googleError(
			401,
			`Request is missing required authentication credential. ${GOOGLE_CREDENTIALS_HINT}`,
			'required',
			{
				location: 'Authorization',
				locationType: 'header',
				headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
			},
		);
		(
			missing.response.body as { error: { errors: { message: string }[] } }
		).error.errors[0]!.message = 'Login Required.';
		return missing;
	}
	const error = googleError(
		401,
		`Request had invalid authentication credentials. ${GOOGLE_CREDENTIALS_HINT}`,
		'authError',
		{
			location: 'Authorization',
			locationType: 'header',
			headers: {
				'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
			},
		},
	);
	const body = error.response.body as { error: { errors: { message: string }[] } };
	body.error.errors[0]!.message = 'Invalid Credentials';
	return error;
}

function insufficientScope(
	provider: 'google' | 'microsoft',
	options: RouteOptions,
	anyOf: string[],
): EmulatorHttpError {
	if (provider === 'microsoft') {
		return graphError(
			403,
			'ErrorAccessDenied',
			'Access is denied. Check credentials and try again.',
		);
	}
	const message = 'Request had insufficient authentication scopes.';
	const error = googleError(403, message, 'insufficientPermissions', {
		headers: {
			'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${anyOf.join(' ')}"`,
		},
		details: [
			{
				'@type': 'type.googleapis.com/google.rpc.ErrorInfo',
				reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
				domain: 'googleapis.com',
				metadata: {
					service: GOOGLE_SERVICE_OF[options.surface] ?? 'googleapis.com',
					method: options.name,
				},
			},
		],
	});
	const body = error.response.body as { error: { errors: { message: string }[] } };
	body.error.errors[0]!.message = 'Insufficient Permission';
	return error;
}
