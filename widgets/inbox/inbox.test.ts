// <crm-inbox> in real Chromium against the widget test API server (real PostgreSQL, 10,000+ seeded
// emails, one hostile-HTML email, a counting "foreign" server): virtual scrolling, the isolated
// frame, reply, link/unlink, filters, keyboard, errors, events, strings, axe.
import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';

import './inbox';
import type { CrmInbox } from './inbox.component';
import type { EmailSummary, LinkedRecord } from './inbox.types';
import { EMAIL_FRAME_CSP } from './emailFrame';

interface Seed {
	people: Array<{ id: string; email: string; fullName: string; companyId: string }>;
	companies: Array<{ id: string; domain: string; name: string }>;
	hostileEmailId: string;
	emailCount: number;
	foreignOrigin: string;
}

const WORKSPACE_A = '00000000-0000-4000-8000-000000000001';
const WORKSPACE_B = '00000000-0000-4000-8000-000000000002';
const API = `${location.origin}/crm-api`;

let seed: Seed;
let tokenA: string;

async function json<T>(path: string, init?: RequestInit): Promise<T> {
	const response = await fetch(`${API}/${path}`, init);
	return (await response.json()) as T;
}

async function tokenFor(workspace: string): Promise<string> {
	return (await json<{ token: string }>(`test-token?workspace=${workspace}`)).token;
}

