// The test environment names a test file that leaves something running, instead of letting jest
// force-exit an anonymous worker at the end of the run. Runs jest on two small fixture files.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '../..');

// --forceExit: the fixture that leaves its server listening would otherwise keep that jest alive.
function runFixture(name: string): { status: string; message: string } {
	const config = {
		rootDir: root,
		roots: ['<rootDir>/test/setup/fixtures'],
		testMatch: [`**/${name}`],
		testEnvironment: '<rootDir>/test/setup/handleCheckingEnvironment.cjs',
	};
	const run = spawnSync(
		process.execPath,
		[
			require.resolve('jest/bin/jest'),
			'--config',
			JSON.stringify(config),
			'--json',
			'--runInBand',
			'--forceExit',
		],
		{ cwd: root, encoding: 'utf8' },
	);
	const [result] = (
		JSON.parse(run.stdout) as { testResults: Array<{ status: string; message: string }> }
	).testResults;
	return result;
}

it('fails a test file that leaves its server listening, naming the file and the server', () => {
	const result = runFixture('leavesAServer.fixture.cjs');
	expect(result.status).toBe('failed');
	expect(result.message).toContain('leavesAServer.fixture.cjs left running after its tests');
	expect(result.message).toMatch(/1 TCPServerWrap[\s\S]*server on \{"address":"127\.0\.0\.1"/);
});

it('passes a test file that closes what it opened', () => {
	expect(runFixture('closesItsServer.fixture.cjs')).toMatchObject({ status: 'passed' });
});
