/**
 * An OpenAI-compatible model surface: `POST /v1/chat/completions`, `GET /v1/models` (Bearer API
 * key) and Azure OpenAI's `POST /openai/deployments/{deployment}/chat/completions?api-version=…`
 * (`api-key` header). Answers are deterministic: scripted answers first (control API), otherwise
 * a rule-based reader of the prompt (signatureReader.ts) shaped by the request's
 * `response_format` json_schema. Every chat request is recorded so tests can assert what a client
 * sent. Faults go through the router's fault injector (operation `openai.chat.completions`,
 * `openai.models.list`, `azure.openai.chat.completions`).
 */
import { createHash } from 'node:crypto';
import {
	EmulatorHttpError,
	type EmulatorRequest,
	type EmulatorResponse,
	openaiError,
} from '../core/http';
import type { Router } from '../core/router';
import type { EmulatorState } from '../core/state';
import { promptParts, readClassification, readSignature } from './signatureReader';

export const DEFAULT_OPENAI_API_KEY = 'sk-emulator-crm-connect';
export const DEFAULT_OPENAI_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'llama3.1'];
/** API versions Azure OpenAI accepts (the emulator takes any date-shaped version). */
const AZURE_API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** One scripted answer: the next chat completion (whose prompt contains `match`, if given). */
export interface ScriptedAnswer {
	/** The assistant message content: a string as is (may be broken JSON), an object as JSON. */
	content?: string | object | null;
	/** A refusal instead of content (content is then null). */
	refusal?: string;
	/** Default 'stop'; 'length' makes a truncated answer. */
	finishReason?: 'stop' | 'length' | 'content_filter';
	/** Only answer a request whose messages contain this text. */
	match?: string;
}

export interface RecordedChatRequest {
	/** 'openai' for /v1/chat/completions, 'azure' for the deployments route. */
	style: 'openai' | 'azure';
	model: string;
	deployment?: string;
	apiVersion?: string;
	messages: Array<{ role: string; content: unknown }>;
	/** The request body as sent (messages included). */
	body: Record<string, unknown>;
	/** HTTP status the emulator answered (faults answered before the handler are not recorded). */
	status: number;
}

interface OpenAIStore {
	apiKey: string;
	models: string[];
	answers: ScriptedAnswer[];
	requests: RecordedChatRequest[];
	counter: number;
}

const stores = new WeakMap<EmulatorState, OpenAIStore>();

function store(state: EmulatorState): OpenAIStore {
	let found = stores.get(state);
	if (!found) {
		found = {
			apiKey: DEFAULT_OPENAI_API_KEY,
			models: [...DEFAULT_OPENAI_MODELS],
			answers: [],
			requests: [],
			counter: 0,
		};
		stores.set(state, found);
	}
	return found;
}

/** In-process control of the model surface (`emu.openai`). */
export interface OpenAIEmulatorControl {
	/** The API key the surface accepts (Bearer for OpenAI style, api-key for Azure). */
	readonly apiKey: string;
	setApiKey(key: string): void;
	/** Model ids (and Azure deployment names) the surface knows. */
	models(): string[];
	addModel(id: string): void;
	/** Queue answers for the next chat completions, consumed in order. */
	scriptAnswers(...answers: ScriptedAnswer[]): number;
	/** Chat requests received, oldest first. */
	requests(): RecordedChatRequest[];
	/** Forget scripted answers and recorded requests (the key and models stay). */
	reset(): void;
}

export function openaiControl(state: EmulatorState): OpenAIEmulatorControl {
	const s = store(state);
	return {
		get apiKey() {
			return s.apiKey;
		},
		setApiKey: (key) => {
			s.apiKey = key;
		},
		models: () => [...s.models],
		addModel: (id) => {
			if (!s.models.includes(id)) s.models.push(id);
		},
		scriptAnswers: (...answers) => {
			s.answers.push(...answers);
			return s.answers.length;
		},
		requests: () => structuredClone(s.requests),
		reset: () => {
			s.answers = [];
			s.requests = [];
		},
	};
}

