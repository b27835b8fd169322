import { GraphError, type Client } from '@microsoft/microsoft-graph-client';

import { ProviderHttpError, normalizeHeaders, type ProviderRequester } from '../http';
import { createGraphClient } from './graphClient';

/** Every request asks for immutable ids: they survive moves, so cursors and records stay valid. */
const IMMUTABLE_ID_PREFERENCE = 'IdType="ImmutableId"';

export interface GraphRequestOptions {
	/** Query parameters; values are URL-encoded here (the client joins them as given). */
	query?: Record<string, string | number | boolean | undefined>;
	select?: string[];
	/** More `Prefer` values (odata.maxpagesize=…, outlook.timezone="…"). */
	prefer?: string[];
}

/** One page of a Graph collection. */
export interface GraphPage<T> {
	value: T[];
	'@odata.nextLink'?: string;
	'@odata.deltaLink'?: string;
}

/**
 * The official Graph client of one connection (sending through the requester), with what every
 * caller needs on top: the immutable-id preference on each request, paging by @odata.nextLink and
 * Graph errors turned back into ProviderHttpError, so they are classified like every provider's.
 */
export class GraphSession {
	readonly client: Client;

	/** A failure below HTTP (e.g. n8n could not refresh the token): the Graph client hides it. */
	private lastTransportError: unknown;

	constructor(requester: ProviderRequester, graphBaseUrl?: string) {
		const tracking: ProviderRequester = async (request) => {
			try {
				return await requester(request);
			} catch (error) {
				if (!(error instanceof ProviderHttpError)) this.lastTransportError = error;
				throw error;
			}
		};
		this.client = createGraphClient(tracking, graphBaseUrl);
	}

	async get<T>(pathOrLink: string, options: GraphRequestOptions = {}): Promise<T> {
		return await this.call(() => this.request(pathOrLink, options).get() as Promise<T>);
	}

	async post<T>(path: string, body: unknown, options: GraphRequestOptions = {}): Promise<T> {
		return await this.call(() => this.request(path, options).post(body) as Promise<T>);
	}

	async patch<T>(path: string, body: unknown, options: GraphRequestOptions = {}): Promise<T> {
		return await this.call(() => this.request(path, options).patch(body) as Promise<T>);
	}

	/**
	 * The pages of a collection, first to last, following @odata.nextLink as given (absolute
	 * links are handed to the client unchanged). The last page of a delta round has the deltaLink.
	 */
	async *pages<T>(
		pathOrLink: string,
		options: GraphRequestOptions = {},
	): AsyncGenerator<GraphPage<T>> {
		let page = await this.get<GraphPage<T>>(pathOrLink, options);
		yield page;
		while (page['@odata.nextLink']) {
			// A nextLink carries its own query; only the preferences are sent again.
			page = await this.get<GraphPage<T>>(page['@odata.nextLink'], { prefer: options.prefer });
			yield page;
		}
	}

	/** Up to `limit` items of a collection (all of them when limit is undefined). */
	async collect<T>(
		pathOrLink: string,
		options: GraphRequestOptions = {},
		limit?: number,
	): Promise<T[]> {
		const items: T[] = [];
		for await (const page of this.pages<T>(pathOrLink, options)) {
			for (const item of page.value ?? []) {
				if (limit !== undefined && items.length >= limit) return items;
				items.push(item);
			}
			if (limit !== undefined && items.length >= limit) return items;
		}
		return items;
	}

	private request(pathOrLink: string, options: GraphRequestOptions) {
		const request = this.client
			.api(pathOrLink)
			.header('Prefer', [IMMUTABLE_ID_PREFERENCE, ...(options.prefer ?? [])].join(', '));
		if (options.select?.length) request.select(options.select);
		const query: Record<string, string> = {};
		for (const [name, value] of Object.entries(options.query ?? {})) {
			if (value !== undefined) query[name] = encodeURIComponent(String(value));
		}
		if (Object.keys(query).length) request.query(query);
		return request;
	}

	private async call<T>(send: () => Promise<T>): Promise<T> {
		this.lastTransportError = undefined;
		try {
			return await send();
		} catch (error) {
			throw this.translate(error);
		}
	}

	private translate(error: unknown): unknown {
		if (!(error instanceof GraphError)) return error;
		if (!(error.statusCode > 0)) return this.lastTransportError ?? error;
		let inner: unknown = error.body;
		if (typeof inner === 'string') {
			try {
				inner = JSON.parse(inner);
			} catch {
				// not JSON: keep the text
			}
		}
		const body =
			inner && typeof inner === 'object' && 'code' in inner
				? { error: inner }
				: { error: { code: error.code ?? undefined, message: error.message } };
		return new ProviderHttpError(
			error.statusCode,
			normalizeHeaders(error.headers as Headers | undefined),
			body,
			{ method: 'GET', url: '' },
		);
	}
}

/** A collection path segment: Graph ids may hold characters that must be escaped in a path. */
export function graphPathSegment(id: string): string {
	return encodeURIComponent(id);
}

/**
 * Retries a read that may briefly answer 404: a message just sent through /send reaches Sent
 * Items asynchronously, under the same immutable id.
 */
export async function retryWhileNotFound<T>(
	read: () => Promise<T>,
	options: { attempts?: number; delayMs?: number } = {},
): Promise<T> {
	const attempts = options.attempts ?? 5;
	for (let attempt = 1; ; attempt++) {
		try {
			return await read();
		} catch (error) {
			const notFound = error instanceof ProviderHttpError && error.status === 404;
			if (!notFound || attempt >= attempts) throw error;
			await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1000));
		}
	}
}
