import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { handleApiRequest, type ApiRequest, type ApiResponse } from '../../core';
import { apiContextOf } from './apiContext';
import { routeOf } from './routes';

type WebhookRequest = ReturnType<IWebhookFunctions['getRequestObject']>;
type WebhookResponse = ReturnType<IWebhookFunctions['getResponseObject']>;

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

function write(response: WebhookResponse, answer: ApiResponse): void {
	response.status(answer.status);
	// n8n allows every origin on its webhooks before the node runs; the handler names the allowed
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
	if (answer.body === undefined) {
		response.end();
		return;
	}
	response.setHeader('Content-Type', 'application/json; charset=utf-8');
	response.end(JSON.stringify(answer.body));
}

/**
 * Answers one API request from the node itself and starts no execution: the request is mapped
 * onto the engine's handler, its answer written to n8n's response, and n8n told that the response
 * is sent. Nothing is thrown: a thrown error would make n8n record an error execution.
 */
export async function serveApiRequest(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	let answer: ApiResponse;
	try {
		const route = routeOf(request.path);
		if (route === undefined) {
			answer = errorAnswer(404, 'not_found', `No CRM API route at ${request.path}`);
		} else {
			const context = await apiContextOf.call(this);
			// An unexpected failure is answered with a generic 500; what went wrong goes to n8n's log.
			const onUnexpectedError = (error: unknown) =>
				this.logger.error(
					`CRM API: ${request.method} ${request.path} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
				);
			answer = await handleApiRequest(
				{ ...context, onUnexpectedError },
				{
					method: request.method.toUpperCase(),
					route,
					query: queryOf(request),
					headers: headersOf(request),
					body: request.body,
				},
			);
		}
	} catch (error) {
		// The credentials cannot be used or the database cannot be reached. The caller is not
		// authenticated yet, so the reason (a database host, a credential field) goes to n8n's log.
		const reason = error instanceof Error ? error.message : String(error);
		this.logger.error(`CRM API: cannot answer ${request.method} ${request.path}: ${reason}`);
		answer = errorAnswer(
			503,
			'unavailable',
			"The CRM API cannot answer now: its credentials or database are not usable (n8n's log says why)",
		);
	}
	const response = this.getResponseObject();
	try {
		if (!response.headersSent) write(response, answer);
	} catch (error) {
		// A header Node refuses (or a closed connection): answer 500 rather than throw.
		const reason = error instanceof Error ? error.message : String(error);
		this.logger.error(`CRM API: could not answer ${request.method} ${request.path}: ${reason}`);
		if (!response.headersSent) response.status(500);
		response.end();
	}
	return { noWebhookResponse: true };
}
