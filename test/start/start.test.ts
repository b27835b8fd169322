// `npm start` exactly as a user (or a process supervisor) runs it: through npm and the Node 24
// wrapper, with an embedded PostgreSQL, the emulator sandbox and n8n. It must reach its ready line
// with the editor answering and the printed logins working, refuse a second concurrent start before
// touching dist/, stop everything on SIGTERM or SIGINT within seconds with exit status 0, and start
// again from its data without rebuilding or importing anything twice.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { Client } from 'pg';

import { N8nRest } from '../../scripts/n8n/rest';

const root = path.join(__dirname, '../..');
jest.setTimeout(600_000);

function npmStart(dataDir: string): ChildProcessWithoutNullStreams {
	return spawn('npm', ['start'], {
		cwd: root,
		env: {
			...process.env,
			CRM_DATA_DIR: dataDir,
			// Ports of their own, so a developer's `npm start` on the defaults is not disturbed.
			CRM_DB_PORT: '0',
			CRM_N8N_PORT: '0',
			CRM_EMULATOR_PORT: '0',
			CRM_DATABASE_URL: '',
			CRM_SANDBOX_MESSAGES: '50',
		},
	});
}

function watch(child: ChildProcessWithoutNullStreams) {
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
		child.on('exit', (code) => resolve({ code, at: Date.now() })),
	);
	const waitFor = async (pattern: RegExp, timeoutMs = 300_000) => {
		const deadline = Date.now() + timeoutMs;
		while (!pattern.test(output)) {
			if (Date.now() > deadline)
				throw new Error(`timed out waiting for ${pattern}; output so far:\n${output}`);
			if (child.exitCode !== null)
				throw new Error(`exited with ${child.exitCode} before ${pattern}:\n${output}`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	};
	const ready = () =>
		JSON.parse(output.split('\n').find((line) => line.startsWith('{"status":"ready"')) ?? '{}');
	return { child, output: () => output, exited, waitFor, ready };
}

async function listening(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** Processes whose command line mentions the data folder (PostgreSQL, n8n, the start script). */
function processesUsing(dataDir: string): string[] {
	const found: string[] = [];
	for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
		try {
			const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
			const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
			if (command.includes(dataDir) || environ.includes(`CRM_DATA_DIR=${dataDir}`))
				found.push(`${pid} ${command.trim()}`);
		} catch {
			// gone meanwhile, or not ours to read
		}
	}
	return found;
}

const distStamp = () => statSync(path.join(root, 'dist', '.build-inputs')).mtimeMs;

describe('npm start', () => {
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'crm-start-'));
	afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

	it('runs PostgreSQL, the sandbox and n8n with the examples, refuses a second start, stops on SIGTERM, and restarts from its data', async () => {
		const first = watch(npmStart(dataDir));
		let ports: number[] = [];
		try {
			await first.waitFor(/Stop with Ctrl-C/);
			const ready = first.ready();
			expect(ready).toMatchObject({
				status: 'ready',
				database: { embedded: true, schema: 'crm', dataDir: path.join(dataDir, 'postgres') },
				n8n: { version: expect.any(String), login: { email: expect.any(String) } },
			});
			expect(ready.database.migrations).toBeGreaterThan(0);
			expect(ready.n8n.workflowsImported).toBeGreaterThanOrEqual(6);
			ports = [Number(new URL(ready.database.url).port), Number(new URL(ready.n8n.url).port)];

			// The printed database URL is whole: a client connects with exactly what was printed.
			expect(first.output()).toContain(`psql '${ready.database.url}'`);
			const client = new Client({ connectionString: ready.database.url });
			await client.connect();
			const { rows } = await client.query(
				"select count(*)::int as n from information_schema.tables where table_schema = 'crm'",
			);
			await client.end();
			expect(rows[0].n).toBeGreaterThan(10);

			// The editor answers, and the printed login works.
			const editor = await fetch(ready.n8n.url);
			expect(editor.status).toBe(200);
			expect(await editor.text()).toMatch(/<title>n8n/i);
			const rest = new N8nRest(ready.n8n.url);
			await rest.signIn({ ...ready.n8n.login, firstName: 'x', lastName: 'y' });
			const workflows = await rest.request<Array<{ name: string; active: boolean }>>(
				'GET',
				'/rest/workflows',
			);
			// Every published example and template, and nothing else.
			expect(
				workflows.filter((workflow) => /^(Example|Template) · /.test(workflow.name)).length,
			).toBe(ready.n8n.workflowsImported);
			expect(
				workflows.some((workflow) => workflow.name.startsWith('Template · Periodic sync')),
			).toBe(true);
			expect(workflows.every((workflow) => !workflow.active)).toBe(true);
			// Every workflow the printed "Things to try" names is there.
			const named = [...first.output().matchAll(/"(Example · [^"]+)"/g)].map((match) => match[1]);
			expect(named.length).toBeGreaterThanOrEqual(2);
			for (const name of named) {
				expect({ name, there: workflows.some((workflow) => workflow.name === name) }).toEqual({
					name,
					there: true,
				});
			}
			const credentials = await rest.credentials();
			expect(credentials.map((credential) => credential.type).sort()).toEqual(
				expect.arrayContaining([
					'crmConnectAiModelApi',
					'crmDatabase',
					'crmWebhookApi',
					'gmailCrmOAuth2Api',
					'microsoft365CrmOAuth2Api',
				]),
			);

			// A second start on the same data refuses at once and leaves dist/ alone.
			const stampBefore = distStamp();
			const second = watch(npmStart(dataDir));
			const { code } = await second.exited;
			expect(code).toBe(1);
			expect(second.output()).toMatch(/npm start is already running \(process \d+\)/);
			expect(second.output()).not.toMatch(/Build:/);
			expect(distStamp()).toBe(stampBefore);
		} catch (error) {
			first.child.kill('SIGTERM');
			await first.exited;
			throw error;
		}

		// SIGTERM to the npm process, as a supervisor or `docker stop` sends it.
		const signalledAt = Date.now();
		process.kill(first.child.pid as number, 'SIGTERM');
		const stopped = await first.exited;
		expect(stopped.code).toBe(0);
		console.log(`npm start stopped ${stopped.at - signalledAt} ms after SIGTERM`);
		expect(first.output()).toContain('stopped');
		expect(processesUsing(dataDir)).toEqual([]);
		for (const port of ports) expect(await listening(port)).toBe(false);

		// Again, from the same data: nothing to build, nothing imported twice; SIGINT stops it too.
		const again = watch(npmStart(dataDir));
		await again.waitFor(/Stop with Ctrl-C/);
		expect(again.output()).toContain('Build: dist/ is up to date.');
		expect(again.ready()).toMatchObject({ status: 'ready', build: 'up to date' });
		expect(again.ready().n8n.workflowsImported).toBe(0);
		console.log(
			`npm start ready in ${first.ready().startedInMs} ms on new data ${JSON.stringify(first.ready().timings)}, ${again.ready().startedInMs} ms again ${JSON.stringify(again.ready().timings)}`,
		);
		process.kill(again.child.pid as number, 'SIGINT');
		expect((await again.exited).code).toBe(0);
		expect(processesUsing(dataDir)).toEqual([]);
	});
});
