// WebSub (PubSubHubbub) subscriptions for YouTube channels, held in webhook_subscriptions. The
// trigger subscribes when its workflow is activated, the hub checks our intent with a GET that we
// answer only for a topic and verify token we asked for, deliveries are signed with the hub.secret
// we gave, and the subscription is renewed before its lease ends and removed on deactivation.
// hub.secret is stored encrypted with a key derived from the workspace's webhook secret, so the
// database alone cannot forge deliveries.
import { hkdfSync, randomBytes } from 'node:crypto';

import type { Knex } from 'knex';

import { constantTimeEqual } from '../security/webhookSignature';
import { createTokenCipher, type TokenCipher } from '../security/tokenCipher';

export const DEFAULT_HUB_URL = 'https://pubsubhubbub.appspot.com/subscribe';
/** What we ask the hub for; YouTube's hub grants up to 10 days (it may give less). */
export const DEFAULT_LEASE_SECONDS = 864_000;
/** A subscription is renewed when its lease ends within this time (or has no known end). */
export const RENEW_WITHIN_SECONDS = 2 * 86_400;
const HUB_TIMEOUT_MS = 15_000;

export type SubscriptionStatus = 'pending' | 'active' | 'expired' | 'failed';

export interface WebhookSubscription {
	id: string;
	workspaceId: string;
	hubUrl: string;
	topicUrl: string;
	callbackUrl: string;
	verifyToken: string;
	status: SubscriptionStatus;
	leaseExpiresAt: Date | null;
}

interface SubscriptionRow {
	id: string;
	workspace_id: string;
	hub_url: string;
	topic_url: string;
	callback_url: string;
	secret_encrypted: string;
	verify_token: string;
	status: SubscriptionStatus;
	lease_expires_at: Date | null;
}

const toSubscription = (row: SubscriptionRow): WebhookSubscription => ({
	id: row.id,
	workspaceId: row.workspace_id,
	hubUrl: row.hub_url,
	topicUrl: row.topic_url,
	callbackUrl: row.callback_url,
	verifyToken: row.verify_token,
	status: row.status,
	leaseExpiresAt: row.lease_expires_at,
});

/** The topic YouTube publishes a channel's uploads on. */
export function youtubeTopicUrl(channelId: string): string {
	return `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${encodeURIComponent(channelId)}`;
}

/** Channel ids as a user types them (commas, spaces or lines), each checked. */
export function parseChannelIds(input: string): string[] {
	const ids = input
		.split(/[\s,]+/)
		.map((id) => id.trim())
		.filter(Boolean);
	for (const id of ids) {
		if (!/^[A-Za-z0-9_-]{3,64}$/.test(id)) {
			throw new Error(`"${id.slice(0, 80)}" is not a YouTube channel id (like UC…)`);
		}
	}
	return [...new Set(ids)];
}

function cipherFor(workspaceId: string, workspaceSecret: string): TokenCipher {
	const key = Buffer.from(
		hkdfSync('sha256', workspaceSecret, 'crm-connect webhook subscriptions', workspaceId, 32),
	);
	return createTokenCipher({ activeKeyId: 'webhook', keys: { webhook: key } });
}

const secretAad = (workspaceId: string, topicUrl: string, callbackUrl: string) =>
	`webhook_subscription:${workspaceId}:${topicUrl}:${callbackUrl}`;

export class HubRequestError extends Error {
	constructor(
		message: string,
		readonly status?: number,
	) {
		super(message);
		this.name = 'HubRequestError';
	}
}

async function askHub(
	hubUrl: string,
	form: Record<string, string>,
	fetchImpl: typeof fetch,
): Promise<void> {
	let response: Response;
	try {
		response = await fetchImpl(hubUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(form).toString(),
			signal: AbortSignal.timeout(HUB_TIMEOUT_MS),
		});
	} catch (error) {
		throw new HubRequestError(
			`The WebSub hub ${hubUrl} could not be reached: ${error instanceof Error ? error.message : String(error)}`,
		);
	}
	const body = (await response.text()).slice(0, 300);
	// 202 Accepted (verification follows) is what hubs answer; 204 is the old synchronous success.
	if (response.status !== 202 && response.status !== 204) {
		throw new HubRequestError(
			`The WebSub hub refused ${form['hub.mode']} for ${form['hub.topic']}: ${response.status} ${body}`,
			response.status,
		);
	}
}

