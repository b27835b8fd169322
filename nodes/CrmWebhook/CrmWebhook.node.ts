import {
	NodeConnectionTypes,
	NodeOperationError,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import {
	listSubscriptions,
	needsRenewal,
	parseChannelIds,
	subscribeAtHub,
	unsubscribeAtHub,
	youtubeTopicUrl,
} from '../../core';
import { DEFAULT_HUB_URL, DEFAULT_LEASE_SECONDS, WEBHOOK_ACTIONS } from './constants';
import {
	DATABASE_CREDENTIAL,
	triggerContextOf,
	WEBHOOK_CREDENTIAL,
	YOUTUBE_WEBHOOK,
} from './context';
import { serveWebhookCall } from './serve';

const BASE_PATH = 'crm-webhook';

/**
 * The URLs n8n serves for the node, all under <webhook base>/<webhookId>/crm-webhook: the one
 * shown (POST, action in `?action=`), the same path for GET (youtube-verify by query), and one
 * path per action. The YouTube path takes GET too: the hub verifies the URL it delivers to.
 */
// Order matters: n8n stores a workflow's webhooks one by one and runs webhookMethods (on the
// 'default' webhook) right after storing that one. The hub verifies the YouTube URL within
// moments of our subscribe request, so that route must already be live: 'default' comes last.
function triggerWebhooks(): IWebhookDescription[] {
	const hidden = { ndvHideUrl: true, ndvHideMethod: true };
	const webhooks: IWebhookDescription[] = [];
	const actions = [...WEBHOOK_ACTIONS].sort((a, b) =>
		a.startsWith('youtube-') === b.startsWith('youtube-') ? 0 : a.startsWith('youtube-') ? -1 : 1,
	);
	for (const action of actions) {
		const name = (action === 'youtube-webhook' ? YOUTUBE_WEBHOOK : 'action') as 'default';
		const path = `${BASE_PATH}/${action}`;
		if (action.startsWith('youtube-')) webhooks.push({ name, httpMethod: 'GET', path, ...hidden });
		if (action !== 'youtube-verify') webhooks.push({ name, httpMethod: 'POST', path, ...hidden });
	}
	webhooks.push(
		{ name: 'verify' as 'default', httpMethod: 'GET', path: BASE_PATH, ...hidden },
		{ name: 'default', httpMethod: 'POST', path: BASE_PATH, responseMode: 'onReceived' },
	);
	return webhooks;
}

/** The channels the node is set to follow, as WebSub topics. */
function configuredTopics(this: IHookFunctions): string[] {
	const channels = this.getNodeParameter('youtubeChannelIds', '') as string;
	try {
		return parseChannelIds(channels).map(youtubeTopicUrl);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message);
	}
}

async function hubContextOf(this: IHookFunctions) {
	const { database, workspaceId, workspaceSecret } = await triggerContextOf.call(this);
	const callbackUrl = this.getNodeWebhookUrl(YOUTUBE_WEBHOOK as 'default');
	if (!callbackUrl) throw new NodeOperationError(this.getNode(), 'The node has no YouTube URL');
	return { db: database.knex, workspaceId, workspaceSecret, callbackUrl };
}

const hubUrlOf = (context: IHookFunctions) =>
	((context.getNodeParameter('hubUrl', DEFAULT_HUB_URL) as string) || DEFAULT_HUB_URL).trim();

/**
 * Receives Google Ads callbacks and alerts, other ads events and YouTube's WebSub notifications,
 * authenticated, stored once, normalised and linked to a person, as one item per accepted call.
 */
