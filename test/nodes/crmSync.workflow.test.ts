// The CRM node's workspace resources run as n8n runs them (n8n-core WorkflowExecute, in-process)
// against real PostgreSQL and the provider emulator: an integration connected with encrypted
// tokens is synced, its mail searched, read and linked, its events listed; people, companies and
// the blocklist; every operation scoped by its workspace.
import type { INode } from 'n8n-workflow';

import { completeConnect, parseProviderApps } from '../../core';
import { closeAllDatabases, connectIntegrationForTest } from './crmSync.support';
import {
	chain,
	crmNode,
	manualTriggerNode,
	runWorkflow,
	type WorkflowRunResult,
} from '../harness/runWorkflow';
import type { StoredCredential } from '../harness/credentialsHelper';
import { startEmulator, type Emulator } from '../emulator';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { credentialData, WORKSPACE_A, WORKSPACE_B } from '../connect/support';

let emu: Emulator;
let test: TestDatabase;
let credentials: StoredCredential[];
let integrationId: string;
let secrets: string[];
const EMAIL = 'ann@acme.example';

beforeAll(async () => {
	emu = await startEmulator({ seed: 'crm-node-sync', messages: 40, quota: { enabled: false } });
	test = await createTestDatabase();
	credentials = [
		{
			id: 'db-1',
			name: 'CRM Database',
			type: 'crmDatabase',
			data: { connectionType: 'url', url: test.url, schema: test.schema, ssl: 'disable' },
		},
		{
			id: 'apps-1',
			name: 'CRM Connect Apps',
			type: 'crmConnectAppsApi',
			data: credentialData(emu),
		},
	];
	({ integrationId, secrets } = await connectIntegrationForTest(
		test.database,
		emu,
		WORKSPACE_A,
		EMAIL,
	));
});

afterAll(async () => {
	await test.drop();
	await closeAllDatabases();
	await emu.stop();
});

function crm(name: string, parameters: INode['parameters'], extra: Partial<INode> = {}): INode {
	return crmNode('crm', name, parameters, {
		credentials: {
			crmDatabase: { id: 'db-1', name: 'CRM Database' },
			crmConnectAppsApi: { id: 'apps-1', name: 'CRM Connect Apps' },
		},
		...extra,
	});
}

/** Every node output of every run, to check that no token or key ever left the node. */
const outputs: string[] = [];

async function run(...nodes: INode[]): Promise<WorkflowRunResult> {
	const result = await runWorkflow(chain(...nodes), { credentials });
	for (const node of nodes) outputs.push(JSON.stringify(result.output(node.name)));
	if (result.error) outputs.push(result.error.message);
	return result;
}

