import { setTimeout as sleep } from 'node:timers/promises';

import { enrichEmailOffline } from '../../core/enrich';
import { sourceSpelling, valueAppearsInSource } from '../../core/enrich/grounding';
import {
	extractWithModel,
	modelSettingsFromCredential,
	type ModelSettings,
} from '../../core/enrich/modelClient';
import { classifyWithModel } from '../../core/enrich/modelClassification';
import { CONTACT_RESPONSE_FORMAT } from '../../core/enrich/modelSchemas';
import type {
	EmailForEnrichment,
	SignatureBlockResult,
	SignatureContact,
} from '../../core/enrich/types';
import { DEFAULT_OPENAI_API_KEY, startEmulator, type Emulator } from '../emulator';

// The model path against the emulator's OpenAI-compatible surface: what is sent, what is kept,
// and that every failure gives back the offline result.

let emu: Emulator;
let settings: ModelSettings;

const SIGNATURE_LINES = [
	'Jane Doe',
	'Head of Sales | Acme Robotics GmbH',
	'Mobile: +49 171 2345678',
	'Tel: +49 30 1234567',
	'www.acme-robotics.test',
	'linkedin.com/in/janedoe',
	'Musterstraße 1, 10115 Berlin',
];
const OWN_TEXT = 'Hi Bob,\n\nplease find our offer for the gripper arms attached.';
const QUOTED =
	'On Mon, 30 Nov 2026 at 10:00, Bob Quoted <bob@quoted.test> wrote:\n> Can you send pricing?\n> Bob Quoted\n> CFO, Quoted Industries Ltd\n> +1 555 010 9999';

const email: EmailForEnrichment = {
	id: 'email-1',
	fromEmail: 'jane.doe@acme-robotics.de',
	fromName: 'Jane Doe',
	subject: 'Your offer',
	text: `${OWN_TEXT}\n\nBest regards\n${SIGNATURE_LINES.join('\n')}\n\n${QUOTED}`,
	html: null,
};

const block: SignatureBlockResult = {
	block: SIGNATURE_LINES.join('\n'),
	lines: SIGNATURE_LINES,
	ownText: `${OWN_TEXT}\n\nBest regards\n${SIGNATURE_LINES.join('\n')}`,
	method: 'closing',
};

const offlineValue = (value: string, confidence = 0.8) => ({
	value,
	confidence,
	extractor: 'signature',
	excerpt: value,
});

/** What the offline extractor might have found: a name and one phone, a wrong-ish title. */
const offline: SignatureContact = {
	fullName: offlineValue('Jane Doe'),
	jobTitle: offlineValue('Head of Sales'),
	company: offlineValue('Acme Robotics', 0.5),
	phones: [
		{
			value: { e164: '+49301234567', type: 'office', written: '+49 30 1234567' },
			confidence: 0.95,
			extractor: 'signature',
			excerpt: 'Tel: +49 30 1234567',
		},
	],
	email: offlineValue('jane.doe@acme-robotics.de'),
};

beforeAll(async () => {
	emu = await startEmulator({ seed: 'model-path', messages: 1 });
	settings = {
		apiKey: DEFAULT_OPENAI_API_KEY,
		baseUrl: emu.urls.openai,
		model: 'gpt-4o-mini',
		timeoutMs: 5000,
		maxRetries: 1,
	};
});

afterAll(async () => {
	await emu.stop();
});

afterEach(() => {
	emu.control.clearFaults();
	emu.control.resetCalls();
	emu.openai.reset();
});

function lastPrompt(): string {
	const requests = emu.openai.requests();
	const request = requests[requests.length - 1]!;
	return request.messages.map((message) => String(message.content)).join('\n');
}

