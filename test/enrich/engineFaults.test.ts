// An extractor that throws on one email (a bug meeting hostile mail) never fails the batch: that
// email gives no values and is marked read, the others are enriched.
import type { Knex } from 'knex';

import { enrichIntegration } from '../../core/enrich/enrichWorkspace';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { body, EngineSeed } from './engineSeed';

jest.mock('../../core/enrich/index', () => {
	const actual =
		jest.requireActual<typeof import('../../core/enrich/index')>('../../core/enrich/index');
	return {
		...actual,
		enrichEmailOffline: (email: { text: string | null }) => {
			if (email.text?.includes('POISON')) throw new RangeError('Maximum call stack size exceeded');
			return actual.enrichEmailOffline(email as Parameters<typeof actual.enrichEmailOffline>[0]);
		},
	};
});

let test: TestDatabase;
let knex: Knex;

beforeAll(async () => {
	test = await createTestDatabase();
	knex = test.database.knex;
});
afterAll(async () => {
	await test.drop();
});

it('skips an email the extractor throws on and enriches the rest of the batch', async () => {
	const seed = new EngineSeed(knex);
	await seed.settings(['acme.example']);
	const integrationId = await seed.integration('ana@acme.example');
	const bobId = await seed.person('bob@globex.example');
	const carolId = await seed.person('carol@initech.example');
	await seed.mail({
		integrationId,
		from: 'carol@initech.example',
		text: body('POISON', ['Carol White', 'CFO', 'Initech']),
	});
	await seed.mail({
		integrationId,
		from: 'bob@globex.example',
		text: body('Hi Ana,\n\nall good.', ['Bob Miller', 'Head of Sales', 'Globex Corporation']),
	});
	const run = await enrichIntegration(
		{ database: test.database },
		{ workspaceId: seed.workspaceId, integrationId },
	);
	expect(run.counts.emailsScanned).toBe(2);
	expect((await knex('people').where({ id: bobId }).first()).job_title).toBe('Head of Sales');
	expect((await knex('people').where({ id: carolId }).first()).job_title).toBeNull();
	expect(
		await knex('mailbox_messages')
			.where({ workspace_id: seed.workspaceId })
			.whereNull('enriched_at')
			.count(),
	).toEqual([{ count: '0' }]);
});
