// How the sync engine reaches a provider for one integration: fetch, with the integration's access
// token (from IntegrationAccess, refreshed as needed) as a Bearer header. A 401 gets one retry with
// a forced refresh; a second 401 is thrown (classified auth_revoked). Transport failures carry a
// code (ECONNRESET, ETIMEDOUT …) so classifyProviderError treats them as temporary. The token is
// only ever in the request header: never in an error, a result or a log.
import { ProviderHttpError, normalizeHeaders, type ProviderRequester } from '../providers/http';
import type { IntegrationAccess } from './integrationAccess';

export type { IntegrationAccess };

/** A requester that can also be told its token was refused (Gmail batch parts refused 401). */
export interface AuthorizedRequester extends ProviderRequester {
	refreshAuthorization(): Promise<void>;
}

export interface IntegrationRequesterOptions {
	/** Per-request timeout (default 60 s). */
	timeoutMs?: number;
	fetch?: typeof fetch;
}

/** A transport failure (no HTTP answer), with the code the error classifier reads. */
export class ProviderTransportError extends Error {
	constructor(
		message: string,
		readonly code: string,
	) {
		super(message);
		this.name = 'ProviderTransportError';
	}
}

function transportError(error: unknown, url: string): ProviderTransportError {
	const host = (() => {
		try {
			return new URL(url).host;
		} catch {
			return 'the provider';
		}
	})();
	const name = (error as { name?: string } | undefined)?.name;
	if (name === 'TimeoutError' || name === 'AbortError')
		return new ProviderTransportError(`${host} did not answer in time`, 'ETIMEDOUT');
	const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
	const code = cause?.code ?? (error as { code?: string } | undefined)?.code ?? 'ECONNRESET';
	return new ProviderTransportError(`Could not reach ${host} (${code})`, code);
}

export function integrationRequester(
	access: IntegrationAccess,
	integration: { workspaceId: string; id: string },
	options: IntegrationRequesterOptions = {},
): AuthorizedRequester {
	const send = options.fetch ?? fetch;
	const timeoutMs = options.timeoutMs ?? 60_000;

	async function once<T>(request: Parameters<ProviderRequester>[0], token: string) {
		const json =
			request.body !== undefined &&
			typeof request.body !== 'string' &&
			!Buffer.isBuffer(request.body);
		let response: Response;
		try {
			response = await send(request.url, {
				method: request.method,
				headers: {
					...(json ? { 'content-type': 'application/json' } : {}),
					...request.headers,
					authorization: `Bearer ${token}`,
				},
				body: json
					? JSON.stringify(request.body)
					: Buffer.isBuffer(request.body)
						? new Uint8Array(request.body)
						: (request.body as string | undefined),
				signal: AbortSignal.timeout(timeoutMs),
			});
		} catch (error) {
			throw transportError(error, request.url);
		}
		let buffer: Buffer;
		try {
			buffer = Buffer.from(await response.arrayBuffer());
		} catch (error) {
			throw transportError(error, request.url);
		}
		const headers = normalizeHeaders(response.headers);
		const isJson = (headers['content-type'] ?? '').includes('json');
		let body: unknown;
		if (request.responseType === 'buffer' && response.ok) body = buffer;
		else {
			const text = buffer.toString('utf8');
			body = text;
			if ((request.responseType === 'json' || (!request.responseType && isJson)) && text) {
				try {
					body = JSON.parse(text);
				} catch {
					body = text;
				}
			} else if (!response.ok && isJson && text) {
				try {
					body = JSON.parse(text);
				} catch {
					body = text;
				}
			}
		}
		if (response.status >= 400)
			throw new ProviderHttpError(response.status, headers, body, {
				method: request.method,
				url: request.url,
			});
		return { status: response.status, headers, body: body as T };
	}

	const requester = (async <T>(request: Parameters<ProviderRequester>[0]) => {
		const token = await access.accessToken(integration);
		try {
			return await once<T>(request, token);
		} catch (error) {
			if (!(error instanceof ProviderHttpError) || error.status !== 401) throw error;
			// The token was refused: refresh it once, whatever its expiry says, and try again.
			const fresh = await access.accessToken(integration, { force: true });
			return await once<T>(request, fresh);
		}
	}) as AuthorizedRequester;
	requester.refreshAuthorization = async () => {
		await access.accessToken(integration, { force: true });
	};
	return requester;
}
