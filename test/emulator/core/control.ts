/**
 * The control API: what tests use to switch faults and limits, read call counts, move the clock,
 * revoke grants, expire cursors and click through consent pages. Available in-process
 * (`emu.control`) and over HTTP under `/_emulator/*` (for the standalone emulator).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EmulatorHttpError, type EmulatorResponse } from './http';
import type { FaultSpec } from './faults';
import type { QuotaSettings } from './limits';
import type { CallCounts, Router } from './router';
import type { EmulatorState, Provider } from './state';
import {
	type OAuthClient,
	type OAuthSettings,
	oauthStore,
	randomToken,
	registerOAuthClient,
} from './oauth';

export interface ConsentResult {
	/** The redirect the browser would follow (redirect_uri + code/state or error/state). */
	location: string;
	code?: string;
	state?: string;
	error?: string;
	/** Microsoft's error_description / Google's error_subtype, when present. */
	errorDescription?: string;
}

export interface ServiceAccountKey {
	type: 'service_account';
	project_id: string;
	private_key_id: string;
	private_key: string;
	client_email: string;
	client_id: string;
	auth_uri: string;
	token_uri: string;
	auth_provider_x509_cert_url: string;
	client_x509_cert_url: string;
	universe_domain: string;
}

export interface IssuedToken {
	access_token: string;
	token_type: 'Bearer';
	expires_in: number;
	scope: string;
	email: string;
}

/** Extension points the OAuth surfaces fill in when they register. */
export interface ControlHooks {
	createServiceAccount?: (domain: string, options?: { name?: string }) => ServiceAccountKey;
	allScopes?: Partial<Record<Provider, string[]>>;
}

/** Headers an authorization endpoint's consent page carries so approveConsent can submit it. */
export const CONSENT_ACTION_HEADER = 'x-emulator-consent-action';
export const CONSENT_ID_HEADER = 'x-emulator-consent-id';

export class EmulatorControl {
	constructor(
		readonly router: Router,
		readonly state: EmulatorState,
	) {}

	inject(fault: FaultSpec): void {
		this.router.faults.inject(fault);
	}

	clearFaults(): void {
		this.router.faults.clear();
	}

	calls(): CallCounts {
		return this.router.calls();
	}

	resetCalls(): void {
		this.router.resetCalls();
	}

	expireCursors(email: string, surface: string): number {
		return this.state.expireCursors(email, surface);
	}

	revokeGrants(email: string): number {
		return this.state.revokeGrants(email);
	}

	advanceClock(ms: number): number {
		this.state.advanceClock(ms);
		return this.state.now();
	}

	now(): number {
		return this.state.now();
	}

	setQuota(settings: Partial<QuotaSettings>): QuotaSettings {
		return this.router.setQuota(settings);
	}

	/** A ready access token for an account (created if needed); all scopes unless `scopes` given. */
	issueToken(
		email: string,
		options: {
			provider?: Provider;
			scopes?: string[];
			ttlSeconds?: number;
			clientId?: string;
		} = {},
	): IssuedToken {
		const provider =
			options.provider ?? this.state.getAccount(email)?.provider ?? guessProvider(email);
		const account = this.state.getOrCreateAccount(email, provider);
		const ttl = options.ttlSeconds ?? 3599;
		const scopes = options.scopes ?? this.router.controlHooks.allScopes?.[account.provider] ?? [];
		const grant = this.state.issueAccessToken(
			account,
			scopes,
			options.clientId ?? 'emulator-control',
			ttl,
			{ allScopes: options.scopes === undefined },
		);
		return {
			access_token: grant.token,
			token_type: 'Bearer',
			expires_in: ttl,
			scope: scopes.join(' '),
			email: account.email,
		};
	}

	/** Tunes token lifetimes and the Microsoft refresh-token grace period; returns the settings. */
	configure(settings: Partial<OAuthSettings>): OAuthSettings {
		const store = oauthStore(this.state);
		Object.assign(store.settings, settings);
		return { ...store.settings };
	}

