// The CRM node's Enrichment resource run as n8n runs it (n8n-core WorkflowExecute, in-process)
// against real PostgreSQL: incoming mail with signatures written into the CRM tables as the sync
// leaves it, people filled in from it, offline and through the emulator's OpenAI-compatible model
// surface; the template's own Enrich node; provenance; errors per item.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject, INode } from 'n8n-workflow';

import { closeAllDatabases } from '../../core';
import type { StoredCredential } from '../harness/credentialsHelper';
import {
	chain,
	crmNode,
	manualTriggerNode,
	n8nLog,
	runWorkflow,
	type WorkflowRunResult,
} from '../harness/runWorkflow';
import { startEmulator, type Emulator } from '../emulator';
import { insertEmail, insertIntegration, insertLink, insertPerson } from '../search/seed';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const WORKSPACE = '5e1a7c3d-2b4f-4a6e-8c9d-0e1f2a3b4c5d';
const OTHER_WORKSPACE = '5e1a7c3d-2b4f-4a6e-8c9d-0e1f2a3b4c5e';
const MISSING = '00000000-0000-4000-8000-00000000dead';

let emu: Emulator;
let test: TestDatabase;
let credentials: StoredCredential[];
let integrationId: string;
let optedOutId: string;
let maria: string;
let kenji: string;
let sofia: string;

/** Incoming mail of `person`, with the signature under the sender's own text. */
async function mailFrom(
	integration: string,
	personId: string,
	from: { email: string; name: string },
	body: string,
	sentAt: string,
): Promise<string> {
	const emailId = await insertEmail(test.database, WORKSPACE, {
		subject: 'Next steps',
		bodyText: body,
		fromEmail: from.email,
		fromName: from.name,
		to: [{ email: 'ann@acme.example' }],
		sentAt,
		copies: [{ integrationId: integration, direction: 'incoming' }],
		participants: [
			{ role: 'from', address: from.email, personId },
			{ role: 'to', address: 'ann@acme.example' },
		],
	});
	await insertLink(test.database, WORKSPACE, {
		subjectType: 'email',
		subjectId: emailId,
		recordType: 'person',
		recordId: personId,
	});
	return emailId;
}

const MARIA = { email: 'maria.keller@globex.example', name: 'Maria Keller' };
const KENJI = { email: 'kenji.sato@initech.example', name: 'Kenji Sato' };
const SOFIA = { email: 'sofia.rossi@umbrella.example', name: 'Sofia Rossi' };

beforeAll(async () => {
	emu = await startEmulator({ seed: 'crm-node-enrichment', messages: 0 });
	test = await createTestDatabase();
	credentials = [
		{
			id: 'db-1',
			name: 'CRM Database',
			type: 'crmDatabase',
			data: { connectionType: 'url', url: test.url, schema: test.schema, ssl: 'disable' },
		},
		{
			id: 'model-1',
			name: 'CRM Connect AI Model (emulator)',
			type: 'crmConnectAiModelApi',
			data: { apiKey: emu.openai.apiKey, baseUrl: emu.urls.openai, model: 'gpt-4o-mini' },
		},
	];
	integrationId = await insertIntegration(test.database, WORKSPACE, 'ann@acme.example');
	optedOutId = await insertIntegration(test.database, WORKSPACE, 'bo@acme.example');
	await test.database
		.knex('integrations')
		.where({ id: optedOutId })
		.update({ settings: JSON.stringify({ autoEnrich: false }) });
	maria = await insertPerson(test.database, WORKSPACE, MARIA.email);
	kenji = await insertPerson(test.database, WORKSPACE, KENJI.email);
	sofia = await insertPerson(test.database, WORKSPACE, SOFIA.email);
	await mailFrom(
		integrationId,
		maria,
		MARIA,
		[
			'Hi Ann,',
			'',
			'thanks for the call today. I have attached the signed order form.',
			'',
			'Best regards,',
			'Maria Keller',
			'Head of Procurement',
			'Globex GmbH',
			'Mobile: +49 170 1234567',
			'www.globex.example',
		].join('\n'),
		'2026-11-20T09:00:00Z',
	);
	await mailFrom(
		integrationId,
		kenji,
		KENJI,
		[
			'Ann, the revised quote works for us. Please send the contract.',
			'',
			'Cheers,',
			'Kenji Sato',
			'VP Engineering | Initech',
			'Tel +1 415 555 0134',
			'https://www.linkedin.com/in/kenji-sato',
		].join('\n'),
		'2026-11-21T09:00:00Z',
	);
	// Mail of the opted-out integration: only a run by hand (or of the record) reads it.
	await mailFrom(
		optedOutId,
		sofia,
		SOFIA,
		[
			'Hello Bo, see you on Thursday.',
			'',
			'Kind regards,',
			'Sofia Rossi',
			'Account Director',
			'Umbrella Srl',
			'Cell: +39 347 123 4567',
		].join('\n'),
		'2026-11-22T09:00:00Z',
	);
});

