// The harness's OAuth2 path: a node asks n8n for an authenticated request, the provider answers
// 401 for an expired access token, n8n-core refreshes it at the token URL and retries, and the
// refreshed token reaches our credentials helper to be saved — as in a real n8n.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { TestCredentialsHelper } from './credentialsHelper';
import { chain, runWorkflow } from './runWorkflow';

interface TokenServer {
	url: string;
	validAccessToken: string;
	revokedRefreshTokens: Set<string>;
	tokenRequests: URLSearchParams[];
	close(): Promise<void>;
}

async function startTokenServer(): Promise<TokenServer> {
	const server: Omit<TokenServer, 'url' | 'close'> = {
		validAccessToken: 'access-2',
		revokedRefreshTokens: new Set(),
		tokenRequests: [],
	};
	const httpServer = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString()));
		req.on('end', () => {
			const send = (status: number, json: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(json));
			};
			if (req.method === 'POST' && req.url === '/token') {
				const form = new URLSearchParams(body);
				server.tokenRequests.push(form);
				const refreshToken = form.get('refresh_token') ?? '';
				if (
					form.get('grant_type') !== 'refresh_token' ||
					server.revokedRefreshTokens.has(refreshToken)
				) {
					return send(400, {
						error: 'invalid_grant',
						error_description: 'Token has been expired or revoked.',
					});
				}
				return send(200, {
					access_token: server.validAccessToken,
					expires_in: 3599,
					token_type: 'Bearer',
				});
			}
			if (req.url === '/resource') {
				if (req.headers.authorization !== `Bearer ${server.validAccessToken}`) {
					return send(401, {
						error: { code: 401, message: 'Request had invalid authentication credentials.' },
					});
				}
				return send(200, { ok: true, seenToken: server.validAccessToken });
			}
			send(404, {});
		});
	});
	await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
	const { port } = httpServer.address() as AddressInfo;
	return Object.assign(server, {
		url: `http://127.0.0.1:${port}`,
		close: () => new Promise<void>((resolve) => httpServer.close(() => resolve())),
	});
}

let server: TokenServer;
beforeAll(async () => {
	server = await startTokenServer();
});
afterAll(() => server.close());

const probe = {
	id: 'probe',
	name: 'Probe',
	type: 'n8n-nodes-crm-connect-test.httpProbe',
	typeVersion: 1,
	position: [200, 0] as [number, number],
	parameters: { path: '/resource' },
	credentials: { harnessOAuth2Api: { id: 'oauth-1', name: 'Harness account' } },
};

function oauthCredential(refreshToken: string) {
	return {
		id: 'oauth-1',
		name: 'Harness account',
		type: 'harnessOAuth2Api',
		data: {
			serverUrl: server.url,
			clientId: 'client-1',
			clientSecret: 'secret-1',
			oauthTokenData: {
				access_token: 'access-1-expired',
				refresh_token: refreshToken,
				token_type: 'Bearer',
			},
		},
	};
}

describe('harness OAuth2 path (n8n-core requestOAuth2)', () => {
	it('refreshes an expired access token at the token URL resolved from the credential, retries, and saves the new token', async () => {
		const credentialsHelper = new TestCredentialsHelper();
		const result = await runWorkflow(chain(probe), {
			credentials: [oauthCredential('refresh-1')],
			credentialsHelper,
		});
		expect(result.error).toBeUndefined();
		expect(result.json('Probe')).toEqual([{ ok: true, seenToken: 'access-2' }]);
		expect(server.tokenRequests).toHaveLength(1);
		expect(server.tokenRequests[0].get('refresh_token')).toBe('refresh-1');
		expect(server.tokenRequests[0].get('client_id')).toBe('client-1'); // authentication: body
		expect(credentialsHelper.tokenUpdates).toHaveLength(1);
		const saved = credentialsHelper.credentials.get('oauth-1')?.data.oauthTokenData as Record<
			string,
			string
		>;
		expect(saved.access_token).toBe('access-2');
		expect(saved.refresh_token).toBe('refresh-1');
	});

	it("fails with n8n's reconnect message when the grant was revoked", async () => {
		server.revokedRefreshTokens.add('refresh-revoked');
		const credentialsHelper = new TestCredentialsHelper();
		const result = await runWorkflow(chain(probe), {
			credentials: [oauthCredential('refresh-revoked')],
			credentialsHelper,
		});
		expect(result.error?.message).toMatch(
			/The credential "Harness account" needs to be reconnected/,
		);
		expect(credentialsHelper.tokenUpdates).toHaveLength(0);
	});
});