describe('Integration resource', () => {
	it('gets the status of the workspace integrations, without tokens', async () => {
		const result = await run(
			crm('Status', { resource: 'integration', operation: 'getStatus', workspaceId: WORKSPACE_A }),
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output('Status');
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			id: integrationId,
			workspaceId: WORKSPACE_A,
			provider: 'google',
			accountEmail: EMAIL,
			status: 'connected',
			progress: null,
		});
		expect(JSON.stringify(result.json('Status'))).not.toMatch(/token_|encrypted|ya29/i);
	});

	it('updates settings through the shared schema and refuses what it does not allow', async () => {
		const result = await run(
			crm('Settings', {
				resource: 'integration',
				operation: 'updateSettings',
				workspaceId: WORKSPACE_A,
				integrationId,
				settings: {
					mailFolders: 'inbox, sent',
					initialHorizonDays: 30,
					visibility: 'subject',
					autoEnrich: false,
					syncYoutubeComments: true,
				},
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Settings')[0]).toMatchObject({
			id: integrationId,
			settings: {
				mailFolders: ['inbox', 'sent'],
				initialHorizon: { kind: 'days', days: 30 },
				visibility: 'subject',
				autoEnrich: false,
				syncYoutubeComments: true,
			},
		});
		const refused = await run(
			crm('Settings', {
				resource: 'integration',
				operation: 'updateSettings',
				workspaceId: WORKSPACE_A,
				integrationId,
				settings: { mailFolders: ' , ' },
			}),
		);
		expect(refused.error?.message).toMatch(/Setting 'mailFolders' is not valid/);
		// Back to everything, for the search tests below.
		await run(
			crm('Settings', {
				resource: 'integration',
				operation: 'updateSettings',
				workspaceId: WORKSPACE_A,
				integrationId,
				settings: {
					visibility: 'everything',
					initialHorizonMessages: 1000,
					autoEnrich: true,
					syncYoutubeComments: false,
				},
			}),
		);
	});

	it("answers not found for another workspace's integration, and refuses ids that are no UUID", async () => {
		const other = await run(
			crm('Status', {
				resource: 'integration',
				operation: 'getStatus',
				workspaceId: WORKSPACE_B,
				scope: 'one',
				integrationId,
			}),
		);
		expect(other.error?.message).toBe(
			`No integration with ID ${integrationId} in workspace ${WORKSPACE_B}`,
		);
		const none = await run(
			crm('Status', { resource: 'integration', operation: 'getStatus', workspaceId: WORKSPACE_B }),
		);
		expect(none.error).toBeUndefined();
		expect(none.output('Status')).toEqual([]);

		const bad = await run(
			crm(
				'Status',
				{ resource: 'integration', operation: 'getStatus', workspaceId: 'acme' },
				{ onError: 'continueRegularOutput' },
			),
		);
		expect(bad.error).toBeUndefined();
		expect(bad.output('Status')).toEqual([
			{
				json: {
					error:
						"Workspace ID must be a UUID (like 00000000-0000-4000-8000-000000000000), got 'acme'",
				},
				pairedItem: { item: 0 },
			},
		]);
	});
});

describe('status of a running sync', () => {
	it("shows the running sync's progress", async () => {
		const [run1] = (await test.database
			.knex('sync_runs')
			.insert({
				workspace_id: WORKSPACE_A,
				integration_id: integrationId,
				kind: 'initial',
				status: 'running',
				progress: JSON.stringify({ done: 120, total: 1000, source: 'INBOX' }),
			})
			.returning('id')) as Array<{ id: string }>;
		try {
			const result = await run(
				crm('Status', {
					resource: 'integration',
					operation: 'getStatus',
					workspaceId: WORKSPACE_A,
					scope: 'one',
					integrationId,
				}),
			);
			expect(result.json('Status')[0].progress).toEqual({
				syncRunId: run1.id,
				kind: 'initial',
				startedAt: expect.any(String),
				done: 120,
				total: 1000,
				source: 'INBOX',
			});
		} finally {
			await test.database.knex('sync_runs').where({ id: run1.id }).delete();
		}
	});
});

describe('connect and disconnect', () => {
	it('connects a Microsoft 365 account from the connect URL, then disconnects it keeping its data', async () => {
		const result = await run(
			crm('Connect', {
				resource: 'integration',
				operation: 'getConnectUrl',
				workspaceId: WORKSPACE_A,
				userId: 'user-9',
				provider: 'microsoft',
				returnUrl: 'https://crm.example/settings/email',
			}),
		);
		expect(result.error).toBeUndefined();
		const [connect] = result.json('Connect');
		expect(connect).toMatchObject({
			workspaceId: WORKSPACE_A,
			userId: 'user-9',
			provider: 'microsoft',
			url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/common\/oauth2\/v2\.0\/authorize\?/),
			expiresAt: expect.any(String),
		});
		const consent = await emu.control.approveConsent(String(connect.url), {
			email: 'bob@acme.example',
		});
		const callback = await completeConnect(
			{ knex: test.database.knex, apps: parseProviderApps(credentialData(emu)) },
			{ code: consent.code, state: consent.state },
		);
		expect(callback).toMatchObject({
			status: 'connected',
			message: 'Connected as bob@acme.example',
		});
		const connectedId = callback.integration!.id;

		const disconnected = await run(
			crm('Disconnect', {
				resource: 'integration',
				operation: 'disconnect',
				workspaceId: WORKSPACE_A,
				integrationId: connectedId,
			}),
		);
		expect(disconnected.error).toBeUndefined();
		expect(disconnected.json('Disconnect')[0]).toMatchObject({
			id: connectedId,
			status: 'disconnected',
			revocation: expect.stringMatching(/^(revoked|unsupported)$/),
		});
		const row = await test.database.knex('integrations').where({ id: connectedId }).first();
		expect(row).toMatchObject({ access_token_encrypted: null, refresh_token_encrypted: null });
	});

	it('refuses a return URL whose origin the credential does not allow', async () => {
		const result = await run(
			crm('Connect', {
				resource: 'integration',
				operation: 'getConnectUrl',
				workspaceId: WORKSPACE_A,
				userId: 'user-9',
				provider: 'google',
				returnUrl: 'https://evil.example/steal',
			}),
		);
		expect(result.error?.message).toMatch(/allowed return origins/);
	});
});

