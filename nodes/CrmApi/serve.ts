import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import {
	completeSignIn,
	encodeBody,
	handleApiRequest,
	MIN_COMPRESSED_BYTES,
	preferredCoding,
	handleWidgetRequest,
	signInConfigOf,
	signInErrorResponse,
	startSignIn,
	widgetBundleAnswer,
	widgetOpenApiDocument,
	type ApiContext,
	type ApiRequest,
	type ApiResponse,
} from '../../core';
import { matchWidgetRoute } from '../../core/api/routeTable';
import { chosenActions, staticRouteAction, widgetAction, type EmittedAction } from './actions';
import { apiContextOf, SIGN_IN_CREDENTIAL } from './apiContext';
import { API_BASE_PATH, requestRouteOf } from './routes';

type WebhookRequest = ReturnType<IWebhookFunctions['getRequestObject']>;
type WebhookResponse = ReturnType<IWebhookFunctions['getResponseObject']>;

/** An answer with a raw body (the widget bundle) instead of JSON. */
interface NodeAnswer extends ApiResponse {
	raw?: Buffer;
}

/** One value per query parameter (the first when a parameter is repeated). */
function queryOf(request: WebhookRequest): ApiRequest['query'] {
	const query: ApiRequest['query'] = {};
	for (const [name, value] of Object.entries(request.query ?? {})) {
		const first = Array.isArray(value) ? value[0] : value;
		if (typeof first === 'string') query[name] = first;
	}
	return query;
}

/** Header names in lower case (as Node gives them), repeated values joined. */
function headersOf(request: WebhookRequest): ApiRequest['headers'] {
	const headers: ApiRequest['headers'] = {};
	for (const [name, value] of Object.entries(request.headers as Record<string, unknown>)) {
		if (typeof value === 'string') headers[name] = value;
		else if (Array.isArray(value)) headers[name] = value.join(', ');
	}
	return headers;
}

function errorAnswer(status: number, code: string, message: string): ApiResponse {
	return { status, body: { error: { code, message } } };
}

// The widget bundle compressed once per build and coding (thoroughly: it is the same bytes for
// every page that embeds the widgets), by its ETag.
const encodedBundles = new Map<string, Buffer>();

