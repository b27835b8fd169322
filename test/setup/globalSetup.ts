/** The part of jest's global config this setup reads. */
interface RunConfig {
	testPathPattern?: string;
}

import { ensureN8n } from '../../scripts/n8n/runtime';
import { RESOLVED_URL_VARIABLE, resolveTestServer } from './testDatabaseServer';

/** Whether this run includes tests that boot real n8n (all tests, or a pattern naming them). */
function runsRealN8n(globalConfig: RunConfig): boolean {
	const pattern = globalConfig.testPathPattern ?? '';
	return pattern === '' || /e2e|start/.test(pattern);
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
	}
}
