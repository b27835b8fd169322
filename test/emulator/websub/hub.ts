// A WebSub (PubSubHubbub 0.4) hub like the one YouTube publishes through
// (pubsubhubbub.appspot.com): subscribers POST hub.mode/hub.topic/hub.callback/hub.secret/
// hub.lease_seconds/hub.verify_token and get 202; the hub then verifies the intent with a GET to
// the callback carrying hub.challenge, and the subscription is active only if the callback
// answered 2xx with exactly the challenge. Publishing (a control route here; YouTube does it on
// upload) POSTs YouTube's Atom notification to every active, unexpired subscriber of the topic,
// signed `X-Hub-Signature: sha1=<HMAC-SHA1 of the body with hub.secret>` when a secret was given.
// Verifications and deliveries are recorded with the callback's HTTP status for tests to read.

import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { EmulatorHttpError, type EmulatorRequest, type EmulatorResponse } from '../core/http';
import type { Router } from '../core/router';
import type { EmulatorState } from '../core/state';
import { type DeletedVideo, type PublishedVideo, youtubeNotification } from './atom';

/** The hub's path under the emulator's base URL (`emu.urls.websubHub`). */
export const WEBSUB_HUB_PATH = '/websub/hub';
/** The same endpoint where Google's hub has it (https://pubsubhubbub.appspot.com/subscribe). */
export const WEBSUB_SUBSCRIBE_PATH = '/subscribe';
/** Lease when the subscriber asks for none (Google's hub: five days); longer asks are capped. */
export const WEBSUB_DEFAULT_LEASE_SECONDS = 432_000;
export const WEBSUB_MAX_LEASE_SECONDS = 864_000;
/** How long the hub waits for a callback to answer a verification or a delivery. */
const CALLBACK_TIMEOUT_MS = 5_000;

/** The topic YouTube publishes a channel's uploads on. */
export function youtubeTopic(channelId: string): string {
	return `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${encodeURIComponent(channelId)}`;
}

export type SubscriptionState = 'pending' | 'active' | 'expired' | 'unsubscribed' | 'failed';

export interface VerificationRecord {
	mode: 'subscribe' | 'unsubscribe';
	callback: string;
	topic: string;
	challenge: string;
	/** The callback's HTTP status (0 when it could not be reached). */
	status: number;
	/** True when the callback answered 2xx with exactly the challenge. */
	verified: boolean;
	error?: string;
	at: string;
}

export interface HubSubscription {
	callback: string;
	topic: string;
	state: SubscriptionState;
	leaseSeconds: number;
	/** ISO time the lease ends (active subscriptions). */
	expiresAt?: string;
	/** Whether a secret was given (the secret itself stays in the hub). */
	signed: boolean;
	verifyToken?: string;
	createdAt: string;
	verifiedAt?: string;
}

export interface DeliveryRecord {
	id: number;
	topic: string;
	callback: string;
	/** The callback's HTTP status (0 when it could not be reached). */
	status: number;
	error?: string;
	at: string;
	/** The X-Hub-Signature header sent, if the subscription has a secret. */
	signature?: string;
	body: string;
}

interface StoredSubscription {
	callback: string;
	topic: string;
	state: 'pending' | 'active' | 'unsubscribed' | 'failed';
	secret?: string;
	verifyToken?: string;
	leaseSeconds: number;
	expiresAtMs?: number;
	createdAtMs: number;
	verifiedAtMs?: number;
}

interface HubStore {
	subscriptions: Map<string, StoredSubscription>;
	verifications: VerificationRecord[];
	deliveries: DeliveryRecord[];
	pending: Set<Promise<unknown>>;
	/** Numbers the deliveries of this emulator. */
	deliveryCount: number;
}

const stores = new WeakMap<EmulatorState, HubStore>();

function hubStore(state: EmulatorState): HubStore {
	let store = stores.get(state);
	if (!store) {
		store = {
			subscriptions: new Map(),
			verifications: [],
			deliveries: [],
			pending: new Set(),
			deliveryCount: 0,
		};
		stores.set(state, store);
	}
	return store;
}

const keyOf = (callback: string, topic: string) => `${callback}\n${topic}`;

function iso(ms: number): string {
	return new Date(ms).toISOString();
}

/** Tracks background work so tests (and stop) can wait until the hub is idle. */
function track<T>(store: HubStore, work: Promise<T>): Promise<T> {
	store.pending.add(work);
	void work.finally(() => store.pending.delete(work)).catch(() => undefined);
	return work;
}

