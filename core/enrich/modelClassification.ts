// Classification through the model: the same input the offline rules read (direction, subject,
// snippet and whether it answers our mail, per message) and nothing more, answered in the
// classification schema. Any failure answers 'fallback' so the caller keeps the offline rules'
// classification; `unknown` is always an acceptable answer.
import type OpenAI from 'openai';

import type { ClassificationInput, ClassificationResult } from './classification';
import {
	createModelClient,
	describeModelError,
	type ModelFallbackReason,
	type ModelSettings,
	readStructuredAnswer,
} from './modelClient';
import {
	CLASSIFICATION_RESPONSE_FORMAT,
	type ModelClassificationAnswer,
	modelClassificationSchema,
} from './modelSchemas';

export interface ModelClassification extends ClassificationResult {
	outcome: 'model' | 'fallback';
	fallbackReason?: ModelFallbackReason;
	/** Why it fell back, without key or mail content. */
	message?: string;
}

/** Messages sent at most, newest first, and the characters kept of each subject and snippet. */
const MAX_MESSAGES = 20;
const MAX_SUBJECT = 200;
const MAX_SNIPPET = 300;

const SYSTEM_PROMPT = [
	'You classify a business contact from the mail exchanged with them, as one of: lead (a prospect asking about or answering our quotes and offers),',
	'customer (buys from us), vendor (bills us or sells to us), partner (works with us), personal (private mail), unknown.',
	'Decide only from the subjects and snippets given. Answer unknown unless they make it clear.',
	'Give a confidence from 0 to 1 and one short reason naming the words or messages that decided.',
].join(' ');

function clip(text: string | null, max: number): string {
	const flat = (text ?? '').replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** What the model reads: per message its direction, subject and snippet, nothing else. */
export function classificationPrompt(input: ClassificationInput): string {
	const lines = [
		`Contact: ${input.contactEmail}${input.freeMail ? ' (free-mail address)' : ''}`,
		'Messages, newest first:',
	];
	input.messages.slice(0, MAX_MESSAGES).forEach((message, index) => {
		const direction =
			message.direction === 'incoming'
				? message.isReplyToOurs
					? 'from them, replying to us'
					: 'from them'
				: 'from us';
		lines.push(
			`${index + 1}. ${direction}`,
			`   Subject: ${clip(message.subject, MAX_SUBJECT) || '(none)'}`,
			`   Snippet: ${clip(message.snippet, MAX_SNIPPET) || '(none)'}`,
		);
	});
	if (input.messages.length === 0) lines.push('(no messages)');
	return lines.join('\n');
}

export async function classifyWithModel(
	settings: ModelSettings,
	input: ClassificationInput,
): Promise<ModelClassification> {
	const fallback = (reason: ModelFallbackReason, message: string): ModelClassification => ({
		classification: 'unknown',
		confidence: 0,
		reason: message,
		outcome: 'fallback',
		fallbackReason: reason,
		message,
	});
	let completion: OpenAI.Chat.Completions.ChatCompletion;
	try {
		completion = await createModelClient(settings).chat.completions.create({
			model: settings.model,
			temperature: 0,
			messages: [
				{ role: 'system', content: SYSTEM_PROMPT },
				{ role: 'user', content: classificationPrompt(input) },
			],
			response_format: CLASSIFICATION_RESPONSE_FORMAT,
		});
	} catch (error) {
		const failure = describeModelError(error, settings);
		return fallback(failure.reason, failure.message);
	}
	const answer = readStructuredAnswer<ModelClassificationAnswer>(
		completion,
		modelClassificationSchema,
	);
	if (!answer.ok) return fallback(answer.failure.reason, answer.failure.message);
	const confidence = Math.min(1, Math.max(0, answer.value.confidence));
	return {
		classification: answer.value.classification,
		confidence,
		reason: clip(answer.value.reason, 300) || 'no reason given',
		outcome: 'model',
	};
}