describe('extractWithModel', () => {
	it('merges a schema-valid answer, grounded and normalised, over the offline contact', async () => {
		const result = await extractWithModel(settings, { block, email, offline });
		expect(result.outcome).toBe('model');
		expect(result.rejected).toEqual([]);
		const { contact } = result;
		expect(contact.company).toMatchObject({
			value: 'Acme Robotics GmbH',
			extractor: 'llm:gpt-4o-mini',
			confidence: 0.9,
			excerpt: 'Head of Sales | Acme Robotics GmbH',
		});
		expect(contact.jobTitle?.value).toBe('Head of Sales');
		expect(contact.fullName?.value).toBe('Jane Doe');
		expect(contact.linkedinUrl?.value).toBe('https://www.linkedin.com/in/janedoe');
		expect(contact.website?.value).toBe('https://www.acme-robotics.test');
		expect(contact.postalAddress?.value).toBe('Musterstraße 1, 10115 Berlin');
		expect(contact.phones.map((phone) => [phone.value.e164, phone.value.type])).toEqual([
			['+491712345678', 'mobile'],
			['+49301234567', 'office'],
		]);
		expect(contact.phones[0]!.excerpt).toBe('Mobile: +49 171 2345678');
		// The model found no address in the block: the offline one stays.
		expect(contact.email).toEqual(offline.email);
	});

	it('sends the signature block and the From line only, at temperature 0 with a strict schema', async () => {
		await extractWithModel(settings, { block, email, offline });
		const [request] = emu.openai.requests();
		expect(request!.body.temperature).toBe(0);
		expect(request!.body.response_format).toEqual(CONTACT_RESPONSE_FORMAT);
		const sent = lastPrompt();
		for (const line of SIGNATURE_LINES) expect(sent).toContain(line);
		expect(sent).toContain('From: Jane Doe <jane.doe@acme-robotics.de>');
		expect(sent).not.toContain('gripper arms');
		expect(sent).not.toContain('Bob Quoted');
		expect(sent).not.toContain('555 010 9999');
		expect(sent).not.toContain('Your offer');
	});

	it('works on what the offline extractor finds, sending none of the reply’s quote', async () => {
		const found = enrichEmailOffline(email);
		const result = await extractWithModel(settings, { ...found, email, offline: found.contact });
		expect(result.outcome).toBe('model');
		expect(result.rejected).toEqual([]);
		// Model and offline values agree and are written the same way.
		for (const field of ['fullName', 'company', 'linkedinUrl', 'website'] as const) {
			expect(result.contact[field]?.value).toBe(found.contact[field]?.value);
		}
		expect(result.contact.phones.map((phone) => phone.value.e164).sort()).toEqual(
			found.contact.phones.map((phone) => phone.value.e164).sort(),
		);
		const sent = lastPrompt();
		expect(sent).toContain('Head of Sales | Acme Robotics GmbH');
		expect(sent).not.toContain('Bob Quoted');
		expect(sent).not.toContain('gripper arms');
	});

	it('rejects values that are not in the block: invented phone, title and company', async () => {
		emu.openai.scriptAnswers({
			content: {
				fullName: 'Jane Doe',
				jobTitle: 'Chief Executive Officer',
				company: 'Globex Corporation',
				phones: [
					{ number: '+49 171 2345678', type: 'mobile' },
					{ number: '+49 171 9999999', type: 'mobile' },
					// Digits from two lines glued together are not a number of the block.
					{ number: '+49 30 1234567 1', type: 'office' },
				],
				linkedinUrl: 'https://www.linkedin.com/in/jane-doe-42',
				website: 'https://acme-robotics.test',
				postalAddress: null,
				email: 'jane@globex.test',
			},
		});
		const result = await extractWithModel(settings, { block, email, offline });
		expect(result.outcome).toBe('model');
		expect(result.rejected).toEqual(
			expect.arrayContaining([
				{ field: 'jobTitle', value: 'Chief Executive Officer', reason: 'not_in_source' },
				{ field: 'company', value: 'Globex Corporation', reason: 'not_in_source' },
				{ field: 'phone', value: '+49 171 9999999', reason: 'not_in_source' },
				{ field: 'phone', value: '+49 30 1234567 1', reason: 'not_in_source' },
				{
					field: 'linkedinUrl',
					value: 'https://www.linkedin.com/in/jane-doe-42',
					reason: 'not_in_source',
				},
				{ field: 'email', value: 'jane@globex.test', reason: 'not_in_source' },
			]),
		);
		expect(result.rejected).toHaveLength(6);
		// Rejected fields keep the offline values; grounded ones come from the model.
		expect(result.contact.jobTitle).toEqual(offline.jobTitle);
		expect(result.contact.company).toEqual(offline.company);
		expect(result.contact.email).toEqual(offline.email);
		expect(result.contact.fullName?.extractor).toBe('llm:gpt-4o-mini');
		expect(result.contact.website?.value).toBe('https://acme-robotics.test');
		expect(result.contact.phones.map((phone) => phone.value.e164)).toEqual([
			'+491712345678',
			'+49301234567',
		]);
	});

	it('rejects a phone the model rewrote into another country', async () => {
		const national: SignatureBlockResult = {
			...block,
			lines: ['Jane Doe', 'Tel. 030 1234567'],
			block: 'Jane Doe\nTel. 030 1234567',
		};
		emu.openai.scriptAnswers({
			content: {
				fullName: null,
				jobTitle: null,
				company: null,
				phones: [
					{ number: '030 1234567', type: 'office' },
					{ number: '+33 30 1234567', type: 'office' },
				],
				linkedinUrl: null,
				website: null,
				postalAddress: null,
				email: null,
			},
		});
		const result = await extractWithModel(settings, {
			block: national,
			email,
			offline: { phones: [] },
		});
		expect(result.contact.phones.map((phone) => phone.value)).toEqual([
			{ e164: '+49301234567', type: 'office', written: '030 1234567' },
		]);
		expect(result.rejected).toEqual([
			{ field: 'phone', value: '+33 30 1234567', reason: 'not_in_source' },
		]);
	});

	it('keeps the source’s spelling and takes nothing from the sender’s address', async () => {
		const accented: SignatureBlockResult = {
			...block,
			lines: ['José Müller', 'Directeur général', 'Tél. 01 23 45 67 89'],
			block: 'José Müller\nDirecteur général\nTél. 01 23 45 67 89',
		};
		emu.openai.scriptAnswers({
			content: {
				fullName: 'JOSE MULLER',
				jobTitle: 'directeur general',
				company: 'acme-robotics',
				phones: [],
				linkedinUrl: null,
				website: 'acme-robotics.de',
				postalAddress: null,
				email: 'jane.doe@acme-robotics.de',
			},
		});
		const result = await extractWithModel(settings, {
			block: accented,
			email,
			offline: { phones: [] },
		});
		expect(result.contact.fullName?.value).toBe('José Müller');
		expect(result.contact.jobTitle?.value).toBe('Directeur général');
		// The From address was sent, so an address the model copies from it is grounded.
		expect(result.contact.email?.value).toBe('jane.doe@acme-robotics.de');
		expect(result.rejected).toEqual([
			{ field: 'company', value: 'acme-robotics', reason: 'not_in_source' },
			{ field: 'website', value: 'acme-robotics.de', reason: 'not_in_source' },
		]);
	});

	it.each([
		['malformed JSON', { content: '{"fullName": "Jane Doe", "jobTitle": ' }, 'invalid_json'],
		['an empty answer', { content: '' }, 'invalid_json'],
		['schema-invalid JSON', { content: { fullName: 42, phones: 'none' } }, 'schema'],
		['a refusal', { refusal: 'I can’t help with identifying people.' }, 'refused'],
		[
			'a truncated answer',
			{ content: '{"fullName": "Ja', finishReason: 'length' as const },
			'invalid_json',
		],
	])('falls back to the offline result on %s', async (_what, answer, reason) => {
		emu.openai.scriptAnswers(answer);
		const result = await extractWithModel(settings, { block, email, offline });
		expect(result).toMatchObject({ outcome: 'fallback', fallbackReason: reason, rejected: [] });
		expect(result.contact).toBe(offline);
		expect(result.message).toBeTruthy();
	});

	it('falls back on 429 after honouring Retry-After once', async () => {
		emu.control.inject({
			operation: 'openai.chat.completions',
			status: 429,
			retryAfterSeconds: 1,
			times: 2,
		});
		const started = Date.now();
		const result = await extractWithModel(settings, { block, email, offline });
		expect(result).toMatchObject({
			outcome: 'fallback',
			fallbackReason: 'rate_limited',
			status: 429,
		});
		expect(result.contact).toBe(offline);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(emu.control.calls().byOperation['openai.chat.completions']).toBe(2);
	});

	it('uses the retry when one 429 passes', async () => {
		emu.control.inject({ operation: 'openai.chat.completions', status: 429, retryAfterSeconds: 1 });
		const result = await extractWithModel(settings, { block, email, offline });
		expect(result.outcome).toBe('model');
		expect(emu.control.calls().byOperation['openai.chat.completions']).toBe(2);
	});

	it('falls back on 500', async () => {
		emu.control.inject({ operation: 'openai.chat.completions', status: 500, times: 2 });
		const result = await extractWithModel(settings, { block, email, offline });
		expect(result).toMatchObject({
			outcome: 'fallback',
			fallbackReason: 'http_error',
			status: 500,
		});
		expect(result.contact).toBe(offline);
	});

	it('falls back on a timeout', async () => {
		emu.control.inject({ operation: 'openai.chat.completions', latencyMs: 1200 });
		const started = Date.now();
		const result = await extractWithModel(
			{ ...settings, timeoutMs: 250, maxRetries: 0 },
			{ block, email, offline },
		);
		expect(result).toMatchObject({ outcome: 'fallback', fallbackReason: 'timeout' });
		expect(result.message).toBe('The model did not answer within 250 ms.');
		expect(result.contact).toBe(offline);
		expect(Date.now() - started).toBeLessThan(1000);
		// The emulator still holds the slow answer: let it finish before the next test.
		await sleep(1100);
	});

	it('falls back with a clear reason on a wrong key, without showing the key', async () => {
		const key = 'sk-proj-very-secret-key-0123456789';
		const result = await extractWithModel({ ...settings, apiKey: key }, { block, email, offline });
		expect(result).toMatchObject({
			outcome: 'fallback',
			fallbackReason: 'http_error',
			status: 401,
		});
		expect(result.message).toBe(
			'The model endpoint refused the API key (HTTP 401, invalid_api_key); check the CRM Connect AI Model credential.',
		);
		expect(JSON.stringify(result)).not.toContain('very-secret');
		expect(JSON.stringify(result)).not.toContain('0123456789');
	});

	it('falls back when the endpoint cannot be reached', async () => {
		const result = await extractWithModel(
			{ ...settings, baseUrl: 'http://127.0.0.1:9/v1', maxRetries: 0 },
			{ block, email, offline },
		);
		expect(result).toMatchObject({ outcome: 'fallback', fallbackReason: 'http_error' });
		expect(result.message).toContain('could not be reached');
	});

	it('speaks Azure OpenAI (deployment, api-version, api-key header)', async () => {
		const azure = modelSettingsFromCredential({
			provider: 'azure',
			baseUrl: `${emu.urls.azureOpenai}/openai/deployments/gpt-4o-mini`,
			apiKey: DEFAULT_OPENAI_API_KEY,
			model: 'gpt-4o-mini',
			apiVersion: '2024-10-21',
		});
		const result = await extractWithModel(azure, { block, email, offline });
		expect(result.outcome).toBe('model');
		expect(result.contact.company?.value).toBe('Acme Robotics GmbH');
		expect(emu.openai.requests()[0]).toMatchObject({
			style: 'azure',
			deployment: 'gpt-4o-mini',
			apiVersion: '2024-10-21',
		});
		const wrong = await extractWithModel({ ...azure, apiKey: 'wrong' }, { block, email, offline });
		expect(wrong).toMatchObject({ outcome: 'fallback', fallbackReason: 'http_error', status: 401 });
	});

	it('sends nothing when there is no signature block', async () => {
		const result = await extractWithModel(settings, {
			block: { block: null, lines: [], ownText: OWN_TEXT, method: null, skipped: 'no-signature' },
			email,
			offline: { phones: [] },
		});
		expect(result).toMatchObject({ outcome: 'fallback', fallbackReason: 'no_signature' });
		expect(emu.openai.requests()).toHaveLength(0);
	});
});

