// Shared set-up of the connect tests: provider apps pointing at the emulator, API tokens, the API
// called as the CRM API node would, and a whole consent round trip.
import { randomBytes } from 'node:crypto';

import {
	handleApiRequest,
	type ApiContext,
	type ApiRequest,
	type ApiResponse,
} from '../../core/api/handleApiRequest';
import { signApiToken } from '../../core/security/apiToken';
import type { CrmDatabase } from '../../core/store/database';
import { parseProviderApps, type ProviderApps } from '../../core/sync/providerApps';
import type { Emulator } from '../emulator';

export const WORKSPACE_A = '11111111-1111-4111-8111-111111111111';
export const WORKSPACE_B = '22222222-2222-4222-8222-222222222222';
export const RETURN_URL = 'https://crm.example/settings/email';
export const API_SECRET = randomBytes(32).toString('base64');
export const KEY_1 = randomBytes(32).toString('base64');
export const KEY_2 = randomBytes(32).toString('base64');

/** The `CRM Connect Apps` credential data, as n8n would hand it to the node. */
export function credentialData(emu?: Emulator, overrides: Record<string, unknown> = {}) {
	return {
		googleClientId: emu?.sandbox.clientId ?? 'client.apps.googleusercontent.com',
		googleClientSecret: emu?.sandbox.clientSecret ?? 'GOCSPX-secret',
		microsoftClientId: emu?.sandbox.microsoftClientId ?? '00000000-0000-0000-0000-000000000001',
		microsoftClientSecret: emu?.sandbox.microsoftClientSecret ?? 'emu~secret',
		microsoftTenant: 'common',
		publicBaseUrl: 'http://127.0.0.1:5678/webhook/crm-api',
		tokenKeys: `k1:${KEY_1}`,
		apiSigningSecret: API_SECRET,
		allowedReturnOrigins: 'https://crm.example, http://localhost:3000',
		...(emu
			? {
					googleAuthBaseUrl: emu.baseUrl,
					googleTokenBaseUrl: emu.baseUrl,
					googleApiBaseUrl: emu.baseUrl,
					microsoftLoginBaseUrl: emu.baseUrl,
					graphBaseUrl: emu.baseUrl,
				}
			: {}),
		...overrides,
	};
}

export function appsFor(emu?: Emulator, overrides: Record<string, unknown> = {}): ProviderApps {
	return parseProviderApps(credentialData(emu, overrides));
}

export const READ_WRITE = ['integrations:read', 'integrations:write'];

export function tokenFor(
	workspaceId: string,
	userId = 'user-1',
	scopes: string[] = READ_WRITE,
	options: { now?: Date; lifetimeSeconds?: number } = {},
): Promise<string> {
	return signApiToken(
		{ workspaceId, userId, scopes, ...options },
		new Uint8Array(Buffer.from(API_SECRET, 'utf8')),
	);
}

export interface ApiCaller {
	(request: Partial<ApiRequest> & { route: string }, token?: string): Promise<ApiResponse>;
	context: ApiContext;
}

export function apiCaller(database: CrmDatabase, apps: ProviderApps, now?: () => Date): ApiCaller {
	const context: ApiContext = { database, apps, now };
	const call = (async (request, token) =>
		handleApiRequest(context, {
			method: 'GET',
			query: {},
			body: undefined,
			...request,
			headers: {
				...(token ? { authorization: `Bearer ${token}` } : {}),
				...(request.headers ?? {}),
			},
		})) as ApiCaller;
	call.context = context;
	return call;
}

/** The query of a URL as a plain object. */
export function queryOf(url: string): Record<string, string> {
	return Object.fromEntries(new URL(url).searchParams);
}

export interface ConnectOptions {
	workspaceId?: string;
	userId?: string;
	provider?: 'google' | 'microsoft';
	email: string;
	integrationId?: string;
	decision?: 'approve' | 'deny';
	/** Changes the authorization URL before consent (e.g. a scope the user unticked). */
	editUrl?: (url: URL) => void;
}

/** connect-url → the emulator's consent page → oauth/callback, as a browser would go. */
export async function connectThroughConsent(
	api: ApiCaller,
	emu: Emulator,
	options: ConnectOptions,
): Promise<{
	connectUrl: string;
	callbackQuery: Record<string, string>;
	callback: ApiResponse;
	result: Record<string, string>;
}> {
	const workspaceId = options.workspaceId ?? WORKSPACE_A;
	const token = await tokenFor(workspaceId, options.userId ?? 'user-1', READ_WRITE, {
		now: api.context.now?.(),
	});
	const connect = await api(
		{
			route: 'connect-url',
			query: {
				provider: options.provider ?? 'google',
				returnUrl: RETURN_URL,
				integrationId: options.integrationId,
			},
		},
		token,
	);
	if (connect.status !== 200) throw new Error(`connect-url: ${JSON.stringify(connect.body)}`);
	const url = new URL((connect.body as { url: string }).url);
	options.editUrl?.(url);
	const consent =
		options.decision === 'deny'
			? await emu.control.denyConsent(url.href)
			: await emu.control.approveConsent(url.href, { email: options.email });
	const callbackQuery = queryOf(consent.location);
	const callback = await api({ route: 'oauth/callback', query: callbackQuery });
	return {
		connectUrl: url.href,
		callbackQuery,
		callback,
		result: callback.redirect ? queryOf(callback.redirect) : {},
	};
}
