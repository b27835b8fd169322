import { html, nothing, type PropertyValues, type PropertyDeclarations } from 'lit';
import { Task, TaskStatus, initialState } from '@lit/task';

import { CrmWidgetElement, errorMessage } from '../shared/base';
import { emit } from '../shared/events';
import { format, localize } from '../shared/strings';
import { controlStyles, themeStyles } from '../shared/theme.styles';
import { VirtualListController } from '../shared/virtualList';
import { emailFrameDoc, EMAIL_FRAME_SANDBOX } from './emailFrame';
import { styles } from './inbox.styles';
import { INBOX_STRINGS, type InboxStringKey, type InboxStrings } from './inbox.strings';
import type {
	EmailDetail,
	EmailPage,
	EmailSummary,
	LinkedRecord,
	RecordMatch,
} from './inbox.types';

const PAGE_SIZE = 200;
/** Emails of the open email's thread read from the API. */
const THREAD_SIZE = 50;
/** Rows before the end of what is loaded at which the next page is fetched. */
const PREFETCH_ROWS = 40;

const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const yearFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

function shortDate(iso: string | null): string {
	if (!iso) return '';
	const date = new Date(iso);
	const now = new Date();
	if (date.toDateString() === now.toDateString()) return timeFormat.format(date);
	return (date.getFullYear() === now.getFullYear() ? dayFormat : yearFormat).format(date);
}

function threadOf(email: EmailSummary): string | null {
	return email.mailboxes?.find((copy) => copy.providerThreadId)?.providerThreadId ?? null;
}

/**
 * @summary An email inbox for a CRM page: search and filters, a virtual list that stays smooth at
 * tens of thousands of emails, a detail panel that shows the server-sanitised email in a sandboxed
 * frame, reply, linking to people and companies, and manual sync. Opening an unread email marks it
 * read in the mailbox (Gmail, Outlook); the detail panel can mark it unread again.
 *
 * @attr api-base - The CRM API node's base URL (`<n8n>/webhook/<webhookId>/crm-api`).
 * @attr workspace-id - The workspace whose emails are shown (must match the token's).
 * @attr token - A short-lived bearer token signed by the CRM's backend (or set `tokenProvider`).
 * @attr provider - `google` (default) or `microsoft`.
 * @attr person-id - Show only emails with this person.
 * @attr company-id - Show only emails with this company.
 * @attr label - Show only emails with this label (the label picker starts on it).
 * @attr theme - `light`, `dark` or `auto` (default: the user's colour scheme).
 *
 * @event {CustomEvent<CrmEmailSelectDetail>} crm-email-select - An email was opened.
 * @event {CustomEvent<CrmRecordLinkDetail>} crm-record-link - A person or company was linked or unlinked.
 * @event {CustomEvent<CrmEmailSendDetail>} crm-email-send - A reply was sent.
 *
 * @csspart toolbar - The bar with search, filters and sync.
 * @csspart search - The search box.
 * @csspart filter - Each filter select (label, direction).
 * @csspart sync-button - The Sync now button.
 * @csspart status - The live status line (sync queued, reply sent).
 * @csspart list - The scrolling list (role listbox).
 * @csspart row - One email row; also `row-unread`, `row-selected`, `row-active`.
 * @csspart unread-marker - The dot of an unread email.
 * @csspart sender - The sender in a row.
 * @csspart subject - The subject in a row.
 * @csspart snippet - The snippet in a row.
 * @csspart date - The date in a row.
 * @csspart loading - The loading state.
 * @csspart empty - The empty state.
 * @csspart prompt - The hint shown while no email is open.
 * @csspart error - An error message (the API's message).
 * @csspart retry-button - The Retry button of the error state.
 * @csspart detail - The detail panel.
 * @csspart detail-header - Subject, sender, recipients and date of the open email.
 * @csspart close-button - The button that closes the detail panel.
 * @csspart mark-unread-button - The Mark as unread button of the open email (read).
 * @csspart mark-read-button - The same button while the open email is unread: Mark as read.
 * @csspart body - The sandboxed frame holding the email's content.
 * @csspart thread - Other emails of the thread.
 * @csspart links - The linked records.
 * @csspart link-chip - One linked record.
 * @csspart unlink-button - The button removing one link.
 * @csspart link-search - The person/company picker's search box.
 * @csspart link-option - One match of the picker.
 * @csspart reply - The reply form.
 * @csspart reply-text - The reply text area.
 * @csspart send-button - The Send reply button.
 * @csspart button - Every button.
 *
 * @cssproperty --crm-font - Font family.
 * @cssproperty --crm-color-text - Text colour.
 * @cssproperty --crm-color-text-muted - Secondary text colour.
 * @cssproperty --crm-color-bg - Background.
 * @cssproperty --crm-color-hover - Background of a hovered row.
 * @cssproperty --crm-color-selected - Background of the open email's row.
 * @cssproperty --crm-color-accent - Accent (unread marker, focus ring, buttons).
 * @cssproperty --crm-color-on-accent - Text on the accent colour.
 * @cssproperty --crm-color-border - Borders.
 * @cssproperty --crm-color-danger - Error text.
 * @cssproperty --crm-radius - Corner radius.
 * @cssproperty --crm-inbox-height - Height of the whole inbox (default 600px).
 * @cssproperty --crm-inbox-row-height - Height of one row (default 72px).
 * @cssproperty --crm-inbox-frame-height - Height of the email frame (default 320px).
 */
