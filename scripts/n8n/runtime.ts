// Finds or installs the n8n app that `npm start` and the end-to-end suite run. n8n is not a
// dependency of the package (a community package must not carry it): it is installed once into a
// cache outside the checkout, the way a user installs n8n, and reused by every later run.
import { execFileSync, spawn } from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The n8n release crm-connect is built and tested against. */
export const PINNED_N8N_VERSION = '2.41.1';

export interface N8nRuntime {
	/** The `n8n` command. */
	bin: string;
	version: string;
	/** Where it came from: the cache, an explicit binary, or PATH. */
	source: 'cache' | 'CRM_N8N_BIN' | 'PATH';
}

export function n8nCacheDir(version: string): string {
	const base =
		process.env.CRM_CACHE_DIR ??
		path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'crm-connect');
	return path.join(base, `n8n-${version}`);
}

function versionOf(bin: string): string | undefined {
	try {
		return execFileSync(bin, ['--version'], {
			encoding: 'utf8',
			timeout: 60_000,
			stdio: ['ignore', 'pipe', 'ignore'],
		})
			.trim()
			.split(/\s+/)
			.pop();
	} catch {
		return undefined;
	}
}

function onPath(command: string): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		const candidate = path.join(dir, command);
		if (
			dir &&
			existsSync(candidate) &&
			!candidate.includes(`${path.sep}node_modules${path.sep}.bin`)
		)
			return candidate;
	}
	return undefined;
}

/** Size of a folder in bytes (for the install's progress line). */
function folderSize(dir: string): number {
	let total = 0;
	const stack = [dir];
	while (stack.length) {
		const current = stack.pop() as string;
		let entries: string[];
		try {
			entries = readdirSync(current);
		} catch {
			continue;
		}
		for (const entry of entries) {
			const full = path.join(current, entry);
			try {
				const stat = statSync(full, { throwIfNoEntry: false });
				if (!stat) continue;
				if (stat.isDirectory()) stack.push(full);
				else total += stat.size;
			} catch {
				// a file npm removed meanwhile
			}
		}
	}
	return total;
}

const EXPECTED_BYTES = 2.9e9;

/**
 * Installs n8n `version` into the cache with npm, printing what it does and how far it is. Install
 * scripts are skipped: with PostgreSQL as n8n's database nothing n8n needs must be compiled (the
 * SQLite driver is never loaded), and compiling offline is what fails here.
 */
async function install(version: string, dir: string, log: (line: string) => void): Promise<void> {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({ name: 'crm-connect-n8n', private: true }),
	);
	log(
		`Installing n8n ${version} into ${dir} (first run only: about 3 minutes and ${(EXPECTED_BYTES / 1e9).toFixed(1)} GB) …`,
	);
	const started = Date.now();
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const child = spawn(
		npm,
		[
			'install',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
			`n8n@${version}`,
		],
		{
			cwd: dir,
			stdio: ['ignore', 'ignore', 'pipe'],
		},
	);
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const progress = setInterval(() => {
		const bytes = folderSize(path.join(dir, 'node_modules'));
		const share = Math.min(99, Math.round((bytes / EXPECTED_BYTES) * 100));
		log(
			`  … ${Math.round((Date.now() - started) / 1000)} s, ${(bytes / 1e9).toFixed(2)} GB (about ${share} %)`,
		);
	}, 15_000);
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	clearInterval(progress);
	if (code !== 0) {
		throw new Error(
			`npm could not install n8n ${version} (exit ${code}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`,
		);
	}
	writeFileSync(path.join(dir, '.installed'), `${version}\n`);
	log(`Installed n8n ${version} in ${Math.round((Date.now() - started) / 1000)} s.`);
}

/**
 * The n8n to run: `CRM_N8N_BIN` when set; else n8n `N8N_VERSION` (default: the pinned release)
 * from the cache, installed on first use; an `n8n` already on PATH is used only when the cache has
 * none and `CRM_N8N_FROM_PATH=1`.
 */
export async function ensureN8n(log: (line: string) => void = console.log): Promise<N8nRuntime> {
	if (process.env.CRM_N8N_BIN) {
		const bin = process.env.CRM_N8N_BIN;
		return { bin, version: versionOf(bin) ?? 'unknown', source: 'CRM_N8N_BIN' };
	}
	const version = process.env.N8N_VERSION ?? PINNED_N8N_VERSION;
	const dir = n8nCacheDir(version);
	const bin = path.join(dir, 'node_modules', '.bin', 'n8n');
	const installed = existsSync(path.join(dir, '.installed')) && existsSync(bin);
	if (!installed && process.env.CRM_N8N_FROM_PATH === '1') {
		const fromPath = onPath('n8n');
		if (fromPath)
			return { bin: fromPath, version: versionOf(fromPath) ?? 'unknown', source: 'PATH' };
	}
	if (!installed) await install(version, dir, log);
	const recorded = readFileSync(path.join(dir, '.installed'), 'utf8').trim();
	return { bin, version: recorded, source: 'cache' };
}
