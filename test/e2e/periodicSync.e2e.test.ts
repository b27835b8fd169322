// The periodic sync template in a real n8n, as an operator runs it: a workspace user connects Google
// and Microsoft 365 through the CRM API node (connect URL → the emulator's consent → n8n's callback
// route → back to the CRM with "Connected as …"); the published template leases the due
// integrations, syncs each in its own sub-workflow execution and links the result; the CRM tables
// then hold the mailbox exactly. A revoked grant makes the next tick tell the admin, once.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Client } from 'pg';

import { signApiToken } from '../../core/security/apiToken';
import {
	emulatorConsent,
	importPublishedWorkflows,
	saveConnectAppsCredential,
} from '../../scripts/n8n/sandbox';
import type { WorkflowJson } from '../../scripts/n8n/rest';
import { startCrmN8n, type CrmN8n } from './support/crmN8n';

jest.setTimeout(300_000);

const WORKSPACE = '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const TICK_SECONDS = 10;

let crm: CrmN8n;
let crmDb: Client;
let server: Server;
let origin: string;
const notices: Array<Record<string, unknown>> = [];
let linkingWorkflowId: string;

function readBody(request: IncomingMessage): Promise<string> {
	return new Promise((resolve) => {
		let text = '';
		request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
		request.on('end', () => resolve(text));
	});
}

