// Gmail API v1 routes (https://developers.google.com/gmail/api/reference/rest), served from the
// per-account GmailMailboxState. Lists stream through the virtual mailbox; page tokens carry the
// next position to scan, so they stay valid while mail arrives.

import { googleError, type EmulatorRequest, type EmulatorResponse } from '../core/http';
import type { Router, RouteOptions } from '../core/router';
import type { Account, EmulatorState } from '../core/state';
import {
	parseBatchRequest,
	serializeBatchResponse,
	BatchFormatError,
	boundaryOf,
} from './gmailBatch';
import { decodeToken, encodeToken, fromBase64Url, isBase64Url, toBase64Url } from './gmailEncoding';
import {
	GmailMailboxState,
	type GmailMessageView,
	type HistoryRecord,
	type HistoryType,
	type StoredMessage,
} from './gmailMailbox';
import {
	decodedBody,
	findPart,
	headerValue,
	parseHeaderBlock,
	parseMime,
	parseStructuredHeader,
	splitHeaderBody,
	splitMultipart,
	toGmailPart,
} from './gmailMime';
import { GmailQueryError, parseGmailQuery } from './gmailQuery';

const AUTH = 'https://www.googleapis.com/auth/';
const FULL = 'https://mail.google.com/';
export const GMAIL_SCOPES = {
	read: [FULL, AUTH + 'gmail.modify', AUTH + 'gmail.readonly', AUTH + 'gmail.metadata'],
	profile: [
		FULL,
		AUTH + 'gmail.modify',
		AUTH + 'gmail.readonly',
		AUTH + 'gmail.metadata',
		AUTH + 'gmail.compose',
	],
	labels: [
		FULL,
		AUTH + 'gmail.modify',
		AUTH + 'gmail.readonly',
		AUTH + 'gmail.metadata',
		AUTH + 'gmail.labels',
	],
	// Bodies (attachments) are not readable with gmail.metadata.
	readBodies: [FULL, AUTH + 'gmail.modify', AUTH + 'gmail.readonly'],
	send: [FULL, AUTH + 'gmail.modify', AUTH + 'gmail.compose', AUTH + 'gmail.send'],
	modify: [FULL, AUTH + 'gmail.modify'],
	insert: [FULL, AUTH + 'gmail.modify', AUTH + 'gmail.insert'],
	delete: [FULL],
	drafts: [FULL, AUTH + 'gmail.modify', AUTH + 'gmail.readonly', AUTH + 'gmail.compose'],
	settingsRead: [
		FULL,
		AUTH + 'gmail.modify',
		AUTH + 'gmail.readonly',
		AUTH + 'gmail.settings.basic',
	],
};

type Format = 'full' | 'metadata' | 'minimal' | 'raw';

const NOT_FOUND = 'Requested entity was not found.';

function notFound(): never {
	throw googleError(404, NOT_FOUND, 'notFound');
}

function invalid(message: string): never {
	throw googleError(400, message, 'invalidArgument');
}

/** Resolves `userId` ('me' or the account's own address) to the mailbox state. */
function mailboxFor(req: EmulatorRequest): GmailMailboxState {
	const account = req.account as Account;
	const userId = req.params.userId;
	if (userId !== 'me' && userId.toLowerCase() !== account.email.toLowerCase()) {
		throw googleError(403, `Delegation denied for ${account.email}`, 'forbidden');
	}
	return GmailMailboxState.of(account);
}

function hasOnlyMetadataScope(req: EmulatorRequest): boolean {
	const grant = req.grant;
	if (!grant || grant.allScopes) return false;
	return (
		grant.scopes.includes(AUTH + 'gmail.metadata') &&
		!GMAIL_SCOPES.readBodies.some((s) => grant.scopes.includes(s))
	);
}

