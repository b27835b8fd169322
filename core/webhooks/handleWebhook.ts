// One call to the CRM Webhook trigger, from request to answer: which action it is for, whether it
// is authentic, what it says, whether it was seen before, and who it is about. Rejected calls get
// 400/401/404 and leave nothing behind; an accepted call is stored once and, the first time only,
// becomes the item the workflow runs with. The node maps n8n's request onto this and writes the
// answer; everything here is plain data, so it is tested without n8n.
import type { Knex } from 'knex';

import {
	HUB_SIGNATURE_HEADER,
	verifyHubSignature,
	verifyWebhookAuth,
} from '../security/webhookSignature';
import { recordWebhookReceipt } from '../store/webhookReceipts';
import { linkWebhookToPerson, type LinkedPerson } from './link';
import {
	isWebhookAction,
	normaliseWebhook,
	WEBHOOK_ACTIONS,
	type NormalisedWebhook,
	type WebhookAction,
} from './normalise';
import {
	deliveryCandidates,
	needsRenewal,
	selfTopicOf,
	subscribeAtHub,
	verifyIntent,
	type WebhookSubscription,
} from './subscriptions';

export interface WebhookCall {
	method: string;
	/** The request path (n8n's req.path), whose last segment may name the action. */
	path: string;
	query: Record<string, string | undefined>;
	/** Lower-case header names. */
	headers: Record<string, string | undefined>;
	rawBody: Buffer;
}

export interface WebhookHandlerContext {
	db: Knex;
	workspaceId: string;
	workspaceSecret: string;
	/** The URL WebSub hubs call for this trigger (its youtube-webhook URL). */
	youtubeCallbackUrl: string;
	/** Hub and lease used when a delivery shows the subscription is due for renewal. */
	hubUrl?: string;
	leaseSeconds?: number;
	toleranceSeconds?: number;
	now?: () => Date;
	fetch?: typeof fetch;
}

export type WebhookItem = {
	action: WebhookAction;
	workspaceId: string;
	receiptId: string;
	receivedAt: string;
	/** How the caller proved itself: the workspace secret header, its signature, or the hub's. */
	authenticatedBy: 'secret-header' | 'signature' | 'hub-signature';
	person: LinkedPerson | null;
	personId: string | null;
	/** The body as sent (JSON), or the entries read from the Atom feed. */
	payload: unknown;
} & NormalisedWebhook;

export interface WebhookAnswer {
	status: number;
	contentType: 'application/json' | 'text/plain';
	body: string;
	/** Present for an accepted call seen for the first time: the workflow runs with it. */
	item?: WebhookItem;
	/** Why the call was refused, for n8n's log (never a secret). */
	rejection?: string;
	/** A subscription due for renewal, to renew after answering. */
	renew?: () => Promise<WebhookSubscription>;
}

const json = (status: number, body: unknown, rejection?: string): WebhookAnswer => ({
	status,
	contentType: 'application/json',
	body: JSON.stringify(body),
	rejection,
});

const refuse = (status: number, code: string, message: string): WebhookAnswer =>
	json(status, { error: { code, message } }, message);

const CODES: Record<number, string> = {
	400: 'bad_request',
	401: 'unauthenticated',
	404: 'not_found',
	405: 'method_not_allowed',
};

/**
 * The action a call is for: the path's last segment when it names one, else `?action=`. A GET to
 * the youtube-webhook URL is the hub verifying that URL (youtube-verify).
 */
export function resolveAction(
	call: Pick<WebhookCall, 'method' | 'path' | 'query'>,
): { ok: true; action: WebhookAction } | { ok: false; reason: string } {
	const lastSegment = call.path.split('/').filter(Boolean).pop();
	const fromPath = isWebhookAction(lastSegment) ? lastSegment : undefined;
	const fromQuery = call.query.action;
	if (fromPath && fromQuery !== undefined && fromQuery !== fromPath) {
		return { ok: false, reason: `The path names ${fromPath} but ?action= names another action` };
	}
	const action = fromPath ?? fromQuery;
	if (!isWebhookAction(action)) {
		return {
			ok: false,
			reason: `Unknown action${action ? ` "${action.slice(0, 60)}"` : ''}: use one of ${WEBHOOK_ACTIONS.join(', ')}`,
		};
	}
	if (action === 'youtube-webhook' && call.method === 'GET')
		return { ok: true, action: 'youtube-verify' };
	return { ok: true, action };
}