export function registerOpenAI(router: Router, state: EmulatorState): void {
	const opts = (name: string) => ({ name, surface: 'openai' as const });
	router.add('GET', '/v1/models', opts('openai.models.list'), (req) => {
		checkBearer(state, req);
		return {
			status: 200,
			body: {
				object: 'list',
				data: store(state).models.map((id) => ({
					id,
					object: 'model',
					created: 1715367049,
					owned_by: id.startsWith('gpt') ? 'system' : 'library',
				})),
			},
		};
	});
	router.add('GET', '/v1/models/:model', opts('openai.models.retrieve'), (req) => {
		checkBearer(state, req);
		const id = req.params.model!;
		if (!store(state).models.includes(id)) throw modelNotFound(id);
		return { status: 200, body: { id, object: 'model', created: 1715367049, owned_by: 'system' } };
	});
	router.add('POST', '/v1/chat/completions', opts('openai.chat.completions'), (req) => {
		checkBearer(state, req);
		return chatCompletion(state, req, 'openai');
	});
	router.add('GET', '/openai/models', opts('azure.openai.models.list'), (req) => {
		checkAzureKey(state, req);
		checkAzureApiVersion(req);
		return {
			status: 200,
			body: {
				object: 'list',
				data: store(state).models.map((id) => ({
					id,
					object: 'model',
					created_at: 1715367049,
					status: 'succeeded',
				})),
			},
		};
	});
	router.add(
		'POST',
		'/openai/deployments/:deployment/chat/completions',
		opts('azure.openai.chat.completions'),
		(req) => {
			checkAzureKey(state, req);
			checkAzureApiVersion(req);
			return chatCompletion(state, req, 'azure');
		},
	);
	registerOpenAIControlRoutes(router, state);
}

function registerOpenAIControlRoutes(router: Router, state: EmulatorState): void {
	const opts = (name: string) => ({ name: `control.openai.${name}`, surface: 'control' as const });
	const control = openaiControl(state);
	router.add('POST', '/_emulator/openai/answers', opts('answers'), (req) => {
		const body = req.body.length === 0 ? [] : req.json<unknown>();
		const answers = Array.isArray(body) ? body : [body];
		for (const answer of answers) {
			if (typeof answer !== 'object' || answer === null) {
				throw new EmulatorHttpError({
					status: 400,
					body: {
						error: 'each answer is an object: { content?, refusal?, finishReason?, match? }',
					},
				});
			}
		}
		return {
			status: 200,
			body: { queued: control.scriptAnswers(...(answers as ScriptedAnswer[])) },
		};
	});
	router.add('GET', '/_emulator/openai/requests', opts('requests'), () => ({
		status: 200,
		body: { requests: control.requests() },
	}));
	router.add('DELETE', '/_emulator/openai', opts('reset'), () => {
		control.reset();
		return { status: 200, body: { ok: true } };
	});
	router.add('POST', '/_emulator/openai/settings', opts('settings'), (req) => {
		const body = req.json<{ apiKey?: unknown; models?: unknown }>();
		if (typeof body.apiKey === 'string' && body.apiKey) control.setApiKey(body.apiKey);
		if (Array.isArray(body.models)) {
			for (const model of body.models) if (typeof model === 'string') control.addModel(model);
		}
		return { status: 200, body: { models: control.models() } };
	});
}

/** The key as OpenAI shows it in its error message: first and last characters only. */
function maskKey(key: string): string {
	if (key.length <= 8) return '*'.repeat(key.length);
	return `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}

function checkBearer(state: EmulatorState, req: EmulatorRequest): void {
	const header = req.headers.authorization ?? '';
	const bearer = /^Bearer\s+(\S+)$/i.exec(header.trim());
	if (!bearer) {
		throw openaiError(
			401,
			"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
			'invalid_request_error',
			null,
		);
	}
	if (bearer[1] !== store(state).apiKey) {
		throw openaiError(
			401,
			`Incorrect API key provided: ${maskKey(bearer[1]!)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
			'invalid_request_error',
			'invalid_api_key',
		);
	}
}

