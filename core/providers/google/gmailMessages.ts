import { randomBytes } from 'node:crypto';

import type { gmail_v1 } from '@googleapis/gmail';

import { ProviderHttpError, normalizeHeaders, type ProviderRequester } from '../http';
import { isRetryable } from '../providerErrors';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from '../retry';
import { DEFAULT_GOOGLE_API_BASE_URL } from './googleClients';

/** Gmail allows 100 calls a batch but throttles bursts; 50 is what Google recommends. */
const GMAIL_BATCH_SIZE = 50;
/**
 * Batches in flight at once: while Gmail runs one, the previous answer is parsed. Two keep a sync
 * (with its read ahead) under about 5 requests in flight per account, and a caller that does not
 * pace its calls (the n8n nodes) bursts at most two batches' units (500) past Gmail's 250 a
 * second; the engine's quota pacer spaces them to the quota.
 */
const GMAIL_BATCHES_IN_FLIGHT = 2;

export interface FetchGmailMessagesOptions {
	format?: 'raw' | 'full' | 'metadata' | 'minimal';
	batchSize?: number;
	/** Batches in flight at once (default 2; 1 sends each after the previous one's answer). */
	batchesInFlight?: number;
	policy?: RetryPolicy;
	/**
	 * Has the credential's access token refreshed. Gmail answers a batch 200 even when every part
	 * was refused 401 (the token expired meanwhile), so the transport's own refresh-on-401 never
	 * runs; parts refused 401 are retried once after this.
	 */
	refreshAuthorization?: () => Promise<void>;
}

interface BatchPartResponse {
	contentId: string;
	status: number;
	headers: Record<string, string>;
	body: unknown;
}

function splitHead(text: string): { head: string; body: string } {
	const match = /\r?\n\r?\n/.exec(text);
	if (!match) return { head: text, body: '' };
	return { head: text.slice(0, match.index), body: text.slice(match.index + match[0].length) };
}

function headerLines(head: string): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon > 0)
			headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	return headers;
}

/** Parses Google's batch answer: a multipart/mixed body of `application/http` responses. */
function parseGmailBatchResponse(body: string, contentType: string): BatchPartResponse[] {
	const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
	if (!boundary) throw new Error(`Gmail batch answer is not multipart (${contentType})`);
	const parts: BatchPartResponse[] = [];
	for (const chunk of body.split(`--${boundary}`).slice(1)) {
		if (chunk.startsWith('--')) break;
		const { head: partHead, body: http } = splitHead(chunk.replace(/^\r?\n/, ''));
		const contentId = (headerLines(partHead)['content-id'] ?? '')
			.replace(/^<|>$/g, '')
			.replace(/^response-/, '');
		const { head: responseHead, body: responseBody } = splitHead(http);
		const [statusLine, ...rest] = responseHead.split(/\r?\n/);
		const status = Number(/^HTTP\/\S+\s+(\d{3})/.exec(statusLine)?.[1] ?? 0);
		const text = responseBody.replace(/\r?\n$/, '');
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// a non-JSON error page stays text; ProviderHttpError describes it
		}
		parts.push({ contentId, status, headers: headerLines(rest.join('\r\n')), body: parsed });
	}
	return parts;
}

function apiPath(apiBaseUrl: string): string {
	return new URL(apiBaseUrl || DEFAULT_GOOGLE_API_BASE_URL).pathname.replace(/\/+$/, '');
}

async function sendBatch(
	requester: ProviderRequester,
	apiBaseUrl: string,
	ids: string[],
	format: string,
): Promise<Map<string, BatchPartResponse>> {
	const boundary = `batch_crm_connect_${randomBytes(8).toString('hex')}`;
	const prefix = apiPath(apiBaseUrl);
	const body =
		ids
			.map(
				(id, index) =>
					`--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item-${index}>\r\n\r\n` +
					`GET ${prefix}/gmail/v1/users/me/messages/${encodeURIComponent(id)}?format=${format}\r\n\r\n`,
			)
			.join('') + `--${boundary}--\r\n`;
	const response = await requester<string>({
		method: 'POST',
		url: `${(apiBaseUrl || DEFAULT_GOOGLE_API_BASE_URL).replace(/\/+$/, '')}/batch/gmail/v1`,
		headers: { 'content-type': `multipart/mixed; boundary=${boundary}` },
		body,
		responseType: 'text',
	});
	const byId = new Map<string, BatchPartResponse>();
	for (const part of parseGmailBatchResponse(
		response.body,
		response.headers['content-type'] ?? '',
	)) {
		const index = Number(/^item-(\d+)$/.exec(part.contentId)?.[1]);
		if (Number.isInteger(index) && ids[index] !== undefined) byId.set(ids[index], part);
	}
	return byId;
}

