// Decides which PostgreSQL server a test run uses: the one at CRM_TEST_DATABASE_URL when it
// answers, otherwise one embedded server for the whole run.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

import { startEmbeddedPostgres, type EmbeddedServer } from '../../core/store/embeddedPostgres';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Set by the global setup for the test files: the server this run really uses. */
export const RESOLVED_URL_VARIABLE = 'CRM_TEST_DATABASE_URL_RESOLVED';

export async function serverAnswers(url: string): Promise<boolean> {
	const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
	try {
		await client.connect();
		await client.query('select 1');
		return true;
	} catch {
		return false;
	} finally {
		await client.end().catch(() => undefined);
	}
}

export async function resolveTestServer(): Promise<{ url: string; embedded?: EmbeddedServer }> {
	const configured = process.env.CRM_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
	if (process.env.CRM_TEST_EMBEDDED !== '1' && (await serverAnswers(configured))) {
		return { url: configured };
	}
	const base = mkdtempSync(path.join(os.tmpdir(), 'crm-connect-test-'));
	const embedded = await startEmbeddedPostgres({
		dataDir: path.join(base, 'postgres'),
		database: 'test',
		persistent: false,
	});
	return { url: embedded.url, embedded };
}
