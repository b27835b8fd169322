// `npm start` as a user runs it (minus the build, which `npm start` does first): an embedded
// PostgreSQL in a data folder, migrations applied, a ready line, a clean stop on SIGTERM — and a
// clear refusal when a second process wants the same data folder.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '../..');

function startProcess(dataDir: string): ChildProcessWithoutNullStreams {
	return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/start.ts'], {
		cwd: root,
		env: {
			...process.env,
			CRM_DATA_DIR: dataDir,
			CRM_DB_PORT: '0',
			CRM_DATABASE_URL: '',
			CRM_START_EMULATOR: '0',
			TS_NODE_TRANSPILE_ONLY: '1',
		},
	});
}

function collect(child: ChildProcessWithoutNullStreams) {
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
		const deadline = Date.now() + timeoutMs;
		while (!pattern.test(output)) {
			if (Date.now() > deadline)
				throw new Error(`timed out waiting for ${pattern}; output so far:\n${output}`);
			if (child.exitCode !== null)
				throw new Error(`exited with ${child.exitCode} before ${pattern}:\n${output}`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	};
	return { output: () => output, exited, waitFor };
}

describe('npm start', () => {
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'crm-start-'));
	afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

	it('starts an embedded PostgreSQL, migrates, says where the data lives, refuses a second owner and stops on SIGTERM', async () => {
		const first = startProcess(dataDir);
		const firstOutput = collect(first);
		try {
			await firstOutput.waitFor(/Stop with Ctrl-C/);
			const ready = JSON.parse(
				firstOutput
					.output()
					.split('\n')
					.find((line) => line.startsWith('{"status"')) ?? '{}',
			);
			expect(ready).toMatchObject({
				status: 'ready',
				database: {
					embedded: true,
					schema: 'crm',
					dataDir: path.join(dataDir, 'postgres'),
					migrations: expect.any(Number),
				},
			});
			expect(ready.database.migrations).toBeGreaterThan(0);
			expect(firstOutput.output()).toContain(`data lives in ${path.join(dataDir, 'postgres')}`);
			expect(firstOutput.output()).not.toMatch(/crm-connect@|:crm-connect@/); // the password is masked

			const second = startProcess(dataDir);
			const secondOutput = collect(second);
			expect(await secondOutput.exited).toBe(1);
			expect(secondOutput.output()).toMatch(
				/already in use by process \d+\. Only one process may own it/,
			);
		} finally {
			first.kill('SIGTERM');
		}
		expect(await firstOutput.exited).toBe(0);
		expect(firstOutput.output()).toContain('stopped');
	});
});
