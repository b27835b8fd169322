import { Task } from '@lit/task';
import {
	html,
	nothing,
	type PropertyValues,
	type TemplateResult,
	type PropertyDeclarations,
} from 'lit';

import type { WidgetProvider } from '../../core/api/routeTable';
import type {
	CalendarEntry,
	IntegrationStatusView,
	MailLabel,
	ProviderEntry,
	RecordHit,
	SyncProgress,
} from '../shared/apiTypes';
import { CrmWidgetElement, errorMessage } from '../shared/base';
import { emit } from '../shared/events';
import { format, localize } from '../shared/strings';
import styles from './connect-status.styles';

/** Every visible string of `<crm-connect-status>`; override any through `strings`. */
export const CONNECT_STATUS_STRINGS = {
	title: 'Email and calendar',
	loading: 'Loading the connection…',
	retry: 'Try again',
	notConfigured: 'Email integration is not yet configured. Please contact your administrator',
	notConnected: 'Not connected',
	connectGoogle: 'Connect with Google',
	connectMicrosoft: 'Connect Microsoft 365',
	connecting: 'Opening the consent page…',
	providerGoogle: 'Google Workspace',
	providerMicrosoft: 'Microsoft 365',
	statusConnected: 'Connected',
	statusSyncing: 'Syncing',
	statusThrottled: 'Paused (rate limit)',
	statusRequiresReauth: 'Requires re-authentication',
	statusFailed: 'Sync failed',
	statusDisconnected: 'Not connected',
	connectedAs: 'Connected as {account}',
	lastSync: 'Last sync {when}',
	neverSynced: 'Not synced yet',
	progressLabel: 'Initial sync',
	progressCount: '{done} of {total} synced',
	progressDone: '{done} synced',
	reauthNotice: 'Your email connection needs re-authentication',
	throttledNotice: 'The provider asked us to slow down: sync resumes {when}',
	throttledSoon: 'The provider asked us to slow down: sync resumes shortly',
	failedNotice: 'The last sync failed: {message}',
	reconnect: 'Reconnect',
	syncSection: 'Sync',
	syncMailGoogle: 'Sync Gmail',
	syncMailMicrosoft: 'Sync Outlook mail',
	syncCalendar: 'Sync Calendar',
	syncNow: 'Sync now',
	syncQueued: 'Sync queued',
	saved: 'Saved',
	labelsLegend: 'Labels to sync',
	labelInbox: 'Inbox',
	labelSent: 'Sent',
	labelAll: 'All mail',
	foldersLegend: 'Folders to sync',
	calendarsLegend: 'Calendars to sync',
	primaryCalendar: '{name} (primary)',
	optionsLoading: 'Loading labels and calendars…',
	keepOneLabel: 'Keep at least one label selected',
	enrichSection: 'Contact enrichment',
	autoEnrich: 'Enrich contacts from email signatures after each sync',
	enrichSearch: 'Find a person or company',
	enrichSearchPlaceholder: 'Name, address or domain',
	enrichNow: 'Enrich now',
	enrichDone: '{name} enriched',
	enrichNothing: 'No records match',
	disconnect: 'Disconnect',
	disconnectTitle: 'Disconnect email?',
	disconnectText: 'Synced emails will remain, but new syncing will stop',
	disconnectConfirm: 'Disconnect',
	cancel: 'Cancel',
	disconnected: 'Disconnected',
	onboardingTitle: 'Connect your email and calendar',
	onboardingIntro: 'Bring your conversations and meetings into the CRM.',
	benefitMail: 'Email sync: every conversation with your contacts, next to their records',
	benefitCalendar: 'Calendar: meetings with the people and companies you work with',
	benefitEnrich: 'AI enrichment: job titles, phones and companies from email signatures',
	privacyLegend: 'Privacy',
	privacyShareContent: 'Let my team see email content (off: subjects only)',
	privacyCreateContacts: 'Create contacts from my email',
	privacyEnrich: 'Enrich contacts from email signatures',
	skip: 'Skip for now',
	continue: 'Continue',
	privacyNote: 'You can change this later in settings. Your password is never stored.',
} as const;

export type ConnectStatusStrings = typeof CONNECT_STATUS_STRINGS;
export type ConnectStatusStringKey = keyof ConnectStatusStrings;

/** The privacy choices of the onboarding variant, applied to the integration once connected. */
export interface PrivacyChoices {
	shareContent: boolean;
	createContacts: boolean;
	enrich: boolean;
}

export interface CrmConnectDetail {
	provider: WidgetProvider;
	/** The provider's consent page; the widget navigates there unless the event is canceled. */
	url: string;
	/** Onboarding only: the privacy choices made before connecting. */
	privacy?: PrivacyChoices;
}

