import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { handleWebhookCall, type WebhookAnswer, type WebhookCall } from '../../core';
import { DEFAULT_HUB_URL } from './constants';
import { triggerContextOf, YOUTUBE_WEBHOOK } from './context';

type WebhookRequest = ReturnType<IWebhookFunctions['getRequestObject']> & {
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
};

function queryOf(request: WebhookRequest): WebhookCall['query'] {
	const query: WebhookCall['query'] = {};
	for (const [name, value] of Object.entries(request.query ?? {})) {
		const first = Array.isArray(value) ? value[0] : value;
		if (typeof first === 'string') query[name] = first;
	}
	return query;
}

function headersOf(request: WebhookRequest): WebhookCall['headers'] {
	const headers: WebhookCall['headers'] = {};
	for (const [name, value] of Object.entries(request.headers as Record<string, unknown>)) {
		if (typeof value === 'string') headers[name.toLowerCase()] = value;
		else if (Array.isArray(value)) headers[name.toLowerCase()] = value.join(', ');
	}
	return headers;
}

/**
 * The body exactly as sent. The node's hidden `options.binaryData` makes n8n leave the body
 * unread (it would otherwise parse JSON and XML itself and answer 422 for a malformed body before
 * the node runs); n8n's `readRawBody` then reads it for us, signatures need the bytes.
 */
async function rawBodyOf(request: WebhookRequest): Promise<Buffer> {
	if (!request.rawBody && typeof request.readRawBody === 'function') await request.readRawBody();
	if (Buffer.isBuffer(request.rawBody)) return request.rawBody;
	if (typeof request.body === 'string') return Buffer.from(request.body, 'utf8');
	return Buffer.alloc(0);
}

const failure = (status: number, code: string, message: string): WebhookAnswer => ({
	status,
	contentType: 'application/json',
	body: JSON.stringify({ error: { code, message } }),
});

/**
 * Answers one call from the node: the engine decides, the node writes the answer itself and
 * returns the item only for an accepted first delivery, so rejected and repeated calls start no
 * execution. Nothing is thrown: n8n would record an error execution and answer for us.
 */
export async function serveWebhookCall(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = this.getRequestObject() as WebhookRequest;
	const where = `${request.method} ${request.path}`;
	let answer: WebhookAnswer;
	try {
		const { database, workspaceId, workspaceSecret } = await triggerContextOf.call(this);
		const youtubeCallbackUrl = this.getNodeWebhookUrl(YOUTUBE_WEBHOOK as 'default') ?? '';
		answer = await handleWebhookCall(
			{
				db: database.knex,
				workspaceId,
				workspaceSecret,
				youtubeCallbackUrl,
				hubUrl: (this.getNodeParameter('hubUrl', DEFAULT_HUB_URL) as string) || DEFAULT_HUB_URL,
				leaseSeconds: this.getNodeParameter('leaseSeconds', undefined) as number | undefined,
				toleranceSeconds: this.getNodeParameter('toleranceSeconds', undefined) as
					| number
					| undefined,
			},
			{
				method: request.method,
				path: request.path,
				query: queryOf(request),
				headers: headersOf(request),
				rawBody: await rawBodyOf(request),
			},
		);
		if (answer.rejection) this.logger.info(`CRM Webhook: refused ${where}: ${answer.rejection}`);
	} catch (error) {
		// Credentials that cannot be used or a database that cannot be reached: the caller should
		// retry later (503); why goes to n8n's log, not to an unauthenticated caller.
		const reason = error instanceof Error ? error.message : String(error);
		this.logger.error(`CRM Webhook: cannot answer ${where}: ${reason}`);
		answer = failure(503, 'unavailable', 'The webhook cannot be received now; try again later');
	}
	const response = this.getResponseObject();
	try {
		if (!response.headersSent) {
			response.status(answer.status);
			response.setHeader('Content-Type', `${answer.contentType}; charset=utf-8`);
			response.setHeader('Cache-Control', 'no-store');
			response.end(answer.body);
		}
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		this.logger.error(`CRM Webhook: could not answer ${where}: ${reason}`);
	}
	if (answer.renew) {
		// A delivery showed the lease ends soon: renew now that the hub has its answer.
		try {
			await answer.renew();
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			this.logger.warn(`CRM Webhook: renewing the WebSub subscription failed: ${reason}`);
		}
	}
	if (!answer.item) return { noWebhookResponse: true };
	return {
		noWebhookResponse: true,
		workflowData: [[{ json: answer.item as unknown as IDataObject }]],
	};
}
