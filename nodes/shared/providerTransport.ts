import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import {
	ProviderHttpError,
	normalizeHeaders,
	retryingRequester,
	type ProviderRequest,
	type ProviderRequester,
	type RetryPolicy,
} from '../../core';

type RequestContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

function parseErrorBody(data: unknown): unknown {
	if (Buffer.isBuffer(data) || data instanceof ArrayBuffer) {
		const text = Buffer.from(data as ArrayBuffer).toString('utf8');
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	if (typeof data === 'string') {
		try {
			return JSON.parse(data);
		} catch {
			return data;
		}
	}
	return data;
}

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'refused the connection',
	ENOTFOUND: 'has no such host name',
	EAI_AGAIN: 'could not be looked up (DNS)',
	ETIMEDOUT: 'did not answer in time',
	ECONNRESET: 'closed the connection',
	EHOSTUNREACH: 'cannot be reached from here',
	CERT_HAS_EXPIRED: 'has an expired TLS certificate',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'has a self-signed TLS certificate',
};

/**
 * The network failure (ECONNREFUSED, ENOTFOUND …) behind an error: n8n wraps the HTTP client's
 * error as `cause` (or `errorResponse` when it is no Error) and keeps its message in `messages`.
 */
function networkFailure(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	const pending = [error];
	while (pending.length > 0 && seen.size < 10) {
		const current = pending.shift() as Record<string, unknown> | undefined;
		if (!current || typeof current !== 'object' || seen.has(current)) continue;
		seen.add(current);
		if (typeof current.code === 'string' && current.code in NETWORK_FAILURES) return current.code;
		const texts = [current.message, ...(Array.isArray(current.messages) ? current.messages : [])];
		for (const text of texts) {
			const code = typeof text === 'string' ? /\b([A-Z_]{5,})\b/.exec(text)?.[1] : undefined;
			if (code && code in NETWORK_FAILURES) return code;
		}
		pending.push(current.cause, current.errorResponse);
	}
	return undefined;
}

/** One request through n8n's httpRequestWithAuthentication, without retries. */
function n8nSender(context: RequestContext, credentialType: string): ProviderRequester {
	return async (request) => {
		const headers: IDataObject = { ...request.headers };
		let body = request.body as IHttpRequestOptions['body'];
		const isJsonBody = body !== undefined && !Buffer.isBuffer(body) && typeof body === 'object';
		if (isJsonBody) {
			headers['content-type'] ??= 'application/json';
			body = JSON.stringify(body);
		}
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			headers,
			body,
			returnFullResponse: true,
			json: false,
			encoding: 'arraybuffer',
		};
		try {
			const response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				credentialType,
				options,
			)) as {
				statusCode: number;
				headers: Record<string, string>;
				body: Buffer | ArrayBuffer | string;
			};
			const responseHeaders = normalizeHeaders(response.headers);
			const raw = Buffer.isBuffer(response.body)
				? response.body
				: typeof response.body === 'string'
					? Buffer.from(response.body)
					: Buffer.from(response.body);
			let parsed: unknown = raw;
			if (request.responseType !== 'buffer') {
				const text = raw.toString('utf8');
				const wantsJson =
					request.responseType === 'json' ||
					(responseHeaders['content-type'] ?? '').includes('json');
				parsed = wantsJson && text ? JSON.parse(text) : wantsJson ? undefined : text;
			}
			return { status: response.statusCode, headers: responseHeaders, body: parsed as never };
		} catch (error) {
			const response =
				(
					error as {
						response?: { status?: number; headers?: Record<string, string>; data?: unknown };
					}
				).response ??
				(
					error as {
						cause?: {
							response?: { status?: number; headers?: Record<string, string>; data?: unknown };
						};
					}
				).cause?.response;
			if (response?.status) {
				// Internal to the transport: operations turn it into a NodeApiError (toNodeError).
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
				throw new ProviderHttpError(
					response.status,
					normalizeHeaders(response.headers),
					parseErrorBody(response.data),
					request,
				);
			}
			const failure = networkFailure(error);
			if (failure) {
				// n8n alone says "The service refused the connection - perhaps it is offline", naming no
				// host: say which address, so a wrong base URL in the credential is found at once. (The
				// code itself stays out of the message: n8n would swap such a message for its own.)
				const { origin } = new URL(request.url);
				throw new NodeApiError(context.getNode(), {} as JsonObject, {
					message: `${origin} ${NETWORK_FAILURES[failure]} — check the credential's base URLs, or whether the service is up`,
				});
			}
			// Already an n8n error (e.g. "needs to be reconnected" from n8n's OAuth2 refresh).
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			throw error;
		}
	};
}

/**
 * The provider requester of a node: every request goes through n8n's
 * httpRequestWithAuthentication, so n8n signs it with the credential and — for OAuth2 — refreshes
 * an expired token and saves the new one. Error answers become ProviderHttpError; temporary and
 * throttling failures are retried (honouring Retry-After) under the policy.
 */
export function n8nRequester(
	context: RequestContext,
	credentialType: string,
	policy?: RetryPolicy,
): ProviderRequester {
	return retryingRequester(n8nSender(context, credentialType), policy);
}

/**
 * Has n8n refresh the credential's access token when a provider refused it inside an answer that
 * was itself a success (a batch whose parts came back 401), which n8n cannot see. It sends `probe`
 * — one cheap authenticated call — through n8n: an expired token gets its 401 there, so n8n
 * refreshes and saves the token exactly as for any request, and the caller retries with the new
 * one. A refresh that fails (the grant was revoked) throws n8n's "reconnect" error.
 */
export function n8nAuthorizationRefresher(
	context: RequestContext,
	credentialType: string,
	probe: ProviderRequest,
): () => Promise<void> {
	const send = n8nSender(context, credentialType);
	return async () => {
		try {
			await send(probe);
		} catch (error) {
			// The probe itself failing otherwise (throttled, …) leaves the token as it is: the
			// retried calls then tell what is wrong.
			if (error instanceof ProviderHttpError) return;
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			throw error;
		}
	};
}
