// The status route and API authentication: JWT checks answered as JSON 401/403, the caller's
// integrations with their state and the running sync's progress, never a token column.
import type { Knex } from 'knex';

import { handleApiRequest, type ApiRequest } from '../../core/api/handleApiRequest';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { apiCaller, appsFor, tokenFor, WORKSPACE_A, WORKSPACE_B, type ApiCaller } from './support';

let test: TestDatabase;
let knex: Knex;
let api: ApiCaller;

beforeAll(async () => {
	test = await createTestDatabase();
	knex = test.database.knex;
	api = apiCaller(test.database, appsFor());
});
afterAll(async () => {
	await test.drop();
});

async function insertIntegration(workspaceId: string, email: string, userId = 'user-1') {
	const [row] = (await knex('integrations')
		.insert({
			workspace_id: workspaceId,
			user_id: userId,
			provider: 'google',
			account_email: email,
			access_token_encrypted: 'v1:k1:secret-looking',
		})
		.returning('id')) as Array<{ id: string }>;
	return row!.id;
}

describe('API authentication', () => {
	it('answers 401 without a token, with a bad one, and 403 without the scope', async () => {
		const missing = await api({ route: 'status' });
		expect(missing.status).toBe(401);
		expect(missing.body).toEqual({
			error: {
				code: 'unauthenticated',
				message: 'Missing Authorization header: send "Bearer <token>"',
			},
		});
		const forged = await api(
			{ route: 'status' },
			(await tokenFor(WORKSPACE_A)).slice(0, -2) + 'xx',
		);
		expect(forged.status).toBe(401);
		const expired = await api(
			{ route: 'status' },
			await tokenFor(WORKSPACE_A, 'user-1', ['integrations:read'], {
				now: new Date(Date.now() - 10 * 60_000),
				lifetimeSeconds: 120,
			}),
		);
		expect(expired).toMatchObject({
			status: 401,
			body: { error: { message: 'The API token has expired' } },
		});
		const tooLong = await api(
			{ route: 'status' },
			await tokenFor(WORKSPACE_A, 'user-1', ['integrations:read'], { lifetimeSeconds: 3600 }),
		);
		expect(tooLong.status).toBe(401);
		const noScope = await api({ route: 'status' }, await tokenFor(WORKSPACE_A, 'user-1', []));
		expect(noScope).toMatchObject({
			status: 403,
			body: {
				error: { code: 'forbidden', message: "The API token lacks the scope 'integrations:read'" },
			},
		});
		const unknown = await api({ route: 'nope' }, await tokenFor(WORKSPACE_A));
		expect(unknown.status).toBe(404);
	});
});

describe('status', () => {
	it("lists the user's integrations of the token's workspace with progress, without tokens", async () => {
		const mine = await insertIntegration(WORKSPACE_A, 'me@acme.example');
		await insertIntegration(WORKSPACE_A, 'colleague@acme.example', 'user-2');
		await insertIntegration(WORKSPACE_B, 'other@b.example');
		await knex('sync_runs').insert({
			workspace_id: WORKSPACE_A,
			integration_id: mine,
			kind: 'initial',
			status: 'running',
			progress: JSON.stringify({ done: 40, total: 1000, source: 'INBOX' }),
		});
		const response = await api({ route: 'status' }, await tokenFor(WORKSPACE_A));
		expect(response.status).toBe(200);
		const body = response.body as { integrations: Array<Record<string, unknown>> };
		expect(body.integrations.map((i) => i.accountEmail)).toEqual(['me@acme.example']);
		expect(body.integrations[0]).toMatchObject({
			id: mine,
			status: 'connected',
			progress: { kind: 'initial', done: 40, total: 1000, source: 'INBOX' },
		});
		expect(JSON.stringify(response)).not.toContain('v1:k1');

		const admin = await api(
			{ route: 'status' },
			await tokenFor(WORKSPACE_A, 'admin', ['integrations:admin']),
		);
		expect(
			(admin.body as { integrations: Array<{ accountEmail: string }> }).integrations
				.map((i) => i.accountEmail)
				.sort(),
		).toEqual(['colleague@acme.example', 'me@acme.example']);
	});
});

describe('robustness', () => {
	it('answers JSON errors for malformed requests and a failing database, never throwing', async () => {
		const token = await tokenFor(WORKSPACE_A);
		const context = api.context;
		const weird = [
			null,
			{},
			{ method: 'GET', route: 'status', query: null, headers: null, body: undefined },
			{ method: 'DELETE', route: 'status', query: {}, headers: {}, body: null },
			{
				method: 'GET',
				route: 'settings',
				query: { integrationId: ['not-a-uuid', 'x'] },
				headers: { authorization: `Bearer ${token}` },
				body: null,
			},
			{
				method: 'PATCH',
				route: 'settings',
				query: { integrationId: '00000000-0000-4000-8000-000000000000' },
				headers: { Authorization: `Bearer ${token}` },
				body: '{not json',
			},
		];
		for (const request of weird) {
			const response = await handleApiRequest(context, request as unknown as ApiRequest);
			expect(response.status).toBeGreaterThanOrEqual(400);
			expect(response.body).toEqual({
				error: { code: expect.any(String), message: expect.any(String) },
			});
		}
		const told: unknown[] = [];
		const broken = {
			...context,
			database: { ...context.database, knex: undefined },
			onUnexpectedError: (error: unknown) => {
				told.push(error);
				throw new Error('the logger fails too');
			},
		};
		const failed = await handleApiRequest(broken as unknown as typeof context, {
			method: 'GET',
			route: 'status',
			query: {},
			headers: { authorization: `Bearer ${token}` },
			body: undefined,
		});
		expect(failed).toMatchObject({
			status: 500,
			body: { error: { code: 'internal', message: 'The request failed; try again later' } },
		});
		expect(told).toHaveLength(1);
		expect(told[0]).toBeInstanceOf(TypeError);
	});

	it('adds CORS headers for allowed origins only, and answers preflights', async () => {
		const token = await tokenFor(WORKSPACE_A);
		const allowed = await api(
			{ route: 'status', headers: { origin: 'https://crm.example' } },
			token,
		);
		expect(allowed.headers).toMatchObject({
			'access-control-allow-origin': 'https://crm.example',
			'cache-control': 'no-store',
		});
		const other = await api(
			{ route: 'status', headers: { origin: 'https://evil.example' } },
			token,
		);
		expect(other.headers?.['access-control-allow-origin']).toBeUndefined();
		const preflight = await api({
			route: 'status',
			method: 'OPTIONS',
			headers: { origin: 'http://localhost:3000' },
		});
		expect(preflight).toMatchObject({
			status: 204,
			headers: { 'access-control-allow-origin': 'http://localhost:3000' },
		});
	});
});