export class CrmInbox extends CrmWidgetElement {
	static override styles = [themeStyles, controlStyles, styles];

	// Lit's reactive properties, declared here rather than with decorators, whose generated calls
	// weighed about 0.4 KB min+gzip in the widget bundle. Internal state also says attribute: false
	// (implied by state: true) so custom-elements.json lists no attribute for it.
	static override properties: PropertyDeclarations = {
		personId: { attribute: 'person-id' },
		companyId: { attribute: 'company-id' },
		label: {},
		strings: { attribute: false },
		q: { state: true, attribute: false },
		direction: { state: true, attribute: false },
		items: { state: true, attribute: false },
		cursor: { state: true, attribute: false },
		active: { state: true, attribute: false },
		selectedId: { state: true, attribute: false },
		links: { state: true, attribute: false },
		status: { state: true, attribute: false },
		actionError: { state: true, attribute: false },
		sending: { state: true, attribute: false },
		pickerQuery: { state: true, attribute: false },
		openIsRead: { state: true, attribute: false },
		reload: { state: true, attribute: false },
		failedCursor: { state: true, attribute: false },
	};

	personId = '';
	companyId = '';
	label = '';
	/** Overrides of the English strings (see inbox.strings.ts for the keys). */
	strings: InboxStrings = {};

	private q = '';
	private direction = '';
	private items: EmailSummary[] = [];
	private cursor: string | null = null;
	private active = -1;
	private selectedId: string | null = null;
	private links: LinkedRecord[] = [];
	private status = '';
	private actionError = '';
	private sending = false;
	private pickerQuery = '';
	/** The open email's read state in the mailbox, as last set here or read from the list. */
	private openIsRead = true;
	private reload = 0;

