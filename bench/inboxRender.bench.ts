// <crm-inbox>'s first render of 10,000 emails in headless Chromium (Debian's /usr/bin/chromium
// through playwright-core). The inbox module is bundled with esbuild (minified, as shipped) and
// served by a local stub of the widget API whose emails.list answers with 10,000 emails in one
// page. Measured in the page, from appending the element to the first frame painted with its rows:
//   - render: from the moment the 10,000-email page is parsed (JSON.parse timed by a wrapper) to
//     the first animation frame after the rows are in the DOM: the widget's own work. Goal: <= 100 ms.
//   - element appended to painted rows, all 10,000 in one answer: with fetch answering from a
//     string already in the page (the API client still reads and parses the JSON), and over HTTP;
//   - element appended to painted rows as shipped: the stub pages like the API (limit/cursor), so
//     the inbox shows its first page of 200 and fetches the rest as the user scrolls.
// Medians of INBOX_BENCH_RUNS runs in one page (the first run, in a fresh page, is noted).
import http from 'node:http';

import type { Bench, BenchContext } from './run';
import { bundleWidget, launchChromium, median } from './support/widgetRender';

const EMAILS = Number(process.env.INBOX_BENCH_EMAILS ?? 10_000);
const RUNS = Number(process.env.INBOX_BENCH_RUNS ?? 7);
const WORKSPACE = '00000000-0000-4000-8000-000000000001';

