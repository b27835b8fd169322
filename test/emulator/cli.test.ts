/**
 * The standalone emulator as `npm run emulator` runs it (test/emulator/launch.cjs: esbuild
 * bundle, then the CLI): first stdout line is JSON, the token works, SIGTERM stops it with exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from './cli';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const LAUNCHER = path.join(__dirname, 'launch.cjs');

function launch(args: string[]): {
	child: ChildProcess;
	firstLine: Promise<string>;
	stderr: () => string;
} {
	const child = spawn(process.execPath, [LAUNCHER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	let stderr = '';
	child.stderr!.on('data', (chunk) => (stderr += chunk));
	const lines = createInterface({ input: child.stdout! });
	const firstLine = new Promise<string>((resolve, reject) => {
		lines.once('line', resolve);
		child.once('exit', (code) => reject(new Error(`exited ${code} before printing: ${stderr}`)));
	});
	return { child, firstLine, stderr: () => stderr };
}

test('parses its options', () => {
	expect(parseArgs(['--port', '0', '--messages', '500', '--seed', 'abc', '--no-quota'])).toEqual({
		port: 0,
		messages: 500,
		seed: 'abc',
		quota: { enabled: false },
	});
	expect(parseArgs(['--port=9000']).port).toBe(9000);
	expect(parseArgs([]).port).toBe(8025);
	expect(() => parseArgs(['--messages', '-1'])).toThrow();
	expect(() => parseArgs(['--bogus'])).toThrow('unknown option');
});

test('first line is JSON; the sandbox token works; SIGTERM → exit 0', async () => {
	const started = performance.now();
	const { child, firstLine, stderr } = launch([
		'--port',
		'0',
		'--messages',
		'50',
		'--seed',
		'cli-test',
	]);
	const ready = JSON.parse(await firstLine) as Loose;
	console.log(
		`emulator CLI printed its first line after ${(performance.now() - started).toFixed(0)} ms`,
	);
	expect(ready.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	expect(ready.accessToken).toBeTruthy();
	expect(ready.googleEmail).toBe('sandbox@crm-connect.test');
	expect(ready.microsoftEmail).toBe('sandbox@crm-connect.onmicrosoft.test');
	expect(ready.urls.graph).toBe(`${ready.baseUrl}/v1.0`);

	const profile = await fetch(`${ready.baseUrl}/gmail/v1/users/me/profile`, {
		headers: { authorization: `Bearer ${ready.accessToken}` },
	});
	expect(profile.status).toBe(200);
	expect(await profile.json()).toMatchObject({
		emailAddress: 'sandbox@crm-connect.test',
		messagesTotal: 50,
	});
	const me = await fetch(`${ready.urls.graph}/me`, {
		headers: { authorization: `Bearer ${ready.microsoftAccessToken}` },
	});
	expect(me.status).toBe(200);
	const calls = (await (await fetch(`${ready.urls.control}/calls`)).json()) as Loose;
	expect(calls.byOperation['gmail.users.getProfile']).toBe(1);

	const exited = once(child, 'exit');
	child.kill('SIGTERM');
	const [code, signal] = await exited;
	expect({ code, signal }).toEqual({ code: 0, signal: null });
	expect(stderr()).toContain('emulator stopped (SIGTERM)');
});

test('SIGINT stops it too; a taken port fails with a message', async () => {
	const first = launch(['--port', '0', '--messages', '10']);
	const ready = JSON.parse(await first.firstLine) as Loose;
	const port = new URL(ready.baseUrl).port;
	const second = launch(['--port', port, '--messages', '10']);
	second.firstLine.catch(() => undefined);
	const [code] = await once(second.child, 'exit');
	expect(code).toBe(1);
	expect(second.stderr()).toContain('EADDRINUSE');
	const exited = once(first.child, 'exit');
	first.child.kill('SIGINT');
	expect((await exited)[0]).toBe(0);
});