function parseFormat(req: EmulatorRequest): Format {
	const format = (req.query.get('format') ?? 'full').toLowerCase();
	if (!['full', 'metadata', 'minimal', 'raw'].includes(format)) {
		invalid(`Invalid value at 'format' (${req.query.get('format')})`);
	}
	if ((format === 'full' || format === 'raw') && hasOnlyMetadataScope(req)) {
		throw googleError(
			403,
			`Metadata scope doesn't allow format ${format.toUpperCase()}`,
			'forbidden',
		);
	}
	return format as Format;
}

function parseMaxResults(req: EmulatorRequest, fallback: number, max: number): number {
	const text = req.query.get('maxResults');
	if (text === null || text === '') return fallback;
	const n = Number(text);
	if (!Number.isInteger(n) || n < 0) invalid(`Invalid value for maxResults: ${text}`);
	return n === 0 ? fallback : Math.min(n, max);
}

function checkId(id: string): void {
	if (!/^[0-9a-f]{1,32}$/i.test(id)) invalid('Invalid id value');
}

function existingView(mb: GmailMailboxState, id: string): GmailMessageView {
	checkId(id);
	return mb.view(id) ?? notFound();
}

/** The message resource in the requested format, with fields in Gmail's order. */
export function messageResource(
	v: GmailMessageView,
	format: Format,
	metadataHeaders: string[] = [],
): Record<string, unknown> {
	const raw = v.raw();
	const out: Record<string, unknown> = { id: v.id, threadId: v.threadId };
	if (v.labelIds.length > 0) out.labelIds = [...v.labelIds];
	out.snippet = v.snippet;
	if (format === 'full') {
		out.payload = toGmailPart(parseMime(raw), v.id);
	} else if (format === 'metadata') {
		const { head } = splitHeaderBody(raw);
		const headers = parseHeaderBlock(head);
		const wanted = metadataHeaders.map((h) => h.toLowerCase());
		const ct = parseStructuredHeader(headerValue(headers, 'content-type'));
		out.payload = {
			partId: '',
			mimeType: ct.value || 'text/plain',
			filename: '',
			headers: headers
				.filter((h) => wanted.length === 0 || wanted.includes(h.name.toLowerCase()))
				.map((h) => ({ name: h.name, value: h.value })),
		};
	}
	out.sizeEstimate = raw.length;
	out.historyId = String(v.historyId);
	out.internalDate = String(v.internalDate);
	if (format === 'raw') out.raw = toBase64Url(raw);
	return out;
}

function minimalRef(v: { id: string; threadId: string }) {
	return { id: v.id, threadId: v.threadId };
}

interface ListToken {
	p: number; // next position to scan (downwards)
	k: string; // the query the token belongs to
}

function listKey(req: EmulatorRequest): string {
	return JSON.stringify([
		req.query.get('q') ?? '',
		req.query.getAll('labelIds'),
		req.query.get('includeSpamTrash') ?? '',
	]);
}