function emails(count: number): unknown[] {
	const now = Date.now();
	const items = [];
	for (let index = 0; index < count; index++) {
		items.push({
			id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
			internetMessageId: `<bench-${index}@crm-connect.test>`,
			subject: `Contract renewal #${index}`,
			snippet: `Message ${index} about the contract renewal and the next steps for the team`,
			from: { name: `Person ${index % 97}`, email: `person${index % 97}@acme.example` },
			to: [{ name: 'Sandbox User', email: 'sandbox@crm-connect.test' }],
			cc: [],
			sentAt: new Date(now - index * 37 * 60_000).toISOString(),
			hasAttachments: index % 11 === 0,
			isBulk: false,
			visibility: 'everything',
			labels: ['INBOX'],
			direction: index % 3 === 0 ? 'outgoing' : 'incoming',
			isRead: index % 4 !== 0,
			mailboxes: [{ providerThreadId: `thread-${Math.floor(index / 3)}` }],
			links: [],
			createdAt: new Date(now).toISOString(),
			updatedAt: new Date(now).toISOString(),
		});
	}
	return items;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>inbox bench</title></head>
<body style="margin:0"><script type="module" src="/inbox.js"></script></body></html>`;

/**
 * Runs in the page: appends one <crm-inbox> and resolves with the ms from appending it, and from
 * the moment its 10,000-email page was parsed (JSON.parse of more than 1 MB, timed by a wrapper),
 * to the first animation frame after its rows are in the DOM.
 */
const MEASURE = `async ({ workspace, inMemory, paged }) => {
	await customElements.whenDefined('crm-inbox');
	const body = window.__benchBody;
	const realFetch = (window.__realFetch ??= window.fetch.bind(window));
	if (!window.__realParse) {
		window.__realParse = JSON.parse;
		JSON.parse = (text, reviver) => {
			const value = window.__realParse(text, reviver);
			if (text.length > 1e6) window.__parsedAt = performance.now();
			return value;
		};
	}
	window.fetch = inMemory
		? async (input) => new Response(String(input).includes('/emails') ? body : '{"labels":[]}', {
				headers: { 'content-type': 'application/json' },
			})
		: realFetch;
	document.querySelector('crm-inbox')?.remove();
	await new Promise((resolve) => setTimeout(resolve, 50));
	const started = performance.now();
	const el = document.createElement('crm-inbox');
	el.setAttribute('api-base', location.origin + (paged ? '/paged/crm-api' : '/crm-api'));
	el.setAttribute('workspace-id', workspace);
	el.setAttribute('token', 'bench');
	el.style.cssText = '--crm-inbox-height: 800px; width: 1200px';
	document.body.append(el);
	const count = () => (el.shadowRoot ? el.shadowRoot.querySelectorAll('[role=option]').length : 0);
	while (!count()) await new Promise((resolve) => requestAnimationFrame(resolve));
	// The frame holding the rows has been produced once the next animation frame starts.
	await new Promise((resolve) => requestAnimationFrame(resolve));
	const painted = performance.now();
	if (el.loadedEmails.length !== (paged ? 200 : ${EMAILS})) throw new Error('loaded ' + el.loadedEmails.length);
	return { total: painted - started, render: painted - window.__parsedAt, rows: count() };
}`;

/**
 * Runs in the page after a measure with all emails loaded: scrolls the list 600 px a frame over 150
 * frames and returns each frame's interval and the most rows seen in the DOM.
 */
const SCROLL = `async () => {
	const el = document.querySelector('crm-inbox');
	const list = el.shadowRoot.querySelector('[role=listbox]');
	const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
	await frame();
	const intervals = [];
	let maxRows = 0;
	let last = performance.now();
	for (let index = 0; index < 150; index++) {
		list.scrollTop += 600;
		await frame();
		const now = performance.now();
		intervals.push(now - last);
		last = now;
		maxRows = Math.max(maxRows, el.shadowRoot.querySelectorAll('[role=option]').length);
	}
	return { intervals, maxRows, scrolled: list.scrollTop };
}`;

const bench: Bench = {
	name: `<crm-inbox> first render of ${EMAILS.toLocaleString('en')} emails (headless Chromium)`,
	async run(context: BenchContext) {
		const script = await bundleWidget('inbox/inbox.ts');
		const items = emails(EMAILS);
		const body = JSON.stringify({ items, nextCursor: null });
		const server = http.createServer((request, response) => {
			const url = request.url ?? '/';
			if (url === '/') {
				response.writeHead(200, { 'content-type': 'text/html' });
				return response.end(PAGE);
			}
			if (url === '/inbox.js') {
				response.writeHead(200, { 'content-type': 'text/javascript' });
				return response.end(script);
			}
			response.writeHead(200, { 'content-type': 'application/json' });
			if (url.startsWith('/paged/') && url.includes('/emails')) {
				// As the API pages: `limit` emails after the cursor (an offset here).
				const query = new URL(url, 'http://stub').searchParams;
				const offset = Number(query.get('cursor') ?? 0);
				const limit = Number(query.get('limit') ?? 50);
				const next = offset + limit < items.length ? String(offset + limit) : null;
				return response.end(
					JSON.stringify({ items: items.slice(offset, offset + limit), nextCursor: next }),
				);
			}
			return response.end(url.includes('/emails') ? body : '{"labels":[]}');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as { port: number };
		const browser = await launchChromium();
		try {
			for (const mode of ['memory', 'http', 'paged'] as const) {
				const inMemory = mode === 'memory';
				const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
				await page.goto(`http://127.0.0.1:${port}/`);
				if (inMemory)
					await page.evaluate(
						(text) => ((globalThis as unknown as { __benchBody: string }).__benchBody = text),
						body,
					);
				const figures: Array<{ total: number; render: number; rows: number }> = [];
				for (let run = 0; run < RUNS; run++) {
					figures.push(
						await page.evaluate(
							`(${MEASURE})(${JSON.stringify({ workspace: WORKSPACE, inMemory, paged: mode === 'paged' })})`,
						),
					);
				}
				const later = figures.slice(1);
				if (inMemory) {
					const scroll = (await page.evaluate(`(${SCROLL})()`)) as {
						intervals: number[];
						maxRows: number;
						scrolled: number;
					};
					const sorted = [...scroll.intervals].sort((a, b) => a - b);
					context.report(
						'scrolling 10,000 loaded rows 600 px a frame, frame interval p95',
						sorted[Math.floor(sorted.length * 0.95)]!,
						'ms',
						`median ${median(scroll.intervals).toFixed(1)} ms, ${scroll.intervals.filter((ms) => ms > 50).length} of ${sorted.length} frames over 50 ms, at most ${scroll.maxRows} rows in the DOM, ${Math.round(scroll.scrolled)} px scrolled`,
					);
					context.report(
						'render (parsed page to painted rows), median',
						median(figures.map((figure) => figure.render)),
						'ms',
						`goal <= 100 ms; first run ${figures[0]!.render.toFixed(1)} ms; ${figures[0]!.rows} rows in the DOM`,
					);
				}
				const label =
					mode === 'paged'
						? 'as shipped (first page of 200 of the 10,000, over HTTP)'
						: `all ${EMAILS} in one answer, ${inMemory ? 'JSON in memory' : 'over HTTP'}`;
				context.report(
					`element appended to painted rows, ${label}, median`,
					median(later.map((figure) => figure.total)),
					'ms',
					`first run ${figures[0]!.total.toFixed(1)} ms${mode === 'paged' ? '' : `; includes reading and parsing ${(body.length / 1e6).toFixed(1)} MB of JSON`}`,
				);
				await page.close();
			}
		} finally {
			await browser.close();
			server.close();
		}
	},
};

export default bench;
