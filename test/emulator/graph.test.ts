/**
 * Microsoft Graph v1.0 through the official client (@microsoft/microsoft-graph-client), pointed
 * at the emulator by its base URL. The client's AuthenticationHandler only attaches tokens to
 * https:// Graph hosts, so against http://127.0.0.1 the token is attached by a one-line
 * middleware in a custom chain (initWithMiddleware) — the documented way to customise the client.
 */
import {
	BatchRequestContent,
	BatchResponseContent,
	Client,
	GraphError,
	HTTPMessageHandler,
	PageIterator,
	RetryHandler,
	RetryHandlerOptions,
	type Context,
	type Middleware,
} from '@microsoft/microsoft-graph-client';
import { startEmulator, type Emulator, type EmulatorControl, type EmulatorState } from './index';
import { deliverGraphMessages, setGraphCursorExpiryCode } from './microsoft/graph';
import {
	occurrenceWalls,
	parseRecurrence,
	toPatternedRecurrence,
} from './microsoft/graphRecurrence';
import { wallToInstant } from './microsoft/graphTime';

const EMAIL = 'megan.bowen@contoso.onmicrosoft.com';
const MESSAGES = 150;

class BearerToken implements Middleware {
	private next?: Middleware;
	constructor(private readonly token: string) {}
	async execute(context: Context): Promise<void> {
		context.options = context.options ?? {};
		context.options.headers = {
			...(context.options.headers as Record<string, string>),
			Authorization: `Bearer ${this.token}`,
		};
		return this.next!.execute(context);
	}
	setNext(next: Middleware): void {
		this.next = next;
	}
}

let emu: Emulator;
let state: EmulatorState;
let control: EmulatorControl;
let graphBase: string;
let token: string;

function client(options: { token?: string; retry?: boolean } = {}): Client {
	const chain: Middleware[] = [new BearerToken(options.token ?? token)];
	if (options.retry) chain.push(new RetryHandler(new RetryHandlerOptions(0, 2)));
	chain.push(new HTTPMessageHandler());
	for (let i = 0; i < chain.length - 1; i++) chain[i].setNext?.(chain[i + 1]);
	return Client.initWithMiddleware({ baseUrl: graphBase, middleware: chain[0] });
}

const IMMUTABLE = 'IdType="ImmutableId"';

interface Page {
	value: Record<string, unknown>[];
	'@odata.nextLink'?: string;
	'@odata.deltaLink'?: string;
}

/** Follows nextLinks to the deltaLink; returns every item and the deltaLink. */
async function deltaRound(graph: Client, first: string, prefer: string, select?: string) {
	const items: Record<string, unknown>[] = [];
	let request = graph.api(first).header('Prefer', prefer);
	if (select) request = request.select(select);
	let page = (await request.get()) as Page;
	let pages = 1;
	for (;;) {
		items.push(...page.value);
		if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'], pages };
		page = (await graph.api(page['@odata.nextLink']!).header('Prefer', prefer).get()) as Page;
		pages++;
	}
}

async function expectGraphError(
	promise: Promise<unknown>,
	statusCode: number,
	code: string,
): Promise<GraphError> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(GraphError);
		expect((error as GraphError).statusCode).toBe(statusCode);
		expect((error as GraphError).code).toBe(code);
		return error as GraphError;
	}
	throw new Error(`expected a ${statusCode} ${code}`);
}

function generatedInboxMessageIds(): string[] {
	const account = state.getAccount(EMAIL)!;
	const ids: string[] = [];
	for (const m of account.mailbox.messages()) {
		const labels = m.labelIds;
		if (
			labels.includes('INBOX') &&
			!labels.includes('DRAFT') &&
			!labels.includes('SCHEDULED') &&
			!labels.includes('TRASH') &&
			!labels.includes('SPAM')
		) {
			ids.push(m.messageIdHeader);
		}
	}
	return ids;
}

