import { createSign } from 'node:crypto';

import { z } from 'zod';

import { GOOGLE_TOKEN_BASE_URL } from '../endpoints';

/** The fields of a Google service-account JSON key that the JWT-bearer grant needs. */
export const serviceAccountKeySchema = z.object({
	type: z.literal('service_account'),
	client_email: z.string().email(),
	private_key: z.string().includes('PRIVATE KEY'),
	private_key_id: z.string().optional(),
	token_uri: z.string().url().optional(),
});
export type ServiceAccountKey = z.infer<typeof serviceAccountKeySchema>;

export interface ServiceAccountTokenRequest {
	key: ServiceAccountKey;
	/** The Workspace user to act for (domain-wide delegation). */
	subject?: string;
	scopes: string[];
	/** Token endpoint; defaults to the key's token_uri, then Google's. */
	tokenUrl?: string;
}

export class ServiceAccountError extends Error {
	// Not named `status`: n8n would replace the message with a generic one for that HTTP status.
	constructor(
		message: string,
		readonly tokenEndpointStatus?: number,
		readonly providerError?: string,
	) {
		super(message);
		this.name = 'ServiceAccountError';
	}
}

interface CachedToken {
	accessToken: string;
	expiresAt: number;
}

const cache = new Map<string, CachedToken>();
const inFlight = new Map<string, Promise<CachedToken>>();
/** Refresh this long before expiry, so a token never expires mid-request. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export function parseServiceAccountKey(json: string): ServiceAccountKey {
	let parsed: unknown;
	try {
		parsed = JSON.parse(json);
	} catch {
		throw new ServiceAccountError(
			'The service account key is not valid JSON: paste the whole key file Google gave you.',
		);
	}
	const result = serviceAccountKeySchema.safeParse(parsed);
	if (!result.success) {
		throw new ServiceAccountError(
			'The service account key lacks type "service_account", client_email or private_key: paste the whole JSON key file.',
		);
	}
	return result.data;
}

function base64url(input: Buffer | string): string {
	return Buffer.from(input).toString('base64url');
}

/** A signed RS256 assertion for Google's JWT-bearer grant (RFC 7523). */
function signServiceAccountAssertion(
	request: ServiceAccountTokenRequest,
	nowSeconds = Math.floor(Date.now() / 1000),
): string {
	const audience = request.tokenUrl ?? request.key.token_uri ?? `${GOOGLE_TOKEN_BASE_URL}/token`;
	const header = {
		alg: 'RS256',
		typ: 'JWT',
		...(request.key.private_key_id ? { kid: request.key.private_key_id } : {}),
	};
	const claims = {
		iss: request.key.client_email,
		scope: request.scopes.join(' '),
		aud: audience,
		iat: nowSeconds,
		exp: nowSeconds + 3600,
		...(request.subject ? { sub: request.subject } : {}),
	};
	const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
	const signature = createSign('RSA-SHA256').update(unsigned).sign(request.key.private_key);
	return `${unsigned}.${base64url(signature)}`;
}

/**
 * An access token for the service account (acting for `subject`), cached until five minutes before
 * it expires; concurrent callers share one token request.
 */
export async function getServiceAccountAccessToken(
	request: ServiceAccountTokenRequest,
): Promise<string> {
	const tokenUrl = request.tokenUrl ?? request.key.token_uri ?? `${GOOGLE_TOKEN_BASE_URL}/token`;
	const cacheKey = JSON.stringify([
		request.key.client_email,
		request.subject ?? '',
		[...request.scopes].sort(),
		tokenUrl,
	]);
	const cached = cache.get(cacheKey);
	if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return cached.accessToken;

	let pending = inFlight.get(cacheKey);
	if (!pending) {
		pending = requestToken({ ...request, tokenUrl }).finally(() => inFlight.delete(cacheKey));
		inFlight.set(cacheKey, pending);
	}
	const token = await pending;
	cache.set(cacheKey, token);
	return token.accessToken;
}

async function requestToken(
	request: ServiceAccountTokenRequest & { tokenUrl: string },
): Promise<CachedToken> {
	const body = new URLSearchParams({
		grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
		assertion: signServiceAccountAssertion(request),
	});
	const response = await fetch(request.tokenUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body,
	});
	const payload = (await response.json().catch(() => ({}))) as {
		access_token?: string;
		expires_in?: number;
		error?: string;
		error_description?: string;
	};
	if (!response.ok || !payload.access_token) {
		const reason = payload.error ?? `HTTP ${response.status}`;
		const hint =
			reason === 'unauthorized_client'
				? ' Domain-wide delegation is not set up for this client and these scopes in the Google Workspace admin console.'
				: reason === 'invalid_grant'
					? ' Check the user to impersonate (it must be a user of the Workspace domain) and the key (it may have been deleted).'
					: '';
		throw new ServiceAccountError(
			`Google refused the service account token (${reason}${payload.error_description ? `: ${payload.error_description}` : ''}).${hint}`,
			response.status,
			payload.error,
		);
	}
	return {
		accessToken: payload.access_token,
		expiresAt: Date.now() + (payload.expires_in ?? 3600) * 1000,
	};
}
