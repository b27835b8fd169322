// The "AI signature enrichment" template in a real n8n, as an operator runs it: Periodic sync leases
// the Google integration, syncs it, links its mail and then calls the enrichment sub-workflow,
// which fills in the senders from their signatures (compared with the emulator's truth, every value
// with its provenance). An integration whose Auto-Enrich is off is skipped after the sync; the
// template's "Run by hand" entry then enriches it, and a second run changes nothing.
import { Client } from 'pg';

import { connectIntegration } from '../../core/store/integrations';
import { closeAllDatabases, openDatabase, parseProviderApps } from '../../core';
import type { ExecutionSummary, WorkflowJson } from '../../scripts/n8n/rest';
import { importPublishedWorkflows, saveAiModelCredential } from '../../scripts/n8n/sandbox';
import { credentialData } from '../connect/support';
import { eventually, startCrmN8n, type CrmN8n } from './support/crmN8n';

jest.setTimeout(300_000);

const WORKSPACE = '7a2d3b4c-5d6e-4f70-8a1b-2c3d4e5f6a7b';
const TICK_SECONDS = 10;
/** Sender of the mail delivered while Auto-Enrich is off. */
const LATE = { email: 'lena.berg@northwind.example', name: 'Lena Berg' };

let crm: CrmN8n;
let crmDb: Client;
let integrationId: string;
let enrichmentId: string;
let periodicIds: string[];

async function query<T = Record<string, unknown>>(sql: string, values: unknown[] = []) {
	return (await crmDb.query(sql, values)).rows as T[];
}

/** Finished runs of a workflow, oldest first. */
async function finishedRuns(workflowId: string): Promise<ExecutionSummary[]> {
	return (await crm.rest.executions(workflowId))
		.filter((run) => run.status !== 'running' && run.status !== 'new')
		.sort((a, b) => Number(a.id) - Number(b.id));
}

/** What one enrichment execution's Enrich node output. */
async function enrichOutput(executionId: string): Promise<Array<Record<string, unknown>>> {
	const detail = await crm.rest.execution(executionId);
	const runData = detail.data.resultData.runData;
	return ['Enrich after sync', 'Enrich by hand', 'Enrich with the model'].flatMap((name) =>
		(runData[name] ?? []).flatMap((task) =>
			(task.data?.main?.[0] ?? []).map((item) => item.json as Record<string, unknown>),
		),
	);
}

/** People and enrichment values of the workspace, to compare before and after a run. */
async function snapshot() {
	return {
		people: await query('select * from people where workspace_id = $1 order by id', [WORKSPACE]),
		companies: await query('select * from companies where workspace_id = $1 order by id', [
			WORKSPACE,
		]),
		values: await query(
			'select * from enrichment_results where workspace_id = $1 order by subject_id, field, value',
			[WORKSPACE],
		),
	};
}

/**
 * A workflow run from its "Run by hand" trigger, as the editor's Execute workflow does (`n8n
 * execute` would start the template from its Execute Workflow Trigger instead).
 */
async function runByHand(workflowId = enrichmentId): Promise<Array<Record<string, unknown>>> {
	const started = await crm.rest.request<{ executionId: string }>(
		'POST',
		`/rest/workflows/${workflowId}/run`,
		{ triggerToStartFrom: { name: 'Run by hand' } },
	);
	const run = await eventually('the run by hand to finish', async () => {
		const found = (await finishedRuns(workflowId)).find(
			(one) => one.id === String(started.executionId),
		);
		return found;
	});
	if (run.status !== 'success') {
		const detail = await crm.rest.execution(run.id);
		throw new Error(
			`run by hand ended ${run.status}: ${JSON.stringify(detail.data.resultData.error)}`,
		);
	}
	return await enrichOutput(run.id);
}

