// @web/test-runner for the widgets: headless Debian Chromium (no browser download), TypeScript
// through esbuild with Lit's decorator settings, and `/crm-api/*` proxied to a real API server
// (test/widgets/support/apiServer.ts: PostgreSQL, migrations, seed, core/api's widget handler)
// that this config starts as a child process and stops when the run ends.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

const root = path.dirname(fileURLToPath(import.meta.url));

/** The API server child: its port once it printed its ready line. */
function apiServerPlugin() {
	let child;
	let apiPort;
	const ready = { promise: null };
	return {
		name: 'crm-api-server',
		async serverStart({ config }) {
			const port = config.port ?? 8000;
			const origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
			child = spawn(
				process.execPath,
				['-r', 'ts-node/register/transpile-only', 'test/widgets/support/apiServer.ts'],
				{
					cwd: root,
					env: { ...process.env, CRM_WIDGET_TEST_ORIGINS: origins.join(',') },
					stdio: ['pipe', 'pipe', 'inherit'],
				},
			);
			ready.promise = new Promise((resolve, reject) => {
				let buffered = '';
				child.stdout.on('data', (chunk) => {
					buffered += chunk.toString('utf8');
					const line = buffered.split('\n').find((candidate) => candidate.startsWith('{"ready"'));
					if (line && apiPort === undefined) {
						const info = JSON.parse(line);
						apiPort = info.port;
						process.stderr.write(
							`widget API server on port ${info.port} (schema ${info.schema}, ${info.emails} emails, ${info.handler}, ready in ${info.ms} ms)\n`,
						);
						resolve(info);
					}
				});
				child.on('exit', (code) => {
					if (apiPort === undefined)
						reject(new Error(`the widget API server exited (${code}) before it was ready`));
				});
			});
			await ready.promise;
		},
		async serverStop() {
			if (!child || child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
		},
		/** Koa middleware: `/crm-api/*` and `/crm-api-unconfigured/*` go to the API server. */
		middleware() {
			return async (context, next) => {
				if (!/^\/crm-api(-unconfigured)?\//.test(context.path)) return next();
				await ready.promise;
				await new Promise((resolve, reject) => {
					const headers = { ...context.req.headers, host: `127.0.0.1:${apiPort}` };
					const upstream = http.request(
						{
							host: '127.0.0.1',
							port: apiPort,
							method: context.method,
							path: context.url,
							headers,
						},
						(response) => {
							context.status = response.statusCode ?? 502;
							for (const [name, value] of Object.entries(response.headers)) {
								if (value !== undefined && name !== 'transfer-encoding' && name !== 'connection') {
									context.set(name, value);
								}
							}
							context.body = response;
							resolve();
						},
					);
					upstream.on('error', reject);
					context.req.pipe(upstream);
				});
			};
		},
	};
}

const api = apiServerPlugin();

export default {
	rootDir: root,
	files: ['widgets/**/*.test.ts'],
	// Lit's production build: no dev-mode warning in every test's log.
	nodeResolve: { exportConditions: ['production'] },
	concurrency: 1,
	concurrentBrowsers: 1,
	testsFinishTimeout: 300_000,
	testFramework: { config: { timeout: 20_000 } },
	// Chromium reports "ResizeObserver loop completed with undelivered notifications" as a window
	// error when observed layouts settle over more than one frame (the virtual list, container
	// queries); it is benign and not an error of the code under test, so mocha does not see it.
	testRunnerHtml: (testFramework) => `<!doctype html>
		<html>
			<body>
				<script>
					window.addEventListener(
						'error',
						(event) => {
							if (/^ResizeObserver loop/.test(event.message)) event.stopImmediatePropagation();
						},
						true,
					);
				</script>
				<script type="module" src="${testFramework}"></script>
			</body>
		</html>`,
	browsers: [
		chromeLauncher({
			launchOptions: {
				executablePath: '/usr/bin/chromium',
				headless: true,
				args: [
					'--no-sandbox',
					'--disable-gpu',
					'--disable-dev-shm-usage',
					'--disable-background-networking',
					'--disable-component-update',
					'--disable-sync',
					'--no-first-run',
				],
			},
		}),
	],
	plugins: [
		api,
		esbuildPlugin({
			ts: true,
			target: 'es2022',
			tsconfig: path.join(root, 'widgets/tsconfig.json'),
		}),
	],
	middleware: [api.middleware()],
};
