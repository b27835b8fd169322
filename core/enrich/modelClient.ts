// The model path of signature enrichment: an OpenAI-compatible chat model (OpenAI, Azure OpenAI,
// or a local server such as Ollama or vLLM) reads one signature block and answers in a zod-defined
// JSON shape. Only the block's lines and the From name and address are sent, never the mail body
// or its quotes. Every value of the answer must be found in what was sent (grounding.ts), so the
// model can reorder and label but not invent. Whatever goes wrong (timeout, 429, 5xx, a refused
// key, broken or off-schema JSON, a refusal) gives back the offline result with the reason; the
// API key and the mail never appear in an error or a log line.
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import OpenAI, { AzureOpenAI } from 'openai';
import { z } from 'zod';

import { CrmArgumentError } from '../store/recordLinks';
import {
	linesContaining,
	normalizeUrl,
	phoneDigitsInSource,
	sourceSpelling,
	valueAppearsInSource,
} from './grounding';
import {
	CONTACT_RESPONSE_FORMAT,
	type ModelContactAnswer,
	modelContactSchema,
} from './modelSchemas';
import { countryOfDomain, phonesInLine } from './phoneNumbers';
import type {
	EmailForEnrichment,
	FoundValue,
	PhoneValue,
	SignatureBlockResult,
	SignatureContact,
} from './types';

export interface ModelSettings {
	/** May be empty for local servers that take no key. */
	apiKey: string;
	/** OpenAI style: the base ending in /v1. Azure: the resource endpoint (https://x.openai.azure.com). */
	baseUrl: string;
	/** Model id; for Azure the deployment name. */
	model: string;
	provider?: 'openai' | 'azure';
	/** Azure only, e.g. 2024-10-21. */
	apiVersion?: string;
	/** Per request (default 20000). */
	timeoutMs?: number;
	/** Retries of 429 and 5xx answers and lost connections (default 1). */
	maxRetries?: number;
	fetch?: typeof fetch;
}

export type ModelFallbackReason =
	| 'timeout'
	| 'rate_limited'
	| 'invalid_json'
	| 'schema'
	| 'http_error'
	| 'refused'
	/** No signature block: nothing was sent. */
	| 'no_signature';

export interface RejectedValue {
	field: string;
	value: string;
	reason: 'not_in_source';
}

export interface ModelExtraction {
	/** Grounded model values (extractor 'llm:<model>') over the offline ones, which stay where the model gave none. */
	contact: SignatureContact;
	outcome: 'model' | 'fallback';
	fallbackReason?: ModelFallbackReason;
	/** Why the model path fell back, in a sentence a user can act on (no key, no mail content). */
	message?: string;
	/** HTTP status of a failed call, when there was one. */
	status?: number;
	rejected: RejectedValue[];
}

export const DEFAULT_MODEL_TIMEOUT_MS = 20000;
export const DEFAULT_MODEL_MAX_RETRIES = 1;
/** Confidence of a model value found in the source text. */
export const GROUNDED_CONFIDENCE = 0.9;

const SYSTEM_PROMPT = [
	'You read one email signature block and return the sender’s contact details as JSON matching the given schema.',
	'Copy every value exactly as it is written in the block or the From line: same spelling, same digits, no translation, no reformatting, no completion.',
	'Use null (an empty list for phones) for anything the block does not state. Never guess and never use outside knowledge.',
	'A phone’s type comes from the label written next to it: mobile, office (Tel, Phone, Direct), fax; other when unlabelled.',
].join(' ');

/** What the model reads: the From line and the signature block, nothing else of the mail. */
export function signaturePrompt(block: SignatureBlockResult, email: EmailForEnrichment): string {
	const from = [
		email.fromName?.trim() || null,
		email.fromEmail ? `<${email.fromEmail.trim()}>` : null,
	]
		.filter(Boolean)
		.join(' ');
	// The block is fenced by """ lines; a line that is itself """ would end it early.
	const lines = block.lines.map((line) => (line.trim() === '"""' ? '"' : line));
	return [`From: ${from || '(unknown)'}`, 'Signature block:', '"""', ...lines, '"""'].join('\n');
}

