// The widget API's gate: which path is which route, the bearer token (missing, forged, expired,
// too long-lived, missing scope), the path's workspace against the token's, query and body
// validation, CORS headers for configured origins only, and no token in any answer.
import { WIDGET_ROUTES } from '../../core/api/routeTable';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import {
	appsFor,
	insertIntegration,
	json,
	tokenFor,
	widgetCaller,
	WORKSPACE_A,
	WORKSPACE_B,
	type WidgetCaller,
} from './support';

let test: TestDatabase;
let api: WidgetCaller;

beforeAll(async () => {
	test = await createTestDatabase();
	api = widgetCaller(test.database, appsFor(), { workspaceId: WORKSPACE_A });
	await insertIntegration(test.database.knex, {
		workspaceId: WORKSPACE_A,
		userId: 'user-1',
		email: 'ann@acme.example',
	});
});
afterAll(async () => {
	await test.drop();
});

describe('authentication', () => {
	it('answers 401 unauthenticated without a token, with a forged, an expired or a too long-lived one', async () => {
		const missing = await api('emails.list');
		expect(missing).toMatchObject({
			status: 401,
			body: {
				error: {
					code: 'unauthenticated',
					message: 'Missing Authorization header: send "Bearer <token>"',
				},
			},
		});
		const good = await tokenFor(WORKSPACE_A);
		const forged = await api('emails.list', { token: `${good.slice(0, -3)}xyz` });
		expect(forged).toMatchObject({
			status: 401,
			body: { error: { code: 'unauthenticated' } },
		});
		expect(json(forged).error.message).toMatch(/signature/);
		const expired = await api('emails.list', {
			token: await tokenFor(WORKSPACE_A, 'user-1', ['integrations:read'], {
				now: new Date(Date.now() - 10 * 60_000),
				lifetimeSeconds: 120,
			}),
		});
		expect(expired).toMatchObject({
			status: 401,
			body: { error: { code: 'unauthenticated', message: 'The API token has expired' } },
		});
		const tooLong = await api('emails.list', {
			token: await tokenFor(WORKSPACE_A, 'user-1', ['integrations:read'], {
				lifetimeSeconds: 3600,
			}),
		});
		expect(tooLong.status).toBe(401);
		const notBearer = await api('emails.list', { headers: { authorization: `Basic ${good}` } });
		expect(notBearer.status).toBe(401);
		// No answer ever holds the token.
		for (const answer of [missing, forged, expired, tooLong, notBearer]) {
			expect(JSON.stringify(answer)).not.toContain(good.split('.')[2]!);
		}
	});

	it('answers 403 forbidden without the scope: reads need integrations:read, writes integrations:write', async () => {
		const readOnly = await tokenFor(WORKSPACE_A, 'user-1', ['integrations:read']);
		const writeOnly = await tokenFor(WORKSPACE_A, 'user-1', ['integrations:write']);
		const admin = await tokenFor(WORKSPACE_A, 'user-1', ['integrations:admin']);
		expect(await api('emails.list', { token: readOnly })).toMatchObject({ status: 200 });
		expect(await api('emails.list', { token: writeOnly })).toMatchObject({
			status: 403,
			body: {
				error: { code: 'forbidden', message: "The API token lacks the scope 'integrations:read'" },
			},
		});
		const send = await api('emails.send', {
			token: readOnly,
			body: { to: ['bob@example.com'], subject: 'Hi', text: 'Hello' },
		});
		expect(send).toMatchObject({
			status: 403,
			body: {
				error: { code: 'forbidden', message: "The API token lacks the scope 'integrations:write'" },
			},
		});
		// integrations:admin implies both.
		expect((await api('integration.status', { token: admin })).status).toBe(200);
		expect((await api('mail.sync', { token: admin, body: {} })).status).toBe(202);
	});

	it("answers 403 forbidden for a token of workspace A on every route of workspace B's paths", async () => {
		const tokenA = await tokenFor(WORKSPACE_A, 'user-1', ['integrations:admin']);
		for (const route of WIDGET_ROUTES) {
			const answer = await api(route.name, {
				token: tokenA,
				workspaceId: WORKSPACE_B,
				params: { id: '33333333-3333-4333-8333-333333333333' },
				body: {},
			});
			expect({ route: route.name, ...answer }).toMatchObject({
				route: route.name,
				status: 403,
				body: { error: { code: 'forbidden', message: 'The API token is for another workspace' } },
			});
		}
		// The same token on its own workspace passes the gate.
		expect((await api('integrations.list', { token: tokenA })).status).toBe(200);
	});

	it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
		const token = await tokenFor(WORKSPACE_A);
		const unknown = await api.raw({
			method: 'GET',
			path: `workspaces/${WORKSPACE_A}/integrations/google/nope`,
			headers: { authorization: `Bearer ${token}` },
		});
		expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
		const wrongProvider = await api.raw({
			method: 'GET',
			path: `workspaces/${WORKSPACE_A}/integrations/yahoo/status`,
			headers: { authorization: `Bearer ${token}` },
		});
		expect(wrongProvider.status).toBe(404);
		const method = await api.raw({
			method: 'POST',
			path: `workspaces/${WORKSPACE_A}/integrations/google/gmail/emails`,
			headers: { authorization: `Bearer ${token}` },
		});
		expect(method).toMatchObject({
			status: 405,
			body: { error: { code: 'method_not_allowed', message: 'This path answers GET' } },
		});
	});

	it('validates the query and the body against the route schemas (400 bad_request, field named)', async () => {
		const token = await tokenFor(WORKSPACE_A);
		expect(await api('emails.list', { token, query: { limit: '500' } })).toMatchObject({
			status: 400,
			body: { error: { code: 'bad_request' } },
		});
		expect(
			json(await api('emails.list', { token, query: { limit: 'ten' } })).error.message,
		).toMatch(/^query\.limit: /);
		expect(
			json(await api('emails.list', { token, query: { person_id: 'not-a-uuid' } })).error.message,
		).toBe('query.person_id: must be a UUID');
		const unknownKey = await api('integration.settings', { token, body: { syncMial: false } });
		expect(unknownKey).toMatchObject({
			status: 400,
			body: { error: { code: 'bad_request', message: "body: unknown field 'syncMial'" } },
		});
		const notJson = await api('integration.settings', { token, body: '{"syncMail": fal' });
		expect(notJson).toMatchObject({
			status: 400,
			body: { error: { message: 'The request body is not JSON' } },
		});
		const send = await api('emails.send', { token, body: { to: [], subject: 'x', text: 'y' } });
		expect(json(send).error.message).toMatch(/^body\.to: /);
		// A JSON text body is parsed like an object.
		const settings = await api('integration.settings', { token, body: '{"syncMail": false}' });
		expect(settings.status).toBe(200);
		expect(json(settings).integration.settings.syncMail).toBe(false);
	});
});

