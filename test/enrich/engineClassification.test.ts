// Classification: each offline rule proven on its own, `unknown` by default, and the engine writing
// the answer to the person (and company) only when it is confident and not set by hand.
import type { Knex } from 'knex';

import { classifyOffline, type ClassificationInput } from '../../core/enrich/classification';
import { enrichIntegration, getEnrichment } from '../../core/enrich/enrichWorkspace';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { body, EngineSeed } from './engineSeed';

type Message = ClassificationInput['messages'][number];

const incoming = (subject: string, extra: Partial<Message> = {}): Message => ({
	direction: 'incoming',
	subject,
	snippet: null,
	isReplyToOurs: false,
	...extra,
});
const outgoing = (subject: string, extra: Partial<Message> = {}): Message => ({
	direction: 'outgoing',
	subject,
	snippet: null,
	isReplyToOurs: false,
	...extra,
});
const input = (messages: Message[], contactEmail = 'bob@globex.example'): ClassificationInput => ({
	contactEmail,
	freeMail: contactEmail.endsWith('@gmail.com'),
	messages,
});

describe('offline classification rules', () => {
	it('billing vocabulary from them: vendor, in many languages', () => {
		for (const subject of [
			'Invoice INV-2026-118',
			'Ihre Rechnung Nr. 4711',
			'Votre facture de novembre',
			'Factura 2026/118',
			'Fattura n. 118',
			'Fatura de novembro',
			'Payment receipt',
		]) {
			const result = classifyOffline(input([incoming(subject), incoming('Lunch?')]));
			expect([subject, result.classification]).toEqual([subject, 'vendor']);
			expect(result.confidence).toBeGreaterThanOrEqual(0.6);
			expect(result.reason).toContain(subject.slice(0, 20));
		}
	});

	it('their replies to our quotes: lead; a quote word without a reply to ours is not', () => {
		for (const subject of [
			'Re: Quote for the Atlas project',
			'AW: Angebot 2026-113',
			'RE: Devis n° 42',
			'Re: Presupuesto web',
			'Re: Offerte onderhoud',
			'R: Preventivo sito',
			'Re: Orçamento 7',
		]) {
			const result = classifyOffline(input([incoming(subject, { isReplyToOurs: true })]));
			expect([subject, result.classification]).toEqual([subject, 'lead']);
		}
		expect(classifyOffline(input([incoming('Special offer just for you')])).classification).toBe(
			'unknown',
		);
	});

	it('our invoices or orders to them, or a Clients label: customer', () => {
		expect(classifyOffline(input([outgoing('Invoice 2026-007 for October')])).classification).toBe(
			'customer',
		);
		expect(classifyOffline(input([outgoing('Auftragsbestätigung 123')])).classification).toBe(
			'customer',
		);
		expect(
			classifyOffline(input([incoming('Catching up', { labels: ['INBOX', 'Clients'] })]))
				.classification,
		).toBe('customer');
	});

	it('partnership or reseller vocabulary: partner', () => {
		expect(classifyOffline(input([incoming('Reseller agreement draft')])).classification).toBe(
			'partner',
		);
		expect(
			classifyOffline(input([outgoing('Partenariat 2027'), incoming('Re: Partenariat 2027')]))
				.classification,
		).toBe('partner');
	});

	it('a free-mail address with personal mail only: personal; with business mail: not', () => {
		const personal = classifyOffline(
			input([incoming('Dinner on Saturday?'), incoming('Photos')], 'jo@gmail.com'),
		);
		expect(personal.classification).toBe('personal');
		expect(
			classifyOffline(input([incoming('Meeting about the contract')], 'jo@gmail.com'))
				.classification,
		).toBe('unknown');
	});

	it('unknown by default, with a reason', () => {
		for (const messages of [[], [incoming('Hello'), outgoing('Re: Hello')]]) {
			const result = classifyOffline(input(messages));
			expect(result.classification).toBe('unknown');
			expect(result.confidence).toBeLessThan(0.6);
			expect(result.reason).toBeTruthy();
		}
	});

	it('more evidence, more confidence; the most evidence wins', () => {
		const one = classifyOffline(input([incoming('Invoice 1')]));
		const three = classifyOffline(
			input([incoming('Invoice 1'), incoming('Invoice 2'), incoming('Invoice 3')]),
		);
		expect(three.confidence).toBeGreaterThan(one.confidence);
		expect(
			classifyOffline(input([incoming('Invoice 1'), outgoing('Invoice A'), outgoing('Invoice B')]))
				.classification,
		).toBe('customer');
	});

	it('reads hostile subjects quickly', () => {
		const started = Date.now();
		classifyOffline(
			input(
				Array.from({ length: 50 }, () =>
					incoming('a'.repeat(100_000), { snippet: 'ä '.repeat(50_000) }),
				),
			),
		);
		expect(Date.now() - started).toBeLessThan(2_000);
	});
});

describe('classification in the engine', () => {
	let test: TestDatabase;
	let knex: Knex;
	beforeAll(async () => {
		test = await createTestDatabase();
		knex = test.database.knex;
	});
	afterAll(async () => {
		await test.drop();
	});

	it('writes a confident classification to the person and company, keeps a manual one', async () => {
		const seed = new EngineSeed(knex);
		await seed.settings(['acme.example']);
		const integrationId = await seed.integration('ana@acme.example');
		const bobId = await seed.person('bob@globex.example');
		const carolId = await seed.person('carol@initech.example', {
			classification: 'partner',
			manual_fields: ['classification'],
		});
		const daveId = await seed.person('dave@hooli.example');
		const quote = await seed.mail({
			integrationId,
			direction: 'outgoing',
			from: 'ana@acme.example',
			to: ['dave@hooli.example'],
			subject: 'Angebot 2026-113',
			messageId: '<quote-113@acme.example>',
		});
		void quote;
		await seed.mail({
			integrationId,
			from: 'dave@hooli.example',
			subject: 'AW: Angebot 2026-113',
			inReplyTo: '<quote-113@acme.example>',
			text: body('Sieht gut aus.', ['Dave Stone', 'Einkauf', 'Hooli GmbH']),
		});
		for (const from of ['bob@globex.example', 'carol@initech.example'])
			await seed.mail({
				integrationId,
				from,
				subject: 'Invoice 2026-118',
				text: body('Please find the invoice attached.', ['Someone', 'Accounting']),
			});
		const run = await enrichIntegration(
			{ database: test.database },
			{ workspaceId: seed.workspaceId, integrationId },
		);
		expect(run.counts.classified).toBe(2);
		const classes = async (id: string) =>
			((await knex('people').where({ id }).first()) as { classification: string }).classification;
		expect(await classes(bobId)).toBe('vendor');
		expect(await classes(carolId)).toBe('partner');
		expect(await classes(daveId)).toBe('lead');
		const globex = (await knex('companies')
			.where({ workspace_id: seed.workspaceId, domain: 'globex.example' })
			.first()) as { classification: string };
		expect(globex.classification).toBe('vendor');

		const { values } = await getEnrichment(test.database, {
			workspaceId: seed.workspaceId,
			subjectType: 'person',
			subjectId: carolId,
		});
		expect(values.find((value) => value.field === 'classification')).toMatchObject({
			value: 'vendor',
			extractor: 'rules',
			applied: false,
		});
	});
});