export interface HubContext {
	db: Knex;
	workspaceId: string;
	workspaceSecret: string;
	callbackUrl: string;
	fetch?: typeof fetch;
}

/** The workspace's subscriptions for this callback URL. */
export async function listSubscriptions(
	context: Pick<HubContext, 'db' | 'workspaceId' | 'callbackUrl'>,
): Promise<WebhookSubscription[]> {
	const rows = (await context
		.db('webhook_subscriptions')
		.where({ workspace_id: context.workspaceId, callback_url: context.callbackUrl })
		.orderBy('topic_url')) as SubscriptionRow[];
	return rows.map(toSubscription);
}

/** True when the subscription should be (re)made now: not active, or its lease ends soon. */
export function needsRenewal(subscription: WebhookSubscription, now = new Date()): boolean {
	if (subscription.status !== 'active' || !subscription.leaseExpiresAt) return true;
	return subscription.leaseExpiresAt.getTime() - now.getTime() < RENEW_WITHIN_SECONDS * 1000;
}

/**
 * Subscribes (or renews) the callback to `topicUrl` at the hub. A new subscription gets a random
 * verify token and secret; a renewal keeps both, so deliveries signed while it is renewed still
 * verify. The row is pending until the hub's verification GET makes it active.
 */
export async function subscribeAtHub(
	context: HubContext,
	options: { hubUrl: string; topicUrl: string; leaseSeconds?: number },
): Promise<WebhookSubscription> {
	const { db, workspaceId, callbackUrl } = context;
	const cipher = cipherFor(workspaceId, context.workspaceSecret);
	const aad = secretAad(workspaceId, options.topicUrl, callbackUrl);
	const existing = (await db('webhook_subscriptions')
		.where({ workspace_id: workspaceId, topic_url: options.topicUrl, callback_url: callbackUrl })
		.first()) as SubscriptionRow | undefined;
	let secret: string | undefined;
	if (
		existing &&
		(existing.status === 'active' || existing.status === 'pending') &&
		existing.hub_url === options.hubUrl
	) {
		try {
			secret = cipher.decrypt(existing.secret_encrypted, aad);
		} catch {
			// Sealed under an earlier workspace secret: start afresh with a new one.
		}
	}
	const renewing = secret !== undefined && existing !== undefined;
	secret ??= randomBytes(32).toString('base64url');
	const verifyToken = renewing ? existing.verify_token : randomBytes(24).toString('base64url');
	const [row] = (await db('webhook_subscriptions')
		.insert({
			workspace_id: workspaceId,
			hub_url: options.hubUrl,
			topic_url: options.topicUrl,
			callback_url: callbackUrl,
			secret_encrypted: cipher.encrypt(secret, aad),
			verify_token: verifyToken,
			status: 'pending',
		})
		.onConflict(['workspace_id', 'topic_url', 'callback_url'])
		.merge(
			renewing
				? { updated_at: db.fn.now() }
				: {
						hub_url: options.hubUrl,
						secret_encrypted: db.raw('excluded.secret_encrypted'),
						verify_token: db.raw('excluded.verify_token'),
						status: 'pending',
						lease_expires_at: null,
						updated_at: db.fn.now(),
					},
		)
		.returning('*')) as SubscriptionRow[];
	try {
		await askHub(
			options.hubUrl,
			{
				'hub.callback': callbackUrl,
				'hub.mode': 'subscribe',
				'hub.topic': options.topicUrl,
				'hub.verify': 'async',
				'hub.verify_token': verifyToken,
				'hub.secret': secret,
				'hub.lease_seconds': String(options.leaseSeconds ?? DEFAULT_LEASE_SECONDS),
			},
			context.fetch ?? fetch,
		);
	} catch (error) {
		// A renewal that failed leaves the running subscription as it is, to be tried again.
		if (!renewing) {
			await db('webhook_subscriptions')
				.where({ id: row.id })
				.update({ status: 'failed', updated_at: db.fn.now() });
		}
		throw error;
	}
	return toSubscription(row);
}