describe('CORS', () => {
	it('sets Access-Control-Allow-Origin only for configured origins, on answers and errors', async () => {
		const token = await tokenFor(WORKSPACE_A);
		const allowed = await api('emails.list', { token, headers: { Origin: 'https://crm.example' } });
		expect(allowed.status).toBe(200);
		expect(allowed.headers).toMatchObject({
			'access-control-allow-origin': 'https://crm.example',
			vary: 'Origin',
			'content-type': 'application/json; charset=utf-8',
			'cache-control': 'no-store',
		});
		const error = await api('emails.list', { headers: { origin: 'http://localhost:3000' } });
		expect(error.status).toBe(401);
		expect(error.headers?.['access-control-allow-origin']).toBe('http://localhost:3000');
		for (const origin of ['https://evil.example', 'https://crm.example.evil.example', 'null']) {
			const foreign = await api('emails.list', { token, headers: { origin } });
			expect(foreign.status).toBe(200);
			expect(foreign.headers?.['access-control-allow-origin']).toBeUndefined();
		}
		const preflight = await api.raw({
			method: 'OPTIONS',
			path: `workspaces/${WORKSPACE_A}/integrations/google/settings`,
			headers: { origin: 'https://crm.example' },
		});
		expect(preflight).toMatchObject({
			status: 204,
			headers: {
				'access-control-allow-origin': 'https://crm.example',
				'access-control-allow-headers': 'authorization, content-type',
			},
		});
		const foreignPreflight = await api.raw({
			method: 'OPTIONS',
			path: `workspaces/${WORKSPACE_A}/integrations/google/settings`,
			headers: { origin: 'https://evil.example' },
		});
		expect(foreignPreflight.headers?.['access-control-allow-origin']).toBeUndefined();
	});
});

describe('robustness', () => {
	it('never throws: a broken request, a failing database and a throwing logger all answer JSON', async () => {
		const token = await tokenFor(WORKSPACE_A);
		expect(await api.raw(undefined as never)).toMatchObject({ status: 400 });
		const reported: unknown[] = [];
		const broken = widgetCaller(
			{
				...test.database,
				knex: (() => {
					throw new Error('connection refused to postgres://user:secret@db');
				}) as never,
			},
			appsFor(),
			{ workspaceId: WORKSPACE_A },
		);
		broken.context.onUnexpectedError = (error) => reported.push(error);
		const answer = await broken('integration.status', { token });
		expect(answer).toMatchObject({
			status: 500,
			body: { error: { code: 'internal', message: 'The request failed; try again later' } },
		});
		expect(JSON.stringify(answer)).not.toContain('secret');
		expect(reported).toHaveLength(1);
		broken.context.onUnexpectedError = () => {
			throw new Error('logger down');
		};
		expect((await broken('integration.status', { token })).status).toBe(500);
	});
});