function checkAzureKey(state: EmulatorState, req: EmulatorRequest): void {
	const key =
		req.headers['api-key'] ?? /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
	if (key !== store(state).apiKey) {
		throw new EmulatorHttpError({
			status: 401,
			body: {
				error: {
					code: '401',
					message:
						'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
				},
			},
		});
	}
}

function checkAzureApiVersion(req: EmulatorRequest): void {
	const apiVersion = req.query.get('api-version');
	if (!apiVersion || !AZURE_API_VERSION.test(apiVersion)) {
		throw new EmulatorHttpError({
			status: 404,
			body: { error: { code: '404', message: 'Resource not found' } },
		});
	}
}

function modelNotFound(model: string): EmulatorHttpError {
	return openaiError(
		404,
		`The model \`${model}\` does not exist or you do not have access to it.`,
		'invalid_request_error',
		'model_not_found',
	);
}

interface ChatBody {
	model?: unknown;
	messages?: unknown;
	response_format?: {
		type?: string;
		json_schema?: { name?: string; schema?: JsonSchema; strict?: boolean };
	};
	[key: string]: unknown;
}

interface JsonSchema {
	type?: string | string[];
	properties?: Record<string, JsonSchema>;
	required?: string[];
	additionalProperties?: unknown;
	items?: JsonSchema;
	anyOf?: JsonSchema[];
	enum?: unknown[];
	$defs?: Record<string, JsonSchema>;
	[key: string]: unknown;
}

function chatCompletion(
	state: EmulatorState,
	req: EmulatorRequest,
	style: 'openai' | 'azure',
): EmulatorResponse {
	const s = store(state);
	const body = req.json<ChatBody>();
	const deployment = style === 'azure' ? req.params.deployment! : undefined;
	const model = deployment ?? (typeof body.model === 'string' ? body.model : '');
	const messages = Array.isArray(body.messages)
		? (body.messages as Array<{ role: string; content: unknown }>)
		: [];
	const record: RecordedChatRequest = {
		style,
		model,
		deployment,
		apiVersion: req.query.get('api-version') ?? undefined,
		messages: structuredClone(messages),
		body: structuredClone(body),
		status: 200,
	};
	s.requests.push(record);
	const fail = (error: EmulatorHttpError): never => {
		record.status = error.response.status;
		throw error;
	};

	if (!model) {
		fail(openaiError(400, 'you must provide a model parameter', 'invalid_request_error', null));
	}
	if (!s.models.includes(model)) {
		if (style === 'azure') {
			fail(
				new EmulatorHttpError({
					status: 404,
					body: {
						error: {
							code: 'DeploymentNotFound',
							message:
								'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
						},
					},
				}),
			);
		}
		fail(modelNotFound(model));
	}
	if (messages.length === 0) {
		fail(
			openaiError(
				400,
				"Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
				'invalid_request_error',
				'empty_array',
			),
		);
	}
	const format = body.response_format;
	if (format?.type === 'json_schema') {
		const problem = format.json_schema?.schema
			? strictSchemaProblem(format.json_schema.schema, format.json_schema.strict === true)
			: "Missing required parameter: 'response_format.json_schema.schema'.";
		if (problem) {
			fail(
				openaiError(
					400,
					`Invalid schema for response_format '${format.json_schema?.name ?? ''}': ${problem}`,
					'invalid_request_error',
					'invalid_json_schema',
				),
			);
		}
	}

	const prompt = messages
		.map((message) =>
			typeof message.content === 'string' ? message.content : JSON.stringify(message.content),
		)
		.join('\n');
	const userPrompt = messages
		.filter((message) => message.role === 'user')
		.map((message) => (typeof message.content === 'string' ? message.content : ''))
		.join('\n');

	const scriptedIndex = s.answers.findIndex(
		(answer) => answer.match === undefined || prompt.includes(answer.match),
	);
	let content: string | null;
	let refusal: string | null = null;
	let finishReason: string = 'stop';
	if (scriptedIndex >= 0) {
		const [answer] = s.answers.splice(scriptedIndex, 1);
		if (answer!.refusal !== undefined) {
			content = null;
			refusal = answer!.refusal;
		} else {
			content =
				answer!.content === undefined || answer!.content === null
					? null
					: typeof answer!.content === 'string'
						? answer!.content
						: JSON.stringify(answer!.content);
		}
		finishReason = answer!.finishReason ?? 'stop';
	} else {
		content = JSON.stringify(defaultAnswer(userPrompt, format?.json_schema));
	}

	s.counter++;
	const created = Math.floor(state.now() / 1000);
	const promptTokens = Math.ceil(prompt.length / 4);
	const completionTokens = Math.ceil((content ?? refusal ?? '').length / 4);
	const id = `chatcmpl-emu${createHash('sha256').update(`${s.counter}:${prompt}`).digest('hex').slice(0, 24)}`;
	return {
		status: 200,
		headers: {
			'x-request-id': `req_${id.slice(-16)}`,
			'openai-processing-ms': '12',
			'x-ratelimit-limit-requests': '10000',
			'x-ratelimit-remaining-requests': '9999',
		},
		body: {
			id,
			object: 'chat.completion',
			created,
			model: style === 'azure' ? model : resolvedModel(model),
			choices: [
				{
					index: 0,
					message: { role: 'assistant', content, refusal, annotations: [] },
					logprobs: null,
					finish_reason: finishReason,
				},
			],
			usage: {
				prompt_tokens: promptTokens,
				completion_tokens: completionTokens,
				total_tokens: promptTokens + completionTokens,
			},
			system_fingerprint: 'fp_emulator',
			service_tier: 'default',
		},
	};
}