/**
 * Asks the hub to end the subscription. The row stays, marked expired, until the hub's
 * unsubscribe verification arrives (we confirm only what we asked for), then it is deleted.
 */
export async function unsubscribeAtHub(
	context: HubContext,
	subscription: WebhookSubscription,
): Promise<void> {
	await context
		.db('webhook_subscriptions')
		.where({ id: subscription.id, workspace_id: context.workspaceId })
		.update({ status: 'expired', updated_at: context.db.fn.now() });
	await askHub(
		subscription.hubUrl,
		{
			'hub.callback': subscription.callbackUrl,
			'hub.mode': 'unsubscribe',
			'hub.topic': subscription.topicUrl,
			'hub.verify': 'async',
			'hub.verify_token': subscription.verifyToken,
		},
		context.fetch ?? fetch,
	);
}

export type IntentAnswer =
	| { ok: true; challenge: string; subscription: WebhookSubscription }
	| { ok: false; status: 400 | 404; reason: string };

/**
 * The hub's verification of intent (GET with hub.mode, hub.topic, hub.challenge, hub.verify_token,
 * hub.lease_seconds). Confirmed only for a topic this callback subscribed (or is unsubscribing)
 * with the same verify token; a confirmed subscribe becomes active until the granted lease ends.
 */
export async function verifyIntent(
	context: Pick<HubContext, 'db' | 'workspaceId' | 'callbackUrl'>,
	query: Record<string, string | undefined>,
	now = new Date(),
): Promise<IntentAnswer> {
	const mode = query['hub.mode'];
	const topic = query['hub.topic'];
	const challenge = query['hub.challenge'];
	const token = query['hub.verify_token'];
	if ((mode !== 'subscribe' && mode !== 'unsubscribe') || !topic || !challenge) {
		return {
			ok: false,
			status: 400,
			reason:
				'A verification needs hub.mode (subscribe or unsubscribe), hub.topic and hub.challenge',
		};
	}
	if (challenge.length > 1000)
		return { ok: false, status: 400, reason: 'hub.challenge is too long' };
	const leaseText = query['hub.lease_seconds'];
	if (mode === 'subscribe' && leaseText !== undefined && !/^\d{1,10}$/.test(leaseText)) {
		return { ok: false, status: 400, reason: 'hub.lease_seconds is not a number' };
	}
	const { db, workspaceId, callbackUrl } = context;
	const row = (await db('webhook_subscriptions')
		.where({ workspace_id: workspaceId, topic_url: topic, callback_url: callbackUrl })
		.first()) as SubscriptionRow | undefined;
	const expectedStatus: SubscriptionStatus[] =
		mode === 'subscribe' ? ['pending', 'active'] : ['expired'];
	if (
		!row ||
		!expectedStatus.includes(row.status) ||
		!constantTimeEqual(token ?? '', row.verify_token)
	) {
		return {
			ok: false,
			status: 404,
			reason: `No ${mode} request of ours for this topic and token`,
		};
	}
	if (mode === 'unsubscribe') {
		await db('webhook_subscriptions').where({ id: row.id }).delete();
		return { ok: true, challenge, subscription: toSubscription(row) };
	}
	const leaseSeconds = leaseText === undefined ? DEFAULT_LEASE_SECONDS : Number(leaseText);
	const [updated] = (await db('webhook_subscriptions')
		.where({ id: row.id })
		.update({
			status: 'active',
			lease_expires_at: new Date(now.getTime() + leaseSeconds * 1000),
			updated_at: db.fn.now(),
		})
		.returning('*')) as SubscriptionRow[];
	return { ok: true, challenge, subscription: toSubscription(updated) };
}

/**
 * The active subscriptions a delivery may be for, with their hub.secret: the one whose topic the
 * hub named in its `Link: <…>; rel="self"` header, or every active one of this callback.
 */