	/** Registers an OAuth client (app registration); without a secret it is a public client. */
	createOAuthClient(options: {
		provider: Provider;
		redirectUris?: string[];
		allowLoopback?: boolean;
		public?: boolean;
		name?: string;
		clientId?: string;
		clientSecret?: string;
	}): OAuthClient {
		const clientId =
			options.clientId ??
			(options.provider === 'google'
				? `${randomBytes(9).toString('hex')}-emu.apps.googleusercontent.com`
				: randomUUID());
		return registerOAuthClient(this.state, {
			clientId,
			clientSecret: options.public
				? undefined
				: (options.clientSecret ??
					(options.provider === 'google' ? `GOCSPX-${randomToken(21)}` : `emu~${randomToken(30)}`)),
			provider: options.provider,
			name: options.name ?? 'Emulator test app',
			redirectUris: options.redirectUris ?? [],
			allowLoopback: options.allowLoopback ?? true,
		});
	}

	/** Opens the consent page of an authorization URL and clicks Approve (as `email`, if given). */
	approveConsent(
		authorizationUrl: string,
		options: { email?: string } = {},
	): Promise<ConsentResult> {
		return this.submitConsent(authorizationUrl, 'approve', options.email);
	}

	/** Opens the consent page of an authorization URL and clicks Deny. */
	denyConsent(authorizationUrl: string, options: { email?: string } = {}): Promise<ConsentResult> {
		return this.submitConsent(authorizationUrl, 'deny', options.email);
	}

	/** A Google service account with domain-wide delegation over `domain`; returns its JSON key. */
	createServiceAccount(domain: string, options: { name?: string } = {}): ServiceAccountKey {
		const factory = this.router.controlHooks.createServiceAccount;
		if (!factory) throw new Error('the Google OAuth surface is not registered');
		return factory(domain, options);
	}

	private async submitConsent(
		authorizationUrl: string,
		decision: 'approve' | 'deny',
		email: string | undefined,
	): Promise<ConsentResult> {
		const page = await this.router.dispatch({
			method: 'GET',
			url: authorizationUrl,
			headers: {},
			body: Buffer.alloc(0),
		});
		let response: EmulatorResponse = page;
		const action = page.headers?.[CONSENT_ACTION_HEADER];
		const consentId = page.headers?.[CONSENT_ID_HEADER];
		if (page.status === 200 && action && consentId) {
			const form = new URLSearchParams({ consent_id: consentId, decision });
			if (email) form.set('login_hint', email);
			response = await this.router.dispatch({
				method: 'POST',
				url: action,
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: Buffer.from(form.toString()),
			});
		}
		// form_post answers with an auto-submitting page; it carries the equivalent URL too.
		const location = response.headers?.location ?? response.headers?.['x-emulator-redirect'];
		if ((response.status !== 302 && response.status !== 200) || !location) {
			const text =
				typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
			throw new Error(`consent failed: HTTP ${response.status}: ${text.slice(0, 500)}`);
		}
		const redirect = new URL(location);
		const params =
			redirect.hash.length > 1
				? new URLSearchParams(redirect.hash.slice(1))
				: redirect.searchParams;
		return {
			location,
			code: params.get('code') ?? undefined,
			state: params.get('state') ?? undefined,
			error: params.get('error') ?? undefined,
			errorDescription: params.get('error_description') ?? params.get('error_subtype') ?? undefined,
		};
	}
}

function guessProvider(email: string): Provider {
	return /onmicrosoft|outlook\.|hotmail\.|live\./i.test(email) ? 'microsoft' : 'google';
}

