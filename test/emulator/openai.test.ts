import OpenAI, { AzureOpenAI } from 'openai';
import { startEmulator, DEFAULT_OPENAI_API_KEY, type Emulator } from './index';

// The model surface, spoken to by the official `openai` client (the same one core/enrich uses).
let emu: Emulator;
let client: OpenAI;

const SIGNATURE_PROMPT = [
	'From: Jane Doe <jane.doe@acme-robotics.test>',
	'Signature block:',
	'"""',
	'Jane Doe',
	'Head of Sales | Acme Robotics GmbH',
	'Mobile: +49 171 2345678',
	'www.acme-robotics.test',
	'linkedin.com/in/janedoe',
	'"""',
].join('\n');

const CONTACT_SCHEMA = {
	type: 'object',
	properties: {
		fullName: { type: ['string', 'null'] },
		jobTitle: { type: ['string', 'null'] },
		company: { type: ['string', 'null'] },
		phones: {
			type: 'array',
			items: {
				type: 'object',
				properties: {
					number: { type: 'string' },
					type: { type: 'string', enum: ['mobile', 'office', 'fax', 'other'] },
				},
				required: ['number', 'type'],
				additionalProperties: false,
			},
		},
		website: { type: ['string', 'null'] },
		linkedinUrl: { type: ['string', 'null'] },
	},
	required: ['fullName', 'jobTitle', 'company', 'phones', 'website', 'linkedinUrl'],
	additionalProperties: false,
};

function ask(prompt: string, openai: OpenAI = client, model = 'gpt-4o-mini') {
	return openai.chat.completions.create({
		model,
		temperature: 0,
		messages: [
			{ role: 'system', content: 'Extract the contact from the signature.' },
			{ role: 'user', content: prompt },
		],
		response_format: {
			type: 'json_schema',
			json_schema: { name: 'signature_contact', schema: CONTACT_SCHEMA, strict: true },
		},
	});
}

beforeAll(async () => {
	emu = await startEmulator({ seed: 'openai', messages: 1 });
	client = new OpenAI({
		apiKey: DEFAULT_OPENAI_API_KEY,
		baseURL: emu.urls.openai,
		maxRetries: 0,
		timeout: 5000,
	});
});

afterAll(async () => {
	await emu.stop();
});

afterEach(() => {
	emu.control.clearFaults();
	emu.openai.reset();
});