async function callCallback(
	url: string,
	init: RequestInit,
): Promise<{ status: number; text: string; error?: string }> {
	try {
		const response = await fetch(url, {
			...init,
			redirect: 'manual',
			signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
		});
		return { status: response.status, text: await response.text() };
	} catch (error) {
		return { status: 0, text: '', error: (error as Error).message };
	}
}

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '';
	} catch {
		return false;
	}
}

export interface PublishInput {
	/** The topic URL, or a YouTube channel id (its topic is then youtubeTopic(channelId)). */
	topic?: string;
	channelId?: string;
	videoId: string;
	title?: string;
	channelTitle?: string;
	/** ISO times; default the emulator clock's now. */
	published?: string;
	updated?: string;
	/** A deletion (at:deleted-entry) instead of an upload or update. */
	deleted?: boolean;
}

/** In-process control of the hub (`emu.websub`). */
export interface WebSubEmulatorControl {
	/** The hub URL subscribers POST to. */
	readonly hubUrl: string;
	/** Delivers a YouTube notification to every active subscriber of the topic; resolves with the deliveries. */
	publish(input: PublishInput): Promise<DeliveryRecord[]>;
	subscriptions(): HubSubscription[];
	verifications(): VerificationRecord[];
	deliveries(): DeliveryRecord[];
	/** Resolves once every pending verification and delivery has finished. */
	settled(): Promise<void>;
	/** Forget subscriptions and records. */
	reset(): void;
}

export function websubControl(
	state: EmulatorState,
	channelTitleOf: (channelId: string) => string | undefined = () => undefined,
): WebSubEmulatorControl {
	const store = hubStore(state);
	return {
		get hubUrl() {
			return `${state.baseUrl ?? ''}${WEBSUB_HUB_PATH}`;
		},
		publish: (input) => track(store, publish(state, input, channelTitleOf)),
		subscriptions: () => subscriptionsOf(state),
		verifications: () => structuredClone(store.verifications),
		deliveries: () => structuredClone(store.deliveries),
		settled: async () => {
			while (store.pending.size > 0) await Promise.allSettled([...store.pending]);
		},
		reset: () => {
			store.subscriptions.clear();
			store.verifications = [];
			store.deliveries = [];
		},
	};
}

function subscriptionsOf(state: EmulatorState): HubSubscription[] {
	const now = state.now();
	return [...hubStore(state).subscriptions.values()].map((sub) => {
		const expired =
			sub.state === 'active' && sub.expiresAtMs !== undefined && sub.expiresAtMs <= now;
		const out: HubSubscription = {
			callback: sub.callback,
			topic: sub.topic,
			state: expired ? 'expired' : sub.state,
			leaseSeconds: sub.leaseSeconds,
			signed: sub.secret !== undefined,
			createdAt: iso(sub.createdAtMs),
		};
		if (sub.expiresAtMs !== undefined) out.expiresAt = iso(sub.expiresAtMs);
		if (sub.verifyToken !== undefined) out.verifyToken = sub.verifyToken;
		if (sub.verifiedAtMs !== undefined) out.verifiedAt = iso(sub.verifiedAtMs);
		return out;
	});
}

interface IntentRequest {
	mode: 'subscribe' | 'unsubscribe';
	callback: string;
	topic: string;
	leaseSeconds: number;
	secret?: string;
	verifyToken?: string;
}

/** The GET to the callback: the subscriber must echo hub.challenge for the change to happen. */
async function verifyIntent(state: EmulatorState, intent: IntentRequest): Promise<boolean> {
	const store = hubStore(state);
	const challenge = randomBytes(18).toString('base64url');
	const url = new URL(intent.callback);
	url.searchParams.set('hub.mode', intent.mode);
	url.searchParams.set('hub.topic', intent.topic);
	url.searchParams.set('hub.challenge', challenge);
	if (intent.mode === 'subscribe')
		url.searchParams.set('hub.lease_seconds', String(intent.leaseSeconds));
	if (intent.verifyToken !== undefined)
		url.searchParams.set('hub.verify_token', intent.verifyToken);
	const answer = await callCallback(url.href, { method: 'GET' });
	const verified = answer.status >= 200 && answer.status < 300 && answer.text === challenge;
	const record: VerificationRecord = {
		mode: intent.mode,
		callback: intent.callback,
		topic: intent.topic,
		challenge,
		status: answer.status,
		verified,
		at: iso(state.now()),
	};
	if (answer.error) record.error = answer.error;
	else if (!verified)
		record.error =
			answer.status >= 200 && answer.status < 300
				? 'challenge not echoed'
				: `HTTP ${answer.status}`;
	store.verifications.push(record);

	const key = keyOf(intent.callback, intent.topic);
	const existing = store.subscriptions.get(key);
	const now = state.now();
	if (intent.mode === 'subscribe') {
		if (verified) {
			store.subscriptions.set(key, {
				callback: intent.callback,
				topic: intent.topic,
				state: 'active',
				secret: intent.secret,
				verifyToken: intent.verifyToken,
				leaseSeconds: intent.leaseSeconds,
				expiresAtMs: now + intent.leaseSeconds * 1000,
				createdAtMs: existing?.createdAtMs ?? now,
				verifiedAtMs: now,
			});
		} else if (!existing || existing.state !== 'active') {
			// A failed renewal leaves a working subscription as it was (WebSub 5.3).
			store.subscriptions.set(key, {
				callback: intent.callback,
				topic: intent.topic,
				state: 'failed',
				secret: intent.secret,
				verifyToken: intent.verifyToken,
				leaseSeconds: intent.leaseSeconds,
				createdAtMs: existing?.createdAtMs ?? now,
			});
		}
	} else if (verified && existing) {
		existing.state = 'unsubscribed';
		existing.expiresAtMs = undefined;
	}
	return verified;
}

