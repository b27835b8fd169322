// The widget tests' API server: real PostgreSQL (a fresh schema per run, dropped at the end),
// the migrations, the seed of ./seed.ts, and core/api's widget handler behind `/crm-api/*`, as the
// CRM API node serves it. The emulator is the provider for send and create. Started by
// web-test-runner.config.mjs as a child process; prints one JSON line with its ports.
//
// Test-only routes (never in the node):
//   GET  /crm-api/test-token?workspace=&scopes=&user=   a signed API token
//   GET  /crm-api/test-seed                             what the seed holds (ids, counts)
//   POST /crm-api/test-scenario {status, progress?, lastSuccessAt?, provider?}  a fresh workspace
//        with one integration in that state (or none with status 'none'): { workspaceId }
//   POST /crm-api/test-progress {workspaceId, done, total, finish?}  moves its running sync
//   GET  /crm-api/test-foreign                          { origin, hits, paths } of the counting server
//   POST /crm-api/test-foreign/reset
// `/crm-api-unconfigured/*` serves the same handler with no provider app configured.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { signApiToken } from '../../../core/security/apiToken';
import { closeDatabase, openDatabase, type CrmDatabase } from '../../../core/store/database';
import { parseProviderApps, type ProviderApps } from '../../../core/sync/providerApps';
import { startEmulator, type Emulator } from '../../emulator';
import { resolveTestServer } from '../../setup/testDatabaseServer';
import { seedIntegration, seedWidgetData, WORKSPACE_A, type SeedResult } from './seed';

type WidgetHandler = (
	context: unknown,
	request: {
		method: string;
		path: string;
		query: Record<string, string | undefined>;
		headers: Record<string, string | undefined>;
		body: unknown;
	},
) => Promise<{
	status: number;
	headers?: Record<string, string>;
	body?: unknown;
	redirect?: string;
}>;

const API_SECRET = randomBytes(32).toString('base64');
const TOKEN_KEY = randomBytes(32).toString('base64');

/** helper A's handler, once it exists; until then every API route answers 501. */
function loadHandler(): WidgetHandler | null {
	const file = path.join(__dirname, '../../../core/api/handleWidgetRequest.ts');
	if (!existsSync(file)) return null;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const loaded = require(file) as { handleWidgetRequest?: WidgetHandler };
	return loaded.handleWidgetRequest ?? null;
}

function appsFor(emu: Emulator, origins: string[], configured: boolean): ProviderApps {
	return parseProviderApps({
		...(configured
			? {
					googleClientId: emu.sandbox.clientId,
					googleClientSecret: emu.sandbox.clientSecret,
					microsoftClientId: emu.sandbox.microsoftClientId,
					microsoftClientSecret: emu.sandbox.microsoftClientSecret,
					microsoftTenant: 'common',
				}
			: {}),
		publicBaseUrl: 'http://127.0.0.1:5678/webhook/crm-api',
		tokenKeys: `k1:${TOKEN_KEY}`,
		apiSigningSecret: API_SECRET,
		allowedReturnOrigins: origins.join(', '),
		googleAuthBaseUrl: emu.baseUrl,
		googleTokenBaseUrl: emu.baseUrl,
		googleApiBaseUrl: emu.baseUrl,
		microsoftLoginBaseUrl: emu.baseUrl,
		graphBaseUrl: emu.baseUrl,
	});
}

async function readBody(request: http.IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function send(response: http.ServerResponse, status: number, body: unknown, headers = {}): void {
	response.writeHead(status, { 'content-type': 'application/json', ...headers });
	response.end(body === undefined ? '' : JSON.stringify(body));
}

/** The "foreign origin": counts every request that reaches it (the hostile email must cause none). */
function startForeignServer(): Promise<{
	server: http.Server;
	origin: string;
	hits: string[];
}> {
	const hits: string[] = [];
	const server = http.createServer((request, response) => {
		hits.push(`${request.method} ${request.url}`);
		response.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
		response.end('counted');
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			resolve({ server, origin: `http://127.0.0.1:${port}`, hits });
		});
	});
}

