// The provider apps of the workspace connect flow, as configured once in n8n (the `CRM Connect Apps`
// credential): OAuth clients, where callbacks come back, the keys that seal stored tokens, the
// secret the CRM backend signs API tokens with, and the origins a browser may be sent back to.
// Errors name the field and never echo a secret.
import { z } from 'zod';

import {
	GOOGLE_API_BASE_URL,
	GOOGLE_AUTH_BASE_URL,
	GOOGLE_TOKEN_BASE_URL,
	MICROSOFT_GRAPH_BASE_URL,
	MICROSOFT_LOGIN_BASE_URL,
} from '../providers/endpoints';
import { deriveOAuthStateSecret } from '../security/oauthState';
import { createTokenCipher, parseTokenKey, type TokenCipher } from '../security/tokenCipher';

export type ConnectProvider = 'google' | 'microsoft';

export interface ProviderEndpoints {
	googleAuthBaseUrl: string;
	googleTokenBaseUrl: string;
	googleApiBaseUrl: string;
	microsoftLoginBaseUrl: string;
	graphBaseUrl: string;
}

export interface ProviderApps {
	google?: { clientId: string; clientSecret: string };
	microsoft?: { clientId: string; clientSecret: string; tenant: string };
	/** Where the CRM API node is served; the OAuth callback is `${publicBaseUrl}/oauth/callback`. */
	publicBaseUrl: string;
	/** Seals and opens stored tokens; the first key of the keyring text is the active one. */
	cipher: TokenCipher;
	/** Signs the OAuth state (derived from the active token key). */
	stateSecret: Buffer;
	/** HS256 secret of the CRM backend's API tokens. */
	apiSigningSecret: Uint8Array;
	/** Origins (scheme://host[:port]) a return URL may have; widgets call the API from these. */
	allowedReturnOrigins: string[];
	endpoints: ProviderEndpoints;
}

/** The credential data could not be read; the message names the field, never its value. */
export class ProviderAppsError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ProviderAppsError';
	}
}

const MIN_SIGNING_SECRET_BYTES = 32;

const optionalText = z
	.string()
	.optional()
	.transform((value) => (value?.trim() ? value.trim() : undefined));

const baseUrl = z
	.string()
	.trim()
	.url()
	.refine((value) => /^https?:\/\//i.test(value), 'must be an http or https URL')
	.transform((value) => value.replace(/\/+$/, ''));

const optionalBaseUrl = z
	.string()
	.optional()
	.transform((value) => (value?.trim() ? value.trim() : undefined))
	.pipe(baseUrl.optional());

const credentialSchema = z.object({
	googleClientId: optionalText,
	googleClientSecret: optionalText,
	microsoftClientId: optionalText,
	microsoftClientSecret: optionalText,
	microsoftTenant: optionalText,
	publicBaseUrl: baseUrl,
	tokenKeys: z.string({ required_error: 'is required' }).min(1, 'is required'),
	apiSigningSecret: z.string({ required_error: 'is required' }).min(1, 'is required'),
	allowedReturnOrigins: z.union([z.string(), z.array(z.string())]).optional(),
	googleAuthBaseUrl: optionalBaseUrl,
	googleTokenBaseUrl: optionalBaseUrl,
	googleApiBaseUrl: optionalBaseUrl,
	microsoftLoginBaseUrl: optionalBaseUrl,
	graphBaseUrl: optionalBaseUrl,
	/** n8n's "Use Custom Endpoints" style nesting is accepted too. */
	endpoints: z.record(z.unknown()).optional(),
});

/**
 * Reads the `CRM Connect Apps` credential. Fields: googleClientId, googleClientSecret,
 * microsoftClientId, microsoftClientSecret, microsoftTenant (default `common`), publicBaseUrl,
 * tokenKeys (lines `keyId:base64key`, first = active), apiSigningSecret (≥ 32 bytes),
 * allowedReturnOrigins (comma or newline separated, or an array), and optional endpoint overrides
 * (googleAuthBaseUrl, googleTokenBaseUrl, googleApiBaseUrl, microsoftLoginBaseUrl, graphBaseUrl),
 * at the top level or under `endpoints`.
 */
export function parseProviderApps(data: unknown): ProviderApps {
	if (!data || typeof data !== 'object') {
		throw new ProviderAppsError('The CRM Connect Apps credential has no data');
	}
	const raw = { ...(data as Record<string, unknown>) };
	const nested = raw.endpoints;
	if (nested && typeof nested === 'object') {
		for (const [key, value] of Object.entries(nested)) raw[key] ??= value;
	}
	const parsed = credentialSchema.safeParse(raw);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		// Only the field name and the rule: the value may be a secret.
		throw new ProviderAppsError(
			`CRM Connect Apps: '${issue.path.join('.') || 'data'}' ${issue.message === 'Required' ? 'is required' : issue.message}`,
		);
	}
	const fields = parsed.data;

	const google = pair('google', fields.googleClientId, fields.googleClientSecret);
	const microsoftPair = pair('microsoft', fields.microsoftClientId, fields.microsoftClientSecret);
	const microsoft = microsoftPair
		? { ...microsoftPair, tenant: checkTenant(fields.microsoftTenant ?? 'common') }
		: undefined;

	const { cipher, activeKey } = parseKeyring(fields.tokenKeys);
	const apiSigningSecret = Buffer.from(fields.apiSigningSecret, 'utf8');
	if (apiSigningSecret.length < MIN_SIGNING_SECRET_BYTES) {
		throw new ProviderAppsError(
			`CRM Connect Apps: 'apiSigningSecret' must be at least ${MIN_SIGNING_SECRET_BYTES} bytes (HS256)`,
		);
	}

	return {
		google,
		microsoft,
		publicBaseUrl: fields.publicBaseUrl,
		cipher,
		stateSecret: deriveOAuthStateSecret(activeKey),
		apiSigningSecret: new Uint8Array(apiSigningSecret),
		allowedReturnOrigins: parseOrigins(fields.allowedReturnOrigins),
		endpoints: {
			googleAuthBaseUrl: fields.googleAuthBaseUrl ?? GOOGLE_AUTH_BASE_URL,
			googleTokenBaseUrl: fields.googleTokenBaseUrl ?? GOOGLE_TOKEN_BASE_URL,
			googleApiBaseUrl: fields.googleApiBaseUrl ?? GOOGLE_API_BASE_URL,
			microsoftLoginBaseUrl: fields.microsoftLoginBaseUrl ?? MICROSOFT_LOGIN_BASE_URL,
			graphBaseUrl: fields.graphBaseUrl ?? MICROSOFT_GRAPH_BASE_URL,
		},
	};
}

