// Links between emails / events and people / companies (record_links). A link is 'auto' (made by
// linking from addresses and domains) or 'manual' (made by a user). When a user unlinks, the row
// stays with link_source 'suppressed': it is no link, but it holds the unique key, so automatic
// linking (insert … on conflict do nothing) can never add that pair again. Readers of links must
// therefore read live links only: LIVE_LINK_SOURCES / listLinks.
import type { Knex } from 'knex';

import type { CrmDatabase } from './database';

export type LinkSubjectType = 'email' | 'calendar_event';
export type LinkRecordType = 'person' | 'company';
export type LinkSource = 'auto' | 'manual';

/** The link_source values that are links (not 'suppressed'). */
export const LIVE_LINK_SOURCES: readonly LinkSource[] = ['auto', 'manual'];

export interface RecordLink {
	id: string;
	workspaceId: string;
	subjectType: LinkSubjectType;
	subjectId: string;
	recordType: LinkRecordType;
	recordId: string;
	linkSource: LinkSource | 'suppressed';
	createdBy: string | null;
	createdAt: Date;
}

export interface LinkTarget {
	subjectType: LinkSubjectType;
	subjectId: string;
	recordType: LinkRecordType;
	recordId: string;
}

/** An id that does not exist in the workspace (or belongs to another one, which is the same). */
export class CrmRecordNotFoundError extends Error {
	readonly code = 'not_found';
	readonly status = 404;
	constructor(
		readonly kind: string,
		readonly id: string,
	) {
		super(`No ${kind.replace('_', ' ')} ${String(id).slice(0, 100)} in this workspace`);
		this.name = 'CrmRecordNotFoundError';
	}
}

export class CrmArgumentError extends Error {
	readonly code = 'invalid_argument';
	readonly status = 400;
	constructor(message: string) {
		super(message);
		this.name = 'CrmArgumentError';
	}
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
	return typeof value === 'string' && UUID.test(value);
}

const SUBJECT_TABLES: Record<LinkSubjectType, string> = {
	email: 'emails',
	calendar_event: 'calendar_events',
};
const RECORD_TABLES: Record<LinkRecordType, string> = { person: 'people', company: 'companies' };

interface LinkRow {
	id: string;
	workspace_id: string;
	subject_type: LinkSubjectType;
	subject_id: string;
	record_type: LinkRecordType;
	record_id: string;
	link_source: LinkSource | 'suppressed';
	created_by: string | null;
	created_at: Date;
}

export function toRecordLink(row: LinkRow): RecordLink {
	return {
		id: row.id,
		workspaceId: row.workspace_id,
		subjectType: row.subject_type,
		subjectId: row.subject_id,
		recordType: row.record_type,
		recordId: row.record_id,
		linkSource: row.link_source,
		createdBy: row.created_by,
		createdAt: row.created_at,
	};
}

/** Checks the ids and that both ends exist in the workspace; throws CrmRecordNotFoundError. */
async function checkTarget(knex: Knex, workspaceId: string, target: LinkTarget): Promise<void> {
	if (!isUuid(workspaceId)) throw new CrmArgumentError('workspaceId must be a UUID');
	const subjectTable = SUBJECT_TABLES[target.subjectType];
	const recordTable = RECORD_TABLES[target.recordType];
	if (!subjectTable) throw new CrmArgumentError(`subjectType must be email or calendar_event`);
	if (!recordTable) throw new CrmArgumentError(`recordType must be person or company`);
	if (!isUuid(target.subjectId))
		throw new CrmRecordNotFoundError(target.subjectType, target.subjectId);
	if (!isUuid(target.recordId))
		throw new CrmRecordNotFoundError(target.recordType, target.recordId);
	const result = await knex.raw<{ rows: Array<{ subject: boolean; record: boolean }> }>(
		`select exists (select 1 from ?? where workspace_id = ? and id = ?) as subject,
		        exists (select 1 from ?? where workspace_id = ? and id = ?) as record`,
		[subjectTable, workspaceId, target.subjectId, recordTable, workspaceId, target.recordId],
	);
	const { subject, record } = result.rows[0];
	if (!subject) throw new CrmRecordNotFoundError(target.subjectType, target.subjectId);
	if (!record) throw new CrmRecordNotFoundError(target.recordType, target.recordId);
}