/**
 * The text each field may be grounded in. Names, titles, companies and addresses: the From name
 * and the block (a company guessed from the sender's address is not written anywhere); an email
 * address: the block and the From address; phones and URLs: the block alone.
 */
function groundingSources(
	block: SignatureBlockResult,
	email: EmailForEnrichment,
): { text: string; email: string; block: string } {
	const lines = block.lines.join('\n');
	return {
		text: [email.fromName ?? '', lines].join('\n'),
		email: [email.fromEmail ?? '', lines].join('\n'),
		block: lines,
	};
}

function sourceFor(field: string, sources: ReturnType<typeof groundingSources>): string {
	if (TEXT_FIELDS.includes(field as (typeof TEXT_FIELDS)[number])) return sources.text;
	return field === 'email' ? sources.email : sources.block;
}

export function createModelClient(settings: ModelSettings): OpenAI {
	const common = {
		// An empty key would make the client read OPENAI_API_KEY from the environment; local
		// servers ignore whatever key they get.
		apiKey: settings.apiKey || 'no-key',
		timeout: settings.timeoutMs ?? DEFAULT_MODEL_TIMEOUT_MS,
		maxRetries: settings.maxRetries ?? DEFAULT_MODEL_MAX_RETRIES,
		fetch: abortAwareFetch(settings.fetch ?? globalThis.fetch),
		// Nothing from the environment: no organisation or project headers, no request logging.
		organization: null,
		project: null,
		logLevel: 'off' as const,
	};
	if (settings.provider === 'azure') {
		return new AzureOpenAI({
			...common,
			endpoint: settings.baseUrl,
			apiVersion: settings.apiVersion,
			deployment: settings.model,
		});
	}
	return new OpenAI({ ...common, baseURL: settings.baseUrl });
}

/**
 * The client tells a timeout from a lost connection by the abort error's name. Under test
 * runners that load modules in another realm the name gets lost on the way; rethrowing a local
 * AbortError when the request's signal fired keeps timeouts reported as timeouts everywhere.
 */
function abortAwareFetch(inner: typeof fetch): typeof fetch {
	return async (input, init) => {
		try {
			return await inner(input, init);
		} catch (error) {
			if (init?.signal?.aborted) {
				const abort = new Error('The request was aborted.');
				abort.name = 'AbortError';
				throw abort;
			}
			throw error;
		}
	};
}

export interface ModelCallFailure {
	reason: ModelFallbackReason;
	message: string;
	status?: number;
}

/** Maps what the client threw to a fallback reason and a sentence without key or content. */
export function describeModelError(error: unknown, settings: ModelSettings): ModelCallFailure {
	const timeoutMs = settings.timeoutMs ?? DEFAULT_MODEL_TIMEOUT_MS;
	if (error instanceof OpenAI.APIConnectionTimeoutError) {
		return { reason: 'timeout', message: `The model did not answer within ${timeoutMs} ms.` };
	}
	if (error instanceof OpenAI.APIConnectionError) {
		return {
			reason: 'http_error',
			message: 'The model endpoint could not be reached (connection failed); check the base URL.',
		};
	}
	if (error instanceof OpenAI.APIError) {
		const status = error.status;
		const code = typeof error.code === 'string' ? error.code : null;
		const suffix = `HTTP ${status ?? '?'}${code ? `, ${code}` : ''}`;
		if (status === 429) {
			return {
				reason: 'rate_limited',
				status,
				message: `The model endpoint is rate limiting requests (${suffix}); the offline result was kept.`,
			};
		}
		if (status === 401 || status === 403) {
			return {
				reason: 'http_error',
				status,
				message: `The model endpoint refused the API key (${suffix}); check the CRM Connect AI Model credential.`,
			};
		}
		if (status === 404) {
			return {
				reason: 'http_error',
				status,
				message: `The model endpoint does not know the model or deployment "${settings.model}" (${suffix}).`,
			};
		}
		return {
			reason: 'http_error',
			status,
			message: `The model endpoint answered with an error (${suffix}).`,
		};
	}
	return { reason: 'http_error', message: 'The model call failed unexpectedly.' };
}

