// The workspace connect flow end to end against the emulator's Google and Microsoft OAuth and a
// real PostgreSQL: connect URL → consent → callback → encrypted tokens, "Connected as …" and the
// initial sync queued; refusals (denied, not configured, replayed / expired / forged state,
// missing scope); reconnect and a second account; disconnect.
import type { Knex } from 'knex';

import { integrationTokenAad } from '../../core/security/tokenCipher';
import { ACCESS_DENIED_MESSAGE, NOT_CONFIGURED_MESSAGE } from '../../core/sync/connectFlow';
import { startEmulator, type Emulator } from '../emulator';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import {
	apiCaller,
	appsFor,
	connectThroughConsent,
	queryOf,
	RETURN_URL,
	tokenFor,
	WORKSPACE_A,
	type ApiCaller,
} from './support';

let test: TestDatabase;
let knex: Knex;
let emu: Emulator;
let api: ApiCaller;
const apps = () => api.context.apps;
const emulatorNow = () => new Date(emu.control.now());

beforeAll(async () => {
	[test, emu] = await Promise.all([
		createTestDatabase(),
		startEmulator({ seed: 'connect-flow', messages: 5 }),
	]);
	knex = test.database.knex;
	api = apiCaller(test.database, appsFor(emu), emulatorNow);
});
afterAll(async () => {
	await Promise.all([test.drop(), emu.stop()]);
});

async function rowOf(id: string) {
	return knex('integrations').where({ id }).first();
}

async function userinfoStatus(accessToken: string): Promise<number> {
	const response = await fetch(`${emu.baseUrl}/oauth2/v3/userinfo`, {
		headers: { authorization: `Bearer ${accessToken}` },
	});
	await response.arrayBuffer();
	return response.status;
}