/** A mail with a signature in the Gmail inbox, as the sender wrote it. */
async function deliverSignedMail(): Promise<void> {
	const mailbox = crm.emulator.sandbox.googleEmail;
	const raw = [
		`From: "${LATE.name}" <${LATE.email}>`,
		`To: ${mailbox}`,
		'Subject: Our call on Thursday',
		`Date: ${new Date().toUTCString()}`,
		`Message-ID: <${Date.now()}.signed@northwind.example>`,
		'Content-Type: text/plain; charset=utf-8',
		'',
		'Hi, thursday 10:00 works for us. I will bring the pricing sheet.',
		'',
		'Best regards,',
		'Lena Berg',
		'Chief Operating Officer',
		'Northwind Traders AB',
		'Mobile: +46 70 123 45 67',
		'https://www.linkedin.com/in/lena-berg',
	].join('\r\n');
	const response = await fetch(`${crm.emulator.baseUrl}/_emulator/gmail/deliver`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: mailbox, raw: [Buffer.from(raw).toString('base64url')] }),
	});
	expect(response.status).toBe(200);
}

beforeAll(async () => {
	crm = await startCrmN8n({ name: 'signature-enrichment', messages: 60 });
	// The CRM tables, migrated as the CRM Database credential's autoMigrate would.
	const database = openDatabase(crm.crmDatabase);
	await database.ready();
	// A Google account connected as the connect flow leaves it: tokens sealed with the keyring of
	// the CRM Connect Apps credential n8n holds.
	const apps = parseProviderApps(
		credentialData(crm.emulator, { tokenKeys: crm.connectApps.tokenKeys }),
	);
	const email = crm.emulator.sandbox.googleEmail;
	const issued = crm.emulator.control.issueToken(email, { provider: 'google', ttlSeconds: 3599 });
	const { integration } = await connectIntegration(database.knex, apps.cipher, {
		workspaceId: WORKSPACE,
		userId: 'crm-user-1',
		provider: 'google',
		accountEmail: email,
		grantedScopes: issued.scope.split(' '),
		tokens: {
			accessToken: issued.access_token,
			refreshToken: `1//refresh-${email}`,
			expiresAt: new Date(Date.now() + 3_000_000),
		},
	});
	integrationId = integration.id;
	await closeAllDatabases();

	crmDb = new Client({ connectionString: crm.crmDatabase.url });
	await crmDb.connect();
	await crmDb.query(`set search_path to "${crm.crmDatabase.schema}"`);

	// The templates as published; a faster tick and the ids of "Run by hand" the only changes.
	const imported = await importPublishedWorkflows(
		crm.rest,
		(workflow): WorkflowJson => ({
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
				if (node.name === 'Integration to enrich') {
					return JSON.parse(
						JSON.stringify(node)
							.replace('00000000-0000-4000-8000-000000000001', WORKSPACE)
							.replace('00000000-0000-4000-8000-000000000002', integrationId),
					) as typeof node;
				}
				return node;
			}),
		}),
		(name) =>
			name.startsWith('Template · Periodic sync') ||
			name.startsWith('Template · AI signature enrichment'),
	);
	expect(imported.map((workflow) => workflow.source).sort()).toEqual([
		'workflows/periodic-sync-one-integration.json',
		'workflows/periodic-sync.json',
		'workflows/signature-enrichment.json',
	]);
	enrichmentId = imported.find((one) => one.source.includes('signature-enrichment'))!.stored.id;
	periodicIds = imported
		.filter((one) => one.source.includes('periodic'))
		.map((one) => one.stored.id);
	// Sub-workflows first: n8n runs only published sub-workflows from a published workflow.
	const isParent = (source: string) => source === 'workflows/periodic-sync.json';
	for (const workflow of imported.sort(
		(a, b) => Number(isParent(a.source)) - Number(isParent(b.source)),
	)) {
		await crm.rest.activate(workflow.stored.id);
	}
});

afterAll(async () => {
	await crmDb?.end();
	await crm?.stop();
});

/** Figures of the run after the sync, for the README. */
const figures: Record<string, unknown> = {};