export class CrmWebhook implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Webhook Trigger',
		name: 'crmWebhook',
		icon: { light: 'file:crmWebhook.svg', dark: 'file:crmWebhook.dark.svg' },
		group: ['trigger'],
		// Version 1 on purpose: for version 1 n8n reads options.binaryData (set below) and then
		// leaves the body unparsed, which the signatures need and which lets the node answer a
		// malformed body with 400 itself. The price is one expression per call (tens of ms).
		version: 1,
		subtitle: 'Ads and YouTube webhooks',
		description:
			'Receives Google Ads conversion callbacks and alerts, ads events and YouTube push notifications, verified and stored once',
		defaults: { name: 'CRM Webhook Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: DATABASE_CREDENTIAL, required: true },
			{ name: WEBHOOK_CREDENTIAL, required: true },
		],
		webhooks: triggerWebhooks(),
		properties: [
			{
				displayName:
					'Send calls to the production URL with ?action= one of ads-conversion-callback, ads-performance-alert, ads-webhook (or append /<action> to the URL). Authenticate with the X-CRM-Webhook-Secret header, or sign: X-CRM-Webhook-Timestamp (Unix seconds) and X-CRM-Webhook-Signature: sha256=HMAC-SHA256(secret, "<timestamp>.<body>"). Rejected and repeated calls start no execution.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'YouTube Channel IDs',
				name: 'youtubeChannelIds',
				type: 'string',
				default: '',
				placeholder: 'UCxxxxxxxxxxxxxxxxxxxxxx, UCyyyyyyyyyyyyyyyyyyyyyy',
				description:
					'Channels whose new and updated videos to receive (WebSub). Subscribed when the workflow is activated, renewed when it is activated again or a delivery arrives within two days of the lease end, removed when it is deactivated.',
			},
			{
				displayName: 'WebSub Hub URL',
				name: 'hubUrl',
				type: 'string',
				default: DEFAULT_HUB_URL,
				description: "YouTube's hub; change only to test against another hub",
			},
			{
				displayName: 'Lease (Seconds)',
				name: 'leaseSeconds',
				type: 'number',
				default: DEFAULT_LEASE_SECONDS,
				typeOptions: { minValue: 3600 },
				description: 'How long to ask the hub to keep the subscription; hubs may grant less',
			},
			{
				displayName: 'Signature Tolerance (Seconds)',
				name: 'toleranceSeconds',
				type: 'number',
				default: 300,
				typeOptions: { minValue: 30, maxValue: 3600 },
				description:
					'How far a signed call’s timestamp may be from now; older signatures are refused as replays',
			},
			{
				// Read by n8n itself (see `version`): keep the body unparsed for the node.
				displayName: 'Raw Body',
				name: 'options',
				type: 'hidden',
				default: { binaryData: true },
			},
		],
	};

	webhookMethods = {
		default: {
			/** True when every configured channel has an active subscription with time left. */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const topics = configuredTopics.call(this);
				const context = await hubContextOf.call(this);
				const held = await listSubscriptions(context);
				const hubUrl = hubUrlOf(this);
				if (held.some((subscription) => !topics.includes(subscription.topicUrl))) return false;
				return topics.every((topic) => {
					const subscription = held.find((candidate) => candidate.topicUrl === topic);
					return subscription && subscription.hubUrl === hubUrl && !needsRenewal(subscription);
				});
			},
			/** Subscribes (or renews) every configured channel; drops channels no longer set. */
			async create(this: IHookFunctions): Promise<boolean> {
				const topics = configuredTopics.call(this);
				const context = await hubContextOf.call(this);
				const held = await listSubscriptions(context);
				const hubUrl = hubUrlOf(this);
				const leaseSeconds = this.getNodeParameter('leaseSeconds', DEFAULT_LEASE_SECONDS) as number;
				for (const subscription of held) {
					if (!topics.includes(subscription.topicUrl) && subscription.status !== 'expired') {
						await unsubscribeAtHub(context, subscription).catch((error: Error) =>
							this.logger.warn(
								`CRM Webhook: unsubscribing ${subscription.topicUrl} failed: ${error.message}`,
							),
						);
					}
				}
				for (const topicUrl of topics) {
					const subscription = held.find((candidate) => candidate.topicUrl === topicUrl);
					if (subscription && subscription.hubUrl === hubUrl && !needsRenewal(subscription))
						continue;
					try {
						await subscribeAtHub(context, { hubUrl, topicUrl, leaseSeconds });
					} catch (error) {
						throw new NodeOperationError(this.getNode(), (error as Error).message, {
							description: 'The WebSub subscription could not be made; activation stops here',
						});
					}
				}
				return true;
			},
			/** Asks the hub to end every subscription of this trigger. */
			async delete(this: IHookFunctions): Promise<boolean> {
				const context = await hubContextOf.call(this);
				for (const subscription of await listSubscriptions(context)) {
					try {
						await unsubscribeAtHub(context, subscription);
					} catch (error) {
						// The hub stops on its own when the lease ends; deactivation goes on.
						this.logger.warn(
							`CRM Webhook: unsubscribing ${subscription.topicUrl} failed: ${(error as Error).message}`,
						);
					}
				}
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await serveWebhookCall.call(this);
	}
}
