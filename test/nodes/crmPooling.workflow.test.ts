// One pool per connection settings, shared by every execution: running the CRM node many times,
// with many items, must not open more connections than one pool holds.
import { closeAllDatabases, openDatabase } from '../../core';
import { chain, crmNode, manualTriggerNode, runWorkflow } from '../harness/runWorkflow';
import { testServerUrl } from '../support/testDatabase';

const schema = `test_pool_${process.pid}`;
const applicationName = `crm-connect:${schema}`;
// More items than the pool holds (10 by default), so a pool per item would show in the count.
const ITEMS = 25;
const EXECUTIONS = 3;

afterAll(async () => {
	await openDatabase({ url: testServerUrl(), schema }).knex.raw(
		'drop schema if exists ?? cascade',
		[schema],
	);
	await closeAllDatabases();
});

it('runs several items per execution through the same pool, within the pool size', async () => {
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
	// The pool of the credential's settings, opened here first: the node must use this very pool.
	const pool = openDatabase({ url: testServerUrl(), schema });
	let acquisitions = 0;
	let connectionsOpened = 0;
	pool.knex.client.pool.on('acquireSuccess', () => acquisitions++);
	pool.knex.client.pool.on('createSuccess', () => connectionsOpened++);

	// The items arrive in one execution, as pinned on the trigger in the editor.
	const items = Array.from({ length: ITEMS }, (_, index) => ({ json: { index } }));
	for (let run = 0; run < EXECUTIONS; run++) {
		const result = await runWorkflow(workflow, {
			credentials: [credential],
			pinData: { [manualTriggerNode.name]: items },
		});
		expect(result.error).toBeUndefined();
		expect(result.output('CRM').map((item) => [item.json.connected, item.pairedItem])).toEqual(
			items.map((_, index) => [true, { item: index }]),
		);
	}

	// Every item's queries (connection check, migration status) went through this pool.
	expect(openDatabase({ url: testServerUrl(), schema })).toBe(pool);
	expect(acquisitions).toBeGreaterThanOrEqual(ITEMS * EXECUTIONS * 2);
	expect(connectionsOpened).toBeGreaterThan(0);
	expect(connectionsOpened).toBeLessThanOrEqual(pool.settings.poolMax);
	// What the server sees under this schema's application name: this process's one pool, no more.
	const { rows } = await pool.knex.raw<{ rows: Array<{ connections: string }> }>(
		`select count(*) as connections from pg_stat_activity where application_name = ? and datname = current_database()`,
		[applicationName],
	);
	expect(Number(rows[0].connections)).toBeGreaterThan(0);
	expect(Number(rows[0].connections)).toBeLessThanOrEqual(pool.settings.poolMax);
});
