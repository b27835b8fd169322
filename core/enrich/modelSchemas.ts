// What the model is asked to answer, as zod schemas: one object for a signature's contact details,
// one for a classification. The same schemas validate the answer and, turned into JSON Schema,
// ask for it (OpenAI structured outputs, strict mode: every property required, no others, absent
// values as null). zod/v4 is the v4 API shipped inside zod 3.25, which can write JSON Schema.
import { z } from 'zod/v4';

export const PHONE_TYPES = ['mobile', 'office', 'fax', 'other'] as const;
export const CLASSIFICATIONS = [
	'lead',
	'customer',
	'vendor',
	'partner',
	'personal',
	'unknown',
] as const;

const writtenText = (description: string) => z.string().nullable().describe(description);

export const modelPhoneSchema = z.strictObject({
	number: z
		.string()
		.describe('The phone number exactly as written in the signature, same digits and signs'),
	type: z
		.enum(PHONE_TYPES)
		.describe('From the label written next to it (Mobile, Tel, Fax …); other when unlabelled'),
});

export const modelContactSchema = z.strictObject({
	fullName: writtenText("The sender's full name as written, or null"),
	jobTitle: writtenText('Job title as written, or null'),
	company: writtenText('Company or organisation name as written, or null'),
	phones: z.array(modelPhoneSchema).describe('Every phone number written; empty when none'),
	linkedinUrl: writtenText('LinkedIn profile URL as written, or null'),
	website: writtenText('Website as written (not a LinkedIn or social profile), or null'),
	postalAddress: writtenText('Postal address as written, lines joined by ", ", or null'),
	email: writtenText('An email address written in the signature, or null'),
});

export type ModelContactAnswer = z.infer<typeof modelContactSchema>;

export const modelClassificationSchema = z.strictObject({
	classification: z
		.enum(CLASSIFICATIONS)
		.describe('What the contact is to us; unknown unless the messages make it clear'),
	// No minimum/maximum: not every OpenAI-compatible server accepts them; the client clamps.
	confidence: z.number().describe('How sure, from 0 to 1'),
	reason: z.string().describe('One short sentence naming the words or messages that decided'),
});

export type ModelClassificationAnswer = z.infer<typeof modelClassificationSchema>;

export interface JsonSchemaResponseFormat {
	type: 'json_schema';
	json_schema: { name: string; schema: Record<string, unknown>; strict: true };
}

/** The `response_format` that asks for an answer matching `schema`. */
export function responseFormatFor(name: string, schema: z.ZodType): JsonSchemaResponseFormat {
	const jsonSchema = z.toJSONSchema(schema, { target: 'draft-7', io: 'output' }) as Record<
		string,
		unknown
	>;
	// The dialect line is not part of what OpenAI's strict mode accepts.
	delete jsonSchema.$schema;
	return { type: 'json_schema', json_schema: { name, schema: jsonSchema, strict: true } };
}

export const CONTACT_RESPONSE_FORMAT = responseFormatFor('signature_contact', modelContactSchema);
export const CLASSIFICATION_RESPONSE_FORMAT = responseFormatFor(
	'contact_classification',
	modelClassificationSchema,
);