async function publish(
	state: EmulatorState,
	input: PublishInput,
	channelTitleOf: (channelId: string) => string | undefined,
): Promise<DeliveryRecord[]> {
	const store = hubStore(state);
	const topic = input.topic ?? (input.channelId ? youtubeTopic(input.channelId) : undefined);
	if (!topic) throw new Error('publish needs a topic or a channelId');
	const channelId =
		input.channelId ?? new URL(topic).searchParams.get('channel_id') ?? 'UCunknownchannel000000';
	const now = state.now();
	const hubUrl = `${state.baseUrl ?? ''}${WEBSUB_HUB_PATH}`;
	const channelTitle = input.channelTitle ?? channelTitleOf(channelId) ?? 'YouTube channel';
	const body = input.deleted
		? youtubeNotification({
				kind: 'deleted',
				topic,
				hubUrl,
				videoId: input.videoId,
				channelId,
				channelTitle,
				when: input.updated ?? iso(now),
			} satisfies DeletedVideo)
		: youtubeNotification({
				kind: 'published',
				topic,
				hubUrl,
				videoId: input.videoId,
				channelId,
				title: input.title ?? 'New video',
				channelTitle,
				published: input.published ?? iso(now),
				updated: input.updated ?? iso(now),
			} satisfies PublishedVideo);
	const targets = [...store.subscriptions.values()].filter(
		(sub) =>
			sub.topic === topic &&
			sub.state === 'active' &&
			sub.expiresAtMs !== undefined &&
			sub.expiresAtMs > now,
	);
	return Promise.all(
		targets.map(async (sub) => {
			const headers: Record<string, string> = {
				'content-type': 'application/atom+xml',
				link: `<${hubUrl}>; rel=hub, <${topic}>; rel=self`,
			};
			if (sub.secret !== undefined) {
				headers['x-hub-signature'] =
					`sha1=${createHmac('sha1', sub.secret).update(body).digest('hex')}`;
			}
			const answer = await callCallback(sub.callback, { method: 'POST', headers, body });
			const record: DeliveryRecord = {
				id: ++store.deliveryCount,
				topic,
				callback: sub.callback,
				status: answer.status,
				at: iso(state.now()),
				body,
			};
			if (headers['x-hub-signature']) record.signature = headers['x-hub-signature'];
			if (answer.error) record.error = answer.error;
			store.deliveries.push(record);
			return record;
		}),
	);
}

/** A 400 as Google's hub answers it: plain text naming the problem. */
function hubBadRequest(message: string): never {
	throw new EmulatorHttpError({
		status: 400,
		headers: { 'content-type': 'text/plain; charset=utf-8' },
		body: message,
	});
}