type ParsedAnswer<T> = { ok: true; value: T } | { ok: false; failure: ModelCallFailure };

/** Reads a completion's JSON content with `schema`: refusals, broken JSON and misfits are failures. */
export function readStructuredAnswer<T>(
	completion: OpenAI.Chat.Completions.ChatCompletion,
	schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
): ParsedAnswer<T> {
	const choice = completion.choices?.[0];
	const message = choice?.message;
	if (message?.refusal || choice?.finish_reason === 'content_filter') {
		return { ok: false, failure: { reason: 'refused', message: 'The model refused to answer.' } };
	}
	const content = typeof message?.content === 'string' ? message.content : null;
	if (!content) {
		return {
			ok: false,
			failure: { reason: 'invalid_json', message: 'The model gave an empty answer.' },
		};
	}
	let json: unknown;
	try {
		json = JSON.parse(stripCodeFence(content));
	} catch {
		return {
			ok: false,
			failure: {
				reason: 'invalid_json',
				message:
					choice?.finish_reason === 'length'
						? 'The model’s answer was cut off before the JSON ended.'
						: 'The model’s answer is not valid JSON.',
			},
		};
	}
	const parsed = schema.safeParse(json);
	if (!parsed.success) {
		return {
			ok: false,
			failure: {
				reason: 'schema',
				message: 'The model’s JSON does not match the requested schema.',
			},
		};
	}
	return { ok: true, value: parsed.data };
}

/** Some local servers wrap JSON in a Markdown code fence even when asked for a schema. */
function stripCodeFence(content: string): string {
	const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(content);
	return fenced ? fenced[1]! : content;
}

/**
 * Asks the model for the contact details in one signature block and keeps what it can prove:
 * grounded values (confidence 0.9, extractor `llm:<model>`) replace the offline ones field by
 * field, offline values stay where the model has none, rejected values are listed. Never throws
 * for a model failure: the offline contact comes back with outcome 'fallback'.
 */
export async function extractWithModel(
	settings: ModelSettings,
	input: { block: SignatureBlockResult; email: EmailForEnrichment; offline: SignatureContact },
): Promise<ModelExtraction> {
	const { block, email, offline } = input;
	const fallback = (failure: ModelCallFailure): ModelExtraction => ({
		contact: offline,
		outcome: 'fallback',
		fallbackReason: failure.reason,
		message: failure.message,
		...(failure.status !== undefined ? { status: failure.status } : {}),
		rejected: [],
	});
	if (!block.block || block.lines.length === 0) {
		return fallback({ reason: 'no_signature', message: 'No signature block: nothing was sent.' });
	}

	let completion: OpenAI.Chat.Completions.ChatCompletion;
	try {
		const client = createModelClient(settings);
		completion = await client.chat.completions.create({
			model: settings.model,
			temperature: 0,
			messages: [
				{ role: 'system', content: SYSTEM_PROMPT },
				{ role: 'user', content: signaturePrompt(block, email) },
			],
			response_format: CONTACT_RESPONSE_FORMAT,
		});
	} catch (error) {
		return fallback(describeModelError(error, settings));
	}
	const answer = readStructuredAnswer<ModelContactAnswer>(completion, modelContactSchema);
	if (!answer.ok) return fallback(answer.failure);

	const { contact, rejected } = groundAnswer(answer.value, {
		block,
		email,
		offline,
		extractor: `llm:${settings.model}`,
	});
	return { contact, outcome: 'model', rejected };
}

const TEXT_FIELDS = ['fullName', 'jobTitle', 'company', 'postalAddress'] as const;

