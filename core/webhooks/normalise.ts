// What each webhook action's body says, in one shape per action whatever the sender called its
// fields: conversions (gclid, action, value, currency, time), performance alerts (campaign, metric,
// threshold, value), general ads events, and YouTube video notifications read from WebSub's Atom.
// Every body is read with zod (JSON) or the strict XML reader (Atom); what cannot be read is
// refused with a reason, which the trigger answers as 400.
import { createHash } from 'node:crypto';

import { z } from 'zod';

import { childOf, childrenOf, MalformedXmlError, parseXml, type XmlElement } from './xml';

export const WEBHOOK_ACTIONS = [
	'ads-conversion-callback',
	'ads-performance-alert',
	'ads-webhook',
	'youtube-webhook',
	'youtube-verify',
] as const;
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

export function isWebhookAction(value: unknown): value is WebhookAction {
	return typeof value === 'string' && (WEBHOOK_ACTIONS as readonly string[]).includes(value);
}

export interface NormalisedConversion {
	kind: 'conversion';
	gclid: string | null;
	gbraid: string | null;
	wbraid: string | null;
	conversionAction: string | null;
	value: number | null;
	currency: string | null;
	/** ISO 8601, UTC. */
	time: string | null;
	orderId: string | null;
	email: string | null;
}

export interface NormalisedAlert {
	kind: 'alert';
	customerId: string | null;
	campaign: string;
	metric: string;
	threshold: number | null;
	value: number | null;
	comparison: string | null;
	time: string | null;
}

export interface NormalisedAdsEvent {
	kind: 'ads-event';
	type: string | null;
	eventId: string | null;
	email: string | null;
	gclid: string | null;
	time: string | null;
}

export interface NormalisedVideo {
	channelId: string | null;
	videoId: string;
	title: string | null;
	link: string | null;
	author: string | null;
	published: string | null;
	updated: string | null;
	/** True for a deleted-entry notification (the video was removed or made private). */
	deleted: boolean;
}

export interface NormalisedVideoNotification extends NormalisedVideo {
	kind: 'video';
	/** Every entry of the feed (YouTube sends one; a hub may batch). */
	videos: NormalisedVideo[];
}

export type NormalisedWebhook =
	| NormalisedConversion
	| NormalisedAlert
	| NormalisedAdsEvent
	| NormalisedVideoNotification;

export type NormaliseResult =
	| {
			ok: true;
			normalised: NormalisedWebhook;
			/** What the receipt stores as the parsed body. */
			payload: Record<string, unknown>;
			/** Provider event id when the body has one, else a hash of the body. */
			dedupeKey: string;
	  }
	| { ok: false; reason: string };

export function bodyHash(rawBody: Buffer): string {
	return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

const text = z
	.union([z.string(), z.number()])
	.transform((value) => String(value).trim())
	.pipe(z.string().max(1000));
const number = z.union([
	z.number().finite(),
	z
		.string()
		.trim()
		.regex(/^-?\d+(\.\d+)?$/, 'not a number')
		.transform(Number),
]);
// Google Ads writes times as "yyyy-mm-dd hh:mm:ss+hh:mm"; others send ISO 8601 or Unix seconds.
const time = z.union([z.string(), z.number()]).transform((value, context) => {
	let date: Date;
	if (typeof value === 'number' || /^\d{9,11}$/.test(value.trim())) {
		date = new Date(Number(value) * 1000);
	} else {
		const googleFormat = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})([+-]\d{2}:?\d{2})$/.exec(
			value.trim(),
		);
		date = new Date(
			googleFormat ? `${googleFormat[1]}T${googleFormat[2]}${googleFormat[3]}` : value,
		);
	}
	if (Number.isNaN(date.getTime())) {
		context.addIssue({ code: 'custom', message: 'not a time' });
		return z.NEVER;
	}
	return date.toISOString();
});
const email = z.string().trim().toLowerCase().pipe(z.string().email().max(320));

/** The first of several names a field goes by, read with `schema`. */
function field<T extends z.ZodTypeAny>(
	body: Record<string, unknown>,
	names: string[],
	schema: T,
	label: string,
): z.output<T> | null {
	for (const name of names) {
		const value = body[name];
		if (value === undefined || value === null || value === '') continue;
		const parsed = schema.safeParse(value);
		if (!parsed.success) {
			throw new PayloadError(
				`${label} (${name}) is invalid: ${parsed.error.issues[0]?.message ?? 'unreadable'}`,
			);
		}
		return parsed.data as z.output<T>;
	}
	return null;
}

class PayloadError extends Error {}

const jsonObject = z.record(z.string(), z.unknown());

