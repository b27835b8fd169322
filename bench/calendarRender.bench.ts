// <crm-calendar>'s render of a busy month in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core). The calendar module is bundled with esbuild (minified, as shipped) and served
// with a local stub of the widget API whose events.list pages through CALENDAR_BENCH_EVENTS events
// of this month (timed ones of 30–90 minutes, some overlapping, plus all-day and multi-day ones).
// Measured in the page, to the first animation frame after the events are in the DOM:
//   - month view: element appended → painted (fetching every page, placing, rendering);
//   - week view, the same;
//   - changing time-zone on the month view (a new range asked, every event placed again).
// Medians of CALENDAR_BENCH_RUNS runs in one page (the first run is noted).
import http from 'node:http';

import type { Bench, BenchContext } from './run';
import { bundleWidget, launchChromium, median } from './support/widgetRender';

const EVENTS = Number(process.env.CALENDAR_BENCH_EVENTS ?? 1_500);
const RUNS = Number(process.env.CALENDAR_BENCH_RUNS ?? 7);
const WORKSPACE = '00000000-0000-4000-8000-000000000001';

function events(count: number): object[] {
	const now = new Date();
	const year = now.getUTCFullYear();
	const month = now.getUTCMonth();
	const items = [];
	for (let index = 0; index < count; index++) {
		const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
		const date = 1 + (index % 28);
		const base = {
			id,
			calendarId: 'primary',
			title: `Meeting ${index}`,
			description: null,
			location: null,
			meetingLink: null,
			startTimeZone: 'UTC',
			organizer: null,
			status: 'confirmed',
			attendees: [],
			links: [],
		};
		if (index % 50 === 0) {
			const start = new Date(Date.UTC(year, month, date)).toISOString().slice(0, 10);
			const end = new Date(Date.UTC(year, month, date + 1 + (index % 3)))
				.toISOString()
				.slice(0, 10);
			items.push({
				...base,
				isAllDay: true,
				startsAt: null,
				endsAt: null,
				startDate: start,
				endDate: end,
			});
			continue;
		}
		const startMs = Date.UTC(year, month, date, 7 + (index % 11), (index % 4) * 15);
		items.push({
			...base,
			isAllDay: false,
			startsAt: new Date(startMs).toISOString(),
			endsAt: new Date(startMs + (30 + (index % 3) * 30) * 60_000).toISOString(),
			startDate: null,
			endDate: null,
		});
	}
	return items;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>calendar bench</title></head>
<body style="margin:0"><script type="module" src="/calendar.js"></script></body></html>`;

/** Runs in the page: one measurement of the given kind, in ms to the painted frame. */
const MEASURE = `async ({ workspace, view, zoneChange }) => {
	await customElements.whenDefined('crm-calendar');
	document.querySelector('crm-calendar')?.remove();
	await new Promise((resolve) => setTimeout(resolve, 50));
	const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
	const el = document.createElement('crm-calendar');
	el.setAttribute('api-base', location.origin + '/crm-api');
	el.setAttribute('workspace-id', workspace);
	el.setAttribute('token', 'bench');
	el.setAttribute('view', view);
	el.setAttribute('time-zone', 'UTC');
	el.style.cssText = 'width: 1200px';
	let started = performance.now();
	document.body.append(el);
	await el.loadComplete;
	if (zoneChange) {
		await frame();
		started = performance.now();
		el.timeZone = 'Pacific/Kiritimati';
		await el.loadComplete;
	}
	await frame();
	const painted = performance.now();
	const status = el.shadowRoot.querySelector('[part=status]').textContent.trim();
	return { ms: painted - started, chips: el.shadowRoot.querySelectorAll('[part~=event]').length, status };
}`;

const bench: Bench = {
	name: `<crm-calendar> render of a month of ${EVENTS.toLocaleString('en')} events (headless Chromium)`,
	async run(context: BenchContext) {
		const script = await bundleWidget('calendar/calendar.ts');
		const items = events(EVENTS);
		const server = http.createServer((request, response) => {
			const url = new URL(request.url ?? '/', 'http://bench.invalid');
			if (url.pathname === '/') {
				response.writeHead(200, { 'content-type': 'text/html' });
				return response.end(PAGE);
			}
			if (url.pathname === '/calendar.js') {
				response.writeHead(200, { 'content-type': 'text/javascript' });
				return response.end(script);
			}
			response.writeHead(200, { 'content-type': 'application/json' });
			if (url.pathname.endsWith('/calendar/events')) {
				// Keyset paging as the API does it: the cursor is the offset here.
				const offset = Number(url.searchParams.get('cursor') ?? 0);
				const limit = Number(url.searchParams.get('limit') ?? 100);
				const page = items.slice(offset, offset + limit);
				const next = offset + limit < items.length ? String(offset + limit) : null;
				return response.end(JSON.stringify({ items: page, nextCursor: next }));
			}
			return response.end('{"calendars":[]}');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as { port: number };
		const browser = await launchChromium();
		try {
			const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
			await page.goto(`http://127.0.0.1:${port}/`);
			const cases = [
				{ label: 'month view, appended to painted', view: 'month', zoneChange: false },
				{ label: 'week view, appended to painted', view: 'week', zoneChange: false },
				{ label: 'month view, time-zone change to painted', view: 'month', zoneChange: true },
			];
			for (const { label, view, zoneChange } of cases) {
				const figures: Array<{ ms: number; chips: number; status: string }> = [];
				for (let run = 0; run < RUNS; run++) {
					figures.push(
						await page.evaluate(
							`(${MEASURE})(${JSON.stringify({ workspace: WORKSPACE, view, zoneChange })})`,
						),
					);
				}
				context.report(
					`${label}, median`,
					median(figures.slice(1).map((figure) => figure.ms)),
					'ms',
					`first run ${figures[0]!.ms.toFixed(1)} ms; ${figures[0]!.chips} event chips in the DOM; over HTTP from a local stub${figures[0]!.status ? `; "${figures[0]!.status}"` : ''}`,
				);
			}
			await page.close();
		} finally {
			await browser.close();
			server.close();
		}
	},
};

export default bench;
