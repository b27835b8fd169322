// <crm-connect-status> against the real test API server (PostgreSQL, core/api's widget handler):
// every state, settings that persist, disconnect with its confirmation, onboarding, events,
// keyboard, accessibility, strings and the dark theme.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';

import { CrmApiClient } from '../shared/apiClient';
import type { IntegrationStatusView } from '../shared/apiTypes';
import {
	API_BASE,
	scenario,
	setProgress,
	testToken,
	UNCONFIGURED_API_BASE,
	waitFor,
	WORKSPACE_A,
	WORKSPACE_B,
	type ScenarioOptions,
} from '../shared/testSupport';
import './connect-status';
import type CrmConnectStatus from './connect-status';

type Scenario = Awaited<ReturnType<typeof scenario>>;

async function mount(
	setup: Scenario | { workspaceId: string; token: string },
	options: { apiBase?: string; variant?: string; theme?: string; pollInterval?: number } = {},
): Promise<CrmConnectStatus> {
	const el = await fixture<CrmConnectStatus>(html`
		<crm-connect-status
			api-base=${options.apiBase ?? API_BASE}
			workspace-id=${setup.workspaceId}
			token=${setup.token}
			variant=${options.variant ?? 'settings'}
			theme=${options.theme ?? 'light'}
			poll-interval=${options.pollInterval ?? 300}
			locale="en"
		></crm-connect-status>
	`);
	await loaded(el);
	return el;
}

/** Waits until the widget shows something other than its loading line. */
async function loaded(el: CrmConnectStatus): Promise<void> {
	await waitFor(
		() => el.shadowRoot!.querySelector('[part=header], [part=error]') !== null,
		10_000,
		'the widget to load',
	);
	await el.updateComplete;
}

const $ = <T extends Element = HTMLElement>(el: CrmConnectStatus, selector: string) =>
	el.shadowRoot!.querySelector<T & HTMLElement>(selector);
const textOf = (el: CrmConnectStatus, selector: string) =>
	$(el, selector)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

async function statusFromApi(setup: Scenario): Promise<IntegrationStatusView | null> {
	const client = new CrmApiClient({
		apiBase: API_BASE,
		workspaceId: setup.workspaceId,
		token: setup.token,
	});
	return (await client.call<{ integration: IntegrationStatusView | null }>('integration.status'))
		.integration;
}

const fresh = (options: ScenarioOptions) => scenario(options);

