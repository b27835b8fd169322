// The connect flow end to end, into the CRM tables: connect URL → emulator consent → callback →
// "Connected as …" → the initial sync the callback queued, run by the engine with this module's
// token access → the account's mail in PostgreSQL and a last success the status route shows.
import type { Knex } from 'knex';

import { syncIntegration } from '../../core/sync/syncIntegration';
import { createIntegrationAccess } from '../../core/sync/integrationAccess';
import { startEmulator, type Emulator } from '../emulator';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import {
	apiCaller,
	appsFor,
	connectThroughConsent,
	tokenFor,
	WORKSPACE_A,
	type ApiCaller,
} from './support';

let test: TestDatabase;
let knex: Knex;
let emu: Emulator;
let api: ApiCaller;

beforeAll(async () => {
	[test, emu] = await Promise.all([
		createTestDatabase(),
		startEmulator({ seed: 'connect-end-to-end', messages: 25 }),
	]);
	knex = test.database.knex;
	api = apiCaller(test.database, appsFor(emu));
});
afterAll(async () => {
	await Promise.all([test.drop(), emu.stop()]);
});

it.each([
	['google', 'gina@acme.example'],
	['microsoft', 'mike@contoso.onmicrosoft.test'],
] as const)(
	'connects a %s account and its initial sync fills the tables',
	async (provider, email) => {
		const { result } = await connectThroughConsent(api, emu, { provider, email, userId: email });
		expect(result).toMatchObject({ status: 'connected', message: `Connected as ${email}` });
		const integrationId = result.integrationId!;

		// The callback queued the initial sync: the integration is due.
		const due = await knex('integrations')
			.where({ id: integrationId })
			.where('next_sync_at', '<=', knex.fn.now())
			.first();
		expect(due).toBeDefined();

		const synced = await syncIntegration(
			{
				database: test.database,
				access: createIntegrationAccess({ database: test.database, apps: api.context.apps }),
				endpoints: { googleApiBaseUrl: emu.urls.googleApis, graphBaseUrl: emu.baseUrl },
				workerId: 'connect-test',
			},
			{ workspaceId: WORKSPACE_A, integrationId },
		);
		expect(synced).toMatchObject({ outcome: 'succeeded', accountEmail: email });
		const copies = await knex('mailbox_messages')
			.where({ workspace_id: WORKSPACE_A, integration_id: integrationId })
			.count<{ n: string }[]>('* as n');
		expect(Number(copies[0]!.n)).toBeGreaterThan(0);

		const status = await api({ route: 'status' }, await tokenFor(WORKSPACE_A, email));
		const [integration] = (status.body as { integrations: Array<Record<string, unknown>> })
			.integrations;
		expect(integration).toMatchObject({ id: integrationId, status: 'connected', progress: null });
		expect(integration!.lastSuccessAt).toEqual(expect.any(String));
	},
);
