// n8n credentials connected to the emulator the way a user connects them: the consent page is
// approved, the code is exchanged at the token endpoint, and the tokens land in oauthTokenData —
// so n8n's own refresh path runs against the emulator's token endpoint.
import type { Emulator } from '../emulator';
import type { StoredCredential } from '../harness/credentialsHelper';

const REDIRECT_URI = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';

export const GMAIL_SCOPES = [
	'https://www.googleapis.com/auth/gmail.readonly',
	'https://www.googleapis.com/auth/gmail.send',
	'https://www.googleapis.com/auth/gmail.modify',
];
export const CALENDAR_SCOPES = [
	'https://www.googleapis.com/auth/calendar',
	'https://www.googleapis.com/auth/calendar.events',
];
export const MICROSOFT_SCOPES = [
	'openid',
	'offline_access',
	'https://graph.microsoft.com/User.Read',
	'https://graph.microsoft.com/Mail.ReadWrite',
	'https://graph.microsoft.com/Mail.Send',
	'https://graph.microsoft.com/Calendars.ReadWrite',
];

interface TokenResponse {
	access_token: string;
	refresh_token?: string;
	expires_in: number;
	token_type: string;
	scope?: string;
	id_token?: string;
}

async function exchangeCode(
	tokenUrl: string,
	form: Record<string, string>,
): Promise<TokenResponse> {
	const response = await fetch(tokenUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(form),
	});
	const body = (await response.json()) as TokenResponse & { error?: string };
	if (!response.ok) throw new Error(`token exchange failed: ${JSON.stringify(body)}`);
	return body;
}

/** A Google OAuth2 credential's app fields (no tokens), pointed at the emulator's Google. */
export function googleEmulatorApp(emu: Emulator) {
	return {
		clientId: emu.sandbox.clientId,
		clientSecret: emu.sandbox.clientSecret,
		customEndpoints: true,
		authBaseUrl: emu.baseUrl,
		tokenBaseUrl: emu.baseUrl,
		apiBaseUrl: emu.baseUrl,
	};
}

/** A Google OAuth2 credential of `type`, connected for `email` with `scopes`. */
export async function connectGoogleCredential(
	emu: Emulator,
	type: string,
	scopes: string[],
	options: { id?: string; name?: string; email?: string } = {},
): Promise<StoredCredential> {
	const url = new URL(emu.urls.googleAuth);
	url.search = new URLSearchParams({
		client_id: emu.sandbox.clientId,
		redirect_uri: REDIRECT_URI,
		response_type: 'code',
		scope: scopes.join(' '),
		access_type: 'offline',
		prompt: 'consent',
		state: 'n8n-state',
	}).toString();
	const consent = await emu.control.approveConsent(url.toString(), {
		email: options.email ?? emu.sandbox.googleEmail,
	});
	if (!consent.code) throw new Error(`consent failed: ${consent.error ?? consent.location}`);
	const tokens = await exchangeCode(emu.urls.googleToken, {
		grant_type: 'authorization_code',
		code: consent.code,
		redirect_uri: REDIRECT_URI,
		client_id: emu.sandbox.clientId,
		client_secret: emu.sandbox.clientSecret,
	});
	return {
		id: options.id ?? `${type}-1`,
		name: options.name ?? 'Sandbox Google account',
		type,
		data: {
			...googleEmulatorApp(emu),
			oauthTokenData: { ...tokens },
		},
	};
}

/** A Microsoft 365 OAuth2 credential connected for `email`. */
export async function connectMicrosoftCredential(
	emu: Emulator,
	options: { id?: string; name?: string; email?: string; scopes?: string[] } = {},
): Promise<StoredCredential> {
	const scopes = options.scopes ?? MICROSOFT_SCOPES;
	const url = new URL(`${emu.urls.microsoftLogin}common/oauth2/v2.0/authorize`);
	url.search = new URLSearchParams({
		client_id: emu.sandbox.microsoftClientId,
		redirect_uri: REDIRECT_URI,
		response_type: 'code',
		scope: scopes.join(' '),
		prompt: 'consent',
		state: 'n8n-state',
	}).toString();
	const consent = await emu.control.approveConsent(url.toString(), {
		email: options.email ?? emu.sandbox.microsoftEmail,
	});
	if (!consent.code) throw new Error(`consent failed: ${consent.error ?? consent.location}`);
	const tokens = await exchangeCode(`${emu.urls.microsoftLogin}common/oauth2/v2.0/token`, {
		grant_type: 'authorization_code',
		code: consent.code,
		redirect_uri: REDIRECT_URI,
		client_id: emu.sandbox.microsoftClientId,
		client_secret: emu.sandbox.microsoftClientSecret,
		scope: scopes.join(' '),
	});
	return {
		id: options.id ?? 'microsoft365CrmOAuth2Api-1',
		name: options.name ?? 'Sandbox Microsoft 365 account',
		type: 'microsoft365CrmOAuth2Api',
		data: {
			clientId: emu.sandbox.microsoftClientId,
			clientSecret: emu.sandbox.microsoftClientSecret,
			tenantId: 'common',
			customEndpoints: true,
			loginBaseUrl: emu.baseUrl,
			graphBaseUrl: emu.baseUrl,
			oauthTokenData: { ...tokens },
		},
	};
}

/** A Google service-account credential acting for `delegatedEmail` (domain-wide delegation). */
export function serviceAccountCredential(
	emu: Emulator,
	delegatedEmail: string,
	scopes: string[],
): StoredCredential {
	const domain = delegatedEmail.split('@')[1];
	const key = emu.control.createServiceAccount(domain);
	return {
		id: 'googleServiceAccountCrmApi-1',
		name: 'Workspace service account',
		type: 'googleServiceAccountCrmApi',
		data: {
			serviceAccountKey: JSON.stringify(key),
			delegatedEmail,
			scopes: scopes.join(' '),
			customEndpoints: true,
			tokenUrl: emu.urls.googleToken,
			apiBaseUrl: emu.baseUrl,
		},
	};
}