describe('valueAppearsInSource', () => {
	const source = [
		'José Müller-Lüdenscheidt',
		'Directeur Général — Société Anonyme Exemple',
		'Tél. : +33 (0)1 23 45 67 89',
		'Mobile +44 7700 900123',
		'https://www.exemple.test/equipe/',
		'www.linkedin.com/in/jose-muller',
		'12 rue de la Paix',
		'75002 Paris',
	].join('\n');

	it.each([
		['fullName', 'jose muller-ludenscheidt', true],
		['fullName', 'José  Müller-Lüdenscheidt', true],
		['fullName', 'José Müller', true],
		['fullName', 'Jos Müller', false],
		['jobTitle', 'Directeur Général', true],
		['jobTitle', 'Directeur Général Adjoint', false],
		['company', 'Société Anonyme Exemple', true],
		['company', 'Exemple Group', false],
		['postalAddress', '12 rue de la Paix, 75002 Paris', true],
		['postalAddress', '14 rue de la Paix, 75002 Paris', false],
		['phone', '+33 (0)1 23 45 67 89', true],
		['phone', '01 23 45 67 89', true],
		['phone', '+33 1 23 45 67 80', false],
		['phone', '+44 7700 900123', true],
		// Not as written: the model must copy, not reformat.
		['phone', '07700 900123', false],
		['phone', '123', false],
		['website', 'exemple.test/equipe', true],
		['website', 'https://exemple.test/equipe/', true],
		['website', 'https://exemple.test/team', false],
		['website', 'xemple.test', false],
		['linkedinUrl', 'https://linkedin.com/in/jose-muller', true],
		['linkedinUrl', 'https://linkedin.com/in/jose-mull', false],
		['email', 'jose@exemple.test', false],
	])('%s %j → %s', (field, value, expected) => {
		expect(valueAppearsInSource(field, value, source)).toBe(expected);
	});

	it('gives back the source’s own spelling of a grounded text', () => {
		expect(sourceSpelling('12 RUE DE LA PAIX, 75002 paris', source)).toBe(
			'12 rue de la Paix, 75002 Paris',
		);
		expect(sourceSpelling('jose muller-ludenscheidt', source)).toBe('José Müller-Lüdenscheidt');
		expect(sourceSpelling('Société Anonyme', source)).toBe('Société Anonyme');
		expect(sourceSpelling('Anonyme Société', source)).toBeNull();
	});

	it('does not take a website from an email address', () => {
		expect(valueAppearsInSource('website', 'acme.test', 'jane@acme.test')).toBe(false);
		expect(valueAppearsInSource('email', 'jane@acme.test', 'Mail: Jane@Acme.test')).toBe(true);
	});
});

