import { RESOLVED_URL_VARIABLE, resolveTestServer } from './testDatabaseServer';

// Runs once per `jest` run, before any test file: one PostgreSQL server for the whole run.
export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	const { url, embedded } = await resolveTestServer();
	process.env[RESOLVED_URL_VARIABLE] = url;
	(globalThis as { crmEmbeddedServer?: unknown }).crmEmbeddedServer = embedded;
	const where = embedded
		? `embedded PostgreSQL on port ${embedded.port}`
		: 'the server at CRM_TEST_DATABASE_URL';
	process.stdout.write(`\ncrm-connect tests use ${where} (ready in ${Date.now() - started} ms)\n`);
}