/** The CRM backend's side: where users come back to, and the admin notice endpoint. */
async function startCrmBackend(): Promise<void> {
	server = createServer((request, response) => {
		void (async () => {
			if (request.method === 'POST' && request.url === '/admin-notices') {
				notices.push(JSON.parse(await readBody(request)) as Record<string, unknown>);
			}
			response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
		})();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function apiToken(): Promise<string> {
	return await signApiToken(
		{
			workspaceId: WORKSPACE,
			userId: 'crm-user-17',
			scopes: ['integrations:read', 'integrations:write'],
		},
		Buffer.from(crm.connectApps.apiSigningSecret, 'utf8'),
	);
}

const apiUrl = (route: string) => `${crm.connectApps.publicBaseUrl}/${route}`;

async function query<T = Record<string, unknown>>(sql: string, values: unknown[] = []) {
	return (await crmDb.query(sql, values)).rows as T[];
}

async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined | null | false>,
	timeoutMs = 120_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
}

/** A user connects an account through the CRM API node, as the widget's Connect button does. */
async function connect(provider: 'google' | 'microsoft', email: string): Promise<URL> {
	const token = await apiToken();
	const started = await fetch(
		`${apiUrl('connect-url')}?provider=${provider}&returnUrl=${encodeURIComponent(`${origin}/integrations`)}`,
		{ headers: { authorization: `Bearer ${token}` } },
	);
	const body = (await started.json()) as { url?: string };
	expect({ status: started.status, url: typeof body.url }).toEqual({ status: 200, url: 'string' });
	const consent = await emulatorConsent(crm.emulator, email)(body.url!);
	// The provider sends the browser to n8n's callback route, which answers with a redirect back.
	expect(consent.location.startsWith(apiUrl('oauth/callback'))).toBe(true);
	const callback = await fetch(consent.location, { redirect: 'manual' });
	expect(callback.status).toBe(302);
	return new URL(callback.headers.get('location')!);
}

/** Ids of the Gmail messages the sync should hold: received mail in Inbox or Sent. */
async function gmailInboxAndSent(): Promise<string[]> {
	const ids = new Set<string>();
	for (const label of ['INBOX', 'SENT']) {
		let pageToken: string | undefined;
		do {
			const url = new URL(`${crm.emulator.urls.googleApis}gmail/v1/users/me/messages`);
			url.searchParams.set('labelIds', label);
			url.searchParams.set('maxResults', '500');
			if (pageToken) url.searchParams.set('pageToken', pageToken);
			const response = await fetch(url, {
				headers: { authorization: `Bearer ${crm.emulator.sandbox.accessToken}` },
			});
			const page = (await response.json()) as {
				messages?: Array<{ id: string }>;
				nextPageToken?: string;
			};
			for (const message of page.messages ?? []) ids.add(message.id);
			pageToken = page.nextPageToken;
		} while (pageToken);
	}
	return [...ids].sort();
}

beforeAll(async () => {
	await startCrmBackend();
	crm = await startCrmN8n({ name: 'periodic-sync', messages: 40 });
	// The CRM's own origin is where users may come back to.
	crm.connectApps.allowedReturnOrigins = origin;
	await saveConnectAppsCredential(
		crm.rest,
		{ baseUrl: crm.emulator.baseUrl, sandbox: crm.emulator.sandbox },
		crm.connectApps,
	);
	crmDb = new Client({ connectionString: crm.crmDatabase.url });
	await crmDb.connect();
	await crmDb.query(`set search_path to "${crm.crmDatabase.schema}"`);

	// The CRM API node, published on its own.
	const api: WorkflowJson = {
		name: 'CRM API',
		nodes: [
			{
				id: '0b7e4d1a-1111-4c2d-9e8f-000000000001',
				name: 'CRM API',
				type: 'n8n-nodes-crm-connect.crmApi',
				typeVersion: 2,
				position: [0, 0],
				parameters: {},
				credentials: {
					crmDatabase: { name: 'CRM Database' },
					crmConnectAppsApi: { name: 'CRM Connect Apps' },
				},
				webhookId: '0b7e4d1a-1111-4c2d-9e8f-0000000000aa',
			},
		],
		connections: {},
	};
	const apiWorkflow = await crm.rest.importWorkflow(api, 'CRM API');
	await crm.rest.activate(apiWorkflow.id);

	// The templates as published, a faster tick and the CRM's notice endpoint the only changes.
	const imported = await importPublishedWorkflows(
		crm.rest,
		(workflow) => ({
			...workflow,
			nodes: workflow.nodes.map((node) => {
				if (node.type === 'n8n-nodes-base.scheduleTrigger') {
					return {
						...node,
						parameters: {
							rule: { interval: [{ field: 'seconds', secondsInterval: TICK_SECONDS }] },
						},
					};
				}
				if (node.name === 'Workspace' && node.type === 'n8n-nodes-base.set') {
					return JSON.parse(
						JSON.stringify(node).replace('00000000-0000-4000-8000-000000000001', WORKSPACE),
					) as typeof node;
				}
				if (node.name === 'Tell the admin') {
					return {
						...node,
						parameters: { ...(node.parameters as object), url: `${origin}/admin-notices` },
					};
				}
				return node;
			}),
		}),
		(name) =>
			name.startsWith('Template · Periodic sync') ||
			name.startsWith('Template · Record linking') ||
			name.startsWith('Template · AI signature enrichment'),
	);
	expect(imported.map((workflow) => workflow.source).sort()).toEqual([
		'workflows/periodic-sync-one-integration.json',
		'workflows/periodic-sync.json',
		'workflows/record-linking.json',
		'workflows/signature-enrichment.json',
	]);
	linkingWorkflowId = imported.find((workflow) => workflow.source.includes('record-linking'))!
		.stored.id;
	// The sub-workflows are published first: n8n runs only published sub-workflows.
	const isParent = (source: string) => source === 'workflows/periodic-sync.json';
	const subFirst = imported
		.filter((workflow) => workflow.kind === 'trigger')
		.sort((a, b) => Number(isParent(a.source)) - Number(isParent(b.source)));
	for (const workflow of subFirst) await crm.rest.activate(workflow.stored.id);
});

afterAll(async () => {
	await crmDb?.end();
	await crm?.stop();
	await new Promise((resolve) => server?.close(resolve));
});

test('connected through the CRM API node, both accounts are synced by the published template and linked', async () => {
	const google = await connect('google', crm.emulator.sandbox.googleEmail);
	expect(`${google.origin}${google.pathname}`).toBe(`${origin}/integrations`);
	expect(google.searchParams.get('status')).toBe('connected');
	expect(google.searchParams.get('message')).toBe(
		`Connected as ${crm.emulator.sandbox.googleEmail}`,
	);
	const microsoft = await connect('microsoft', crm.emulator.sandbox.microsoftEmail);
	expect(microsoft.searchParams.get('message')).toBe(
		`Connected as ${crm.emulator.sandbox.microsoftEmail}`,
	);

	const integrations = await query<{ id: string; provider: string; account_email: string }>(
		'select id, provider, account_email from integrations where workspace_id = $1 order by provider',
		[WORKSPACE],
	);
	expect(integrations.map((row) => row.provider)).toEqual(['google', 'microsoft']);
	const googleId = integrations[0].id;

	// Within a few ticks both have a succeeded sync.
	await waitFor('both integrations synced', async () => {
		const done = await query(
			`select distinct integration_id from sync_runs where workspace_id = $1 and status = 'succeeded'`,
			[WORKSPACE],
		);
		return done.length === 2;
	});

	// Gmail: exactly the Inbox and Sent mail, one copy each.
	const expected = await gmailInboxAndSent();
	const stored = await query<{ provider_message_id: string }>(
		'select provider_message_id from mailbox_messages where workspace_id = $1 and integration_id = $2 and deleted_at is null order by provider_message_id',
		[WORKSPACE, googleId],
	);
	expect(stored.map((row) => row.provider_message_id)).toEqual(expected);
	const [{ emails }] = await query<{ emails: string }>(
		'select count(*) as emails from emails where workspace_id = $1',
		[WORKSPACE],
	);
	expect(Number(emails)).toBeGreaterThanOrEqual(expected.length);
	const [{ events }] = await query<{ events: string }>(
		'select count(*) as events from calendar_events where workspace_id = $1',
		[WORKSPACE],
	);
	expect(Number(events)).toBeGreaterThan(0);
	// Microsoft 365: its mail is there too.
	const [{ graphCopies }] = await query<{ graphCopies: string }>(
		'select count(*) as "graphCopies" from mailbox_messages where workspace_id = $1 and integration_id = $2',
		[WORKSPACE, integrations[1].id],
	);
	expect(Number(graphCopies)).toBeGreaterThan(0);

	// Linked: people were created from the mail and the mail points at them.
	await waitFor('records linked', async () => {
		const [{ links }] = await query<{ links: string }>(
			'select count(*) as links from record_links where workspace_id = $1',
			[WORKSPACE],
		);
		return Number(links) > 0;
	});

	// Each integration was synced in a sub-workflow execution of its own, each one succeeded.
	const workflows = await crm.rest.request<Array<{ id: string; name: string }>>(
		'GET',
		'/rest/workflows',
	);
	const sub = workflows.find((workflow) => workflow.name.includes('sync one leased integration'))!;
	const parent = workflows.find(
		(workflow) => workflow.name.startsWith('Template · Periodic sync') && workflow.id !== sub.id,
	)!;
	const subRuns = await crm.rest.executions(sub.id);
	expect(subRuns.length).toBeGreaterThanOrEqual(2);
	expect(subRuns.filter((run) => run.status !== 'success')).toEqual([]);
	// A tick still running (it waits for the enrichment of what it synced) is judged once done.
	const parentRuns = await waitFor('a finished tick', async () => {
		const finished = (await crm.rest.executions(parent.id)).filter(
			(run) => run.status !== 'running' && run.status !== 'new',
		);
		return finished.length > 0 && finished;
	});
	expect(parentRuns.filter((run) => run.status !== 'success')).toEqual([]);

	// Later ticks change nothing: the same rows, no second copy of anything.
	const before = await query('select count(*) from mailbox_messages where workspace_id = $1', [
		WORKSPACE,
	]);
	await new Promise((resolve) => setTimeout(resolve, (TICK_SECONDS + 2) * 1000));
	expect(
		await query('select count(*) from mailbox_messages where workspace_id = $1', [WORKSPACE]),
	).toEqual(before);
});

test('a revoked grant: the next tick marks the integration requires_reauth and tells the admin once', async () => {
	const [google] = await query<{ id: string }>(
		`select id from integrations where workspace_id = $1 and provider = 'google'`,
		[WORKSPACE],
	);
	crm.emulator.control.revokeGrants(crm.emulator.sandbox.googleEmail);
	// The user asks for a resync through the API: the integration is due at the next tick.
	const resync = await fetch(`${apiUrl('resync')}?integrationId=${google.id}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${await apiToken()}` },
	});
	expect(resync.status).toBeLessThan(300);

	const notice = await waitFor('the admin notice', async () =>
		notices.find((one) => one.integrationId === google.id),
	);
	expect(notice).toMatchObject({
		kind: 'integration_needs_attention',
		workspaceId: WORKSPACE,
		provider: 'google',
		accountEmail: crm.emulator.sandbox.googleEmail,
		status: 'requires_reauth',
	});
	const [row] = await query<{ status: string; error_message: string }>(
		'select status, error_message from integrations where id = $1',
		[google.id],
	);
	expect(row.status).toBe('requires_reauth');
	expect(row.error_message).toBe('Your email connection needs re-authentication');

	// Two more ticks: no second notice for the same change.
	await new Promise((resolve) => setTimeout(resolve, (2 * TICK_SECONDS + 2) * 1000));
	expect(notices.filter((one) => one.integrationId === google.id)).toHaveLength(1);
	// Synced data is kept.
	const [{ copies }] = await query<{ copies: string }>(
		'select count(*) as copies from mailbox_messages where integration_id = $1',
		[google.id],
	);
	expect(Number(copies)).toBeGreaterThan(0);
});