test('after each sync: the senders get their signature values, each with its provenance', async () => {
	const started = Date.now();
	const run = await eventually(
		'the enrichment sub-workflow after the first sync',
		async () => (await finishedRuns(enrichmentId))[0],
		180_000,
	);
	figures.firstEnrichmentAfterMs = Date.now() - started;
	expect(run.status).toBe('success');
	const [result] = await enrichOutput(run.id);
	expect(result).toMatchObject({ workspaceId: WORKSPACE, integrationId, done: true });
	const counts = result.counts as Record<string, number>;
	expect(counts.emailsScanned).toBeGreaterThan(0);
	expect(counts.signaturesFound).toBeGreaterThan(0);
	expect(counts.modelCalls).toBe(0);
	figures.counts = counts;

	// Every signature value names its email, extractor, confidence and the line it came from.
	const values = await query<{
		subject_type: string;
		subject_id: string;
		field: string;
		value: unknown;
		confidence: string;
		extractor: string;
		source_email_id: string | null;
		source_excerpt: string | null;
	}>(`select * from enrichment_results where workspace_id = $1 and extractor = 'signature'`, [
		WORKSPACE,
	]);
	expect(values.length).toBeGreaterThan(0);
	for (const value of values) {
		expect({
			field: value.field,
			email: Boolean(value.source_email_id),
			excerpt: Boolean(value.source_excerpt),
		}).toEqual({ field: value.field, email: true, excerpt: true });
		expect(Number(value.confidence)).toBeGreaterThan(0);
		expect(Number(value.confidence)).toBeLessThanOrEqual(1);
	}
	const emailIds = new Set(
		(await query<{ id: string }>('select id from emails where workspace_id = $1', [WORKSPACE])).map(
			(row) => row.id,
		),
	);
	expect(values.filter((value) => !emailIds.has(value.source_email_id!))).toEqual([]);

	// Against the emulator's truth: the senders of inbox mail with a signature.
	// A sender's messages may carry different layouts of the signature: their values together.
	const truth = new Map<string, { jobTitles: Set<string>; phones: Set<string> }>();
	const account = crm.emulator.state.getAccount(crm.emulator.sandbox.googleEmail)!;
	for (const message of account.mailbox.messages()) {
		const signature = message.signature;
		if (!signature || !message.labelIds.includes('INBOX')) continue;
		const key = signature.email.toLowerCase();
		const known = truth.get(key) ?? { jobTitles: new Set<string>(), phones: new Set<string>() };
		if (signature.jobTitle) known.jobTitles.add(signature.jobTitle);
		for (const phone of signature.phones) known.phones.add(phone);
		truth.set(key, known);
	}
	const people = await query<{ email: string; job_title: string | null; phones: unknown }>(
		'select email, job_title, phones from people where workspace_id = $1',
		[WORKSPACE],
	);
	let withTruth = 0;
	let titles = 0;
	let titlesRight = 0;
	let phonesRight = 0;
	let phonesInvented = 0;
	let phonesWrongCountry = 0;
	for (const person of people) {
		const expected = truth.get(person.email.toLowerCase());
		if (!expected) continue;
		withTruth++;
		if (person.job_title) {
			titles++;
			if (expected.jobTitles.has(person.job_title)) titlesRight++;
		}
		const phones = JSON.stringify(person.phones ?? []);
		if ([...expected.phones].some((phone) => phones.includes(phone))) phonesRight++;
		for (const found of phones.match(/\+\d{6,15}/g) ?? []) {
			if (expected.phones.has(found)) continue;
			// The same subscriber digits under another country code is a misread national number;
			// digits that are in no signature of the sender would be invented.
			const tail = found.slice(-7);
			if ([...expected.phones].some((phone) => phone.endsWith(tail))) phonesWrongCountry++;
			else phonesInvented++;
		}
	}
	Object.assign(figures, {
		withTruth,
		titles,
		titlesRight,
		phonesRight,
		phonesWrongCountry,
		phonesInvented,
	});
	console.log(`signature enrichment in n8n: ${JSON.stringify(figures)}`);
	expect(withTruth).toBeGreaterThan(0);
	expect(titlesRight).toBeGreaterThan(0);
	expect(phonesRight).toBeGreaterThan(0);
	expect(phonesInvented).toBe(0);
});