async function main(): Promise<void> {
	const started = Date.now();
	const origins = (process.env.CRM_WIDGET_TEST_ORIGINS ?? 'http://localhost:8000')
		.split(',')
		.map((origin) => origin.trim())
		.filter(Boolean);
	const [{ url, embedded }, emu, foreign] = await Promise.all([
		resolveTestServer(),
		startEmulator({ seed: 'widget-tests', messages: 20 }),
		startForeignServer(),
	]);
	const schema = `widgets_${randomBytes(5).toString('hex')}`;
	const database: CrmDatabase = openDatabase({ url, schema, autoMigrate: true, poolMax: 6 });
	await database.ready();
	const migrated = Date.now();
	const apps = appsFor(emu, origins, true);
	const unconfiguredApps = appsFor(emu, origins, false);
	const now = new Date();
	let seed: SeedResult;
	try {
		seed = await seedWidgetData(database.knex, {
			cipher: apps.cipher,
			googleEmail: emu.sandbox.googleEmail,
			googleAccessToken: emu.sandbox.accessToken,
			foreignOrigin: foreign.origin,
			now,
		});
	} catch (error) {
		await database.knex.raw('drop schema if exists ?? cascade', [schema]).catch(() => undefined);
		throw error;
	}
	await database.knex.raw('analyze');
	const seeded = Date.now();

	const onUnexpectedError = (error: unknown) =>
		process.stderr.write(`[apiServer] unexpected: ${(error as Error)?.stack ?? String(error)}\n`);
	const context = { database, apps, onUnexpectedError };
	const unconfiguredContext = { database, apps: unconfiguredApps, onUnexpectedError };
	let handler = loadHandler();

	const server = http.createServer((request, response) => {
		handle(request, response).catch((error: unknown) => {
			onUnexpectedError(error);
			if (!response.headersSent)
				send(response, 500, { error: { code: 'internal', message: 'test server failed' } });
		});
	});

	async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
		const requestUrl = new URL(request.url ?? '/', 'http://test.invalid');
		const query = Object.fromEntries(requestUrl.searchParams);
		const method = (request.method ?? 'GET').toUpperCase();
		const text = method === 'GET' || method === 'HEAD' ? '' : await readBody(request);
		let body: unknown = undefined;
		if (text) {
			try {
				body = JSON.parse(text);
			} catch {
				body = text;
			}
		}
		const route = /^\/(crm-api|crm-api-unconfigured)\/(.*)$/.exec(requestUrl.pathname);
		if (!route)
			return send(response, 404, { error: { code: 'not_found', message: 'No such path' } });
		const [, prefix, relative] = route;

		if (prefix === 'crm-api' && relative!.startsWith('test-')) {
			return testRoute(relative!, method, query, body as Record<string, unknown>, response);
		}
		handler ??= loadHandler();
		if (!handler) {
			return send(response, 501, {
				error: { code: 'internal', message: 'The widget API handler is not there yet' },
			});
		}
		const headers: Record<string, string | undefined> = {};
		for (const [name, value] of Object.entries(request.headers)) {
			headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
		}
		const answer = await handler(prefix === 'crm-api' ? context : unconfiguredContext, {
			method,
			path: relative!,
			query,
			headers,
			body,
		});
		if (answer.redirect) {
			response.writeHead(answer.status || 302, { ...answer.headers, location: answer.redirect });
			return response.end();
		}
		const contentType = answer.headers?.['content-type'] ?? answer.headers?.['Content-Type'];
		if (contentType && !contentType.includes('json') && typeof answer.body === 'string') {
			response.writeHead(answer.status, answer.headers);
			return response.end(answer.body);
		}
		return send(response, answer.status, answer.body, answer.headers);
	}

	async function testRoute(
		name: string,
		method: string,
		query: Record<string, string>,
		body: Record<string, unknown> | undefined,
		response: http.ServerResponse,
	) {
		if (name === 'test-token' && method === 'GET') {
			const scopes = (query.scopes ?? 'integrations:read,integrations:write')
				.split(/[ ,]+/)
				.filter(Boolean);
			const token = await signApiToken(
				{
					workspaceId: query.workspace ?? WORKSPACE_A,
					userId: query.user ?? 'user-a@crm.example',
					scopes,
					lifetimeSeconds: 15 * 60,
				},
				new Uint8Array(Buffer.from(API_SECRET, 'utf8')),
			);
			return send(response, 200, { token });
		}
		if (name === 'test-seed' && method === 'GET') {
			return send(response, 200, {
				...seed,
				foreignOrigin: foreign.origin,
				now: now.toISOString(),
			});
		}
		if (name === 'test-foreign' && method === 'GET') {
			return send(response, 200, {
				origin: foreign.origin,
				hits: foreign.hits.length,
				paths: foreign.hits,
			});
		}
		if (name === 'test-foreign/reset' && method === 'POST') {
			foreign.hits.length = 0;
			return send(response, 200, { hits: 0 });
		}
		if (name === 'test-scenario' && method === 'POST') {
			const workspaceId = randomUUID();
			const status = String(body?.status ?? 'connected');
			let integrationId: string | null = null;
			if (status !== 'none') {
				integrationId = await seedIntegration(database.knex, {
					cipher: apps.cipher,
					googleEmail: emu.sandbox.googleEmail,
					googleAccessToken: emu.sandbox.accessToken,
					workspaceId,
					provider: body?.provider === 'microsoft' ? 'microsoft' : 'google',
					status: status as never,
					lastSuccessAt:
						body?.lastSuccessAt === null
							? null
							: typeof body?.lastSuccessAt === 'string'
								? new Date(body.lastSuccessAt)
								: undefined,
					progress: (body?.progress as { done: number; total: number | null } | undefined) ?? null,
				});
			}
			return send(response, 200, { workspaceId, integrationId });
		}
		if (name === 'test-progress' && method === 'POST') {
			const workspaceId = String(body?.workspaceId);
			const finish = body?.finish === true;
			await database
				.knex('sync_runs')
				.where({ workspace_id: workspaceId, status: 'running' })
				.update({
					progress: JSON.stringify({
						done: Number(body?.done ?? 0),
						total: body?.total ?? null,
						source: 'mail',
					}),
					...(finish ? { status: 'succeeded', finished_at: new Date() } : {}),
				});
			if (finish) {
				await database
					.knex('integrations')
					.where({ workspace_id: workspaceId })
					.update({ status: 'connected', last_success_at: new Date() });
			}
			return send(response, 200, { ok: true });
		}
		return send(response, 404, { error: { code: 'not_found', message: `No test route ${name}` } });
	}

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		server.close();
		foreign.server.close();
		server.closeAllConnections();
		foreign.server.closeAllConnections();
		try {
			await database.knex.raw('drop schema if exists ?? cascade', [schema]);
		} catch (error) {
			process.stderr.write(`[apiServer] could not drop ${schema}: ${String(error)}\n`);
		}
		await closeDatabase(database).catch(() => undefined);
		await emu.stop().catch(() => undefined);
		if (embedded) await embedded.stop().catch(() => undefined);
		process.exit(0);
	};
	process.on('SIGTERM', () => void stop());
	process.on('SIGINT', () => void stop());
	// The parent (web-test-runner) went away without telling us: clean up all the same.
	process.stdin.on('end', () => void stop());
	process.stdin.resume();

	process.stdout.write(
		`${JSON.stringify({
			ready: true,
			port,
			foreignOrigin: foreign.origin,
			schema,
			emails: seed.emailCount,
			handler: handler ? 'core/api/handleWidgetRequest' : 'missing (501)',
			ms: Date.now() - started,
			phases: { migrate: migrated - started, seed: seeded - migrated },
		})}\n`,
	);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`[apiServer] failed to start: ${(error as Error)?.stack ?? String(error)}\n`,
	);
	process.exit(1);
});