export interface CrmDisconnectDetail {
	provider: WidgetProvider;
	integrationId: string;
	accountEmail: string;
}

export interface CrmSettingsChangeDetail {
	provider: WidgetProvider;
	integrationId: string;
	changes: Record<string, unknown>;
}

export interface CrmOnboardingDoneDetail {
	/** True when the user skipped connecting. */
	skipped: boolean;
	provider: WidgetProvider | null;
}

declare module '../shared/events' {
	interface CrmEventDetailMap {
		'crm-connect': CrmConnectDetail;
		'crm-disconnect': CrmDisconnectDetail;
		'crm-settings-change': CrmSettingsChangeDetail;
		'crm-onboarding-done': CrmOnboardingDoneDetail;
	}
}

declare global {
	interface GlobalEventHandlersEventMap {
		'crm-connect': CustomEvent<CrmConnectDetail>;
		'crm-disconnect': CustomEvent<CrmDisconnectDetail>;
		'crm-settings-change': CustomEvent<CrmSettingsChangeDetail>;
		'crm-onboarding-done': CustomEvent<CrmOnboardingDoneDetail>;
	}
}

const PRIVACY_STORAGE_PREFIX = 'crm-connect-privacy:';
const LIVE = new Set(['connected', 'syncing', 'throttled', 'failed']);

/**
 * @summary The connection of a user's Google or Microsoft 365 account: state, account, last
 * sync and the initial sync's progress, sync settings, labels and calendars, enrichment,
 * disconnect; with `variant="onboarding"`, the onboarding step (benefits, privacy, connect, skip).
 *
 * @attr api-base - The CRM API node's base URL (`<n8n>/webhook/<webhookId>/crm-api`).
 * @attr workspace-id - The workspace the token was signed for.
 * @attr token - A short-lived API token from the CRM's backend (or set `tokenProvider`).
 * @attr provider - `google` (default) or `microsoft`: the integration shown.
 * @attr variant - `settings` (default) or `onboarding`.
 * @attr theme - `light`, `dark` or `auto`.
 * @attr return-url - Where the provider sends the browser back (default: this page).
 * @attr poll-interval - Milliseconds between progress polls during a sync (default 2000).
 * @attr locale - BCP 47 locale for dates and numbers (default: the browser's).
 *
 * @event crm-connect - Before navigating to the consent page (cancelable): `{ provider, url, privacy? }`.
 * @event crm-disconnect - After the account was disconnected: `{ provider, integrationId, accountEmail }`.
 * @event crm-settings-change - After a setting was saved: `{ provider, integrationId, changes }`.
 * @event crm-onboarding-done - Onboarding: skipped or continued: `{ skipped, provider }`.
 *
 * @csspart header - Title and status badge.
 * @csspart badge - The status badge (`data-status` holds the status).
 * @csspart account - "Connected as …".
 * @csspart last-sync - When the last sync succeeded.
 * @csspart progress - The initial sync's progress block.
 * @csspart progress-track - The progress bar's track.
 * @csspart progress-bar - The filled part of the progress bar.
 * @csspart notice - Re-authentication, throttling and failure notices.
 * @csspart providers - The connect buttons.
 * @csspart connect-button - A connect (or reconnect) button.
 * @csspart switch - A settings switch.
 * @csspart labels - The label (or folder) selection.
 * @csspart calendars - The calendar selection.
 * @csspart enrich - The enrichment section.
 * @csspart enrich-results - The records found for "enrich now".
 * @csspart sync-button - "Sync now".
 * @csspart disconnect-button - "Disconnect".
 * @csspart dialog - The disconnect confirmation dialog.
 * @csspart benefits - Onboarding: the list of benefits.
 * @csspart privacy - Onboarding: the privacy switches.
 * @csspart skip-button - Onboarding: "Skip for now" / "Continue".
 * @csspart error - An error message.
 * @csspart status-message - Polite announcements (saved, queued, enriched).
 *
 * @cssproperty --crm-font - Font family.
 * @cssproperty --crm-font-size - Base font size.
 * @cssproperty --crm-color-text - Text color.
 * @cssproperty --crm-color-text-muted - Secondary text color.
 * @cssproperty --crm-color-bg - Background.
 * @cssproperty --crm-color-surface - Raised surfaces and tracks.
 * @cssproperty --crm-color-accent - Buttons, switches, progress.
 * @cssproperty --crm-color-on-accent - Text on the accent color.
 * @cssproperty --crm-color-border - Borders.
 * @cssproperty --crm-color-danger - Disconnect and errors.
 * @cssproperty --crm-color-warning - Notices.
 * @cssproperty --crm-color-warning-bg - Notice background.
 * @cssproperty --crm-color-success - The connected badge.
 * @cssproperty --crm-radius - Corner radius.
 * @cssproperty --crm-space - Spacing unit.
 * @cssproperty --crm-focus-ring - Focus ring (box-shadow).
 */