async function accept(
	context: WebhookHandlerContext,
	action: WebhookAction,
	call: WebhookCall,
	authenticatedBy: WebhookItem['authenticatedBy'],
): Promise<WebhookAnswer> {
	const read = normaliseWebhook(action, call.rawBody);
	if (!read.ok) return refuse(400, 'bad_request', read.reason);
	const { receipt, firstDelivery } = await recordWebhookReceipt(context.db, {
		workspaceId: context.workspaceId,
		action,
		dedupeKey: read.dedupeKey,
		payload: read.payload,
	});
	if (!firstDelivery) {
		return json(200, { received: true, duplicate: true, receiptId: receipt.id });
	}
	const person =
		read.normalised.kind === 'video'
			? null
			: await linkWebhookToPerson(context.db, context.workspaceId, read.normalised);
	const item = {
		action,
		workspaceId: context.workspaceId,
		receiptId: receipt.id,
		receivedAt: receipt.receivedAt.toISOString(),
		authenticatedBy,
		person,
		personId: person?.id ?? null,
		payload: read.payload,
		...read.normalised,
	} as WebhookItem;
	return { ...json(200, { received: true, duplicate: false, receiptId: receipt.id }), item };
}

async function youtubeDelivery(context: WebhookHandlerContext, call: WebhookCall) {
	const callback = { ...context, callbackUrl: context.youtubeCallbackUrl };
	const candidates = await deliveryCandidates(callback, selfTopicOf(call.headers.link));
	if (candidates.length === 0) {
		return refuse(401, 'unauthenticated', 'No active WebSub subscription of this trigger matches');
	}
	let matched: WebhookSubscription | undefined;
	for (const candidate of candidates) {
		const verdict = verifyHubSignature(
			call.headers[HUB_SIGNATURE_HEADER],
			call.rawBody,
			candidate.secret,
		);
		if (verdict.ok) {
			matched = candidate.subscription;
			break;
		}
		if (verdict.status === 400) return refuse(400, 'bad_request', verdict.reason);
	}
	if (!matched) {
		return refuse(
			401,
			'unauthenticated',
			call.headers[HUB_SIGNATURE_HEADER] === undefined
				? `${HUB_SIGNATURE_HEADER} is missing`
				: `${HUB_SIGNATURE_HEADER} does not match any subscription's secret`,
		);
	}
	const answer = await accept(context, 'youtube-webhook', call, 'hub-signature');
	const subscription = matched;
	if (answer.status === 200 && needsRenewal(subscription, context.now?.() ?? new Date())) {
		answer.renew = () =>
			subscribeAtHub(callback, {
				hubUrl: context.hubUrl ?? subscription.hubUrl,
				topicUrl: subscription.topicUrl,
				leaseSeconds: context.leaseSeconds,
			});
	}
	return answer;
}

/** Answers one call. Throws only when the database fails (the node answers that with 503). */
export async function handleWebhookCall(
	context: WebhookHandlerContext,
	call: WebhookCall,
): Promise<WebhookAnswer> {
	const method = call.method.toUpperCase();
	const resolved = resolveAction({ ...call, method });
	if (!resolved.ok) return refuse(400, 'unknown_action', resolved.reason);
	const { action } = resolved;

	if (action === 'youtube-verify') {
		if (method !== 'GET')
			return refuse(405, CODES[405], 'youtube-verify answers the hub’s GET only');
		const intent = await verifyIntent(
			{ ...context, callbackUrl: context.youtubeCallbackUrl },
			call.query,
			context.now?.(),
		);
		if (!intent.ok) return refuse(intent.status, CODES[intent.status], intent.reason);
		return { status: 200, contentType: 'text/plain', body: intent.challenge };
	}
	if (method !== 'POST') return refuse(405, CODES[405], `${action} takes POST`);
	if (action === 'youtube-webhook') return await youtubeDelivery(context, call);

	const verdict = verifyWebhookAuth({
		headers: call.headers,
		rawBody: call.rawBody,
		secret: context.workspaceSecret,
		now: context.now?.(),
		toleranceSeconds: context.toleranceSeconds,
	});
	if (!verdict.ok) return refuse(verdict.status, CODES[verdict.status], verdict.reason);
	return await accept(context, action, call, verdict.method);
}
