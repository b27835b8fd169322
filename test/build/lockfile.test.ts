// The committed package-lock.json must be exactly what npm writes, so that `npm install` on a fresh
// clone changes nothing and `npm ci` accepts it. npm runs on a copy of package.json and the lock,
// from its cache when it can (no download when the cache is warm; nothing is installed).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '../..');
const committed = readFileSync(path.join(root, 'package-lock.json'), 'utf8');
let sandbox: string;

beforeAll(() => {
	sandbox = mkdtempSync(path.join(os.tmpdir(), 'crm-lock-'));
});
afterAll(() => {
	rmSync(sandbox, { recursive: true, force: true });
});

function freshCopy(): string {
	for (const file of ['package.json', 'package-lock.json']) {
		copyFileSync(path.join(root, file), path.join(sandbox, file));
	}
	return path.join(sandbox, 'package-lock.json');
}

function npm(...args: string[]): string {
	return execFileSync(
		'npm',
		[...args, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'],
		{ cwd: sandbox, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
	);
}

/** The first lines where two versions of the lock differ, for a readable failure. */
function firstDifferences(expected: string, actual: string): string[] {
	const a = expected.split('\n');
	const b = actual.split('\n');
	const lines: string[] = [];
	for (let i = 0; i < Math.max(a.length, b.length) && lines.length < 6; i++) {
		if (a[i] !== b[i]) lines.push(`line ${i + 1}: ${a[i]?.trim()} → ${b[i]?.trim()}`);
	}
	return lines;
}

describe('package-lock.json', () => {
	it('is left unchanged by npm install', () => {
		const lock = freshCopy();
		npm('install', '--package-lock-only');
		expect(firstDifferences(committed, readFileSync(lock, 'utf8'))).toEqual([]);
	});

	it('is accepted by npm ci', () => {
		freshCopy();
		expect(() => npm('ci', '--dry-run')).not.toThrow();
	});

	it("gets back from scripts/complete-lockfile.cjs the other platforms' entries npm leaves out, as npm writes them", () => {
		const lock = freshCopy();
		// What npm install writes where the registry lacks other platforms' builds: no such entries.
		const parsed = JSON.parse(committed) as { packages: Record<string, Record<string, unknown>> };
		const stubs = Object.keys(parsed.packages).filter((location) => {
			const entry = parsed.packages[location];
			return location !== '' && entry.optional && entry.os && !entry.integrity;
		});
		expect(stubs.length).toBeGreaterThan(0);
		for (const location of stubs) delete parsed.packages[location];
		writeFileSync(lock, JSON.stringify(parsed, null, 2));
		execFileSync(process.execPath, [path.join(root, 'scripts/complete-lockfile.cjs'), lock]);
		expect(firstDifferences(committed, readFileSync(lock, 'utf8'))).toEqual([]);
	});
});