export default class CrmConnectStatus extends CrmWidgetElement {
	static styles = styles;

	// Lit's reactive properties, declared here rather than with decorators, whose generated calls
	// weighed about 0.4 KB min+gzip in the widget bundle. Internal state also says attribute: false
	// (implied by state: true) so custom-elements.json lists no attribute for it.
	static properties: PropertyDeclarations = {
		variant: { reflect: true },
		returnUrl: { attribute: 'return-url' },
		pollInterval: { attribute: 'poll-interval', type: Number },
		locale: {},
		strings: { attribute: false },
		providers: { state: true, attribute: false },
		integration: { state: true, attribute: false },
		busy: { state: true, attribute: false },
		actionError: { state: true, attribute: false },
		announcement: { state: true, attribute: false },
		privacy: { state: true, attribute: false },
		enrichQuery: { state: true, attribute: false },
		enrichHits: { state: true, attribute: false },
		enrichChoice: { state: true, attribute: false },
		callbackNotice: { state: true, attribute: false },
	};

	/** `settings` (default) or `onboarding`. */
	variant: 'settings' | 'onboarding' = 'settings';

	/** Where the provider sends the browser back after consent (default: this page). */
	returnUrl = '';

	/** Milliseconds between progress polls while a sync runs. */
	pollInterval = 2000;

	/** BCP 47 locale for dates and numbers (default: the browser's). */
	locale?: string;

	/** Overrides of the visible strings (see CONNECT_STATUS_STRINGS). */
	strings: Partial<ConnectStatusStrings> = {};

	private providers: ProviderEntry[] = [];
	private integration: IntegrationStatusView | null = null;
	private busy: string | null = null;
	private actionError = '';
	private announcement = '';
	private privacy: PrivacyChoices = {
		shareContent: true,
		createContacts: true,
		enrich: true,
	};
	private enrichQuery = '';
	private enrichHits: RecordHit[] | null = null;
	private enrichChoice: RecordHit | null = null;
	private callbackNotice: { ok: boolean; message: string } | null = null;