test('the record linking template, run by hand, links the workspace again as the sync had', async () => {
	const linksOf = async () =>
		await query<{ subject_id: string; record_id: string; record_type: string }>(
			`select subject_id, record_id, record_type from record_links
			 where workspace_id = $1 and link_source = 'auto' order by 1, 2, 3`,
			[WORKSPACE],
		);
	// The periodic sync stops first, so that only the template can bring the links back.
	const workflows = await crm.rest.request<Array<{ id: string; name: string; active: boolean }>>(
		'GET',
		'/rest/workflows',
	);
	for (const workflow of workflows.filter((one) => one.active && one.name.includes('Periodic'))) {
		await crm.rest.deactivate(workflow.id);
	}
	await new Promise((resolve) => setTimeout(resolve, 3000));
	const before = await linksOf();
	expect(before.length).toBeGreaterThan(0);
	await crmDb.query(`delete from record_links where workspace_id = $1 and link_source = 'auto'`, [
		WORKSPACE,
	]);
	const runsBefore = (await crm.rest.executions(linkingWorkflowId)).length;
	await crm.cli(['execute', `--id=${linkingWorkflowId}`]);
	// Judged by the execution n8n saved (see the README's troubleshooting on `n8n execute`).
	const runs = await crm.rest.executions(linkingWorkflowId);
	expect(runs.length).toBe(runsBefore + 1);
	expect(runs.every((run) => run.status === 'success')).toBe(true);
	expect(await linksOf()).toEqual(before);
});
