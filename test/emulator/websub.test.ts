import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator, youtubeTopic, WEBSUB_DEFAULT_LEASE_SECONDS } from './index';

// The WebSub hub against a real local subscriber: verification of intent (the challenge echo),
// signed deliveries the subscriber checks itself, unsubscribe and lease expiry.

interface Received {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: IncomingMessage['headers'];
	body: Buffer;
}

/** How the subscriber answers a verification GET: echo the challenge, or misbehave. */
type VerifyBehaviour = 'echo' | 'wrong-body' | 'not-found';

let emu: Emulator;
let server: Server;
let base: string;
const received: Received[] = [];
const behaviour = new Map<string, VerifyBehaviour>();

function onRequest(req: IncomingMessage, res: ServerResponse): void {
	const chunks: Buffer[] = [];
	req.on('data', (chunk: Buffer) => chunks.push(chunk));
	req.on('end', () => {
		const url = new URL(req.url ?? '/', 'http://subscriber.invalid');
		received.push({
			method: req.method ?? 'GET',
			path: url.pathname,
			query: url.searchParams,
			headers: req.headers,
			body: Buffer.concat(chunks),
		});
		if (req.method === 'GET') {
			const how = behaviour.get(url.pathname) ?? 'echo';
			if (how === 'not-found') {
				res.writeHead(404).end('unknown subscription');
				return;
			}
			res.writeHead(200, { 'content-type': 'text/plain' });
			res.end(how === 'echo' ? (url.searchParams.get('hub.challenge') ?? '') : 'ok');
			return;
		}
		res.writeHead(204).end();
	});
}

function hubForm(fields: Record<string, string>): Promise<Response> {
	return fetch(emu.urls.websubHub, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(fields).toString(),
	});
}

async function subscribe(
	callbackPath: string,
	topic: string,
	extra: Record<string, string> = {},
): Promise<number> {
	const response = await hubForm({
		'hub.mode': 'subscribe',
		'hub.topic': topic,
		'hub.callback': `${base}${callbackPath}`,
		...extra,
	});
	await response.text();
	await emu.websub.settled();
	return response.status;
}

function subscriptionOf(callbackPath: string, topic: string) {
	return emu.websub
		.subscriptions()
		.find((sub) => sub.callback === `${base}${callbackPath}` && sub.topic === topic);
}

function requestsTo(path: string, method: string): Received[] {
	return received.filter((request) => request.path === path && request.method === method);
}

beforeAll(async () => {
	emu = await startEmulator({ seed: 'websub-test' });
	server = createServer(onRequest);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await emu.stop();
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
	emu.websub.reset();
	received.length = 0;
	behaviour.clear();
});