describe('classifyWithModel', () => {
	const input = {
		contactEmail: 'billing@supplier.test',
		freeMail: false,
		messages: [
			{
				direction: 'incoming' as const,
				subject: 'Invoice 2026-114 for November',
				snippet: 'Please find attached the invoice for our hosting services.',
				isReplyToOurs: false,
			},
		],
	};

	it('answers from subjects and snippets only', async () => {
		const result = await classifyWithModel(settings, input);
		expect(result).toMatchObject({ classification: 'vendor', outcome: 'model' });
		expect(result.confidence).toBeGreaterThan(0);
		const sent = lastPrompt();
		expect(sent).toContain('Invoice 2026-114 for November');
		expect(sent).toContain('Please find attached the invoice');
	});

	it('clamps the confidence and falls back on broken answers', async () => {
		emu.openai.scriptAnswers(
			{ content: { classification: 'lead', confidence: 7, reason: 'asked for a quote' } },
			{ content: { classification: 'friend', confidence: 0.5, reason: 'x' } },
			{ content: 'not json' },
		);
		expect(await classifyWithModel(settings, input)).toMatchObject({
			classification: 'lead',
			confidence: 1,
			outcome: 'model',
		});
		expect(await classifyWithModel(settings, input)).toMatchObject({
			classification: 'unknown',
			outcome: 'fallback',
			fallbackReason: 'schema',
		});
		expect(await classifyWithModel(settings, input)).toMatchObject({
			outcome: 'fallback',
			fallbackReason: 'invalid_json',
		});
	});
});