/**
 * Links an email or event to a person or company by hand. Turns an automatic link (or an earlier
 * unlink) of the same pair into a manual link; linking again keeps the first manual link.
 */
export async function linkManually(
	database: CrmDatabase,
	workspaceId: string,
	target: LinkTarget & { userId?: string | null },
): Promise<RecordLink> {
	const { knex } = database;
	await checkTarget(knex, workspaceId, target);
	const result = await knex.raw<{ rows: LinkRow[] }>(
		`insert into record_links as l (workspace_id, subject_type, subject_id, record_type, record_id, link_source, created_by)
		 values (?, ?, ?, ?, ?, 'manual', ?)
		 on conflict (workspace_id, subject_type, subject_id, record_type, record_id) do update
		   set link_source = 'manual', created_by = excluded.created_by, created_at = now()
		   where l.link_source <> 'manual'
		 returning *`,
		[
			workspaceId,
			target.subjectType,
			target.subjectId,
			target.recordType,
			target.recordId,
			target.userId ?? null,
		],
	);
	if (result.rows[0]) return toRecordLink(result.rows[0]);
	const existing = (await knex('record_links')
		.where({
			workspace_id: workspaceId,
			subject_type: target.subjectType,
			subject_id: target.subjectId,
			record_type: target.recordType,
			record_id: target.recordId,
		})
		.first()) as LinkRow;
	return toRecordLink(existing);
}

/**
 * Unlinks an email or event from a person or company by hand. The pair is remembered as
 * 'suppressed' so that automatic linking never adds it back; a later manual link lifts that.
 * `removed` says whether there was a live link.
 */
export async function unlinkManually(
	database: CrmDatabase,
	workspaceId: string,
	target: LinkTarget & { userId?: string | null },
): Promise<{ removed: boolean }> {
	const { knex } = database;
	await checkTarget(knex, workspaceId, target);
	const result = await knex.raw<{ rows: Array<{ previous: string | null }> }>(
		`with previous as (
		   select link_source from record_links
		    where workspace_id = ? and subject_type = ? and subject_id = ? and record_type = ? and record_id = ?
		 ), written as (
		   insert into record_links as l (workspace_id, subject_type, subject_id, record_type, record_id, link_source, created_by)
		   values (?, ?, ?, ?, ?, 'suppressed', ?)
		   on conflict (workspace_id, subject_type, subject_id, record_type, record_id) do update
		     set link_source = 'suppressed', created_by = excluded.created_by, created_at = now()
		   returning 1
		 )
		 select (select link_source from previous) as previous, (select count(*) from written) as written`,
		[
			workspaceId,
			target.subjectType,
			target.subjectId,
			target.recordType,
			target.recordId,
			workspaceId,
			target.subjectType,
			target.subjectId,
			target.recordType,
			target.recordId,
			target.userId ?? null,
		],
	);
	const previous = result.rows[0]?.previous ?? null;
	return { removed: previous === 'auto' || previous === 'manual' };
}

/** The live links (auto and manual) of some emails or events, in one query. */
export async function listLinks(
	database: CrmDatabase,
	workspaceId: string,
	subjectType: LinkSubjectType,
	subjectIds: readonly string[],
): Promise<RecordLink[]> {
	const ids = subjectIds.filter(isUuid);
	if (!isUuid(workspaceId) || ids.length === 0) return [];
	const rows = (await database
		.knex('record_links')
		.where({ workspace_id: workspaceId, subject_type: subjectType })
		.whereIn('subject_id', ids)
		.whereIn('link_source', LIVE_LINK_SOURCES as LinkSource[])
		.orderBy(['subject_id', 'record_type', 'record_id'])) as LinkRow[];
	return rows.map(toRecordLink);
}
