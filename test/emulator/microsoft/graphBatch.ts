/**
 * `POST /v1.0/$batch` (JSON batching): up to 20 requests, each dispatched through the router on its
 * own so it is authenticated, counted, limited and faultable like a direct call; a throttled inner
 * request comes back as its own 429 with Retry-After while the others succeed. Requests run one
 * at a time in order, respecting `dependsOn` (a request whose dependency failed gets 424), which
 * keeps results deterministic.
 *
 * Also the absolute-link shim: the official JS client (GraphRequest.parsePath) only recognises
 * `https://` URLs as absolute, so when a caller follows an `http://127.0.0.1:…/v1.0/…` nextLink or
 * deltaLink against the emulator it requests `/v1.0/http://127.0.0.1:…/v1.0/…`. That path is
 * re-dispatched as the URL it embeds, uncounted itself, so paging works with the client unchanged.
 */
import { graphError, type EmulatorRequest, type EmulatorResponse } from '../core/http';
import type { Router } from '../core/router';

const MAX_REQUESTS = 20;

interface BatchRequestItem {
	id?: unknown;
	method?: unknown;
	url?: unknown;
	headers?: Record<string, string>;
	body?: unknown;
	dependsOn?: unknown;
}

const CANONICAL_HEADERS: Record<string, string> = {
	'content-type': 'Content-Type',
	'retry-after': 'Retry-After',
	location: 'Location',
	'cache-control': 'Cache-Control',
	'odata-version': 'OData-Version',
	'preference-applied': 'Preference-Applied',
	etag: 'ETag',
};

function canonicalHeaders(headers: Record<string, string> | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		const lower = name.toLowerCase();
		// request-id/client-request-id belong to the outer response, as on Graph.
		if (lower === 'request-id' || lower === 'client-request-id') continue;
		out[CANONICAL_HEADERS[lower] ?? name] = value;
	}
	return out;
}

function innerBody(item: BatchRequestItem, headers: Record<string, string>): Buffer {
	if (item.body === undefined || item.body === null) return Buffer.alloc(0);
	if (typeof item.body === 'string') {
		// Non-JSON bodies travel base64-encoded in JSON batching.
		const type =
			Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
		return /json/i.test(type) ? Buffer.from(item.body) : Buffer.from(item.body, 'base64');
	}
	return Buffer.from(JSON.stringify(item.body));
}

function responseBody(response: EmulatorResponse): unknown {
	const body = response.body;
	if (body === undefined) return undefined;
	if (Buffer.isBuffer(body)) {
		const type = response.headers?.['content-type'] ?? '';
		return /^text\//i.test(type) ? body.toString('utf8') : body.toString('base64');
	}
	return body;
}

function badBatch(message: string) {
	return graphError(400, 'BadRequest', message);
}

export function registerGraphBatch(router: Router): void {
	router.add(
		'POST',
		'/v1.0/$batch',
		{ name: 'graph.batch', surface: 'graph', auth: { provider: 'microsoft', anyOfScopes: [] } },
		async (req: EmulatorRequest) => {
			const payload = req.json<{ requests?: BatchRequestItem[] }>();
			const requests = payload?.requests;
			if (!Array.isArray(requests)) throw badBatch('Invalid batch payload format.');
			if (requests.length === 0) throw badBatch('Invalid batch payload format.');
			if (requests.length > MAX_REQUESTS) {
				throw badBatch(
					`Unable to process batch request: number of requests in the batch exceeds the limit of ${MAX_REQUESTS}.`,
				);
			}
			const ids = new Set<string>();
			for (const item of requests) {
				if (typeof item?.id !== 'string' || !item.id)
					throw badBatch('Batch request id is missing or invalid.');
				if (ids.has(item.id))
					throw badBatch(`Batch request ids must be unique; '${item.id}' appears twice.`);
				if (typeof item.method !== 'string' || typeof item.url !== 'string') {
					throw badBatch(`Batch request '${item.id}' needs a method and a url.`);
				}
				ids.add(item.id);
			}
			for (const item of requests) {
				const deps = item.dependsOn;
				if (deps === undefined) continue;
				if (
					!Array.isArray(deps) ||
					deps.some((d) => typeof d !== 'string' || !ids.has(d) || d === item.id)
				) {
					throw badBatch(`Batch request '${item.id}' has an invalid dependsOn.`);
				}
			}

			const statusById = new Map<string, number>();
			const results = new Map<string, Record<string, unknown>>();
			const pending = [...requests];
			// Run in order, each once its dependencies are done (a cycle leaves requests pending).
			while (pending.length > 0) {
				const index = pending.findIndex((item) =>
					((item.dependsOn as string[] | undefined) ?? []).every((d) => statusById.has(d)),
				);
				if (index === -1) throw badBatch('Batch requests have circular dependsOn.');
				const [item] = pending.splice(index, 1);
				const id = item.id as string;
				const failedDep = ((item.dependsOn as string[] | undefined) ?? []).find(
					(d) => (statusById.get(d) ?? 500) >= 400,
				);
				if (failedDep) {
					statusById.set(id, 424);
					results.set(id, {
						id,
						status: 424,
						headers: { 'Content-Type': 'application/json' },
						body: graphError(424, 'BadRequest', `Failed dependency: request '${failedDep}' failed.`)
							.response.body as object,
					});
					continue;
				}
				const headers = { ...(item.headers ?? {}) };
				let url = item.url as string;
				if (/^https?:\/\//i.test(url)) url = new URL(url).pathname + new URL(url).search;
				if (!url.startsWith('/')) url = `/${url}`;
				if (!/^\/(v1\.0|beta)\//i.test(url)) url = `/v1.0${url}`;
				const response = await router.dispatch({
					method: (item.method as string).toUpperCase(),
					url,
					headers: {
						authorization: req.headers.authorization,
						host: req.headers.host,
						prefer: req.headers.prefer,
						...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
					},
					body: innerBody(item, headers),
				});
				const status = response.destroySocket ? 503 : response.status;
				statusById.set(id, status);
				const out: Record<string, unknown> = {
					id,
					status,
					headers: canonicalHeaders(response.headers),
				};
				const body = response.destroySocket
					? graphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable.')
							.response.body
					: responseBody(response);
				if (body !== undefined) {
					out.body = body;
					const h = out.headers as Record<string, string>;
					if (!h['Content-Type'] && typeof body === 'object')
						h['Content-Type'] = 'application/json';
				}
				results.set(id, out);
			}
			return {
				status: 200,
				headers: {
					'content-type':
						'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
				},
				body: { responses: requests.map((item) => results.get(item.id as string)) },
			};
		},
	);

	// Absolute-link shim (see the header comment). Surface 'control' keeps it out of call counts
	// and faults; the embedded request is dispatched, counted and faulted normally.
	for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
		router.add(
			method,
			'/v1.0/http:/:host/*rest',
			{ name: 'graph.absoluteLinkShim', surface: 'control' },
			(req) =>
				router.dispatch({
					method,
					url: `/${req.params.rest}${req.query.toString() ? `?${req.query.toString()}` : ''}`,
					headers: req.headers,
					body: req.body,
				}),
		);
	}
}