/** The OAuth redirect URI registered with both providers. */
export function callbackUrl(apps: Pick<ProviderApps, 'publicBaseUrl'>): string {
	return `${apps.publicBaseUrl}/oauth/callback`;
}

function pair(
	provider: ConnectProvider,
	clientId: string | undefined,
	clientSecret: string | undefined,
): { clientId: string; clientSecret: string } | undefined {
	if (!clientId && !clientSecret) return undefined;
	if (!clientId) {
		throw new ProviderAppsError(
			`CRM Connect Apps: '${provider}ClientId' is required when '${provider}ClientSecret' is set`,
		);
	}
	if (!clientSecret) {
		throw new ProviderAppsError(
			`CRM Connect Apps: '${provider}ClientSecret' is required when '${provider}ClientId' is set`,
		);
	}
	return { clientId, clientSecret };
}

function checkTenant(tenant: string): string {
	if (!/^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/.test(tenant)) {
		throw new ProviderAppsError(
			"CRM Connect Apps: 'microsoftTenant' must be a tenant id, a domain, 'common' or 'organizations'",
		);
	}
	return tenant;
}

/** Lines `keyId:key` (base64 or hex, 32 bytes); the first line is the active key. */
function parseKeyring(text: string): { cipher: TokenCipher; activeKey: Buffer } {
	const keys: Record<string, Buffer> = {};
	let activeKeyId: string | undefined;
	const lines = text
		.split(/\r?\n|,/)
		.map((line) => line.trim())
		.filter((line) => line && !line.startsWith('#'));
	if (lines.length === 0) throw new ProviderAppsError("CRM Connect Apps: 'tokenKeys' is required");
	for (const [index, line] of lines.entries()) {
		const colon = line.indexOf(':');
		if (colon <= 0) {
			throw new ProviderAppsError(
				`CRM Connect Apps: 'tokenKeys' line ${index + 1} must be 'keyId:base64key'`,
			);
		}
		const keyId = line.slice(0, colon).trim();
		if (keys[keyId]) {
			throw new ProviderAppsError(
				`CRM Connect Apps: 'tokenKeys' names key '${keyId}' twice (line ${index + 1})`,
			);
		}
		try {
			keys[keyId] = parseTokenKey(keyId, line.slice(colon + 1).trim());
		} catch (error) {
			// parseTokenKey's messages name the key id and length, never the key.
			throw new ProviderAppsError(
				`CRM Connect Apps: 'tokenKeys' line ${index + 1}: ${(error as Error).message}`,
			);
		}
		activeKeyId ??= keyId;
	}
	return {
		cipher: createTokenCipher({ activeKeyId: activeKeyId!, keys }),
		activeKey: keys[activeKeyId!]!,
	};
}

function parseOrigins(value: string | string[] | undefined): string[] {
	const items = (Array.isArray(value) ? value : (value ?? '').split(/[\s,]+/))
		.map((item) => item.trim())
		.filter(Boolean);
	const origins: string[] = [];
	for (const item of items) {
		let url: URL;
		try {
			url = new URL(item);
		} catch {
			throw new ProviderAppsError(
				`CRM Connect Apps: 'allowedReturnOrigins' has an entry that is not a URL origin (${JSON.stringify(item.slice(0, 100))})`,
			);
		}
		if (url.protocol !== 'https:' && url.protocol !== 'http:') {
			throw new ProviderAppsError(
				"CRM Connect Apps: 'allowedReturnOrigins' entries must be http or https origins",
			);
		}
		if (!origins.includes(url.origin)) origins.push(url.origin);
	}
	return origins;
}