/** `/_emulator/*`: the same control API over HTTP, JSON in and out. */
export function registerControlRoutes(router: Router, control: EmulatorControl): void {
	const opts = (name: string) => ({ name: `control.${name}`, surface: 'control' as const });
	const ok = (body: unknown = { ok: true }): EmulatorResponse => ({ status: 200, body });
	const field = (body: Record<string, unknown>, name: string): string => {
		const value = body[name];
		if (typeof value !== 'string' || value === '') {
			throw new EmulatorHttpError({ status: 400, body: { error: `"${name}" is required` } });
		}
		return value;
	};
	const jsonBody = (req: { body: Buffer; json<T>(): T }): Record<string, unknown> =>
		req.body.length === 0 ? {} : (req.json<Record<string, unknown>>() ?? {});

	router.add('GET', '/_emulator', opts('status'), () =>
		ok({
			now: control.now(),
			accounts: [...control.state.accounts.values()].map((a) => ({
				email: a.email,
				provider: a.provider,
				id: a.id,
			})),
			activeFaults: router.faults.active,
			quota: router.quota,
		}),
	);
	router.add('POST', '/_emulator/faults', opts('inject'), (req) => {
		const body = jsonBody(req);
		const faults = Array.isArray(body) ? body : [body];
		for (const fault of faults) control.inject(fault as FaultSpec);
		return ok({ ok: true, active: router.faults.active });
	});
	router.add('DELETE', '/_emulator/faults', opts('clearFaults'), () => {
		control.clearFaults();
		return ok();
	});
	router.add('GET', '/_emulator/calls', opts('calls'), () => ok(control.calls()));
	router.add('DELETE', '/_emulator/calls', opts('resetCalls'), () => {
		control.resetCalls();
		return ok();
	});
	router.add('POST', '/_emulator/expire-cursors', opts('expireCursors'), (req) => {
		const body = jsonBody(req);
		try {
			return ok({
				generation: control.expireCursors(field(body, 'email'), field(body, 'surface')),
			});
		} catch (error) {
			if (error instanceof EmulatorHttpError) throw error;
			throw new EmulatorHttpError({ status: 404, body: { error: (error as Error).message } });
		}
	});
	router.add('POST', '/_emulator/revoke-grants', opts('revokeGrants'), (req) =>
		ok({ revoked: control.revokeGrants(field(jsonBody(req), 'email')) }),
	);
	router.add('GET', '/_emulator/clock', opts('clock'), () => ok({ now: control.now() }));
	router.add('POST', '/_emulator/clock', opts('advanceClock'), (req) => {
		const ms = Number(jsonBody(req).advanceMs);
		if (!Number.isFinite(ms)) {
			throw new EmulatorHttpError({ status: 400, body: { error: '"advanceMs" must be a number' } });
		}
		return ok({ now: control.advanceClock(ms) });
	});
	router.add('POST', '/_emulator/quota', opts('setQuota'), (req) =>
		ok(control.setQuota(jsonBody(req) as Partial<QuotaSettings>)),
	);
	router.add('POST', '/_emulator/tokens', opts('issueToken'), (req) => {
		const body = jsonBody(req);
		return ok(
			control.issueToken(field(body, 'email'), {
				provider: body.provider as Provider | undefined,
				scopes: body.scopes as string[] | undefined,
				ttlSeconds: body.ttlSeconds as number | undefined,
			}),
		);
	});
	router.add('POST', '/_emulator/consent', opts('consent'), async (req) => {
		const body = jsonBody(req);
		const url = field(body, 'url');
		const email = typeof body.email === 'string' ? body.email : undefined;
		try {
			return ok(
				body.decision === 'deny'
					? await control.denyConsent(url, { email })
					: await control.approveConsent(url, { email }),
			);
		} catch (error) {
			throw new EmulatorHttpError({ status: 400, body: { error: (error as Error).message } });
		}
	});
	router.add('POST', '/_emulator/settings', opts('configure'), (req) =>
		ok(control.configure(jsonBody(req) as Partial<OAuthSettings>)),
	);
	router.add('POST', '/_emulator/clients', opts('createOAuthClient'), (req) => {
		const body = jsonBody(req);
		if (body.provider !== 'google' && body.provider !== 'microsoft') {
			throw new EmulatorHttpError({
				status: 400,
				body: { error: '"provider" must be google or microsoft' },
			});
		}
		return ok(
			control.createOAuthClient(body as Parameters<EmulatorControl['createOAuthClient']>[0]),
		);
	});
	router.add('POST', '/_emulator/service-accounts', opts('createServiceAccount'), (req) => {
		const body = jsonBody(req);
		return ok(
			control.createServiceAccount(field(body, 'domain'), {
				name: typeof body.name === 'string' ? body.name : undefined,
			}),
		);
	});
}
