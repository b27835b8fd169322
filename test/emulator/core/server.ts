/**
 * The node:http server in front of the router: reads the body, dispatches, writes the answer.
 * stop() closes every keep-alive connection so tests never wait for idle sockets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorResponse } from './http';
import type { Router } from './router';

const MAX_BODY_BYTES = 64 * 1024 * 1024; // Gmail accepts 35 MB messages; leave room for base64

export interface RunningServer {
	server: Server;
	baseUrl: string;
	port: number;
	stop(): Promise<void>;
}

export async function startHttpServer(
	router: Router,
	options: { port?: number; host?: string } = {},
): Promise<RunningServer> {
	const host = options.host ?? '127.0.0.1';
	const server = createServer((req, res) => {
		handle(router, req, res).catch((error) => {
			console.error('emulator: request failed', error);
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
			res.end('emulator internal error');
		});
	});
	server.keepAliveTimeout = 5000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	let stopped: Promise<void> | undefined;
	return {
		server,
		port,
		baseUrl: `http://${host}:${port}`,
		stop: () =>
			(stopped ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			})),
	};
}

async function handle(router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY_BYTES) {
			res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
			res.end('Request Entity Too Large');
			req.destroy();
			return;
		}
		chunks.push(chunk as Buffer);
	}
	const headers: Record<string, string | undefined> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	const response = await router.dispatch({
		method: req.method ?? 'GET',
		url: req.url ?? '/',
		headers,
		body: Buffer.concat(chunks),
	});
	if (response.destroySocket) {
		req.socket.destroy();
		return;
	}
	writeResponse(res, response, req.method === 'HEAD');
}

export function serializeBody(response: EmulatorResponse): {
	bytes: Buffer;
	contentType?: string;
} {
	const { body } = response;
	if (body === undefined || body === null) return { bytes: Buffer.alloc(0) };
	if (Buffer.isBuffer(body)) return { bytes: body };
	if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8') };
	return {
		bytes: Buffer.from(JSON.stringify(body), 'utf8'),
		contentType: 'application/json; charset=UTF-8',
	};
}

function writeResponse(res: ServerResponse, response: EmulatorResponse, head: boolean): void {
	const { bytes, contentType } = serializeBody(response);
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(response.headers ?? {})) {
		headers[name.toLowerCase()] = value;
	}
	if (contentType && !headers['content-type']) headers['content-type'] = contentType;
	if (!headers['content-type'] && bytes.length > 0)
		headers['content-type'] = 'text/plain; charset=UTF-8';
	if (response.status !== 204 && response.status !== 304)
		headers['content-length'] = String(bytes.length);
	res.writeHead(response.status, headers);
	res.end(head || response.status === 204 || response.status === 304 ? undefined : bytes);
}
