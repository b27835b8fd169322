/**
 * Emulator state: accounts (with their virtual generated mailbox and calendars), OAuth grants and
 * tokens, and the clock. The clock is real time plus an offset that tests advance
 * (control.advanceClock) so token expiry is testable without waiting.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CalendarSet, Mailbox } from '../generator';

export type Provider = 'google' | 'microsoft';

export interface Account {
	id: string; // stable opaque id (Google 'sub', Graph user id)
	email: string;
	name: string;
	provider: Provider;
	mailbox: Mailbox; // from the generator (virtual, O(1) messageAt); built on first use
	calendars: CalendarSet; // from the generator; built on first use
	/** Bumped by control.expireCursors(email, surface); surfaces embed it in their cursors. */
	cursorGeneration: Record<string, number>;
	/** Each surface keeps its own per-account mutable state here (lazily). */
	surfaceState: Map<string, unknown>;
	/** Microsoft tenant id (a GUID) for Microsoft accounts. */
	tenantId?: string;
}

export interface AccessGrant {
	token: string;
	account: Account;
	clientId: string;
	scopes: string[];
	expiresAt: number; // ms on the state clock
	provider: Provider;
	/** Ties access and refresh tokens of one authorization together: revoking one revokes all. */
	grantId: string;
	/** True for the sandbox token: every route accepts it whatever its scopes. */
	allScopes?: boolean;
	issuedAt: number;
}

export interface RefreshGrant {
	token: string;
	grantId: string;
	account: Account;
	clientId: string;
	scopes: string[];
	provider: Provider;
	issuedAt: number;
	/** Microsoft rotation: when this token was replaced by a newer one (it then dies after a grace period). */
	rotatedAt?: number;
}

export interface GeneratorFactories {
	createMailbox(options: {
		seed: string | number;
		count: number;
		owner: { email: string; name: string };
		newest?: Date;
	}): Mailbox;
	createCalendarSet(options: {
		seed: string | number;
		owner: { email: string; name?: string };
		around?: Date;
	}): CalendarSet;
}

export interface EmulatorStateOptions {
	seed?: string | number;
	/** Messages in every account's generated mailbox (the sandbox's and any account that signs in). */
	messages?: number;
	/** Newest generated message date / calendar anchor; generated content never uses Date.now(). */
	epoch?: Date;
	/** Generator functions; default: test/emulator/generator, loaded on first use. */
	generator?: GeneratorFactories;
}

export const DEFAULT_EPOCH = new Date('2026-11-01T09:00:00Z');
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3599;

function loadGenerator(): GeneratorFactories {
	// Lazy so core works (and its tests run) without building any mailbox.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require('../generator') as GeneratorFactories;
}

export class EmulatorState {
	readonly accounts = new Map<string, Account>();
	readonly accessTokens = new Map<string, AccessGrant>();
	readonly refreshTokens = new Map<string, RefreshGrant>();
	/** Grant ids that were revoked: their tokens are rejected even if still in the maps. */
	readonly revokedGrants = new Set<string>();
	readonly seed: string | number;
	readonly messages: number;
	readonly epoch: Date;
	/** The default account per provider (who consents when no login_hint is given). */
	readonly sandbox: Partial<Record<Provider, string>> = {};
	/** The server's base URL once it listens (service-account keys point their token_uri here). */
	baseUrl?: string;
	private clockOffsetMs = 0;
	private generator?: GeneratorFactories;
	private readonly revocationListeners: ((grantId: string) => void)[] = [];

	constructor(options: EmulatorStateOptions = {}) {
		this.seed = options.seed ?? 1;
		this.messages = options.messages ?? 200;
		this.epoch = options.epoch ?? DEFAULT_EPOCH;
		this.generator = options.generator;
	}

	now(): number {
		return Date.now() + this.clockOffsetMs;
	}

	advanceClock(ms: number): void {
		this.clockOffsetMs += ms;
	}

	getAccount(email: string): Account | undefined {
		return this.accounts.get(email.toLowerCase());
	}

	getOrCreateAccount(email: string, provider: Provider, name?: string): Account {
		const key = email.toLowerCase();
		const existing = this.accounts.get(key);
		if (existing) return existing;
		const digest = createHash('sha256').update(`${this.seed}\0${provider}\0${key}`).digest();
		const account = {
			id: provider === 'google' ? googleSubject(digest) : guidFrom(digest),
			email: key,
			name: name ?? displayNameFromEmail(key),
			provider,
			cursorGeneration: {},
			surfaceState: new Map<string, unknown>(),
		} as Partial<Account> as Account;
		if (provider === 'microsoft') {
			account.tenantId = guidFrom(
				createHash('sha256')
					.update(`${this.seed}\0tenant\0${key.split('@')[1] ?? ''}`)
					.digest(),
			);
		}
		let mailbox: Mailbox | undefined;
		let calendars: CalendarSet | undefined;
		Object.defineProperties(account, {
			mailbox: {
				enumerable: true,
				get: () =>
					(mailbox ??= this.generatorFactories().createMailbox({
						seed: `${this.seed}:${key}`,
						count: this.messages,
						owner: { email: key, name: account.name },
						newest: this.epoch,
					})),
			},
			calendars: {
				enumerable: true,
				get: () =>
					(calendars ??= this.generatorFactories().createCalendarSet({
						seed: `${this.seed}:${key}`,
						owner: { email: key, name: account.name },
						around: this.epoch,
					})),
			},
		});
		this.accounts.set(key, account);
		return account;
	}