afterAll(async () => {
	await test?.drop();
	await closeAllDatabases();
	await emu?.stop();
});

function crm(
	name: string,
	parameters: INode['parameters'],
	options: { model?: boolean; extra?: Partial<INode> } = {},
): INode {
	return crmNode('crm', name, parameters, {
		credentials: {
			crmDatabase: { id: 'db-1', name: 'CRM Database' },
			...(options.model
				? { crmConnectAiModelApi: { id: 'model-1', name: 'CRM Connect AI Model (emulator)' } }
				: {}),
		},
		...options.extra,
	});
}

/** Every node output and error, to check that the model's key never left the node. */
const outputs: string[] = [];

async function run(node: INode, items?: IDataObject[]): Promise<WorkflowRunResult> {
	const result = await runWorkflow(chain(node), {
		credentials,
		pinData: items ? { [manualTriggerNode.name]: items.map((json) => ({ json })) } : undefined,
	});
	outputs.push(JSON.stringify(result.output(node.name)));
	if (result.error) outputs.push(result.error.message, String(result.error.stack));
	return result;
}

async function person(id: string): Promise<Record<string, unknown>> {
	return (await test.database.knex('people').where({ id }).first()) as Record<string, unknown>;
}

/** The template's own "Enrich after sync" node, as published. */
function templateNode(name: string): INode {
	const template = JSON.parse(
		readFileSync(path.join(__dirname, '../../workflows/signature-enrichment.json'), 'utf8'),
	) as { nodes: INode[] };
	const node = template.nodes.find((candidate) => candidate.name === name)!;
	return { ...node, credentials: { crmDatabase: { id: 'db-1', name: 'CRM Database' } } };
}