/**
 * Fetches many messages through Gmail's batch endpoint, `batchSize` per HTTP call and up to
 * `batchesInFlight` calls at once. A part that was throttled or failed temporarily is retried
 * alone (after Retry-After, or backoff); parts refused 401 are retried once after
 * `refreshAuthorization` (one refresh per call, shared by the batches in flight); a message
 * deleted meanwhile maps to null; any other failure throws, as the single call would have, once
 * the batches already sent have answered (no call is left running behind the caller).
 */
export async function fetchGmailMessages(
	requester: ProviderRequester,
	apiBaseUrl: string,
	ids: string[],
	options: FetchGmailMessagesOptions = {},
): Promise<Map<string, gmail_v1.Schema$Message | null>> {
	const format = options.format ?? 'raw';
	const batchSize = options.batchSize ?? GMAIL_BATCH_SIZE;
	const inFlight = Math.max(1, Math.floor(options.batchesInFlight ?? GMAIL_BATCHES_IN_FLIGHT));
	const policy = options.policy ?? DEFAULT_RETRY_POLICY;
	const sleep =
		policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
	const unique = [...new Set(ids)];
	const results = new Map<string, gmail_v1.Schema$Message | null>();
	// The token refresh of this call: started by the first batch with parts refused 401, awaited
	// by every batch that was sent before it ended.
	let refresh: Promise<void> | null = null;
	let refreshed = false;

	async function fetchBatch(batch: string[]): Promise<void> {
		let pending = batch;
		for (let attempt = 1; pending.length > 0; ) {
			// A batch sent with the refreshed token and refused again: that token is not coming back.
			const sentRefreshed = refreshed;
			const answers = await sendBatch(requester, apiBaseUrl, pending, format);
			const retry: string[] = [];
			const unauthorized: string[] = [];
			let retryError: ProviderHttpError | undefined;
			for (const id of pending) {
				const answer = answers.get(id);
				if (answer && answer.status >= 200 && answer.status < 300) {
					results.set(id, answer.body as gmail_v1.Schema$Message);
					continue;
				}
				if (answer?.status === 404) {
					results.set(id, null);
					continue;
				}
				// A part Google left out of the answer is treated as a temporary failure.
				const error = new ProviderHttpError(
					answer?.status ?? 503,
					normalizeHeaders(answer?.headers),
					answer?.body,
					{ method: 'GET', url: `gmail/v1/users/me/messages/${id}` },
				);
				if (error.status === 401 && options.refreshAuthorization && !sentRefreshed) {
					unauthorized.push(id);
					continue;
				}
				if (!isRetryable(error)) throw error;
				retry.push(id);
				retryError = error;
			}
			if (unauthorized.length > 0 && options.refreshAuthorization) {
				refresh ??= options.refreshAuthorization().then(() => {
					refreshed = true;
				});
				await refresh;
			}
			if (retryError) {
				const delay = retryDelayMs(retryError, attempt, policy);
				if (attempt >= policy.maxAttempts || delay > policy.maxRetryAfterMs) throw retryError;
				await sleep(delay);
				attempt++;
			}
			pending = [...unauthorized, ...retry];
		}
	}

	const batches: string[][] = [];
	for (let start = 0; start < unique.length; start += batchSize)
		batches.push(unique.slice(start, start + batchSize));
	let next = 0;
	let failure: { error: unknown } | null = null;
	const worker = async () => {
		while (!failure && next < batches.length) {
			const batch = batches[next++]!;
			try {
				await fetchBatch(batch);
			} catch (error) {
				failure ??= { error };
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(inFlight, batches.length) }, worker));
	if (failure) throw (failure as { error: unknown }).error;
	return results;
}

export interface ListGmailMessagesOptions {
	q?: string;
	labelIds?: string[];
	includeSpamTrash?: boolean;
	/** Stop after this many ids (undefined: every page). */
	limit?: number;
}

/** Message ids (newest first, as Gmail lists them), following nextPageToken to the end or the limit. */
export async function listGmailMessageIds(
	gmail: gmail_v1.Gmail,
	options: ListGmailMessagesOptions,
): Promise<Array<{ id: string; threadId: string | null }>> {
	const found: Array<{ id: string; threadId: string | null }> = [];
	let pageToken: string | undefined;
	do {
		const wanted = options.limit === undefined ? 500 : Math.min(500, options.limit - found.length);
		if (wanted <= 0) break;
		const { data } = await gmail.users.messages.list({
			userId: 'me',
			q: options.q || undefined,
			labelIds: options.labelIds?.length ? options.labelIds : undefined,
			includeSpamTrash: options.includeSpamTrash || undefined,
			maxResults: wanted,
			pageToken,
		});
		for (const message of data.messages ?? []) {
			if (message.id) found.push({ id: message.id, threadId: message.threadId ?? null });
		}
		pageToken = data.nextPageToken ?? undefined;
	} while (pageToken);
	return options.limit === undefined ? found : found.slice(0, options.limit);
}