beforeAll(async () => {
	emu = await startEmulator({
		seed: 'graph-test',
		messages: MESSAGES,
		sandbox: { microsoftEmail: EMAIL },
	});
	state = emu.state;
	control = emu.control;
	// The client joins baseUrl and its defaultVersion ('v1.0'); emu.urls.graph already ends in /v1.0.
	graphBase = emu.urls.graph.replace(/\/v1\.0$/, '');
	token = emu.sandbox.microsoftAccessToken;
});

afterAll(async () => {
	await emu?.stop();
});

beforeEach(() => {
	control.clearFaults();
});

describe('Graph v1.0 through @microsoft/microsoft-graph-client', () => {
	test('GET /me', async () => {
		const me = await client().api('/me').get();
		expect(me).toMatchObject({
			mail: EMAIL,
			userPrincipalName: EMAIL,
			displayName: 'Sandbox User',
		});
		expect(me.id).toBe(state.getAccount(EMAIL)!.id);
		const byUpn = await client().api(`/users/${EMAIL}`).select('id,mail').get();
		expect(byUpn.id).toBe(me.id);
	});

	test('mail folders: well-known names, counts, child folders', async () => {
		const graph = client();
		const folders = (await graph.api('/me/mailFolders').get()) as Page;
		const names = folders.value.map((f) => f.displayName);
		expect(names).toEqual(
			expect.arrayContaining(['Inbox', 'Sent Items', 'Drafts', 'Deleted Items', 'Archive']),
		);
		const inbox = await graph.api('/me/mailFolders/inbox').get();
		expect(folders.value.find((f) => f.displayName === 'Inbox')!.id).toBe(inbox.id);
		expect(inbox.totalItemCount).toBe(generatedInboxMessageIds().length);
		expect((await graph.api('/me/mailfolders/Inbox').get()).id).toBe(inbox.id); // case-insensitive
		const sent = await graph.api('/me/mailFolders/sentitems').get();
		expect(sent.displayName).toBe('Sent Items');
		const children = (await graph.api(`/me/mailFolders/${inbox.id}/childFolders`).get()) as Page;
		for (const child of children.value) expect(child.parentFolderId).toBe(inbox.id);
	});

	test('messages list pages with nextLink (PageIterator) and honours $select/$filter', async () => {
		const graph = client();
		const seen = new Set<string>();
		const first = await graph
			.api('/me/mailFolders/inbox/messages')
			.top(40)
			.select('id,subject,receivedDateTime')
			.get();
		let previous = Infinity;
		const iterator = new PageIterator(
			graph,
			first,
			(message: { id: string; receivedDateTime: string; body?: unknown }) => {
				expect(message.body).toBeUndefined();
				const time = Date.parse(message.receivedDateTime);
				expect(time).toBeLessThanOrEqual(previous); // newest first
				previous = time;
				seen.add(message.id);
				return true;
			},
		);
		await iterator.iterate();
		expect(seen.size).toBe(generatedInboxMessageIds().length);

		const unread = (await graph
			.api('/me/mailFolders/inbox/messages')
			.filter('isRead eq false')
			.top(1000)
			.select('isRead,from')
			.get()) as Page;
		expect(unread.value.every((m) => m.isRead === false)).toBe(true);
		const addressOf = (m: Record<string, unknown>) =>
			(m.from as { emailAddress: { address: string } }).emailAddress.address;
		const sender = addressOf(unread.value[0]);
		const fromSender = (await graph
			.api('/me/mailFolders/inbox/messages')
			.filter(`isRead eq false and from/emailAddress/address eq '${sender.toUpperCase()}'`)
			.top(1000)
			.select('isRead,from')
			.get()) as Page;
		expect(fromSender.value.length).toBeGreaterThan(0);
		expect(fromSender.value.every((m) => m.isRead === false && addressOf(m) === sender)).toBe(true);
		expect(fromSender.value.length).toBeLessThan(unread.value.length);
		await expectGraphError(
			graph.api('/me/messages').filter("subject eq 'x'").get(),
			400,
			'RequestBroker--ParseUri',
		);
	});

	test('message get: body, recipients, headers, text body preference, MIME', async () => {
		const graph = client();
		const [first] = ((await graph.api('/me/mailFolders/inbox/messages').top(1).get()) as Page)
			.value;
		const message = await graph
			.api(`/me/messages/${first.id}`)
			.select('subject,body,from,toRecipients,internetMessageHeaders,internetMessageId')
			.get();
		expect(message.from.emailAddress.address).toContain('@');
		expect(Array.isArray(message.internetMessageHeaders)).toBe(true);
		expect(
			message.internetMessageHeaders.find(
				(h: { name: string }) => h.name.toLowerCase() === 'message-id',
			).value,
		).toBe(message.internetMessageId);
		const text = await graph
			.api(`/me/messages/${first.id}`)
			.header('Prefer', 'outlook.body-content-type="text"')
			.select('body')
			.get();
		expect(text.body.contentType).toBe('text');
		expect(text.body.content).not.toMatch(/<html/i);
		const mime = await graph.api(`/me/messages/${first.id}/$value`).getStream();
		const chunks: Buffer[] = [];
		for await (const chunk of mime as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
		expect(Buffer.concat(chunks).toString('latin1')).toMatch(/^Message-ID:/im);
	});

	test('delta per folder: initial round, then exactly the changes, moved message keeps its immutable id', async () => {
		const graph = client();
		const prefer = `odata.maxpagesize=25, ${IMMUTABLE}`;
		const select = 'id,subject,isRead,internetMessageId,parentFolderId';
		const inboxIds = generatedInboxMessageIds();

		const inboxRound = await deltaRound(
			graph,
			'/me/mailFolders/inbox/messages/delta',
			prefer,
			select,
		);
		expect(inboxRound.pages).toBe(Math.ceil(inboxIds.length / 25));
		const ids = inboxRound.items.map((m) => m.id as string);
		expect(new Set(ids).size).toBe(ids.length);
		expect(new Set(inboxRound.items.map((m) => m.internetMessageId))).toEqual(new Set(inboxIds));
		expect(inboxRound.deltaLink).toContain('$deltatoken=');
		expect(inboxRound.items[0]).not.toHaveProperty('body'); // $select honoured
		const archiveRound = await deltaRound(
			graph,
			'/me/mailFolders/archive/messages/delta',
			prefer,
			select,
		);

		// Nothing changed: an empty round.
		const idle = await deltaRound(graph, inboxRound.deltaLink, prefer);
		expect(idle.items).toEqual([]);

		// Changes: 3 new, 1 moved to archive, 1 deleted, 1 marked read.
		const delivered = deliverGraphMessages(state, EMAIL, 3);
		const [toMove, toDelete, toRead] = inboxRound.items
			.filter((m) => m.isRead === false)
			.map((m) => m.id as string);
		const moved = await graph
			.api(`/me/messages/${toMove}/move`)
			.header('Prefer', IMMUTABLE)
			.post({ destinationId: 'archive' });
		expect(moved.id).toBe(toMove);
		const archive = await graph.api('/me/mailFolders/archive').get();
		expect(moved.parentFolderId).toBe(archive.id);
		await graph.api(`/me/messages/${toDelete}`).delete();
		await graph.api(`/me/messages/${toRead}`).patch({ isRead: true });

		const changes = await deltaRound(graph, inboxRound.deltaLink, prefer);
		const removed = changes.items.filter((m) => m['@removed']).map((m) => m.id);
		const upserts = changes.items.filter((m) => !m['@removed']);
		expect(removed.sort()).toEqual([toMove, toDelete].sort());
		for (const r of changes.items.filter((m) => m['@removed']))
			expect(r['@removed']).toEqual({ reason: 'deleted' });
		expect(upserts.map((m) => m.id).sort()).toEqual([...delivered, toRead].sort());
		expect(upserts.find((m) => m.id === toRead)!.isRead).toBe(true);
		expect(upserts.find((m) => m.id === delivered[0])).not.toHaveProperty('body'); // $select kept in the token

		const archiveChanges = await deltaRound(graph, archiveRound.deltaLink, prefer);
		expect(archiveChanges.items.map((m) => m.id)).toEqual([toMove]);

		const deletedItems = (await graph
			.api('/me/mailFolders/deleteditems/messages')
			.header('Prefer', IMMUTABLE)
			.top(1000)
			.get()) as Page;
		expect(deletedItems.value.map((m) => m.id)).toContain(toDelete);
	});

	test('control over HTTP: POST /_emulator/graph/deliver adds mail that the folder delta reports', async () => {
		const graph = client();
		const prefer = `odata.maxpagesize=50, ${IMMUTABLE}`;
		const inbox = await deltaRound(graph, '/me/mailFolders/inbox/messages/delta', prefer, 'id');
		const archive = await deltaRound(graph, '/me/mailFolders/archive/messages/delta', prefer, 'id');
		const deliver = (body: unknown) =>
			fetch(`${emu.baseUrl}/_emulator/graph/deliver`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});

		const response = await deliver({
			email: EMAIL,
			count: 2,
			subject: 'Delivered over HTTP',
			from: { email: 'carla@customer.example', name: 'Carla Customer' },
		});
		expect(response.status).toBe(200);
		const { messages } = (await response.json()) as { messages: Array<{ id: string }> };
		expect(messages).toHaveLength(2);
		const changes = await deltaRound(graph, inbox.deltaLink, prefer);
		expect(changes.items.map((m) => m.id)).toEqual(messages.map((m) => m.id));
		const message = await graph
			.api(`/me/messages/${messages[0].id}`)
			.header('Prefer', IMMUTABLE)
			.get();
		expect(message).toMatchObject({
			subject: 'Delivered over HTTP',
			isRead: false,
			from: { emailAddress: { address: 'carla@customer.example', name: 'Carla Customer' } },
		});

		// Into another folder; one message when no count is given.
		const archived = (await (await deliver({ email: EMAIL, folder: 'archive' })).json()) as {
			messages: Array<{ id: string }>;
		};
		const archiveChanges = await deltaRound(graph, archive.deltaLink, prefer);
		expect(archiveChanges.items.map((m) => m.id)).toEqual(archived.messages.map((m) => m.id));

		expect((await deliver({ email: 'nobody@example.com', count: 1 })).status).toBe(400);
		expect((await deliver({ email: EMAIL, count: 0 })).status).toBe(400);
		expect((await deliver({ email: EMAIL, folder: 'AAMkNoSuchFolder' })).status).toBe(404);
	});

	test('regular ids change when a message moves; immutable ones do not', async () => {
		const graph = client();
		const [message] = (
			(await graph.api('/me/mailFolders/inbox/messages').top(1).select('id').get()) as Page
		).value;
		const immutable = await graph
			.api(`/me/messages/${message.id}`)
			.header('Prefer', IMMUTABLE)
			.select('id')
			.get();
		expect(immutable.id).not.toBe(message.id);
		const moved = await graph
			.api(`/me/messages/${message.id}/move`)
			.post({ destinationId: 'archive' });
		expect(moved.id).not.toBe(message.id);
		await expectGraphError(graph.api(`/me/messages/${message.id}`).get(), 404, 'ErrorItemNotFound');
		const again = await graph
			.api(`/me/messages/${immutable.id}`)
			.header('Prefer', IMMUTABLE)
			.select('id,parentFolderId')
			.get();
		expect(again.id).toBe(immutable.id);
		expect((await graph.api(`/me/messages/${moved.id}`).select('id').get()).id).toBe(moved.id);
	});

	test('PATCH isRead answers the updated message and changes what lists and delta show; an unknown id is ErrorItemNotFound', async () => {
		const graph = client();
		const prefer = `odata.maxpagesize=50, ${IMMUTABLE}`;
		const inbox = await deltaRound(
			graph,
			'/me/mailFolders/inbox/messages/delta',
			prefer,
			'id,isRead',
		);
		const read = inbox.items.find((m) => m.isRead === true)!;
		const id = read.id as string;

		const unread = await graph
			.api(`/me/messages/${id}`)
			.header('Prefer', IMMUTABLE)
			.patch({ isRead: false });
		expect(unread).toMatchObject({ id, isRead: false });
		expect(unread).toHaveProperty('subject');
		const unreadList = (await graph
			.api('/me/mailFolders/inbox/messages')
			.header('Prefer', IMMUTABLE)
			.filter('isRead eq false')
			.select('id')
			.top(1000)
			.get()) as Page;
		expect(unreadList.value.map((m) => m.id)).toContain(id);
		const changes = await deltaRound(graph, inbox.deltaLink, prefer);
		expect(changes.items).toEqual([expect.objectContaining({ id, isRead: false })]);

		const again = await graph
			.api(`/me/messages/${id}`)
			.header('Prefer', IMMUTABLE)
			.patch({ isRead: true });
		expect(again).toMatchObject({ id, isRead: true });
		const latest = await deltaRound(graph, changes.deltaLink, prefer);
		expect(latest.items).toEqual([expect.objectContaining({ id, isRead: true })]);

		await expectGraphError(
			graph.api('/me/messages/AAMkNoSuchMessage').patch({ isRead: true }),
			404,
			'ErrorItemNotFound',
		);
		await expectGraphError(
			graph.api(`/me/messages/${id}`).patch({ isRead: 'yes' }),
			400,
			'BadRequest',
		);
	});

	test('an expired delta token is 410 syncStateNotFound (and resyncRequired)', async () => {
		const graph = client();
		const round = await deltaRound(
			graph,
			'/me/mailFolders/sentitems/messages/delta',
			'odata.maxpagesize=200',
		);
		control.expireCursors(EMAIL, 'graph');
		const error = await expectGraphError(
			graph.api(round.deltaLink).get(),
			410,
			'syncStateNotFound',
		);
		expect(error.body).toBeDefined();
		const fresh = await deltaRound(
			graph,
			'/me/mailFolders/sentitems/messages/delta',
			'odata.maxpagesize=200',
		);
		setGraphCursorExpiryCode(state, EMAIL, 'resyncRequired');
		control.expireCursors(EMAIL, 'graph');
		await expectGraphError(graph.api(fresh.deltaLink).get(), 410, 'resyncRequired');
		setGraphCursorExpiryCode(state, EMAIL, 'syncStateNotFound');
		const tampered = round.deltaLink.replace(/\$deltatoken=[^&]+/, '$deltatoken=garbage');
		await expectGraphError(graph.api(tampered).get(), 410, 'syncStateNotFound');
	});

	test('sendMail lands in Sent Items; reply threads by conversationId with In-Reply-To', async () => {
		const graph = client();
		const subject = `Quarterly numbers ${Date.now()}`;
		const sendResult = await graph.api('/me/sendMail').post({
			message: {
				subject,
				body: { contentType: 'Text', content: 'See attached.' },
				toRecipients: [{ emailAddress: { address: 'adele.vance@example.com' } }],
			},
			saveToSentItems: true,
		});
		expect(sendResult).toBeDefined(); // 202 with an empty body: the client hands back the (empty) stream
		const sent = (await graph
			.api('/me/mailFolders/sentitems/messages')
			.top(1)
			.select('subject,conversationId,toRecipients,isDraft')
			.get()) as Page;
		expect(sent.value[0]).toMatchObject({ subject, isDraft: false });
		expect(sent.value[0].conversationId).toEqual(expect.any(String));

		const [original] = (
			(await graph
				.api('/me/mailFolders/inbox/messages')
				.top(1)
				.select('id,subject,conversationId,internetMessageId,from')
				.get()) as Page
		).value;
		await graph.api(`/me/messages/${original.id}/reply`).post({ comment: 'Thanks, will do.' });
		const [reply] = (
			(await graph
				.api('/me/mailFolders/sentitems/messages')
				.top(1)
				.select('subject,conversationId,internetMessageHeaders,toRecipients')
				.get()) as Page
		).value as {
			subject: string;
			conversationId: string;
			internetMessageHeaders: { name: string; value: string }[];
			toRecipients: { emailAddress: { address: string } }[];
		}[];
		expect(reply.conversationId).toBe(original.conversationId);
		expect(reply.subject).toMatch(/^RE: /);
		expect(reply.internetMessageHeaders.find((h) => h.name === 'In-Reply-To')!.value).toBe(
			original.internetMessageId,
		);
		expect(reply.toRecipients[0].emailAddress.address).toBe(
			(original.from as { emailAddress: { address: string } }).emailAddress.address,
		);

		await expectGraphError(
			graph.api('/me/sendMail').post({ message: { subject: 'x' } }),
			400,
			'ErrorInvalidRecipients',
		);
	});

	test('missing scope is 403 ErrorAccessDenied', async () => {
		const readOnly = control.issueToken(EMAIL, {
			provider: 'microsoft',
			scopes: ['Mail.Read'],
		}).access_token;
		const graph = client({ token: readOnly });
		await graph.api('/me/mailFolders/inbox/messages').top(1).get();
		const error = await expectGraphError(
			graph.api('/me/sendMail').post({
				message: { subject: 'x', toRecipients: [{ emailAddress: { address: 'a@b.c' } }] },
			}),
			403,
			'ErrorAccessDenied',
		);
		expect(error.message).toBe('Access is denied. Check credentials and try again.');
	});

	test('$batch: one inner request throttled (429 + Retry-After), the others succeed; each counted', async () => {
		const graph = client();
		control.resetCalls();
		control.inject({ operation: 'graph.mailFolders.get', status: 429, retryAfterSeconds: 7 });
		const batch = new BatchRequestContent([
			{ id: '1', request: new Request(`${graphBase}/v1.0/me`) },
			{ id: '2', request: new Request(`${graphBase}/v1.0/me/mailFolders/inbox`) },
			{ id: '3', request: new Request(`${graphBase}/v1.0/me/messages?$top=2&$select=subject`) },
			{ id: '4', request: new Request(`${graphBase}/v1.0/me/calendars`) },
		]);
		const response = new BatchResponseContent(
			await graph.api('/$batch').post(await batch.getContent()),
		);
		const throttled = response.getResponseById('2');
		expect(throttled.status).toBe(429);
		expect(throttled.headers.get('Retry-After')).toBe('7');
		expect(((await throttled.json()) as { error: { code: string } }).error.code).toEqual(
			expect.any(String),
		);
		expect(response.getResponseById('1').status).toBe(200);
		expect(((await response.getResponseById('1').json()) as { mail: string }).mail).toBe(EMAIL);
		expect(((await response.getResponseById('3').json()) as Page).value).toHaveLength(2);
		expect(response.getResponseById('4').status).toBe(200);
		const calls = control.calls();
		expect(calls.byOperation).toMatchObject({
			'graph.batch': 1,
			'graph.users.get': 1,
			'graph.mailFolders.get': 1,
			'graph.messages.list': 1,
			'graph.calendars.list': 1,
		});
		expect(calls.total).toBe(5);

		// dependsOn: a request whose dependency failed is not run (424); the chain otherwise runs in order.
		control.inject({ operation: 'graph.events.list', status: 503 });
		const chained = await graph.api('/$batch').post({
			requests: [
				{ id: 'a', method: 'GET', url: '/me/events?$top=1' },
				{ id: 'b', method: 'GET', url: '/me/calendars', dependsOn: ['a'] },
				{
					id: 'c',
					method: 'PATCH',
					url: '/me/messages/not-an-id',
					body: { isRead: true },
					headers: { 'Content-Type': 'application/json' },
				},
				{ id: 'd', method: 'GET', url: '/me', dependsOn: ['c'] },
				{ id: 'e', method: 'GET', url: '/me/mailFolders/inbox' },
			],
		});
		const statuses = Object.fromEntries(
			chained.responses.map((r: { id: string; status: number }) => [r.id, r.status]),
		);
		expect(statuses).toEqual({ a: 503, b: 424, c: 404, d: 424, e: 200 });

		const tooMany = {
			requests: Array.from({ length: 21 }, (_, i) => ({
				id: String(i + 1),
				method: 'GET',
				url: '/me',
			})),
		};
		await expectGraphError(graph.api('/$batch').post(tooMany), 400, 'BadRequest');
	});

	test('more than 4 concurrent requests per mailbox get 429 ApplicationThrottled with Retry-After', async () => {
		const graph = client();
		control.inject({ operation: 'graph.mailFolders.get', latencyMs: 300, times: 6 });
		const results = await Promise.allSettled(
			Array.from({ length: 6 }, () => graph.api('/me/mailFolders/inbox').get()),
		);
		const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
		expect(rejected).toHaveLength(2);
		for (const r of rejected) {
			expect((r.reason as GraphError).statusCode).toBe(429);
			expect((r.reason as GraphError).code).toBe('ApplicationThrottled');
			expect((r.reason as GraphError).headers?.get('retry-after')).toBe('1');
		}
		control.clearFaults();
	});

	test('the client RetryHandler honours Retry-After on a 429', async () => {
		control.inject({ operation: 'graph.mailFolders.get', status: 429, retryAfterSeconds: 1 });
		control.resetCalls();
		const inbox = await client({ retry: true }).api('/me/mailFolders/inbox').get();
		expect(inbox.displayName).toBe('Inbox');
		expect(control.calls().byOperation['graph.mailFolders.get']).toBe(2);
	});

	test('calendars, events and calendarView delta with created/updated/deleted events', async () => {
		const graph = client();
		const calendars = (await graph.api('/me/calendars').get()) as Page;
		expect(calendars.value.length).toBeGreaterThan(0);
		expect(calendars.value.filter((c) => c.isDefaultCalendar)).toHaveLength(1);

		const epoch = state.epoch.getTime();
		const start = new Date(epoch - 30 * 86400_000).toISOString();
		const end = new Date(epoch + 60 * 86400_000).toISOString();
		const prefer = 'odata.maxpagesize=5, outlook.timezone="Pacific Standard Time"';
		const first = `/me/calendarView/delta?startDateTime=${start}&endDateTime=${end}`;
		const round = await deltaRound(graph, first, prefer);
		expect(round.items.length).toBeGreaterThan(0);
		for (const event of round.items) {
			expect((event.start as { timeZone: string }).timeZone).toBe('Pacific Standard Time');
			expect(event).toHaveProperty('attendees');
			expect(event).toHaveProperty('organizer');
		}
		const singles = round.items.filter((e) => e.type === 'singleInstance' && !e.isCancelled);
		expect(singles.length).toBeGreaterThanOrEqual(2);
		const [toUpdate, toDelete] = singles;

		const created = await graph.api('/me/events').post({
			subject: 'Kick-off with Contoso',
			start: {
				dateTime: new Date(epoch + 86400_000).toISOString().slice(0, 19),
				timeZone: 'W. Europe Standard Time',
			},
			end: {
				dateTime: new Date(epoch + 86400_000 + 3600_000).toISOString().slice(0, 19),
				timeZone: 'W. Europe Standard Time',
			},
			location: { displayName: 'Room 1' },
			attendees: [
				{
					emailAddress: { address: 'adele.vance@example.com', name: 'Adele Vance' },
					type: 'required',
				},
			],
			isOnlineMeeting: true,
		});
		expect(created.onlineMeeting.joinUrl).toMatch(/^https:\/\//);
		expect(created.attendees[0].status.response).toBe('none');
		await graph.api(`/me/events/${toUpdate.id}`).patch({ subject: 'Moved to Thursday' });
		await graph.api(`/me/events/${toDelete.id}`).delete();

		const changes = await deltaRound(graph, round.deltaLink, prefer);
		const byId = new Map(changes.items.map((e) => [e.id, e]));
		expect(byId.get(created.id)).toMatchObject({ subject: 'Kick-off with Contoso' });
		expect(byId.get(toUpdate.id)).toMatchObject({ subject: 'Moved to Thursday' });
		expect(byId.get(toDelete.id)).toMatchObject({ '@removed': { reason: 'deleted' } });
		expect(changes.items).toHaveLength(3);

		const fetched = await graph
			.api(`/me/events/${created.id}`)
			.header('Prefer', 'outlook.timezone="UTC"')
			.get();
		expect(fetched.start).toEqual({
			dateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.0000000$/),
			timeZone: 'UTC',
		});
		await expectGraphError(graph.api(`/me/events/${toDelete.id}`).get(), 404, 'ErrorItemNotFound');
		const view = (await graph
			.api(`/me/calendarView?startDateTime=${start}&endDateTime=${end}`)
			.top(1000)
			.get()) as Page;
		expect(view.value.map((e) => e.id)).toContain(created.id);
	});
});