/** Streams matching messages newest first from the token's position; returns one page. */
function listPage(
	req: EmulatorRequest,
	mb: GmailMailboxState,
	now: number,
	makeExtraFilter?: (matches: (v: GmailMessageView) => boolean) => (v: GmailMessageView) => boolean,
) {
	if (req.query.get('q') && hasOnlyMetadataScope(req)) {
		throw googleError(403, "Metadata scope does not support 'q' parameter", 'forbidden');
	}
	let query;
	try {
		query = parseGmailQuery(req.query.get('q') ?? undefined, now, {
			resolve: (n) => mb.resolveLabel(n),
		});
	} catch (e) {
		if (e instanceof GmailQueryError) invalid(e.message);
		throw e;
	}
	const labelIds = req.query
		.getAll('labelIds')
		.flatMap((l) => l.split(','))
		.filter(Boolean);
	const includeSpamTrash =
		req.query.get('includeSpamTrash') === 'true' ||
		query.includesSpamTrash ||
		labelIds.includes('SPAM') ||
		labelIds.includes('TRASH');
	const maxResults = parseMaxResults(req, 100, 500);
	const key = listKey(req);
	let start = mb.totalPositions - 1;
	const pageToken = req.query.get('pageToken');
	if (pageToken) {
		const token = decodeToken<ListToken>(pageToken);
		if (!token || typeof token.p !== 'number' || token.k !== key) invalid('Invalid pageToken');
		start = token.p;
	}
	const matches = (v: GmailMessageView): boolean =>
		(includeSpamTrash || !(v.labelIds.includes('SPAM') || v.labelIds.includes('TRASH'))) &&
		labelIds.every((l) => v.labelIds.includes(l)) &&
		(query.isEmpty || query.matches(mb.queryTarget(v)));
	const extraFilter = makeExtraFilter?.(matches);
	const found: GmailMessageView[] = [];
	let nextPosition: number | undefined;
	let scanned = 0;
	for (let p = start; p >= 0; p--) {
		const v = mb.viewAt(p);
		scanned++;
		if (!v || !matches(v)) continue;
		if (extraFilter && !extraFilter(v)) continue;
		if (found.length === maxResults) {
			nextPosition = p;
			break;
		}
		found.push(v);
	}
	// Gmail's resultSizeEstimate is an estimate; extrapolate from the share of matches scanned.
	let estimate = found.length;
	if (nextPosition !== undefined) {
		estimate = Math.round(
			found.length + (found.length / Math.max(1, scanned)) * (nextPosition + 1),
		);
	}
	return {
		found,
		nextPageToken:
			nextPosition === undefined
				? undefined
				: encodeToken({ p: nextPosition, k: key } satisfies ListToken),
		resultSizeEstimate: estimate,
	};
}

function historyRecordResource(r: HistoryRecord): Record<string, unknown> {
	const message = { id: r.messageId, threadId: r.threadId };
	const out: Record<string, unknown> = { id: String(r.id), messages: [message] };
	const withLabels = { ...message, labelIds: r.messageLabelIds };
	switch (r.type) {
		case 'messageAdded':
			out.messagesAdded = [{ message: withLabels }];
			break;
		case 'messageDeleted':
			out.messagesDeleted = [{ message }];
			break;
		case 'labelAdded':
			out.labelsAdded = [{ message: withLabels, labelIds: r.changedLabelIds }];
			break;
		case 'labelRemoved':
			out.labelsRemoved = [{ message: withLabels, labelIds: r.changedLabelIds }];
			break;
	}
	return out;
}

const HISTORY_TYPES: HistoryType[] = [
	'messageAdded',
	'messageDeleted',
	'labelAdded',
	'labelRemoved',
];

// ---- drafts: generated messages labelled DRAFT, addressed by a draft id derived from the message id

export function draftIdOf(messageId: string): string {
	return 'r' + BigInt('0x' + messageId).toString();
}

function messageIdOfDraft(draftId: string): string | undefined {
	const m = /^r-?(\d{1,25})$/.exec(draftId);
	if (!m) return undefined;
	return BigInt(m[1]).toString(16);
}

// ---- sending -----------------------------------------------------------------------------------

function headerBlockHas(raw: Buffer, name: string): boolean {
	const { head } = splitHeaderBody(raw);
	return parseHeaderBlock(head, false).some((h) => h.name.toLowerCase() === name);
}

/** Gmail fills in Date, Message-ID and From when the client left them out. */
function completeOutgoing(raw: Buffer, account: Account, id: string, now: number): Buffer {
	const extra: string[] = [];
	if (!headerBlockHas(raw, 'from')) extra.push(`From: ${account.email}`);
	if (!headerBlockHas(raw, 'date'))
		extra.push(`Date: ${new Date(now).toUTCString().replace('GMT', '+0000')}`);
	if (!headerBlockHas(raw, 'message-id'))
		extra.push(`Message-ID: <emu.${id}.${now}@mail.gmail.com>`);
	if (extra.length === 0) return raw;
	return Buffer.concat([Buffer.from(extra.join('\r\n') + '\r\n'), raw]);
}