describe('connect URL', () => {
	it('asks Google for offline access with PKCE S256, a signed state and consent on first connect', async () => {
		const response = await api(
			{ route: 'connect-url', query: { provider: 'google', returnUrl: RETURN_URL } },
			await tokenFor(WORKSPACE_A, 'url-user'),
		);
		expect(response.status).toBe(200);
		const body = response.body as { url: string; prompt: string | null; loginHint: string | null };
		const url = new URL(body.url);
		expect(`${url.origin}${url.pathname}`).toBe(`${emu.baseUrl}/o/oauth2/v2/auth`);
		const query = queryOf(body.url);
		expect(query).toMatchObject({
			client_id: emu.sandbox.clientId,
			redirect_uri: 'http://127.0.0.1:5678/webhook/crm-api/oauth/callback',
			response_type: 'code',
			access_type: 'offline',
			code_challenge_method: 'S256',
			prompt: 'consent',
		});
		expect(query.scope!.split(' ')).toEqual([
			'openid',
			'email',
			'profile',
			'https://www.googleapis.com/auth/gmail.readonly',
			'https://www.googleapis.com/auth/gmail.send',
			'https://www.googleapis.com/auth/gmail.modify',
			'https://www.googleapis.com/auth/calendar',
		]);
		expect(query.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(query.login_hint).toBeUndefined();
		expect(body).toMatchObject({ prompt: 'consent', loginHint: null });
		// The nonce is recorded for single use, with the user and the verifier sealed.
		const states = await knex('oauth_states').where({ user_id: 'url-user' });
		expect(states).toHaveLength(1);
		expect(states[0].pkce_verifier_encrypted).toMatch(/^v1:k1:/);
		expect(query.state).toContain('.');
	});

	it('asks Microsoft for offline_access and the Graph permissions under the tenant', async () => {
		const response = await api(
			{ route: 'connect-url', query: { provider: 'microsoft', returnUrl: RETURN_URL } },
			await tokenFor(WORKSPACE_A),
		);
		const url = new URL((response.body as { url: string }).url);
		expect(url.pathname).toBe('/common/oauth2/v2.0/authorize');
		expect(url.searchParams.get('scope')).toBe(
			'offline_access User.Read Mail.ReadWrite Mail.Send Calendars.ReadWrite',
		);
		expect(url.searchParams.get('access_type')).toBeNull();
		expect(url.searchParams.get('code_challenge_method')).toBe('S256');
	});

	it('refuses a return URL of another origin, and says when no provider is configured', async () => {
		const token = await tokenFor(WORKSPACE_A);
		const foreign = await api(
			{ route: 'connect-url', query: { provider: 'google', returnUrl: 'https://evil.example/x' } },
			token,
		);
		expect(foreign.status).toBe(400);
		expect(JSON.stringify(foreign.body)).toContain('allowed return origins');

		const bare = apiCaller(
			test.database,
			appsFor(emu, {
				googleClientId: '',
				googleClientSecret: '',
				microsoftClientId: '',
				microsoftClientSecret: '',
			}),
		);
		for (const provider of ['google', 'microsoft']) {
			const response = await bare(
				{ route: 'connect-url', query: { provider, returnUrl: RETURN_URL } },
				token,
			);
			expect(response).toMatchObject({
				status: 503,
				body: { error: { code: 'not_configured', message: NOT_CONFIGURED_MESSAGE } },
			});
		}
	});
});

describe('callback', () => {
	it('connects a Google account: tokens sealed, "Connected as …", initial sync queued, back to the CRM', async () => {
		const before = emulatorNow();
		const { callback, result } = await connectThroughConsent(api, emu, {
			email: 'alice@acme.example',
		});
		expect(callback.status).toBe(302);
		expect(callback.redirect!.startsWith(`${RETURN_URL}?`)).toBe(true);
		expect(result).toMatchObject({
			status: 'connected',
			message: 'Connected as alice@acme.example',
			provider: 'google',
		});
		const row = await rowOf(result.integrationId!);
		expect(row).toMatchObject({
			workspace_id: WORKSPACE_A,
			user_id: 'user-1',
			provider: 'google',
			account_email: 'alice@acme.example',
			status: 'connected',
			token_key_id: 'k1',
		});
		expect(row.access_token_encrypted).toMatch(/^v1:k1:/);
		expect(row.refresh_token_encrypted).toMatch(/^v1:k1:/);
		expect(row.next_sync_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
		expect(row.token_expires_at.getTime()).toBeGreaterThan(before.getTime() + 50 * 60_000);
		expect(row.granted_scopes).toEqual(
			expect.arrayContaining(['https://www.googleapis.com/auth/gmail.readonly']),
		);
		// The sealed token is a working token of that account.
		const accessToken = apps().cipher.decrypt(
			row.access_token_encrypted,
			integrationTokenAad(WORKSPACE_A, row.id, 'access_token'),
		);
		expect(await userinfoStatus(accessToken)).toBe(200);
	});

	it('connects a Microsoft 365 account through Graph /me', async () => {
		const { result } = await connectThroughConsent(api, emu, {
			provider: 'microsoft',
			email: 'bob@contoso.onmicrosoft.test',
		});
		expect(result).toMatchObject({
			status: 'connected',
			message: 'Connected as bob@contoso.onmicrosoft.test',
		});
		const row = await rowOf(result.integrationId!);
		expect(row.refresh_token_encrypted).toMatch(/^v1:k1:/);
	});

	it('sends a refusal back with the exact message', async () => {
		const { callback, result } = await connectThroughConsent(api, emu, {
			email: 'denier@acme.example',
			decision: 'deny',
		});
		expect(callback.status).toBe(302);
		expect(result).toMatchObject({ status: 'error', message: ACCESS_DENIED_MESSAGE });
		expect(await knex('integrations').where({ account_email: 'denier@acme.example' })).toEqual([]);
	});

	it('says "not configured" when the provider app was removed during the flow', async () => {
		const token = await tokenFor(WORKSPACE_A);
		const connect = await api(
			{ route: 'connect-url', query: { provider: 'microsoft', returnUrl: RETURN_URL } },
			token,
		);
		const consent = await emu.control.approveConsent((connect.body as { url: string }).url, {
			email: 'late@contoso.onmicrosoft.test',
		});
		const withoutMicrosoft = apiCaller(
			test.database,
			appsFor(emu, { microsoftClientId: '', microsoftClientSecret: '' }),
		);
		const callback = await withoutMicrosoft({
			route: 'oauth/callback',
			query: queryOf(consent.location),
		});
		expect(queryOf(callback.redirect!)).toMatchObject({
			status: 'error',
			message: NOT_CONFIGURED_MESSAGE,
		});
	});

	it('refuses a replayed, an expired and a forged state', async () => {
		const first = await connectThroughConsent(api, emu, { email: 'replay@acme.example' });
		expect(first.result.status).toBe('connected');
		const replay = await api({ route: 'oauth/callback', query: first.callbackQuery });
		expect(replay).toMatchObject({
			status: 400,
			body: {
				error: { message: 'The OAuth state was already used: start connecting again' },
			},
		});
		expect(replay.redirect).toBeUndefined();

		const connect = await api(
			{ route: 'connect-url', query: { provider: 'google', returnUrl: RETURN_URL } },
			await tokenFor(WORKSPACE_A),
		);
		const consent = await emu.control.approveConsent((connect.body as { url: string }).url, {
			email: 'slow@acme.example',
		});
		const later = apiCaller(test.database, apps(), () => new Date(Date.now() + 11 * 60_000));
		const expired = await later({ route: 'oauth/callback', query: queryOf(consent.location) });
		expect(expired).toMatchObject({
			status: 400,
			body: { error: { message: 'The OAuth state has expired: start connecting again' } },
		});

		const query = queryOf(consent.location);
		const [body, signature] = query.state!.split('.');
		const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
		payload.returnUrl = 'https://crm.example/elsewhere';
		const forged = await api({
			route: 'oauth/callback',
			query: {
				...query,
				state: `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`,
			},
		});
		expect(forged.status).toBe(400);
		expect(JSON.stringify(forged.body)).toContain('was not issued by this server');
		expect(await api({ route: 'oauth/callback', query: { code: 'x' } })).toMatchObject({
			status: 400,
		});
	});

	it('reports a scope the user did not grant now, naming it', async () => {
		const { result } = await connectThroughConsent(api, emu, {
			email: 'partial@acme.example',
			editUrl: (url) =>
				url.searchParams.set(
					'scope',
					url.searchParams
						.get('scope')!
						.split(' ')
						.filter((scope) => !scope.endsWith('gmail.send'))
						.join(' '),
				),
		});
		expect(result).toMatchObject({
			status: 'error',
			message:
				'Email connection is missing permissions: gmail.send. Please try again and grant the required permissions',
		});
		expect(await knex('integrations').where({ account_email: 'partial@acme.example' })).toEqual([]);
	});
});

describe('reconnect and accounts', () => {
	it('reconnecting the same account keeps the row and its cursors; another account is a new integration', async () => {
		const first = await connectThroughConsent(api, emu, {
			email: 'carol@acme.example',
			userId: 'carol',
		});
		const id = first.result.integrationId!;
		await knex('sync_cursors').insert({
			workspace_id: WORKSPACE_A,
			integration_id: id,
			source_type: 'gmail_label',
			source_id: 'INBOX',
			cursor: '12345',
		});
		// A healthy integration: no consent screen, the account suggested.
		const healthy = await api(
			{
				route: 'connect-url',
				query: { provider: 'google', returnUrl: RETURN_URL, integrationId: id },
			},
			await tokenFor(WORKSPACE_A, 'carol'),
		);
		expect(healthy.body).toMatchObject({ prompt: null, loginHint: 'carol@acme.example' });
		expect(queryOf((healthy.body as { url: string }).url).prompt).toBeUndefined();

		// A scope added since the account connected: consent again.
		const granted = (await rowOf(id)).granted_scopes as string[];
		await knex('integrations')
			.where({ id })
			.update({
				granted_scopes: JSON.stringify(granted.filter((scope) => !scope.endsWith('/calendar'))),
			});
		const newScope = await api(
			{
				route: 'connect-url',
				query: { provider: 'google', returnUrl: RETURN_URL, integrationId: id },
			},
			await tokenFor(WORKSPACE_A, 'carol'),
		);
		expect(newScope.body).toMatchObject({ prompt: 'consent', loginHint: 'carol@acme.example' });
		await knex('integrations')
			.where({ id })
			.update({ granted_scopes: JSON.stringify(granted) });

		// After the grant was lost, consent is asked again.
		await knex('integrations').where({ id }).update({ status: 'requires_reauth' });
		const again = await connectThroughConsent(api, emu, {
			email: 'carol@acme.example',
			userId: 'carol',
			integrationId: id,
		});
		expect(queryOf(again.connectUrl)).toMatchObject({
			prompt: 'consent',
			login_hint: 'carol@acme.example',
		});
		expect(again.result).toMatchObject({ status: 'connected', integrationId: id });
		expect((await rowOf(id)).status).toBe('connected');
		expect(await knex('sync_cursors').where({ integration_id: id })).toHaveLength(1);

		const other = await connectThroughConsent(api, emu, {
			email: 'carol.private@acme.example',
			userId: 'carol',
		});
		expect(other.result.integrationId).not.toBe(id);
		expect(await knex('integrations').where({ user_id: 'carol' })).toHaveLength(2);
	});
});

describe('disconnect', () => {
	it('revokes the grant at Google, wipes the tokens, stops syncing and keeps the synced data', async () => {
		const { result } = await connectThroughConsent(api, emu, {
			email: 'dave@acme.example',
			userId: 'dave',
		});
		const id = result.integrationId!;
		await knex('sync_cursors').insert({
			workspace_id: WORKSPACE_A,
			integration_id: id,
			source_type: 'gmail_label',
			source_id: 'INBOX',
			cursor: '777',
		});
		const row = await rowOf(id);
		const accessToken = apps().cipher.decrypt(
			row.access_token_encrypted,
			integrationTokenAad(WORKSPACE_A, id, 'access_token'),
		);
		expect(await userinfoStatus(accessToken)).toBe(200);

		const response = await api(
			{ route: 'disconnect', method: 'POST', query: { integrationId: id } },
			await tokenFor(WORKSPACE_A, 'dave'),
		);
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({
			revocation: 'revoked',
			integration: { id, status: 'disconnected', nextSyncAt: null },
		});
		expect(await userinfoStatus(accessToken)).toBe(401);
		const after = await rowOf(id);
		expect(after).toMatchObject({
			status: 'disconnected',
			access_token_encrypted: null,
			refresh_token_encrypted: null,
			token_key_id: null,
			next_sync_at: null,
		});
		expect(after.disconnected_at).toBeInstanceOf(Date);
		expect(await knex('sync_cursors').where({ integration_id: id })).toHaveLength(1);

		// Reconnecting asks for consent again and resumes the same row.
		const back = await connectThroughConsent(api, emu, {
			email: 'dave@acme.example',
			userId: 'dave',
			integrationId: id,
		});
		expect(queryOf(back.connectUrl).prompt).toBe('consent');
		expect(back.result).toMatchObject({ status: 'connected', integrationId: id });
	});

	it("wipes a Microsoft account's tokens (no revocation endpoint) and stops syncing", async () => {
		const { result } = await connectThroughConsent(api, emu, {
			provider: 'microsoft',
			email: 'gone@contoso.onmicrosoft.test',
			userId: 'gone',
		});
		const id = result.integrationId!;
		const response = await api(
			{ route: 'disconnect', method: 'POST', body: { integrationId: id } },
			await tokenFor(WORKSPACE_A, 'gone'),
		);
		expect(response.body).toMatchObject({
			revocation: 'unsupported',
			integration: { status: 'disconnected', nextSyncAt: null },
		});
		expect(await rowOf(id)).toMatchObject({
			access_token_encrypted: null,
			refresh_token_encrypted: null,
		});
		// Resyncing a disconnected account is refused until it is connected again.
		const resync = await api(
			{ route: 'resync', method: 'POST', query: { integrationId: id } },
			await tokenFor(WORKSPACE_A, 'gone'),
		);
		expect(resync).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
	});

	it('resync queues a sync now, and a full one forgets the cursors', async () => {
		const { result } = await connectThroughConsent(api, emu, {
			email: 'erin@acme.example',
			userId: 'erin',
		});
		const id = result.integrationId!;
		await knex('integrations').where({ id }).update({ next_sync_at: null });
		await knex('sync_cursors').insert({
			workspace_id: WORKSPACE_A,
			integration_id: id,
			source_type: 'gmail_label',
			source_id: 'INBOX',
			cursor: '1',
		});
		const token = await tokenFor(WORKSPACE_A, 'erin');
		const plain = await api(
			{ route: 'resync', method: 'POST', query: { integrationId: id } },
			token,
		);
		expect(plain.status).toBe(202);
		expect((await rowOf(id)).next_sync_at).toBeInstanceOf(Date);
		expect(await knex('sync_cursors').where({ integration_id: id })).toHaveLength(1);
		const full = await api(
			{ route: 'resync', method: 'POST', query: { integrationId: id }, body: { full: true } },
			token,
		);
		expect(full.body).toMatchObject({ full: true });
		expect(await knex('sync_cursors').where({ integration_id: id })).toHaveLength(0);
	});

	it('reads and updates settings, mirroring visibility', async () => {
		const { result } = await connectThroughConsent(api, emu, {
			email: 'fay@acme.example',
			userId: 'fay',
		});
		const id = result.integrationId!;
		const token = await tokenFor(WORKSPACE_A, 'fay');
		const read = await api({ route: 'settings', query: { integrationId: id } }, token);
		expect(read.body).toMatchObject({ settings: { visibility: 'everything', syncEnabled: true } });
		const patched = await api(
			{
				route: 'settings',
				method: 'PATCH',
				query: { integrationId: id },
				body: JSON.stringify({ visibility: 'subject', mailFolders: ['inbox'] }),
			},
			token,
		);
		expect(patched).toMatchObject({
			status: 200,
			body: { settings: { visibility: 'subject', mailFolders: ['inbox'] } },
		});
		expect((await rowOf(id)).visibility).toBe('subject');
		const bad = await api(
			{
				route: 'settings',
				method: 'PATCH',
				query: { integrationId: id },
				body: { visibility: 'all of it' },
			},
			token,
		);
		expect(bad.status).toBe(400);
		expect(JSON.stringify(bad.body)).toContain('settings.visibility');
	});
});
