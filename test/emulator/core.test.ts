/**
 * Emulator core over real HTTP: routing, auth and scopes, injected faults, Gmail-style quota,
 * Graph-style concurrency limit, call counts, and the control API in-process and over HTTP.
 * Test routes are added to the running emulator's router, so no provider surface is involved.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Emulator } from './index';

const SCOPE_A = 'https://www.googleapis.com/auth/gmail.readonly';
const SCOPE_B = 'https://www.googleapis.com/auth/calendar';

// Response bodies are asserted field by field; a loose type keeps those assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const json = (res: Response): Promise<Loose> => res.json();

let emu: Emulator;
let token: string;
let startStopMs: number;

beforeAll(async () => {
	// One throwaway start/stop to measure the cost a test file pays.
	const t0 = performance.now();
	const probe = await startEmulator({ seed: 'probe', messages: 10 });
	const t1 = performance.now();
	await probe.stop();
	const t2 = performance.now();
	startStopMs = t2 - t0;
	console.log(
		`emulator start ${(t1 - t0).toFixed(1)} ms, stop ${(t2 - t1).toFixed(1)} ms (total ${startStopMs.toFixed(1)} ms)`,
	);

	emu = await startEmulator({ seed: 'core-test', messages: 10 });
	const r = emu.router;
	const google = { provider: 'google' as const, anyOfScopes: [SCOPE_A] };
	r.add(
		'GET',
		'/test/v1/items/:id',
		{ name: 'test.items.get', surface: 'gmail', auth: google },
		(req) => ({
			status: 200,
			body: { id: req.params.id, account: req.account!.email, q: req.query.get('q') },
		}),
	);
	r.add(
		'GET',
		'/test/v1/items/special',
		{ name: 'test.items.special', surface: 'gmail', auth: google },
		() => ({
			status: 200,
			body: { special: true },
		}),
	);
	r.add('GET', '/test/v1/files/*path', { name: 'test.files.get', surface: 'gmail' }, (req) => ({
		status: 200,
		body: { path: req.params.path },
	}));
	r.add('POST', '/test/v1/echo', { name: 'test.echo', surface: 'gmail' }, (req) => ({
		status: 200,
		body: { got: req.json() },
	}));
	r.add(
		'GET',
		'/test/v1/charged',
		{ name: 'test.charged', surface: 'gmail', auth: google, quotaUnits: 100 },
		() => ({
			status: 200,
			body: {},
		}),
	);
	r.add(
		'GET',
		'/test/graph/slow',
		{
			name: 'test.graph.slow',
			surface: 'graph',
			concurrencyLimited: true,
			auth: { provider: 'microsoft', anyOfScopes: [] },
		},
		async () => {
			await sleep(150);
			return { status: 200, body: { ok: true } };
		},
	);
	r.add('GET', '/test/v1/boom', { name: 'test.boom', surface: 'gmail' }, () => {
		throw new Error('handler bug');
	});
	token = emu.control.issueToken('core@crm-connect.test', { scopes: [SCOPE_A] }).access_token;
});

afterAll(() => emu?.stop());

beforeEach(() => {
	emu.control.clearFaults();
	emu.control.resetCalls();
});

function get(path: string, bearer: string | null = token, headers: Record<string, string> = {}) {
	return fetch(`${emu.baseUrl}${path}`, {
		headers: bearer ? { authorization: `Bearer ${bearer}`, ...headers } : headers,
	});
}

test('start + stop is cheap (measured, sanity bound only)', () => {
	expect(startStopMs).toBeLessThan(2000);
});

describe('routing', () => {
	test('params are decoded, the most literal pattern wins, tails capture the rest', async () => {
		const a = await get('/test/v1/items/a%2Fb%40c?q=x+y');
		expect(a.status).toBe(200);
		expect(await json(a)).toEqual({ id: 'a/b@c', account: 'core@crm-connect.test', q: 'x y' });
		expect(await json(await get('/test/v1/items/special'))).toEqual({ special: true });
		expect(await json(await get('/test/v1/files/x/y%20z.txt'))).toEqual({ path: 'x/y z.txt' });
	});

	test('unknown paths are 404 in Google JSON error shape and are counted', async () => {
		const res = await get('/nothing/here');
		expect(res.status).toBe(404);
		const body = await json(res);
		expect(body.error.code).toBe(404);
		expect(body.error.status).toBe('NOT_FOUND');
		expect(body.error.errors[0].reason).toBe('notFound');
		expect(emu.control.calls().byOperation.unmatched).toBe(1);
	});

	test('invalid JSON bodies are 400 parseError', async () => {
		const res = await fetch(`${emu.baseUrl}/test/v1/echo`, { method: 'POST', body: '{nope' });
		expect(res.status).toBe(400);
		expect((await json(res)).error.errors[0].reason).toBe('parseError');
		const ok = await fetch(`${emu.baseUrl}/test/v1/echo`, { method: 'POST', body: '{"a":1}' });
		expect(await json(ok)).toEqual({ got: { a: 1 } });
	});

	test('a handler crash is a 500 backendError, not a dropped connection', async () => {
		const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
		const res = await get('/test/v1/boom');
		spy.mockRestore();
		expect(res.status).toBe(500);
		expect((await json(res)).error.errors[0].reason).toBe('backendError');
	});
});

describe('auth', () => {
	test('missing token: 401 required with WWW-Authenticate', async () => {
		const res = await get('/test/v1/items/1', null);
		expect(res.status).toBe(401);
		expect(res.headers.get('www-authenticate')).toBe('Bearer realm="https://accounts.google.com/"');
		const body = await json(res);
		expect(body.error.status).toBe('UNAUTHENTICATED');
		expect(body.error.errors[0]).toMatchObject({ reason: 'required', message: 'Login Required.' });
	});

	test('unknown and expired tokens: 401 authError invalid_token', async () => {
		const unknown = await get('/test/v1/items/1', 'ya29.nope');
		expect(unknown.status).toBe(401);
		expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"');
		expect((await json(unknown)).error.errors[0]).toMatchObject({
			reason: 'authError',
			message: 'Invalid Credentials',
		});
		const shortLived = emu.control.issueToken('core@crm-connect.test', {
			scopes: [SCOPE_A],
			ttlSeconds: 60,
		});
		expect((await get('/test/v1/items/1', shortLived.access_token)).status).toBe(200);
		emu.control.advanceClock(61_000);
		expect((await get('/test/v1/items/1', shortLived.access_token)).status).toBe(401);
	});

	test('a token without the route scope: 403 insufficientPermissions', async () => {
		const other = emu.control.issueToken('core@crm-connect.test', {
			scopes: [SCOPE_B],
		}).access_token;
		const res = await get('/test/v1/items/1', other);
		expect(res.status).toBe(403);
		expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
		const body = await json(res);
		expect(body.error.message).toBe('Request had insufficient authentication scopes.');
		expect(body.error.errors[0].reason).toBe('insufficientPermissions');
		expect(body.error.status).toBe('PERMISSION_DENIED');
	});

	test('a Microsoft token is not a Google token; Graph 401 has the Graph shape', async () => {
		const ms = emu.control.issueToken('core@crm-connect.onmicrosoft.test', {
			provider: 'microsoft',
		}).access_token;
		expect((await get('/test/v1/items/1', ms)).status).toBe(401);
		const graph = await get('/test/graph/slow', 'bogus', { 'client-request-id': 'abc-123' });
		expect(graph.status).toBe(401);
		const body = await json(graph);
		expect(body.error.code).toBe('InvalidAuthenticationToken');
		expect(body.error.innerError['client-request-id']).toBe('abc-123');
		expect(graph.headers.get('client-request-id')).toBe('abc-123');
	});

	test('revokeGrants kills the account tokens', async () => {
		const t = emu.control.issueToken('revoke-me@crm-connect.test', {
			scopes: [SCOPE_A],
		}).access_token;
		expect((await get('/test/v1/items/1', t)).status).toBe(200);
		expect(emu.control.revokeGrants('revoke-me@crm-connect.test')).toBe(1);
		expect((await get('/test/v1/items/1', t)).status).toBe(401);
	});
});

describe('faults', () => {
	test('429 with Retry-After, once by default', async () => {
		emu.control.inject({ operation: 'test.items.get', status: 429, retryAfterSeconds: 7 });
		const res = await get('/test/v1/items/1');
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toBe('7');
		const body = await json(res);
		expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
		expect(body.error.errors[0]).toMatchObject({
			reason: 'rateLimitExceeded',
			domain: 'usageLimits',
		});
		expect((await get('/test/v1/items/1')).status).toBe(200);
	});

	test('403 rateLimitExceeded and userRateLimitExceeded', async () => {
		emu.control.inject({ operation: 'test.items.get', status: 403, reason: 'rateLimitExceeded' });
		emu.control.inject({
			operation: 'test.items.get',
			status: 403,
			reason: 'userRateLimitExceeded',
			after: 1,
		});
		const first = await json(await get('/test/v1/items/1'));
		expect(first.error.errors[0]).toMatchObject({
			reason: 'rateLimitExceeded',
			message: 'Rate Limit Exceeded',
		});
		const second = await json(await get('/test/v1/items/1'));
		expect(second.error.errors[0]).toMatchObject({
			reason: 'userRateLimitExceeded',
			message: 'User Rate Limit Exceeded',
			domain: 'usageLimits',
		});
	});

	test('500 and 503, matched by glob, for N calls', async () => {
		emu.control.inject({ operation: 'test.items.*', status: 500, times: 2 });
		expect((await get('/test/v1/items/1')).status).toBe(500);
		expect((await get('/test/v1/items/special')).status).toBe(500);
		expect((await get('/test/v1/items/1')).status).toBe(200);
		emu.control.inject({ operation: '/^test\\.items\\.get$/', status: 503 });
		const res = await get('/test/v1/items/1');
		expect(res.status).toBe(503);
		expect(res.headers.get('retry-after')).toBe('1');
		expect((await json(res)).error.status).toBe('UNAVAILABLE');
	});

	test('latency: fixed and random range', async () => {
		emu.control.inject({ operation: 'test.items.get', latencyMs: 200 });
		let t = performance.now();
		expect((await get('/test/v1/items/1')).status).toBe(200);
		expect(performance.now() - t).toBeGreaterThanOrEqual(190);
		emu.control.inject({ operation: 'test.items.get', latencyMs: [50, 80] });
		t = performance.now();
		await get('/test/v1/items/1');
		expect(performance.now() - t).toBeGreaterThanOrEqual(45);
	});

	test('connection reset destroys the socket', async () => {
		emu.control.inject({ operation: 'test.items.get', reset: true });
		await expect(get('/test/v1/items/1')).rejects.toThrow();
		expect((await get('/test/v1/items/1')).status).toBe(200);
	});

	test('afterAnswer runs once the matching call has its answer, which goes out unchanged', async () => {
		const answeredCalls: number[] = [];
		emu.control.inject({
			operation: 'test.items.get',
			after: 1,
			afterAnswer: () => {
				answeredCalls.push(emu.control.calls().byOperation['test.items.get']);
			},
		});
		emu.control.resetCalls();
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await get('/test/v1/items/1')).status);
		expect(statuses).toEqual([200, 200, 200]);
		expect(answeredCalls).toEqual([2]); // the second call, once
	});

	test('inner requests dispatched by a batch are counted and faulted one by one', async () => {
		emu.control.inject({ operation: 'test.items.get', status: 429, after: 1 });
		const inner = (id: string) =>
			emu.router.dispatch({
				method: 'GET',
				url: `/test/v1/items/${id}`,
				headers: { authorization: `Bearer ${token}` },
				body: Buffer.alloc(0),
			});
		const [a, b, c] = [await inner('a'), await inner('b'), await inner('c')];
		expect([a.status, b.status, c.status]).toEqual([200, 429, 200]);
		expect(emu.control.calls().byOperation['test.items.get']).toBe(3);
	});
});

describe('limits', () => {
	test('Gmail quota: more than 250 units in a second is 429 and counted', async () => {
		emu.control.setQuota({ enabled: true, gmailUnitsPerSecond: 250 });
		const statuses: number[] = [];
		for (let i = 0; i < 3; i++) statuses.push((await get('/test/v1/charged')).status);
		expect(statuses).toEqual([200, 200, 429]);
		const calls = emu.control.calls();
		expect(calls.byOperation['test.charged']).toBe(3);
		expect(calls.quotaUnits['core@crm-connect.test']).toBe(200);
		expect(calls.throttled).toBe(1);
		expect(calls.byStatus['429']).toBe(1);
		emu.control.advanceClock(1001);
		expect((await get('/test/v1/charged')).status).toBe(200);
		emu.control.setQuota({ enabled: false });
		for (let i = 0; i < 4; i++) expect((await get('/test/v1/charged')).status).toBe(200);
		emu.control.setQuota({ enabled: true });
	});

	test('Graph concurrency: the 5th concurrent request per mailbox is 429 ApplicationThrottled', async () => {
		const ms = emu.control.issueToken('busy@crm-connect.onmicrosoft.test', {
			provider: 'microsoft',
		}).access_token;
		const responses = await Promise.all(
			Array.from({ length: 6 }, () => get('/test/graph/slow', ms)),
		);
		const statuses = responses.map((r) => r.status).sort();
		expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
		const throttled = responses.find((r) => r.status === 429)!;
		expect(throttled.headers.get('retry-after')).toBe('1');
		expect((await json(throttled)).error.code).toBe('ApplicationThrottled');
		// Slots are released: the next wave works again.
		expect((await get('/test/graph/slow', ms)).status).toBe(200);
	});
});

describe('control API over HTTP', () => {
	const control = (path: string, method = 'GET', body?: unknown) =>
		fetch(`${emu.baseUrl}/_emulator${path}`, {
			method,
			headers: { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		}).then(async (r) => ({ status: r.status, body: (await json(r)) as Loose }));

	test('faults, calls, clock, tokens, cursors, grants', async () => {
		expect(
			(await control('/faults', 'POST', { operation: 'test.items.get', status: 503 })).status,
		).toBe(200);
		expect((await get('/test/v1/items/1')).status).toBe(503);
		const calls = await control('/calls');
		expect(calls.body.byOperation['test.items.get']).toBe(1);
		expect(calls.body.total).toBe(1); // control calls are not counted
		await control('/faults', 'POST', { operation: 'test.items.get', status: 500, times: -1 });
		expect((await get('/test/v1/items/1')).status).toBe(500);
		expect((await get('/test/v1/items/1')).status).toBe(500);
		await control('/faults', 'DELETE');
		expect((await get('/test/v1/items/1')).status).toBe(200);
		await control('/calls', 'DELETE');
		expect((await control('/calls')).body.total).toBe(0);

		const before = (await control('/clock')).body.now;
		const after = (await control('/clock', 'POST', { advanceMs: 10_000 })).body.now;
		expect(after - before).toBeGreaterThanOrEqual(10_000);

		const issued = await control('/tokens', 'POST', {
			email: 'http@crm-connect.test',
			scopes: [SCOPE_A],
		});
		expect((await get('/test/v1/items/1', issued.body.access_token)).status).toBe(200);
		expect(
			(await control('/revoke-grants', 'POST', { email: 'http@crm-connect.test' })).body.revoked,
		).toBe(1);
		expect((await get('/test/v1/items/1', issued.body.access_token)).status).toBe(401);

		const generation = await control('/expire-cursors', 'POST', {
			email: 'http@crm-connect.test',
			surface: 'gmail',
		});
		expect(generation.body.generation).toBe(1);
		expect(emu.state.getAccount('http@crm-connect.test')!.cursorGeneration.gmail).toBe(1);
		expect(
			(await control('/expire-cursors', 'POST', { email: 'nobody@x.test', surface: 'gmail' }))
				.status,
		).toBe(404);

		const status = await control('');
		expect(status.body.accounts.map((a: { email: string }) => a.email)).toContain(
			emu.sandbox.googleEmail,
		);
		expect(
			(await control('/quota', 'POST', { gmailUnitsPerSecond: 500 })).body.gmailUnitsPerSecond,
		).toBe(500);
		await control('/quota', 'POST', { gmailUnitsPerSecond: 250 });
	});
});