	issueAccessToken(
		account: Account,
		scopes: string[],
		clientId: string,
		ttlSeconds: number = DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
		options: { grantId?: string; token?: string; allScopes?: boolean } = {},
	): AccessGrant {
		const provider = account.provider;
		const token =
			options.token ??
			(provider === 'google'
				? `ya29.emu-${randomBytes(24).toString('base64url')}`
				: `EwB-emu-${randomBytes(32).toString('base64url')}`);
		const issuedAt = this.now();
		const grant: AccessGrant = {
			token,
			account,
			clientId,
			scopes: [...scopes],
			expiresAt: issuedAt + ttlSeconds * 1000,
			provider,
			grantId: options.grantId ?? newGrantId(),
			allScopes: options.allScopes,
			issuedAt,
		};
		this.accessTokens.set(token, grant);
		return grant;
	}

	issueRefreshToken(
		account: Account,
		scopes: string[],
		clientId: string,
		grantId: string,
	): RefreshGrant {
		const token =
			account.provider === 'google'
				? `1//emu-${randomBytes(32).toString('base64url')}`
				: `M.C5-emu-${randomBytes(48).toString('base64url')}`;
		const grant: RefreshGrant = {
			token,
			grantId,
			account,
			clientId,
			scopes: [...scopes],
			provider: account.provider,
			issuedAt: this.now(),
		};
		this.refreshTokens.set(token, grant);
		return grant;
	}

	/** The grant behind an access token, or why it is not usable. */
	lookupAccessToken(
		token: string,
	): { grant: AccessGrant } | { problem: 'unknown' | 'expired' | 'revoked'; grant?: AccessGrant } {
		const grant = this.accessTokens.get(token);
		if (!grant) return { problem: 'unknown' };
		if (this.revokedGrants.has(grant.grantId)) return { problem: 'revoked', grant };
		if (this.now() >= grant.expiresAt) return { problem: 'expired', grant };
		return { grant };
	}

	isRevoked(grantId: string): boolean {
		return this.revokedGrants.has(grantId);
	}

	/** Revokes one authorization: its access tokens and refresh tokens all stop working. */
	revokeGrant(grantId: string): void {
		this.revokedGrants.add(grantId);
		for (const listener of this.revocationListeners) listener(grantId);
	}

	/** Revokes every authorization of an account (control.revokeGrants). Returns how many. */
	revokeGrants(email: string): number {
		const account = this.getAccount(email);
		if (!account) return 0;
		const ids = new Set<string>();
		for (const grant of this.accessTokens.values()) {
			if (grant.account === account) ids.add(grant.grantId);
		}
		for (const grant of this.refreshTokens.values()) {
			if (grant.account === account) ids.add(grant.grantId);
		}
		for (const id of ids) this.revokeGrant(id);
		return ids.size;
	}

	onRevoke(listener: (grantId: string) => void): void {
		this.revocationListeners.push(listener);
	}

	/** control.expireCursors: surfaces compare the generation embedded in a cursor with this. */
	expireCursors(email: string, surface: string): number {
		const account = this.getAccount(email);
		if (!account) throw new Error(`no account ${email}`);
		account.cursorGeneration[surface] = (account.cursorGeneration[surface] ?? 0) + 1;
		return account.cursorGeneration[surface];
	}

	private generatorFactories(): GeneratorFactories {
		return (this.generator ??= loadGenerator());
	}
}

export function newGrantId(): string {
	return randomBytes(12).toString('hex');
}

/** Google 'sub' values are 21-digit decimal numbers. */
function googleSubject(digest: Buffer): string {
	let n = 0n;
	for (const byte of digest.subarray(0, 9)) n = (n << 8n) | BigInt(byte);
	return `1${(n % 10n ** 20n).toString().padStart(20, '0')}`;
}

function guidFrom(digest: Buffer): string {
	const h = digest.toString('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function displayNameFromEmail(email: string): string {
	const local = email.split('@')[0] ?? email;
	return local
		.split(/[._-]+/)
		.filter(Boolean)
		.map((part) => part[0]!.toUpperCase() + part.slice(1))
		.join(' ');
}
