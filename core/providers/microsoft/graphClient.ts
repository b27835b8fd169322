import { Client, type Context, type Middleware } from '@microsoft/microsoft-graph-client';

import { ProviderHttpError, normalizeHeaders, type ProviderRequester } from '../http';

import { MICROSOFT_GRAPH_BASE_URL } from '../endpoints';

export const DEFAULT_GRAPH_BASE_URL = MICROSOFT_GRAPH_BASE_URL;

/**
 * The Graph client's last middleware: instead of fetching with a token of its own, it sends the
 * request through the requester (n8n's httpRequestWithAuthentication in nodes) and hands the
 * answer back as a fetch Response, so the client parses results and errors as usual.
 */
class RequesterMiddleware implements Middleware {
	constructor(private readonly requester: ProviderRequester) {}

	async execute(context: Context): Promise<void> {
		const request = context.request;
		const url = typeof request === 'string' ? request : request.url;
		const init = context.options ?? {};
		const headers = normalizeHeaders(
			(init.headers ?? (typeof request === 'string' ? undefined : request.headers)) as Record<
				string,
				string
			>,
		);
		delete headers.authorization;
		let body: string | Buffer | undefined;
		if (typeof init.body === 'string') body = init.body;
		else if (init.body instanceof ArrayBuffer || ArrayBuffer.isView(init.body))
			body = Buffer.from(init.body as ArrayBuffer);
		try {
			const response = await this.requester<Buffer>({
				method: (init.method ?? 'GET').toUpperCase() as 'GET',
				url,
				headers,
				body,
				responseType: 'buffer',
			});
			context.response = toFetchResponse(response.status, response.headers, response.body);
		} catch (error) {
			if (!(error instanceof ProviderHttpError)) throw error;
			const payload = Buffer.isBuffer(error.body)
				? error.body
				: Buffer.from(
						typeof error.body === 'string' ? error.body : JSON.stringify(error.body ?? ''),
					);
			context.response = toFetchResponse(error.status, error.headers, payload);
		}
	}
}

function toFetchResponse(
	status: number,
	headers: Record<string, string>,
	body: Buffer | undefined,
): Response {
	const noBody = status === 204 || status === 304 || !body || body.length === 0;
	return new Response(noBody ? null : new Uint8Array(body), { status, headers });
}

/** The official Microsoft Graph client, sending through the requester. */
export function createGraphClient(requester: ProviderRequester, graphBaseUrl?: string): Client {
	return Client.initWithMiddleware({
		baseUrl: `${(graphBaseUrl || DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '')}/`,
		middleware: new RequesterMiddleware(requester),
		defaultVersion: 'v1.0',
	});
}