async function until<T>(
	probe: () => T | undefined | null | false,
	what: string,
	timeout = 15_000,
): Promise<T> {
	const started = performance.now();
	for (;;) {
		const value = probe();
		if (value) return value;
		if (performance.now() - started > timeout) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const part = <T extends Element = HTMLElement>(el: CrmInbox, name: string) =>
	el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
const parts = <T extends Element = HTMLElement>(el: CrmInbox, name: string) => [
	...el.shadowRoot!.querySelectorAll<T>(`[part~="${name}"]`),
];
const rows = (el: CrmInbox) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="option"]')];

async function mount(
	attributes: {
		workspace?: string;
		token?: string;
		personId?: string;
		companyId?: string;
		label?: string;
		width?: number;
	} = {},
	strings: Record<string, string> = {},
): Promise<CrmInbox> {
	const el = await fixture<CrmInbox>(
		html`<crm-inbox
			style="--crm-inbox-height: 640px; width: ${attributes.width ?? 960}px"
			api-base=${API}
			workspace-id=${attributes.workspace ?? WORKSPACE_A}
			token=${attributes.token ?? tokenA}
			person-id=${attributes.personId ?? ''}
			company-id=${attributes.companyId ?? ''}
			label=${attributes.label ?? ''}
			.strings=${strings}
		></crm-inbox>`,
	);
	return el;
}

async function loaded(el: CrmInbox): Promise<HTMLElement[]> {
	try {
		await until(() => rows(el).length > 0, 'the first rows', 30_000);
	} catch (error) {
		throw new Error(
			`${(error as Error).message}; shown: ${el.shadowRoot!.textContent!.replace(/\s+/g, ' ').slice(0, 300)}`,
		);
	}
	return rows(el);
}

function typeInto(input: HTMLInputElement | HTMLTextAreaElement, value: string) {
	input.value = value;
	input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

async function openEmail(el: CrmInbox, row: HTMLElement) {
	row.click();
	await until(() => part(el, 'detail-header'), 'the detail panel');
}

describe('<crm-inbox>', function () {
	this.timeout(180_000);

	before(async () => {
		seed = await json<Seed>('test-seed');
		tokenA = await tokenFor(WORKSPACE_A);
	});

	it('shows 10,000+ emails with fewer than 100 rows in the DOM while scrolling through all of them', async () => {
		const el = await mount();
		const first = await loaded(el);
		expect(first.length).to.be.greaterThan(5).and.lessThan(100);
		const list = part(el, 'list')!;
		// Scroll to the end again and again, as a user would: each page follows the last.
		let maxRows = 0;
		const started = performance.now();
		while (el.loadedEmails.length < seed.emailCount) {
			list.scrollTop = list.scrollHeight;
			await sleep(50);
			maxRows = Math.max(maxRows, rows(el).length);
			expect(
				rows(el).length,
				`rows in the DOM with ${el.loadedEmails.length} loaded`,
			).to.be.lessThan(100);
			expect(part(el, 'error')?.textContent ?? null, 'no error while paging').to.equal(null);
			if (performance.now() - started > 150_000)
				throw new Error(`only ${el.loadedEmails.length} loaded`);
		}
		expect(maxRows).to.be.greaterThan(5);
		expect(el.loadedEmails.length).to.be.at.least(10_000);
		expect(new Set(el.loadedEmails.map((email) => email.id)).size).to.equal(el.loadedEmails.length);
		// At the very end: the oldest email is on screen, still with few rows. The list's height
		// grows once the last page is laid out, so keep scrolling to the end, as a user would.
		const oldest = el.loadedEmails.at(-1)!;
		await until(() => {
			list.scrollTop = list.scrollHeight;
			return el.shadowRoot!.getElementById(`email-${oldest.id}`);
		}, 'the oldest row');
		expect(rows(el).length).to.be.lessThan(100);
		// And in the middle: the rows shown are the ones at that position.
		const middle = el.loadedEmails[Math.floor(el.loadedEmails.length / 2)]!;
		await until(() => {
			list.scrollTop = list.scrollHeight / 2;
			return el.shadowRoot!.getElementById(`email-${middle.id}`);
		}, 'a middle row');
		const visible = rows(el);
		expect(visible.length).to.be.lessThan(100);
		expect(Number(visible[0]!.getAttribute('aria-posinset'))).to.be.greaterThan(4000);
		expect(
			visible.every((row) => row.getAttribute('aria-setsize') === String(el.loadedEmails.length)),
		).to.equal(true);
	});

	it('shows the hostile email without running its script or letting a request reach the foreign origin', async () => {
		await fetch(`${API}/test-foreign/reset`, { method: 'POST' });
		const messages: unknown[] = [];
		const listener = (event: MessageEvent) => messages.push(event.data);
		window.addEventListener('message', listener);
		const globals = window as unknown as Record<string, unknown>;
		delete globals.__crmHostileRan;
		try {
			const el = await mount();
			await loaded(el);
			const row = el.shadowRoot!.getElementById(`email-${seed.hostileEmailId}`)!;
			expect(row !== null, 'the hostile email is the newest').to.equal(true);
			await openEmail(el, row);
			const frame = await until(() => part<HTMLIFrameElement>(el, 'body'), 'the email frame');
			const sandbox = frame.getAttribute('sandbox')!;
			expect(sandbox).to.be.a('string');
			expect(sandbox).not.to.contain('allow-scripts');
			expect(sandbox).not.to.contain('allow-same-origin');
			expect(frame.srcdoc).to.contain(`content="${EMAIL_FRAME_CSP}"`);
			expect(frame.srcdoc).to.contain('Quarterly report');
			await until(() => frame.contentWindow, 'the frame window');
			await sleep(1500);
			// Opaque origin: the page cannot reach into the frame (nor the frame into the page).
			expect(frame.contentDocument === null, 'the frame document is out of reach').to.equal(true);
			expect(globals.__crmHostileRan).to.equal(undefined);
			expect(messages).to.deep.equal([]);
			const foreign = await json<{ hits: number; paths: string[] }>('test-foreign');
			expect(foreign.paths).to.deep.equal([]);
		} finally {
			window.removeEventListener('message', listener);
		}
	});

	it('holds in the frame even when the HTML it gets was not sanitised', async () => {
		// The frame is the second line of defence: feed it the raw hostile HTML (as if the server's
		// sanitiser had let everything through) and check that nothing runs and nothing leaves.
		await fetch(`${API}/test-foreign/reset`, { method: 'POST' });
		const foreign = seed.foreignOrigin;
		const raw = [
			`<meta http-equiv="refresh" content="0;url=${foreign}/meta-refresh">`,
			`<style>body{background:url('${foreign}/css-background')} @import url('${foreign}/css-import');</style>`,
			`<script>fetch('${foreign}/script-fetch');window.parent.__crmHostileRan=true;parent.postMessage('ran','*')</script>`,
			`<img src="${foreign}/remote-image.png" onerror="window.parent.__crmHostileRan=true">`,
			`<img src="x" onerror="parent.postMessage('onerror','*')">`,
			`<div style="background-image:url(${foreign}/inline-style)">x</div>`,
			`<form action="${foreign}/form" method="post"><input name="p" value="s"></form><script>document.forms[0].submit()</script>`,
			`<iframe src="${foreign}/iframe"></iframe>`,
			`<svg onload="parent.postMessage('svg','*')"><circle r="4"></circle></svg>`,
			`<link rel="stylesheet" href="${foreign}/link-stylesheet">`,
			`<link rel="prefetch" href="${foreign}/prefetch">`,
			`<object data="${foreign}/object"></object>`,
			`<video poster="${foreign}/video-poster"></video>`,
			`<audio src="${foreign}/audio" autoplay></audio>`,
			`<style>@font-face{font-family:x;src:url(${foreign}/font)} p{font-family:x}</style><p>font</p>`,
		].join('\n');
		const realFetch = window.fetch;
		window.fetch = async (input, init) => {
			const url = String(input instanceof Request ? input.url : input);
			const match = /\/emails\/([^/?]+)$/.exec(new URL(url).pathname);
			if (!match) return realFetch(input, init);
			const answer = (await (await realFetch(input, init)).json()) as {
				email: Record<string, unknown>;
			};
			answer.email.bodyHtml = raw;
			return new Response(JSON.stringify(answer), {
				headers: { 'content-type': 'application/json' },
			});
		};
		const messages: unknown[] = [];
		const listener = (event: MessageEvent) => messages.push(event.data);
		window.addEventListener('message', listener);
		const globals = window as unknown as Record<string, unknown>;
		delete globals.__crmHostileRan;
		try {
			const el = await mount();
			await openEmail(el, (await loaded(el))[1]!);
			const frame = await until(() => part<HTMLIFrameElement>(el, 'body'), 'the email frame');
			expect(frame.srcdoc).to.contain('<script>');
			await sleep(2000);
			expect(globals.__crmHostileRan).to.equal(undefined);
			expect(messages).to.deep.equal([]);
			const hits = await json<{ paths: string[] }>('test-foreign');
			expect(hits.paths).to.deep.equal([]);
		} finally {
			window.fetch = realFetch;
			window.removeEventListener('message', listener);
		}
	});

	it('sends a reply that then shows in the list and the thread, and fires crm-email-send', async () => {
		// Replies go through the provider (the emulator), which knows only the messages it holds:
		// start a thread through the API's send, then answer it from the widget.
		const subject = `Inbox reply test ${Date.now()}`;
		const started = await json<{ email: EmailSummary }>(
			`workspaces/${WORKSPACE_A}/integrations/google/gmail/send`,
			{
				method: 'POST',
				headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/json' },
				body: JSON.stringify({ to: [seed.people[0]!.email], subject, text: 'Hello' }),
			},
		);
		const el = await mount();
		await loaded(el);
		const index = el.loadedEmails.findIndex((email) => email.id === started.email.id);
		expect(index, 'the sent email is among the newest').to.be.at.least(0);
		await openEmail(el, el.shadowRoot!.getElementById(`email-${started.email.id}`)!);
		const events: CustomEvent[] = [];
		document.addEventListener('crm-email-send', (event) => events.push(event), { once: true });
		const text = `Thanks, noted ${Date.now()}`;
		typeInto(part<HTMLTextAreaElement>(el, 'reply-text')!, text);
		part<HTMLButtonElement>(el, 'send-button')!.click();
		await until(
			() => events.length > 0 || part(el, 'detail')!.querySelector('[part~="error"]'),
			'the reply',
		);
		expect(part(el, 'detail')!.querySelector('[part~="error"]')?.textContent ?? null).to.equal(
			null,
		);
		const event = events[0]!;
		expect(event.bubbles && event.composed).to.equal(true);
		const detail = event.detail as { email: EmailSummary; inReplyTo: string };
		expect(detail.inReplyTo).to.equal(started.email.id);
		expect(detail.email.subject).to.contain(subject);
		// Read again from the API: the reply is stored, newest first, in the same thread.
		await until(
			() => el.shadowRoot!.getElementById(`email-${detail.email.id}`),
			'the reply in the list',
		);
		expect(part(el, 'status')!.textContent).to.contain('Reply sent');
		expect(part<HTMLTextAreaElement>(el, 'reply-text')!.value).to.equal('');
		await until(() => part(el, 'thread')?.textContent?.includes(text), 'the reply in the thread');
	});

	it('shows the thread from the API: an older email far beyond the loaded pages, which opens from there', async () => {
		const el = await mount();
		await loaded(el);
		// The seed puts message 9001 (some 9,000 rows down) in the thread of messages 1 and 2.
		const newest = el.loadedEmails.find((email) => email.snippet?.startsWith('Message 1 about'));
		expect(Boolean(newest), 'message 1 is loaded').to.equal(true);
		expect(
			el.loadedEmails.some((email) => email.snippet?.startsWith('Message 9001 about')),
		).to.equal(false);
		await openEmail(el, el.shadowRoot!.getElementById(`email-${newest!.id}`)!);
		const older = await until(
			() =>
				[...(part(el, 'thread')?.querySelectorAll('button') ?? [])].find((button) =>
					button.textContent?.includes('Message 9001 about'),
				),
			'message 9001 in the thread',
		);
		const entries = part(el, 'thread')!.textContent!;
		expect(entries.includes('Message 2 about')).to.equal(true);
		expect(entries.includes('Message 1 about')).to.equal(false);
		older.click();
		await until(
			() => part(el, 'detail-header')?.textContent?.includes('#9001'),
			'message 9001 opened',
		);
		expect(part(el, 'thread')!.textContent!.includes('Message 1 about')).to.equal(true);
	});

	it('marks an unread email read when it is opened (click or Enter), and unread again from Mark as unread', async () => {
		// Marking goes through the provider (the emulator), which knows only the messages it holds:
		// send one through the API and mark it unread there, as a new email would arrive.
		const auth = { authorization: `Bearer ${tokenA}`, 'content-type': 'application/json' };
		const sent = await json<{ email: EmailSummary }>(
			`workspaces/${WORKSPACE_A}/integrations/google/gmail/send`,
			{
				method: 'POST',
				headers: auth,
				body: JSON.stringify({
					to: [seed.people[1]!.email],
					subject: `Inbox read test ${Date.now()}`,
					text: 'Hello',
				}),
			},
		);
		const id = sent.email.id;
		const emailPath = `workspaces/${WORKSPACE_A}/integrations/google/gmail/emails/${id}`;
		const marked = await json<{ email: EmailSummary }>(`${emailPath}/read`, {
			method: 'POST',
			headers: auth,
			body: JSON.stringify({ read: false }),
		});
		expect(marked.email.isRead).to.equal(false);
		const readInApi = async () =>
			(await json<{ email: EmailSummary }>(emailPath, { headers: auth })).email.isRead;
		const untilApi = async (isRead: boolean, what: string) => {
			const started = performance.now();
			while ((await readInApi()) !== isRead) {
				if (performance.now() - started > 15_000) throw new Error(`Timed out waiting for ${what}`);
				await sleep(50);
			}
		};
		const row = () => el.shadowRoot!.getElementById(`email-${id}`)!;
		const unreadShown = () => row().getAttribute('part')!.split(' ').includes('row-unread');

		const el = await mount();
		await loaded(el);
		expect(row() !== null, 'the sent email is among the newest').to.equal(true);
		expect(unreadShown()).to.equal(true);
		expect(row().textContent).to.contain('Unread');

		// Opened with a click: the marker goes at once, and the mailbox has it read.
		row().click();
		await el.updateComplete;
		expect(unreadShown(), 'the marker goes before the API answers').to.equal(false);
		await until(() => part(el, 'detail-header'), 'the detail panel');
		await untilApi(true, 'the email read in the API');
		expect(unreadShown()).to.equal(false);
		expect(el.loadedEmails.find((email) => email.id === id)!.isRead).to.equal(true);

		// Mark as unread: the marker is back, the button now marks it read, the status says so.
		const button = part<HTMLButtonElement>(el, 'mark-unread-button')!;
		expect(button.textContent!.trim()).to.equal('Mark as unread');
		button.focus();
		button.click();
		await el.updateComplete;
		expect(unreadShown()).to.equal(true);
		expect(part(el, 'mark-unread-button') === null, 'no Mark as unread').to.equal(true);
		expect(part(el, 'mark-read-button')!.textContent!.trim()).to.equal('Mark as read');
		expect(
			el.shadowRoot!.activeElement === part(el, 'mark-read-button'),
			'focus stays on the button',
		).to.equal(true);
		await untilApi(false, 'the email unread in the API');
		await until(() => part(el, 'status')!.textContent!.includes('Marked as unread'), 'the status');
		expect(
			part(el, 'detail')!.querySelector('[part~="error"]')?.textContent ?? null,
			'no error shown',
		).to.equal(null);

		// Opened again from the keyboard: read again.
		part(el, 'detail')!.focus();
		await sendKeys({ press: 'Escape' });
		await el.updateComplete;
		expect(el.shadowRoot!.activeElement === part(el, 'list'), 'focus on the list').to.equal(true);
		expect(part(el, 'list')!.getAttribute('aria-activedescendant')).to.equal(`email-${id}`);
		await sendKeys({ press: 'Enter' });
		await until(() => part(el, 'detail-header'), 'the detail panel');
		expect(unreadShown()).to.equal(false);
		await untilApi(true, 'the email read again in the API');
		expect(part(el, 'mark-unread-button') !== null, 'Mark as unread offered').to.equal(true);
	});

	it('puts the unread marker back, without an error, when the mailbox cannot mark the email read', async () => {
		// Seeded emails are in the store only: the provider does not know them and refuses.
		const el = await mount();
		await loaded(el);
		const index = el.loadedEmails.findIndex(
			(email) => !email.isRead && email.id !== seed.hostileEmailId,
		);
		expect(index).to.be.at.least(0);
		const id = el.loadedEmails[index]!.id;
		const row = () => el.shadowRoot!.getElementById(`email-${id}`)!;
		const unreadShown = () => row().getAttribute('part')!.split(' ').includes('row-unread');
		const answers: number[] = [];
		const realFetch = window.fetch;
		window.fetch = async (input, init) => {
			const response = await realFetch(input, init);
			if (String(input).endsWith(`/emails/${id}/read`)) answers.push(response.status);
			return response;
		};
		try {
			await openEmail(el, row());
			await until(() => answers.length > 0, 'the read call');
		} finally {
			window.fetch = realFetch;
		}
		expect(answers[0]).to.be.within(400, 499);
		await until(() => unreadShown(), 'the marker back');
		expect(el.loadedEmails[index]!.isRead).to.equal(false);
		expect(part(el, 'detail-header') !== null, 'the email stays open').to.equal(true);
		expect(
			part(el, 'detail')!.querySelector('[part~="error"]')?.textContent ?? null,
			'no error shown',
		).to.equal(null);
		expect(part(el, 'mark-read-button') !== null, 'Mark as read offered').to.equal(true);
	});

	it("shows the API's message when a write is refused (read-only token)", async () => {
		const readOnly = (
			await json<{ token: string }>(`test-token?workspace=${WORKSPACE_A}&scopes=integrations:read`)
		).token;
		const el = await mount({ token: readOnly });
		await openEmail(el, (await loaded(el))[3]!);
		typeInto(part<HTMLTextAreaElement>(el, 'reply-text')!, 'Not allowed');
		part<HTMLButtonElement>(el, 'send-button')!.click();
		const alert = await until(
			() => part(el, 'detail')!.querySelector('[part~="error"]'),
			'the error',
		);
		expect(alert.getAttribute('role')).to.equal('alert');
		const direct = await fetch(
			`${API}/workspaces/${WORKSPACE_A}/integrations/google/gmail/emails/${el.loadedEmails[3]!.id}/reply`,
			{
				method: 'POST',
				headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'application/json' },
				body: JSON.stringify({ text: 'Not allowed' }),
			},
		);
		expect(direct.status).to.equal(403);
		const body = (await direct.json()) as { error: { message: string } };
		expect(alert.textContent).to.contain(body.error.message);
	});

	it('links the open email to a company through the picker and unlinks it, firing crm-record-link', async () => {
		const el = await mount();
		await openEmail(el, (await loaded(el))[4]!);
		const emailId = el.loadedEmails[4]!.id;
		const company = seed.companies.find((candidate) => candidate.name === 'Tyrell Corporation')!;
		const events: CustomEvent[] = [];
		const listener = (event: Event) => events.push(event as CustomEvent);
		document.addEventListener('crm-record-link', listener);
		try {
			typeInto(part<HTMLInputElement>(el, 'link-search')!, 'Tyrell');
			const option = await until(
				() =>
					parts(el, 'link-option').find((button) =>
						button.textContent!.includes('Tyrell Corporation'),
					),
				'the picker match',
			);
			option.click();
			await until(() => events.length === 1, 'crm-record-link (link)');
			expect(events[0]!.detail).to.include({
				emailId,
				action: 'link',
				recordType: 'company',
				recordId: company.id,
			});
			const chip = await until(
				() => parts(el, 'link-chip').find((candidate) => candidate.textContent!.includes('Tyrell')),
				'the chip',
			);
			const stored = await json<{ email: { links: LinkedRecord[] } }>(
				`workspaces/${WORKSPACE_A}/integrations/google/gmail/emails/${emailId}`,
				{ headers: { authorization: `Bearer ${tokenA}` } },
			);
			expect(stored.email.links.map((link) => link.recordId)).to.include(company.id);

			chip.querySelector<HTMLButtonElement>('[part~="unlink-button"]')!.click();
			await until(() => events.length === 2, 'crm-record-link (unlink)');
			expect(events[1]!.detail).to.include({ action: 'unlink', recordId: company.id });
			await until(
				() =>
					!parts(el, 'link-chip').some((candidate) => candidate.textContent!.includes('Tyrell')),
				'the chip to go',
			);
			expect(el.shadowRoot!.activeElement, 'focus stays in the panel').to.equal(
				part(el, 'link-search'),
			);
			const after = await json<{ email: { links: LinkedRecord[] } }>(
				`workspaces/${WORKSPACE_A}/integrations/google/gmail/emails/${emailId}`,
				{ headers: { authorization: `Bearer ${tokenA}` } },
			);
			expect(after.email.links.map((link) => link.recordId)).not.to.include(company.id);
		} finally {
			document.removeEventListener('crm-record-link', listener);
		}
	});

	it('filters by search, direction, label and person', async () => {
		const el = await mount();
		await loaded(el);
		const all = el.loadedEmails.length;
		typeInto(part<HTMLInputElement>(el, 'search')!, 'Pricing question');
		await until(
			() =>
				rows(el).length > 0 && el.loadedEmails.every((email) => email.subject?.includes('Pricing')),
			'search results',
		);
		expect(rows(el).every((row) => row.textContent!.includes('Pricing'))).to.equal(true);

		typeInto(part<HTMLInputElement>(el, 'search')!, '');
		const direction = parts<HTMLSelectElement>(el, 'filter')[1]!;
		direction.value = 'outgoing';
		direction.dispatchEvent(new Event('change'));
		await until(
			() =>
				el.loadedEmails.length > 0 &&
				el.loadedEmails.every((email) => email.direction === 'outgoing') &&
				rows(el).length > 0,
			'outgoing only',
		);
		expect(all).to.be.greaterThan(0);

		// One inbox at a time: the virtual list renders only the rows in and near the viewport.
		fixtureCleanup();
		const labelled = await mount({ label: 'IMPORTANT' });
		await loaded(labelled);
		expect(labelled.loadedEmails.every((email) => email.labels.includes('IMPORTANT'))).to.equal(
			true,
		);
		expect(part<HTMLSelectElement>(labelled, 'filter')!.value).to.equal('IMPORTANT');

		const person = seed.people[3]!;
		fixtureCleanup();
		const personal = await mount({ personId: person.id });
		await loaded(personal);
		expect(personal.loadedEmails.length).to.be.greaterThan(0);
		expect(
			personal.loadedEmails.every(
				(email) =>
					email.from?.email === person.email || email.to.some((to) => to.email === person.email),
			),
		).to.equal(true);
	});

	it('filters by company (company-id)', async () => {
		const company = seed.companies[2]!;
		const el = await mount({ companyId: company.id });
		await loaded(el);
		expect(
			el.loadedEmails.every(
				(email) =>
					email.links.some((link) => link.recordId === company.id) ||
					[email.from, ...email.to].some((address) =>
						address?.email.endsWith(`@${company.domain}`),
					),
			),
		).to.equal(true);
	});

	it('shows one pane at a time when it is narrow', async () => {
		const el = await mount({ width: 480 });
		await openEmail(el, (await loaded(el))[1]!);
		const listPane = el.shadowRoot!.querySelector('.list-pane')!;
		expect(getComputedStyle(listPane).display).to.equal('none');
		part(el, 'close-button')!.click();
		await until(() => getComputedStyle(listPane).display !== 'none', 'the list again');
	});

	it('moves through the list with the keyboard, opens with Enter and closes with Escape', async () => {
		const el = await mount();
		await loaded(el);
		const list = part(el, 'list')!;
		list.focus();
		await el.updateComplete;
		const activeId = () => list.getAttribute('aria-activedescendant');
		expect(activeId()).to.equal(`email-${el.loadedEmails[0]!.id}`);
		await sendKeys({ press: 'ArrowDown' });
		await sendKeys({ press: 'ArrowDown' });
		expect(activeId()).to.equal(`email-${el.loadedEmails[2]!.id}`);
		await sendKeys({ press: 'ArrowUp' });
		expect(activeId()).to.equal(`email-${el.loadedEmails[1]!.id}`);
		await sendKeys({ press: 'End' });
		const last = el.loadedEmails.at(-1)!;
		expect(activeId()).to.equal(`email-${last.id}`);
		await until(
			() => el.shadowRoot!.getElementById(`email-${last.id}`),
			'the last row scrolled into view',
		);
		await sendKeys({ press: 'Home' });
		expect(activeId()).to.equal(`email-${el.loadedEmails[0]!.id}`);
		await until(
			() => el.shadowRoot!.getElementById(`email-${el.loadedEmails[0]!.id}`),
			'the first row',
		);
		await sendKeys({ press: 'ArrowDown' });

		const selected = new Promise<CustomEvent>((resolve) =>
			el.addEventListener('crm-email-select', (event) => resolve(event), { once: true }),
		);
		await sendKeys({ press: 'Enter' });
		const event = await selected;
		expect(event.detail.emailId).to.equal(el.loadedEmails[1]!.id);
		expect(event.bubbles && event.composed).to.equal(true);
		await until(() => part(el, 'detail-header'), 'the detail');
		expect(
			el.shadowRoot!.activeElement === part(el, 'detail'),
			'focus on the detail panel',
		).to.equal(true);
		expect(
			el
				.shadowRoot!.getElementById(`email-${el.loadedEmails[1]!.id}`)!
				.getAttribute('aria-selected'),
		).to.equal('true');
		// Escape in the reply box with a draft keeps the panel (and the draft).
		part(el, 'reply-text')!.focus();
		await sendKeys({ type: 'draft' });
		await sendKeys({ press: 'Escape' });
		await el.updateComplete;
		expect(part<HTMLTextAreaElement>(el, 'reply-text')!.value).to.equal('draft');
		part(el, 'detail')!.focus();
		await sendKeys({ press: 'Escape' });
		await el.updateComplete;
		expect(part(el, 'detail') === null, 'the detail panel is closed').to.equal(true);
		expect(el.shadowRoot!.activeElement === part(el, 'list'), 'focus back on the list').to.equal(
			true,
		);
	});

	it("shows the API's message when the token is for another workspace (403)", async () => {
		const tokenB = await tokenFor(WORKSPACE_B);
		const el = await mount({ token: tokenB });
		const alert = await until(() => part(el, 'error'), 'the error state');
		expect(alert.getAttribute('role')).to.equal('alert');
		const direct = await fetch(
			`${API}/workspaces/${WORKSPACE_A}/integrations/google/gmail/emails`,
			{
				headers: { authorization: `Bearer ${tokenB}` },
			},
		);
		expect(direct.status).to.equal(403);
		const body = (await direct.json()) as { error: { code: string; message: string } };
		expect(body.error.code).to.equal('forbidden');
		expect(alert.textContent).to.contain(body.error.message);
		expect(rows(el)).to.have.length(0);
		expect(part(el, 'retry-button') !== null, 'Retry offered').to.equal(true);
	});

	it('asks the tokenProvider for a token', async () => {
		let calls = 0;
		const el = await fixture<CrmInbox>(
			html`<crm-inbox
				api-base=${API}
				workspace-id=${WORKSPACE_A}
				.tokenProvider=${async () => {
					calls++;
					return tokenA;
				}}
			></crm-inbox>`,
		);
		await loaded(el);
		expect(calls).to.be.greaterThan(0);
	});

	it('queues a sync from the Sync now button', async () => {
		const el = await mount();
		await loaded(el);
		part<HTMLButtonElement>(el, 'sync-button')!.click();
		await until(
			() => part(el, 'status')!.textContent!.includes('Sync started') || part(el, 'error'),
			'sync',
		);
		expect(part(el, 'status')!.textContent).to.contain('Sync started');
	});

	it('takes its strings from the strings property', async () => {
		const el = await mount(
			{ label: 'NO-SUCH-LABEL' },
			{ empty: 'Aucun e-mail', search: 'Rechercher', sync: 'Synchroniser', allDirections: 'Tout' },
		);
		const empty = await until(() => part(el, 'empty'), 'the empty state');
		expect(empty.textContent).to.contain('Aucun e-mail');
		expect(part(el, 'search')!.getAttribute('aria-label')).to.equal('Rechercher');
		expect(part(el, 'sync-button')!.textContent).to.contain('Synchroniser');
		expect(el.shadowRoot!.textContent).not.to.contain('No emails');
	});

	it('has no axe violations, list and detail, light and dark', async () => {
		const el = await mount();
		await loaded(el);
		await expect(el).to.be.accessible();
		await openEmail(el, rows(el)[1]!);
		await until(() => part(el, 'body'), 'the frame');
		await expect(el).to.be.accessible();
		el.setAttribute('theme', 'dark');
		await el.updateComplete;
		await expect(el).to.be.accessible();
	});
});
