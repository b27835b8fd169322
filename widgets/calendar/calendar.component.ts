import {
	html,
	nothing,
	type PropertyValues,
	type TemplateResult,
	type PropertyDeclarations,
} from 'lit';
import { Task, initialState } from '@lit/task';
import { CrmWidgetElement, errorMessage } from '../shared/base';
import { emit } from '../shared/events';
import { format, localize } from '../shared/strings';
import { controlStyles, themeStyles } from '../shared/theme.styles';
import styles from './calendar.styles';
import {
	addDays,
	browserTimeZone,
	dateFormat,
	eventSpan,
	eventsByDay,
	isPlainDate,
	isSpanning,
	isTimeZone,
	layoutDay,
	localeWeekStart,
	queryRange,
	rangeTitle,
	shiftDate,
	todayIn,
	visibleRange,
	zonedToInstant,
	type CalendarView,
} from './calendarGrid';
import { CALENDAR_STRINGS, type CalendarStrings } from './calendarStrings';
import type {
	CalendarEvent,
	CalendarInfo,
	CalendarLinkedRecord,
	RecordMatch,
} from './calendarTypes';

const VIEWS: readonly CalendarView[] = ['month', 'week', 'day'];
const MONTH_CHIPS = 3;
const PAGE_LIMIT = 200;
const MAX_PAGES = 10;

/**
 * @summary A calendar of the CRM user's synced events: month, week and day views in any time zone,
 * event details with attendees and linked records, creating events and a manual sync.
 *
 * The connection (`api-base`, `workspace-id`, `token`, `provider`, `theme`, `tokenProvider`) is
 * CrmWidgetElement's, shared by the three widgets.
 *
 * @attr view - `month` (default), `week` or `day`.
 * @attr date - The day shown (YYYY-MM-DD); default today in the time zone.
 * @attr time-zone - IANA zone events are placed in; default the browser's.
 * @attr week-start - First day of the week (0 = Sunday … 6); default the locale's.
 *
 * @event {CustomEvent<CrmEventSelectDetail>} crm-event-select - An event was opened (cancelable: prevent to handle it yourself).
 * @event {CustomEvent<CrmEventCreateDetail>} crm-event-create - An event was created.
 * @event {CustomEvent<CrmCalendarRecordLinkDetail>} crm-record-link - A person or company was linked to or unlinked from an event.
 *
 * @csspart base - The wrapper.
 * @csspart toolbar - Navigation, title, view switch and actions.
 * @csspart nav - Today, previous, next and the title.
 * @csspart actions - View switch, calendar filter, sync and new event.
 * @csspart button - Every button.
 * @csspart today-button - Today.
 * @csspart prev-button - Previous month, week or day.
 * @csspart next-button - Next month, week or day.
 * @csspart title - The range shown.
 * @csspart view-switch - The month / week / day group.
 * @csspart view-button - One view button (aria-pressed when current).
 * @csspart calendar-select - The calendar filter (when there are several calendars).
 * @csspart sync-button - Sync now.
 * @csspart create-button - New event.
 * @csspart status - Loading, empty and sync notices.
 * @csspart error - The API's error message.
 * @csspart grid - The month or week/day grid.
 * @csspart month - The month grid.
 * @csspart week - The week or day grid.
 * @csspart weekdays - The month's row of weekday headings.
 * @csspart week-row - A week of the month grid.
 * @csspart column-header - A weekday or day heading.
 * @csspart day - A day cell.
 * @csspart today - Today's cell and heading.
 * @csspart outside - A day of another month in the month grid.
 * @csspart day-number - The day's number.
 * @csspart day-events - The list of events in a cell.
 * @csspart event - An event button.
 * @csspart all-day - An all-day event.
 * @csspart timed - A timed event.
 * @csspart continued - An event that began on an earlier day.
 * @csspart event-time - The start time in an event.
 * @csspart event-title - The title in an event.
 * @csspart more - "+n more" in a month cell (opens the day).
 * @csspart week-head - The sticky headings and all-day row of the week/day grid.
 * @csspart week-header - The row of day headings.
 * @csspart corner - The empty heading above the hours.
 * @csspart all-day-row - The all-day row.
 * @csspart row-label - The "All day" label.
 * @csspart time-row - The hours and the day columns.
 * @csspart hours - The hour labels.
 * @csspart hour - One hour label.
 * @csspart day-column - A day's time column.
 * @csspart event-box - The positioned box of a timed event.
 * @csspart dialog - Both dialogs.
 * @csspart detail-dialog - The event dialog.
 * @csspart create-dialog - The new-event dialog.
 * @csspart dialog-title - A dialog's heading.
 * @csspart dialog-actions - A dialog's buttons.
 * @csspart close-button - Close (event dialog).
 * @csspart detail-time - When the event is.
 * @csspart location - Where.
 * @csspart organizer - Who organises it.
 * @csspart meeting-link - The meeting link.
 * @csspart description - The event's description.
 * @csspart section-title - "Attendees", "Linked records".
 * @csspart attendees - The attendee list.
 * @csspart attendee - An attendee.
 * @csspart response - An attendee's response.
 * @csspart linked-records - The linked people and companies.
 * @csspart linked-record - One linked person or company.
 * @csspart unlink-button - Unlink.
 * @csspart empty-note - "No attendees", "No linked records", "No matches".
 * @csspart search - The record search field.
 * @csspart search-results - The matches.
 * @csspart search-result - One match (a Link button).
 * @csspart form - The new-event form.
 * @csspart label - A form label.
 * @csspart input - A form field.
 * @csspart form-error - The form's error.
 * @csspart submit-button - Create.
 *
 * @cssproperty --crm-calendar-hour-height - Height of an hour in week/day views (default 3rem).
 * @cssproperty --crm-calendar-body-height - Height of the scrolling week/day body (default 36rem).
 * @cssproperty --crm-calendar-event-bg - Event background.
 * @cssproperty --crm-calendar-event-color - Event text.
 * @cssproperty --crm-calendar-span-bg - Background of all-day and multi-day events.
 * @cssproperty --crm-calendar-today-bg - Background of today.
 * @cssproperty --crm-calendar-outside-color - Text of days outside the month.
 */