/**
 * Keeps the answer's values found in the block or the From line, normalised like the offline
 * extractor's (E.164 phones, https LinkedIn and website URLs, lower-case email), merged over the
 * offline contact.
 */
export function groundAnswer(
	answer: ModelContactAnswer,
	context: {
		block: SignatureBlockResult;
		email: EmailForEnrichment;
		offline: SignatureContact;
		extractor: string;
	},
): { contact: SignatureContact; rejected: RejectedValue[] } {
	const { block, email, offline, extractor } = context;
	const sources = groundingSources(block, email);
	const rejected: RejectedValue[] = [];
	const found = (field: string, value: string, written: string): FoundValue<string> => {
		const lines = sourceFor(field, sources)
			.split('\n')
			.filter((line) => line.trim());
		return {
			value,
			confidence: GROUNDED_CONFIDENCE,
			extractor,
			excerpt: linesContaining(field, written, lines).join('\n') || block.lines.join('\n'),
		};
	};
	const accept = (field: string, written: string | null): string | null => {
		const value = written?.replace(/\s+/g, ' ').trim();
		if (!value) return null;
		if (valueAppearsInSource(field, value, sourceFor(field, sources))) return value;
		rejected.push({ field, value, reason: 'not_in_source' });
		return null;
	};

	const contact: SignatureContact = { ...offline, phones: [] };
	for (const field of TEXT_FIELDS) {
		const value = accept(field, answer[field]);
		// Stored as the source writes it, should the model have changed case or dropped accents.
		if (value) contact[field] = found(field, sourceSpelling(value, sources.text) ?? value, value);
	}
	const linkedin = accept('linkedinUrl', answer.linkedinUrl);
	if (linkedin) {
		const normalized = linkedinProfileUrl(linkedin);
		if (normalized) contact.linkedinUrl = found('linkedinUrl', normalized, linkedin);
		else rejected.push({ field: 'linkedinUrl', value: linkedin, reason: 'not_in_source' });
	}
	const website = accept('website', answer.website);
	if (website) contact.website = found('website', websiteUrl(website), website);
	const address = accept('email', answer.email);
	if (address && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) {
		contact.email = found('email', address.toLowerCase(), address);
	}

	// Phones: the written digits must be on one source line, and so must the national number the
	// E.164 form was read as (a model writing +49 for a number written without it is caught here).
	const countries = phoneCountries(block, email, offline);
	const modelPhones: Array<FoundValue<PhoneValue>> = [];
	for (const phone of answer.phones) {
		const written = accept('phone', phone.number);
		if (!written) continue;
		const parsed = phonesInLine(written, countries)[0];
		if (!parsed) continue; // not a valid number anywhere hinted: neither invented nor usable
		const nationalNumber = parsePhoneNumberFromString(parsed.e164)?.nationalNumber ?? '';
		if (!phoneDigitsInSource(nationalNumber, sources.block)) {
			rejected.push({ field: 'phone', value: written, reason: 'not_in_source' });
			continue;
		}
		if (modelPhones.some((known) => known.value.e164 === parsed.e164)) continue;
		modelPhones.push({
			value: { e164: parsed.e164, type: phone.type, written },
			confidence: GROUNDED_CONFIDENCE,
			extractor,
			excerpt: linesContaining('phone', written, block.lines).join('\n'),
		});
	}
	const offlineOnly = offline.phones.filter(
		(phone) => !modelPhones.some((known) => known.value.e164 === phone.value.e164),
	);
	contact.phones = [...modelPhones, ...offlineOnly];
	return { contact, rejected };
}

function phoneCountries(
	block: SignatureBlockResult,
	email: EmailForEnrichment,
	offline: SignatureContact,
): CountryCode[] {
	const countries: CountryCode[] = [];
	const add = (country: CountryCode | undefined) => {
		if (country && !countries.includes(country)) countries.push(country);
	};
	// Numbers read offline or written internationally in the block name the country of the
	// others; then the sender's domain.
	for (const phone of offline.phones) add(parsePhoneNumberFromString(phone.value.e164)?.country);
	for (const line of block.lines) {
		if (!line.includes('+')) continue;
		for (const phone of phonesInLine(line, [])) {
			add(parsePhoneNumberFromString(phone.e164)?.country);
		}
	}
	add(countryOfDomain(email.fromEmail?.split('@')[1]));
	return countries;
}

