// Screenshots of the three widgets as headless Chromium renders them against the widget tests'
// API server (real PostgreSQL, the seeded workspace): docs/screenshots/{connect-status,inbox,
// calendar}.png. Run: node -r ts-node/register/transpile-only scripts/widgetScreenshots.ts
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { build } from 'esbuild';
import { chromium } from 'playwright-core';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const gulpfile = require('../gulpfile.js') as { widgetBuildOptions(): Record<string, unknown> };

// Page-side functions run in Chromium; the scripts' tsconfig has no DOM types.
interface PageElement {
	shadowRoot: { querySelector(selector: string): unknown; textContent: string | null } | null;
}
declare const document: { querySelector(selector: string): PageElement | null };

const root = path.join(__dirname, '..');
const outDir = path.join(root, 'docs/screenshots');
const WORKSPACE_A = '00000000-0000-4000-8000-000000000001';

interface Shot {
	name: string;
	tag: string;
	width: number;
	attributes?: Record<string, string>;
	style?: string;
	/** After the first render: clicks etc. in the page. */
	prepare?: string;
	/** A selector inside the shadow root that must be there before the shot. */
	ready: string;
}

const ONLY = process.argv.slice(2);
const ALL_SHOTS: Shot[] = [
	{
		name: 'connect-status',
		tag: 'crm-connect-status',
		width: 560,
		ready: '[part=calendars] input',
	},
	{
		name: 'inbox',
		tag: 'crm-inbox',
		width: 1100,
		style: 'height: 640px',
		ready: '[role=option]',
		prepare: `el.shadowRoot.querySelectorAll('[role=option]')[1]?.click()`,
	},
	{
		name: 'calendar',
		tag: 'crm-calendar',
		width: 1100,
		style: 'height: 580px',
		attributes: { 'time-zone': 'UTC' },
		ready: '[part~=event], [part~=event-chip], [part~=all-day]',
	},
];

const SHOTS = ALL_SHOTS.filter((shot) => ONLY.length === 0 || ONLY.includes(shot.name));

/** Starts the widget tests' API server; resolves with its port. */
function startApiServer(): Promise<{ port: number; stop(): Promise<void> }> {
	const child = spawn(
		process.execPath,
		['-r', 'ts-node/register/transpile-only', 'test/widgets/support/apiServer.ts'],
		{ cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
	);
	return new Promise((resolve, reject) => {
		let buffered = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			buffered += chunk.toString('utf8');
			const line = buffered.split('\n').find((candidate) => candidate.startsWith('{"ready"'));
			if (!line) return;
			buffered = '';
			const { port } = JSON.parse(line) as { port: number };
			resolve({
				port,
				stop: () =>
					new Promise<void>((done) => {
						if (child.exitCode !== null) return done();
						child.once('exit', () => done());
						child.kill('SIGTERM');
					}),
			});
		});
		child.once('exit', (code) => reject(new Error(`the API server exited (${code})`)));
	});
}

async function main(): Promise<void> {
	const bundle = await build({
		...gulpfile.widgetBuildOptions(),
		entryPoints: [path.join(root, 'widgets/index.ts')],
		outfile: '/screenshots/bundle.js',
		write: false,
		metafile: false,
	} as Parameters<typeof build>[0] & { write: false });
	const script = bundle.outputFiles[0]!.contents;
	const api = await startApiServer();
	let token = '';

	// One origin for the page, the bundle and the API (proxied), as the demo page would have.
	const page = (shot: Shot) => {
		const attributes = Object.entries({
			'api-base': '/crm-api',
			'workspace-id': WORKSPACE_A,
			token,
			theme: 'light',
			locale: 'en',
			...shot.attributes,
		})
			.map(([name, value]) => `${name}="${value}"`)
			.join(' ');
		return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${shot.name}</title>
			<script type="module" src="/bundle.js"></script></head>
			<body style="margin:0;padding:16px;background:#ffffff;width:${shot.width}px">
			<${shot.tag} ${attributes} style="${shot.style ?? ''}"></${shot.tag}></body></html>`;
	};
	const server = http.createServer((request, response) => {
		const url = request.url ?? '/';
		if (url === '/bundle.js') {
			response.writeHead(200, { 'content-type': 'text/javascript' });
			response.end(script);
			return;
		}
		if (url.startsWith('/crm-api/')) {
			const upstream = http.request(
				{
					host: '127.0.0.1',
					port: api.port,
					method: request.method,
					path: url,
					headers: request.headers,
				},
				(answer) => {
					response.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(response);
				},
			);
			request.pipe(upstream);
			return;
		}
		const shot = SHOTS.find((candidate) => url === `/${candidate.name}`);
		if (!shot) {
			response.writeHead(404);
			response.end();
			return;
		}
		response.writeHead(200, { 'content-type': 'text/html' });
		response.end(page(shot));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
	token = (
		(await (await fetch(`${origin}/crm-api/test-token?workspace=${WORKSPACE_A}`)).json()) as {
			token: string;
		}
	).token;

	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
	});
	try {
		mkdirSync(outDir, { recursive: true });
		for (const shot of SHOTS) {
			const context = await browser.newContext({
				viewport: { width: shot.width + 32, height: 900 },
				deviceScaleFactor: 1,
				colorScheme: 'light',
				locale: 'en-US',
				timezoneId: 'UTC',
			});
			const tab = await context.newPage();
			tab.on('pageerror', (error) => console.error(`[${shot.name}] ${error.message}`));
			await tab.goto(`${origin}/${shot.name}`);
			const waitFor = (selector: string) =>
				tab.waitForFunction(
					({ tag, selector }) =>
						document.querySelector(tag)?.shadowRoot?.querySelector(selector) !== null &&
						document.querySelector(tag)?.shadowRoot?.querySelector(selector) !== undefined,
					{ tag: shot.tag, selector },
					{ timeout: 20_000 },
				);
			try {
				await waitFor(shot.ready);
			} catch (error) {
				const shown = await tab.evaluate(
					(tag) => document.querySelector(tag)?.shadowRoot?.textContent?.slice(0, 500),
					shot.tag,
				);
				throw new Error(`${shot.name} did not render ${shot.ready}: it shows "${shown}"`, {
					cause: error,
				});
			}
			if (shot.prepare) {
				await tab.evaluate(
					({ tag, code }) => {
						const el = document.querySelector(tag)!;
						new Function('el', code)(el);
					},
					{ tag: shot.tag, code: shot.prepare },
				);
			}
			// Let data, frames and fonts settle.
			await tab.waitForTimeout(1500);
			const file = path.join(outDir, `${shot.name}.png`);
			await tab.locator(shot.tag).screenshot({ path: file, animations: 'disabled' });
			console.log(`wrote ${path.relative(root, file)}`);
			await context.close();
		}
	} finally {
		await browser.close();
		server.close();
		await api.stop();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