function parseJsonBody(rawBody: Buffer): Record<string, unknown> {
	let parsed: unknown;
	try {
		parsed = JSON.parse(rawBody.toString('utf8'));
	} catch {
		throw new PayloadError('The body is not JSON');
	}
	const object = jsonObject.safeParse(parsed);
	if (!object.success) throw new PayloadError('The body is not a JSON object');
	return object.data;
}

// Google Ads lead form webhooks put the contact fields in user_column_data.
const leadColumns = z.array(
	z.object({ column_id: z.string().optional(), string_value: z.string().optional() }).passthrough(),
);

function leadFormEmail(body: Record<string, unknown>): string | null {
	const columns = leadColumns.safeParse(body.user_column_data);
	if (!columns.success) return null;
	const column = columns.data.find((entry) => entry.column_id === 'EMAIL');
	const parsed = email.safeParse(column?.string_value);
	return parsed.success ? parsed.data : null;
}

const EVENT_ID_FIELDS = ['event_id', 'eventId', 'id', 'lead_id', 'conversion_id', 'conversionId'];

function eventIdOf(body: Record<string, unknown>): string | null {
	return field(body, EVENT_ID_FIELDS, text, 'The event id');
}

function normaliseConversion(rawBody: Buffer): NormaliseResult {
	const body = parseJsonBody(rawBody);
	const conversion: NormalisedConversion = {
		kind: 'conversion',
		gclid: field(body, ['gclid', 'gcl_id', 'GCLID'], text, 'The gclid'),
		gbraid: field(body, ['gbraid'], text, 'The gbraid'),
		wbraid: field(body, ['wbraid'], text, 'The wbraid'),
		conversionAction: field(
			body,
			['conversion_action', 'conversionAction', 'conversion_name', 'conversionName'],
			text,
			'The conversion action',
		),
		value: field(body, ['conversion_value', 'conversionValue', 'value'], number, 'The value'),
		currency: field(
			body,
			['currency_code', 'currencyCode', 'currency'],
			z
				.string()
				.trim()
				.toUpperCase()
				.regex(/^[A-Z]{3}$/, 'not an ISO 4217 code'),
			'The currency',
		),
		time: field(
			body,
			['conversion_date_time', 'conversionDateTime', 'conversion_time', 'conversionTime', 'time'],
			time,
			'The conversion time',
		),
		orderId: field(body, ['order_id', 'orderId', 'transaction_id'], text, 'The order id'),
		email: field(body, ['email', 'user_email'], email, 'The email') ?? leadFormEmail(body),
	};
	if (!conversion.gclid && !conversion.gbraid && !conversion.wbraid) {
		throw new PayloadError('A conversion callback needs a click id: gclid, gbraid or wbraid');
	}
	const eventId = eventIdOf(body) ?? (conversion.orderId ? `order:${conversion.orderId}` : null);
	return {
		ok: true,
		normalised: conversion,
		payload: body,
		dedupeKey: eventId ? `event:${eventId}` : bodyHash(rawBody),
	};
}

function normaliseAlert(rawBody: Buffer): NormaliseResult {
	const body = parseJsonBody(rawBody);
	const campaign = field(
		body,
		['campaign', 'campaign_name', 'campaignName', 'campaign_id', 'campaignId'],
		text,
		'The campaign',
	);
	const metric = field(body, ['metric', 'metric_name', 'metricName'], text, 'The metric');
	if (!campaign || !metric) {
		throw new PayloadError('A performance alert needs a campaign and a metric');
	}
	const alert: NormalisedAlert = {
		kind: 'alert',
		customerId: field(body, ['customer_id', 'customerId'], text, 'The customer id'),
		campaign,
		metric,
		threshold: field(body, ['threshold'], number, 'The threshold'),
		value: field(body, ['value', 'current_value', 'currentValue'], number, 'The value'),
		comparison: field(body, ['comparison', 'operator', 'direction'], text, 'The comparison'),
		time: field(body, ['time', 'timestamp', 'triggered_at', 'triggeredAt'], time, 'The time'),
	};
	const eventId = eventIdOf(body);
	return {
		ok: true,
		normalised: alert,
		payload: body,
		dedupeKey: eventId ? `event:${eventId}` : bodyHash(rawBody),
	};
}

function normaliseAdsEvent(rawBody: Buffer): NormaliseResult {
	const body = parseJsonBody(rawBody);
	const eventId = eventIdOf(body);
	const event: NormalisedAdsEvent = {
		kind: 'ads-event',
		type: field(body, ['type', 'event_type', 'eventType', 'event'], text, 'The event type'),
		eventId,
		email: field(body, ['email', 'user_email'], email, 'The email') ?? leadFormEmail(body),
		gclid: field(body, ['gclid', 'gcl_id', 'GCLID'], text, 'The gclid'),
		time: field(body, ['time', 'timestamp', 'event_time', 'eventTime'], time, 'The time'),
	};
	return {
		ok: true,
		normalised: event,
		payload: body,
		dedupeKey: eventId ? `event:${eventId}` : bodyHash(rawBody),
	};
}