export async function deliveryCandidates(
	context: Pick<HubContext, 'db' | 'workspaceId' | 'workspaceSecret' | 'callbackUrl'>,
	topicUrl: string | undefined,
): Promise<Array<{ subscription: WebhookSubscription; secret: string }>> {
	const { db, workspaceId, callbackUrl } = context;
	const query = db('webhook_subscriptions').where({
		workspace_id: workspaceId,
		callback_url: callbackUrl,
		status: 'active',
	});
	if (topicUrl) query.andWhere({ topic_url: topicUrl });
	const rows = (await query) as SubscriptionRow[];
	const cipher = cipherFor(workspaceId, context.workspaceSecret);
	const candidates: Array<{ subscription: WebhookSubscription; secret: string }> = [];
	for (const row of rows) {
		try {
			const secret = cipher.decrypt(
				row.secret_encrypted,
				secretAad(workspaceId, row.topic_url, row.callback_url),
			);
			candidates.push({ subscription: toSubscription(row), secret });
		} catch {
			// Sealed under an earlier workspace secret: it cannot verify anything now.
		}
	}
	return candidates;
}

/** The topic a WebSub delivery names in its Link header (rel="self"), if any. */
export function selfTopicOf(linkHeader: string | undefined): string | undefined {
	if (!linkHeader) return undefined;
	for (const part of linkHeader.split(/,(?=\s*<)/)) {
		const match = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
		if (match && /rel\s*=\s*"?self"?/i.test(match[2])) return match[1];
	}
	return undefined;
}

export interface RenewalResult {
	topicUrl: string;
	callbackUrl: string;
	/** True when the hub accepted the renewal (its verification of intent follows). */
	renewed: boolean;
	/** Why the renewal failed, in words (never the secret). */
	error?: string;
}

/**
 * Renews every subscription of the workspace (any callback URL) that is active or pending and
 * whose lease ends within RENEW_WITHIN_SECONDS (or has no known end), each at its own hub for its
 * own topic and callback, keeping its verify token and secret. n8n gives a webhook node no timer,
 * so a schedule runs this (CRM node, Webhook Subscription → Renew Due): a quiet channel's
 * subscription would otherwise lapse. One failure does not stop the others; each is reported.
 */
export async function renewDueSubscriptions(
	context: Omit<HubContext, 'callbackUrl'> & { leaseSeconds?: number },
	now = new Date(),
): Promise<RenewalResult[]> {
	const rows = (await context
		.db('webhook_subscriptions')
		.where({ workspace_id: context.workspaceId })
		.whereIn('status', ['active', 'pending'])
		.orderBy(['topic_url', 'callback_url'])) as SubscriptionRow[];
	const rowsById = new Map(rows.map((row) => [row.id, row]));
	const results: RenewalResult[] = [];
	for (const subscription of rows.map(toSubscription)) {
		if (!needsRenewal(subscription, now)) continue;
		const { topicUrl, callbackUrl } = subscription;
		try {
			await subscribeAtHub(
				{
					db: context.db,
					workspaceId: context.workspaceId,
					workspaceSecret: context.workspaceSecret,
					callbackUrl,
					fetch: context.fetch,
				},
				{ hubUrl: subscription.hubUrl, topicUrl, leaseSeconds: context.leaseSeconds },
			);
			results.push({ topicUrl, callbackUrl, renewed: true });
		} catch (error) {
			results.push({
				topicUrl,
				callbackUrl,
				renewed: false,
				error: withoutSecrets(
					error instanceof Error ? error.message : String(error),
					context,
					rowsById.get(subscription.id)!,
				),
			});
		}
	}
	return results;
}

/** A hub's answer may echo what it was sent: the message keeps no secret of ours. */
function withoutSecrets(
	message: string,
	context: Pick<HubContext, 'workspaceId' | 'workspaceSecret'>,
	row: SubscriptionRow,
): string {
	const secrets = [context.workspaceSecret];
	try {
		secrets.push(
			cipherFor(context.workspaceId, context.workspaceSecret).decrypt(
				row.secret_encrypted,
				secretAad(context.workspaceId, row.topic_url, row.callback_url),
			),
		);
	} catch {
		// Sealed under an earlier workspace secret: nothing of it can be in the message.
	}
	let text = message;
	for (const secret of secrets) if (secret) text = text.split(secret).join('[secret]');
	return text;
}
