// Gmail API v1 through the official client (@googleapis/gmail) against the emulator.
import { auth, gmail as gmailApi, type gmail_v1 } from '@googleapis/gmail';
import PostalMime from 'postal-mime';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { startEmulator } from './index';
import { deliverGmailMessages } from './google/gmail';
import { parseBatchResponse } from './google/gmailBatch';
import { fromBase64Url, toBase64Url } from './google/gmailEncoding';
import { GmailMailboxState } from './google/gmailMailbox';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const isSpamOrTrash = (labels: readonly string[]) =>
	labels.includes('SPAM') || labels.includes('TRASH');

const AUTH = 'https://www.googleapis.com/auth/';

function clientFor(emu: Emulator, accessToken: string): gmail_v1.Gmail {
	const oauth = new auth.OAuth2();
	oauth.setCredentials({ access_token: accessToken });
	// Jest's CommonJS sandbox cannot run gaxios' dynamic import of node-fetch; Node's fetch is what
	// gaxios would pick outside jest anyway.
	return gmailApi({
		version: 'v1',
		rootUrl: emu.urls.googleApis,
		auth: oauth,
		fetchImplementation: fetch,
	});
}

async function statusOf(
	p: Promise<unknown>,
): Promise<{ status?: number; reason?: string; headers?: Record<string, string> }> {
	try {
		await p;
		return { status: 200 };
	} catch (e) {
		const err = e as {
			status?: number;
			response?: {
				status: number;
				headers: Headers | Record<string, string>;
				data?: { error?: { errors?: { reason: string }[] } };
			};
		};
		const h = err.response?.headers;
		const headers: Record<string, string> = {};
		if (h && typeof (h as Headers).forEach === 'function')
			(h as Headers).forEach((v, k) => (headers[k] = v));
		else Object.assign(headers, h ?? {});
		return {
			status: err.response?.status ?? err.status,
			reason: err.response?.data?.error?.errors?.[0]?.reason,
			headers,
		};
	}
}