interface OutgoingRequest {
	raw: Buffer;
	threadId?: string;
	labelIds?: string[];
}

/** Reads the message from a JSON body, or from an /upload request (media or multipart). */
function readOutgoing(req: EmulatorRequest): OutgoingRequest {
	if (req.path.startsWith('/upload/')) {
		const uploadType = req.query.get('uploadType') ?? 'media';
		if (uploadType === 'media') {
			return { raw: req.body };
		}
		if (uploadType === 'multipart') {
			const ct = parseStructuredHeader(req.headers['content-type']);
			if (!ct.params.boundary) invalid('Multipart upload requires a boundary');
			const parts = splitMultipart(req.body, ct.params.boundary);
			if (parts.length < 2) invalid('Multipart upload needs metadata and media parts');
			const meta = splitHeaderBody(parts[0]).body.toString('utf8').trim();
			const metadata = (meta ? JSON.parse(meta) : {}) as { threadId?: string; labelIds?: string[] };
			return {
				raw: splitHeaderBody(parts[1]).body,
				threadId: metadata.threadId,
				labelIds: metadata.labelIds,
			};
		}
		invalid(`Unsupported uploadType ${uploadType}`);
	}
	const body =
		req.body.length > 0 ? req.json<{ raw?: string; threadId?: string; labelIds?: string[] }>() : {};
	if (!body.raw || !isBase64Url(body.raw)) {
		invalid("'raw' RFC822 payload message string or uploading message via /upload/* URL required");
	}
	return { raw: fromBase64Url(body.raw), threadId: body.threadId, labelIds: body.labelIds };
}

function recipientsOf(raw: Buffer): string {
	const headers = parseHeaderBlock(splitHeaderBody(raw).head);
	return ['to', 'cc', 'bcc'].map((n) => headerValue(headers, n) ?? '').join(',');
}

export function sendMessage(
	state: EmulatorState,
	account: Account,
	outgoing: OutgoingRequest,
): StoredMessage {
	const mb = GmailMailboxState.of(account);
	const recipients = recipientsOf(outgoing.raw);
	if (!/@/.test(recipients)) invalid('Recipient address required');
	const now = state.now();
	const raw = completeOutgoing(outgoing.raw, account, `${mb.totalPositions}`, now);
	const labels = ['SENT'];
	// Mail to oneself lands in the inbox too, as in Gmail.
	if (recipients.toLowerCase().includes(account.email.toLowerCase()))
		labels.push('INBOX', 'UNREAD');
	return mb.addMessage(raw, labels, now, outgoing.threadId);
}

/**
 * Test hook: new inbound mail arrives in `email`'s mailbox — `count` generated messages or the
 * given raw RFC 5322 messages. Each delivery records messageAdded history.
 */
export function deliverGmailMessages(
	state: EmulatorState,
	email: string,
	what: number | (Buffer | string)[],
	labelIds: string[] = ['INBOX', 'UNREAD'],
): { id: string; threadId: string; labelIds: string[] }[] {
	const account = state.getAccount(email);
	if (!account) throw new Error(`no account ${email}`);
	const mb = GmailMailboxState.of(account);
	const stored =
		typeof what === 'number'
			? mb.deliverGenerated(what, state.now())
			: what.map((raw) =>
					mb.addMessage(
						typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw,
						labelIds,
						state.now(),
					),
				);
	return stored.map((s) => ({ id: s.id, threadId: s.threadId, labelIds: [...s.labelIds] }));
}

// ---- routes ------------------------------------------------------------------------------------