/** OpenAI answers with the dated snapshot behind an alias. */
function resolvedModel(model: string): string {
	return model === 'gpt-4o-mini' ? 'gpt-4o-mini-2024-07-18' : model;
}

/**
 * What OpenAI checks in a strict json_schema (a subset): every object lists all its properties
 * in `required` and sets `additionalProperties: false`.
 */
function strictSchemaProblem(
	schema: JsonSchema,
	strict: boolean,
	path: string[] = [],
): string | null {
	if (!strict) return null;
	const context = `(${path.map((part) => `'${part}'`).join(', ')})`;
	const isObject =
		schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'));
	if (isObject || schema.properties) {
		const keys = Object.keys(schema.properties ?? {});
		const required = schema.required ?? [];
		const missing = keys.find((key) => !required.includes(key));
		if (missing !== undefined) {
			return `In context=${context}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
		}
		if (schema.additionalProperties !== false) {
			return `In context=${context}, 'additionalProperties' is required to be supplied and to be false.`;
		}
	}
	const children: Array<[string[], JsonSchema]> = [
		...Object.entries(schema.properties ?? {}).map(([key, child]): [string[], JsonSchema] => [
			[...path, 'properties', key],
			child,
		]),
		...(schema.items ? [[[...path, 'items'], schema.items] as [string[], JsonSchema]] : []),
		...(schema.anyOf ?? []).map((child, i): [string[], JsonSchema] => [
			[...path, 'anyOf', String(i)],
			child,
		]),
		...Object.entries(schema.$defs ?? {}).map(([key, child]): [string[], JsonSchema] => [
			['$defs', key],
			child,
		]),
	];
	for (const [childPath, child] of children) {
		const problem = strictSchemaProblem(child, strict, childPath);
		if (problem) return problem;
	}
	return null;
}

/** The rule-based answer, shaped by the requested schema's top-level properties. */
function defaultAnswer(
	userPrompt: string,
	jsonSchema: { name?: string; schema?: JsonSchema } | undefined,
): Record<string, unknown> {
	const properties = jsonSchema?.schema?.properties;
	const wantsClassification =
		(properties && 'classification' in properties) || /classif/i.test(jsonSchema?.name ?? '');
	const answer: Record<string, unknown> = wantsClassification
		? { ...readClassification(userPrompt) }
		: { ...readSignature(promptParts(userPrompt)) };
	if (!properties) return answer;
	// Keys the schema asks for and the reader does not know are null; unknown keys are dropped.
	const shaped: Record<string, unknown> = {};
	for (const key of Object.keys(properties)) {
		shaped[key] = key in answer ? answer[key] : null;
	}
	return shaped;
}