test('Auto-Enrich off: the next sync is not enriched; "Run by hand" enriches it, and again changes nothing', async () => {
	await crmDb.query(
		`update integrations set settings = settings || '{"autoEnrich": false}'::jsonb, next_sync_at = now() where id = $1`,
		[integrationId],
	);
	const runsBefore = (await finishedRuns(enrichmentId)).length;
	await deliverSignedMail();
	const skipped = await eventually('the enrichment after the next sync', async () => {
		const runs = await finishedRuns(enrichmentId);
		return runs.length > runsBefore ? runs[runs.length - 1] : undefined;
	});
	expect(skipped.status).toBe('success');
	expect((await enrichOutput(skipped.id))[0]).toMatchObject({
		integrationId,
		skipped: 'opted_out',
	});
	const [late] = await query<{ id: string; job_title: string | null }>(
		'select id, job_title from people where workspace_id = $1 and email = $2',
		[WORKSPACE, LATE.email],
	);
	expect(late).toBeDefined();
	expect(late.job_title).toBeNull();

	// The periodic sync stops, so that only the run by hand reads the mail.
	for (const id of periodicIds) await crm.rest.deactivate(id);
	const byHand = await runByHand();
	expect(byHand).toHaveLength(1);
	expect(byHand[0]).toMatchObject({ workspaceId: WORKSPACE, integrationId, done: true });
	expect((byHand[0].counts as Record<string, number>).emailsScanned).toBeGreaterThanOrEqual(1);
	const [filled] = await query<{ job_title: string | null; phones: unknown; linkedin_url: string }>(
		'select job_title, phones, linkedin_url from people where id = $1',
		[late.id],
	);
	expect(filled.job_title).toBe('Chief Operating Officer');
	expect(JSON.stringify(filled.phones)).toContain('+46701234567');
	expect(filled.linkedin_url).toContain('linkedin.com/in/lena-berg');

	const before = await snapshot();
	const again = await runByHand();
	expect(again[0].counts).toMatchObject({
		emailsScanned: 0,
		peopleUpdated: 0,
		companiesUpdated: 0,
	});
	expect(await snapshot()).toEqual(before);
});

test("Use AI Model: the sandbox model credential passes n8n's test, and Enrich Record sends the signature to it", async () => {
	const credential = await saveAiModelCredential(crm.rest, {
		baseUrl: crm.emulator.urls.openai,
		apiKey: crm.emulator.openai.apiKey,
		model: 'gpt-4o-mini',
	});
	expect(await crm.rest.testCredential(credential.id)).toMatchObject({ status: 'OK' });

	const [late] = await query<{ id: string }>(
		'select id from people where workspace_id = $1 and email = $2',
		[WORKSPACE, LATE.email],
	);
	const workflow: WorkflowJson = {
		name: 'Enrich one person with the model',
		nodes: [
			{
				id: '3c1d2e4f-0000-4000-8000-000000000001',
				name: 'Run by hand',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '3c1d2e4f-0000-4000-8000-000000000002',
				name: 'Enrich with the model',
				type: 'n8n-nodes-crm-connect.crm',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'enrichment',
					operation: 'enrichRecord',
					workspaceId: WORKSPACE,
					recordType: 'person',
					recordId: late.id,
					useAiModel: true,
				},
				credentials: {
					crmDatabase: { id: crm.credentials.database.id, name: crm.credentials.database.name },
					crmConnectAiModelApi: { id: credential.id, name: credential.name },
				},
			},
		],
		connections: {
			'Run by hand': {
				main: [[{ node: 'Enrich with the model', type: 'main', index: 0 }]],
			},
		},
	};
	const stored = await crm.rest.importWorkflow(workflow);
	crm.emulator.openai.reset();
	const [result] = await runByHand(stored.id);
	expect((result.counts as Record<string, number>).modelCalls).toBeGreaterThanOrEqual(1);
	// The contact details are read from the signature block alone (classification, a request of
	// its own, is given subjects and snippets).
	const extraction = JSON.stringify(
		crm.emulator.openai
			.requests()
			.map((request) => request.messages)
			.filter((messages) => JSON.stringify(messages).includes('Signature block')),
	);
	expect(extraction).toContain('Chief Operating Officer');
	expect(extraction).not.toContain('pricing sheet');
	const [{ fromModel }] = await query<{ fromModel: string }>(
		`select count(*) as "fromModel" from enrichment_results where subject_id = $1 and extractor like 'llm:%'`,
		[late.id],
	);
	expect(Number(fromModel)).toBeGreaterThan(0);
	// n8n's log never shows the key.
	expect(crm.mainLog()).not.toContain(crm.emulator.openai.apiKey);
});