describe('Enrich Integration', () => {
	it("after a sync (the template's node): the integration's new mail fills in its senders", async () => {
		const result = await run(templateNode('Enrich after sync'), [
			{ workspaceId: WORKSPACE, integrationId, outcome: 'succeeded' },
			{ workspaceId: WORKSPACE, integrationId: optedOutId, outcome: 'succeeded' },
		]);
		expect(result.error).toBeUndefined();
		const [enriched, optedOut] = result.output('Enrich after sync');
		expect(enriched.pairedItem).toEqual({ item: 0 });
		expect(enriched.json).toMatchObject({ workspaceId: WORKSPACE, integrationId, done: true });
		const counts = enriched.json.counts as Record<string, number>;
		expect(counts.emailsScanned).toBe(2);
		expect(counts.signaturesFound).toBe(2);
		expect(counts.peopleUpdated).toBe(2);
		expect(counts.modelCalls).toBe(0);
		// The opted-out integration is skipped on this path.
		expect(optedOut.json).toMatchObject({ integrationId: optedOutId, skipped: 'opted_out' });

		const filled = await person(maria);
		expect(filled).toMatchObject({ full_name: 'Maria Keller', job_title: 'Head of Procurement' });
		expect(JSON.stringify(filled.phones)).toContain('+491701234567');
		expect(await person(kenji)).toMatchObject({
			linkedin_url: expect.stringContaining('linkedin.com/in/kenji-sato'),
		});
		expect((await person(sofia)).job_title ?? null).toBeNull();
	});

	it('a second run reads nothing and changes nothing', async () => {
		const before = await test.database.knex('people').where({ workspace_id: WORKSPACE });
		const result = await run(
			crm('Enrich', {
				resource: 'enrichment',
				operation: 'enrichIntegration',
				workspaceId: WORKSPACE,
				integrationId,
			}),
		);
		expect(result.error).toBeUndefined();
		const counts = result.json('Enrich')[0].counts as Record<string, number>;
		expect(counts).toMatchObject({ emailsScanned: 0, peopleUpdated: 0, companiesUpdated: 0 });
		expect(await test.database.knex('people').where({ workspace_id: WORKSPACE })).toEqual(before);
	});

	it('by hand (Only If Auto-Enrich Is On off) enriches an opted-out integration', async () => {
		const result = await run(
			crm('Enrich', {
				resource: 'enrichment',
				operation: 'enrichIntegration',
				workspaceId: WORKSPACE,
				integrationId: optedOutId,
				options: { onlyIfAutoEnrich: false, maxEmails: 50 },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Enrich')[0]).toMatchObject({ integrationId: optedOutId, done: true });
		expect(await person(sofia)).toMatchObject({ job_title: 'Account Director' });
	});

	it("names an integration the workspace does not have; another workspace's is the same", async () => {
		for (const [workspaceId, id] of [
			[WORKSPACE, MISSING],
			[OTHER_WORKSPACE, integrationId],
		]) {
			const result = await run(
				crm('Enrich', {
					resource: 'enrichment',
					operation: 'enrichIntegration',
					workspaceId,
					integrationId: id,
				}),
			);
			expect(result.error?.message).toBe(
				`No integration with ID ${id} in workspace ${workspaceId}`,
			);
		}
	});
});

describe('Get Enrichment', () => {
	it('gives the person with every value and where it came from', async () => {
		const result = await run(
			crm('Get', {
				resource: 'enrichment',
				operation: 'getEnrichment',
				workspaceId: WORKSPACE,
				recordType: 'person',
				recordId: maria,
			}),
		);
		expect(result.error).toBeUndefined();
		const [item] = result.json('Get');
		expect(item).toMatchObject({
			workspaceId: WORKSPACE,
			recordType: 'person',
			recordId: maria,
			record: { id: maria, email: MARIA.email, jobTitle: 'Head of Procurement' },
		});
		const values = item.values as Array<Record<string, unknown>>;
		const title = values.find((value) => value.field === 'job_title');
		expect(title).toMatchObject({
			value: 'Head of Procurement',
			extractor: 'signature',
			applied: true,
			sourceEmailId: expect.any(String),
			sourceExcerpt: expect.stringContaining('Head of Procurement'),
		});
		expect(title!.confidence).toBeGreaterThan(0);
		expect(title!.confidence).toBeLessThanOrEqual(1);
		expect(values.some((value) => value.field === 'phones')).toBe(true);
	});
});

describe('Enrich Record', () => {
	it('reads a person again, whether or not the mail was read before', async () => {
		const result = await run(
			crm('Enrich', {
				resource: 'enrichment',
				operation: 'enrichRecord',
				workspaceId: WORKSPACE,
				recordType: 'person',
				recordId: kenji,
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Enrich')[0]).toMatchObject({
			workspaceId: WORKSPACE,
			subjectType: 'person',
			subjectId: kenji,
		});
		expect((result.json('Enrich')[0].counts as Record<string, number>).emailsScanned).toBe(1);
	});

	it('an unknown record is a clear error; with Continue On Fail the other items go on', async () => {
		const failing = await run(
			crm('Enrich', {
				resource: 'enrichment',
				operation: 'enrichRecord',
				workspaceId: WORKSPACE,
				recordType: 'person',
				recordId: MISSING,
			}),
		);
		expect(failing.error?.message).toBe(`No person with ID ${MISSING} in workspace ${WORKSPACE}`);

		const result = await run(
			crm(
				'Enrich',
				{
					resource: 'enrichment',
					operation: 'enrichRecord',
					workspaceId: WORKSPACE,
					recordType: '={{ $json.recordType }}',
					recordId: '={{ $json.recordId }}',
				},
				{ extra: { onError: 'continueRegularOutput' } },
			),
			[
				{ recordType: 'person', recordId: MISSING },
				{ recordType: 'person', recordId: maria },
				{ recordType: 'company', recordId: 'globex' },
			],
		);
		expect(result.error).toBeUndefined();
		const items = result.output('Enrich');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json).toEqual({
			error: `No person with ID ${MISSING} in workspace ${WORKSPACE}`,
		});
		expect(items[1].json).toMatchObject({ subjectType: 'person', subjectId: maria });
		expect(items[2].json.error).toBe(
			"Record ID must be a UUID (like 00000000-0000-4000-8000-000000000000), got 'globex'",
		);
	});

	it('Get Enrichment of a missing company names it', async () => {
		const result = await run(
			crm('Get', {
				resource: 'enrichment',
				operation: 'getEnrichment',
				workspaceId: WORKSPACE,
				recordType: 'company',
				recordId: MISSING,
			}),
		);
		expect(result.error?.message).toBe(`No company with ID ${MISSING} in workspace ${WORKSPACE}`);
	});
});

describe('Use AI Model', () => {
	it("sends the signature block only to the credential's model, and keeps its grounded values", async () => {
		emu.openai.reset();
		const result = await run(
			crm(
				'Enrich',
				{
					resource: 'enrichment',
					operation: 'enrichRecord',
					workspaceId: WORKSPACE,
					recordType: 'person',
					recordId: maria,
					useAiModel: true,
				},
				{ model: true },
			),
		);
		expect(result.error).toBeUndefined();
		const counts = result.json('Enrich')[0].counts as Record<string, number>;
		expect(counts.modelCalls).toBeGreaterThanOrEqual(1);
		const requests = emu.openai.requests();
		expect(requests.length).toBeGreaterThanOrEqual(1);
		const sent = JSON.stringify(requests.map((request) => request.messages));
		expect(sent).toContain('Head of Procurement');
		// The sender's own text and the rest of the mail stay here.
		expect(sent).not.toContain('signed order form');

		const got = await run(
			crm('Get', {
				resource: 'enrichment',
				operation: 'getEnrichment',
				workspaceId: WORKSPACE,
				recordType: 'person',
				recordId: maria,
			}),
		);
		const values = got.json('Get')[0].values as Array<Record<string, unknown>>;
		expect(values.some((value) => String(value.extractor).startsWith('llm:'))).toBe(true);
	});

	it('an unreadable answer falls back to the offline values', async () => {
		emu.openai.reset();
		emu.openai.scriptAnswers({ content: '{"fullName": "Kenji' }, { content: 'not json at all' });
		const result = await run(
			crm(
				'Enrich',
				{
					resource: 'enrichment',
					operation: 'enrichRecord',
					workspaceId: WORKSPACE,
					recordType: 'person',
					recordId: kenji,
					useAiModel: true,
				},
				{ model: true },
			),
		);
		expect(result.error).toBeUndefined();
		const counts = result.json('Enrich')[0].counts as Record<string, number>;
		expect(counts.modelFallbacks).toBeGreaterThanOrEqual(1);
		expect(await person(kenji)).toMatchObject({
			linkedin_url: expect.stringContaining('linkedin.com/in/kenji-sato'),
		});
	});

	it('without a credential, "Use AI Model" is refused; the key never appears in output or log', async () => {
		const result = await run(
			crm('Enrich', {
				resource: 'enrichment',
				operation: 'enrichRecord',
				workspaceId: WORKSPACE,
				recordType: 'person',
				recordId: maria,
				useAiModel: true,
			}),
		);
		expect(result.error?.message).toMatch(/credential/i);
		const everything = [...outputs, ...n8nLog.map((line) => line.message)].join('\n');
		expect(everything).not.toContain(emu.openai.apiKey);
	});
});
