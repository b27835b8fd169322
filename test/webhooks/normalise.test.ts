// What each action's body becomes, and the strict XML reader refusing what it should.
import { normaliseWebhook } from '../../core/webhooks/normalise';
import { parseXml } from '../../core/webhooks/xml';
import { youtubeAtom } from './support';

describe('normalising each action', () => {
	it('reads a conversion under the names senders use, in Google Ads time format', () => {
		const result = normaliseWebhook(
			'ads-conversion-callback',
			Buffer.from(
				JSON.stringify({
					gcl_id: 'Cj0KCQ-1',
					conversion_name: 'Purchase',
					conversion_value: '49.90',
					currency_code: 'eur',
					conversion_date_time: '2026-11-30 14:05:00+01:00',
					email: ' Jane@Example.COM ',
					order_id: 'order-7',
				}),
			),
		);
		expect(result).toMatchObject({
			ok: true,
			normalised: {
				kind: 'conversion',
				gclid: 'Cj0KCQ-1',
				conversionAction: 'Purchase',
				value: 49.9,
				currency: 'EUR',
				time: '2026-11-30T13:05:00.000Z',
				email: 'jane@example.com',
			},
			dedupeKey: 'event:order:order-7',
		});
	});

	it('refuses a conversion without a click id or with an unreadable value, and a body that is not JSON', () => {
		expect(normaliseWebhook('ads-conversion-callback', Buffer.from('{"value":1}'))).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/click id/),
		});
		expect(
			normaliseWebhook('ads-conversion-callback', Buffer.from('{"gclid":"a","value":"lots"}')),
		).toMatchObject({ ok: false, reason: expect.stringMatching(/value/) });
		expect(normaliseWebhook('ads-webhook', Buffer.from('{"a":'))).toEqual({
			ok: false,
			reason: 'The body is not JSON',
		});
		expect(normaliseWebhook('ads-webhook', Buffer.from('[1,2]'))).toMatchObject({ ok: false });
	});

	it('reads an alert (campaign, metric, threshold, value) and dedupes by body hash without an id', () => {
		const result = normaliseWebhook(
			'ads-performance-alert',
			Buffer.from('{"campaign_name":"Winter","metric":"cpc","threshold":2,"current_value":"2.75"}'),
		);
		expect(result).toMatchObject({
			ok: true,
			normalised: { kind: 'alert', campaign: 'Winter', metric: 'cpc', threshold: 2, value: 2.75 },
			dedupeKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
		});
		expect(
			normaliseWebhook('ads-performance-alert', Buffer.from('{"metric":"cpc"}')),
		).toMatchObject({
			ok: false,
		});
	});

	it('reads a YouTube notification: channel, video, title, published, updated', () => {
		const result = normaliseWebhook(
			'youtube-webhook',
			Buffer.from(
				youtubeAtom({ videoId: 'vid-1', channelId: 'UCchannel1', title: 'Launch &lt;day&gt;' }),
			),
		);
		expect(result).toMatchObject({
			ok: true,
			normalised: {
				kind: 'video',
				channelId: 'UCchannel1',
				videoId: 'vid-1',
				title: 'Launch <day>',
				author: 'Channel & Co',
				link: 'https://www.youtube.com/watch?v=vid-1',
				published: '2026-12-01T08:59:00.000Z',
				updated: '2026-12-01T09:00:00.500Z',
				deleted: false,
			},
			dedupeKey: 'video:vid-1@2026-12-01T09:00:00.500Z',
		});
	});

	it('reads a deleted-entry tombstone', () => {
		const atom = `<feed xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns="http://www.w3.org/2005/Atom">
  <at:deleted-entry ref="yt:video:gone-1" when="2026-12-01T09:10:00+00:00">
   <link href="https://www.youtube.com/watch?v=gone-1"/>
   <at:by><name>Ch</name><uri>https://www.youtube.com/channel/UCchannel1</uri></at:by>
  </at:deleted-entry></feed>`;
		expect(normaliseWebhook('youtube-webhook', Buffer.from(atom))).toMatchObject({
			ok: true,
			normalised: { videoId: 'gone-1', channelId: 'UCchannel1', deleted: true },
		});
	});

	it('refuses malformed, hostile or foreign XML', () => {
		const bad = [
			'<feed xmlns="http://www.w3.org/2005/Atom"><entry></feed>',
			'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x "xx">]><feed xmlns="http://www.w3.org/2005/Atom">&x;</feed>',
			'<feed xmlns="http://www.w3.org/2005/Atom"><title>&unknown;</title></feed>',
			'<feed xmlns="http://www.w3.org/2005/Atom"><yt:videoId>x</yt:videoId></feed>',
			'<rss><channel/></rss>',
			'<feed xmlns="http://www.w3.org/2005/Atom"></feed>',
			'not xml at all',
			'<feed xmlns="http://www.w3.org/2005/Atom"/><feed/>',
		];
		for (const body of bad) {
			expect(normaliseWebhook('youtube-webhook', Buffer.from(body))).toMatchObject({ ok: false });
		}
		expect(() => parseXml(`<a>${'<b>'.repeat(40)}</a>`)).toThrow(/nested too deeply|not closed/);
	});
});
