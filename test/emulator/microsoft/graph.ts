/**
 * Microsoft Graph v1.0 routes: /me (and /users/{id|upn}), mail folders, messages (list, get,
 * $value, delta per folder, sendMail, reply, createReply/send, PATCH, move, delete), calendars,
 * events, calendarView (+ delta) and $batch. Wire shapes follow the Graph reference; the state
 * lives in graphMail.ts / graphCalendar.ts.
 */
import { randomUUID } from 'node:crypto';
import {
	EmulatorHttpError,
	graphError,
	type EmulatorRequest,
	type EmulatorResponse,
} from '../core/http';
import type { Router, RouteOptions } from '../core/router';
import type { Account, EmulatorState } from '../core/state';
import type { GeneratedAddress } from '../generator';
import { registerGraphBatch } from './graphBatch';
import {
	calendarChanges,
	calendarSeq,
	calendarView,
	createEvent,
	deleteEvent,
	listEvents,
	resolveCalendar,
	resolveEvent,
	toGraphCalendar,
	toGraphEvent,
	updateEvent,
	type CalendarDeltaToken,
	type EventRecord,
} from './graphCalendar';
import {
	addMessage,
	changeMessage,
	changesSince,
	folderCounts,
	folderId,
	mailState,
	messageIdFor,
	newInternetMessageId,
	resolveFolder,
	resolveMessage,
	ROOT_FOLDER_KEY,
	scanMessages,
	takePage,
	toGraphMessage,
	tombstone,
	type FolderInfo,
	type MailDeltaToken,
	type MessageView,
} from './graphMail';
import {
	decodeToken,
	encodeToken,
	parseMessageFilter,
	parseMessageSearch,
	parseOrderBy,
	parsePrefer,
	parseSelect,
	parseTopSkip,
	type GraphPreferences,
} from './graphOData';
import { parseDateTime } from './graphTime';

import { deliverGraphMessages } from './graphMail';

export { deliverGraphMessages, setGraphCursorExpiryCode } from './graphMail';

const JSON_TYPE =
	'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

const SCOPES = {
	user: ['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All'],
	mailRead: ['Mail.Read', 'Mail.ReadWrite'],
	mailWrite: ['Mail.ReadWrite'],
	mailSend: ['Mail.Send'],
	calendarRead: ['Calendars.Read', 'Calendars.ReadWrite'],
	calendarWrite: ['Calendars.ReadWrite'],
};

type Handler = (
	req: EmulatorRequest,
	account: Account,
) => EmulatorResponse | Promise<EmulatorResponse>;