describe('verification of intent', () => {
	it('answers 202, then GETs the callback with the challenge; an exact echo makes it active', async () => {
		const topic = youtubeTopic(emu.youtube.channel().id);
		const status = await subscribe('/echo', topic, {
			'hub.lease_seconds': '3600',
			'hub.verify_token': 'verify-me',
			'hub.secret': 'top-secret',
		});
		expect(status).toBe(202);
		expect(emu.websub.verifications()).toHaveLength(1);
		const [verification] = requestsTo('/echo', 'GET');
		expect(verification!.query.get('hub.mode')).toBe('subscribe');
		expect(verification!.query.get('hub.topic')).toBe(topic);
		expect(verification!.query.get('hub.lease_seconds')).toBe('3600');
		expect(verification!.query.get('hub.verify_token')).toBe('verify-me');
		expect(verification!.query.get('hub.challenge')).toMatch(/^[A-Za-z0-9_-]{16,}$/);
		expect(subscriptionOf('/echo', topic)).toMatchObject({
			state: 'active',
			leaseSeconds: 3600,
			signed: true,
			verifyToken: 'verify-me',
		});
		const expires = Date.parse(subscriptionOf('/echo', topic)!.expiresAt!);
		expect(Math.abs(expires - (emu.control.now() + 3600_000))).toBeLessThan(5_000);
		expect(emu.websub.verifications()[0]).toMatchObject({ verified: true, status: 200 });
	});

	it('shows a new subscription as pending until the callback has answered', async () => {
		const topic = youtubeTopic('UCpendingverification000');
		let whenAnswered: string | undefined;
		// Read the state at the moment the hub has its 202, before the verification can run.
		emu.control.inject({
			operation: 'websub.hub',
			afterAnswer: () => {
				whenAnswered = subscriptionOf('/pending', topic)?.state;
			},
		});
		expect(await subscribe('/pending', topic)).toBe(202);
		expect(whenAnswered).toBe('pending');
		expect(subscriptionOf('/pending', topic)!.state).toBe('active');
	});

	it('takes subscriptions at /subscribe too, where Google’s hub has them', async () => {
		const topic = youtubeTopic('UCsubscribepath000000000');
		const response = await fetch(`${emu.baseUrl}/subscribe`, {
			method: 'POST',
			body: new URLSearchParams({
				'hub.mode': 'subscribe',
				'hub.topic': topic,
				'hub.callback': `${base}/google-path`,
			}),
		});
		expect(response.status).toBe(202);
		await response.text();
		await emu.websub.settled();
		expect(subscriptionOf('/google-path', topic)!.state).toBe('active');
	});

	it('gives the default lease when none is asked for and caps long ones', async () => {
		const topic = youtubeTopic('UCdefaultlease0000000000');
		await subscribe('/echo', topic);
		expect(subscriptionOf('/echo', topic)!.leaseSeconds).toBe(WEBSUB_DEFAULT_LEASE_SECONDS);
		await subscribe('/echo-long', topic, { 'hub.lease_seconds': '99999999' });
		expect(subscriptionOf('/echo-long', topic)!.leaseSeconds).toBe(864_000);
	});

	it('leaves the subscription inactive when the callback answers something else or an error', async () => {
		behaviour.set('/wrong', 'wrong-body');
		behaviour.set('/missing', 'not-found');
		const topic = youtubeTopic('UCfailedverification0000');
		await subscribe('/wrong', topic);
		await subscribe('/missing', topic);
		expect(subscriptionOf('/wrong', topic)!.state).toBe('failed');
		expect(subscriptionOf('/missing', topic)!.state).toBe('failed');
		expect(emu.websub.verifications().map((v) => [v.verified, v.status, v.error])).toEqual([
			[false, 200, 'challenge not echoed'],
			[false, 404, 'HTTP 404'],
		]);
		const deliveries = await emu.websub.publish({ topic, videoId: 'vid00000001', title: 'x' });
		expect(deliveries).toEqual([]);
		expect(requestsTo('/wrong', 'POST')).toHaveLength(0);
	});

	it('records an unreachable callback as status 0', async () => {
		const topic = youtubeTopic('UCunreachable00000000000');
		// A port that was free a moment ago: nothing answers there.
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		await hubForm({
			'hub.mode': 'subscribe',
			'hub.topic': topic,
			'hub.callback': `http://127.0.0.1:${port}/nothing-listens-here`,
		}).then((response) => response.text());
		await emu.websub.settled();
		expect(emu.websub.verifications()[0]).toMatchObject({ verified: false, status: 0 });
	});

	it('verifies before answering with hub.verify=sync: 204 when echoed, 409 when not', async () => {
		behaviour.set('/sync-wrong', 'wrong-body');
		const topic = youtubeTopic('UCsyncverification000000');
		const ok = await hubForm({
			'hub.mode': 'subscribe',
			'hub.topic': topic,
			'hub.callback': `${base}/sync-ok`,
			'hub.verify': 'sync',
		});
		expect(ok.status).toBe(204);
		expect(subscriptionOf('/sync-ok', topic)!.state).toBe('active');
		const refused = await hubForm({
			'hub.mode': 'subscribe',
			'hub.topic': topic,
			'hub.callback': `${base}/sync-wrong`,
			'hub.verify': 'sync',
		});
		expect(refused.status).toBe(409);
		await refused.text();
	});

	it('rejects a bad mode, callback, topic or lease with 400 and verifies nothing', async () => {
		const topic = youtubeTopic('UCbadrequests00000000000');
		const cases: Record<string, string>[] = [
			{ 'hub.mode': 'publish', 'hub.topic': topic, 'hub.callback': `${base}/x` },
			{ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': 'not a url' },
			{
				'hub.mode': 'subscribe',
				'hub.topic': 'ftp://example.test/feed',
				'hub.callback': `${base}/x`,
			},
			{
				'hub.mode': 'subscribe',
				'hub.topic': topic,
				'hub.callback': `${base}/x`,
				'hub.lease_seconds': '-5',
			},
		];
		for (const fields of cases) {
			const response = await hubForm(fields);
			expect(response.status).toBe(400);
			expect(await response.text()).toMatch(/hub\./);
		}
		await emu.websub.settled();
		expect(received).toHaveLength(0);
	});
});

describe('delivery', () => {
	it('POSTs YouTube’s Atom notification signed with the subscriber’s secret', async () => {
		const channelId = emu.youtube.channel().id;
		const topic = youtubeTopic(channelId);
		await subscribe('/signed', topic, { 'hub.secret': 'shared-secret-1' });
		await subscribe('/unsigned', topic);
		await subscribe('/other-topic', youtubeTopic('UCsomeoneelse00000000000'));

		const deliveries = await emu.websub.publish({
			channelId,
			videoId: 'dQw4w9WgXcQ',
			title: 'Q&A <live>',
			published: '2026-12-01T08:00:00Z',
			updated: '2026-12-01T08:05:00Z',
		});
		expect(deliveries.map((d) => [d.callback.slice(base.length), d.status]).sort()).toEqual([
			['/signed', 204],
			['/unsigned', 204],
		]);
		expect(requestsTo('/other-topic', 'POST')).toHaveLength(0);

		const [signed] = requestsTo('/signed', 'POST');
		expect(signed!.headers['content-type']).toBe('application/atom+xml');
		expect(signed!.headers.link).toContain(`<${topic}>; rel=self`);
		// The subscriber's own check: HMAC-SHA1 of the raw body with the secret it gave the hub.
		const header = String(signed!.headers['x-hub-signature']);
		expect(header).toMatch(/^sha1=[0-9a-f]{40}$/);
		const expected = createHmac('sha1', 'shared-secret-1').update(signed!.body).digest();
		expect(timingSafeEqual(Buffer.from(header.slice(5), 'hex'), expected)).toBe(true);
		const forged = createHmac('sha1', 'another-secret').update(signed!.body).digest();
		expect(timingSafeEqual(Buffer.from(header.slice(5), 'hex'), forged)).toBe(false);

		const atom = signed!.body.toString('utf8');
		expect(atom).toContain('<yt:videoId>dQw4w9WgXcQ</yt:videoId>');
		expect(atom).toContain(`<yt:channelId>${channelId}</yt:channelId>`);
		expect(atom).toContain('<title>Q&amp;A &lt;live&gt;</title>');
		expect(atom).toContain(
			'<link rel="alternate" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"/>',
		);
		expect(atom).toContain(`<name>${emu.youtube.channel().title}</name>`);
		expect(atom).toContain('<published>2026-12-01T08:00:00+00:00</published>');
		expect(atom).toContain('<updated>2026-12-01T08:05:00+00:00</updated>');

		const [unsigned] = requestsTo('/unsigned', 'POST');
		expect(unsigned!.headers['x-hub-signature']).toBeUndefined();
		expect(emu.websub.deliveries()).toHaveLength(2);
		expect(emu.websub.deliveries().find((d) => d.callback.endsWith('/signed'))!.signature).toBe(
			header,
		);
	});

	it('sends a tombstone for a deleted video', async () => {
		const topic = youtubeTopic('UCdeletedvideo0000000000');
		await subscribe('/deleted', topic);
		await emu.websub.publish({ topic, videoId: 'gone0000001', deleted: true });
		const atom = requestsTo('/deleted', 'POST')[0]!.body.toString('utf8');
		expect(atom).toContain('<at:deleted-entry ref="yt:video:gone0000001"');
	});

	it('publishes and reports over the HTTP control API', async () => {
		const topic = youtubeTopic('UChttpcontrol00000000000');
		await subscribe('/http', topic, { 'hub.secret': 's' });
		const published = await fetch(`${emu.urls.control}/websub/publish`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ topic, videoId: 'httpvideo01', title: 'Over HTTP' }),
		});
		expect(published.status).toBe(200);
		const { deliveries } = (await published.json()) as { deliveries: { status: number }[] };
		expect(deliveries.map((d) => d.status)).toEqual([204]);
		const listed = (await (await fetch(`${emu.urls.control}/websub/deliveries`)).json()) as {
			deliveries: { callback: string; status: number }[];
		};
		expect(listed.deliveries).toEqual([
			expect.objectContaining({ callback: `${base}/http`, status: 204 }),
		]);
		const subs = (await (await fetch(`${emu.urls.control}/websub/subscriptions`)).json()) as {
			subscriptions: { state: string }[];
		};
		expect(subs.subscriptions.map((s) => s.state)).toEqual(['active']);
		const bad = await fetch(`${emu.urls.control}/websub/publish`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ videoId: 'no-topic' }),
		});
		expect(bad.status).toBe(400);
		await bad.text();
	});
});