	get #dialog() {
		return this.renderRoot.querySelector<HTMLDialogElement>('dialog');
	}

	#pollTimer?: ReturnType<typeof setTimeout>;
	/** Re-renders now and then so "Last sync 5 minutes ago" stays true. */
	#clockTimer?: ReturnType<typeof setInterval>;
	#searchTimer?: ReturnType<typeof setTimeout>;

	/** The providers and the shown integration. */
	readonly #loadTask = new Task(this, {
		task: async ([configured], { signal }) => {
			if (!configured) throw new Error('Set api-base, workspace-id and token');
			const answer = await this.client.call<{ providers: ProviderEntry[] }>('integrations.list', {
				signal,
			});
			this.integration =
				answer.providers.find((entry) => entry.provider === this.provider)?.integration ?? null;
			await this.#applyPendingPrivacy();
			this.providers = answer.providers;
			this.#schedulePoll();
			return answer.providers;
		},
		args: () =>
			[this.configured, this.apiBase, this.workspaceId, this.token, this.provider] as const,
	});

	/** Labels (or folders) and calendars of a live integration. */
	readonly #optionsTask = new Task(this, {
		task: async ([integrationId, live], { signal }) => {
			if (!integrationId || !live || this.variant === 'onboarding') return null;
			const provider = this.provider;
			const [labels, calendars] = await Promise.all([
				this.client
					.call<{ labels: MailLabel[] }>('mail.labels', { provider, signal })
					.then((answer) => answer.labels),
				this.client
					.call<{ calendars: CalendarEntry[] }>('calendar.calendars', { provider, signal })
					.then((answer) => answer.calendars),
			]);
			return { labels, calendars };
		},
		args: () => [this.integration?.id, this.#isLive] as const,
	});

	get #text(): Record<ConnectStatusStringKey, string> {
		return localize(CONNECT_STATUS_STRINGS, this.strings);
	}

	get #isLive(): boolean {
		return Boolean(this.integration && LIVE.has(this.integration.status));
	}

	connectedCallback(): void {
		super.connectedCallback();
		this.#readCallbackResult();
		this.#clockTimer = setInterval(() => this.requestUpdate(), 30_000);
	}

	disconnectedCallback(): void {
		super.disconnectedCallback();
		clearTimeout(this.#pollTimer);
		clearTimeout(this.#searchTimer);
		clearInterval(this.#clockTimer);
	}

	protected updated(changed: PropertyValues<this>): void {
		if (changed.has('pollInterval')) this.#schedulePoll();
	}

	/** Reloads providers and status from the API. */
	refresh(): Promise<unknown> {
		return this.#loadTask.run();
	}

	// ---- rendering ----

	render(): TemplateResult {
		const t = this.#text;
		return html`
			${this.#loadTask.render({
				initial: () => this.#renderLoading(),
				pending: () => (this.providers.length ? this.#renderLoaded() : this.#renderLoading()),
				complete: () => this.#renderLoaded(),
				error: (error) => html`
					<div class="stack">
						<h2>${this.variant === 'onboarding' ? t.onboardingTitle : t.title}</h2>
						<p part="error" class="error" role="alert">${errorMessage(error)}</p>
						<div>
							<button class="button" @click=${() => this.#loadTask.run()}>${t.retry}</button>
						</div>
					</div>
				`,
			})}
			<dialog
				part="dialog"
				aria-labelledby="disconnect-title"
				aria-describedby="disconnect-text"
				@close=${this.#onDialogClose}
			>
				<h2 id="disconnect-title">${t.disconnectTitle}</h2>
				<p id="disconnect-text">${t.disconnectText}</p>
				<div class="actions">
					<button class="button" value="cancel" @click=${this.#closeDialog}>${t.cancel}</button>
					<button
						class="button danger primary"
						data-action="confirm-disconnect"
						@click=${this.#confirmDisconnect}
					>
						${t.disconnectConfirm}
					</button>
				</div>
			</dialog>
		`;
	}

	#renderLoading(): TemplateResult {
		return html`<p role="status" class="muted">${this.#text.loading}</p>`;
	}

	#renderLoaded(): TemplateResult {
		return this.variant === 'onboarding' ? this.#renderOnboarding() : this.#renderSettings();
	}

	#renderSettings(): TemplateResult {
		const t = this.#text;
		const configured = this.providers.filter((entry) => entry.configured);
		const integration = this.integration;
		const shown = integration && integration.status !== 'disconnected';
		return html`
			<div class="stack">
				<div part="header">
					<h2>${t.title}</h2>
					${this.#renderBadge()}
				</div>
				${this.#renderCallbackNotice()}
				${configured.length === 0 && !shown
					? html`<p part="notice" role="status">${t.notConfigured}</p>`
					: shown
						? this.#renderIntegration(integration)
						: html`
								<p class="muted">${t.notConnected}</p>
								${this.#renderConnectButtons(configured)}
							`}
				${this.#renderActionFeedback()}
			</div>
		`;
	}

	#renderBadge(): TemplateResult {
		const status = this.integration?.status ?? 'none';
		return html`<span part="badge" data-status=${status}>${this.#statusLabel(status)}</span>`;
	}

	#statusLabel(status: string): string {
		const t = this.#text;
		switch (status) {
			case 'connected':
				return t.statusConnected;
			case 'syncing':
				return t.statusSyncing;
			case 'throttled':
				return t.statusThrottled;
			case 'requires_reauth':
				return t.statusRequiresReauth;
			case 'failed':
				return t.statusFailed;
			default:
				return t.statusDisconnected;
		}
	}

	#renderCallbackNotice() {
		const notice = this.callbackNotice;
		if (!notice) return nothing;
		return html`<p part="notice" role=${notice.ok ? 'status' : 'alert'}>${notice.message}</p>`;
	}

	#renderConnectButtons(entries: ProviderEntry[]): TemplateResult {
		const t = this.#text;
		return html`
			<div part="providers">
				${entries.map(
					(entry) => html`
						<div>
							<button
								part="connect-button"
								class="button primary"
								data-provider=${entry.provider}
								?disabled=${this.busy !== null}
								@click=${() => this.connect(entry.provider)}
							>
								${entry.provider === 'google' ? t.connectGoogle : t.connectMicrosoft}
							</button>
						</div>
					`,
				)}
			</div>
		`;
	}

	#renderIntegration(integration: IntegrationStatusView): TemplateResult {
		const t = this.#text;
		const settings = integration.settings;
		const busy = this.busy !== null;
		const mailLabel = integration.provider === 'google' ? t.syncMailGoogle : t.syncMailMicrosoft;
		return html`
			<div>
				<p part="account">${format(t.connectedAs, { account: integration.accountEmail })}</p>
				<p part="last-sync" class="muted">
					${integration.lastSuccessAt
						? format(t.lastSync, { when: this.#relative(integration.lastSuccessAt) })
						: t.neverSynced}
				</p>
			</div>
			${this.#renderProgress(integration.progress)} ${this.#renderStatusNotice(integration)}
			<section aria-labelledby="sync-heading">
				<div class="row">
					<h3 id="sync-heading">${t.syncSection}</h3>
					<button
						part="sync-button"
						class="button"
						?disabled=${busy || !this.#isLive}
						@click=${this.#syncNow}
					>
						${t.syncNow}
					</button>
				</div>
				${this.#renderSwitch('syncMail', mailLabel, settings.syncMail)}
				${this.#renderSwitch('syncCalendar', t.syncCalendar, settings.syncCalendar)}
				${this.#renderSelections(integration)}
			</section>
			<section part="enrich" aria-labelledby="enrich-heading">
				<h3 id="enrich-heading">${t.enrichSection}</h3>
				${this.#renderSwitch('autoEnrich', t.autoEnrich, settings.autoEnrich)}
				${this.#renderEnrich()}
			</section>
			<section>
				<div>
					<button
						part="disconnect-button"
						class="button danger"
						data-action="disconnect"
						?disabled=${busy}
						@click=${this.#openDialog}
					>
						${t.disconnect}
					</button>
				</div>
			</section>
		`;
	}

	#renderProgress(progress: SyncProgress | null) {
		if (!progress) return nothing;
		const t = this.#text;
		const done = progress.done ?? 0;
		const total = progress.total && progress.total > 0 ? progress.total : null;
		const percent = total ? Math.min(100, Math.round((done / total) * 100)) : null;
		const number = (value: number) => value.toLocaleString(this.locale);
		const label = total
			? format(t.progressCount, { done: number(done), total: number(total) })
			: format(t.progressDone, { done: number(done) });
		return html`
			<div part="progress">
				<span id="progress-label">${t.progressLabel}: ${label}</span>
				<div
					part="progress-track"
					role="progressbar"
					aria-labelledby="progress-label"
					aria-valuemin="0"
					aria-valuemax="100"
					aria-valuenow=${percent ?? nothing}
					aria-valuetext=${label}
					?data-indeterminate=${percent === null}
				>
					<div part="progress-bar" style="width: ${percent ?? 30}%"></div>
				</div>
			</div>
		`;
	}

	#renderStatusNotice(integration: IntegrationStatusView) {
		const t = this.#text;
		if (integration.status === 'requires_reauth' || integration.status === 'failed') {
			const message =
				integration.status === 'requires_reauth'
					? t.reauthNotice
					: format(t.failedNotice, { message: integration.errorMessage ?? '' });
			return html`
				<div part="notice" role="alert">
					<span>${message}</span>
					<button
						part="connect-button"
						class="button primary"
						data-action="reconnect"
						?disabled=${this.busy !== null}
						@click=${() => this.connect(integration.provider)}
					>
						${t.reconnect}
					</button>
				</div>
			`;
		}
		if (integration.status === 'throttled') {
			return html`
				<div part="notice" role="status">
					<span
						>${integration.throttledUntil
							? format(t.throttledNotice, { when: this.#relative(integration.throttledUntil) })
							: t.throttledSoon}</span
					>
				</div>
			`;
		}
		return nothing;
	}

	#renderSwitch(
		key: 'syncMail' | 'syncCalendar' | 'autoEnrich',
		label: string,
		checked: boolean,
	): TemplateResult {
		const id = `switch-${key}`;
		return html`
			<div class="row">
				<span id=${id}>${label}</span>
				<button
					part="switch"
					role="switch"
					data-setting=${key}
					aria-labelledby=${id}
					aria-checked=${checked ? 'true' : 'false'}
					?disabled=${this.busy !== null}
					@click=${() => this.#saveSettings({ [key]: !checked })}
				></button>
			</div>
		`;
	}

	#renderSelections(integration: IntegrationStatusView) {
		const t = this.#text;
		return this.#optionsTask.render({
			pending: () => html`<p class="muted" role="status">${t.optionsLoading}</p>`,
			error: (error) => html`<p part="error" class="error" role="alert">${errorMessage(error)}</p>`,
			complete: (options) => {
				if (!options) return nothing;
				const folders = integration.settings.mailFolders;
				const calendars = integration.settings.calendars;
				return html`
					<fieldset part="labels" ?disabled=${!integration.settings.syncMail || this.busy !== null}>
						<legend>${integration.provider === 'google' ? t.labelsLegend : t.foldersLegend}</legend>
						${this.#labelChoices(options.labels).map(
							(choice) => html`
								<label class="check">
									<input
										type="checkbox"
										data-label=${choice.key}
										.checked=${folders.includes(choice.key)}
										@change=${(event: Event) =>
											this.#toggleFolder(
												choice.key,
												(event.target as HTMLInputElement).checked,
												event,
											)}
									/>
									${choice.name}
								</label>
							`,
						)}
					</fieldset>
					<fieldset
						part="calendars"
						?disabled=${!integration.settings.syncCalendar || this.busy !== null}
					>
						<legend>${t.calendarsLegend}</legend>
						${options.calendars.map(
							(calendar) => html`
								<label class="check">
									<input
										type="checkbox"
										data-calendar=${calendar.id}
										.checked=${calendars.includes(calendarKey(calendar))}
										@change=${(event: Event) =>
											this.#toggleCalendar(calendar, (event.target as HTMLInputElement).checked)}
									/>
									${calendar.primary
										? format(t.primaryCalendar, { name: calendar.name })
										: calendar.name}
								</label>
							`,
						)}
					</fieldset>
				`;
			},
		});
	}

	#renderEnrich(): TemplateResult {
		const t = this.#text;
		const hits = this.enrichHits;
		return html`
			<div class="stack">
				<label for="enrich-search">${t.enrichSearch}</label>
				<input
					id="enrich-search"
					type="search"
					placeholder=${t.enrichSearchPlaceholder}
					.value=${this.enrichQuery}
					@input=${this.#onEnrichInput}
				/>
				${hits === null
					? nothing
					: hits.length === 0
						? html`<p class="muted">${t.enrichNothing}</p>`
						: html`
								<ul part="enrich-results" aria-label=${t.enrichSearch}>
									${hits.map(
										(hit) => html`
											<li>
												<label>
													<input
														type="radio"
														name="enrich-record"
														.checked=${this.enrichChoice?.id === hit.id}
														@change=${() => (this.enrichChoice = hit)}
													/>
													<span
														>${hit.name}
														<span class="muted">${hit.email ?? hit.domain ?? ''}</span></span
													>
												</label>
											</li>
										`,
									)}
								</ul>
							`}
				<div>
					<button
						class="button"
						data-action="enrich"
						?disabled=${!this.enrichChoice || this.busy !== null}
						@click=${this.#enrichNow}
					>
						${t.enrichNow}
					</button>
				</div>
			</div>
		`;
	}

	#renderOnboarding(): TemplateResult {
		const t = this.#text;
		const configured = this.providers.filter((entry) => entry.configured);
		const integration = this.integration;
		const connected = integration && integration.status !== 'disconnected';
		const privacySwitch = (key: keyof PrivacyChoices, label: string) => html`
			<div class="row">
				<span id=${`privacy-${key}`}>${label}</span>
				<button
					part="switch"
					role="switch"
					data-privacy=${key}
					aria-labelledby=${`privacy-${key}`}
					aria-checked=${this.privacy[key] ? 'true' : 'false'}
					@click=${() => (this.privacy = { ...this.privacy, [key]: !this.privacy[key] })}
				></button>
			</div>
		`;
		return html`
			<div class="stack">
				<div part="header">
					<h2>${t.onboardingTitle}</h2>
					${connected ? this.#renderBadge() : nothing}
				</div>
				${this.#renderCallbackNotice()}
				<p>${t.onboardingIntro}</p>
				<ul part="benefits">
					<li>${t.benefitMail}</li>
					<li>${t.benefitCalendar}</li>
					<li>${t.benefitEnrich}</li>
				</ul>
				${connected
					? html`<p part="account">
								${format(t.connectedAs, { account: integration.accountEmail })}
							</p>
							${this.#renderProgress(integration.progress)}`
					: html`
							<fieldset part="privacy">
								<legend>${t.privacyLegend}</legend>
								${privacySwitch('shareContent', t.privacyShareContent)}
								${privacySwitch('createContacts', t.privacyCreateContacts)}
								${privacySwitch('enrich', t.privacyEnrich)}
							</fieldset>
							<p class="muted">${t.privacyNote}</p>
							${configured.length === 0
								? html`<p part="notice" role="status">${t.notConfigured}</p>`
								: this.#renderConnectButtons(configured)}
						`}
				<div>
					<button
						part="skip-button"
						class="button ${connected ? 'primary' : 'link'}"
						@click=${() =>
							emit(this, 'crm-onboarding-done', {
								skipped: !connected,
								provider: connected ? integration.provider : null,
							})}
					>
						${connected ? t.continue : t.skip}
					</button>
				</div>
				${this.#renderActionFeedback()}
			</div>
		`;
	}

	#renderActionFeedback(): TemplateResult {
		return html`
			${this.actionError
				? html`<p part="error" class="error" role="alert">${this.actionError}</p>`
				: nothing}
			<p part="status-message" class="muted" role="status" aria-live="polite">
				${this.announcement}
			</p>
		`;
	}

	// ---- actions ----

	/** Asks the API for the consent URL and goes there (unless `crm-connect` is canceled). */
	async connect(provider: WidgetProvider = this.provider): Promise<void> {
		await this.#act(`connect-${provider}`, async () => {
			this.announcement = this.#text.connecting;
			const returnUrl =
				this.returnUrl || location.href.replace(/[?&](status|message|integrationId)=[^&]*/g, '');
			const { url } = await this.client.call<{ url: string }>('integration.connect', {
				provider,
				query: { return_url: new URL(returnUrl, document.baseURI).href },
			});
			const privacy = this.variant === 'onboarding' ? { ...this.privacy } : undefined;
			if (privacy) this.#storePrivacy(provider, privacy);
			if (emit(this, 'crm-connect', { provider, url, privacy }, { cancelable: true })) {
				location.assign(url);
			} else {
				this.announcement = '';
			}
		});
	}

	/** Saves a partial settings update and shows the stored result. */
	async #saveSettings(changes: Record<string, unknown>): Promise<void> {
		const integration = this.integration;
		if (!integration) return;
		await this.#act('settings', async () => {
			const answer = await this.client.call<{ integration: IntegrationStatusView }>(
				'integration.settings',
				{ provider: integration.provider, body: changes },
			);
			this.integration = answer.integration;
			this.announcement = this.#text.saved;
			emit(this, 'crm-settings-change', {
				provider: integration.provider,
				integrationId: integration.id,
				changes,
			});
		});
	}

	/**
	 * What mail can be chosen: the well-known inbox, sent and all (the settings' own names), then
	 * the user's labels or folders; the provider's other system labels (spam, categories…) are not
	 * offered. A chosen id the provider no longer lists still shows, to be unticked.
	 */
	#labelChoices(labels: MailLabel[]): Array<{ key: string; name: string }> {
		const t = this.#text;
		const choices = [
			{ key: 'inbox', name: t.labelInbox },
			{ key: 'sent', name: t.labelSent },
			{ key: 'all', name: t.labelAll },
			...labels
				.filter((label) => label.type === 'user')
				.map((label) => ({ key: label.id, name: label.name })),
		];
		for (const key of this.integration?.settings.mailFolders ?? []) {
			if (!choices.some((choice) => choice.key === key)) {
				const label = labels.find((candidate) => candidate.id === key);
				choices.push({ key, name: label?.name ?? key });
			}
		}
		return choices;
	}

	#toggleFolder(key: string, checked: boolean, event: Event): void {
		const folders = new Set(this.integration?.settings.mailFolders ?? []);
		if (checked) folders.add(key);
		else folders.delete(key);
		if (folders.size === 0) {
			(event.target as HTMLInputElement).checked = true;
			this.actionError = this.#text.keepOneLabel;
			return;
		}
		void this.#saveSettings({ mailFolders: [...folders] });
	}

	#toggleCalendar(calendar: CalendarEntry, checked: boolean): void {
		const calendars = new Set(this.integration?.settings.calendars ?? []);
		const key = calendarKey(calendar);
		if (checked) calendars.add(key);
		else calendars.delete(key);
		void this.#saveSettings({ calendars: [...calendars] });
	}

	async #syncNow(): Promise<void> {
		const provider = this.integration?.provider ?? this.provider;
		await this.#act('sync', async () => {
			const answer = await this.client.call<{ integration?: IntegrationStatusView }>('mail.sync', {
				provider,
				body: {},
			});
			if (answer.integration) this.integration = answer.integration;
			this.announcement = this.#text.syncQueued;
			this.#schedulePoll();
		});
	}

	#onEnrichInput(event: Event): void {
		this.enrichQuery = (event.target as HTMLInputElement).value;
		clearTimeout(this.#searchTimer);
		const q = this.enrichQuery.trim();
		if (!q) {
			this.enrichHits = null;
			this.enrichChoice = null;
			return;
		}
		this.#searchTimer = setTimeout(async () => {
			try {
				const answer = await this.client.call<{ records: RecordHit[] }>('records.search', {
					query: { q, limit: 8 },
				});
				if (this.enrichQuery.trim() !== q) return;
				this.enrichHits = answer.records;
				this.enrichChoice = answer.records.length === 1 ? answer.records[0]! : null;
			} catch (error) {
				this.actionError = errorMessage(error);
			}
		}, 200);
	}

	async #enrichNow(): Promise<void> {
		const record = this.enrichChoice;
		if (!record) return;
		await this.#act('enrich', async () => {
			await this.client.call('records.enrich', {
				params: { id: record.id },
				body: { recordType: record.recordType },
			});
			this.announcement = format(this.#text.enrichDone, { name: record.name });
		});
	}

	#openDialog(): void {
		this.actionError = '';
		this.#dialog?.showModal();
		this.#dialog?.querySelector<HTMLButtonElement>('button[value=cancel]')?.focus();
	}

	#closeDialog(): void {
		this.#dialog?.close();
	}

	/** Closed by Cancel, Escape or the confirmation: focus goes back where it came from. */
	#onDialogClose(): void {
		this.shadowRoot?.querySelector<HTMLButtonElement>('[data-action=disconnect]')?.focus();
	}

	async #confirmDisconnect(): Promise<void> {
		const integration = this.integration;
		this.#dialog?.close();
		if (!integration) return;
		await this.#act('disconnect', async () => {
			const answer = await this.client.call<{ integration: IntegrationStatusView }>(
				'integration.disconnect',
				{ provider: integration.provider, body: {} },
			);
			this.integration = answer.integration;
			this.providers = this.providers.map((entry) =>
				entry.provider === integration.provider
					? { ...entry, integration: answer.integration }
					: entry,
			);
			this.announcement = this.#text.disconnected;
			emit(this, 'crm-disconnect', {
				provider: integration.provider,
				integrationId: integration.id,
				accountEmail: integration.accountEmail,
			});
		});
		// The panel is gone: focus moves to the way back (connect), enabled once the action ended.
		await this.updateComplete;
		this.shadowRoot?.querySelector<HTMLButtonElement>('[part~=connect-button]')?.focus();
	}

	/** Runs one user action: one at a time, its error shown in words. */
	async #act(name: string, action: () => Promise<void>): Promise<void> {
		if (this.busy) return;
		this.busy = name;
		this.actionError = '';
		this.announcement = '';
		try {
			await action();
		} catch (error) {
			this.actionError = errorMessage(error);
		} finally {
			this.busy = null;
		}
	}

	// ---- progress polling ----

	#schedulePoll(): void {
		clearTimeout(this.#pollTimer);
		const integration = this.integration;
		if (!integration || !this.isConnected) return;
		if (!integration.progress && integration.status !== 'syncing') return;
		this.#pollTimer = setTimeout(() => void this.#poll(), Math.max(250, this.pollInterval));
	}

	async #poll(): Promise<void> {
		const integration = this.integration;
		if (!integration) return;
		try {
			const { progress } = await this.client.call<{ progress: SyncProgress | null }>(
				'integration.progress',
				{ provider: integration.provider },
			);
			if (progress) {
				this.integration = { ...integration, progress };
			} else {
				// The sync ended: the status (last sync, state) changed with it.
				const answer = await this.client.call<{ integration: IntegrationStatusView | null }>(
					'integration.status',
					{ provider: integration.provider },
				);
				this.integration = answer.integration;
			}
		} catch {
			// A failed poll is retried at the next interval.
		}
		this.#schedulePoll();
	}

	// ---- onboarding privacy and the OAuth callback's result ----

	#storePrivacy(provider: WidgetProvider, privacy: PrivacyChoices): void {
		try {
			sessionStorage.setItem(
				`${PRIVACY_STORAGE_PREFIX}${this.workspaceId}:${provider}`,
				JSON.stringify(privacy),
			);
		} catch {
			// storage unavailable (privacy mode): the defaults stay
		}
	}

	/** After consent, the onboarding choices made before connecting become the settings. */
	async #applyPendingPrivacy(): Promise<void> {
		const integration = this.integration;
		if (!integration || integration.status === 'disconnected') return;
		const key = `${PRIVACY_STORAGE_PREFIX}${this.workspaceId}:${integration.provider}`;
		let stored: string | null = null;
		try {
			stored = sessionStorage.getItem(key);
		} catch {
			return;
		}
		if (!stored) return;
		sessionStorage.removeItem(key);
		const privacy = JSON.parse(stored) as PrivacyChoices;
		const answer = await this.client.call<{ integration: IntegrationStatusView }>(
			'integration.settings',
			{
				provider: integration.provider,
				body: {
					visibility: privacy.shareContent ? 'everything' : 'subject',
					contactCreation: privacy.createContacts ? 'workspace_default' : 'none',
					autoEnrich: privacy.enrich,
				},
			},
		);
		this.integration = answer.integration;
	}

	/** The OAuth callback sends the browser back with `status` and `message` in the query. */
	#readCallbackResult(): void {
		const params = new URLSearchParams(location.search);
		const status = params.get('status');
		const message = params.get('message');
		if ((status === 'connected' || status === 'error') && message) {
			this.callbackNotice = { ok: status === 'connected', message };
		}
	}

	#relative(iso: string): string {
		const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
		const format = new Intl.RelativeTimeFormat(this.locale, { numeric: 'auto' });
		const abs = Math.abs(seconds);
		if (abs < 60) return format.format(Math.round(seconds), 'second');
		if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
		if (abs < 86400) return format.format(Math.round(seconds / 3600), 'hour');
		return format.format(Math.round(seconds / 86400), 'day');
	}
}

function calendarKey(calendar: CalendarEntry): string {
	return calendar.primary ? 'primary' : calendar.id;
}
