// <crm-calendar> in Chromium against the real widget API test server (PostgreSQL, seeded
// workspace A): events of the seed's month are placed on the right days in several zones, the
// views navigate, the dialogs work, and a token of workspace B is refused on A.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { CrmApiClient } from '../shared/apiClient';
import './calendar';
import type CrmCalendar from './calendar.component';
import type {
	CrmCalendarRecordLinkDetail,
	CrmEventCreateDetail,
	CrmEventSelectDetail,
} from './calendarTypes';

const WORKSPACE_A = '00000000-0000-4000-8000-000000000001';
const WORKSPACE_B = '00000000-0000-4000-8000-000000000002';
const API_BASE = `${location.origin}/crm-api`;

interface Seed {
	now: string;
	people: Array<{ id: string; email: string; fullName: string }>;
	companies: Array<{ id: string; name: string; domain: string }>;
}

let seed: Seed;
let tokenA: string;
/** The seed's month (UTC) and a day of it as YYYY-MM-DD, computed without the widget's code. */
let year: number;
let month: number;
const day = (date: number, monthOffset = 0) =>
	new Date(Date.UTC(year, month + monthOffset, date)).toISOString().slice(0, 10);
const weekdayOf = (date: number) => new Date(Date.UTC(year, month, date)).getUTCDay();

async function tokenFor(workspace: string): Promise<string> {
	const response = await fetch(`/crm-api/test-token?workspace=${workspace}`);
	return ((await response.json()) as { token: string }).token;
}

async function mount(
	options: { view?: string; date?: string; zone?: string; token?: string; theme?: string } = {},
): Promise<CrmCalendar> {
	const element = await fixture<CrmCalendar>(
		html`<crm-calendar
			api-base=${API_BASE}
			workspace-id=${WORKSPACE_A}
			token=${options.token ?? tokenA}
			view=${options.view ?? 'month'}
			date=${options.date ?? day(1)}
			time-zone=${options.zone ?? 'UTC'}
			week-start="1"
			theme=${options.theme ?? 'light'}
		></crm-calendar>`,
	);
	await element.loadComplete;
	return element;
}

const root = (element: CrmCalendar) => element.shadowRoot!;

/** Titles of the events shown on a day (month cell, or all-day strip and time column). */
function titlesOn(element: CrmCalendar, date: string): string[] {
	return [
		...root(element).querySelectorAll(`[data-date="${date}"] [part~="event"] .event-title`),
	].map((title) => title.textContent!.trim());
}

function button(element: CrmCalendar, part: string): HTMLButtonElement {
	return root(element).querySelector<HTMLButtonElement>(`[part~="${part}"]`)!;
}

const statusText = (element: CrmCalendar) =>
	root(element).querySelector('[part="status"]')!.textContent!.trim();

async function settle(element: CrmCalendar) {
	await element.updateComplete;
	await element.loadComplete;
}