export default class CrmCalendar extends CrmWidgetElement {
	static override styles = [themeStyles, controlStyles, styles];

	// Lit's reactive properties, declared here rather than with decorators, whose generated calls
	// weighed about 0.4 KB min+gzip in the widget bundle. Internal state also says attribute: false
	// (implied by state: true) so custom-elements.json lists no attribute for it.
	static override properties: PropertyDeclarations = {
		view: { reflect: true },
		date: { reflect: true },
		timeZone: { attribute: 'time-zone' },
		weekStart: { attribute: 'week-start', type: Number },
		strings: { attribute: false },
		calendarId: { state: true, attribute: false },
		refreshes: { state: true, attribute: false },
		created: { state: true, attribute: false },
		selected: { state: true, attribute: false },
		notice: { state: true, attribute: false },
		actionError: { state: true, attribute: false },
		createAllDay: { state: true, attribute: false },
		createError: { state: true, attribute: false },
		searchText: { state: true, attribute: false },
		busy: { state: true, attribute: false },
		truncated: { state: true, attribute: false },
	};

	view: CalendarView = 'month';
	date = '';
	timeZone = '';
	weekStart?: number;
	/** Overrides of the visible text (and `locale`). */
	strings: Partial<CalendarStrings> = {};

	private calendarId = '';
	private refreshes = 0;
	/** Events created here, shown at once (until the next list holds them). */
	private created: CalendarEvent[] = [];
	private selected: CalendarEvent | null = null;
	private notice = '';
	private actionError = '';
	private createAllDay = false;
	private createError = '';
	private searchText = '';
	private busy = false;
	/** How many events were read when the range held more than MAX_PAGES pages (else 0). */
	private truncated = 0;

