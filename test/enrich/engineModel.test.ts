// The engine's model path against the emulator's OpenAI-compatible surface: grounded answers merged
// with extractor 'llm:<model>', invented values rejected (never stored), and every fault falling
// back to the offline values and the offline classification rules.
import type { Knex } from 'knex';

import {
	enrichIntegration,
	getEnrichment,
	type EnrichDeps,
} from '../../core/enrich/enrichWorkspace';
import type { ModelSettings } from '../../core/enrich/modelClient';
import { DEFAULT_OPENAI_API_KEY, startEmulator, type Emulator } from '../emulator';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { body, EngineSeed } from './engineSeed';

let test: TestDatabase;
let knex: Knex;
let emu: Emulator;
let model: ModelSettings;

beforeAll(async () => {
	test = await createTestDatabase();
	knex = test.database.knex;
	emu = await startEmulator({ seed: 'engine-model', messages: 1 });
	model = {
		apiKey: DEFAULT_OPENAI_API_KEY,
		baseUrl: emu.urls.openai,
		model: 'gpt-4o-mini',
		timeoutMs: 3000,
		maxRetries: 0,
	};
});
afterAll(async () => {
	await emu.stop();
	await test.drop();
});
afterEach(() => {
	emu.control.clearFaults();
	emu.control.resetCalls();
	emu.openai.reset();
});

const SIGNATURE = [
	'Bob Miller',
	'Head of Sales | Globex Corporation',
	'Phone: +49 30 1234567',
	'https://www.linkedin.com/in/bob-miller',
];
const OWN_TEXT = 'Hi Ana,\n\nthe confidential price list for Atlas is attached.';

async function workspace() {
	const seed = new EngineSeed(knex);
	await seed.settings(['acme.example']);
	const integrationId = await seed.integration('ana@acme.example');
	const bobId = await seed.person('bob@globex.example');
	const emailId = await seed.mail({
		integrationId,
		from: 'bob@globex.example',
		fromName: 'Bob Miller',
		subject: 'Atlas prices',
		text: body(OWN_TEXT, SIGNATURE),
	});
	return { seed, integrationId, bobId, emailId };
}

it('merges grounded model values as llm:<model>, rejects invented ones, sends the signature only', async () => {
	const { seed, integrationId, bobId, emailId } = await workspace();
	emu.openai.scriptAnswers(
		{
			match: 'Head of Sales',
			content: {
				fullName: 'Bob Miller',
				jobTitle: 'Head of Sales',
				company: 'Globex Corporation',
				phones: [
					{ number: '+49 30 1234567', type: 'office' },
					{ number: '+49 171 9999999', type: 'mobile' },
				],
				linkedinUrl: 'https://www.linkedin.com/in/bob-miller',
				website: null,
				postalAddress: 'Hauptstraße 99, 10115 Berlin',
				email: null,
			},
		},
		{
			match: 'bob@globex.example',
			content: { classification: 'vendor', confidence: 0.85, reason: 'they sell us price lists' },
		},
	);
	const deps: EnrichDeps = { database: test.database, model };
	const run = await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
	expect(run.counts).toMatchObject({ modelCalls: 2, modelFallbacks: 0, valuesRejected: 2 });

	const bob = (await knex('people').where({ id: bobId }).first()) as {
		job_title: string;
		phones: string[];
		postal_address: string | null;
		classification: string;
	};
	expect(bob.job_title).toBe('Head of Sales');
	expect(bob.phones).toEqual(['+49301234567']);
	expect(bob.postal_address).toBeNull();
	expect(bob.classification).toBe('vendor');

	const { values } = await getEnrichment(test.database, {
		workspaceId: seed.workspaceId,
		subjectType: 'person',
		subjectId: bobId,
	});
	expect(values.find((value) => value.field === 'job_title')).toMatchObject({
		value: 'Head of Sales',
		extractor: 'llm:gpt-4o-mini',
		sourceEmailId: emailId,
		applied: true,
	});
	expect(values.find((value) => value.field === 'classification')).toMatchObject({
		value: 'vendor',
		extractor: 'llm:gpt-4o-mini',
		applied: true,
	});
	const stored = JSON.stringify(
		await knex('enrichment_results').where({ workspace_id: seed.workspaceId }).pluck('value'),
	);
	expect(stored).not.toContain('9999999');
	expect(stored).not.toContain('Hauptstraße');

	// What extraction sent: the signature block and the sender, never the sender's own text
	// (classification sends subjects and snippets, as the offline rules read them).
	const prompts = emu.openai.requests().map((request) => JSON.stringify(request.messages));
	const extraction = prompts.filter((prompt) => !prompt.includes('Contact: bob@globex.example'));
	expect(extraction).toHaveLength(1);
	expect(extraction[0]).toContain('Head of Sales');
	expect(extraction[0]).not.toContain('confidential price list');
});

it('falls back to the offline values and rules when the model fails', async () => {
	const { seed, integrationId, bobId } = await workspace();
	await seed.mail({
		integrationId,
		from: 'bob@globex.example',
		subject: 'Invoice 2026-118',
		sentAt: new Date('2026-10-01T10:00:00Z'),
		text: 'Please find the invoice attached.',
	});
	emu.control.inject({ operation: 'openai.chat.completions', status: 500, times: 100 });
	const deps: EnrichDeps = { database: test.database, model };
	const run = await enrichIntegration(deps, { workspaceId: seed.workspaceId, integrationId });
	expect(run.counts.modelCalls).toBeGreaterThanOrEqual(2);
	expect(run.counts.modelFallbacks).toBe(run.counts.modelCalls);
	const bob = (await knex('people').where({ id: bobId }).first()) as {
		job_title: string;
		classification: string;
	};
	expect(bob.job_title).toBe('Head of Sales');
	expect(bob.classification).toBe('vendor');
	const extractors = (await knex('enrichment_results')
		.where({ workspace_id: seed.workspaceId })
		.distinct()
		.pluck('extractor')) as string[];
	expect(extractors.sort()).toEqual(['rules', 'signature']);
}, 30_000);

it('falls back on a timeout and on malformed answers', async () => {
	const { seed, integrationId, bobId } = await workspace();
	emu.control.inject({ operation: 'openai.chat.completions', latencyMs: 1500, times: 1 });
	emu.openai.scriptAnswers({ content: '{"fullName": "Bob' }, { content: { nonsense: true } });
	const run = await enrichIntegration(
		{ database: test.database, model: { ...model, timeoutMs: 1000 } },
		{ workspaceId: seed.workspaceId, integrationId },
	);
	expect(run.counts.modelFallbacks).toBe(run.counts.modelCalls);
	expect(
		((await knex('people').where({ id: bobId }).first()) as { job_title: string }).job_title,
	).toBe('Head of Sales');
}, 30_000);