	get #listElement() {
		return this.renderRoot.querySelector<HTMLElement>('[part~="list"]');
	}
	get #detailElement() {
		return this.renderRoot.querySelector<HTMLElement>('[part~="detail"]');
	}

	#searchTimer?: ReturnType<typeof setTimeout>;
	#pickerTimer?: ReturnType<typeof setTimeout>;
	/** Bumped by every first-page load, so a late next page of an older search is dropped. */
	#generation = 0;
	/** Renders only the rows in and near the list's viewport. */
	readonly #virtualList = new VirtualListController(this, () => this.#listElement);
	/** The cursor whose page failed: not fetched again until Retry. */
	private failedCursor: string | null = null;
	/** Per email, the latest read-state change: only its failure may undo what the row shows. */
	readonly #readChanges = new Map<string, number>();
	#readChangeCount = 0;

	readonly #listTask = new Task(this, {
		task: async ([, , , provider, q, label, direction, personId, companyId], { signal }) => {
			if (!this.configured) return initialState;
			const generation = ++this.#generation;
			const page = await this.client.call<EmailPage>('emails.list', {
				provider,
				signal,
				query: {
					q,
					label,
					direction,
					person_id: personId,
					company_id: companyId,
					limit: PAGE_SIZE,
				},
			});
			if (generation === this.#generation) {
				this.items = page.items;
				this.cursor = page.nextCursor;
				this.active = Math.min(this.active, page.items.length - 1);
			}
			return page;
		},
		args: () =>
			[
				this.apiBase,
				this.workspaceId,
				this.token,
				this.provider,
				this.q,
				this.label,
				this.direction,
				this.personId,
				this.companyId,
				this.reload,
			] as const,
	});

	readonly #moreTask = new Task(this, {
		autoRun: false,
		task: async ([cursor]: readonly [string], { signal }) => {
			const generation = this.#generation;
			const page = await this.client
				.call<EmailPage>('emails.list', {
					provider: this.provider,
					signal,
					query: {
						q: this.q,
						label: this.label,
						direction: this.direction,
						person_id: this.personId,
						company_id: this.companyId,
						limit: PAGE_SIZE,
						cursor,
					},
				})
				.catch((error: unknown) => {
					if (generation === this.#generation) this.failedCursor = cursor;
					throw error;
				});
			if (generation === this.#generation) {
				this.items = [...this.items, ...page.items];
				this.cursor = page.nextCursor;
			}
			return page;
		},
	});

	readonly #labelsTask = new Task(this, {
		task: async ([, , , provider]) => {
			if (!this.configured) return initialState;
			const { labels } = await this.client.call<{ labels: Array<{ id: string; name: string }> }>(
				'mail.labels',
				{ provider },
			);
			return labels;
		},
		args: () => [this.apiBase, this.workspaceId, this.token, this.provider] as const,
	});

	readonly #detailTask = new Task(this, {
		task: async ([id], { signal }) => {
			if (!id) return initialState;
			const { email } = await this.client.call<{ email: EmailDetail }>('emails.get', {
				provider: this.provider,
				params: { id },
				signal,
			});
			this.links = email.links;
			return email;
		},
		args: () => [this.selectedId] as const,
	});

	/**
	 * The open email's thread from the API: the list holds only the pages loaded so far, which may
	 * not reach a thread's older emails. Answered with its thread id, so a late answer for another
	 * email is never shown.
	 */
	readonly #threadTask = new Task(this, {
		task: async ([thread, provider], { signal }) => {
			if (!thread) return initialState;
			const page = await this.client.call<EmailPage>('emails.list', {
				provider,
				signal,
				query: { thread, limit: THREAD_SIZE },
			});
			return { thread, items: page.items };
		},
		args: () => {
			const open = this.#detailTask.value;
			return [open ? threadOf(open) : null, this.provider, this.reload] as const;
		},
	});

	readonly #pickerTask = new Task(this, {
		task: async ([q], { signal }) => {
			if (!q.trim()) return initialState;
			const { records } = await this.client.call<{ records: RecordMatch[] }>('records.search', {
				query: { q, limit: 8 },
				signal,
			});
			return records;
		},
		args: () => [this.pickerQuery] as const,
	});

	/** The English strings merged with `strings` (again when `strings` changes). */
	#text: Record<InboxStringKey, string> = INBOX_STRINGS;

	/** One string, with `{name}` filled. */
	#t(key: InboxStringKey, values?: Record<string, string>): string {
		return values ? format(this.#text[key], values) : this.#text[key];
	}

	/** The emails loaded so far (for the host page and tests). */
	get loadedEmails(): readonly EmailSummary[] {
		return this.items;
	}

	/** Re-reads the list (and the open email) from the API. */
	refresh() {
		this.reload++;
	}

	override disconnectedCallback() {
		super.disconnectedCallback();
		clearTimeout(this.#searchTimer);
		clearTimeout(this.#pickerTimer);
	}

	protected override willUpdate(changed: PropertyValues<this>) {
		if (changed.has('strings')) this.#text = localize(INBOX_STRINGS, this.strings);
		// A new filter or mailbox: the open email may not be in it any more.
		if (
			changed.has('workspaceId') ||
			changed.has('provider') ||
			changed.has('personId') ||
			changed.has('companyId')
		) {
			this.selectedId = null;
			this.active = -1;
		}
	}

	#onSearch(event: Event) {
		const value = (event.target as HTMLInputElement).value;
		clearTimeout(this.#searchTimer);
		this.#searchTimer = setTimeout(() => {
			this.q = value.trim();
			this.active = -1;
		}, 250);
	}

	/** Fetches the next page when the rendered rows come near the end of what is loaded. */
	#loadMoreIfNear() {
		if (
			this.cursor &&
			this.#virtualList.end > this.items.length - PREFETCH_ROWS &&
			this.#moreTask.status !== TaskStatus.PENDING &&
			this.cursor !== this.failedCursor &&
			this.#listTask.status === TaskStatus.COMPLETE
		) {
			void this.#moreTask.run([this.cursor]);
		}
	}

	protected override updated() {
		// Every scroll that changes the rendered rows updates the element, so this is where the
		// next page is fetched as the end comes near; also a page that arrived while the user was
		// already at the end (or that does not fill the list) is followed by the next one.
		this.#loadMoreIfNear();
	}

	#onListKey(event: KeyboardEvent) {
		const last = this.items.length - 1;
		if (last < 0) return;
		let next = this.active;
		switch (event.key) {
			case 'ArrowDown':
				next = Math.min(last, this.active + 1);
				break;
			case 'ArrowUp':
				next = Math.max(0, this.active - 1);
				break;
			case 'Home':
				next = 0;
				break;
			case 'End':
				next = last;
				break;
			case 'PageDown':
				next = Math.min(last, Math.max(0, this.active) + 10);
				break;
			case 'PageUp':
				next = Math.max(0, this.active - 10);
				break;
			case 'Enter':
			case ' ':
				if (this.active >= 0) this.select(this.active);
				event.preventDefault();
				return;
			default:
				return;
		}
		event.preventDefault();
		this.active = next;
		this.#virtualList.scrollToRow(next);
	}

	#onListFocus() {
		if (this.active < 0 && this.items.length) this.active = 0;
	}

	/** Opens one email in the detail panel and moves focus there. */
	async select(index: number) {
		const email = this.items[index];
		if (email) await this.#open(email, index);
	}

	/** Opens an email of the list (at `index`) or of the thread only (index -1). */
	async #open(email: EmailSummary, index: number) {
		this.active = index;
		this.selectedId = email.id;
		this.links = email.links;
		this.openIsRead = email.isRead;
		this.actionError = '';
		this.pickerQuery = '';
		emit(this, 'crm-email-select', { emailId: email.id, email });
		// As in Gmail and Outlook, reading an email marks it read; a failure only puts the
		// unread marker back (the email stays open, nothing to act on).
		if (!email.isRead) void this.#setRead(email.id, true, { quiet: true });
		await this.updateComplete;
		this.#detailElement?.focus();
	}

	/** A thread entry: opened as the list's row when the list has it (its read state is current). */
	#openListedOrNot(email: EmailSummary) {
		const index = this.items.findIndex((item) => item.id === email.id);
		void this.#open(this.items[index] ?? email, index);
	}

	async #closeDetail() {
		this.selectedId = null;
		this.actionError = '';
		await this.updateComplete;
		this.#listElement?.focus();
	}

	#onKeydown(event: KeyboardEvent) {
		// Escape in a field with text clears it (search) or keeps the draft (reply): not a close.
		const origin = event.composedPath()[0];
		const typing =
			(origin instanceof HTMLInputElement || origin instanceof HTMLTextAreaElement) && origin.value;
		if (event.key === 'Escape' && this.selectedId && !typing) {
			event.preventDefault();
			void this.#closeDetail();
		}
	}

	/** Runs one write, showing the API's message if it fails. */
	async #act<T>(work: () => Promise<T>): Promise<T | undefined> {
		this.actionError = '';
		try {
			return await work();
		} catch (error) {
			this.actionError = errorMessage(error);
			return undefined;
		}
	}

	async #sync() {
		this.status = '';
		const done = await this.#act(() => this.client.call('mail.sync', { provider: this.provider }));
		if (done) {
			this.status = this.#t('syncQueued');
			this.reload++;
		}
	}

	async #reply(event: SubmitEvent) {
		event.preventDefault();
		const form = event.target as HTMLFormElement;
		const data = new FormData(form);
		const text = String(data.get('text') ?? '').trim();
		const id = this.selectedId;
		if (!text || !id) return;
		this.sending = true;
		this.status = '';
		const result = await this.#act(() =>
			this.client.call<{ email: EmailSummary }>('emails.reply', {
				provider: this.provider,
				params: { id },
				body: { text, replyAll: data.get('replyAll') === 'on' },
			}),
		);
		this.sending = false;
		if (result) {
			form.reset();
			this.status = this.#t('sent');
			emit(this, 'crm-email-send', { inReplyTo: id, email: result.email });
			// The reply is stored: read the list again so it shows (newest first) with its thread.
			this.reload++;
		}
	}

	async #changeLink(action: 'link' | 'unlink', recordType: 'person' | 'company', recordId: string) {
		const emailId = this.selectedId;
		if (!emailId) return;
		const result = await this.#act(() =>
			this.client.call<{ links: LinkedRecord[] }>(
				action === 'link' ? 'emails.link' : 'emails.unlink',
				{
					provider: this.provider,
					params: { id: emailId },
					body: { recordType, recordId },
				},
			),
		);
		if (!result) return;
		this.links = result.links;
		this.items = this.items.map((email) =>
			email.id === emailId ? { ...email, links: result.links } : email,
		);
		if (action === 'link') this.pickerQuery = '';
		emit(this, 'crm-record-link', { emailId, action, recordType, recordId, links: result.links });
		// The button that was clicked is gone (chip removed, matches closed): keep focus in the panel.
		await this.updateComplete;
		this.renderRoot.querySelector<HTMLInputElement>('#link-search')?.focus();
	}

	/** Shows one email as read or unread in the list (and in the panel if it is open). */
	#showRead(emailId: string, isRead: boolean) {
		this.items = this.items.map((email) => (email.id === emailId ? { ...email, isRead } : email));
		if (emailId === this.selectedId) this.openIsRead = isRead;
	}

	/**
	 * Marks an email read or unread in the mailbox, showing it at once. If the API refuses, the
	 * row shows the previous state again; `quiet` leaves out the error message (for the read mark
	 * opening an email sets, which the user did not ask for as such).
	 */
	async #setRead(emailId: string, read: boolean, options: { quiet?: boolean } = {}) {
		const change = ++this.#readChangeCount;
		this.#readChanges.set(emailId, change);
		this.#showRead(emailId, read);
		const call = () =>
			this.client.call<{ email: EmailSummary }>('emails.read', {
				provider: this.provider,
				params: { id: emailId },
				body: { read },
			});
		let done: unknown;
		if (options.quiet) done = await call().catch(() => undefined);
		else done = await this.#act(call);
		// A later change of the same email (opened again, or the button) decides what it shows.
		if (this.#readChanges.get(emailId) !== change) return;
		this.#readChanges.delete(emailId);
		if (!done) this.#showRead(emailId, !read);
		else if (!options.quiet) this.status = this.#t(read ? 'markedRead' : 'markedUnread');
	}

	#onPickerInput(event: Event) {
		const value = (event.target as HTMLInputElement).value;
		clearTimeout(this.#pickerTimer);
		this.#pickerTimer = setTimeout(() => (this.pickerQuery = value), 200);
	}

	#renderRow = (email: EmailSummary, index: number) => {
		const selected = email.id === this.selectedId;
		const parts = ['row'];
		if (!email.isRead) parts.push('row-unread');
		if (selected) parts.push('row-selected');
		if (index === this.active) parts.push('row-active');
		const sender =
			email.direction === 'outgoing'
				? `${this.#t('to')}: ${email.to.map((to) => to.name || to.email).join(', ')}`
				: email.from?.name || email.from?.email || this.#t('unknownSender');
		return html`<div
			part=${parts.join(' ')}
			role="option"
			id="email-${email.id}"
			aria-selected=${selected ? 'true' : 'false'}
			aria-posinset=${index + 1}
			aria-setsize=${this.cursor ? -1 : this.items.length}
			@click=${() => this.select(index)}
		>
			<span part="unread-marker" aria-hidden="true"></span>
			${email.isRead ? nothing : html`<span class="visually-hidden">${this.#t('unread')}: </span>`}
			<span part="sender">${sender}</span>
			<time part="date" datetime=${email.sentAt ?? nothing}>${shortDate(email.sentAt)}</time>
			<span part="subject">${email.subject || this.#t('noSubject')}</span>
			<span part="snippet">${email.snippet ?? ''}</span>
		</div>`;
	};

	#renderList() {
		const status = this.#listTask.status;
		if (status === TaskStatus.INITIAL) return nothing;
		if (status === TaskStatus.ERROR) {
			return html`<div part="error" role="alert">
				<span>${errorMessage(this.#listTask.error)}</span>
				<button part="button retry-button" class="button" @click=${() => this.reload++}>
					${this.#t('retry')}
				</button>
			</div>`;
		}
		if (status === TaskStatus.PENDING && !this.items.length) {
			return html`<div part="loading" role="status">${this.#t('loading')}</div>`;
		}
		if (!this.items.length) return html`<div part="empty" role="status">${this.#t('empty')}</div>`;
		const active = this.items[this.active];
		return html`<div
				part="list"
				role="listbox"
				tabindex="0"
				aria-label=${this.#t('listLabel')}
				aria-busy=${status === TaskStatus.PENDING ? 'true' : 'false'}
				aria-activedescendant=${active ? `email-${active.id}` : nothing}
				@keydown=${this.#onListKey}
				@focus=${this.#onListFocus}
			>
				${this.#virtualList.rows(this.items, this.#renderRow)}
			</div>
			${this.#moreTask.status === TaskStatus.PENDING
				? html`<div part="loading" class="more" role="status">${this.#t('loadingMore')}</div>`
				: this.#moreTask.status === TaskStatus.ERROR
					? html`<div part="error" role="alert">
							<span>${errorMessage(this.#moreTask.error)}</span>
							<button
								part="button retry-button"
								class="button"
								@click=${() => {
									this.failedCursor = null;
									this.#loadMoreIfNear();
								}}
							>
								${this.#t('retry')}
							</button>
						</div>`
					: nothing}`;
	}

	#renderDetail() {
		if (!this.selectedId) {
			return html`<p part="prompt" class="prompt">${this.#t('selectPrompt')}</p>`;
		}
		return html`<section part="detail" tabindex="-1" aria-labelledby="detail-subject">
			${this.#detailTask.render({
				pending: () =>
					html`<h2 id="detail-subject" class="visually-hidden">${this.#t('loadingEmail')}</h2>
						<div part="loading" role="status">${this.#t('loadingEmail')}</div>`,
				error: (error) =>
					html`<h2 id="detail-subject" class="visually-hidden">${this.#t('bodyFrame')}</h2>
						<div part="error" role="alert">${errorMessage(error)}</div>`,
				complete: (email) => this.#renderEmail(email),
			})}
			<button
				part="button close-button"
				class="close"
				aria-label=${this.#t('close')}
				@click=${this.#closeDetail}
			>
				×
			</button>
		</section>`;
	}

	#renderEmail(email: EmailDetail) {
		const thread = threadOf(email);
		// Until the API answers, the thread's emails the list has loaded (nothing flickers).
		const fetched = this.#threadTask.value;
		const others = thread
			? (fetched?.thread === thread
					? fetched.items
					: this.items.filter((other) => threadOf(other) === thread)
				)
					.filter((other) => other.id !== email.id)
					.slice(0, THREAD_SIZE)
			: [];
		const dark =
			this.theme === 'dark' ||
			(this.theme !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
		const addresses = (list: EmailDetail['to']) =>
			list.map((a) => (a.name ? `${a.name} <${a.email}>` : a.email)).join(', ');
		return html`<header part="detail-header">
				<h2 id="detail-subject">${email.subject || this.#t('noSubject')}</h2>
				<p>
					<span
						>${this.#t('from')}:
						${email.from ? addresses([email.from]) : this.#t('unknownSender')}</span
					><br />
					<span>${this.#t('to')}: ${addresses(email.to)}</span><br />
					${email.sentAt
						? html`<time datetime=${email.sentAt}
								>${fullFormat.format(new Date(email.sentAt))}</time
							>`
						: nothing}
				</p>
				<button
					part=${this.openIsRead ? 'button mark-unread-button' : 'button mark-read-button'}
					class="button"
					@click=${() => this.#setRead(email.id, !this.openIsRead)}
				>
					${this.openIsRead ? this.#t('markUnread') : this.#t('markRead')}
				</button>
			</header>
			${email.bodyHtml === null && email.bodyText === null
				? html`<p part="empty">${this.#t('noBody')}</p>`
				: html`<iframe
						part="body"
						title=${this.#t('bodyFrame')}
						sandbox=${EMAIL_FRAME_SANDBOX}
						referrerpolicy="no-referrer"
						srcdoc=${emailFrameDoc(email.bodyHtml, email.bodyText, dark && email.bodyHtml === null)}
					></iframe>`}
			${others.length
				? html`<section part="thread" aria-labelledby="thread-title">
						<h3 id="thread-title">${this.#t('thread')}</h3>
						<ul>
							${others.map(
								(other) =>
									html`<li>
										<button part="button" @click=${() => this.#openListedOrNot(other)}>
											${other.from?.name || other.from?.email || ''} · ${shortDate(other.sentAt)} ·
											${other.snippet ?? other.subject ?? ''}
										</button>
									</li>`,
							)}
						</ul>
					</section>`
				: nothing}
			${this.#renderLinks()}
			${this.actionError ? html`<div part="error" role="alert">${this.actionError}</div>` : nothing}
			<form part="reply" @submit=${this.#reply}>
				<label for="reply-text">${this.#t('reply')}</label>
				<textarea id="reply-text" part="reply-text" name="text" rows="4" required></textarea>
				<div class="row-actions">
					<label><input type="checkbox" name="replyAll" /> ${this.#t('replyAll')}</label>
					<button
						part="button send-button"
						class="button primary"
						type="submit"
						?disabled=${this.sending}
					>
						${this.sending ? this.#t('sending') : this.#t('send')}
					</button>
				</div>
			</form>`;
	}

	#renderLinks() {
		const kind = (type: 'person' | 'company') => this.#t(type);
		const picker = this.#pickerTask.value;
		return html`<section part="links" aria-labelledby="links-title">
			<h3 id="links-title">${this.#t('linked')}</h3>
			${this.links.length
				? html`<ul class="chips">
						${this.links.map((link) => {
							const name = link.name || link.email || link.domain || link.recordId;
							return html`<li part="link-chip">
								<span>${name}</span> <small>${kind(link.recordType)}</small>
								<button
									part="button unlink-button"
									aria-label=${this.#t('unlink', { name })}
									@click=${() => this.#changeLink('unlink', link.recordType, link.recordId)}
								>
									×
								</button>
							</li>`;
						})}
					</ul>`
				: html`<p class="muted">${this.#t('noLinks')}</p>`}
			<label for="link-search">${this.#t('linkSearch')}</label>
			<input
				id="link-search"
				part="link-search"
				type="search"
				autocomplete="off"
				.value=${this.pickerQuery}
				@input=${this.#onPickerInput}
			/>
			${this.pickerQuery && this.#pickerTask.status === TaskStatus.COMPLETE && picker
				? picker.length
					? html`<ul class="matches">
							${picker.map((record) => {
								const name = record.name || record.email || record.domain || record.id;
								return html`<li>
									<button
										part="button link-option"
										aria-label=${this.#t('link', { name })}
										@click=${() => this.#changeLink('link', record.recordType, record.id)}
									>
										${name}
										<small
											>${kind(record.recordType)}${record.email || record.domain
												? ` · ${record.email ?? record.domain}`
												: ''}</small
										>
									</button>
								</li>`;
							})}
						</ul>`
					: html`<p class="muted" role="status">${this.#t('noMatches')}</p>`
				: nothing}
			${this.#pickerTask.status === TaskStatus.ERROR
				? html`<div part="error" role="alert">${errorMessage(this.#pickerTask.error)}</div>`
				: nothing}
		</section>`;
	}

	override render() {
		const labels = this.#labelsTask.value ?? [];
		return html`<div part="toolbar">
				<input
					part="search"
					type="search"
					aria-label=${this.#t('search')}
					placeholder=${this.#t('search')}
					@input=${this.#onSearch}
				/>
				<select
					part="filter"
					aria-label=${this.#t('labelFilter')}
					@change=${(event: Event) => (this.label = (event.target as HTMLSelectElement).value)}
				>
					<option value="" ?selected=${!this.label}>${this.#t('allLabels')}</option>
					${labels.map(
						(label) =>
							html`<option value=${label.id} ?selected=${label.id === this.label}>
								${label.name}
							</option>`,
					)}
					${this.label && !labels.some((label) => label.id === this.label)
						? html`<option value=${this.label} selected>${this.label}</option>`
						: nothing}
				</select>
				<select
					part="filter"
					aria-label=${this.#t('directionFilter')}
					@change=${(event: Event) => (this.direction = (event.target as HTMLSelectElement).value)}
				>
					<option value="">${this.#t('allDirections')}</option>
					<option value="incoming">${this.#t('incoming')}</option>
					<option value="outgoing">${this.#t('outgoing')}</option>
				</select>
				<button part="button sync-button" class="button primary" @click=${this.#sync}>
					${this.#t('sync')}
				</button>
				<span part="status" role="status">${this.status}</span>
			</div>
			<div class="panes ${this.selectedId ? 'open' : ''}" @keydown=${this.#onKeydown}>
				<div class="list-pane">${this.#renderList()}</div>
				<div class="detail-pane">${this.#renderDetail()}</div>
			</div>`;
	}
}
