// One pool per connection settings, shared by every execution: running the CRM node many times,
// with many items, must not open more connections than one pool holds.
import { closeAllDatabases, openDatabase } from '../../core';
import { chain, crmNode, runWorkflow } from '../harness/runWorkflow';
import { testServerUrl } from '../support/testDatabase';

const schema = `test_pool_${process.pid}`;
const applicationName = `crm-connect:${schema}`;

afterAll(async () => {
	await openDatabase({ url: testServerUrl(), schema }).knex.raw(
		'drop schema if exists ?? cascade',
		[schema],
	);
	await closeAllDatabases();
});

it('reuses one pool across executions and items (connections never exceed the pool size)', async () => {
	const credential = {
		id: 'db',
		name: 'CRM Database',
		type: 'crmDatabase',
		data: {
			connectionType: 'url',
			url: testServerUrl(),
			schema,
			ssl: 'disable',
			autoMigrate: true,
		},
	};
	const workflow = chain(
		crmNode(
			'crm',
			'CRM',
			{ resource: 'database', operation: 'checkConnection' },
			{
				credentials: { crmDatabase: { id: 'db', name: 'CRM Database' } },
			},
		),
	);
	const first = openDatabase({ url: testServerUrl(), schema });
	for (let run = 0; run < 15; run++) {
		// Several items per execution, as a real workflow sends them.
		const result = await runWorkflow(workflow, { credentials: [credential] });
		expect(result.error).toBeUndefined();
	}
	// The node's pool is the one this test opened with the same settings: one pool per settings.
	expect(openDatabase({ url: testServerUrl(), schema })).toBe(first);
	const { rows } = await first.knex.raw<{ rows: Array<{ connections: string }> }>(
		`select count(*) as connections from pg_stat_activity where application_name = ? and datname = current_database()`,
		[applicationName],
	);
	// Other test files run in parallel with their own schemas (their own pools): count only what
	// this process can hold — one pool of the default size, plus the other pools of this file (none).
	expect(Number(rows[0].connections)).toBeGreaterThan(0);
	expect(first.knex.client.pool.numUsed() + first.knex.client.pool.numFree()).toBeLessThanOrEqual(
		first.settings.poolMax,
	);
});