describe('<crm-connect-status>', () => {
	it('shows a connected account: badge, "Connected as …", last sync and the sync switches', async () => {
		const setup = await fresh({ status: 'connected' });
		const el = await mount(setup);
		expect(textOf(el, '[part=badge]')).to.equal('Connected');
		expect(textOf(el, '[part=account]')).to.equal('Connected as sandbox@crm-connect.test');
		expect(textOf(el, '[part=last-sync]')).to.match(/^Last sync 5 minutes ago$/);
		const mail = $(el, '[data-setting=syncMail]')!;
		const calendar = $(el, '[data-setting=syncCalendar]')!;
		expect(mail.getAttribute('aria-checked')).to.equal('true');
		expect(calendar.getAttribute('aria-checked')).to.equal('true');
		expect(mail.getAttribute('role')).to.equal('switch');
		expect(textOf(el, '#switch-syncMail')).to.equal('Sync Gmail');
		expect($(el, '[part=progress]')?.outerHTML ?? null).to.equal(null);
		await expect(el).to.be.accessible();
	});

	it('shows labels and calendars from the provider and saves a selection that reads back', async () => {
		const setup = await fresh({ status: 'connected' });
		const el = await mount(setup);
		await waitFor(() => $(el, '[part=calendars] input'), 10_000, 'labels and calendars');
		const labels = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('[part=labels] input')];
		expect(labels.length).to.be.greaterThan(1);
		const byKey = (key: string) => labels.find((input) => input.dataset.label === key)!;
		expect(byKey('inbox').checked).to.equal(true);
		expect(byKey('sent').checked).to.equal(true);
		expect(byKey('all').checked).to.equal(false);
		// The user's own labels are offered; Gmail's spam, trash and categories are not.
		expect(labels.some((input) => input.dataset.label === 'SPAM')).to.equal(false);
		const own = labels.find((input) => !['inbox', 'sent', 'all'].includes(input.dataset.label!))!;
		expect(own).to.not.equal(undefined);
		setTimeout(() => own.click());
		await oneEvent(el, 'crm-settings-change');
		expect((await statusFromApi(setup))!.settings.mailFolders).to.deep.equal([
			'inbox',
			'sent',
			own.dataset.label!,
		]);
		// The last ticked label cannot be unticked.
		const idle = () =>
			waitFor(
				() => !$<HTMLFieldSetElement>(el, '[part=labels]')!.matches(':disabled'),
				5000,
				'idle',
			);
		for (const key of ['inbox', 'sent']) {
			setTimeout(() => byKey(key).click());
			await oneEvent(el, 'crm-settings-change');
			await idle();
		}
		own.click();
		await el.updateComplete;
		expect(own.checked).to.equal(true);
		expect(textOf(el, '[part=error]')).to.equal('Keep at least one label selected');
		expect((await statusFromApi(setup))!.settings.mailFolders).to.deep.equal([own.dataset.label!]);

		const calendars = [
			...el.shadowRoot!.querySelectorAll<HTMLInputElement>('[part=calendars] input'),
		];
		const primary = calendars.find((input) => input.checked)!;
		expect(primary).to.not.equal(undefined);
		setTimeout(() => primary.click());
		const change = await oneEvent(el, 'crm-settings-change');
		expect(change.detail.changes).to.deep.equal({ calendars: [] });
		expect(textOf(el, '[part=status-message]')).to.equal('Saved');
		expect((await statusFromApi(setup))!.settings.calendars).to.not.include('primary');
	});

	it('turns Gmail sync off with a click and Calendar sync off with the keyboard; both persist', async () => {
		const setup = await fresh({ status: 'connected' });
		const el = await mount(setup);
		const changes: Array<Record<string, unknown>> = [];
		el.addEventListener('crm-settings-change', (event) => changes.push(event.detail.changes));

		$(el, '[data-setting=syncMail]')!.click();
		await waitFor(
			() => $(el, '[data-setting=syncMail]')!.getAttribute('aria-checked') === 'false',
			5000,
			'the mail switch to turn off',
		);
		expect((await statusFromApi(setup))!.settings.syncMail).to.equal(false);

		$(el, '[data-setting=syncCalendar]')!.focus();
		await sendKeys({ press: 'Space' });
		await waitFor(
			() => $(el, '[data-setting=syncCalendar]')!.getAttribute('aria-checked') === 'false',
			5000,
			'the calendar switch to turn off',
		);
		expect((await statusFromApi(setup))!.settings.syncCalendar).to.equal(false);
		expect(changes).to.deep.equal([{ syncMail: false }, { syncCalendar: false }]);

		// Read back by a new element: what it shows is what the API stored.
		const again = await mount(setup);
		expect($(again, '[data-setting=syncMail]')!.getAttribute('aria-checked')).to.equal('false');
		expect($(again, '[data-setting=syncCalendar]')!.getAttribute('aria-checked')).to.equal('false');
	});

	it('shows the initial sync as a progress bar that follows the running sync until it ends', async () => {
		const setup = await fresh({ status: 'syncing', progress: { done: 400, total: 1000 } });
		const el = await mount(setup, { pollInterval: 250 });
		const bar = () => $(el, '[part=progress-track]');
		expect(textOf(el, '[part=badge]')).to.equal('Syncing');
		expect(bar()!.getAttribute('role')).to.equal('progressbar');
		expect(bar()!.getAttribute('aria-valuenow')).to.equal('40');
		expect(textOf(el, '[part=progress]')).to.equal('Initial sync: 400 of 1,000 synced');
		await expect(el).to.be.accessible();

		await setProgress(setup.workspaceId, { done: 800, total: 1000 });
		await waitFor(() => bar()?.getAttribute('aria-valuenow') === '80', 5000, 'progress 80%');

		await setProgress(setup.workspaceId, { done: 1000, total: 1000, finish: true });
		await waitFor(() => bar() === null, 5000, 'the progress bar to go');
		expect(textOf(el, '[part=badge]')).to.equal('Connected');
		expect(textOf(el, '[part=last-sync]')).to.match(/^Last sync (now|\d+ seconds? ago)$/);
	});

	it('asks to re-authenticate with a Reconnect button that emits a cancelable crm-connect with the consent URL', async () => {
		const setup = await fresh({ status: 'requires_reauth' });
		const el = await mount(setup);
		expect(textOf(el, '[part=badge]')).to.equal('Requires re-authentication');
		const notice = $(el, '[part=notice]')!;
		expect(notice.getAttribute('role')).to.equal('alert');
		expect(notice.textContent).to.contain('Your email connection needs re-authentication');
		await expect(el).to.be.accessible();

		el.addEventListener('crm-connect', (event) => event.preventDefault());
		const reconnect = $(el, '[data-action=reconnect]')!;
		setTimeout(() => reconnect.click());
		const event = await oneEvent(el, 'crm-connect');
		expect(event.detail.provider).to.equal('google');
		const url = new URL(event.detail.url);
		expect(url.pathname).to.equal('/o/oauth2/v2/auth');
		expect(url.searchParams.get('redirect_uri')).to.match(/\/oauth\/callback$/);
		expect(event.bubbles && event.composed && event.cancelable).to.equal(true);
		expect(location.href).to.not.contain('oauth2'); // canceled: the page stayed
	});

	it('shows a throttled account with when sync resumes', async () => {
		const setup = await fresh({ status: 'throttled' });
		const el = await mount(setup);
		expect(textOf(el, '[part=badge]')).to.equal('Paused (rate limit)');
		expect(textOf(el, '[part=notice]')).to.match(
			/^The provider asked us to slow down: sync resumes in (9|10) minutes$/,
		);
	});

	it('offers the configured providers when nothing is connected, and says so when none is configured', async () => {
		const setup = await fresh({ status: 'none' });
		const el = await mount(setup);
		expect(textOf(el, '[part=badge]')).to.equal('Not connected');
		const buttons = [...el.shadowRoot!.querySelectorAll('[part~=connect-button]')].map((button) =>
			button.textContent!.trim(),
		);
		expect(buttons).to.deep.equal(['Connect with Google', 'Connect Microsoft 365']);
		await expect(el).to.be.accessible();

		el.addEventListener('crm-connect', (event) => event.preventDefault());
		setTimeout(() => $(el, '[data-provider=microsoft]')!.click());
		const event = await oneEvent(el, 'crm-connect');
		expect(event.detail.provider).to.equal('microsoft');
		expect(event.detail.url).to.contain('/oauth2/v2.0/authorize');

		const unconfigured = await mount(setup, { apiBase: UNCONFIGURED_API_BASE });
		expect(textOf(unconfigured, '[part=notice]')).to.equal(
			'Email integration is not yet configured. Please contact your administrator',
		);
		expect(
			unconfigured.shadowRoot!.querySelector('[part~=connect-button]')?.outerHTML ?? null,
		).to.equal(null);
	});

	it('disconnects only after the confirmation, which Escape and Cancel dismiss', async () => {
		const setup = await fresh({ status: 'connected' });
		const el = await mount(setup);
		const dialog = $(el, 'dialog')! as HTMLDialogElement;
		const disconnect = $(el, '[data-action=disconnect]')!;

		disconnect.click();
		expect(dialog.open).to.equal(true);
		expect(textOf(el, '#disconnect-title')).to.equal('Disconnect email?');
		expect(textOf(el, '#disconnect-text')).to.equal(
			'Synced emails will remain, but new syncing will stop',
		);
		expect(el.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Cancel');
		await expect(el).to.be.accessible();
		await sendKeys({ press: 'Escape' });
		await waitFor(() => !dialog.open, 2000, 'Escape to close the dialog');
		expect(el.shadowRoot!.activeElement === disconnect, 'focus back on Disconnect').to.equal(true);
		expect((await statusFromApi(setup))!.status).to.equal('connected');

		disconnect.click();
		$(el, 'dialog button[value=cancel]')!.click();
		expect(dialog.open).to.equal(false);
		expect((await statusFromApi(setup))!.status).to.equal('connected');

		disconnect.click();
		setTimeout(() => $(el, '[data-action=confirm-disconnect]')!.click());
		const event = await oneEvent(el, 'crm-disconnect');
		expect(event.detail).to.include({
			provider: 'google',
			accountEmail: 'sandbox@crm-connect.test',
		});
		await waitFor(() => textOf(el, '[part=badge]') === 'Not connected', 5000, 'not connected');
		expect((await statusFromApi(setup))!.status).to.equal('disconnected');
		expect(textOf(el, '[part=status-message]')).to.equal('Disconnected');
		expect(el.shadowRoot!.activeElement?.getAttribute('data-provider')).to.equal('google');
	});

	it('enriches a person found by name', async () => {
		const el = await mount({ workspaceId: WORKSPACE_A, token: await testToken(WORKSPACE_A) });
		const search = $<HTMLInputElement>(el, '#enrich-search')! as HTMLInputElement;
		search.focus();
		await sendKeys({ type: 'grace' });
		await waitFor(() => $(el, '[part=enrich-results] input'), 5000, 'records');
		const names = [...el.shadowRoot!.querySelectorAll('[part=enrich-results] label')].map((label) =>
			label.textContent!.replace(/\s+/g, ' ').trim(),
		);
		expect(names.length).to.be.greaterThan(0);
		expect(names.every((name) => name.startsWith('Grace '))).to.equal(true);
		const first = $(el, '[part=enrich-results] input')!;
		first.click();
		await el.updateComplete;
		$(el, '[data-action=enrich]')!.click();
		await waitFor(() => /enriched$/.test(textOf(el, '[part=status-message]')), 10_000, 'enriched');
		expect(textOf(el, '[part=status-message]')).to.match(/^Grace \S+ enriched$/);
		expect(names[0]).to.contain(textOf(el, '[part=status-message]').replace(/ enriched$/, ''));
		expect(textOf(el, '[part=error]')).to.equal('');
	});

	it("shows the API's 403 when a token of workspace A is used on workspace B", async () => {
		const el = await mount({ workspaceId: WORKSPACE_B, token: await testToken(WORKSPACE_A) });
		const error = $(el, '[part=error]')!;
		expect(error.getAttribute('role')).to.equal('alert');
		expect(error.textContent).to.equal('The API token is for another workspace');
		await expect(el).to.be.accessible();
	});

	it('asks tokenProvider for a token before each request when there is no token attribute', async () => {
		const setup = await fresh({ status: 'connected' });
		let calls = 0;
		const el = await fixture<CrmConnectStatus>(html`
			<crm-connect-status
				api-base=${API_BASE}
				workspace-id=${setup.workspaceId}
				.tokenProvider=${async () => {
					calls++;
					return testToken(setup.workspaceId);
				}}
			></crm-connect-status>
		`);
		await loaded(el);
		expect(textOf(el, '[part=account]')).to.equal('Connected as sandbox@crm-connect.test');
		const before = calls;
		$(el, '[data-setting=autoEnrich]')!.click();
		await oneEvent(el, 'crm-settings-change');
		expect(calls).to.be.greaterThan(before);
		expect((await statusFromApi(setup))!.settings.autoEnrich).to.equal(false);
	});

	it('takes every visible string from `strings` when given', async () => {
		const setup = await fresh({ status: 'connected' });
		const el = await fixture<CrmConnectStatus>(html`
			<crm-connect-status
				api-base=${API_BASE}
				workspace-id=${setup.workspaceId}
				token=${setup.token}
				locale="de"
				.strings=${{
					title: 'E-Mail und Kalender',
					statusConnected: 'Verbunden',
					connectedAs: 'Verbunden als {account}',
					lastSync: 'Zuletzt synchronisiert {when}',
					syncMailGoogle: 'Gmail synchronisieren',
					disconnect: 'Trennen',
				}}
			></crm-connect-status>
		`);
		await loaded(el);
		expect(textOf(el, 'h2')).to.equal('E-Mail und Kalender');
		expect(textOf(el, '[part=badge]')).to.equal('Verbunden');
		expect(textOf(el, '[part=account]')).to.equal('Verbunden als sandbox@crm-connect.test');
		expect(textOf(el, '[part=last-sync]')).to.equal('Zuletzt synchronisiert vor 5 Minuten');
		expect(textOf(el, '#switch-syncMail')).to.equal('Gmail synchronisieren');
		expect(textOf(el, '[data-action=disconnect]')).to.equal('Trennen');
	});

	it('has a dark theme, still without axe violations', async () => {
		const setup = await fresh({ status: 'connected' });
		const light = await mount(setup);
		const dark = await mount(setup, { theme: 'dark' });
		const luminance = (el: Element) => {
			const [r, g, b] = getComputedStyle(el).backgroundColor.match(/\d+/g)!.map(Number);
			return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
		};
		expect(luminance(light)).to.be.greaterThan(200);
		expect(luminance(dark)).to.be.lessThan(50);
		expect(getComputedStyle(dark).colorScheme).to.equal('dark');
		await expect(dark).to.be.accessible();
	});

	it('themes through --crm-* custom properties set by the page', async () => {
		const setup = await fresh({ status: 'none' });
		const el = await mount(setup);
		el.style.setProperty('--crm-color-accent', 'rgb(200, 0, 100)');
		await el.updateComplete;
		const button = $(el, '[part~=connect-button]')!;
		expect(getComputedStyle(button).backgroundColor).to.equal('rgb(200, 0, 100)');
	});

	describe('onboarding variant', () => {
		it('explains the benefits, offers privacy switches, Connect and Skip', async () => {
			const setup = await fresh({ status: 'none' });
			const el = await mount(setup, { variant: 'onboarding' });
			expect(textOf(el, 'h2')).to.equal('Connect your email and calendar');
			expect(el.shadowRoot!.querySelectorAll('[part=benefits] li').length).to.equal(3);
			const switches = [
				...el.shadowRoot!.querySelectorAll<HTMLElement>('[part=privacy] [role=switch]'),
			];
			expect(switches.map((item) => item.getAttribute('aria-checked'))).to.deep.equal([
				'true',
				'true',
				'true',
			]);
			await expect(el).to.be.accessible();

			// Share content off, with the keyboard.
			switches[0]!.focus();
			await sendKeys({ press: 'Enter' });
			await el.updateComplete;
			expect(switches[0]!.getAttribute('aria-checked')).to.equal('false');

			el.addEventListener('crm-connect', (event) => event.preventDefault());
			setTimeout(() =>
				[...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~=connect-button]')]
					.find((button) => button.textContent!.trim() === 'Connect with Google')!
					.click(),
			);
			const connect = await oneEvent(el, 'crm-connect');
			expect(connect.detail.privacy).to.deep.equal({
				shareContent: false,
				createContacts: true,
				enrich: true,
			});

			setTimeout(() => $(el, '[part~=skip-button]')!.click());
			const done = await oneEvent(el, 'crm-onboarding-done');
			expect(done.detail).to.deep.equal({ skipped: true, provider: null });
		});

		it('applies the privacy choices once the account is connected, then offers Continue', async () => {
			const setup = await fresh({ status: 'connected' });
			sessionStorage.setItem(
				`crm-connect-privacy:${setup.workspaceId}:google`,
				JSON.stringify({ shareContent: false, createContacts: false, enrich: false }),
			);
			const el = await mount(setup, { variant: 'onboarding' });
			expect(textOf(el, '[part=account]')).to.equal('Connected as sandbox@crm-connect.test');
			expect(textOf(el, '[part~=skip-button]')).to.equal('Continue');
			const stored = (await statusFromApi(setup))!.settings;
			expect(stored).to.include({
				visibility: 'subject',
				contactCreation: 'none',
				autoEnrich: false,
			});
			expect(sessionStorage.getItem(`crm-connect-privacy:${setup.workspaceId}:google`)).to.equal(
				null,
			);
			await expect(el).to.be.accessible();
		});
	});
});