function respond(
	req: EmulatorRequest,
	status: number,
	body?: unknown,
	prefs?: GraphPreferences,
	headers: Record<string, string> = {},
): EmulatorResponse {
	const requestId = randomUUID();
	const out: Record<string, string> = {
		'request-id': requestId,
		'client-request-id': req.headers['client-request-id'] ?? requestId,
		'cache-control': 'no-cache',
		'odata-version': '4.0',
		...headers,
	};
	if (body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string')
		out['content-type'] = JSON_TYPE;
	if (prefs?.applied.length) out['preference-applied'] = prefs.applied.join(',');
	return { status, headers: out, body };
}

/** Absolute base for links (`@odata.nextLink`…), from the Host the client used. */
function origin(req: EmulatorRequest): string {
	const proto = req.headers['x-forwarded-proto'] ?? 'http';
	return `${proto}://${req.headers.host ?? '127.0.0.1'}`;
}

function link(req: EmulatorRequest, params: Record<string, string>): string {
	const query = Object.entries(params)
		.map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
		.join('&');
	return `${origin(req)}${req.path}${query ? `?${query}` : ''}`;
}

/** The list's own query with the paging parameters replaced (Graph keeps $select/$filter in nextLinks). */
function pagingLink(req: EmulatorRequest, replace: Record<string, string>): string {
	const params: Record<string, string> = {};
	for (const [k, v] of req.query) if (k !== '$skip' && k !== '$skiptoken') params[k] = v;
	return link(req, { ...params, ...replace });
}

function userSegment(req: EmulatorRequest): string {
	return req.params.user !== undefined
		? `users('${req.params.user}')`
		: `users('${req.account?.id}')`;
}

function context(req: EmulatorRequest, what: string): string {
	return `${origin(req)}/v1.0/$metadata#${what.replace('{user}', userSegment(req))}`;
}

/** The mailbox a /users/{id|upn} path names must be the token's own (delegated access). */
function checkUser(state: EmulatorState, req: EmulatorRequest): Account {
	const account = req.account;
	if (!account) throw graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
	const user = req.params.user;
	if (user === undefined) return account;
	const wanted = user.toLowerCase();
	if (wanted === account.id.toLowerCase() || wanted === account.email.toLowerCase()) return account;
	const other = state.getAccount(wanted);
	if (other || [...state.accounts.values()].some((a) => a.id === user)) {
		throw graphError(
			403,
			'ErrorAccessDenied',
			'Access is denied. Check credentials and try again.',
		);
	}
	throw graphError(404, 'ErrorInvalidUser', `The requested user '${user}' is invalid.`);
}

function addRoute(
	router: Router,
	state: EmulatorState,
	method: string,
	suffix: string,
	name: string,
	scopes: string[],
	handler: Handler,
	options: Partial<RouteOptions> = {},
) {
	const routeOptions: RouteOptions = {
		name,
		surface: 'graph',
		auth: { provider: 'microsoft', anyOfScopes: scopes },
		concurrencyLimited: true,
		...options,
	};
	// Graph paths are case-insensitive ('mailfolders', 'calendarview'): literal segments are
	// registered in both spellings.
	const lower = suffix
		.split('/')
		.map((segment) => (segment.startsWith(':') ? segment : segment.toLowerCase()))
		.join('/');
	for (const prefix of ['/v1.0/me', '/v1.0/users/:user']) {
		for (const spelling of lower === suffix ? [suffix] : [suffix, lower]) {
			router.add(method, `${prefix}${spelling}`, routeOptions, (req) =>
				handler(req, checkUser(state, req)),
			);
		}
	}
}

function jsonBody<T>(req: EmulatorRequest): T {
	if (req.body.length === 0)
		throw graphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
	const body = req.json<T>();
	if (!body || typeof body !== 'object')
		throw graphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
	return body;
}

// ---------------------------------------------------------------- folders

function toGraphFolder(account: Account, folder: FolderInfo) {
	const st = mailState(account);
	const counts = folderCounts(account).get(folder.key) ?? { total: 0, unread: 0 };
	const parent = folder.parentKey ? st.folderByKey.get(folder.parentKey) : undefined;
	return {
		id: folderId(account, folder),
		displayName: folder.displayName,
		parentFolderId: parent ? folderId(account, parent) : folderId(account, folder),
		childFolderCount: st.folders.filter((f) => f.parentKey === folder.key).length,
		unreadItemCount: counts.unread,
		totalItemCount: counts.total,
		sizeInBytes: counts.total * 12_000,
		isHidden: false,
	};
}

function listFolders(req: EmulatorRequest, account: Account, parentKey: string) {
	const st = mailState(account);
	const children = st.folders.filter((f) => f.parentKey === parentKey);
	const { top, skip = 0 } = parseTopSkip(req.query);
	const size = top ?? 10;
	const page = children.slice(skip, skip + size);
	const body: Record<string, unknown> = {
		'@odata.context': context(req, '{user}/mailFolders'),
		value: page.map((f) => toGraphFolder(account, f)),
	};
	if (skip + size < children.length)
		body['@odata.nextLink'] = pagingLink(req, { $skip: String(skip + size) });
	return respond(req, 200, body);
}

function childFolder(account: Account, parentParam: string, childParam: string): FolderInfo {
	const parent = resolveFolder(account, parentParam);
	const child = resolveFolder(account, childParam);
	if (child.parentKey !== parent.key) {
		throw graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
	}
	return child;
}

// ---------------------------------------------------------------- messages

interface MessageListToken {
	c: number;
}

function listMessages(req: EmulatorRequest, account: Account, folder: FolderInfo | undefined) {
	const prefs = parsePrefer(req.headers.prefer);
	const select = parseSelect(req.query);
	const filter = parseMessageFilter(req.query.get('$filter'));
	filter.search = parseMessageSearch(req.query.get('$search'), req.query.get('$orderby'));
	const order = parseOrderBy(req.query.get('$orderby'));
	const { top, skip } = parseTopSkip(req.query);
	const size = Math.min(top ?? prefs.maxPageSize ?? 10, 1000);
	const skiptoken = req.query.get('$skiptoken');
	let cursor: number | undefined;
	if (skiptoken) {
		const token = decodeToken<MessageListToken>(skiptoken);
		if (!token || typeof token.c !== 'number')
			throw graphError(400, 'BadRequest', 'The skip token is invalid.');
		cursor = token.c;
	}
	const page = takePage(
		scanMessages(account, { folderKey: folder?.key, filter, order, cursor }),
		size,
		skiptoken ? 0 : (skip ?? 0),
	);
	const body: Record<string, unknown> = {
		'@odata.context': context(
			req,
			folder ? "{user}/mailFolders('" + folder.key + "')/messages" : '{user}/messages',
		),
		value: page.items.map((view) =>
			toGraphMessage(account, view, {
				immutableIds: prefs.immutableIds,
				bodyContentType: prefs.bodyContentType,
				select,
			}),
		),
	};
	if (page.nextCursor !== undefined) {
		body['@odata.nextLink'] = pagingLink(req, { $skiptoken: encodeToken({ c: page.nextCursor }) });
	}
	return respond(req, 200, body, prefs);
}

function cursorExpired(req: EmulatorRequest, account: Account): never {
	const st = mailState(account);
	if (st.expiryCode === 'resyncRequired') {
		throw graphError(
			410,
			'resyncRequired',
			'Resync required. Replace any local cached data with a full sync.',
			{
				Location: link(req, {}),
			},
		);
	}
	throw graphError(410, 'syncStateNotFound', 'The sync state generation is not found.');
}

function messageDelta(req: EmulatorRequest, account: Account, folder: FolderInfo) {
	const prefs = parsePrefer(req.headers.prefer);
	const st = mailState(account);
	const generation = account.cursorGeneration.graph ?? 0;
	const size = Math.min(prefs.maxPageSize ?? 10, 1000);
	const skiptoken = req.query.get('$skiptoken');
	const deltatoken = req.query.get('$deltatoken');
	let token: MailDeltaToken;
	if (skiptoken || deltatoken) {
		const decoded = decodeToken<MailDeltaToken>((skiptoken ?? deltatoken)!);
		const kindOk = deltatoken
			? decoded?.k === 'delta'
			: decoded?.k === 'initial' || decoded?.k === 'changes';
		if (
			!decoded ||
			decoded.v !== 1 ||
			!kindOk ||
			decoded.a !== account.id ||
			decoded.f !== folder.key ||
			decoded.s > st.seq
		) {
			cursorExpired(req, account);
		}
		if (decoded.g !== generation) cursorExpired(req, account);
		token = decoded;
	} else {
		const filter = parseMessageFilter(req.query.get('$filter'));
		token = {
			v: 1,
			k: 'initial',
			a: account.id,
			f: folder.key,
			g: generation,
			s: st.seq,
			sel: parseSelect(req.query),
			rf: filter.receivedFrom,
		};
	}
	const render = (view: MessageView) =>
		toGraphMessage(account, view, {
			immutableIds: prefs.immutableIds,
			bodyContentType: prefs.bodyContentType,
			select: token.sel,
			odataType: true,
		});
	const body: Record<string, unknown> = { '@odata.context': context(req, 'Collection(message)') };
	if (token.k === 'initial') {
		const filter = token.rf !== undefined ? { receivedFrom: token.rf } : {};
		const page = takePage(
			scanMessages(account, { folderKey: folder.key, filter, order: 'desc', cursor: token.c }),
			size,
		);
		body.value = page.items.map(render);
		if (page.nextCursor !== undefined) {
			body['@odata.nextLink'] = link(req, {
				$skiptoken: encodeToken({ ...token, c: page.nextCursor }),
			});
		} else {
			body['@odata.deltaLink'] = link(req, {
				$deltatoken: encodeToken({ ...token, k: 'delta', c: undefined }),
			});
		}
		return respond(req, 200, body, prefs);
	}
	const upTo = token.k === 'changes' ? token.u! : st.seq;
	const offset = token.k === 'changes' ? (token.o ?? 0) : 0;
	const changes = changesSince(account, folder.key, token.s, upTo);
	body.value = changes
		.slice(offset, offset + size)
		.map((change) =>
			change.view
				? render(change.view)
				: tombstone(account, change, folder.key, prefs.immutableIds),
		);
	if (offset + size < changes.length) {
		body['@odata.nextLink'] = link(req, {
			$skiptoken: encodeToken({ ...token, k: 'changes', u: upTo, o: offset + size }),
		});
	} else {
		body['@odata.deltaLink'] = link(req, {
			$deltatoken: encodeToken({ ...token, k: 'delta', s: upTo, u: undefined, o: undefined }),
		});
	}
	return respond(req, 200, body, prefs);
}

function getMessage(req: EmulatorRequest, account: Account, view: MessageView, status = 200) {
	const prefs = parsePrefer(req.headers.prefer);
	const body = toGraphMessage(account, view, {
		immutableIds: prefs.immutableIds,
		bodyContentType: prefs.bodyContentType,
		select: req.method === 'GET' ? parseSelect(req.query) : undefined,
	});
	return respond(
		req,
		status,
		{ '@odata.context': context(req, '{user}/messages/$entity'), ...body },
		prefs,
	);
}

function messageInFolder(account: Account, folder: FolderInfo, id: string): MessageView {
	const view = resolveMessage(account, id);
	if (view.folderKey !== folder.key)
		throw graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
	return view;
}

interface RecipientInput {
	emailAddress?: { address?: string; name?: string };
}

interface MessageInput {
	subject?: string;
	body?: { contentType?: string; content?: string };
	toRecipients?: RecipientInput[];
	ccRecipients?: RecipientInput[];
	bccRecipients?: RecipientInput[];
	categories?: string[];
	isRead?: boolean;
	flag?: { flagStatus?: string };
	internetMessageHeaders?: { name: string; value: string }[];
}

function recipients(list: RecipientInput[] | undefined): GeneratedAddress[] {
	if (list === undefined) return [];
	if (!Array.isArray(list))
		throw graphError(400, 'ErrorInvalidRecipients', "At least one recipient isn't valid.");
	return list.map((r) => {
		const address = r?.emailAddress?.address;
		if (typeof address !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(address)) {
			throw graphError(400, 'ErrorInvalidRecipients', "At least one recipient isn't valid.");
		}
		return { email: address, name: r.emailAddress?.name };
	});
}

function bodyParts(body: MessageInput['body']): { html?: string; text?: string } {
	if (!body || body.content === undefined) return { text: '' };
	return body.contentType?.toLowerCase() === 'html'
		? { html: body.content }
		: { text: body.content };
}

/** Puts a copy of a sent message in the inbox of every emulated Microsoft recipient. */
function deliverToRecipients(state: EmulatorState, sender: Account, view: MessageView) {
	const seen = new Set<string>();
	for (const r of [...view.to, ...view.cc, ...view.bcc]) {
		const email = r.email.toLowerCase();
		if (seen.has(email)) continue;
		seen.add(email);
		const target = state.getAccount(email);
		if (!target || target.provider !== 'microsoft') continue;
		addMessage(state, target, {
			folderKey: 'inbox',
			isRead: false,
			subject: view.subject,
			from: { email: sender.email, name: sender.name },
			to: view.to,
			cc: view.cc,
			text: view.text,
			html: view.html,
			internetMessageId: view.internetMessageId,
			inReplyTo: view.inReplyTo,
			references: view.references,
			threadKey:
				target === sender
					? view.threadKey
					: `imid:${view.references?.[0] ?? view.internetMessageId}`,
			sentMs: view.sentMs,
		});
	}
}

function owner(account: Account): GeneratedAddress {
	return { email: account.email, name: account.name };
}

function sendMail(state: EmulatorState, req: EmulatorRequest, account: Account) {
	const input = jsonBody<{ message?: MessageInput; saveToSentItems?: boolean | string }>(req);
	const message = input.message;
	if (!message || typeof message !== 'object')
		throw graphError(
			400,
			'ErrorInvalidParameter',
			"The value of the parameter 'Message' is empty.",
		);
	const to = recipients(message.toRecipients);
	const cc = recipients(message.ccRecipients);
	const bcc = recipients(message.bccRecipients);
	if (to.length + cc.length + bcc.length === 0) {
		throw graphError(
			400,
			'ErrorInvalidRecipients',
			"At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
		);
	}
	const st = mailState(account);
	const n = ++st.sentCount;
	const save = input.saveToSentItems !== false && input.saveToSentItems !== 'false';
	const view = addMessage(state, account, {
		folderKey: 'sentitems',
		isRead: true,
		subject: message.subject ?? '',
		from: owner(account),
		to,
		cc,
		bcc,
		...bodyParts(message.body),
		internetMessageId: newInternetMessageId(account, 'sent', n),
		threadKey: `sent:${n}`,
		categories: message.categories,
	});
	deliverToRecipients(state, account, view);
	if (!save) changeMessage(state, account, view, { purge: true });
	return respond(req, 202);
}

function quoteOriginal(original: MessageView): string {
	const from = original.from
		? `${original.from.name ?? original.from.email} &lt;${original.from.email}&gt;`
		: '';
	const body =
		original.html ??
		`<pre>${(original.text ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>`;
	return (
		`<hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>From:</b> ${from}<br>` +
		`<b>Sent:</b> ${new Date(original.sentMs).toUTCString()}<br><b>Subject:</b> ${original.subject}</div>${body}`
	);
}

/** A reply (or reply-all) to `original`, as a draft or sent. */
function buildReply(
	state: EmulatorState,
	account: Account,
	original: MessageView,
	input: { comment?: string; message?: MessageInput },
	mode: { all: boolean; draft: boolean },
): MessageView {
	const self = account.email.toLowerCase();
	const fromSelf = original.from?.email.toLowerCase() === self;
	let to = fromSelf ? original.to : original.from ? [original.from] : [];
	let cc: GeneratedAddress[] = [];
	if (mode.all) {
		const others = original.to.filter((a) => a.email.toLowerCase() !== self);
		to = fromSelf ? original.to : [...to, ...others];
		cc = original.cc.filter((a) => a.email.toLowerCase() !== self);
	}
	if (input.message?.toRecipients) to = recipients(input.message.toRecipients);
	if (input.message?.ccRecipients) cc = recipients(input.message.ccRecipients);
	const comment = input.comment ?? '';
	const ownBody = input.message?.body?.content;
	const commentHtml =
		ownBody !== undefined && input.message?.body?.contentType?.toLowerCase() === 'html'
			? ownBody
			: (ownBody ?? comment).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>');
	const st = mailState(account);
	const n = ++st.sentCount;
	const subject =
		input.message?.subject ??
		(/^re:/i.test(original.subject) ? original.subject : `RE: ${original.subject}`);
	return addMessage(state, account, {
		folderKey: mode.draft ? 'drafts' : 'sentitems',
		isRead: true,
		isDraft: mode.draft,
		subject,
		from: owner(account),
		to,
		cc,
		html: `<html><body><div>${commentHtml}</div>${quoteOriginal(original)}</body></html>`,
		text: `${ownBody ?? comment}\n\n${original.text ?? ''}`.trim(),
		internetMessageId: newInternetMessageId(account, mode.draft ? 'draft' : 'sent', n),
		inReplyTo: original.internetMessageId,
		references: [...(original.references ?? []), original.internetMessageId],
		threadKey: original.threadKey,
	});
}

function patchMessage(state: EmulatorState, req: EmulatorRequest, account: Account) {
	const view = resolveMessage(account, req.params.messageId);
	const input = jsonBody<MessageInput>(req);
	if (input.isRead !== undefined && typeof input.isRead !== 'boolean') {
		throw graphError(
			400,
			'BadRequest',
			"Cannot convert the literal to the expected type 'Edm.Boolean'.",
		);
	}
	if (
		input.categories !== undefined &&
		(!Array.isArray(input.categories) || input.categories.some((c) => typeof c !== 'string'))
	) {
		throw graphError(400, 'BadRequest', 'Invalid categories.');
	}
	changeMessage(state, account, view, {
		isRead: input.isRead,
		categories: input.categories,
		flagged: input.flag?.flagStatus !== undefined ? input.flag.flagStatus === 'flagged' : undefined,
	});
	return getMessage(req, account, resolveMessage(account, messageIdFor(account, view, true)));
}

function moveMessage(state: EmulatorState, req: EmulatorRequest, account: Account) {
	const view = resolveMessage(account, req.params.messageId);
	const input = jsonBody<{ destinationId?: string }>(req);
	if (typeof input.destinationId !== 'string' || !input.destinationId) {
		throw graphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
	}
	const target = resolveFolder(account, input.destinationId);
	if (target.key !== view.folderKey) changeMessage(state, account, view, { folderKey: target.key });
	return getMessage(req, account, resolveMessage(account, messageIdFor(account, view, true)), 201);
}

function deleteMessage(state: EmulatorState, req: EmulatorRequest, account: Account) {
	const view = resolveMessage(account, req.params.messageId);
	// DELETE moves to Deleted Items, as Outlook does; deleting from there removes it for good.
	if (view.folderKey === 'deleteditems') changeMessage(state, account, view, { purge: true });
	else changeMessage(state, account, view, { folderKey: 'deleteditems' });
	return respond(req, 204);
}

// ---------------------------------------------------------------- calendar

function windowParams(req: EmulatorRequest): { from: number; to: number } {
	const start = req.query.get('startDateTime') ?? req.query.get('startdatetime');
	const end = req.query.get('endDateTime') ?? req.query.get('enddatetime');
	if (!start || !end) {
		throw graphError(
			400,
			'ErrorInvalidParameter',
			'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
		);
	}
	const from = parseDateTime(start, 'UTC');
	const to = parseDateTime(end, 'UTC');
	if (from === undefined || to === undefined) {
		throw graphError(
			400,
			'ErrorInvalidParameter',
			`The parameter 'StartDateTime' or 'EndDateTime' is not a valid date.`,
		);
	}
	return { from, to };
}

function renderEvent(
	req: EmulatorRequest,
	account: Account,
	prefs: GraphPreferences,
	odataType = false,
	select = parseSelect(req.query),
) {
	return (rec: EventRecord) =>
		toGraphEvent(account, rec, { timeZone: prefs.timeZone, select, odataType });
}

function pagedEvents(req: EmulatorRequest, account: Account, records: EventRecord[], what: string) {
	const prefs = parsePrefer(req.headers.prefer);
	const { top, skip = 0 } = parseTopSkip(req.query);
	const size = Math.min(top ?? prefs.maxPageSize ?? 10, 1000);
	const body: Record<string, unknown> = {
		'@odata.context': context(req, what),
		value: records.slice(skip, skip + size).map(renderEvent(req, account, prefs)),
	};
	if (skip + size < records.length)
		body['@odata.nextLink'] = pagingLink(req, { $skip: String(skip + size) });
	return respond(req, 200, body, prefs);
}

function calendarDelta(req: EmulatorRequest, account: Account, calendarIndex: number | undefined) {
	const prefs = parsePrefer(req.headers.prefer);
	const generation = account.cursorGeneration.graph ?? 0;
	const size = Math.min(prefs.maxPageSize ?? 10, 1000);
	const skiptoken = req.query.get('$skiptoken');
	const deltatoken = req.query.get('$deltatoken');
	const seq = calendarSeq(account);
	const cal = calendarIndex ?? -1;
	let token: CalendarDeltaToken;
	if (skiptoken || deltatoken) {
		const decoded = decodeToken<CalendarDeltaToken>((skiptoken ?? deltatoken)!);
		const kindOk = deltatoken
			? decoded?.k === 'delta'
			: decoded?.k === 'initial' || decoded?.k === 'changes';
		if (
			!decoded ||
			decoded.v !== 1 ||
			!kindOk ||
			decoded.a !== account.id ||
			decoded.cal !== cal ||
			decoded.s > seq ||
			decoded.g !== generation
		) {
			cursorExpired(req, account);
		}
		token = decoded;
	} else {
		const { from, to } = windowParams(req);
		token = {
			v: 1,
			k: 'initial',
			a: account.id,
			g: generation,
			cal,
			ws: from,
			we: to,
			s: seq,
			o: 0,
		};
	}
	const render = renderEvent(req, account, prefs, true, undefined);
	const body: Record<string, unknown> = { '@odata.context': context(req, 'Collection(event)') };
	let items: Record<string, unknown>[];
	let upTo = token.s;
	if (token.k === 'initial') {
		items = calendarView(account, calendarIndex, token.ws, token.we).map(render);
	} else {
		upTo = token.k === 'changes' ? token.u! : seq;
		items = calendarChanges(account, calendarIndex, token.s, upTo, token.ws, token.we, render);
	}
	const offset = token.o ?? 0;
	body.value = items.slice(offset, offset + size);
	if (offset + size < items.length) {
		const next: CalendarDeltaToken =
			token.k === 'initial'
				? { ...token, o: offset + size }
				: { ...token, k: 'changes', u: upTo, o: offset + size };
		body['@odata.nextLink'] = link(req, { $skiptoken: encodeToken(next) });
	} else {
		body['@odata.deltaLink'] = link(req, {
			$deltatoken: encodeToken({ ...token, k: 'delta', s: upTo, u: undefined, o: undefined }),
		});
	}
	return respond(req, 200, body, prefs);
}

// ---------------------------------------------------------------- registration

export function registerGraph(router: Router, state: EmulatorState): void {
	const route = (
		method: string,
		suffix: string,
		name: string,
		scopes: string[],
		handler: Handler,
		options?: Partial<RouteOptions>,
	) => addRoute(router, state, method, suffix, name, scopes, handler, options);

	route(
		'GET',
		'',
		'graph.users.get',
		SCOPES.user,
		(req, account) => {
			const [given, ...rest] = account.name.split(' ');
			const body = {
				'@odata.context': context(req, 'users/$entity'),
				businessPhones: [],
				displayName: account.name,
				givenName: given ?? null,
				jobTitle: null,
				mail: account.email,
				mobilePhone: null,
				officeLocation: null,
				preferredLanguage: 'en-US',
				surname: rest.join(' ') || null,
				userPrincipalName: account.email,
				id: account.id,
			};
			const select = parseSelect(req.query);
			if (!select) return respond(req, 200, body);
			const wanted = new Set(select.map((s) => s.toLowerCase()));
			return respond(
				req,
				200,
				Object.fromEntries(
					Object.entries(body).filter(([k]) => k.startsWith('@') || wanted.has(k.toLowerCase())),
				),
			);
		},
		{ concurrencyLimited: false },
	);

	// Folders
	route('GET', '/mailFolders', 'graph.mailFolders.list', SCOPES.mailRead, (req, account) =>
		listFolders(req, account, ROOT_FOLDER_KEY),
	);
	route('GET', '/mailFolders/:folderId', 'graph.mailFolders.get', SCOPES.mailRead, (req, account) =>
		respond(req, 200, {
			'@odata.context': context(req, '{user}/mailFolders/$entity'),
			...toGraphFolder(account, resolveFolder(account, req.params.folderId)),
		}),
	);
	route(
		'GET',
		'/mailFolders/:folderId/childFolders',
		'graph.mailFolders.childFolders.list',
		SCOPES.mailRead,
		(req, account) => listFolders(req, account, resolveFolder(account, req.params.folderId).key),
	);
	route(
		'GET',
		'/mailFolders/:folderId/childFolders/:childId',
		'graph.mailFolders.childFolders.get',
		SCOPES.mailRead,
		(req, account) =>
			respond(
				req,
				200,
				toGraphFolder(account, childFolder(account, req.params.folderId, req.params.childId)),
			),
	);

	// Delta (both spellings Graph accepts), registered before /messages/:messageId.
	for (const fn of ['delta', 'microsoft.graph.delta()']) {
		route(
			'GET',
			`/mailFolders/:folderId/messages/${fn}`,
			'graph.mailFolders.messages.delta',
			SCOPES.mailRead,
			(req, account) => messageDelta(req, account, resolveFolder(account, req.params.folderId)),
		);
		route(
			'GET',
			`/mailFolders/:folderId/childFolders/:childId/messages/${fn}`,
			'graph.mailFolders.messages.delta',
			SCOPES.mailRead,
			(req, account) =>
				messageDelta(req, account, childFolder(account, req.params.folderId, req.params.childId)),
		);
		route('GET', `/messages/${fn}`, 'graph.messages.delta', SCOPES.mailRead, () => {
			throw graphError(
				400,
				'BadRequest',
				"Change tracking is not supported against 'microsoft.graph.message'.",
			);
		});
		route(
			'GET',
			`/calendarView/${fn}`,
			'graph.calendarView.delta',
			SCOPES.calendarRead,
			(req, account) => calendarDelta(req, account, undefined),
		);
		route(
			'GET',
			`/calendar/calendarView/${fn}`,
			'graph.calendarView.delta',
			SCOPES.calendarRead,
			(req, account) => calendarDelta(req, account, resolveCalendar(account, undefined)),
		);
		route(
			'GET',
			`/calendars/:calendarId/calendarView/${fn}`,
			'graph.calendarView.delta',
			SCOPES.calendarRead,
			(req, account) =>
				calendarDelta(req, account, resolveCalendar(account, req.params.calendarId)),
		);
	}

	// Messages
	route('GET', '/messages', 'graph.messages.list', SCOPES.mailRead, (req, account) =>
		listMessages(req, account, undefined),
	);
	route(
		'GET',
		'/mailFolders/:folderId/messages',
		'graph.mailFolders.messages.list',
		SCOPES.mailRead,
		(req, account) => listMessages(req, account, resolveFolder(account, req.params.folderId)),
	);
	route(
		'GET',
		'/mailFolders/:folderId/childFolders/:childId/messages',
		'graph.mailFolders.messages.list',
		SCOPES.mailRead,
		(req, account) =>
			listMessages(req, account, childFolder(account, req.params.folderId, req.params.childId)),
	);
	route('GET', '/messages/:messageId', 'graph.messages.get', SCOPES.mailRead, (req, account) =>
		getMessage(req, account, resolveMessage(account, req.params.messageId)),
	);
	route(
		'GET',
		'/mailFolders/:folderId/messages/:messageId',
		'graph.messages.get',
		SCOPES.mailRead,
		(req, account) =>
			getMessage(
				req,
				account,
				messageInFolder(account, resolveFolder(account, req.params.folderId), req.params.messageId),
			),
	);
	route(
		'GET',
		'/messages/:messageId/$value',
		'graph.messages.getMime',
		SCOPES.mailRead,
		(req, account) => {
			const view = resolveMessage(account, req.params.messageId);
			return respond(req, 200, view.raw(), undefined, { 'content-type': 'text/plain' });
		},
	);
	route('POST', '/messages', 'graph.messages.create', SCOPES.mailWrite, (req, account) => {
		const input = jsonBody<MessageInput>(req);
		const st = mailState(account);
		const n = ++st.sentCount;
		const view = addMessage(state, account, {
			folderKey: 'drafts',
			isRead: true,
			isDraft: true,
			subject: input.subject ?? '',
			from: owner(account),
			to: recipients(input.toRecipients),
			cc: recipients(input.ccRecipients),
			bcc: recipients(input.bccRecipients),
			...bodyParts(input.body),
			internetMessageId: newInternetMessageId(account, 'draft', n),
			threadKey: `draft:${n}`,
			categories: input.categories,
		});
		return getMessage(req, account, view, 201);
	});
	route(
		'PATCH',
		'/messages/:messageId',
		'graph.messages.update',
		SCOPES.mailWrite,
		(req, account) => patchMessage(state, req, account),
	);
	route(
		'DELETE',
		'/messages/:messageId',
		'graph.messages.delete',
		SCOPES.mailWrite,
		(req, account) => deleteMessage(state, req, account),
	);
	route(
		'POST',
		'/messages/:messageId/move',
		'graph.messages.move',
		SCOPES.mailWrite,
		(req, account) => moveMessage(state, req, account),
	);
	route('POST', '/sendMail', 'graph.users.sendMail', SCOPES.mailSend, (req, account) =>
		sendMail(state, req, account),
	);
	for (const [action, all] of [
		['reply', false],
		['replyAll', true],
	] as const) {
		route(
			'POST',
			`/messages/:messageId/${action}`,
			`graph.messages.${action}`,
			SCOPES.mailSend,
			(req, account) => {
				const original = resolveMessage(account, req.params.messageId);
				const input = req.body.length
					? jsonBody<{ comment?: string; message?: MessageInput }>(req)
					: {};
				const reply = buildReply(state, account, original, input, { all, draft: false });
				deliverToRecipients(state, account, reply);
				return respond(req, 202);
			},
		);
		const create = action === 'reply' ? 'createReply' : 'createReplyAll';
		route(
			'POST',
			`/messages/:messageId/${create}`,
			`graph.messages.${create}`,
			SCOPES.mailWrite,
			(req, account) => {
				const original = resolveMessage(account, req.params.messageId);
				const input = req.body.length
					? jsonBody<{ comment?: string; message?: MessageInput }>(req)
					: {};
				return getMessage(
					req,
					account,
					buildReply(state, account, original, input, { all, draft: true }),
					201,
				);
			},
		);
	}
	route(
		'POST',
		'/messages/:messageId/send',
		'graph.messages.send',
		SCOPES.mailSend,
		(req, account) => {
			const view = resolveMessage(account, req.params.messageId);
			if (!view.isDraft)
				throw graphError(400, 'ErrorInvalidOperation', 'Only draft messages can be sent.');
			if (view.to.length + view.cc.length + view.bcc.length === 0) {
				throw graphError(
					400,
					'ErrorInvalidRecipients',
					"At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
				);
			}
			changeMessage(state, account, view, { folderKey: 'sentitems', isDraft: false, isRead: true });
			deliverToRecipients(
				state,
				account,
				resolveMessage(account, messageIdFor(account, view, true)),
			);
			return respond(req, 202);
		},
	);

	// Calendars and events
	route('GET', '/calendars', 'graph.calendars.list', SCOPES.calendarRead, (req, account) =>
		respond(req, 200, {
			'@odata.context': context(req, '{user}/calendars'),
			value: account.calendars.calendars.map((_, i) => toGraphCalendar(account, i)),
		}),
	);
	route('GET', '/calendar', 'graph.calendars.get', SCOPES.calendarRead, (req, account) =>
		respond(req, 200, {
			'@odata.context': context(req, '{user}/calendars/$entity'),
			...toGraphCalendar(account, resolveCalendar(account, undefined)),
		}),
	);
	route(
		'GET',
		'/calendars/:calendarId',
		'graph.calendars.get',
		SCOPES.calendarRead,
		(req, account) =>
			respond(req, 200, {
				'@odata.context': context(req, '{user}/calendars/$entity'),
				...toGraphCalendar(account, resolveCalendar(account, req.params.calendarId)),
			}),
	);
	route('GET', '/events', 'graph.events.list', SCOPES.calendarRead, (req, account) =>
		pagedEvents(req, account, listEvents(account, undefined), '{user}/events'),
	);
	route(
		'GET',
		'/calendars/:calendarId/events',
		'graph.events.list',
		SCOPES.calendarRead,
		(req, account) =>
			pagedEvents(
				req,
				account,
				listEvents(account, resolveCalendar(account, req.params.calendarId)),
				'{user}/events',
			),
	);
	for (const suffix of [
		'/calendarView',
		'/calendar/calendarView',
		'/calendars/:calendarId/calendarView',
	]) {
		route('GET', suffix, 'graph.calendarView.list', SCOPES.calendarRead, (req, account) => {
			const { from, to } = windowParams(req);
			const calendar =
				suffix === '/calendarView' ? undefined : resolveCalendar(account, req.params.calendarId);
			return pagedEvents(
				req,
				account,
				calendarView(account, calendar, from, to),
				'{user}/calendarView',
			);
		});
	}
	const created = (req: EmulatorRequest, account: Account, calendar: number) => {
		const prefs = parsePrefer(req.headers.prefer);
		const rec = createEvent(state, account, calendar, jsonBody(req));
		return respond(
			req,
			201,
			{
				'@odata.context': context(req, '{user}/events/$entity'),
				...renderEvent(req, account, prefs, false, undefined)(rec),
			},
			prefs,
		);
	};
	route('POST', '/events', 'graph.events.create', SCOPES.calendarWrite, (req, account) =>
		created(req, account, resolveCalendar(account, undefined)),
	);
	route('POST', '/calendar/events', 'graph.events.create', SCOPES.calendarWrite, (req, account) =>
		created(req, account, resolveCalendar(account, undefined)),
	);
	route(
		'POST',
		'/calendars/:calendarId/events',
		'graph.events.create',
		SCOPES.calendarWrite,
		(req, account) => created(req, account, resolveCalendar(account, req.params.calendarId)),
	);
	route('GET', '/events/:eventId', 'graph.events.get', SCOPES.calendarRead, (req, account) => {
		const prefs = parsePrefer(req.headers.prefer);
		const rec = resolveEvent(account, req.params.eventId);
		return respond(
			req,
			200,
			{
				'@odata.context': context(req, '{user}/events/$entity'),
				...renderEvent(req, account, prefs)(rec),
			},
			prefs,
		);
	});
	route(
		'PATCH',
		'/events/:eventId',
		'graph.events.update',
		SCOPES.calendarWrite,
		(req, account) => {
			const prefs = parsePrefer(req.headers.prefer);
			const rec = updateEvent(
				state,
				account,
				resolveEvent(account, req.params.eventId),
				jsonBody(req),
			);
			return respond(
				req,
				200,
				{
					'@odata.context': context(req, '{user}/events/$entity'),
					...renderEvent(req, account, prefs, false, undefined)(rec),
				},
				prefs,
			);
		},
	);
	route(
		'DELETE',
		'/events/:eventId',
		'graph.events.delete',
		SCOPES.calendarWrite,
		(req, account) => {
			deleteEvent(state, account, resolveEvent(account, req.params.eventId));
			return respond(req, 204);
		},
	);
	route(
		'POST',
		'/events/:eventId/cancel',
		'graph.events.cancel',
		SCOPES.calendarWrite,
		(req, account) => {
			const rec = resolveEvent(account, req.params.eventId);
			if (!rec.isOrganizer)
				throw graphError(
					400,
					'ErrorAccessDenied',
					"Your request can't be completed. You need to be an organizer to cancel a meeting.",
				);
			deleteEvent(state, account, rec, true);
			return respond(req, 202);
		},
	);

	// Control (standalone emulator): POST /_emulator/graph/deliver {email, count?, folder?, from?,
	// subject?} makes mail arrive as deliverGraphMessages does; answers the new immutable ids.
	router.add(
		'POST',
		'/_emulator/graph/deliver',
		{ name: 'control.graphDeliver', surface: 'control' },
		(req) => {
			const body = (req.body.length ? req.json<Record<string, unknown>>() : {}) ?? {};
			const email = typeof body.email === 'string' ? body.email : '';
			if (state.getAccount(email)?.provider !== 'microsoft') {
				return { status: 400, body: { error: 'email of a known Microsoft account required' } };
			}
			const count = body.count === undefined ? 1 : Number(body.count);
			if (!Number.isInteger(count) || count < 1 || count > 10_000) {
				return { status: 400, body: { error: '"count" must be a whole number from 1 to 10000' } };
			}
			const from = body.from as GeneratedAddress | undefined;
			if (from !== undefined && (typeof from !== 'object' || typeof from?.email !== 'string')) {
				return { status: 400, body: { error: '"from" must be {"email", "name"}' } };
			}
			try {
				const ids = deliverGraphMessages(state, email, count, {
					folder: typeof body.folder === 'string' ? body.folder : undefined,
					from: from ? { email: from.email, name: from.name } : undefined,
					subject: typeof body.subject === 'string' ? body.subject : undefined,
				});
				return { status: 200, body: { messages: ids.map((id) => ({ id })) } };
			} catch (error) {
				if (error instanceof EmulatorHttpError) {
					return { status: 404, body: { error: `no folder "${String(body.folder)}"` } };
				}
				throw error;
			}
		},
	);

	registerGraphBatch(router);
}