describe('Gmail API v1 emulator (1,000-message mailbox)', () => {
	let emu: Emulator;
	let gmail: gmail_v1.Gmail;
	let email: string;

	beforeAll(async () => {
		emu = await startEmulator({ seed: 'gmail-test', messages: 1000 });
		email = emu.sandbox.googleEmail;
		gmail = clientFor(emu, emu.sandbox.accessToken);
		// Tests fire calls faster than 250 units/s; the per-user quota has its own test below.
		emu.control.setQuota({ enabled: false });
	});
	afterAll(async () => {
		await emu?.stop();
	});

	const mailbox = () => emu.state.getAccount(email)!.mailbox;

	test('getProfile and labels', async () => {
		const { data } = await gmail.users.getProfile({ userId: 'me' });
		expect(data.emailAddress).toBe(email);
		expect(data.messagesTotal).toBe(1000);
		expect(Number(data.historyId)).toBeGreaterThan(0);
		expect(data.threadsTotal).toBeGreaterThan(0);
		const labels = await gmail.users.labels.list({ userId: 'me' });
		const ids = labels.data.labels!.map((l) => l.id);
		expect(ids).toEqual(expect.arrayContaining(['INBOX', 'SENT', 'UNREAD', 'TRASH']));
		const inbox = await gmail.users.labels.get({ userId: 'me', id: 'INBOX' });
		let expected = 0;
		for (const m of mailbox().messages()) if (m.labelIds.includes('INBOX')) expected++;
		expect(inbox.data.messagesTotal).toBe(expected);
	});

	test('settings.sendAs.list: the primary address with its display name', async () => {
		const { data } = await gmail.users.settings.sendAs.list({ userId: 'me' });
		expect(data.sendAs).toEqual([
			{
				sendAsEmail: email,
				displayName: emu.state.getAccount(email)!.name,
				replyToAddress: '',
				signature: '',
				isPrimary: true,
				isDefault: true,
			},
		]);
		const sendOnly = emu.control.issueToken(email, { scopes: [AUTH + 'gmail.send'] });
		expect(
			(
				await statusOf(
					clientFor(emu, sendOnly.access_token).users.settings.sendAs.list({ userId: 'me' }),
				)
			).status,
		).toBe(403);
	});

	test('messages.list pages through every id exactly once, newest first', async () => {
		const seen: string[] = [];
		let pageToken: string | undefined;
		let pages = 0;
		do {
			const { data } = await gmail.users.messages.list({
				userId: 'me',
				maxResults: 137,
				pageToken,
				includeSpamTrash: true,
			});
			seen.push(...data.messages!.map((m) => m.id!));
			expect(data.messages!.every((m) => m.threadId)).toBe(true);
			pageToken = data.nextPageToken ?? undefined;
			pages++;
		} while (pageToken);
		expect(pages).toBe(Math.ceil(1000 / 137));
		expect(seen.length).toBe(1000);
		expect(new Set(seen).size).toBe(1000);
		const expected = [...mailbox().messages()].reverse().map((m) => m.id);
		expect(seen).toEqual(expected);
		// Without includeSpamTrash, SPAM and TRASH stay out, as in Gmail.
		const visible = [...mailbox().messages()].filter((m) => !isSpamOrTrash(m.labelIds)).length;
		let count = 0;
		pageToken = undefined;
		do {
			const { data }: { data: gmail_v1.Schema$ListMessagesResponse } =
				await gmail.users.messages.list({ userId: 'me', maxResults: 500, pageToken });
			count += data.messages!.length;
			expect(
				data.messages!.some((m) =>
					isSpamOrTrash(mailbox().messageAt(mailbox().indexOfId(m.id!)!).labelIds),
				),
			).toBe(false);
			pageToken = data.nextPageToken ?? undefined;
		} while (pageToken);
		expect(count).toBe(visible);
		const first = await gmail.users.messages.list({ userId: 'me' });
		expect(first.data.messages!.length).toBe(100);
		expect(first.data.resultSizeEstimate).toBeGreaterThan(0);
	});

	test('q subset and labelIds select what Gmail would', async () => {
		const all = [...mailbox().messages()].filter((m) => !isSpamOrTrash(m.labelIds));
		const listAll = async (params: gmail_v1.Params$Resource$Users$Messages$List) => {
			const ids: string[] = [];
			let pageToken: string | undefined;
			do {
				const { data } = await gmail.users.messages.list({
					userId: 'me',
					maxResults: 500,
					...params,
					pageToken,
				});
				ids.push(...(data.messages ?? []).map((m) => m.id!));
				pageToken = data.nextPageToken ?? undefined;
			} while (pageToken);
			return ids;
		};
		const sent = await listAll({ q: 'in:sent' });
		expect(sent.sort()).toEqual(
			all
				.filter((m) => m.labelIds.includes('SENT'))
				.map((m) => m.id)
				.sort(),
		);
		const mid = all[500].internalDate;
		const afterSec = Math.floor(mid / 1000);
		const after = await listAll({ q: `after:${afterSec}` });
		expect(after.length).toBe(all.filter((m) => m.internalDate >= afterSec * 1000).length);
		const before = await listAll({ q: `before:${afterSec} label:inbox` });
		expect(before.length).toBe(
			all.filter((m) => m.internalDate < afterSec * 1000 && m.labelIds.includes('INBOX')).length,
		);
		const byLabel = await listAll({ labelIds: ['INBOX', 'UNREAD'] });
		expect(byLabel.length).toBe(
			all.filter((m) => m.labelIds.includes('INBOX') && m.labelIds.includes('UNREAD')).length,
		);
		const unread = await listAll({ q: 'is:unread' });
		expect(unread.length).toBe(all.filter((m) => m.labelIds.includes('UNREAD')).length);
		// Dates are midnight PST: a day after the newest message matches nothing.
		const newest = new Date(all[all.length - 1].internalDate + 2 * 86400000);
		const day = `${newest.getUTCFullYear()}/${newest.getUTCMonth() + 1}/${newest.getUTCDate()}`;
		expect(await listAll({ q: `after:${day}` })).toEqual([]);
		// newer_than is relative to now; the generated mailbox ends in the past.
		expect((await listAll({ q: 'newer_than:100y' })).length).toBe(all.length);
		const subjectWord = all[all.length - 1].subject.split(/\s+/).find((w) => w.length > 3)!;
		const bySubject = await listAll({ q: `subject:${subjectWord}` });
		expect(bySubject).toContain(all[all.length - 1].id);
	});

	test('messages.get in every format; raw round-trips; the part tree parses', async () => {
		const m = mailbox().messageAt(998);
		const raw = await gmail.users.messages.get({ userId: 'me', id: m.id, format: 'raw' });
		expect(fromBase64Url(raw.data.raw!).equals(m.raw())).toBe(true);
		expect(raw.data.internalDate).toBe(String(m.internalDate));
		expect(raw.data.sizeEstimate).toBe(m.raw().length);
		expect(raw.data.threadId).toBe(m.threadId);
		expect(raw.data.labelIds).toEqual(m.labelIds);
		expect(raw.data.snippet).toBe(m.snippet);

		const parsed = await PostalMime.parse(fromBase64Url(raw.data.raw!));
		expect(parsed.subject).toBe(m.subject);

		const full = await gmail.users.messages.get({ userId: 'me', id: m.id });
		const payload = full.data.payload!;
		expect(payload.partId).toBe('');
		expect(payload.headers!.find((h) => h.name === 'Subject')?.value).toBe(m.subject);
		const texts: string[] = [];
		const walk = (p: gmail_v1.Schema$MessagePart, depth: number) => {
			if (p.parts) {
				p.parts.forEach((c, i) => {
					expect(c.partId).toBe(p.partId === '' ? String(i) : `${p.partId}.${i}`);
					walk(c, depth + 1);
				});
			} else if (p.mimeType === 'text/plain' && p.body?.data) {
				const charset = /charset="?([^";]+)/i.exec(
					p.headers!.find((h) => h.name?.toLowerCase() === 'content-type')?.value ?? '',
				)?.[1];
				texts.push(new TextDecoder(charset ?? 'utf-8').decode(fromBase64Url(p.body.data)));
				expect(p.body.size).toBe(fromBase64Url(p.body.data).length);
			}
		};
		walk(payload, 0);
		if (parsed.text && m.text) {
			expect(texts.join('').replace(/\r\n/g, '\n').trim()).toBe(
				parsed.text.replace(/\r\n/g, '\n').trim(),
			);
		}
		expect(Number(full.data.historyId)).toBeLessThanOrEqual(
			Number((await gmail.users.getProfile({ userId: 'me' })).data.historyId),
		);

		const meta = await gmail.users.messages.get({
			userId: 'me',
			id: m.id,
			format: 'metadata',
			metadataHeaders: ['Subject', 'From'],
		});
		expect(meta.data.payload!.headers!.map((h) => h.name).sort()).toEqual(['From', 'Subject']);
		expect(meta.data.payload!.parts).toBeUndefined();

		const minimal = await gmail.users.messages.get({ userId: 'me', id: m.id, format: 'minimal' });
		expect(minimal.data.payload).toBeUndefined();
		expect(minimal.data.raw).toBeUndefined();
		expect(minimal.data.id).toBe(m.id);

		expect(
			(await statusOf(gmail.users.messages.get({ userId: 'me', id: 'ffffffffffffffff' }))).status,
		).toBe(404);
		expect(
			(await statusOf(gmail.users.messages.get({ userId: 'me', id: 'not-an-id!' }))).status,
		).toBe(400);
	});

	test('threads.get returns the thread in order', async () => {
		const starter = [...mailbox().messages()]
			.reverse()
			.find((m) => mailbox().threadMessageIndices(m.threadId).length > 1)!;
		const indices = mailbox().threadMessageIndices(starter.threadId);
		const { data } = await gmail.users.threads.get({
			userId: 'me',
			id: starter.threadId,
			format: 'metadata',
		});
		expect(data.messages!.map((m) => m.id)).toEqual(indices.map((i) => mailbox().messageAt(i).id));
	});

	test('batch endpoint: per-part status, Content-ID echo, each part counted and charged', async () => {
		const ids = [mailbox().messageAt(10).id, mailbox().messageAt(11).id, 'ffffffffffffffff'];
		const boundary = 'batch_test_boundary';
		const body =
			ids
				.map(
					(id, i) =>
						`--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item${i}>\r\n\r\n` +
						`GET /gmail/v1/users/me/messages/${id}?format=metadata&metadataHeaders=Subject\r\n\r\n`,
				)
				.join('') + `--${boundary}--\r\n`;
		emu.control.resetCalls();
		const response = await fetch(`${emu.baseUrl}/batch/gmail/v1`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${emu.sandbox.accessToken}`,
				'content-type': `multipart/mixed; boundary=${boundary}`,
			},
			body,
		});
		expect(response.status).toBe(200);
		const parts = parseBatchResponse(await response.text(), response.headers.get('content-type')!);
		expect(parts.map((p) => p.contentId)).toEqual(['item0', 'item1', 'item2']);
		expect(parts.map((p) => p.status)).toEqual([200, 200, 404]);
		expect(JSON.parse(parts[0].body).id).toBe(ids[0]);
		expect(JSON.parse(parts[2].body).error.code).toBe(404);
		const calls = emu.control.calls();
		expect(calls.byOperation['gmail.users.messages.get']).toBe(3);
		expect(calls.quotaUnits[email]).toBe(15);

		// A fault hits one inner part only.
		emu.control.inject({
			operation: 'gmail.users.messages.get',
			status: 429,
			reason: 'rateLimitExceeded',
			after: 1,
		});
		const faulted = await fetch(`${emu.baseUrl}/batch/gmail/v1`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${emu.sandbox.accessToken}`,
				'content-type': `multipart/mixed; boundary=${boundary}`,
			},
			body,
		});
		const faultedParts = parseBatchResponse(
			await faulted.text(),
			faulted.headers.get('content-type')!,
		);
		expect(faultedParts.map((p) => p.status)).toEqual([200, 429, 404]);
		emu.control.clearFaults();

		const tooMany =
			Array.from(
				{ length: 101 },
				(_, i) =>
					`--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <i${i}>\r\n\r\nGET /gmail/v1/users/me/profile\r\n\r\n`,
			).join('') + `--${boundary}--\r\n`;
		const rejected = await fetch(`${emu.baseUrl}/batch/gmail/v1`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${emu.sandbox.accessToken}`,
				'content-type': `multipart/mixed; boundary=${boundary}`,
			},
			body: tooMany,
		});
		expect(rejected.status).toBe(400);
	});

	test('history after modify, deliveries, send and delete; historyTypes and labelId filters; paging', async () => {
		const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId!;
		let targetIndex = 900;
		const fits = (labels: string[]) =>
			labels.includes('UNREAD') && !labels.includes('STARRED') && !isSpamOrTrash(labels);
		while (!fits(mailbox().messageAt(targetIndex).labelIds)) targetIndex--;
		const target = mailbox().messageAt(targetIndex);
		await gmail.users.messages.modify({
			userId: 'me',
			id: target.id,
			requestBody: { removeLabelIds: ['UNREAD'], addLabelIds: ['STARRED'] },
		});
		const modified = await gmail.users.messages.get({
			userId: 'me',
			id: target.id,
			format: 'minimal',
		});
		expect(modified.data.labelIds).toContain('STARRED');
		expect(modified.data.labelIds).not.toContain('UNREAD');
		expect(Number(modified.data.historyId)).toBeGreaterThan(Number(start));

		const delivered = deliverGmailMessages(emu.state, email, 500);
		expect(delivered).toHaveLength(500);
		const deleted = mailbox().messageAt(5).id;
		await gmail.users.messages.delete({ userId: 'me', id: deleted });

		const records: gmail_v1.Schema$History[] = [];
		let pageToken: string | undefined;
		let lastHistoryId = '';
		do {
			const { data } = await gmail.users.history.list({
				userId: 'me',
				startHistoryId: start,
				maxResults: 200,
				pageToken,
			});
			records.push(...(data.history ?? []));
			pageToken = data.nextPageToken ?? undefined;
			lastHistoryId = data.historyId!;
		} while (pageToken);
		expect(records.filter((r) => r.labelsAdded).map((r) => r.labelsAdded![0].labelIds)).toEqual([
			['STARRED'],
		]);
		expect(
			records.filter((r) => r.labelsRemoved).map((r) => r.labelsRemoved![0].message!.id),
		).toEqual([target.id]);
		const added = records.flatMap((r) => r.messagesAdded ?? []).map((a) => a.message!.id);
		expect(added).toEqual(delivered.map((d) => d.id));
		expect(records.flatMap((r) => r.messagesDeleted ?? []).map((d) => d.message!.id)).toEqual([
			deleted,
		]);
		expect(lastHistoryId).toBe((await gmail.users.getProfile({ userId: 'me' })).data.historyId);
		const ids = records.map((r) => Number(r.id));
		expect([...ids].sort((a, b) => a - b)).toEqual(ids);

		const onlyAdded = await gmail.users.history.list({
			userId: 'me',
			startHistoryId: start,
			historyTypes: ['messageAdded'],
			maxResults: 500,
		});
		expect(onlyAdded.data.history!.every((r) => r.messagesAdded)).toBe(true);
		// labelId keeps records whose message carries the label (both changes to the starred message).
		const starred = await gmail.users.history.list({
			userId: 'me',
			startHistoryId: start,
			labelId: 'STARRED',
		});
		expect(starred.data.history!.map((h) => h.messages![0].id)).toEqual([target.id, target.id]);

		// The new mail is listed newest first, ahead of the generated mailbox.
		const list = await gmail.users.messages.list({ userId: 'me', maxResults: 3 });
		expect(list.data.messages!.map((m) => m.id)).toEqual(
			delivered
				.slice(-3)
				.reverse()
				.map((d) => d.id),
		);
		expect((await gmail.users.getProfile({ userId: 'me' })).data.messagesTotal).toBe(
			1000 + 500 - 1,
		);
		expect((await statusOf(gmail.users.messages.get({ userId: 'me', id: deleted }))).status).toBe(
			404,
		);

		// Nothing new since the latest id.
		const empty = await gmail.users.history.list({ userId: 'me', startHistoryId: lastHistoryId });
		expect(empty.data.history).toBeUndefined();
	});

	test('history 404 for a too-old startHistoryId and after control.expireCursors', async () => {
		const tooOld = await statusOf(gmail.users.history.list({ userId: 'me', startHistoryId: '1' }));
		expect(tooOld.status).toBe(404);
		expect(tooOld.reason).toBe('notFound');
		const cursor = (await gmail.users.getProfile({ userId: 'me' })).data.historyId!;
		expect(
			(await statusOf(gmail.users.history.list({ userId: 'me', startHistoryId: cursor }))).status,
		).toBe(200);
		emu.control.expireCursors(email, 'gmail');
		let error: unknown;
		try {
			await gmail.users.history.list({ userId: 'me', startHistoryId: cursor });
		} catch (e) {
			error = e;
		}
		expect((error as Error).constructor.name).toBe('GaxiosError');
		expect((error as { status: number }).status).toBe(404);
		expect((error as Error).message).toBe('Requested entity was not found.');
		// A fresh full sync's cursor works again.
		const fresh = (await gmail.users.getProfile({ userId: 'me' })).data.historyId!;
		expect(
			(await statusOf(gmail.users.history.list({ userId: 'me', startHistoryId: fresh }))).status,
		).toBe(200);
	});

	test('messages.send: SENT label, same thread via threadId and via In-Reply-To, visible in list/get/history', async () => {
		const original = [...mailbox().messages()].reverse().find((m) => m.labelIds.includes('INBOX'))!;
		const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId!;
		const reply = [
			`To: ${original.from.email}`,
			`Subject: Re: ${original.subject}`,
			`In-Reply-To: ${original.messageIdHeader}`,
			`References: ${original.messageIdHeader}`,
			'Content-Type: text/plain; charset=UTF-8',
			'',
			'Thanks, noted.',
		].join('\r\n');
		const sent = await gmail.users.messages.send({
			userId: 'me',
			requestBody: { raw: toBase64Url(reply) },
		});
		expect(sent.data.labelIds).toEqual(['SENT']);
		expect(sent.data.threadId).toBe(original.threadId);
		const got = await gmail.users.messages.get({ userId: 'me', id: sent.data.id!, format: 'raw' });
		const bytes = fromBase64Url(got.data.raw!).toString('utf8');
		expect(bytes).toContain('Thanks, noted.');
		expect(bytes).toMatch(/^Message-ID: /im);
		const thread = await gmail.users.threads.get({
			userId: 'me',
			id: original.threadId,
			format: 'minimal',
		});
		expect(thread.data.messages!.map((m) => m.id)).toContain(sent.data.id);
		const sentList = await gmail.users.messages.list({ userId: 'me', q: 'in:sent', maxResults: 1 });
		expect(sentList.data.messages![0].id).toBe(sent.data.id);
		const history = await gmail.users.history.list({
			userId: 'me',
			startHistoryId: start,
			historyTypes: ['messageAdded'],
		});
		expect(history.data.history!.map((h) => h.messagesAdded![0].message!.labelIds)).toEqual([
			['SENT'],
		]);

		const second = await gmail.users.messages.send({
			userId: 'me',
			requestBody: {
				raw: toBase64Url('To: someone@example.org\r\nSubject: follow-up\r\n\r\nagain'),
				threadId: original.threadId,
			},
		});
		expect(second.data.threadId).toBe(original.threadId);

		// googleapis' media upload path (uploadType=multipart). googleapis-common does not apply the
		// client-wide rootUrl to media URLs, so it is passed per call (a client-side quirk).
		const viaUpload = await gmail.users.messages.send(
			{
				userId: 'me',
				requestBody: {},
				media: {
					mimeType: 'message/rfc822',
					body: 'To: upload@example.org\r\nSubject: uploaded\r\n\r\nvia upload',
				},
			},
			{ rootUrl: emu.urls.googleApis },
		);
		expect(viaUpload.data.labelIds).toEqual(['SENT']);
		const uploaded = await gmail.users.messages.get({
			userId: 'me',
			id: viaUpload.data.id!,
			format: 'metadata',
		});
		expect(uploaded.data.payload!.headers!.find((h) => h.name === 'Subject')!.value).toBe(
			'uploaded',
		);

		expect(
			(await statusOf(gmail.users.messages.send({ userId: 'me', requestBody: {} }))).status,
		).toBe(400);
	});

	test('attachments: attachmentId in the part tree, bytes from attachments.get', async () => {
		const content = Buffer.from('%PDF-1.4 fake pdf bytes \u00e9'.repeat(20), 'latin1');
		const raw = [
			'From: Alice <alice@example.net>',
			`To: ${email}`,
			'Subject: =?UTF-8?B?' + Buffer.from('Rechnung für Oktober').toString('base64') + '?=',
			'MIME-Version: 1.0',
			'Content-Type: multipart/mixed; boundary="outer"',
			'',
			'--outer',
			'Content-Type: multipart/alternative; boundary="inner"',
			'',
			'--inner',
			'Content-Type: text/plain; charset=ISO-8859-1',
			'Content-Transfer-Encoding: quoted-printable',
			'',
			'Gr=FC=DFe, anbei die Rechnung.',
			'--inner',
			'Content-Type: text/html; charset=UTF-8',
			'',
			'<p>Grüße</p>',
			'--inner--',
			'--outer',
			'Content-Type: application/pdf; name="rechnung.pdf"',
			'Content-Disposition: attachment; filename="rechnung.pdf"',
			'Content-Transfer-Encoding: base64',
			'',
			content.toString('base64').replace(/.{76}/g, '$&\r\n'),
			'--outer--',
			'',
		].join('\r\n');
		const [delivered] = deliverGmailMessages(emu.state, email, [raw]);
		const { data } = await gmail.users.messages.get({ userId: 'me', id: delivered.id });
		expect(data.payload!.headers!.find((h) => h.name === 'Subject')!.value).toBe(
			'Rechnung für Oktober',
		);
		expect(data.payload!.mimeType).toBe('multipart/mixed');
		const [alternative, pdf] = data.payload!.parts!;
		expect(alternative.partId).toBe('0');
		expect(alternative.parts!.map((p) => [p.partId, p.mimeType])).toEqual([
			['0.0', 'text/plain'],
			['0.1', 'text/html'],
		]);
		expect(
			new TextDecoder('iso-8859-1').decode(fromBase64Url(alternative.parts![0].body!.data!)),
		).toBe('Grüße, anbei die Rechnung.');
		expect(pdf.filename).toBe('rechnung.pdf');
		expect(pdf.body!.data).toBeUndefined();
		expect(pdf.body!.size).toBe(content.length);
		const att = await gmail.users.messages.attachments.get({
			userId: 'me',
			messageId: delivered.id,
			id: pdf.body!.attachmentId!,
		});
		expect(fromBase64Url(att.data.data!).equals(content)).toBe(true);
		expect(data.snippet).toBe('Grüße, anbei die Rechnung.');
		const found = await gmail.users.messages.list({
			userId: 'me',
			q: 'has:attachment from:alice@example.net',
		});
		expect(found.data.messages!.map((m) => m.id)).toEqual([delivered.id]);
	});

	test('trash / untrash and batchModify record label history', async () => {
		const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId!;
		let index = 700;
		while (isSpamOrTrash(mailbox().messageAt(index).labelIds)) index++;
		const a = mailbox().messageAt(index).id;
		const b = mailbox().messageAt(index + 1).id;
		await gmail.users.messages.trash({ userId: 'me', id: a });
		const listed = await gmail.users.messages.list({
			userId: 'me',
			q: 'in:trash',
			maxResults: 500,
		});
		const generatedTrash = [...mailbox().messages()]
			.filter((m) => m.labelIds.includes('TRASH'))
			.map((m) => m.id);
		expect(listed.data.messages!.map((m) => m.id).sort()).toEqual([...generatedTrash, a].sort());
		const normal = await gmail.users.messages.list({
			userId: 'me',
			maxResults: 500,
			q: `before:${Math.floor(mailbox().messageAt(index + 2).internalDate / 1000)} after:${Math.floor(mailbox().messageAt(index - 1).internalDate / 1000)}`,
		});
		expect(normal.data.messages!.map((m) => m.id)).not.toContain(a);
		await gmail.users.messages.untrash({ userId: 'me', id: a });
		await gmail.users.messages.batchModify({
			userId: 'me',
			requestBody: { ids: [a, b], addLabelIds: ['IMPORTANT'] },
		});
		const { data } = await gmail.users.history.list({ userId: 'me', startHistoryId: start });
		const types = data.history!.map(
			(h) => Object.keys(h).filter((k) => k !== 'id' && k !== 'messages')[0],
		);
		expect(types).toEqual(expect.arrayContaining(['labelsAdded', 'labelsRemoved']));
		expect(
			(
				await statusOf(
					gmail.users.messages.modify({
						userId: 'me',
						id: a,
						requestBody: { addLabelIds: ['NoSuchLabel'] },
					}),
				)
			).status,
		).toBe(400);
	});

	test('drafts.list / drafts.get serve the DRAFT messages', async () => {
		const drafts = await gmail.users.drafts.list({ userId: 'me', maxResults: 500 });
		const expected = [...mailbox().messages()].filter((m) => m.labelIds.includes('DRAFT'));
		expect((drafts.data.drafts ?? []).length).toBe(Math.min(500, expected.length));
		if (expected.length > 0) {
			const d = drafts.data.drafts![0];
			const got = await gmail.users.drafts.get({ userId: 'me', id: d.id! });
			expect(got.data.message!.labelIds).toContain('DRAFT');
		}
	});

	test('control over HTTP: POST /_emulator/gmail/deliver adds mail that history reports', async () => {
		const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId!;
		const response = await fetch(`${emu.baseUrl}/_emulator/gmail/deliver`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				email,
				raw: [toBase64Url('From: x@example.org\r\nTo: me@example.org\r\nSubject: hi\r\n\r\nhello')],
			}),
		});
		expect(response.status).toBe(200);
		const { messages } = (await response.json()) as { messages: { id: string }[] };
		const { data } = await gmail.users.history.list({ userId: 'me', startHistoryId: start });
		expect(data.history!.map((h) => h.messagesAdded?.[0].message!.id)).toEqual([messages[0].id]);
	});

	test('faults: 429 with Retry-After reaches the client', async () => {
		emu.control.inject({
			operation: 'gmail.users.messages.list',
			status: 429,
			reason: 'rateLimitExceeded',
			retryAfterSeconds: 7,
		});
		const seen = await statusOf(gmail.users.messages.list({ userId: 'me' }, { retry: false }));
		expect(seen.status).toBe(429);
		expect(seen.headers!['retry-after']).toBe('7');
		expect((await statusOf(gmail.users.messages.list({ userId: 'me' }))).status).toBe(200);
	});

	test('quota units are counted per call (10 gets = 50 units)', async () => {
		emu.control.resetCalls();
		for (let i = 0; i < 10; i++)
			await gmail.users.messages.get({
				userId: 'me',
				id: mailbox().messageAt(i + 20).id,
				format: 'minimal',
			});
		await gmail.users.history.list({
			userId: 'me',
			startHistoryId: (await gmail.users.getProfile({ userId: 'me' })).data.historyId!,
		});
		const calls = emu.control.calls();
		expect(calls.byOperation['gmail.users.messages.get']).toBe(10);
		expect(calls.quotaUnits[email]).toBe(50 + 1 + 2);
	});

	test('per-user quota: 250 units/s, a burst of sends gets 429 rateLimitExceeded with Retry-After', async () => {
		emu.control.setQuota({ enabled: true, gmailUnitsPerSecond: 250 });
		try {
			const raw = toBase64Url('To: quota@example.org\r\nSubject: burst\r\n\r\nx');
			const results = [];
			for (let i = 0; i < 3; i++)
				results.push(
					await statusOf(gmail.users.messages.send({ userId: 'me', requestBody: { raw } })),
				);
			expect(results.map((r) => r.status)).toEqual([200, 200, 429]);
			expect(results[2].reason).toBe('rateLimitExceeded');
			expect(Number(results[2].headers!['retry-after'])).toBeGreaterThan(0);
		} finally {
			emu.control.setQuota({ enabled: false });
		}
	});

	test('scopes: gmail.readonly cannot send or modify; gmail.metadata cannot read bodies or search', async () => {
		const readonly = clientFor(
			emu,
			emu.control.issueToken(email, { scopes: [AUTH + 'gmail.readonly'] }).access_token,
		);
		expect(
			(await statusOf(readonly.users.messages.list({ userId: 'me', maxResults: 1 }))).status,
		).toBe(200);
		const send = await statusOf(
			readonly.users.messages.send({
				userId: 'me',
				requestBody: { raw: toBase64Url('To: a@b.c\r\n\r\nx') },
			}),
		);
		expect(send).toMatchObject({ status: 403, reason: 'insufficientPermissions' });
		const modify = await statusOf(
			readonly.users.messages.modify({
				userId: 'me',
				id: mailbox().messageAt(1).id,
				requestBody: { addLabelIds: ['STARRED'] },
			}),
		);
		expect(modify.status).toBe(403);

		const metadata = clientFor(
			emu,
			emu.control.issueToken(email, { scopes: [AUTH + 'gmail.metadata'] }).access_token,
		);
		const id = mailbox().messageAt(3).id;
		expect(
			(await statusOf(metadata.users.messages.get({ userId: 'me', id, format: 'metadata' })))
				.status,
		).toBe(200);
		expect(
			(await statusOf(metadata.users.messages.get({ userId: 'me', id, format: 'full' }))).status,
		).toBe(403);
		expect(
			(await statusOf(metadata.users.messages.get({ userId: 'me', id, format: 'raw' }))).status,
		).toBe(403);
		expect(
			(await statusOf(metadata.users.messages.list({ userId: 'me', q: 'in:sent' }))).status,
		).toBe(403);

		const sender = clientFor(
			emu,
			emu.control.issueToken(email, { scopes: [AUTH + 'gmail.send'] }).access_token,
		);
		expect((await statusOf(sender.users.messages.list({ userId: 'me' }))).status).toBe(403);
		expect(
			(
				await statusOf(
					sender.users.messages.send({
						userId: 'me',
						requestBody: { raw: toBase64Url('To: a@b.c\r\n\r\nx') },
					}),
				)
			).status,
		).toBe(200);
		const calendarOnly = clientFor(
			emu,
			emu.control.issueToken(email, { scopes: [AUTH + 'calendar'] }).access_token,
		);
		expect((await statusOf(calendarOnly.users.getProfile({ userId: 'me' }))).status).toBe(403);
	});
});

// 10,000 messages here; `npm run bench` walks 100,000 (bench/gmailEmulator.bench.ts).
const SCALE = 10_000;

describe(`Gmail at scale: list and fetch a ${SCALE.toLocaleString('en')}-message mailbox with flat memory`, () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator({ seed: 'gmail-scale', messages: SCALE });
	});
	afterAll(async () => {
		await emu?.stop();
	});

	test('streams every page at maxResults=500 and fetches a metadata sample', async () => {
		const gmail = clientFor(emu, emu.sandbox.accessToken);
		emu.control.setQuota({ enabled: false });
		// A gc handle inside jest, so retained heap (not garbage) is what gets measured.
		setFlagsFromString('--expose_gc');
		const gc = runInNewContext('gc') as () => void;
		const retainedHeap = () => {
			gc();
			return process.memoryUsage().heapUsed;
		};
		const heapBefore = retainedHeap();
		const started = performance.now();
		let listed = 0;
		let fetched = 0;
		let previous = 'g';
		let pageToken: string | undefined;
		let maxRetained = 0;
		do {
			const { data } = await gmail.users.messages.list({
				userId: 'me',
				maxResults: 500,
				pageToken,
				includeSpamTrash: true,
			});
			// Ids are time-based hex of equal length: strictly decreasing means each id came once.
			for (const m of data.messages!) {
				expect(m.id! < previous).toBe(true);
				previous = m.id!;
			}
			listed += data.messages!.length;
			// Sample: every 50th message of the page, metadata format.
			await Promise.all(
				data
					.messages!.filter((_, i) => i % 50 === 0)
					.map((m) =>
						gmail.users.messages.get({
							userId: 'me',
							id: m.id!,
							format: 'metadata',
							metadataHeaders: ['Subject', 'From', 'Date'],
						}),
					),
			);
			fetched += Math.ceil(data.messages!.length / 50);
			pageToken = data.nextPageToken ?? undefined;
			if (listed % 2_500 === 0) maxRetained = Math.max(maxRetained, retainedHeap() - heapBefore);
		} while (pageToken);
		const seconds = (performance.now() - started) / 1000;
		expect(listed).toBe(SCALE);
		expect(fetched).toBe(SCALE / 50);
		// The emulator stored nothing per message: the mailbox state holds no overlay.
		const mb = GmailMailboxState.of(emu.state.getAccount(emu.sandbox.googleEmail)!);
		expect(mb.stored.length).toBe(0);
		expect(mb.log.length).toBe(0);
		// Retained heap stays flat: far below what holding the messages would cost.
		expect(maxRetained).toBeLessThan(32 * 1024 * 1024);
		console.log(
			`gmail scale: listed ${listed} in ${seconds.toFixed(1)} s (${Math.round(listed / seconds)}/s incl. ${fetched} metadata gets), retained heap growth ${(maxRetained / 1048576).toFixed(1)} MB`,
		);
	});
});