describe('<crm-calendar>', function () {
	this.timeout(60_000);

	before(async () => {
		seed = (await (await fetch('/crm-api/test-seed')).json()) as Seed;
		const now = new Date(seed.now);
		year = now.getUTCFullYear();
		month = now.getUTCMonth();
		tokenA = await tokenFor(WORKSPACE_A);
	});

	it('month view: the seeded events on their days, multi-day on each, the cancelled one left out', async () => {
		const element = await mount();
		expect(root(element).querySelector('[part~="grid"]')!.getAttribute('role')).to.equal('grid');
		expect(titlesOn(element, day(10))).to.include('Company holiday');
		expect(titlesOn(element, day(9))).not.to.include('Company holiday');
		expect(titlesOn(element, day(11))).not.to.include('Company holiday');
		for (const date of [15, 16, 17])
			expect(titlesOn(element, day(date))).to.include('Sales offsite');
		expect(titlesOn(element, day(14))).not.to.include('Sales offsite');
		expect(titlesOn(element, day(18))).not.to.include('Sales offsite');
		// 22:00 on the 20th to 04:00 on the 21st (UTC): on both days.
		expect(titlesOn(element, day(20))).to.include('Data migration window');
		expect(titlesOn(element, day(21))).to.include('Data migration window');
		for (let date = 1; date <= 28; date++) {
			const weekday = weekdayOf(date) !== 0 && weekdayOf(date) !== 6;
			expect(titlesOn(element, day(date)).includes('Team standup')).to.equal(weekday, day(date));
		}
		expect(root(element).textContent).not.to.include('Cancelled meeting');
		const title = root(element).querySelector('[part="title"]')!.textContent!.trim();
		expect(title).to.equal(
			new Intl.DateTimeFormat(undefined, {
				month: 'long',
				year: 'numeric',
				timeZone: 'UTC',
			}).format(Date.UTC(year, month, 1)),
		);
	});

	it('week view: all-day events in the all-day row, timed ones in their day column at their hour', async () => {
		const element = await mount({ view: 'week', date: day(16) });
		const days = [...root(element).querySelectorAll('.day-column')].map(
			(column) => (column as HTMLElement).dataset.date,
		);
		expect(days).to.have.length(7);
		expect(days).to.include(day(16));
		for (const date of [15, 16, 17]) {
			if (!days.includes(day(date))) continue;
			const strip = root(element).querySelector(`.all-day-cell[data-date="${day(date)}"]`)!;
			expect(strip.textContent).to.include('Sales offsite');
		}
		const weekday = [15, 16, 17, 18, 19, 20, 21].find(
			(date) => days.includes(day(date)) && weekdayOf(date) !== 0 && weekdayOf(date) !== 6,
		)!;
		const column = root(element).querySelector(`.day-column[data-date="${day(weekday)}"]`)!;
		const standup = [...column.querySelectorAll('.box')].find((box) =>
			box.textContent!.includes('Team standup'),
		) as HTMLElement;
		expect(standup, 'standup box').not.to.equal(undefined);
		// 09:00 UTC: nine hours down the column.
		expect(standup.getBoundingClientRect().top - column.getBoundingClientRect().top).to.be.closeTo(
			(column.getBoundingClientRect().height * 9) / 24,
			2,
		);
		expect(root(element).querySelector('.all-day-row')!.textContent).not.to.include('Team standup');
	});

	it('day view: only that day, an overnight event in the all-day strip', async () => {
		const element = await mount({ view: 'day', date: day(20) });
		expect(root(element).querySelectorAll('.day-column')).to.have.length(1);
		const strip = root(element).querySelector(`.all-day-cell[data-date="${day(20)}"]`)!;
		expect(strip.textContent).to.include('Data migration window');
		const column = root(element).querySelector(`.day-column[data-date="${day(20)}"]`)!;
		expect(column.textContent!.includes('Team standup')).to.equal(
			weekdayOf(20) !== 0 && weekdayOf(20) !== 6,
		);
		expect(titlesOn(element, day(19))).to.deep.equal([]);
	});

	it('keeps all-day events on their dates in far-away zones', async () => {
		for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles', 'Pacific/Pago_Pago']) {
			const element = await mount({ zone });
			expect(titlesOn(element, day(10)), zone).to.include('Company holiday');
			expect(titlesOn(element, day(9)), zone).not.to.include('Company holiday');
			expect(titlesOn(element, day(11)), zone).not.to.include('Company holiday');
			expect(titlesOn(element, day(17)), zone).to.include('Sales offsite');
			expect(titlesOn(element, day(18)), zone).not.to.include('Sales offsite');
			expect(titlesOn(element, day(14)), zone).not.to.include('Sales offsite');
		}
	});

	it('moves a timed event to another day when the zone puts it across midnight', async () => {
		// The 14:00 UTC calls are on days divisible by three: 04:00 next day in Kiritimati (UTC+14).
		const callDay = [3, 6, 9, 12, 15, 18, 21, 24, 27].find(
			(date) => weekdayOf(date) !== 0 && weekdayOf(date) !== 6,
		)!;
		const calls = (element: CrmCalendar, date: string) =>
			titlesOn(element, date).filter((title) => title.startsWith('Call with'));
		const element = await mount({ zone: 'UTC' });
		expect(calls(element, day(callDay))).to.have.length(1);
		expect(calls(element, day(callDay + 1))).to.have.length(0);

		element.timeZone = 'Pacific/Kiritimati';
		await settle(element);
		expect(calls(element, day(callDay))).to.have.length(0);
		expect(calls(element, day(callDay + 1))).to.have.length(1);
		// 22:00–04:00 UTC is 12:00–18:00 on the 21st there, 14:00–20:00 on the 20th in Los Angeles.
		expect(titlesOn(element, day(20))).not.to.include('Data migration window');
		expect(titlesOn(element, day(21))).to.include('Data migration window');

		element.timeZone = 'America/Los_Angeles';
		await settle(element);
		expect(calls(element, day(callDay))).to.have.length(1);
		expect(calls(element, day(callDay + 1))).to.have.length(0);
		expect(titlesOn(element, day(20))).to.include('Data migration window');
		expect(titlesOn(element, day(21))).not.to.include('Data migration window');
	});

	it('navigates with previous, next and today; an empty month says so', async () => {
		const element = await mount({ date: day(15) });
		button(element, 'next-button').click();
		await settle(element);
		expect(element.date).to.equal(day(15, 1));
		expect(element.getAttribute('date')).to.equal(day(15, 1));
		expect(titlesOn(element, day(15, 1))).to.deep.equal([]);
		// Half a year on: nothing seeded there.
		element.date = day(15, 6);
		await settle(element);
		expect(statusText(element)).to.equal('No events in this period');
		element.date = day(15, 1);
		await settle(element);
		button(element, 'prev-button').click();
		button(element, 'prev-button').click();
		await settle(element);
		expect(element.date).to.equal(day(15, -1));
		const title = root(element).querySelector('[part="title"]')!.textContent!.trim();
		expect(title).to.equal(
			new Intl.DateTimeFormat(undefined, {
				month: 'long',
				year: 'numeric',
				timeZone: 'UTC',
			}).format(Date.UTC(year, month - 1, 1)),
		);
		button(element, 'today-button').click();
		await settle(element);
		expect(element.date).to.equal(new Date().toISOString().slice(0, 10));
		expect(
			root(element).querySelector('[aria-current="date"]')!.getAttribute('data-date'),
		).to.equal(element.date);

		element.view = 'week';
		element.date = day(15);
		await settle(element);
		button(element, 'next-button').click();
		await settle(element);
		expect(element.date).to.equal(day(22));
		expect(button(element, 'next-button').getAttribute('aria-label')).to.equal('Next week');
		root(element).querySelector<HTMLButtonElement>('[data-view="day"]')!.click();
		await settle(element);
		expect(element.view).to.equal('day');
		button(element, 'prev-button').click();
		await settle(element);
		expect(element.date).to.equal(day(21));
	});

	it('moves between days with the keyboard (arrows, Page Down, Enter opens the day)', async () => {
		const element = await mount({ date: day(15) });
		const focused = () => (root(element).activeElement as HTMLElement | null)?.dataset.date;
		root(element)
			.querySelector<HTMLElement>(`[data-date="${day(15)}"]`)!
			.focus();
		expect(
			root(element)
				.querySelector(`[data-date="${day(15)}"]`)!
				.getAttribute('tabindex'),
		).to.equal('0');
		await sendKeys({ press: 'ArrowRight' });
		await element.updateComplete;
		expect(focused()).to.equal(day(16));
		await sendKeys({ press: 'ArrowDown' });
		await element.updateComplete;
		expect(focused()).to.equal(day(23));
		await sendKeys({ press: 'ArrowLeft' });
		await sendKeys({ press: 'ArrowUp' });
		await element.updateComplete;
		expect(focused()).to.equal(day(15));
		expect(root(element).querySelectorAll('[data-date][tabindex="0"]')).to.have.length(1);
		await sendKeys({ press: 'PageDown' });
		await settle(element);
		expect(element.date).to.equal(day(15, 1));
		expect(focused()).to.equal(day(15, 1));
		await sendKeys({ press: 'Enter' });
		await settle(element);
		expect(element.view).to.equal('day');
		expect(focused()).to.equal(day(15, 1));
	});

	/** Opens a seeded 14:00 UTC call (on a weekday divisible by three) in the month view. */
	async function openCall(element: CrmCalendar) {
		const callDay = [3, 6, 9, 12, 15, 18, 21, 24, 27].find(
			(date) => weekdayOf(date) !== 0 && weekdayOf(date) !== 6,
		)!;
		const chip = [
			...root(element).querySelectorAll<HTMLButtonElement>(
				`[data-date="${day(callDay)}"] [part~="event"]`,
			),
		].find((candidate) => candidate.textContent!.includes('Call with'))!;
		chip.focus();
		chip.click();
		const dialog = root(element).querySelector<HTMLDialogElement>('dialog.detail')!;
		return { callDay, chip, dialog };
	}

	it('opens an event: time, place, meeting link; Escape closes and focus returns', async () => {
		const element = await mount();
		const selected = oneEvent(element, 'crm-event-select');
		const { callDay, chip, dialog } = await openCall(element);
		const { detail } = (await selected) as CustomEvent<CrmEventSelectDetail>;
		expect(detail.event.title).to.match(/^Call with /);
		await waitUntil(() => dialog.open, 'dialog opens');
		expect(dialog.querySelector('[part="dialog-title"]')!.textContent!.trim()).to.equal(
			detail.event.title,
		);
		const link = dialog.querySelector<HTMLAnchorElement>('[part="meeting-link"]')!;
		expect(link.href).to.equal(
			`https://meet.google.com/abc-defg-${String(callDay).padStart(3, '0')}`,
		);
		expect(link.rel).to.include('noopener');
		expect(dialog.querySelector('[part="location"]')!.textContent).to.include('Video call');
		expect(dialog.querySelector('[part="organizer"]')!.textContent).to.include('Sandbox User');
		const when = dialog.querySelector('[part="detail-time"]')!.textContent!;
		expect(when).to.include('UTC');
		expect(when).to.include('2:00');
		await expect(element).to.be.accessible();

		await sendKeys({ press: 'Escape' });
		await waitUntil(() => !dialog.open, 'Escape closes');
		await element.updateComplete;
		expect(root(element).activeElement === chip, 'focus on the event chip').to.equal(true);
	});

	it('lists the attendees of a seeded event with their responses', async () => {
		// Needs the seed to store attendees where the API reads them (calendar_event_attendees).
		const element = await mount();
		const { dialog } = await openCall(element);
		await waitUntil(() => dialog.open, 'dialog opens');
		await waitUntil(
			() => dialog.querySelectorAll('[part="attendee"]').length > 0,
			'attendees of the seeded call shown (the seed must fill calendar_event_attendees)',
			{ timeout: 5000 },
		);
		const responses = [...dialog.querySelectorAll('[part="attendee"] [part="response"]')].map(
			(item) => item.textContent!.trim(),
		);
		expect(responses).to.include.members(['Accepted', 'Maybe']);
		dialog.close();
	});

	it('lets the page handle the selection itself (crm-event-select is cancelable)', async () => {
		const element = await mount();
		element.addEventListener('crm-event-select', (event) => event.preventDefault(), { once: true });
		const { dialog } = await openCall(element);
		await element.updateComplete;
		expect(dialog.open).to.equal(false);
	});

	it('creates an event that then shows on its day', async () => {
		const element = await mount({ zone: 'Europe/Berlin' });
		const title = `Created in test ${Date.now()}`;
		button(element, 'create-button').click();
		const dialog = root(element).querySelector<HTMLDialogElement>('dialog.create')!;
		await waitUntil(() => dialog.open, 'create dialog opens');
		const field = (name: string) => dialog.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
		expect(root(element).activeElement === field('title'), 'focus on the title field').to.equal(
			true,
		);
		field('title').value = title;
		// Far from the seed's month so the other tests keep their counts.
		field('start').value = '2030-03-05T23:30';
		field('end').value = '2030-03-06T00:15';
		field('attendees').value = 'guest@example.com, other@example.com';
		const got: { detail?: CrmEventCreateDetail } = {};
		element.addEventListener('crm-event-create', (event) => (got.detail = event.detail), {
			once: true,
		});
		dialog.querySelector<HTMLButtonElement>('[part~="submit-button"]')!.click();
		const formError = () => dialog.querySelector('[part="form-error"]')?.textContent?.trim();
		await waitUntil(() => got.detail || formError(), 'created or refused', { timeout: 10_000 });
		expect(formError(), 'the API refused the event').to.equal(undefined);
		const detail = got.detail!;
		expect(detail.event.title).to.equal(title);
		// 23:30 in Berlin (UTC+1 in March) is 22:30 UTC.
		expect(detail.event.startsAt).to.equal('2030-03-05T22:30:00.000Z');
		await waitUntil(() => !dialog.open, 'dialog closes');
		await settle(element);
		expect(element.date).to.equal('2030-03-05');
		expect(titlesOn(element, '2030-03-05')).to.include(title);
		// Read back from the API (not the widget's own copy): a fresh widget shows it too.
		const fresh = await mount({ zone: 'Europe/Berlin', date: '2030-03-05', view: 'week' });
		expect(titlesOn(fresh, '2030-03-05')).to.include(title);
		expect(titlesOn(fresh, '2030-03-06')).to.include(title);
		// Its attendees, as the provider stored them, in the detail dialog.
		root(fresh).querySelector<HTMLButtonElement>(`[data-event-id="${detail.event.id}"]`)!.click();
		const detailDialog = root(fresh).querySelector<HTMLDialogElement>('dialog.detail')!;
		await waitUntil(() => detailDialog.open);
		await waitUntil(
			() => detailDialog.querySelectorAll('[part="attendee"]').length >= 2,
			'created attendees shown',
			{ timeout: 5000 },
		);
		const attendees = [...detailDialog.querySelectorAll<HTMLElement>('[part="attendee"]')];
		expect(attendees.map((item) => item.dataset.email)).to.include.members([
			'guest@example.com',
			'other@example.com',
		]);
		const guest = attendees.find((item) => item.dataset.email === 'guest@example.com')!;
		expect(guest.querySelector('[part="response"]')!.textContent!.trim()).to.be.oneOf([
			'No response',
			'Accepted',
			'Maybe',
			'Declined',
		]);
		detailDialog.close();
	});

	it('creates an all-day event over two days that stays on those dates in any zone', async () => {
		const element = await mount({ zone: 'Pacific/Kiritimati', date: '2030-04-01' });
		const title = `All-day in test ${Date.now()}`;
		button(element, 'create-button').click();
		const dialog = root(element).querySelector<HTMLDialogElement>('dialog.create')!;
		await waitUntil(() => dialog.open, 'create dialog opens');
		const allDay = dialog.querySelector<HTMLInputElement>('[name="allDay"]')!;
		allDay.click();
		await element.updateComplete;
		await waitUntil(
			() => dialog.querySelector<HTMLInputElement>('[name="start"]')!.type === 'date',
		);
		const field = (name: string) => dialog.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
		field('title').value = title;
		field('start').value = '2030-04-10';
		// The form's end is the last day (inclusive); the API's is the day after.
		field('end').value = '2030-04-11';
		const got: { detail?: CrmEventCreateDetail } = {};
		element.addEventListener('crm-event-create', (event) => (got.detail = event.detail), {
			once: true,
		});
		dialog.querySelector<HTMLButtonElement>('[part~="submit-button"]')!.click();
		const formError = () => dialog.querySelector('[part="form-error"]')?.textContent?.trim();
		await waitUntil(() => got.detail || formError(), 'created or refused', { timeout: 10_000 });
		expect(formError(), 'the API refused the event').to.equal(undefined);
		expect(got.detail!.event).to.include({
			isAllDay: true,
			startDate: '2030-04-10',
			endDate: '2030-04-12',
		});
		for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles']) {
			const fresh = await mount({ zone, date: '2030-04-10' });
			expect(titlesOn(fresh, '2030-04-09'), zone).not.to.include(title);
			expect(titlesOn(fresh, '2030-04-10'), zone).to.include(title);
			expect(titlesOn(fresh, '2030-04-11'), zone).to.include(title);
			expect(titlesOn(fresh, '2030-04-12'), zone).not.to.include(title);
		}
	});

	it('keeps Tab inside the open create dialog and returns focus to its button', async () => {
		const element = await mount();
		const opener = button(element, 'create-button');
		opener.focus();
		opener.click();
		const dialog = root(element).querySelector<HTMLDialogElement>('dialog.create')!;
		await waitUntil(() => dialog.open);
		const title = dialog.querySelector<HTMLInputElement>('[name="title"]')!;
		const create = dialog.querySelector<HTMLButtonElement>('[part~="submit-button"]')!;
		expect(root(element).activeElement === title, 'focus on the title').to.equal(true);
		// Shift+Tab on the first field goes round to the last button, Tab there back to the first.
		await sendKeys({ down: 'Shift' });
		await sendKeys({ press: 'Tab' });
		await sendKeys({ up: 'Shift' });
		expect(root(element).activeElement === create, 'focus on the create button').to.equal(true);
		await sendKeys({ press: 'Tab' });
		expect(root(element).activeElement === title, 'focus on the title').to.equal(true);
		for (let press = 0; press < 12; press++) {
			await sendKeys({ press: 'Tab' });
			const active = root(element).activeElement;
			expect(active && dialog.contains(active), `Tab ${press + 1} stays in the dialog`).to.equal(
				true,
			);
		}
		await sendKeys({ press: 'Escape' });
		await waitUntil(() => !dialog.open, 'Escape closes');
		expect(root(element).activeElement === opener, 'focus back on the opener').to.equal(true);
	});

	it('folds a busy day into "+n more", which opens the day', async () => {
		const client = new CrmApiClient({ apiBase: API_BASE, workspaceId: WORKSPACE_A, token: tokenA });
		const titles = ['Busy 1', 'Busy 2', 'Busy 3', 'Busy 4', 'Busy 5', 'Busy 6'];
		for (const [index, title] of titles.entries()) {
			await client.call('events.create', {
				body: {
					title,
					start: `2030-05-20T${String(8 + index).padStart(2, '0')}:00:00Z`,
					end: `2030-05-20T${String(8 + index).padStart(2, '0')}:30:00Z`,
				},
			});
		}
		const element = await mount({ date: '2030-05-20' });
		expect(titlesOn(element, '2030-05-20')).to.deep.equal(titles.slice(0, 3));
		const more = root(element).querySelector<HTMLButtonElement>(
			'[data-date="2030-05-20"] [part~="more"]',
		)!;
		expect(more.textContent!.trim()).to.equal('+3 more');
		more.click();
		await settle(element);
		expect(element.view).to.equal('day');
		expect(element.date).to.equal('2030-05-20');
		expect(titlesOn(element, '2030-05-20')).to.deep.equal(titles);
	});

	it('refuses an end before the start in the create form', async () => {
		const element = await mount();
		button(element, 'create-button').click();
		const dialog = root(element).querySelector<HTMLDialogElement>('dialog.create')!;
		await waitUntil(() => dialog.open);
		const field = (name: string) => dialog.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
		field('title').value = 'Backwards';
		field('start').value = '2030-03-05T10:00';
		field('end').value = '2030-03-05T09:00';
		dialog.querySelector<HTMLButtonElement>('[part~="submit-button"]')!.click();
		await element.updateComplete;
		expect(dialog.querySelector('[part="form-error"]')!.textContent).to.include(
			'The end must be after the start.',
		);
		expect(dialog.open).to.equal(true);
	});

	it('links a person to an event through the search, and unlinks it', async () => {
		const element = await mount();
		const chip = root(element).querySelector<HTMLButtonElement>(
			`[data-date="${day(10)}"] [part~="event"]`,
		)!;
		chip.click();
		const dialog = root(element).querySelector<HTMLDialogElement>('dialog.detail')!;
		await waitUntil(() => dialog.open);
		const person = seed.people[0];
		const search = dialog.querySelector<HTMLInputElement>('[part~="search"]')!;
		search.focus();
		await sendKeys({ type: person.fullName });
		const result = await waitUntil(
			() =>
				dialog.querySelector<HTMLButtonElement>(
					`[part~="search-result"][data-record-id="${person.id}"]`,
				),
			'search result',
			{ timeout: 5000 },
		).then(() =>
			dialog.querySelector<HTMLButtonElement>(
				`[part~="search-result"][data-record-id="${person.id}"]`,
			),
		);
		const linked = oneEvent(element, 'crm-record-link');
		result!.click();
		const { detail } = (await linked) as CustomEvent<CrmCalendarRecordLinkDetail>;
		expect(detail).to.include({ action: 'link', recordType: 'person', recordId: person.id });
		expect(detail.links.map((link) => link.recordId)).to.include(person.id);
		await waitUntil(() =>
			dialog.querySelector(`[part="linked-record"][data-record-id="${person.id}"]`),
		);
		expect(
			dialog.querySelector(`[part="linked-record"][data-record-id="${person.id}"]`)!.textContent,
		).to.include(person.fullName);

		const unlinked = oneEvent(element, 'crm-record-link');
		dialog
			.querySelector<HTMLButtonElement>(
				`[part="linked-record"][data-record-id="${person.id}"] button`,
			)!
			.click();
		const unlink = (await unlinked) as CustomEvent<CrmCalendarRecordLinkDetail>;
		expect(unlink.detail.action).to.equal('unlink');
		expect(unlink.detail.links.map((link) => link.recordId)).not.to.include(person.id);
		await waitUntil(
			() => !dialog.querySelector(`[part="linked-record"][data-record-id="${person.id}"]`),
		);
		dialog.close();
	});

	it('shows the API’s message when a token of workspace B is used on workspace A', async () => {
		const element = await mount({ token: await tokenFor(WORKSPACE_B) });
		const alert = root(element).querySelector('[part="error"][role="alert"]');
		expect(alert !== null, 'error shown').to.equal(true);
		const direct = await fetch(
			`${API_BASE}/workspaces/${WORKSPACE_A}/integrations/google/calendar/events`,
			{ headers: { authorization: `Bearer ${await tokenFor(WORKSPACE_B)}` } },
		);
		expect(direct.status).to.equal(403);
		const { error } = (await direct.json()) as { error: { code: string; message: string } };
		expect(error.code).to.equal('forbidden');
		expect(alert!.textContent!.trim()).to.equal(error.message);
		expect(titlesOn(element, day(10))).to.deep.equal([]);
	});

	it('says it is loading, then filters by calendar', async () => {
		const element = await fixture<CrmCalendar>(
			html`<crm-calendar
				api-base=${API_BASE}
				workspace-id=${WORKSPACE_A}
				token=${tokenA}
				date=${day(1)}
				time-zone="UTC"
			></crm-calendar>`,
		);
		expect(statusText(element)).to.equal('Loading events…');
		expect(root(element).querySelector('[role="grid"]')!.getAttribute('aria-busy')).to.equal(
			'true',
		);
		await element.loadComplete;
		expect(root(element).querySelector('[role="grid"]')!.getAttribute('aria-busy')).to.equal(
			'false',
		);
		expect(titlesOn(element, day(10))).to.include('Company holiday');
		// The calendars come from the provider (the emulator's account); the seed's events are all
		// on `primary`, so any other calendar shows none of them.
		const select = await waitUntil(() =>
			root(element).querySelector<HTMLSelectElement>('[part="calendar-select"]'),
		).then(() => root(element).querySelector<HTMLSelectElement>('[part="calendar-select"]')!);
		const other = [...select.options].find((option) => option.value && option.value !== 'primary');
		expect(other, 'a second calendar').not.to.equal(undefined);
		select.value = other!.value;
		select.dispatchEvent(new Event('change'));
		await settle(element);
		expect(titlesOn(element, day(10))).not.to.include('Company holiday');
		select.value = '';
		select.dispatchEvent(new Event('change'));
		await settle(element);
		expect(titlesOn(element, day(10))).to.include('Company holiday');
	});

	it('asks the tokenProvider for a token before each request', async () => {
		let calls = 0;
		const element = await fixture<CrmCalendar>(
			html`<crm-calendar
				.tokenProvider=${async () => {
					calls++;
					return tokenA;
				}}
				api-base=${API_BASE}
				workspace-id=${WORKSPACE_A}
				date=${day(1)}
				time-zone="UTC"
			></crm-calendar>`,
		);
		await element.loadComplete;
		expect(calls).to.be.greaterThan(0);
		expect(titlesOn(element, day(10))).to.include('Company holiday');

		// Given after the element is on the page (no token attribute): it loads then.
		const late = await fixture<CrmCalendar>(
			html`<crm-calendar
				api-base=${API_BASE}
				workspace-id=${WORKSPACE_A}
				date=${day(1)}
				time-zone="UTC"
			></crm-calendar>`,
		);
		await late.loadComplete;
		expect(titlesOn(late, day(10))).to.deep.equal([]);
		late.tokenProvider = () => tokenA;
		await late.updateComplete;
		await late.loadComplete;
		expect(titlesOn(late, day(10))).to.include('Company holiday');
	});

	it('starts a manual sync and says so', async () => {
		const element = await mount();
		button(element, 'sync-button').click();
		await waitUntil(() => statusText(element) === 'Sync started', 'sync notice', { timeout: 5000 });
		expect(root(element).querySelector('[part="error"]')?.outerHTML ?? null).to.equal(null);
	});

	it('uses overridden strings and their locale', async () => {
		const element = await mount({ date: day(15) });
		element.strings = { locale: 'de-DE', today: 'Heute', newEvent: 'Neuer Termin', month: 'Monat' };
		await settle(element);
		expect(button(element, 'today-button').textContent!.trim()).to.equal('Heute');
		expect(button(element, 'create-button').textContent!.trim()).to.equal('Neuer Termin');
		expect(root(element).querySelector('[data-view="month"]')!.textContent!.trim()).to.equal(
			'Monat',
		);
		expect(root(element).querySelector('[part="title"]')!.textContent!.trim()).to.equal(
			new Intl.DateTimeFormat('de-DE', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
				Date.UTC(year, month, 1),
			),
		);
		expect(button(element, 'prev-button').getAttribute('aria-label')).to.equal('Previous month');
	});

	it('exposes every control, cell and dialog as a part', async () => {
		for (const view of ['month', 'week']) {
			const element = await mount({ view, date: day(15) });
			const { dialog } = view === 'month' ? await openCall(element) : { dialog: null };
			if (dialog) await waitUntil(() => dialog.open);
			const pieces = root(element).querySelectorAll(
				'button, input, select, a, dialog, form, label, ul, [role], h2, h3, h4',
			);
			expect(pieces.length).to.be.greaterThan(20);
			const bare = [...pieces].filter((piece) => !piece.getAttribute('part'));
			expect(
				bare.map((piece) => piece.outerHTML.slice(0, 80)),
				`${view}: pieces without a part`,
			).to.deep.equal([]);
			dialog?.close();
		}
	});

	it('passes axe in every view, light and dark', async () => {
		for (const theme of ['light', 'dark']) {
			for (const view of ['month', 'week', 'day']) {
				const element = await mount({ view, date: day(15), theme });
				await expect(element, `${view} ${theme}`).to.be.accessible();
			}
		}
		const element = await mount();
		button(element, 'create-button').click();
		await waitUntil(() => root(element).querySelector<HTMLDialogElement>('dialog.create')!.open);
		await expect(element).to.be.accessible();
	});
});