/** https://www.linkedin.com/in/<slug> (lower case, like the offline extractor), or null. */
function linkedinProfileUrl(written: string): string | null {
	const match = /(?:^|\.)linkedin\.com\/in\/([^/?#\s]+)/i.exec(normalizeUrl(written));
	if (!match) return null;
	let slug = match[1]!;
	try {
		slug = decodeURIComponent(slug);
	} catch {
		// keep the slug as written
	}
	return `https://www.linkedin.com/in/${slug.toLowerCase()}`;
}

/** https://host, as the offline extractor writes a website (the path is not kept). */
function websiteUrl(written: string): string {
	const host = written
		.trim()
		.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
		.split(/[/?#:]/)[0]!
		.toLowerCase()
		.replace(/\.+$/, '');
	return `https://${host}`;
}

// ─── Credential → settings ──────────────────────────────────────────────────────────────────────

const credentialSchema = z.object({
	provider: z.enum(['openai', 'azure']).default('openai'),
	baseUrl: z.string().trim().default('https://api.openai.com/v1'),
	apiKey: z.string().default(''),
	model: z.string().trim().default(''),
	apiVersion: z.string().trim().default(''),
	timeoutSeconds: z.coerce.number().default(DEFAULT_MODEL_TIMEOUT_MS / 1000),
});

/**
 * The CRM Connect AI Model credential's data as ModelSettings. Errors are sentences naming the
 * field to fix; the API key is never part of them.
 */
export function modelSettingsFromCredential(data: Record<string, unknown>): ModelSettings {
	const parsed = credentialSchema.safeParse(data ?? {});
	if (!parsed.success) {
		const field = parsed.error.issues[0]?.path.join('.') || 'credential';
		throw new CrmArgumentError(
			field === 'apiKey'
				? 'The AI model credential’s API key must be text.'
				: `The AI model credential’s "${field}" field is not valid: ${parsed.error.issues[0]?.message ?? 'check it'}.`,
		);
	}
	const { provider, apiKey, model, apiVersion, timeoutSeconds } = parsed.data;
	let baseUrl = parsed.data.baseUrl.replace(/\/+$/, '');
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		throw new CrmArgumentError(
			'The AI model credential’s base URL is not a URL; use e.g. https://api.openai.com/v1 or http://localhost:11434/v1.',
		);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new CrmArgumentError(
			'The AI model credential’s base URL must start with https:// or http://.',
		);
	}
	if (!model) {
		throw new CrmArgumentError(
			provider === 'azure'
				? 'The AI model credential needs the Azure deployment name in "Model".'
				: 'The AI model credential needs a model, e.g. gpt-4o-mini.',
		);
	}
	if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 600) {
		throw new CrmArgumentError(
			'The AI model credential’s timeout must be between 1 and 600 seconds.',
		);
	}
	if (provider === 'azure') {
		if (!apiVersion) {
			throw new CrmArgumentError(
				'The AI model credential needs an API version for Azure OpenAI, e.g. 2024-10-21.',
			);
		}
		if (!apiKey)
			throw new CrmArgumentError('The AI model credential needs an API key for Azure OpenAI.');
		// The endpoint is the resource; a pasted deployment or /openai path is cut off.
		baseUrl = baseUrl.replace(/\/openai(\/.*)?$/, '');
	}
	return {
		provider,
		apiKey,
		baseUrl,
		model,
		...(provider === 'azure' ? { apiVersion } : {}),
		timeoutMs: Math.round(timeoutSeconds * 1000),
		maxRetries: DEFAULT_MODEL_MAX_RETRIES,
	};
}