	get #detailDialog() {
		return this.renderRoot.querySelector<HTMLDialogElement>('dialog.detail');
	}
	get #createDialog() {
		return this.renderRoot.querySelector<HTMLDialogElement>('dialog.create');
	}

	#opener: HTMLElement | null = null;
	#focusAfterRender: string | null = null;
	#searchTimer?: ReturnType<typeof setTimeout>;

	get #s(): CalendarStrings {
		return localize(CALENDAR_STRINGS, this.strings);
	}

	get #locale(): string | undefined {
		return this.#s.locale || undefined;
	}

	/** The zone in use: the attribute when Intl knows it, else the browser's. */
	get resolvedTimeZone(): string {
		return isTimeZone(this.timeZone) ? this.timeZone : browserTimeZone();
	}

	/** The day in view (the `date` attribute, or today in the zone). */
	get currentDate(): string {
		return isPlainDate(this.date) ? this.date : todayIn(this.resolvedTimeZone);
	}

	get #resolvedView(): CalendarView {
		return VIEWS.includes(this.view) ? this.view : 'month';
	}

	get #firstDay(): number {
		const start = Number(this.weekStart);
		return Number.isInteger(start) && start >= 0 && start <= 6
			? start
			: localeWeekStart(this.#locale);
	}

	get #range() {
		return visibleRange(this.#resolvedView, this.currentDate, this.#firstDay);
	}

	#eventsTask = new Task(this, {
		args: () =>
			[
				this.apiBase,
				this.workspaceId,
				this.token,
				this.configured,
				this.provider,
				this.#range.start,
				this.#range.end,
				this.calendarId,
				this.refreshes,
			] as const,
		task: async ([, , , , provider, start, end, calendarId], { signal }) => {
			if (!this.configured) return initialState;
			const { from, to } = queryRange(start, end);
			const items: CalendarEvent[] = [];
			let cursor: string | null = null;
			for (let page = 0; page < MAX_PAGES; page++) {
				const answer: { items: CalendarEvent[]; nextCursor: string | null } =
					await this.client.call('events.list', {
						provider,
						signal,
						query: { from, to, calendar_id: calendarId, cursor, limit: PAGE_LIMIT },
					});
				items.push(...answer.items);
				cursor = answer.nextCursor;
				if (!cursor) break;
			}
			this.truncated = cursor ? items.length : 0;
			return items;
		},
	});

	#calendarsTask = new Task(this, {
		args: () =>
			[this.apiBase, this.workspaceId, this.token, this.configured, this.provider] as const,
		task: async ([, , , , provider], { signal }) => {
			if (!this.configured) return initialState;
			const answer = await this.client.call<{ calendars: CalendarInfo[] }>('calendar.calendars', {
				provider,
				signal,
			});
			return answer.calendars;
		},
	});

	#detailTask = new Task(this, {
		args: () => [this.selected?.id ?? ''] as const,
		task: async ([id], { signal }) => {
			if (!id) return initialState;
			const answer = await this.client.call<{ event: CalendarEvent }>('events.get', {
				provider: this.provider,
				params: { id },
				signal,
			});
			// Still the open event (not closed or another opened meanwhile): show the fresh copy.
			if (this.selected?.id === id) this.selected = answer.event;
			return answer.event;
		},
	});

	#searchTask = new Task(this, {
		args: () => [this.searchText.trim()] as const,
		task: async ([text], { signal }) => {
			if (!text) return initialState;
			const answer = await this.client.call<{ records: RecordMatch[] }>('records.search', {
				query: { q: text, limit: 8 },
				signal,
			});
			return answer.records;
		},
	});

	/** Settles once the events in view are loaded (or failed) and rendered. */
	get loadComplete(): Promise<void> {
		return this.updateComplete
			.then(() => this.#eventsTask.taskComplete)
			.catch(() => undefined)
			.then(() => this.updateComplete)
			.then(() => undefined);
	}

	/** Reloads the events (after a change made elsewhere). */
	refresh(): void {
		this.refreshes++;
	}

	/** Shows another range: -1 previous, +1 next. */
	step(direction: number): void {
		this.date = shiftDate(this.#resolvedView, this.currentDate, direction);
	}

	goToday(): void {
		this.date = todayIn(this.resolvedTimeZone);
	}

	protected override updated(changed: PropertyValues): void {
		super.updated(changed);
		if (this.#focusAfterRender) {
			const cell = this.renderRoot.querySelector<HTMLElement>(
				`[data-focus-date="${this.#focusAfterRender}"]`,
			);
			this.#focusAfterRender = null;
			cell?.focus({ preventScroll: true });
		}
		if (changed.has('view')) this.#scrollToMorning();
	}

	/** Week and day views open on the working day (08:00), not on midnight. */
	#scrollToMorning() {
		const grid = this.renderRoot.querySelector<HTMLElement>('.week');
		const column = grid?.querySelector<HTMLElement>('.day-column');
		const header = grid?.querySelector<HTMLElement>('.week-head');
		if (!grid || !column || !header) return;
		grid.scrollTop = column.offsetTop + (column.offsetHeight * 8) / 24 - header.offsetHeight;
	}

	override disconnectedCallback(): void {
		super.disconnectedCallback();
		clearTimeout(this.#searchTimer);
	}

	#events(): CalendarEvent[] {
		const listed = this.#eventsTask.value ?? [];
		const ids = new Set(listed.map((event) => event.id));
		const extra = this.created.filter(
			(event) => !ids.has(event.id) && (!this.calendarId || event.calendarId === this.calendarId),
		);
		return [...listed, ...extra].filter((event) => event.status !== 'cancelled');
	}

	// ---------- rendering ----------

	override render(): TemplateResult {
		const s = this.#s;
		const view = this.#resolvedView;
		const { start, end } = this.#range;
		const byDay = eventsByDay(this.#events(), start, end, this.resolvedTimeZone);
		const empty = [...byDay.values()].every((list) => list.length === 0);
		const pending = this.#eventsTask.status === 1;
		const error = this.#eventsTask.error;
		return html`<div part="base" class="base" lang=${this.#locale ?? nothing}>
			${this.#renderToolbar()}
			<div part="status" class="status" role="status">
				${pending
					? s.loading
					: this.#eventsTask.status === 2 && empty
						? s.empty
						: this.truncated
							? format(s.truncated, { count: this.truncated })
							: this.notice}
			</div>
			${error || (this.actionError && !this.selected)
				? html`<div part="error" class="error" role="alert">
						${this.actionError || errorMessage(error)}
					</div>`
				: nothing}
			${view === 'month' ? this.#renderMonth(byDay) : this.#renderWeek(byDay)}
			${this.#renderDetail()} ${this.#renderCreate()}
		</div>`;
	}

	#renderToolbar(): TemplateResult {
		const s = this.#s;
		const view = this.#resolvedView;
		const [prev, next] =
			view === 'month'
				? [s.previousMonth, s.nextMonth]
				: view === 'week'
					? [s.previousWeek, s.nextWeek]
					: [s.previousDay, s.nextDay];
		const calendars = this.#calendarsTask.value ?? [];
		return html`<div part="toolbar" class="toolbar">
			<div part="nav" class="nav">
				<button class="button" part="button today-button" type="button" @click=${this.goToday}>
					${s.today}
				</button>
				<button
					class="button"
					part="button prev-button"
					type="button"
					aria-label=${prev}
					title=${prev}
					@click=${() => this.step(-1)}
				>
					<span aria-hidden="true">‹</span>
				</button>
				<button
					class="button"
					part="button next-button"
					type="button"
					aria-label=${next}
					title=${next}
					@click=${() => this.step(1)}
				>
					<span aria-hidden="true">›</span>
				</button>
				<h2 part="title" class="title" id="title" aria-live="polite">
					${rangeTitle(view, this.currentDate, this.#firstDay, this.#locale)}
				</h2>
			</div>
			<div part="actions" class="actions">
				<div role="group" aria-label=${s.view} part="view-switch" class="views">
					${VIEWS.map(
						(name) =>
							html`<button
								class="button"
								part="button view-button"
								type="button"
								aria-pressed=${view === name ? 'true' : 'false'}
								data-view=${name}
								@click=${() => (this.view = name)}
							>
								${s[name]}
							</button>`,
					)}
				</div>
				${calendars.length > 1
					? html`<select
							part="calendar-select"
							aria-label=${s.calendarFilter}
							@change=${(event: Event) =>
								(this.calendarId = (event.target as HTMLSelectElement).value)}
						>
							<option value="" ?selected=${!this.calendarId}>${s.allCalendars}</option>
							${calendars.map(
								(calendar) =>
									html`<option value=${calendar.id} ?selected=${calendar.id === this.calendarId}>
										${calendar.name}
									</option>`,
							)}
						</select>`
					: nothing}
				<button
					class="button"
					part="button sync-button"
					type="button"
					?disabled=${this.busy}
					@click=${this.#sync}
				>
					${s.sync}
				</button>
				<button class="button" part="button create-button" type="button" @click=${this.#openCreate}>
					${s.newEvent}
				</button>
			</div>
		</div>`;
	}

	#renderMonth(byDay: Map<string, CalendarEvent[]>): TemplateResult {
		const days = [...byDay.keys()];
		const weeks: string[][] = [];
		for (let index = 0; index < days.length; index += 7) weeks.push(days.slice(index, index + 7));
		const today = todayIn(this.resolvedTimeZone);
		const month = this.currentDate.slice(0, 7);
		const current = this.currentDate;
		return html`<div
			part="grid month"
			class="month"
			role="grid"
			aria-labelledby="title"
			aria-busy=${this.#eventsTask.status === 1 ? 'true' : 'false'}
			@keydown=${this.#onGridKey}
		>
			<div role="row" part="weekdays" class="weekdays">
				${weeks[0].map(
					(day) =>
						html`<div role="columnheader" part="column-header" class="column-header">
							<abbr title=${this.#formatDay(day, { weekday: 'long' })}
								>${this.#formatDay(day, { weekday: 'short' })}</abbr
							>
						</div>`,
				)}
			</div>
			${weeks.map(
				(week) =>
					html`<div role="row" part="week-row" class="week-row">
						${week.map((day) => {
							const events = byDay.get(day) ?? [];
							const shown = events.length > MONTH_CHIPS + 1 ? events.slice(0, MONTH_CHIPS) : events;
							const parts = [
								'day',
								day === today ? 'today' : '',
								day.slice(0, 7) !== month ? 'outside' : '',
							]
								.filter(Boolean)
								.join(' ');
							return html`<div
								role="gridcell"
								part=${parts}
								class="day"
								data-date=${day}
								data-focus-date=${day}
								tabindex=${day === current ? '0' : '-1'}
								aria-current=${day === today ? 'date' : nothing}
							>
								<span part="day-number" class="day-number"
									><span class="visually-hidden"
										>${this.#formatDay(day, { dateStyle: 'full' })}</span
									><span aria-hidden="true">${Number(day.slice(8))}</span></span
								>
								${shown.length
									? html`<ul part="day-events" class="chips">
											${shown.map((event) => html`<li>${this.#renderChip(event, day)}</li>`)}
										</ul>`
									: nothing}
								${shown.length < events.length
									? html`<button
											part="button more"
											type="button"
											class="more"
											@click=${() => this.#openDay(day)}
										>
											${format(this.#s.more, { count: events.length - shown.length })}
										</button>`
									: nothing}
							</div>`;
						})}
					</div>`,
			)}
		</div>`;
	}

	#renderWeek(byDay: Map<string, CalendarEvent[]>): TemplateResult {
		const s = this.#s;
		const days = [...byDay.keys()];
		const today = todayIn(this.resolvedTimeZone);
		const current = this.currentDate;
		const zone = this.resolvedTimeZone;
		const hours = Array.from({ length: 24 }, (_, hour) => hour);
		const hourFormat = dateFormat(this.#locale, { hour: 'numeric', timeZone: 'UTC' });
		return html`<div
			part="grid week"
			class="week"
			role="grid"
			aria-labelledby="title"
			aria-busy=${this.#eventsTask.status === 1 ? 'true' : 'false'}
			style="--crm-calendar-days: ${days.length}"
			@keydown=${this.#onGridKey}
		>
			<div role="rowgroup" part="week-head" class="week-head">
				<div role="row" part="week-header" class="week-header">
					<div role="columnheader" part="corner" class="corner">
						<span class="visually-hidden">${s.time}</span>
					</div>
					${days.map(
						(day) =>
							html`<div
								role="columnheader"
								part=${day === today ? 'column-header today' : 'column-header'}
								class="column-header"
								aria-current=${day === today ? 'date' : nothing}
							>
								${this.#formatDay(day, { weekday: 'short' })}
								<span class="day-number">${Number(day.slice(8))}</span>
							</div>`,
					)}
				</div>
				<div role="row" part="all-day-row" class="all-day-row">
					<div role="rowheader" part="row-label" class="row-label">${s.allDay}</div>
					${days.map((day) => {
						const spanning = (byDay.get(day) ?? []).filter((event) => isSpanning(event, zone));
						return html`<div
							role="gridcell"
							part="day all-day"
							class="all-day-cell"
							data-date=${day}
						>
							${spanning.length
								? html`<ul part="day-events" class="chips">
										${spanning.map((event) => html`<li>${this.#renderChip(event, day)}</li>`)}
									</ul>`
								: nothing}
						</div>`;
					})}
				</div>
			</div>
			<div role="row" part="time-row" class="time-row">
				<div role="rowheader" part="hours" class="hours">
					<span class="visually-hidden">${s.time}</span>
					${hours.map(
						(hour) =>
							html`<span part="hour" class="hour" aria-hidden="true"
								>${hour === 0 ? '' : hourFormat.format(Date.UTC(2000, 0, 1, hour))}</span
							>`,
					)}
				</div>
				${days.map(
					(day) =>
						html`<div
							role="gridcell"
							part=${day === today ? 'day day-column today' : 'day day-column'}
							class="day-column"
							data-date=${day}
							data-focus-date=${day}
							tabindex=${day === current ? '0' : '-1'}
						>
							<span class="visually-hidden">${this.#formatDay(day, { dateStyle: 'full' })}</span>
							${layoutDay(byDay.get(day) ?? [], day, zone).map(
								(box) =>
									html`<div
										part="event-box"
										class=${box.height < 45 ? 'box short' : 'box'}
										style="top: calc(var(--crm-calendar-hour-height, 3rem) * ${box.top /
										60}); height: calc(var(--crm-calendar-hour-height, 3rem) * ${box.height /
										60}); left: ${(box.lane / box.lanes) * 100}%; width: ${100 / box.lanes}%"
									>
										${this.#renderChip(box.event, day)}
									</div>`,
							)}
						</div>`,
				)}
			</div>
		</div>`;
	}

	#renderChip(event: CalendarEvent, day: string): TemplateResult {
		const zone = this.resolvedTimeZone;
		const spanning = isSpanning(event, zone);
		const span = eventSpan(event, zone);
		const continued = span !== null && span.start < day;
		const parts = ['event', event.isAllDay ? 'all-day' : 'timed', continued ? 'continued' : '']
			.filter(Boolean)
			.join(' ');
		const time =
			!event.isAllDay && !continued && event.startsAt
				? dateFormat(this.#locale, {
						hour: 'numeric',
						minute: '2-digit',
						timeZone: zone,
					}).format(Date.parse(event.startsAt))
				: '';
		return html`<button
			part=${parts}
			type="button"
			class=${spanning ? 'event spanning' : 'event'}
			data-event-id=${event.id}
			aria-haspopup="dialog"
			@click=${(click: Event) => this.#openEvent(event, click.currentTarget as HTMLElement)}
		>
			${time ? html`<span part="event-time" class="event-time">${time}</span> ` : nothing}<span
				part="event-title"
				class="event-title"
				>${event.title || this.#s.noTitle}</span
			>
		</button>`;
	}

	#renderDetail(): TemplateResult {
		const s = this.#s;
		const event = this.selected;
		const results = this.#searchTask.value ?? [];
		const linked = new Set(event?.links.map((link) => `${link.recordType}:${link.recordId}`));
		return html`<dialog
			part="dialog detail-dialog"
			class="detail"
			aria-labelledby="detail-title"
			@close=${this.#onDetailClose}
			@keydown=${this.#trapFocus}
		>
			${event
				? html`<h3 id="detail-title" part="dialog-title" class="dialog-title">
							${event.title || s.noTitle}
						</h3>
						<p part="detail-time" class="detail-time">${this.#formatWhen(event)}</p>
						${event.location
							? html`<p part="location">
									<span class="label">${s.location}:</span> ${event.location}
								</p>`
							: nothing}
						${event.organizer
							? html`<p part="organizer">
									<span class="label">${s.organizer}:</span>
									${event.organizer.name ?? event.organizer.email}
								</p>`
							: nothing}
						${safeUrl(event.meetingLink)
							? html`<p>
									<a
										part="meeting-link"
										href=${safeUrl(event.meetingLink)!}
										target="_blank"
										rel="noopener noreferrer"
										>${s.joinMeeting}</a
									>
								</p>`
							: nothing}
						${event.description
							? html`<p part="description" class="description">${event.description}</p>`
							: nothing}
						<h4 part="section-title">${s.attendees}</h4>
						${event.attendees.length
							? html`<ul part="attendees" class="attendees">
									${event.attendees.map(
										(attendee) =>
											html`<li part="attendee" data-email=${attendee.email}>
												<span
													>${attendee.name
														? `${attendee.name} <${attendee.email}>`
														: attendee.email}</span
												>
												${attendee.isOrganizer ? html`<span> · ${s.organizer}</span>` : nothing}
												${attendee.isOptional ? html`<span> · ${s.optional}</span>` : nothing}
												<span
													part="response"
													class="response"
													data-response=${attendee.responseStatus}
													>${s[attendee.responseStatus] ?? attendee.responseStatus}</span
												>
											</li>`,
									)}
								</ul>`
							: html`<p part="empty-note">${s.noAttendees}</p>`}
						<h4 part="section-title">${s.linkedRecords}</h4>
						${event.links.length
							? html`<ul part="linked-records" class="links">
									${event.links.map(
										(link) =>
											html`<li part="linked-record" data-record-id=${link.recordId}>
												<span>${recordLabel(link, s)}</span>
												<button
													class="button"
													part="button unlink-button"
													type="button"
													?disabled=${this.busy}
													@click=${() => this.#setLink(link.recordType, link.recordId, false)}
												>
													${format(s.unlink, { name: link.name ?? link.recordId })}
												</button>
											</li>`,
									)}
								</ul>`
							: html`<p part="empty-note">${s.noLinks}</p>`}
						<label part="label" class="field">
							${s.linkSearch}
							<input
								part="search input"
								type="search"
								autocomplete="off"
								.value=${this.searchText}
								@input=${this.#onSearchInput}
							/>
						</label>
						${this.searchText.trim() && this.#searchTask.status === 2
							? results.length
								? html`<ul part="search-results" class="results">
										${results.map(
											(record) =>
												html`<li>
													<button
														class="button"
														part="button search-result"
														type="button"
														data-record-id=${record.id}
														?disabled=${this.busy ||
														linked.has(`${record.recordType}:${record.id}`)}
														@click=${() => this.#setLink(record.recordType, record.id, true)}
													>
														${format(s.link, { name: recordLabel(record, s) })}
													</button>
												</li>`,
										)}
									</ul>`
								: html`<p part="empty-note">${s.noMatches}</p>`
							: nothing}`
				: nothing}
			${this.#detailTask.error || (this.selected && this.actionError)
				? html`<p part="error" class="error" role="alert">
						${this.actionError || errorMessage(this.#detailTask.error)}
					</p>`
				: nothing}
			<div part="dialog-actions" class="dialog-actions">
				<button
					class="button"
					part="button close-button"
					type="button"
					@click=${() => this.#detailDialog?.close()}
				>
					${s.close}
				</button>
			</div>
		</dialog>`;
	}

	#renderCreate(): TemplateResult {
		const s = this.#s;
		const type = this.createAllDay ? 'date' : 'datetime-local';
		return html`<dialog
			part="dialog create-dialog"
			class="create"
			aria-labelledby="create-title"
			@close=${this.#onCreateClose}
			@keydown=${this.#trapFocus}
		>
			<h3 id="create-title" part="dialog-title" class="dialog-title">${s.newEvent}</h3>
			<form part="form" class="form" @submit=${this.#submitCreate}>
				<label part="label" class="field"
					>${s.title}<input part="input" type="text" name="title" required autocomplete="off"
				/></label>
				<label part="label" class="check"
					><input
						part="input"
						type="checkbox"
						name="allDay"
						.checked=${this.createAllDay}
						@change=${(change: Event) => this.#toggleAllDay(change)}
					/>${s.allDay}</label
				>
				<label part="label" class="field"
					>${s.start}<input part="input" name="start" type=${type} required
				/></label>
				<label part="label" class="field"
					>${s.end}<input part="input" name="end" type=${type} required
				/></label>
				<label part="label" class="field"
					>${s.attendeesInput}<input part="input" type="text" name="attendees" autocomplete="off"
				/></label>
				${this.createError
					? html`<p part="form-error" class="error" role="alert">${this.createError}</p>`
					: nothing}
				<div part="dialog-actions" class="dialog-actions">
					<button
						class="button"
						part="button"
						type="button"
						@click=${() => this.#createDialog?.close()}
					>
						${s.cancel}
					</button>
					<button class="button" part="button submit-button" type="submit" ?disabled=${this.busy}>
						${s.create}
					</button>
				</div>
			</form>
		</dialog>`;
	}

	// ---------- behaviour ----------

	#onGridKey = (key: KeyboardEvent) => {
		const cell = (key.target as HTMLElement).closest<HTMLElement>('[data-focus-date]');
		if (!cell || key.target !== cell) return;
		const day = cell.dataset.focusDate!;
		const view = this.#resolvedView;
		const { start } = visibleRange('week', day, this.#firstDay);
		const moves: Record<string, () => string> = {
			ArrowLeft: () => addDays(day, -1),
			ArrowRight: () => addDays(day, 1),
			ArrowUp: () => addDays(day, -7),
			ArrowDown: () => addDays(day, 7),
			Home: () => start,
			End: () => addDays(start, 6),
			PageUp: () => shiftDate(view === 'day' ? 'day' : view, day, -1),
			PageDown: () => shiftDate(view === 'day' ? 'day' : view, day, 1),
		};
		if (key.key === 'Enter' && view !== 'day') {
			key.preventDefault();
			this.#openDay(day);
			return;
		}
		const move = moves[key.key];
		if (!move) return;
		key.preventDefault();
		this.date = move();
		this.#focusAfterRender = this.date;
	};

	#openDay(day: string) {
		this.view = 'day';
		this.date = day;
		this.#focusAfterRender = day;
	}

	#openEvent(event: CalendarEvent, opener: HTMLElement) {
		if (!emit(this, 'crm-event-select', { event }, { cancelable: true })) return;
		this.#opener = opener;
		this.selected = event;
		this.searchText = '';
		this.actionError = '';
		this.updateComplete.then(() => this.#detailDialog?.showModal());
	}

	/** Tab and Shift+Tab go round inside an open dialog (not out to the browser's own UI). */
	#trapFocus = (key: KeyboardEvent) => {
		if (key.key !== 'Tab') return;
		const dialog = key.currentTarget as HTMLDialogElement;
		const focusable = [
			...dialog.querySelectorAll<HTMLElement>('a[href], button:not(:disabled), input, select'),
		];
		const first = focusable[0];
		const last = focusable[focusable.length - 1];
		const active = this.shadowRoot?.activeElement;
		if (key.shiftKey ? active === first : active === last) {
			key.preventDefault();
			(key.shiftKey ? last : first)?.focus();
		}
	};

	#onDetailClose = () => {
		this.selected = null;
		this.searchText = '';
		this.#returnFocus();
	};

	#returnFocus() {
		const opener = this.#opener;
		this.#opener = null;
		if (opener?.isConnected) {
			opener.focus();
			return;
		}
		// The opener left with a re-render: fall back on the day in view.
		this.renderRoot.querySelector<HTMLElement>('[data-focus-date][tabindex="0"]')?.focus();
	}

	#onSearchInput = (input: Event) => {
		const value = (input.target as HTMLInputElement).value;
		clearTimeout(this.#searchTimer);
		this.#searchTimer = setTimeout(() => (this.searchText = value), 200);
	};

	async #setLink(recordType: 'person' | 'company', recordId: string, link: boolean) {
		const event = this.selected;
		if (!event) return;
		this.busy = true;
		this.actionError = '';
		try {
			const answer = await this.client.call<{ links: CalendarLinkedRecord[] }>(
				link ? 'events.link' : 'events.unlink',
				{ provider: this.provider, params: { id: event.id }, body: { recordType, recordId } },
			);
			if (this.selected?.id === event.id) this.selected = { ...this.selected, links: answer.links };
			emit(this, 'crm-record-link', {
				eventId: event.id,
				action: link ? 'link' : 'unlink',
				recordType,
				recordId,
				links: answer.links,
			});
			this.refresh();
		} catch (error) {
			this.actionError = errorMessage(error);
		} finally {
			this.busy = false;
		}
	}

	#sync = async () => {
		this.busy = true;
		this.actionError = '';
		this.notice = '';
		try {
			await this.client.call('calendar.sync', { provider: this.provider });
			this.notice = this.#s.syncQueued;
			this.refresh();
		} catch (error) {
			this.actionError = errorMessage(error);
		} finally {
			this.busy = false;
		}
	};

	#openCreate = (click: Event) => {
		this.#opener = click.currentTarget as HTMLElement;
		this.createError = '';
		this.createAllDay = false;
		const form = this.renderRoot.querySelector<HTMLFormElement>('form.form');
		form?.reset();
		this.updateComplete.then(() => {
			const day = this.currentDate;
			this.#setFormDates(day, '09:00', '10:00');
			this.#createDialog?.showModal();
		});
	};

	#setFormDates(startDay: string, startTime: string, endTime: string) {
		const form = this.renderRoot.querySelector<HTMLFormElement>('form.form');
		if (!form) return;
		const start = form.elements.namedItem('start') as HTMLInputElement;
		const end = form.elements.namedItem('end') as HTMLInputElement;
		start.value = this.createAllDay ? startDay : `${startDay}T${startTime}`;
		end.value = this.createAllDay ? startDay : `${startDay}T${endTime}`;
	}

	#toggleAllDay(change: Event) {
		const start = (
			this.renderRoot.querySelector<HTMLInputElement>('input[name=start]')?.value ?? ''
		).slice(0, 10);
		this.createAllDay = (change.target as HTMLInputElement).checked;
		this.updateComplete.then(() => {
			const day = isPlainDate(start) ? start : this.currentDate;
			this.#setFormDates(day, '09:00', '10:00');
		});
	}

	#onCreateClose = () => {
		this.createError = '';
		this.#returnFocus();
	};

	#submitCreate = async (submit: SubmitEvent) => {
		submit.preventDefault();
		const form = submit.target as HTMLFormElement;
		const data = new FormData(form);
		const title = String(data.get('title') ?? '').trim();
		const startValue = String(data.get('start') ?? '');
		const endValue = String(data.get('end') ?? '');
		const zone = this.resolvedTimeZone;
		let start: string;
		let end: string;
		if (this.createAllDay) {
			start = startValue;
			// The form's end is the last day; the API's is the day after.
			end = isPlainDate(endValue) ? addDays(endValue, 1) : '';
		} else {
			start = wallToIso(startValue, zone);
			end = wallToIso(endValue, zone);
		}
		if (!title || !start || !end) return;
		if (end <= start && this.createAllDay) {
			this.createError = this.#s.endBeforeStart;
			return;
		}
		if (!this.createAllDay && Date.parse(end) <= Date.parse(start)) {
			this.createError = this.#s.endBeforeStart;
			return;
		}
		const attendees = String(data.get('attendees') ?? '')
			.split(/[\s,;]+/)
			.filter(Boolean);
		this.busy = true;
		this.createError = '';
		try {
			const answer = await this.client.call<{ event: CalendarEvent }>('events.create', {
				provider: this.provider,
				body: {
					...(this.calendarId ? { calendarId: this.calendarId } : {}),
					title,
					start,
					end,
					allDay: this.createAllDay,
					timeZone: zone,
					attendees,
				},
			});
			this.created = [...this.created, answer.event];
			const span = eventSpan(answer.event, zone);
			if (span) this.date = span.start;
			emit(this, 'crm-event-create', { event: answer.event });
			this.#createDialog?.close();
			this.refresh();
		} catch (error) {
			this.createError = errorMessage(error);
		} finally {
			this.busy = false;
		}
	};

	#formatDay(day: string, options: Intl.DateTimeFormatOptions): string {
		return dateFormat(this.#locale, { ...options, timeZone: 'UTC' }).format(
			Date.parse(`${day}T00:00:00Z`),
		);
	}

	#formatWhen(event: CalendarEvent): string {
		const span = eventSpan(event, this.resolvedTimeZone);
		if (!span) return '';
		if (event.isAllDay) {
			const last = addDays(span.end, -1);
			const format = dateFormat(this.#locale, { dateStyle: 'full', timeZone: 'UTC' });
			const text =
				last === span.start
					? format.format(Date.parse(`${span.start}T00:00:00Z`))
					: format.formatRange(
							Date.parse(`${span.start}T00:00:00Z`),
							Date.parse(`${last}T00:00:00Z`),
						);
			return `${text} (${this.#s.allDay})`;
		}
		const format = dateFormat(this.#locale, {
			dateStyle: 'full',
			timeStyle: 'short',
			timeZone: this.resolvedTimeZone,
		});
		const starts = Date.parse(event.startsAt!);
		const ends = Math.max(starts, Date.parse(event.endsAt ?? '') || starts);
		return `${format.formatRange(starts, ends)} (${this.resolvedTimeZone})`;
	}
}

/** http(s) links only: a meeting link must never run script. */
function safeUrl(value: string | null): string | null {
	if (!value) return null;
	try {
		const url = new URL(value);
		return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
	} catch {
		return null;
	}
}

function recordLabel(
	record: {
		recordType: 'person' | 'company';
		name: string | null;
		email: string | null;
		domain: string | null;
	},
	s: CalendarStrings,
): string {
	const kind = record.recordType === 'person' ? s.person : s.company;
	const extra = record.email ?? record.domain;
	return `${record.name ?? extra ?? ''}${extra && record.name ? ` (${extra})` : ''} · ${kind}`;
}

/** 'YYYY-MM-DDTHH:MM' read as a wall time in the zone → ISO instant ('' when malformed). */
function wallToIso(value: string, timeZone: string): string {
	const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/.exec(value);
	if (!match || !isPlainDate(match[1])) return '';
	const minutes = Number(match[2]) * 60 + Number(match[3]);
	return new Date(zonedToInstant(match[1], minutes, timeZone)).toISOString();
}