export function registerGmail(router: Router, state: EmulatorState): void {
	const base = '/gmail/v1/users/:userId';
	const route = (
		method: string,
		path: string,
		name: string,
		scopes: string[],
		quotaUnits: number,
		handler: (
			req: EmulatorRequest,
			mb: GmailMailboxState,
		) => EmulatorResponse | Promise<EmulatorResponse>,
	) => {
		const options: RouteOptions = {
			name: `gmail.users.${name}`,
			surface: 'gmail',
			auth: { provider: 'google', anyOfScopes: scopes },
			quotaUnits,
		};
		router.add(method, path, options, (req) => handler(req, mailboxFor(req)));
	};
	const ok = (body: unknown): EmulatorResponse => ({ status: 200, body });

	route('GET', `${base}/profile`, 'getProfile', GMAIL_SCOPES.profile, 1, (_req, mb) =>
		ok({
			emailAddress: mb.mailbox.owner.email,
			messagesTotal: mb.messagesTotal(),
			threadsTotal: mb.threadsTotal(),
			historyId: String(mb.historyId),
		}),
	);

	const labelResource = (mb: GmailMailboxState, id: string, withCounts: boolean) => {
		const label = mb.label(id) ?? notFound();
		const out: Record<string, unknown> = { id: label.id, name: label.name };
		if (label.type === 'user') {
			out.messageListVisibility = 'show';
			out.labelListVisibility = 'labelShow';
		} else if (
			['INBOX', 'SENT', 'DRAFT', 'STARRED', 'IMPORTANT', 'TRASH', 'SPAM', 'CHAT'].includes(label.id)
		) {
			out.messageListVisibility = 'hide';
			out.labelListVisibility = 'labelShow';
		}
		out.type = label.type;
		if (withCounts) {
			const c = mb.counts().labels.get(id);
			out.messagesTotal = c?.messagesTotal ?? 0;
			out.messagesUnread = c?.messagesUnread ?? 0;
			out.threadsTotal = c?.threadsTotal ?? 0;
			out.threadsUnread = c?.threadsUnread ?? 0;
		}
		return out;
	};
	route('GET', `${base}/labels`, 'labels.list', GMAIL_SCOPES.labels, 1, (_req, mb) =>
		ok({ labels: mb.labels().map((l) => labelResource(mb, l.id, false)) }),
	);
	route('GET', `${base}/labels/:id`, 'labels.get', GMAIL_SCOPES.labels, 1, (req, mb) =>
		ok(labelResource(mb, req.params.id, true)),
	);

	// The account's own address only (aliases are not emulated), with the display name Gmail shows
	// for it, in the SendAs resource's shape (users.settings.sendAs.list).
	route(
		'GET',
		`${base}/settings/sendAs`,
		'settings.sendAs.list',
		GMAIL_SCOPES.settingsRead,
		1,
		(req, mb) =>
			ok({
				sendAs: [
					{
						sendAsEmail: mb.mailbox.owner.email,
						displayName: (req.account as Account).name,
						replyToAddress: '',
						signature: '',
						isPrimary: true,
						isDefault: true,
					},
				],
			}),
	);

	route('GET', `${base}/messages`, 'messages.list', GMAIL_SCOPES.read, 5, (req, mb) => {
		const page = listPage(req, mb, state.now());
		const body: Record<string, unknown> = {};
		if (page.found.length > 0) body.messages = page.found.map(minimalRef);
		if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
		body.resultSizeEstimate = page.resultSizeEstimate;
		return ok(body);
	});

	// Literal paths before ':id' ones.
	const sendHandler = (req: EmulatorRequest) => {
		const sent = sendMessage(state, req.account as Account, readOutgoing(req));
		return ok({ id: sent.id, threadId: sent.threadId, labelIds: [...sent.labelIds] });
	};
	route('POST', `${base}/messages/send`, 'messages.send', GMAIL_SCOPES.send, 100, sendHandler);
	route(
		'POST',
		`/upload${base}/messages/send`,
		'messages.send',
		GMAIL_SCOPES.send,
		100,
		sendHandler,
	);

	const insertHandler = (req: EmulatorRequest, mb: GmailMailboxState) => {
		const incoming = readOutgoing(req);
		const stored = mb.addMessage(
			incoming.raw,
			incoming.labelIds ?? [],
			state.now(),
			incoming.threadId,
		);
		return ok({ id: stored.id, threadId: stored.threadId, labelIds: [...stored.labelIds] });
	};
	route(
		'POST',
		`${base}/messages/import`,
		'messages.import',
		GMAIL_SCOPES.insert,
		25,
		insertHandler,
	);
	route(
		'POST',
		`/upload${base}/messages/import`,
		'messages.import',
		GMAIL_SCOPES.insert,
		25,
		insertHandler,
	);
	route('POST', `${base}/messages`, 'messages.insert', GMAIL_SCOPES.insert, 25, insertHandler);
	route(
		'POST',
		`/upload${base}/messages`,
		'messages.insert',
		GMAIL_SCOPES.insert,
		25,
		insertHandler,
	);

	const checkLabels = (mb: GmailMailboxState, ids: string[] | undefined) => {
		for (const id of ids ?? []) {
			if (!mb.label(id)) invalid(`Invalid label: ${id}`);
		}
		return ids ?? [];
	};
	route(
		'POST',
		`${base}/messages/batchModify`,
		'messages.batchModify',
		GMAIL_SCOPES.modify,
		50,
		(req, mb) => {
			const body = req.json<{
				ids?: string[];
				addLabelIds?: string[];
				removeLabelIds?: string[];
			}>();
			const ids = body.ids ?? [];
			if (ids.length > 1000) invalid('Too many ids: at most 1000 are allowed');
			const add = checkLabels(mb, body.addLabelIds);
			const remove = checkLabels(mb, body.removeLabelIds);
			for (const id of ids) {
				checkId(id);
				mb.modifyLabels(id, add, remove);
			}
			return { status: 204 };
		},
	);
	route(
		'POST',
		`${base}/messages/batchDelete`,
		'messages.batchDelete',
		GMAIL_SCOPES.delete,
		50,
		(req, mb) => {
			const body = req.json<{ ids?: string[] }>();
			for (const id of body.ids ?? []) {
				checkId(id);
				mb.deleteMessage(id);
			}
			return { status: 204 };
		},
	);

	route('GET', `${base}/messages/:id`, 'messages.get', GMAIL_SCOPES.read, 5, (req, mb) => {
		const format = parseFormat(req);
		const v = existingView(mb, req.params.id);
		return ok(
			messageResource(
				v,
				format,
				req.query.getAll('metadataHeaders').flatMap((h) => h.split(',')),
			),
		);
	});
	route(
		'POST',
		`${base}/messages/:id/modify`,
		'messages.modify',
		GMAIL_SCOPES.modify,
		5,
		(req, mb) => {
			existingView(mb, req.params.id);
			const body = req.json<{ addLabelIds?: string[]; removeLabelIds?: string[] }>();
			const v = mb.modifyLabels(
				req.params.id,
				checkLabels(mb, body.addLabelIds),
				checkLabels(mb, body.removeLabelIds),
			)!;
			return ok({ id: v.id, threadId: v.threadId, labelIds: [...v.labelIds] });
		},
	);
	route(
		'POST',
		`${base}/messages/:id/trash`,
		'messages.trash',
		GMAIL_SCOPES.modify,
		5,
		(req, mb) => {
			existingView(mb, req.params.id);
			const v = mb.modifyLabels(req.params.id, ['TRASH'], ['INBOX'])!;
			return ok({ id: v.id, threadId: v.threadId, labelIds: [...v.labelIds] });
		},
	);
	route(
		'POST',
		`${base}/messages/:id/untrash`,
		'messages.untrash',
		GMAIL_SCOPES.modify,
		5,
		(req, mb) => {
			existingView(mb, req.params.id);
			const v = mb.modifyLabels(req.params.id, [], ['TRASH'])!;
			return ok({ id: v.id, threadId: v.threadId, labelIds: [...v.labelIds] });
		},
	);
	route('DELETE', `${base}/messages/:id`, 'messages.delete', GMAIL_SCOPES.delete, 10, (req, mb) => {
		existingView(mb, req.params.id);
		mb.deleteMessage(req.params.id);
		return { status: 204 };
	});
	route(
		'GET',
		`${base}/messages/:messageId/attachments/:id`,
		'messages.attachments.get',
		GMAIL_SCOPES.readBodies,
		5,
		(req, mb) => {
			const v = existingView(mb, req.params.messageId);
			const ref = decodeToken<{ m: string; p: string }>(req.params.id.replace(/^ANGjdJ/, ''));
			if (!ref || ref.m !== v.id) invalid('Invalid attachment token');
			const part = findPart(parseMime(v.raw()), ref.p) ?? notFound();
			const bytes = decodedBody(part);
			return ok({ attachmentId: req.params.id, size: bytes.length, data: toBase64Url(bytes) });
		},
	);

	route('GET', `${base}/threads`, 'threads.list', GMAIL_SCOPES.read, 10, (req, mb) => {
		// A thread is listed once, at its newest matching message (stable across pages).
		const page = listPage(
			req,
			mb,
			state.now(),
			(matches) => (v) =>
				!mb.threadPositions(v.threadId).some((p) => p > v.position && matches(mb.viewAt(p)!)),
		);
		const body: Record<string, unknown> = {};
		if (page.found.length > 0) {
			body.threads = page.found.map((v) => ({
				id: v.threadId,
				snippet: v.snippet,
				historyId: String(v.historyId),
			}));
		}
		if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
		body.resultSizeEstimate = page.resultSizeEstimate;
		return ok(body);
	});
	route('GET', `${base}/threads/:id`, 'threads.get', GMAIL_SCOPES.read, 10, (req, mb) => {
		const format = parseFormat(req);
		checkId(req.params.id);
		const positions = mb.threadPositions(req.params.id);
		if (positions.length === 0) notFound();
		const metadataHeaders = req.query.getAll('metadataHeaders').flatMap((h) => h.split(','));
		const views = positions.map((p) => mb.viewAt(p)!);
		return ok({
			id: req.params.id,
			historyId: String(Math.max(...views.map((v) => v.historyId))),
			messages: views.map((v) =>
				messageResource(v, format === 'raw' ? 'full' : format, metadataHeaders),
			),
		});
	});

	route('GET', `${base}/history`, 'history.list', GMAIL_SCOPES.read, 2, (req, mb) => {
		const startText = req.query.get('startHistoryId');
		if (!startText) invalid('Missing required field: startHistoryId');
		if (!/^\d+$/.test(startText)) invalid(`Invalid startHistoryId: ${startText}`);
		const types = req.query
			.getAll('historyTypes')
			.flatMap((t) => t.split(','))
			.filter(Boolean);
		for (const t of types) {
			if (!HISTORY_TYPES.includes(t as HistoryType))
				invalid(`Invalid value at 'history_types' (${t})`);
		}
		const labelId = req.query.get('labelId') ?? undefined;
		const maxResults = parseMaxResults(req, 100, 500);
		let after = Number(startText);
		const pageToken = req.query.get('pageToken');
		if (pageToken) {
			const token = decodeToken<{ a: number; s: number }>(pageToken);
			if (!token || typeof token.a !== 'number' || token.s !== Number(startText))
				invalid('Invalid pageToken');
			after = token.a;
		}
		if (Number(startText) < mb.historyFloor) notFound();
		const records: HistoryRecord[] = [];
		let next: number | undefined;
		for (const r of mb.historyAfter(after)) {
			if (types.length > 0 && !types.includes(r.type)) continue;
			if (
				labelId &&
				!r.messageLabelIds.includes(labelId) &&
				!(r.changedLabelIds ?? []).includes(labelId)
			)
				continue;
			if (records.length === maxResults) {
				next = records[records.length - 1].id;
				break;
			}
			records.push(r);
		}
		const body: Record<string, unknown> = {};
		if (records.length > 0) body.history = records.map(historyRecordResource);
		if (next !== undefined) body.nextPageToken = encodeToken({ a: next, s: Number(startText) });
		body.historyId = String(mb.historyId);
		return ok(body);
	});

	route('GET', `${base}/drafts`, 'drafts.list', GMAIL_SCOPES.drafts, 5, (req, mb) => {
		const page = listPage(req, mb, state.now(), () => (v) => v.labelIds.includes('DRAFT'));
		const body: Record<string, unknown> = {};
		if (page.found.length > 0) {
			body.drafts = page.found.map((v) => ({ id: draftIdOf(v.id), message: minimalRef(v) }));
		}
		if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
		body.resultSizeEstimate = page.resultSizeEstimate;
		return ok(body);
	});
	route('GET', `${base}/drafts/:id`, 'drafts.get', GMAIL_SCOPES.drafts, 5, (req, mb) => {
		const format = parseFormat(req);
		const messageId = messageIdOfDraft(req.params.id);
		if (!messageId) invalid('Invalid draft id');
		const v = mb.view(messageId);
		if (!v || !v.labelIds.includes('DRAFT')) notFound();
		return ok({ id: req.params.id, message: messageResource(v, format) });
	});

	// Control (standalone emulator): POST /_emulator/gmail/deliver {email, count} or {email, raw: [base64url]}.
	router.add(
		'POST',
		'/_emulator/gmail/deliver',
		{ name: 'control.gmailDeliver', surface: 'control' },
		(req) => {
			const body = req.json<{
				email?: string;
				count?: number;
				raw?: string[];
				labelIds?: string[];
			}>();
			if (!body.email || !state.getAccount(body.email)) {
				return { status: 400, body: { error: 'email of a known account required' } };
			}
			const what = body.raw ? body.raw.map((r) => fromBase64Url(r)) : Number(body.count ?? 1);
			return {
				status: 200,
				body: { messages: deliverGmailMessages(state, body.email, what, body.labelIds) },
			};
		},
	);

	// Batch: every inner request goes through router.dispatch, so it is authenticated, counted,
	// quota-charged and faultable on its own.
	router.add('POST', '/batch/gmail/v1', { name: 'gmail.batch', surface: 'gmail' }, async (req) => {
		let inner;
		try {
			inner = parseBatchRequest(req.body, req.headers['content-type'], req.headers);
		} catch (e) {
			if (e instanceof BatchFormatError) invalid(e.message);
			throw e;
		}
		if (inner.length === 0) invalid('A batch request must contain at least one part');
		if (inner.length > 100) {
			invalid('Too many requests in batch: a batch request may contain at most 100 calls.');
		}
		const responses = [];
		for (const part of inner) {
			let response: EmulatorResponse;
			try {
				response = await router.dispatch({
					method: part.method,
					url: part.url,
					headers: part.headers,
					body: part.body,
				});
			} catch {
				response = {
					status: 500,
					body: { error: { code: 500, message: 'Backend Error', status: 'INTERNAL' } },
				};
			}
			if (response.destroySocket) {
				response = {
					status: 503,
					body: {
						error: {
							code: 503,
							message: 'The service is currently unavailable.',
							status: 'UNAVAILABLE',
						},
					},
				};
			}
			responses.push({
				contentId: part.contentId,
				status: response.status,
				headers: response.headers,
				body: response.body,
			});
		}
		const boundary = `batch_${
			boundaryOf(req.headers['content-type'])
				?.replace(/[^A-Za-z0-9_]/g, '')
				.slice(0, 20) ?? 'x'
		}_emu`;
		return {
			status: 200,
			headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}` },
			body: serializeBatchResponse(responses, boundary),
		};
	});
}
