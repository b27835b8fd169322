/** The part of jest's global config this setup reads. */
interface RunConfig {
	testPathPattern?: string;
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ensureN8n } from '../../scripts/n8n/runtime';
import { PACKED_PACKAGE_VARIABLE } from './packedPackage';
import { RESOLVED_URL_VARIABLE, resolveTestServer } from './testDatabaseServer';

/** Whether this run includes tests that boot real n8n (all tests, or a pattern naming them). */
function runsRealN8n(globalConfig: RunConfig): boolean {
	const pattern = globalConfig.testPathPattern ?? '';
	return pattern === '' || /e2e|start/.test(pattern);
}

/**
 * The package as `npm pack` makes it (the built dist/, migrations, workflows), once for the run:
 * every real n8n of the end-to-end files unpacks this tarball into its user folder. Undefined when
 * npm cannot pack (no build yet): each file then packs for itself and says what is wrong.
 */
function packOnce(): { tarball: string; folder: string } | undefined {
	const root = path.join(__dirname, '..', '..');
	const folder = mkdtempSync(path.join(os.tmpdir(), 'crm-connect-run-pack-'));
	try {
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--json', '--pack-destination', folder], {
				cwd: root,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'pipe'],
			}),
		) as Array<{ filename: string }>;
		return { tarball: path.join(folder, packed.filename), folder };
	} catch (error) {
		process.stdout.write(
			`npm pack failed, each real-n8n file packs for itself: ${String(error)}\n`,
		);
		return undefined;
	}
}

// Runs once per `jest` run, before any test file: one PostgreSQL server for the whole run, and
// n8n installed into its cache once (first run only) rather than by two test files at a time.
export default async function globalSetup(globalConfig: RunConfig): Promise<void> {
	const started = Date.now();
	const { url, embedded } = await resolveTestServer();
	process.env[RESOLVED_URL_VARIABLE] = url;
	(globalThis as { crmEmbeddedServer?: unknown }).crmEmbeddedServer = embedded;
	const where = embedded
		? `embedded PostgreSQL on port ${embedded.port}`
		: 'the server at CRM_TEST_DATABASE_URL';
	process.stdout.write(`\ncrm-connect tests use ${where} (ready in ${Date.now() - started} ms)\n`);
	if (runsRealN8n(globalConfig)) {
		const runtime = await ensureN8n((line) => process.stdout.write(`${line}\n`));
		process.stdout.write(`real-n8n tests use n8n ${runtime.version} (${runtime.bin})\n`);
		const packed = packOnce();
		if (packed) {
			process.env[PACKED_PACKAGE_VARIABLE] = packed.tarball;
			(globalThis as { crmPackedFolder?: string }).crmPackedFolder = packed.folder;
		}
	}
}
