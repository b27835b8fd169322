// Values enrichment found (enrichment_results): one row per subject, field and extractor, with where
// the value came from. A row is written only when its value, confidence or source changes, so a
// run that finds what is already stored writes nothing and leaves updated_at alone. Every query is
// scoped by the workspace.
import type { Knex } from 'knex';

import { pgJson, pgTextMax } from './pgText';

export type EnrichmentSubjectType = 'person' | 'company';

/** A value to store, with its provenance. */
export interface EnrichmentResultInput {
	subjectType: EnrichmentSubjectType;
	subjectId: string;
	/** full_name, job_title, company, phones, linkedin_url, website, postal_address, classification, name. */
	field: string;
	value: unknown;
	confidence: number;
	extractor: string;
	sourceEmailId: string | null;
	sourceExcerpt: string | null;
	sourceSentAt: Date | null;
	/** Whether the person or company carries the value (default false). */
	applied?: boolean;
}

/** A stored value. */
export interface EnrichmentResultRecord extends EnrichmentResultInput {
	id: string;
	applied: boolean;
	updatedAt: Date;
}

interface ResultRow {
	id: string;
	subject_type: EnrichmentSubjectType;
	subject_id: string;
	field: string;
	value: unknown;
	confidence: string | number;
	extractor: string;
	source_email_id: string | null;
	source_excerpt: string | null;
	source_sent_at: Date | null;
	applied: boolean;
	updated_at: Date;
}

/** Excerpts are a few signature lines; a hostile mail must not store a whole body as one. */
const MAX_EXCERPT = 2_000;
const MAX_VALUE_TEXT = 2_000;

/** A found text as it is stored (and written to a record): cleaned for PostgreSQL and cut. */
export function storedText(text: string): string;
export function storedText(text: string | null | undefined): string | null;
export function storedText(text: string | null | undefined): string | null {
	return pgTextMax(text, MAX_VALUE_TEXT);
}

/** An excerpt as it is stored. */
export function storedExcerpt(text: string | null | undefined): string | null {
	return pgTextMax(text, MAX_EXCERPT) || null;
}

/** Bindings with arrays (unnested in SQL): node-pg sends them as PostgreSQL arrays. */
const bind = (values: unknown[]) => values as unknown as Knex.RawBinding[];

/** The column's precision (decimal(4,3)), so that comparing with the stored value is exact. */
export function roundConfidence(confidence: number): number {
	if (!Number.isFinite(confidence)) return 0;
	return Math.round(Math.min(1, Math.max(0, confidence)) * 1000) / 1000;
}

function cleanValue(value: unknown): unknown {
	const clean = pgJson(value);
	return typeof clean === 'string' ? clean.slice(0, MAX_VALUE_TEXT) : clean;
}

function toRecord(row: ResultRow): EnrichmentResultRecord {
	return {
		id: row.id,
		subjectType: row.subject_type,
		subjectId: row.subject_id,
		field: row.field,
		value: row.value,
		confidence: Number(row.confidence),
		extractor: row.extractor,
		sourceEmailId: row.source_email_id,
		sourceExcerpt: row.source_excerpt,
		sourceSentAt: row.source_sent_at,
		applied: row.applied,
		updatedAt: row.updated_at,
	};
}

/** The stored values of these people and companies. */
export async function readEnrichmentResults(
	db: Knex,
	workspaceId: string,
	subjects: { people?: string[]; companies?: string[] },
): Promise<EnrichmentResultRecord[]> {
	const people = subjects.people ?? [];
	const companies = subjects.companies ?? [];
	if (people.length === 0 && companies.length === 0) return [];
	const { rows } = await db.raw<{ rows: ResultRow[] }>(
		`select * from enrichment_results
		  where workspace_id = ?::uuid
		    and ((subject_type = 'person' and subject_id = any(?::uuid[]))
		      or (subject_type = 'company' and subject_id = any(?::uuid[])))
		  order by subject_type, subject_id, field, extractor`,
		bind([workspaceId, people, companies]),
	);
	return rows.map(toRecord);
}

/**
 * Inserts or updates values, one statement for the lot. A row whose value, confidence, source and
 * `applied` are already the stored ones is not written. Returns how many rows were written.
 */
export async function writeEnrichmentResults(
	db: Knex,
	workspaceId: string,
	inputs: EnrichmentResultInput[],
): Promise<number> {
	if (inputs.length === 0) return 0;
	// One row per key (ON CONFLICT touches a row once per statement), in key order against deadlocks.
	const byKey = new Map<string, EnrichmentResultInput>();
	for (const input of inputs)
		byKey.set(`${input.subjectType}|${input.subjectId}|${input.field}|${input.extractor}`, input);
	const rows = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	const column = <T>(pick: (input: EnrichmentResultInput) => T) =>
		rows.map(([, input]) => pick(input));
	const result = (await db.raw(
		`insert into enrichment_results as r (workspace_id, subject_type, subject_id, field, value,
			confidence, extractor, source_email_id, source_excerpt, source_sent_at, applied)
		 select ?::uuid, subject_type, subject_id, field, value::jsonb, confidence, extractor,
			source_email_id, source_excerpt, source_sent_at, applied
		   from unnest(?::text[], ?::uuid[], ?::text[], ?::text[], ?::numeric[], ?::text[], ?::uuid[],
			?::text[], ?::timestamptz[], ?::boolean[])
			as t(subject_type, subject_id, field, value, confidence, extractor, source_email_id,
				source_excerpt, source_sent_at, applied)
		 on conflict (workspace_id, subject_type, subject_id, field, extractor) do update set
			value = excluded.value, confidence = excluded.confidence,
			source_email_id = excluded.source_email_id, source_excerpt = excluded.source_excerpt,
			source_sent_at = excluded.source_sent_at, applied = excluded.applied, updated_at = now()
		 where (r.value, r.confidence, r.source_email_id, r.source_excerpt, r.source_sent_at, r.applied)
			is distinct from (excluded.value, excluded.confidence, excluded.source_email_id,
				excluded.source_excerpt, excluded.source_sent_at, excluded.applied)`,
		bind([
			workspaceId,
			column((input) => input.subjectType),
			column((input) => input.subjectId),
			column((input) => input.field),
			column((input) => JSON.stringify(cleanValue(input.value))),
			column((input) => roundConfidence(input.confidence)),
			column((input) => pgTextMax(input.extractor, 200)),
			column((input) => input.sourceEmailId),
			column((input) => pgTextMax(input.sourceExcerpt, MAX_EXCERPT)),
			column((input) => (input.sourceSentAt ? input.sourceSentAt.toISOString() : null)),
			column((input) => input.applied === true),
		]),
	)) as { rowCount: number };
	return result.rowCount;
}