/** The body in the coding the client accepts, or as it is (small, already sent, or not wanted). */
function negotiatedBody(
	response: WebhookResponse,
	body: Buffer,
	acceptEncoding: string | undefined,
	bundleTag: string | undefined,
): Buffer {
	if (body.length < MIN_COMPRESSED_BYTES) return body;
	const vary = String(response.getHeader('vary') ?? '');
	if (!/accept-encoding/i.test(vary))
		response.setHeader('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
	const coding = preferredCoding(acceptEncoding);
	if (!coding) return body;
	let encoded: Buffer | undefined;
	if (bundleTag !== undefined) {
		const key = `${bundleTag} ${coding}`;
		encoded = encodedBundles.get(key);
		if (!encoded) {
			encoded = encodeBody(body, coding, true);
			if (encodedBundles.size >= 8) encodedBundles.clear();
			encodedBundles.set(key, encoded);
		}
	} else {
		encoded = encodeBody(body, coding);
	}
	response.setHeader('Content-Encoding', coding);
	// Another representation of the same resource: its validator is weak (RFC 9110, 8.8.1).
	const etag = response.getHeader('etag');
	if (typeof etag === 'string' && !etag.startsWith('W/')) response.setHeader('ETag', `W/${etag}`);
	return encoded;
}

function write(
	response: WebhookResponse,
	answer: NodeAnswer,
	request: { method: string; acceptEncoding?: string },
): void {
	response.status(answer.status);
	// n8n allows every origin on its webhooks before the node runs; the handlers name the allowed
	// ones (the credential's return origins), so a browser on any other origin cannot read answers.
	response.removeHeader('Access-Control-Allow-Origin');
	for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
	// Answers carry account state and one-time URLs: no cache may keep them.
	if (!response.hasHeader('cache-control')) response.setHeader('Cache-Control', 'no-store');
	if (answer.redirect !== undefined) {
		response.setHeader('Location', answer.redirect);
		response.end();
		return;
	}
	let body: Buffer;
	if (answer.raw !== undefined) {
		body = answer.raw;
	} else if (answer.body === undefined) {
		response.end();
		return;
	} else {
		if (!response.hasHeader('content-type')) {
			response.setHeader('Content-Type', 'application/json; charset=utf-8');
		}
		body = Buffer.from(JSON.stringify(answer.body), 'utf8');
	}
	if (request.method !== 'HEAD' && answer.status !== 204 && answer.status !== 304) {
		const bundleTag = answer.raw !== undefined ? answer.headers?.etag : undefined;
		body = negotiatedBody(response, body, request.acceptEncoding, bundleTag);
	}
	response.setHeader('Content-Length', String(body.length));
	response.end(body);
}

/**
 * Where the widget routes answer: n8n puts the node's webhookId in front of paths with
 * parameters, so `<n8n>/webhook/crm-api` (the credential's Public Base URL) becomes
 * `<n8n>/webhook/<webhookId>/crm-api`.
 */
export function widgetBaseUrl(publicBaseUrl: string, webhookId: string | undefined): string {
	const base = publicBaseUrl.replace(/\/+$/, '');
	const suffix = `/${API_BASE_PATH}`;
	if (!webhookId || !base.endsWith(suffix)) return base;
	return `${base.slice(0, -suffix.length)}/${webhookId}${suffix}`;
}

/** The actions this node emits as items (its "Emit Actions" parameter), read only when needed. */
function emitsAction(this: IWebhookFunctions, action: EmittedAction): boolean {
	let value: unknown = this.getNode().parameters.emitActions;
	// An expression is evaluated only here, for a request that performed an action.
	if (typeof value === 'string' && value.startsWith('='))
		value = this.getNodeParameter('emitActions', []);
	return chosenActions(value).has(action);
}

interface Served {
	answer: NodeAnswer;
	emitted?: { action: EmittedAction; item: IDataObject } | null;
}

async function serve(this: IWebhookFunctions, request: WebhookRequest, at: Date): Promise<Served> {
	const route = requestRouteOf(request.path);
	if (route === undefined) {
		return { answer: errorAnswer(404, 'not_found', `No CRM API route at ${request.path}`) };
	}
	const method = request.method.toUpperCase();
	const headers = headersOf(request);
	if (route.kind === 'node' && route.route === 'widgets.js') {
		const asset = await widgetBundleAnswer(headers['if-none-match']);
		return {
			answer: { status: asset.status, headers: asset.headers, raw: asset.body ?? Buffer.alloc(0) },
		};
	}

	const context = await apiContextOf.call(this);
	// An unexpected failure is answered with a generic 500; what went wrong goes to n8n's log.
	const onUnexpectedError = (error: unknown) =>
		this.logger.error(
			`CRM API: ${request.method} ${request.path} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
		);
	const apiContext: ApiContext = { ...context, onUnexpectedError };
	const query = queryOf(request);

	if (route.kind === 'widget') {
		const answer = await handleWidgetRequest(apiContext, {
			method,
			path: route.path,
			query,
			headers,
			body: request.body,
		});
		const match = answer.status < 300 ? matchWidgetRoute(method, route.path) : null;
		return {
			answer,
			emitted: match
				? widgetAction({
						route: match.route.name,
						provider: match.provider,
						params: match.params,
						status: answer.status,
						authorization: headers.authorization,
						requestBody: request.body,
						responseBody: answer.body,
						at,
					})
				: null,
		};
	}

	if (route.kind === 'api') {
		const answer = await handleApiRequest(apiContext, {
			method,
			route: route.route,
			query,
			headers,
			body: request.body,
		});
		return {
			answer,
			emitted: staticRouteAction({
				route: route.route,
				status: answer.status,
				redirect: answer.redirect,
				authorization: headers.authorization,
				requestBody: request.body,
				responseBody: answer.body,
				at,
			}),
		};
	}

	if (route.route === 'openapi.json') {
		const serverUrl = widgetBaseUrl(context.apps.publicBaseUrl, this.getNode().webhookId);
		return {
			answer: {
				status: 200,
				headers: {
					'cache-control': 'public, max-age=300',
					'access-control-allow-origin': '*',
				},
				body: widgetOpenApiDocument(serverUrl),
			},
		};
	}

	// Sign in with Google: the Sign-In credential is optional; without it the routes say so.
	try {
		let signInCredential: Record<string, unknown> | undefined;
		try {
			signInCredential = (await this.getCredentials(SIGN_IN_CREDENTIAL)) as Record<string, unknown>;
		} catch {
			signInCredential = undefined;
		}
		const config = signInConfigOf(signInCredential, context.apps);
		if (route.route === 'auth/google/start') {
			return { answer: await startSignIn(config, { query, headers }) };
		}
		const outcome = await completeSignIn(config, { query, headers });
		const identity = outcome.identity;
		return {
			answer: outcome.response,
			emitted: identity
				? {
						action: 'signedIn',
						item: {
							action: 'signedIn',
							route: 'auth/google/callback',
							provider: 'google',
							sub: identity.sub,
							email: identity.email,
							emailVerified: identity.emailVerified,
							name: identity.name,
							hd: identity.hd,
							at: at.toISOString(),
						},
					}
				: null,
		};
	} catch (error) {
		const answer = signInErrorResponse(error);
		if (answer.status === 500) onUnexpectedError(error);
		return { answer };
	}
}

/**
 * Answers one request from the node itself: the request is mapped onto the engine's handlers,
 * the answer written to n8n's response, and n8n told that the response is sent. No execution
 * starts, except for a request that performed one of the actions chosen under "Emit Actions": it
 * also hands the workflow one item describing the action. Nothing is thrown: a thrown error would
 * make n8n record an error execution.
 */
export async function serveApiRequest(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	let served: Served;
	try {
		served = await serve.call(this, request, new Date());
	} catch (error) {
		// The credentials cannot be used or the database cannot be reached. The caller is not
		// authenticated yet, so the reason (a database host, a credential field) goes to n8n's log.
		const reason = error instanceof Error ? error.message : String(error);
		this.logger.error(`CRM API: cannot answer ${request.method} ${request.path}: ${reason}`);
		served = {
			answer: errorAnswer(
				503,
				'unavailable',
				"The CRM API cannot answer now: its credentials or database are not usable (n8n's log says why)",
			),
		};
	}
	const response = this.getResponseObject();
	try {
		if (!response.headersSent) {
			write(response, served.answer, {
				method: request.method.toUpperCase(),
				acceptEncoding: request.headers['accept-encoding'],
			});
		}
	} catch (error) {
		// A header Node refuses (or a closed connection): answer 500 rather than throw.
		const reason = error instanceof Error ? error.message : String(error);
		this.logger.error(`CRM API: could not answer ${request.method} ${request.path}: ${reason}`);
		if (!response.headersSent) response.status(500);
		response.end();
	}
	const emitted = served.emitted;
	try {
		if (emitted && emitsAction.call(this, emitted.action)) {
			const items: INodeExecutionData[] = [{ json: emitted.item }];
			return { noWebhookResponse: true, workflowData: [items] };
		}
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		this.logger.error(`CRM API: could not emit ${emitted?.action ?? 'an action'}: ${reason}`);
	}
	return { noWebhookResponse: true };
}