const ATOM = 'http://www.w3.org/2005/Atom';
const YOUTUBE = 'http://www.youtube.com/xml/schemas/2015';
const TOMBSTONES = 'http://purl.org/atompub/tombstones/1.0';

function textOf(element: XmlElement | undefined): string | null {
	const value = element?.text.trim();
	return value ? value.slice(0, 1000) : null;
}

function timeOf(element: XmlElement | undefined, label: string): string | null {
	const value = textOf(element);
	if (value === null) return null;
	const parsed = time.safeParse(value);
	if (!parsed.success) throw new PayloadError(`${label} is not a time`);
	return parsed.data;
}

function videoOf(entry: XmlElement): NormalisedVideo {
	const videoId = textOf(childOf(entry, YOUTUBE, 'videoId'));
	if (!videoId) throw new PayloadError('An Atom entry without yt:videoId');
	const link = childrenOf(entry, ATOM, 'link').find(
		(candidate) => (candidate.attributes.rel ?? 'alternate') === 'alternate',
	);
	const author = childOf(entry, ATOM, 'author');
	return {
		channelId: textOf(childOf(entry, YOUTUBE, 'channelId')),
		videoId,
		title: textOf(childOf(entry, ATOM, 'title')),
		link: link?.attributes.href ?? null,
		author: author ? textOf(childOf(author, ATOM, 'name')) : null,
		published: timeOf(childOf(entry, ATOM, 'published'), 'published'),
		updated: timeOf(childOf(entry, ATOM, 'updated'), 'updated'),
		deleted: false,
	};
}

/** A tombstone: `<at:deleted-entry ref="yt:video:<id>" when="…">` with the channel in at:by. */
function deletedVideoOf(entry: XmlElement): NormalisedVideo {
	const reference = /^yt:video:(.+)$/.exec(entry.attributes.ref ?? '');
	if (!reference) throw new PayloadError('A deleted entry without a yt:video: reference');
	const by = childOf(entry, TOMBSTONES, 'by');
	const channelUri = by ? textOf(childOf(by, ATOM, 'uri')) : null;
	const when = entry.attributes.when ? time.safeParse(entry.attributes.when) : undefined;
	if (when && !when.success) throw new PayloadError('The deleted entry\'s "when" is not a time');
	const link = childOf(entry, ATOM, 'link');
	return {
		channelId: channelUri ? (/\/channel\/([^/?#]+)/.exec(channelUri)?.[1] ?? null) : null,
		videoId: reference[1],
		title: null,
		link: link?.attributes.href ?? null,
		author: by ? textOf(childOf(by, ATOM, 'name')) : null,
		published: null,
		updated: when?.success ? when.data : null,
		deleted: true,
	};
}

/** A WebSub delivery of YouTube's Atom feed: one item, every entry in `videos`. */
export function normaliseVideoFeed(rawBody: Buffer): NormaliseResult {
	let root: XmlElement;
	try {
		root = parseXml(rawBody);
	} catch (error) {
		if (error instanceof MalformedXmlError)
			throw new PayloadError(`Malformed XML: ${error.message}`);
		throw error;
	}
	if (root.namespace !== ATOM || root.name !== 'feed') {
		throw new PayloadError('The body is not an Atom feed');
	}
	const videos = [
		...childrenOf(root, ATOM, 'entry').map(videoOf),
		...childrenOf(root, TOMBSTONES, 'deleted-entry').map(deletedVideoOf),
	];
	if (videos.length === 0) throw new PayloadError('The Atom feed has no entries');
	const first = videos[0];
	return {
		ok: true,
		normalised: { kind: 'video', ...first, videos },
		payload: { topic: textOf(childOf(root, ATOM, 'title')), videos },
		// Hubs resend the same notification; an edited video comes again with a new <updated>.
		dedupeKey: `video:${videos.map((video) => `${video.videoId}@${video.updated ?? ''}${video.deleted ? ':deleted' : ''}`).join(',')}`,
	};
}

/** Reads the body of an accepted call for its action (not youtube-verify, which has no body). */
export function normaliseWebhook(action: WebhookAction, rawBody: Buffer): NormaliseResult {
	try {
		switch (action) {
			case 'ads-conversion-callback':
				return normaliseConversion(rawBody);
			case 'ads-performance-alert':
				return normaliseAlert(rawBody);
			case 'ads-webhook':
				return normaliseAdsEvent(rawBody);
			case 'youtube-webhook':
				return normaliseVideoFeed(rawBody);
			case 'youtube-verify':
				return { ok: false, reason: 'youtube-verify has no body to read' };
		}
	} catch (error) {
		if (error instanceof PayloadError) return { ok: false, reason: error.message };
		throw error;
	}
}