describe('a connected integration synced, its mail searched, read and linked, its events listed', () => {
	let emailIds: string[] = [];

	it('runs sync one integration → search → get → link → list events in one workflow', async () => {
		const result = await run(
			crm('Person', {
				resource: 'person',
				operation: 'createOrUpdate',
				workspaceId: WORKSPACE_A,
				email: 'Grace@Globex.example',
				fields: { fullName: 'Grace Hopper', phones: '+1 555 0100, +1 555 0101' },
			}),
			crm('Sync', {
				resource: 'sync',
				operation: 'syncOneIntegration',
				workspaceId: WORKSPACE_A,
				integrationId,
			}),
			crm('Search', {
				resource: 'email',
				operation: 'search',
				workspaceId: WORKSPACE_A,
				returnAll: false,
				limit: 3,
			}),
			crm('Get', {
				resource: 'email',
				operation: 'get',
				workspaceId: WORKSPACE_A,
				emailId: '={{ $json.id }}',
			}),
			crm('Link', {
				resource: 'email',
				operation: 'link',
				workspaceId: WORKSPACE_A,
				emailId: '={{ $json.id }}',
				recordType: 'person',
				recordId: "={{ $('Person').first().json.id }}",
				userId: 'user-7',
			}),
			crm(
				'Events',
				{ resource: 'event', operation: 'list', workspaceId: WORKSPACE_A, returnAll: true },
				{ executeOnce: true },
			),
		);
		expect(result.error).toBeUndefined();

		const [person] = result.json('Person');
		expect(person).toMatchObject({
			workspaceId: WORKSPACE_A,
			email: 'grace@globex.example',
			fullName: 'Grace Hopper',
			phones: ['+1 555 0100', '+1 555 0101'],
			created: true,
		});

		const [sync] = result.json('Sync');
		expect(sync).toMatchObject({
			workspaceId: WORKSPACE_A,
			integrationId,
			provider: 'google',
			accountEmail: EMAIL,
			kind: 'manual',
			outcome: 'succeeded',
			statusAfter: 'connected',
		});
		expect((sync.counts as { created: number }).created).toBeGreaterThan(0);

		const found = result.output('Search');
		expect(found).toHaveLength(3);
		expect(found.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
		emailIds = found.map((item) => item.json.id as string);
		const dates = found.map((item) => item.json.sentAt as string);
		expect([...dates].sort().reverse()).toEqual(dates); // newest first

		const got = result.json('Get');
		expect(got.map((email) => email.id)).toEqual(emailIds);
		expect(got[0]).toMatchObject({ visibility: 'everything', participants: expect.any(Array) });

		const links = result.json('Link');
		expect(links).toHaveLength(3);
		expect(links[0]).toMatchObject({
			workspaceId: WORKSPACE_A,
			subjectType: 'email',
			subjectId: emailIds[0],
			recordType: 'person',
			recordId: String(person.id),
			linkSource: 'manual',
			createdBy: 'user-7',
		});

		const events = result.json('Events');
		expect(events.length).toBeGreaterThan(0);
		expect(events[0]).toMatchObject({ integrationId, calendarId: expect.any(String) });
	});

	it('searches by words and filters, pages with the keyset cursor', async () => {
		const [email] = (
			await run(
				crm('Get', {
					resource: 'email',
					operation: 'get',
					workspaceId: WORKSPACE_A,
					emailId: emailIds[0],
				}),
			)
		).json('Get');
		const word = String(email.subject)
			.split(/\W+/)
			.find((part) => part.length > 4)!;
		const byWord = await run(
			crm('Search', {
				resource: 'email',
				operation: 'search',
				workspaceId: WORKSPACE_A,
				words: word,
				returnAll: true,
			}),
		);
		expect(byWord.error).toBeUndefined();
		expect(byWord.json('Search').map((found) => found.id)).toContain(email.id);

		const linked = await run(
			crm('Search', {
				resource: 'email',
				operation: 'search',
				workspaceId: WORKSPACE_A,
				returnAll: true,
				filters: {
					personId: (email.links as Array<{ recordId: string }>)[0].recordId,
				},
			}),
		);
		expect(
			linked
				.json('Search')
				.map((found) => found.id)
				.sort(),
		).toEqual([...emailIds].sort());

		// One page item at a time, following nextCursor.
		const first = await run(
			crm('Page', {
				resource: 'email',
				operation: 'search',
				workspaceId: WORKSPACE_A,
				limit: 2,
				paging: { output: 'page' },
			}),
		);
		const [page1] = first.json('Page');
		expect((page1.emails as unknown[]).length).toBe(2);
		expect(page1.nextCursor).toEqual(expect.any(String));
		const second = await run(
			crm('Page', {
				resource: 'email',
				operation: 'search',
				workspaceId: WORKSPACE_A,
				limit: 2,
				paging: { output: 'page', cursor: String(page1.nextCursor) },
			}),
		);
		const [page2] = second.json('Page');
		const ids = (page: typeof page1) => (page.emails as Array<{ id: string }>).map((e) => e.id);
		expect(ids(page2)).toHaveLength(2);
		expect(ids(page2).filter((id) => ids(page1).includes(id))).toEqual([]);
	});

	it('filters emails by label, direction and date, and events by time range', async () => {
		const all = (
			await run(
				crm('Search', {
					resource: 'email',
					operation: 'search',
					workspaceId: WORKSPACE_A,
					returnAll: true,
				}),
			)
		).json('Search');
		const dates = all.map((email) => String(email.sentAt)).sort();
		const middle = dates[Math.floor(dates.length / 2)];
		const filtered = await run(
			crm('Search', {
				resource: 'email',
				operation: 'search',
				workspaceId: WORKSPACE_A,
				returnAll: true,
				filters: { label: 'INBOX', direction: 'incoming', after: middle },
			}),
		);
		expect(filtered.error).toBeUndefined();
		const expected = all.filter(
			(email) =>
				(email.labels as string[]).includes('INBOX') &&
				email.direction === 'incoming' &&
				String(email.sentAt) >= middle,
		);
		expect(expected.length).toBeGreaterThan(0);
		expect(filtered.json('Search').map((email) => email.id)).toEqual(
			expected.map((email) => email.id),
		);
		const bad = await run(
			crm('Search', {
				resource: 'email',
				operation: 'search',
				workspaceId: WORKSPACE_A,
				filters: { before: 'last tuesday' },
			}),
		);
		expect(bad.error?.message).toBe("Sent Before is not a date: 'last tuesday'");

		const events = (
			await run(
				crm('Events', {
					resource: 'event',
					operation: 'list',
					workspaceId: WORKSPACE_A,
					returnAll: true,
				}),
			)
		).json('Events');
		expect(events.length).toBeGreaterThan(1);
		const first = events.find((event) => event.startsAt)!;
		const inRange = await run(
			crm('Events', {
				resource: 'event',
				operation: 'list',
				workspaceId: WORKSPACE_A,
				returnAll: true,
				timeMin: String(first.startsAt),
				timeMax: String(first.endsAt),
			}),
		);
		expect(inRange.error).toBeUndefined();
		expect(inRange.json('Events').map((event) => event.id)).toContain(first.id);
		expect(inRange.json('Events').length).toBeLessThan(events.length);
	});

	it('unlinks by hand, and relinking does not come back from automatic linking', async () => {
		const [person] = (
			await run(
				crm('Find', {
					resource: 'person',
					operation: 'find',
					workspaceId: WORKSPACE_A,
					findBy: 'email',
					email: 'grace@globex.example',
				}),
			)
		).json('Find');
		const unlinked = await run(
			crm('Unlink', {
				resource: 'email',
				operation: 'unlink',
				workspaceId: WORKSPACE_A,
				emailId: emailIds[0],
				recordType: 'person',
				recordId: String(person.id),
				userId: 'user-7',
			}),
		);
		expect(unlinked.error).toBeUndefined();
		expect(unlinked.json('Unlink')[0]).toMatchObject({ subjectId: emailIds[0], removed: true });
		// Link Records needs the database alone (no CRM Connect Apps credential on the node).
		const link = await run(
			crmNode(
				'crm',
				'Link Records',
				{ resource: 'sync', operation: 'linkRecords', workspaceId: WORKSPACE_A },
				{ credentials: { crmDatabase: { id: 'db-1', name: 'CRM Database' } } },
			),
		);
		expect(link.error).toBeUndefined();
		expect(link.json('Link Records')[0]).toMatchObject({
			workspaceId: WORKSPACE_A,
			emailLinks: expect.any(Number),
			peopleCreated: expect.any(Number),
		});
		const [email] = (
			await run(
				crm('Get', {
					resource: 'email',
					operation: 'get',
					workspaceId: WORKSPACE_A,
					emailId: emailIds[0],
				}),
			)
		).json('Get');
		expect(email.links).not.toContainEqual(
			expect.objectContaining({ recordId: String(person.id) }),
		);
	});

	it('gets an event, and links it', async () => {
		const [event] = (
			await run(
				crm('Events', {
					resource: 'event',
					operation: 'list',
					workspaceId: WORKSPACE_A,
					limit: 1,
				}),
			)
		).json('Events');
		const [company] = (
			await run(
				crm('Company', {
					resource: 'company',
					operation: 'createOrUpdate',
					workspaceId: WORKSPACE_A,
					domain: 'Initech.example',
					fields: { name: 'Initech', classification: 'customer' },
				}),
			)
		).json('Company');
		const result = await run(
			crm('Link', {
				resource: 'event',
				operation: 'link',
				workspaceId: WORKSPACE_A,
				eventId: String(event.id),
				recordType: 'company',
				recordId: String(company.id),
				userId: 'user-7',
			}),
			crm('Get', {
				resource: 'event',
				operation: 'get',
				workspaceId: WORKSPACE_A,
				eventId: String(event.id),
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Link')[0]).toMatchObject({
			subjectType: 'calendar_event',
			recordType: 'company',
			linkSource: 'manual',
		});
		expect(result.json('Get')[0]).toMatchObject({
			id: String(event.id),
			links: expect.arrayContaining([expect.objectContaining({ recordId: String(company.id) })]),
		});
	});
});

describe('scheduler operations', () => {
	async function makeDue() {
		await test.database
			.knex('integrations')
			.where({ id: integrationId })
			.update({ next_sync_at: test.database.knex.raw("now() - interval '1 second'") });
	}

	it('syncs due integrations: one item per integration with its outcome and state change', async () => {
		await makeDue();
		const result = await run(
			crm('Tick', { resource: 'sync', operation: 'syncDueIntegrations', limit: 10 }),
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Tick')).toEqual([
			expect.objectContaining({
				workspaceId: WORKSPACE_A,
				integrationId,
				outcome: 'succeeded',
				statusBefore: 'connected',
				statusAfter: 'connected',
				stateChanged: false,
			}),
		]);
		const again = await run(
			crm('Tick', { resource: 'sync', operation: 'syncDueIntegrations', limit: 10 }),
		);
		expect(again.output('Tick')).toEqual([]);
	});

	it('lists due integrations with their lease, synced under it by Sync One Integration', async () => {
		await makeDue();
		const result = await run(
			crm('Due', { resource: 'sync', operation: 'listDueIntegrations', leaseSeconds: 120 }),
			crm('Sync', {
				resource: 'sync',
				operation: 'syncOneIntegration',
				workspaceId: '={{ $json.workspaceId }}',
				integrationId: '={{ $json.integrationId }}',
				leaseOwner: '={{ $json.leaseOwner }}',
			}),
		);
		expect(result.error).toBeUndefined();
		const [lease] = result.json('Due');
		expect(lease).toEqual({
			workspaceId: WORKSPACE_A,
			integrationId,
			leaseOwner: expect.stringMatching(/^n8n-worker-/),
		});
		expect(result.json('Sync')).toEqual([
			expect.objectContaining({ integrationId, outcome: 'succeeded' }),
		]);
		// The lease was given back: the next tick may take the integration again.
		const row = await test.database.knex('integrations').where({ id: integrationId }).first();
		expect(row.lease_owner).toBeNull();
	});

	it('asks for a full resync', async () => {
		const result = await run(
			crm('Resync', {
				resource: 'integration',
				operation: 'resync',
				workspaceId: WORKSPACE_A,
				integrationId,
				full: true,
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Resync')[0]).toMatchObject({ id: integrationId, resync: 'full' });
		const cursors = await test.database
			.knex('sync_cursors')
			.where({ integration_id: integrationId });
		expect(cursors).toEqual([]);
	});
});

describe('a Microsoft 365 integration', () => {
	const WORKSPACE_C = '33333333-3333-4333-8333-333333333333';

	it("syncs through the credential's Graph endpoint, its mail found by integration", async () => {
		const microsoft = await connectIntegrationForTest(
			test.database,
			emu,
			WORKSPACE_C,
			'carol@contoso.example',
			'microsoft',
		);
		secrets.push(...microsoft.secrets);
		const result = await run(
			crm('Sync', {
				resource: 'sync',
				operation: 'syncOneIntegration',
				workspaceId: WORKSPACE_C,
				integrationId: microsoft.integrationId,
			}),
			crm(
				'Search',
				{
					resource: 'email',
					operation: 'search',
					workspaceId: WORKSPACE_C,
					returnAll: true,
					filters: { integrationId: microsoft.integrationId },
				},
				{ executeOnce: true },
			),
		);
		expect(result.error).toBeUndefined();
		const [sync] = result.json('Sync');
		expect(sync).toMatchObject({ provider: 'microsoft', outcome: 'succeeded' });
		const emails = result.json('Search');
		expect((sync.counts as { created: number }).created).toBeGreaterThan(0);
		expect(emails.length).toBeGreaterThan(0);
		for (const email of emails) {
			expect(email.mailboxes).toEqual([
				expect.objectContaining({ integrationId: microsoft.integrationId }),
			]);
		}
	});
});

describe('an integration whose grant was revoked', () => {
	it('is reported by Sync Due Integrations as just become requires_reauth', async () => {
		await test.database
			.knex('integrations')
			.where({ id: integrationId })
			.update({ next_sync_at: test.database.knex.raw("now() - interval '1 second'") });
		emu.control.revokeGrants(EMAIL);
		const result = await run(
			crm('Tick', { resource: 'sync', operation: 'syncDueIntegrations', limit: 10 }),
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Tick')).toEqual([
			expect.objectContaining({
				integrationId,
				outcome: 'requires_reauth',
				statusBefore: 'connected',
				statusAfter: 'requires_reauth',
				stateChanged: true,
				errorMessage: 'Your email connection needs re-authentication',
			}),
		]);
		const [status] = (
			await run(
				crm('Status', {
					resource: 'integration',
					operation: 'getStatus',
					workspaceId: WORKSPACE_A,
					scope: 'one',
					integrationId,
				}),
			)
		).json('Status');
		expect(status).toMatchObject({ status: 'requires_reauth' });
	});
});

describe('people, companies and the blocklist', () => {
	it('creates or updates a person by email, and finds them', async () => {
		const update = await run(
			crm('Person', {
				resource: 'person',
				operation: 'createOrUpdate',
				workspaceId: WORKSPACE_A,
				email: 'GRACE@globex.example',
				fields: { jobTitle: 'Rear Admiral', classification: 'customer' },
			}),
		);
		expect(update.json('Person')[0]).toMatchObject({
			email: 'grace@globex.example',
			fullName: 'Grace Hopper',
			jobTitle: 'Rear Admiral',
			classification: 'customer',
			created: false,
		});
		const byDomain = await run(
			crm('Find', {
				resource: 'person',
				operation: 'find',
				workspaceId: WORKSPACE_A,
				findBy: 'domain',
				domain: 'globex.example',
				returnAll: true,
			}),
		);
		expect(byDomain.json('Find').map((person) => person.email)).toContain('grace@globex.example');
		const none = await run(
			crm('Find', {
				resource: 'person',
				operation: 'find',
				workspaceId: WORKSPACE_A,
				findBy: 'email',
				email: 'nobody@globex.example',
			}),
		);
		expect(none.error).toBeUndefined();
		expect(none.output('Find')).toEqual([]);
	});

	it('creates or updates a company by domain and refuses free-mail domains', async () => {
		const created = await run(
			crm('Company', {
				resource: 'company',
				operation: 'createOrUpdate',
				workspaceId: WORKSPACE_A,
				domain: 'umbrella.example',
				fields: { name: 'Umbrella' },
			}),
			crm('Find', {
				resource: 'company',
				operation: 'find',
				workspaceId: WORKSPACE_A,
				findBy: 'id',
				companyId: '={{ $json.id }}',
			}),
		);
		expect(created.json('Find')[0]).toMatchObject({ domain: 'umbrella.example', name: 'Umbrella' });
		const refused = await run(
			crm(
				'Company',
				{
					resource: 'company',
					operation: 'createOrUpdate',
					workspaceId: WORKSPACE_A,
					domain: 'gmail.com',
				},
				{ onError: 'continueRegularOutput' },
			),
		);
		expect(refused.json('Company')[0].error).toMatch(/gmail\.com is a free-mail domain/);
	});

	it('blocks a domain (purging what it covers), lists and unblocks it', async () => {
		const added = await run(
			crm('Block', {
				resource: 'blocklist',
				operation: 'add',
				workspaceId: WORKSPACE_A,
				pattern: '@Umbrella.example',
				userId: 'user-7',
			}),
		);
		expect(added.error).toBeUndefined();
		expect(added.json('Block')[0]).toMatchObject({
			pattern: '@umbrella.example',
			kind: 'domain',
			createdBy: 'user-7',
			created: true,
			purged: expect.objectContaining({ companies: expect.any(Number) }),
		});
		const listed = await run(
			crm('List', {
				resource: 'blocklist',
				operation: 'list',
				workspaceId: WORKSPACE_A,
				returnAll: true,
			}),
		);
		expect(listed.json('List').map((entry) => entry.pattern)).toEqual(['@umbrella.example']);
		const removed = await run(
			crm('Unblock', {
				resource: 'blocklist',
				operation: 'remove',
				workspaceId: WORKSPACE_A,
				pattern: '@umbrella.example',
			}),
		);
		expect(removed.json('Unblock')[0]).toMatchObject({ removed: true, integrationsRelisted: 1 });
	});
});

describe('workspace isolation', () => {
	it("finds nothing of workspace A with workspace B's id, through every kind of operation", async () => {
		const [email] = (
			await run(
				crm('Search', {
					resource: 'email',
					operation: 'search',
					workspaceId: WORKSPACE_A,
					limit: 1,
				}),
			)
		).json('Search');
		const [event] = (
			await run(
				crm('Events', { resource: 'event', operation: 'list', workspaceId: WORKSPACE_A, limit: 1 }),
			)
		).json('Events');
		const [person] = (
			await run(
				crm('Find', {
					resource: 'person',
					operation: 'find',
					workspaceId: WORKSPACE_A,
					findBy: 'email',
					email: 'grace@globex.example',
				}),
			)
		).json('Find');
		const asB = { workspaceId: WORKSPACE_B };
		const refusals: Array<[INode['parameters'], RegExp]> = [
			[{ resource: 'email', operation: 'get', emailId: String(email.id) }, /No email with ID/],
			[{ resource: 'event', operation: 'get', eventId: String(event.id) }, /No event with ID/],
			[
				{
					resource: 'email',
					operation: 'link',
					emailId: String(email.id),
					recordType: 'person',
					recordId: String(person.id),
					userId: 'intruder',
				},
				/No email .* in this workspace/,
			],
			[
				{
					resource: 'event',
					operation: 'unlink',
					eventId: String(event.id),
					recordType: 'person',
					recordId: String(person.id),
					userId: 'intruder',
				},
				/No calendar event .* in this workspace/,
			],
			[
				{ resource: 'integration', operation: 'getStatus', scope: 'one', integrationId },
				/No integration with ID/,
			],
			[
				{
					resource: 'integration',
					operation: 'updateSettings',
					integrationId,
					settings: { syncMail: false },
				},
				/No integration with ID/,
			],
			[{ resource: 'integration', operation: 'resync', integrationId }, /No integration with ID/],
			[
				{ resource: 'integration', operation: 'disconnect', integrationId },
				/No integration with ID/,
			],
			[
				{ resource: 'sync', operation: 'syncOneIntegration', integrationId },
				/No integration with ID/,
			],
		];
		for (const [parameters, message] of refusals) {
			const result = await run(crm('Op', { ...parameters, ...asB }));
			expect({ parameters, error: result.error?.message }).toEqual({
				parameters,
				error: expect.stringMatching(message),
			});
		}
		const empties: INode['parameters'][] = [
			{ resource: 'email', operation: 'search', returnAll: true },
			{ resource: 'event', operation: 'list', returnAll: true },
			{ resource: 'person', operation: 'find', findBy: 'id', personId: String(person.id) },
			{ resource: 'person', operation: 'find', findBy: 'all', returnAll: true },
			{ resource: 'company', operation: 'find', findBy: 'all', returnAll: true },
			{ resource: 'blocklist', operation: 'list', returnAll: true },
			{ resource: 'integration', operation: 'getStatus' },
		];
		for (const parameters of empties) {
			const result = await run(crm('Op', { ...parameters, ...asB }));
			expect({ parameters, error: result.error, items: result.output('Op') }).toEqual({
				parameters,
				error: undefined,
				items: [],
			});
		}
		// Workspace A's integration is untouched by the attempts above.
		const row = await test.database.knex('integrations').where({ id: integrationId }).first();
		expect(row.status).not.toBe('disconnected');
	});

	it('runs each item on its own: a refused item fails with its index, or carries its error', async () => {
		const [email] = (
			await run(
				crm('Search', {
					resource: 'email',
					operation: 'search',
					workspaceId: WORKSPACE_A,
					limit: 1,
				}),
			)
		).json('Search');
		const items = [
			{ json: { workspaceId: WORKSPACE_A, emailId: email.id } },
			{ json: { workspaceId: WORKSPACE_B, emailId: email.id } },
			{ json: { workspaceId: WORKSPACE_A, emailId: 'not-an-id' } },
		];
		const get = (extra: Partial<INode> = {}) =>
			crm(
				'Get',
				{
					resource: 'email',
					operation: 'get',
					workspaceId: '={{ $json.workspaceId }}',
					emailId: '={{ $json.emailId }}',
				},
				extra,
			);
		const failing = await runWorkflow(chain(get()), {
			credentials,
			pinData: { [manualTriggerNode.name]: items },
		});
		expect(failing.error?.message).toBe(
			`No email with ID ${String(email.id)} in workspace ${WORKSPACE_B}`,
		);
		expect((failing.error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(
			1,
		);

		const continuing = await runWorkflow(chain(get({ onError: 'continueRegularOutput' })), {
			credentials,
			pinData: { [manualTriggerNode.name]: items },
		});
		expect(continuing.error).toBeUndefined();
		expect(
			continuing.output('Get').map((item) => [item.json.id ?? item.json.error, item.pairedItem]),
		).toEqual([
			[email.id, { item: 0 }],
			[`No email with ID ${String(email.id)} in workspace ${WORKSPACE_B}`, { item: 1 }],
			[
				"Email ID must be a UUID (like 00000000-0000-4000-8000-000000000000), got 'not-an-id'",
				{ item: 2 },
			],
		]);
	});

	it('never puts a token or the keyring in node output or errors', () => {
		const all = outputs.join('\n');
		for (const secret of secrets) expect(all).not.toContain(secret);
	});
});