describe('OpenAI-compatible model surface', () => {
	it('lists models and refuses a wrong key with OpenAI’s error body', async () => {
		const models = await client.models.list();
		expect(models.data.map((model) => model.id)).toContain('gpt-4o-mini');

		const wrong = new OpenAI({
			apiKey: 'sk-wrong-key-123456',
			baseURL: emu.urls.openai,
			maxRetries: 0,
		});
		const error = await wrong.models.list().catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
		const auth = error as InstanceType<typeof OpenAI.AuthenticationError>;
		expect(auth.status).toBe(401);
		expect(auth.code).toBe('invalid_api_key');
		expect(auth.type).toBe('invalid_request_error');
		// Like OpenAI, the message shows only the ends of the key.
		expect(auth.message).not.toContain('sk-wrong-key-123456');
	});

	it('answers a json_schema request with values read from the signature', async () => {
		const completion = await ask(SIGNATURE_PROMPT);
		expect(completion.object).toBe('chat.completion');
		expect(completion.choices[0]!.finish_reason).toBe('stop');
		expect(completion.choices[0]!.message.refusal).toBeNull();
		expect(completion.usage?.total_tokens).toBeGreaterThan(0);
		const answer = JSON.parse(completion.choices[0]!.message.content!);
		expect(Object.keys(answer).sort()).toEqual(Object.keys(CONTACT_SCHEMA.properties).sort());
		expect(answer).toMatchObject({
			fullName: 'Jane Doe',
			jobTitle: 'Head of Sales',
			company: 'Acme Robotics GmbH',
			phones: [{ number: '+49 171 2345678', type: 'mobile' }],
			website: 'www.acme-robotics.test',
			linkedinUrl: 'linkedin.com/in/janedoe',
		});
		const [recorded] = emu.openai.requests();
		expect(recorded).toMatchObject({ style: 'openai', model: 'gpt-4o-mini', status: 200 });
		expect(recorded!.messages[1]!.content).toBe(SIGNATURE_PROMPT);
		expect(recorded!.body.temperature).toBe(0);
	});

	it('refuses a strict schema that does not require every property', async () => {
		const error = await client.chat.completions
			.create({
				model: 'gpt-4o-mini',
				messages: [{ role: 'user', content: 'x' }],
				response_format: {
					type: 'json_schema',
					json_schema: {
						name: 'loose',
						strict: true,
						schema: { type: 'object', properties: { a: { type: 'string' } }, required: [] },
					},
				},
			})
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(OpenAI.BadRequestError);
		expect((error as Error).message).toContain("Missing 'a'");
	});

	it('plays scripted answers in order, matched by prompt text, including refusals', async () => {
		emu.openai.scriptAnswers(
			{ content: '{"fullName": "Jane', match: 'Jane Doe' },
			{ refusal: 'I can’t help with that.' },
			{ content: { fullName: 'Someone Else' } },
		);
		const broken = await ask(SIGNATURE_PROMPT);
		expect(broken.choices[0]!.message.content).toBe('{"fullName": "Jane');
		const refused = await ask('From: Bob <bob@x.test>\n"""\nBob\n"""');
		expect(refused.choices[0]!.message.content).toBeNull();
		expect(refused.choices[0]!.message.refusal).toBe('I can’t help with that.');
		const invented = await ask(SIGNATURE_PROMPT);
		expect(JSON.parse(invented.choices[0]!.message.content!)).toEqual({ fullName: 'Someone Else' });
		// The script is used up: back to the reader.
		const read = await ask(SIGNATURE_PROMPT);
		expect(JSON.parse(read.choices[0]!.message.content!).fullName).toBe('Jane Doe');
	});

	it('takes scripted answers and shows requests over HTTP', async () => {
		const queued = await fetch(`${emu.urls.control}/openai/answers`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify([{ content: 'not json' }]),
		});
		expect(await queued.json()).toEqual({ queued: 1 });
		const answer = await ask(SIGNATURE_PROMPT);
		expect(answer.choices[0]!.message.content).toBe('not json');
		const listed = (await (await fetch(`${emu.urls.control}/openai/requests`)).json()) as {
			requests: unknown[];
		};
		expect(listed.requests).toHaveLength(1);
	});

	it('injects 429 with Retry-After, 500 and slow answers through the fault API', async () => {
		emu.control.inject({ operation: 'openai.chat.completions', status: 429, retryAfterSeconds: 7 });
		const limited = (await ask(SIGNATURE_PROMPT).catch(
			(caught: unknown) => caught,
		)) as InstanceType<typeof OpenAI.RateLimitError>;
		expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
		expect(limited.code).toBe('rate_limit_exceeded');
		expect(limited.headers?.get('retry-after')).toBe('7');

		emu.control.inject({ operation: 'openai.chat.completions', status: 500 });
		const failed = (await ask(SIGNATURE_PROMPT).catch((caught: unknown) => caught)) as InstanceType<
			typeof OpenAI.InternalServerError
		>;
		expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
		expect(failed.type).toBe('server_error');

		emu.control.inject({ operation: 'openai.chat.completions', latencyMs: 400 });
		const impatient = new OpenAI({
			apiKey: DEFAULT_OPENAI_API_KEY,
			baseURL: emu.urls.openai,
			maxRetries: 0,
			timeout: 100,
		});
		const timedOut = await ask(SIGNATURE_PROMPT, impatient).catch((caught: unknown) => caught);
		// Under jest the abort DOMException comes from another realm and the client files it as a
		// plain connection error (its timeout subclass outside jest); either way no answer.
		expect(timedOut).toBeInstanceOf(OpenAI.APIConnectionError);
		// Let the slow answer finish so no timer outlives the test.
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect(emu.control.calls().byOperation['openai.chat.completions']).toBeGreaterThanOrEqual(3);
	});

	it('speaks the Azure OpenAI route with the api-key header', async () => {
		const azure = new AzureOpenAI({
			apiKey: DEFAULT_OPENAI_API_KEY,
			endpoint: emu.urls.azureOpenai,
			apiVersion: '2024-10-21',
			deployment: 'gpt-4o-mini',
			maxRetries: 0,
		});
		const completion = await ask(SIGNATURE_PROMPT, azure);
		expect(JSON.parse(completion.choices[0]!.message.content!).company).toBe('Acme Robotics GmbH');
		expect(emu.openai.requests()[0]).toMatchObject({
			style: 'azure',
			deployment: 'gpt-4o-mini',
			apiVersion: '2024-10-21',
		});

		const wrong = new AzureOpenAI({
			apiKey: 'not-the-key',
			endpoint: emu.urls.azureOpenai,
			apiVersion: '2024-10-21',
			deployment: 'gpt-4o-mini',
			maxRetries: 0,
		});
		const error = await ask(SIGNATURE_PROMPT, wrong).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
	});

	it('answers classification schemas from the subjects and snippets', async () => {
		const completion = await client.chat.completions.create({
			model: 'gpt-4o-mini',
			messages: [{ role: 'user', content: 'Subject: Invoice 2026-114 for November' }],
			response_format: {
				type: 'json_schema',
				json_schema: {
					name: 'contact_classification',
					strict: true,
					schema: {
						type: 'object',
						properties: {
							classification: {
								type: 'string',
								enum: ['lead', 'customer', 'vendor', 'partner', 'personal', 'unknown'],
							},
							confidence: { type: 'number' },
							reason: { type: 'string' },
						},
						required: ['classification', 'confidence', 'reason'],
						additionalProperties: false,
					},
				},
			},
		});
		expect(JSON.parse(completion.choices[0]!.message.content!)).toMatchObject({
			classification: 'vendor',
		});
	});
});