describe('unsubscribe and leases', () => {
	it('unsubscribes after the same verification, and no delivery follows', async () => {
		const topic = youtubeTopic('UCunsubscribe00000000000');
		await subscribe('/bye', topic, { 'hub.verify_token': 't1' });
		const response = await hubForm({
			'hub.mode': 'unsubscribe',
			'hub.topic': topic,
			'hub.callback': `${base}/bye`,
			'hub.verify_token': 't1',
		});
		expect(response.status).toBe(202);
		await response.text();
		await emu.websub.settled();
		const [, check] = requestsTo('/bye', 'GET');
		expect(check!.query.get('hub.mode')).toBe('unsubscribe');
		expect(check!.query.get('hub.verify_token')).toBe('t1');
		expect(check!.query.has('hub.lease_seconds')).toBe(false);
		expect(subscriptionOf('/bye', topic)!.state).toBe('unsubscribed');
		expect(await emu.websub.publish({ topic, videoId: 'after000001' })).toEqual([]);
	});

	it('keeps the subscription when the unsubscribe is not confirmed by the callback', async () => {
		const topic = youtubeTopic('UCunconfirmed00000000000');
		await subscribe('/stay', topic);
		behaviour.set('/stay', 'not-found');
		await hubForm({
			'hub.mode': 'unsubscribe',
			'hub.topic': topic,
			'hub.callback': `${base}/stay`,
		});
		await emu.websub.settled();
		expect(subscriptionOf('/stay', topic)!.state).toBe('active');
		expect(await emu.websub.publish({ topic, videoId: 'still000001' })).toHaveLength(1);
	});

	it('delivers nothing once the lease has run out, until the subscriber renews', async () => {
		const topic = youtubeTopic('UCleaseexpiry00000000000');
		await subscribe('/lease', topic, { 'hub.lease_seconds': '60' });
		expect(await emu.websub.publish({ topic, videoId: 'beforeexp01' })).toHaveLength(1);
		emu.control.advanceClock(61_000);
		expect(subscriptionOf('/lease', topic)!.state).toBe('expired');
		expect(await emu.websub.publish({ topic, videoId: 'afterexp001' })).toEqual([]);
		expect(requestsTo('/lease', 'POST')).toHaveLength(1);
		await subscribe('/lease', topic, { 'hub.lease_seconds': '60' });
		expect(subscriptionOf('/lease', topic)!.state).toBe('active');
		expect(await emu.websub.publish({ topic, videoId: 'renewed0001' })).toHaveLength(1);
	});

	it('keeps an active subscription when a renewal fails verification', async () => {
		const topic = youtubeTopic('UCfailedrenewal000000000');
		await subscribe('/renew', topic, { 'hub.lease_seconds': '600' });
		behaviour.set('/renew', 'wrong-body');
		await subscribe('/renew', topic, { 'hub.lease_seconds': '600' });
		expect(subscriptionOf('/renew', topic)!.state).toBe('active');
	});
});