describe('modelSettingsFromCredential', () => {
	it('reads an OpenAI-compatible credential', () => {
		expect(
			modelSettingsFromCredential({
				provider: 'openai',
				baseUrl: 'http://localhost:11434/v1/',
				apiKey: '',
				model: 'llama3.1',
				timeoutSeconds: 30,
			}),
		).toEqual({
			provider: 'openai',
			baseUrl: 'http://localhost:11434/v1',
			apiKey: '',
			model: 'llama3.1',
			timeoutMs: 30000,
			maxRetries: 1,
		});
	});

	it('explains what is missing without echoing the key', () => {
		const key = 'sk-secret-123456789';
		const attempt = (data: Record<string, unknown>) => {
			try {
				modelSettingsFromCredential({ apiKey: key, ...data });
			} catch (error) {
				expect((error as Error).message).not.toContain(key);
				return (error as Error).message;
			}
			return 'no error';
		};
		expect(attempt({ model: '' })).toBe('The AI model credential needs a model, e.g. gpt-4o-mini.');
		expect(attempt({ model: 'm', baseUrl: 'not a url' })).toContain('base URL is not a URL');
		expect(attempt({ model: 'm', baseUrl: 'ftp://x.test' })).toContain('https:// or http://');
		expect(attempt({ provider: 'azure', model: 'd', baseUrl: 'https://x.openai.azure.com' })).toBe(
			'The AI model credential needs an API version for Azure OpenAI, e.g. 2024-10-21.',
		);
		expect(attempt({ model: 'm', timeoutSeconds: 0 })).toContain('between 1 and 600 seconds');
		expect(attempt({ model: 'm', provider: 'gemini' })).toContain('"provider"');
	});
});