function readIntent(req: EmulatorRequest): IntentRequest & { sync: boolean } {
	const form = req.form();
	const mode = form.get('hub.mode');
	if (mode !== 'subscribe' && mode !== 'unsubscribe') hubBadRequest('Invalid value for hub.mode');
	const callback = form.get('hub.callback') ?? '';
	if (!isHttpUrl(callback)) hubBadRequest('Invalid parameter: hub.callback');
	const topic = form.get('hub.topic') ?? '';
	if (!isHttpUrl(topic)) hubBadRequest('Invalid parameter: hub.topic');
	const leaseRaw = form.get('hub.lease_seconds');
	let leaseSeconds = WEBSUB_DEFAULT_LEASE_SECONDS;
	if (leaseRaw !== null && leaseRaw !== '') {
		const lease = Number(leaseRaw);
		if (!Number.isInteger(lease) || lease <= 0)
			hubBadRequest('Invalid parameter: hub.lease_seconds');
		leaseSeconds = Math.min(lease, WEBSUB_MAX_LEASE_SECONDS);
	}
	const secret = form.get('hub.secret') ?? undefined;
	// The spec caps secrets at 200 bytes.
	if (secret !== undefined && Buffer.byteLength(secret) >= 200)
		hubBadRequest('Invalid parameter: hub.secret');
	const verifyToken = form.get('hub.verify_token') ?? undefined;
	// hub.verify=sync (PubSubHubbub 0.3) is still honoured by Google's hub: verify before answering.
	const sync =
		form.getAll('hub.verify').includes('sync') && !form.getAll('hub.verify').includes('async');
	return { mode, callback, topic, leaseSeconds, secret: secret || undefined, verifyToken, sync };
}

const publishSchema = z
	.object({
		topic: z.string().url().optional(),
		channelId: z.string().min(1).optional(),
		videoId: z.string().min(1),
		title: z.string().optional(),
		channelTitle: z.string().optional(),
		published: z.string().datetime({ offset: true }).optional(),
		updated: z.string().datetime({ offset: true }).optional(),
		deleted: z.boolean().optional(),
	})
	.refine((input) => input.topic !== undefined || input.channelId !== undefined, {
		message: 'topic or channelId is required',
	});

export function registerWebSubHub(
	router: Router,
	state: EmulatorState,
	/** The channel's name for the notification's author (the YouTube surface knows it). */
	channelTitleOf?: (channelId: string) => string | undefined,
): WebSubEmulatorControl {
	const store = hubStore(state);
	const control = websubControl(state, channelTitleOf);

	const subscribeEndpoint = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
		const intent = readIntent(req);
		const key = keyOf(intent.callback, intent.topic);
		const existing = store.subscriptions.get(key);
		// A new subscription shows as pending until its callback has answered the challenge.
		if (intent.mode === 'subscribe' && (!existing || existing.state !== 'active')) {
			store.subscriptions.set(key, {
				callback: intent.callback,
				topic: intent.topic,
				state: 'pending',
				secret: intent.secret,
				verifyToken: intent.verifyToken,
				leaseSeconds: intent.leaseSeconds,
				createdAtMs: existing?.createdAtMs ?? state.now(),
			});
		}
		if (intent.sync) {
			const verified = await track(store, verifyIntent(state, intent));
			return verified
				? { status: 204 }
				: {
						status: 409,
						headers: { 'content-type': 'text/plain; charset=utf-8' },
						body: 'Verification failed',
					};
		}
		// Verification runs after the 202 is sent, as on the real hub.
		void track(
			store,
			new Promise((resolve) => setImmediate(resolve)).then(() => verifyIntent(state, intent)),
		);
		return { status: 202, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '' };
	};
	router.add('POST', WEBSUB_HUB_PATH, { name: 'websub.hub', surface: 'websub' }, subscribeEndpoint);
	// Google's hub takes subscriptions at its root and at /subscribe: a client configured with
	// https://pubsubhubbub.appspot.com/subscribe works once the origin is the emulator's.
	router.add(
		'POST',
		WEBSUB_SUBSCRIBE_PATH,
		{ name: 'websub.hub', surface: 'websub' },
		subscribeEndpoint,
	);

	const opts = (name: string) => ({ name: `control.websub.${name}`, surface: 'control' as const });
	router.add('POST', '/_emulator/websub/publish', opts('publish'), async (req) => {
		const parsed = publishSchema.safeParse(req.body.length === 0 ? {} : req.json());
		if (!parsed.success) {
			throw new EmulatorHttpError({
				status: 400,
				body: {
					error: parsed.error.issues
						.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
						.join('; '),
				},
			});
		}
		return { status: 200, body: { deliveries: await control.publish(parsed.data) } };
	});
	router.add('GET', '/_emulator/websub/subscriptions', opts('subscriptions'), () => ({
		status: 200,
		body: { subscriptions: control.subscriptions(), verifications: control.verifications() },
	}));
	router.add('GET', '/_emulator/websub/deliveries', opts('deliveries'), () => ({
		status: 200,
		body: { deliveries: control.deliveries() },
	}));
	router.add('DELETE', '/_emulator/websub', opts('reset'), () => {
		control.reset();
		return { status: 200, body: { ok: true } };
	});
	return control;
}