describe('recurrence expansion used by calendarView', () => {
	test('weekly BYDAY with COUNT, monthly ordinal weekday, EXDATE, across a DST change', () => {
		const zone = 'Europe/Berlin';
		const weekly = parseRecurrence(['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5'], zone)!;
		const start = Date.UTC(2026, 9, 19, 10, 0); // Monday 19 Oct 2026, 10:00 wall
		const walls = [...occurrenceWalls(weekly, start, Date.UTC(2027, 0, 1))];
		expect(walls.map((w) => new Date(w).toISOString().slice(0, 16))).toEqual([
			'2026-10-19T10:00',
			'2026-10-21T10:00',
			'2026-10-26T10:00',
			'2026-10-28T10:00',
			'2026-11-02T10:00',
		]);
		// 10:00 Berlin is 08:00Z before the DST switch on 25 Oct and 09:00Z after it.
		expect(new Date(wallToInstant(walls[0], zone)).toISOString()).toBe('2026-10-19T08:00:00.000Z');
		expect(new Date(wallToInstant(walls[2], zone)).toISOString()).toBe('2026-10-26T09:00:00.000Z');

		const monthly = parseRecurrence(
			['RRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270101T000000Z'],
			zone,
		)!;
		const fridays = [
			...occurrenceWalls(
				monthly,
				Date.UTC(2026, 9, 30, 9),
				Date.UTC(2028, 0, 1),
				Date.UTC(2027, 0, 1),
			),
		];
		expect(fridays.map((w) => new Date(w).toISOString().slice(0, 10))).toEqual([
			'2026-10-30',
			'2026-11-27',
			'2026-12-25',
		]);

		const daily = parseRecurrence(
			['RRULE:FREQ=DAILY;INTERVAL=2;COUNT=3', 'EXDATE;TZID=Europe/Berlin:20261021T100000'],
			zone,
		)!;
		expect(daily.exdates).toEqual([wallToInstant(Date.UTC(2026, 9, 21, 10), zone)]);
		expect(toPatternedRecurrence(weekly, start, zone).pattern).toMatchObject({
			type: 'weekly',
			daysOfWeek: ['monday', 'wednesday'],
		});
	});
});
