// The read side of synced mail: pages of emails (newest first, keyset on sent_at and id) with
// filters, and one email with its participants, mailbox copies and links. Every query is scoped by
// the workspace, and masked text (per the email's visibility) never leaves the database.
import type { Knex } from 'knex';

import type { CrmDatabase } from './database';

/** What the read queries need of a database: its knex (or a transaction's). */
export type ReadDatabase = Pick<CrmDatabase, 'knex'>;

export type Visibility = 'metadata' | 'subject' | 'everything';
export type MailDirection = 'incoming' | 'outgoing';

/** A filter or paging value the caller gave that cannot be used (worded for the user). */
export class QueryInputError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'QueryInputError';
	}
}

export interface Page<T> {
	items: T[];
	/** Pass back as `cursor` for the next page; null on the last page. */
	nextCursor: string | null;
}

export interface EmailFilters {
	/** Emails linked to this person (record links, or a participant matched to the person). */
	personId?: string;
	/** Emails linked to this company (record links, or a participant of one of its people). */
	companyId?: string;
	/** A mailbox holds it under this label (Gmail label id or Graph folder), exact match. */
	label?: string;
	/** A mailbox holds it under this provider thread id (Gmail threadId, Graph conversationId). */
	threadId?: string;
	direction?: MailDirection;
	/** A mailbox of this integration holds it. */
	integrationId?: string;
	/** Sent at or after this instant (a date alone: from its start, UTC). */
	from?: Date | string;
	/** Sent before this instant (a date alone: up to its end, UTC). */
	to?: Date | string;
}

export interface PageOptions {
	/** Rows per page, 1 to 200 (default 50). */
	limit?: number;
	/** nextCursor of the previous page. */
	cursor?: string | null;
}

export type ListEmailsOptions = EmailFilters &
	PageOptions & {
		/** Rows of the first window read row by row (tests set it low to reach the other passes). */
		firstPassRows?: number;
	};

export interface EmailAddressJson {
	name: string | null;
	email: string;
}

export interface MailboxCopy {
	integrationId: string;
	providerMessageId: string;
	providerThreadId: string | null;
	labels: string[];
	isRead: boolean;
	direction: MailDirection;
	deletedAt: string | null;
}

export interface LinkedRecord {
	recordType: 'person' | 'company';
	recordId: string;
	linkSource: 'auto' | 'manual';
	/** Person's full name or company name. */
	name: string | null;
	/** Person's address (people only). */
	email: string | null;
	/** Company's domain (companies only). */
	domain: string | null;
}

export interface EmailSummary {
	id: string;
	internetMessageId: string;
	/** Null when the visibility is `metadata`. */
	subject: string | null;
	/** Null unless the visibility is `everything`. */
	snippet: string | null;
	from: EmailAddressJson | null;
	to: EmailAddressJson[];
	cc: EmailAddressJson[];
	sentAt: string | null;
	hasAttachments: boolean;
	isBulk: boolean;
	visibility: Visibility;
	/** Labels of the mailbox copies that are not deleted, sorted. */
	labels: string[];
	/** outgoing when a mailbox of the workspace sent it. */
	direction: MailDirection;
	/** Read in every mailbox that holds it. */
	isRead: boolean;
	mailboxes: MailboxCopy[];
	links: LinkedRecord[];
	createdAt: string;
	updatedAt: string;
}

export interface EmailParticipant {
	role: 'from' | 'to' | 'cc' | 'bcc' | 'reply_to';
	address: string;
	displayName: string | null;
	personId: string | null;
}

export interface EmailDetail extends EmailSummary {
	bcc: EmailAddressJson[];
	inReplyTo: string | null;
	references: string[];
	/** Null unless the visibility is `everything`. */
	bodyText: string | null;
	/** Null unless the visibility is `everything`; never render it unsanitized. */
	bodyHtml: string | null;
	listHeaders: Record<string, unknown>;
	participants: EmailParticipant[];
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// PostgreSQL's ISO output of a timestamptz (what ::text gives under DateStyle ISO), or -infinity.
const KEY_TEXT =
	/^(-?infinity|\d{4,}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d(:?\d\d){0,2}|Z)?( BC)?)$/;
const DATE_ONLY = /^\d{4}-\d\d-\d\d$/;

export function isUuid(value: unknown): value is string {
	return typeof value === 'string' && UUID.test(value);
}

export function requireUuid(value: unknown, name: string): string {
	if (!isUuid(value)) throw new QueryInputError(`${name} must be a UUID`);
	return value;
}

export function pageLimit(limit: number | undefined): number {
	if (limit === undefined || limit === null) return DEFAULT_LIMIT;
	if (typeof limit !== 'number' || !Number.isFinite(limit)) {
		throw new QueryInputError(`limit must be a number from 1 to ${MAX_LIMIT}`);
	}
	return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

/**
 * An opaque cursor: the sort key of the last row as PostgreSQL prints it (microseconds kept, which
 * a JS Date would lose and so repeat or skip rows) and its id.
 */
export function encodeCursor(key: string, id: string): string {
	return Buffer.from(JSON.stringify([key, id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { key: string; id: string } {
	let parsed: unknown;
	try {
		parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
	} catch {
		parsed = undefined;
	}
	if (
		!Array.isArray(parsed) ||
		parsed.length !== 2 ||
		typeof parsed[0] !== 'string' ||
		!KEY_TEXT.test(parsed[0]) ||
		!isUuid(parsed[1])
	) {
		throw new QueryInputError('cursor is not one this query returned');
	}
	return { key: parsed[0], id: parsed[1] };
}

/** An instant for a range bound; a date alone is its start (from) or the next day's start (to). */
export function rangeBound(value: Date | string, name: string, end: boolean): Date {
	let instant: Date;
	if (value instanceof Date) instant = new Date(value.getTime());
	else if (typeof value === 'string' && DATE_ONLY.test(value.trim())) {
		instant = new Date(`${value.trim()}T00:00:00.000Z`);
		if (end) instant = new Date(instant.getTime() + 86_400_000);
	} else if (typeof value === 'string') instant = new Date(value.trim());
	else instant = new Date(Number.NaN);
	if (Number.isNaN(instant.getTime())) {
		throw new QueryInputError(`${name} must be a date or an ISO 8601 date and time`);
	}
	return instant;
}

export function iso(value: Date | string | number | null | undefined): string | null {
	if (value === null || value === undefined) return null;
	const date = value instanceof Date ? value : new Date(value);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A SQL condition with its bindings, combined by the page query. */
export interface Condition {
	sql: string;
	bindings: Knex.RawBinding[];
}

/**
 * Conditions on `e` (emails) for the filters, in two shapes: `probe` tests one row cheaply (for a
 * bounded window of rows), `set` lets the planner start from the few emails of a person or company
 * (for the exhaustive pass). `bounds` (dates) restrict the keyset range and go in both.
 */
interface FilterConditions {
	bounds: Condition[];
	probe: Condition[];
	set: Condition[];
}

function personOrCompany(
	workspaceId: string,
	kind: 'person' | 'company',
	recordId: string,
	shape: 'probe' | 'set',
): Condition {
	// Matched participants count unless the user unlinked the record (a suppressed link).
	const participants =
		kind === 'person'
			? {
					from: 'email_participants as p',
					where: 'p.person_id = ?',
					record: 'p.person_id',
				}
			: {
					from: 'email_participants as p join people as pe on pe.id = p.person_id and pe.workspace_id = p.workspace_id',
					where: 'pe.company_id = ?',
					record: 'pe.company_id',
				};
	const notSuppressed = `not exists (select 1 from record_links as s
		where s.workspace_id = p.workspace_id and s.subject_type = 'email' and s.subject_id = p.email_id
		  and s.record_type = '${kind}' and s.record_id = ${participants.record} and s.link_source = 'suppressed')`;
	if (shape === 'probe') {
		return {
			sql: `${probeOf(`record_links as l
				where l.workspace_id = e.workspace_id and l.subject_type = 'email' and l.subject_id = e.id
				  and l.record_type = '${kind}' and l.record_id = ? and l.link_source in ('auto', 'manual')`)}
				or ${probeOf(`${participants.from}
				where p.workspace_id = e.workspace_id and p.email_id = e.id and ${participants.where} and ${notSuppressed}`)}`,
			bindings: [recordId, recordId],
		};
	}
	return {
		sql: `e.id in (
			select l.subject_id from record_links as l
			where l.workspace_id = ? and l.subject_type = 'email' and l.record_type = '${kind}'
			  and l.record_id = ? and l.link_source in ('auto', 'manual')
			union all
			select p.email_id from ${participants.from}
			where p.workspace_id = ? and ${participants.where} and ${notSuppressed})`,
		bindings: [workspaceId, recordId, workspaceId, recordId],
	};
}

/**
 * A per-row test that PostgreSQL runs as an index probe for each row. An EXISTS could be turned
 * into a join or a hashed subplan that reads every matching row of the other table first, which
 * for a window of rows or a few candidates costs far more than the probes.
 */
function probeOf(fromWhere: string): string {
	return `coalesce((select true from ${fromWhere} limit 1), false)`;
}

/** Validates every filter value and turns the filters into conditions. */
function filterConditions(workspaceId: string, filters: EmailFilters): FilterConditions {
	const bounds: Condition[] = [];
	const probe: Condition[] = [];
	const set: Condition[] = [];
	// Listed while a mailbox still holds it; label, direction and integration are of that copy.
	const copy: Condition = { sql: 'm.deleted_at is null', bindings: [] };
	if (filters.integrationId !== undefined) {
		copy.sql += ' and m.integration_id = ?';
		copy.bindings.push(requireUuid(filters.integrationId, 'integrationId'));
	}
	if (filters.label !== undefined) {
		if (typeof filters.label !== 'string' || filters.label === '') {
			throw new QueryInputError('label must be a non-empty text');
		}
		copy.sql += ' and m.labels @> ?::jsonb';
		copy.bindings.push(JSON.stringify([filters.label.replaceAll('\u0000', '')]));
	}
	if (filters.threadId !== undefined) {
		if (typeof filters.threadId !== 'string' || filters.threadId === '') {
			throw new QueryInputError('threadId must be a non-empty text');
		}
		// mailbox_messages_thread (workspace, integration, thread) finds a thread's few copies.
		copy.sql += ' and m.provider_thread_id = ?';
		copy.bindings.push(filters.threadId.replaceAll('\u0000', ''));
	}
	if (filters.direction !== undefined) {
		if (filters.direction !== 'incoming' && filters.direction !== 'outgoing') {
			throw new QueryInputError('direction must be incoming or outgoing');
		}
		copy.sql += ' and m.direction = ?';
		copy.bindings.push(filters.direction);
	}
	const copyProbe: Condition = {
		sql: probeOf(
			`mailbox_messages as m where m.workspace_id = e.workspace_id and m.email_id = e.id and ${copy.sql}`,
		),
		bindings: copy.bindings,
	};
	probe.push(copyProbe);
	// With a label, thread, direction or integration the copies may be the few rows to start from.
	set.push(
		copy.bindings.length === 0
			? copyProbe
			: {
					sql: `e.id in (select m.email_id from mailbox_messages as m where m.workspace_id = ? and ${copy.sql})`,
					bindings: [workspaceId, ...copy.bindings],
				},
	);
	if (filters.personId !== undefined) {
		const personId = requireUuid(filters.personId, 'personId');
		probe.push(personOrCompany(workspaceId, 'person', personId, 'probe'));
		set.push(personOrCompany(workspaceId, 'person', personId, 'set'));
	}
	if (filters.companyId !== undefined) {
		const companyId = requireUuid(filters.companyId, 'companyId');
		probe.push(personOrCompany(workspaceId, 'company', companyId, 'probe'));
		set.push(personOrCompany(workspaceId, 'company', companyId, 'set'));
	}
	if (filters.from !== undefined && filters.from !== null && filters.from !== '') {
		bounds.push({
			sql: 'e.sent_at_key >= ?',
			bindings: [rangeBound(filters.from, 'from', false)],
		});
	}
	if (filters.to !== undefined && filters.to !== null && filters.to !== '') {
		bounds.push({
			sql: "e.sent_at_key < ? and e.sent_at_key > '-infinity'",
			bindings: [rangeBound(filters.to, 'to', true)],
		});
	}
	return { bounds, probe, set };
}

// Masking happens in the SELECT: what a reader may not see is never read out of the table.
const SUMMARY_COLUMNS = `
	e.id, e.internet_message_id,
	case when e.visibility = 'metadata' then null else e.subject end as subject,
	case when e.visibility = 'everything' then e.snippet end as snippet,
	e.from_email, e.from_name, e.to_recipients, e.cc_recipients, e.sent_at, e.has_attachments,
	e.is_bulk, e.visibility, e.created_at, e.updated_at, e.sent_at_key::text as sort_key`;

/**
 * Each email's mailbox copies and links as JSON columns of the email's own row, so a page is one
 * statement instead of a page query and two more round trips (the widget API answers pages from
 * inside n8n, where every round trip to PostgreSQL counts). Instants are epoch milliseconds.
 */
const DECORATION_COLUMNS = `
	(select coalesce(json_agg(json_build_object(
			'integration_id', m.integration_id, 'provider_message_id', m.provider_message_id,
			'provider_thread_id', m.provider_thread_id, 'labels', m.labels, 'is_read', m.is_read,
			'direction', m.direction, 'deleted_at', floor(extract(epoch from m.deleted_at) * 1000))
			order by m.created_at, m.id), '[]'::json)
	 from mailbox_messages as m where m.workspace_id = e.workspace_id and m.email_id = e.id) as copies,
	(select coalesce(json_agg(json_build_object(
			'subject_id', l.subject_id, 'record_type', l.record_type, 'record_id', l.record_id,
			'link_source', l.link_source, 'name', coalesce(p.full_name, c.name), 'email', p.email,
			'domain', c.domain)
			order by l.record_type desc, l.created_at, l.record_id), '[]'::json)
	 from record_links as l
	 left join people as p on l.record_type = 'person' and p.id = l.record_id and p.workspace_id = l.workspace_id
	 left join companies as c on l.record_type = 'company' and c.id = l.record_id and c.workspace_id = l.workspace_id
	 where l.workspace_id = e.workspace_id and l.subject_type = 'email' and l.subject_id = e.id
	   and l.link_source in ('auto', 'manual')) as links`;

const DETAIL_COLUMNS = `${SUMMARY_COLUMNS}, ${DECORATION_COLUMNS},
	e.bcc_recipients, e.in_reply_to, e."references", e.list_headers,
	case when e.visibility = 'everything' then e.body_text end as body_text,
	case when e.visibility = 'everything' then e.body_html end as body_html`;

interface SummaryRow {
	id: string;
	internet_message_id: string;
	subject: string | null;
	snippet: string | null;
	from_email: string | null;
	from_name: string | null;
	to_recipients: unknown;
	cc_recipients: unknown;
	sent_at: Date | null;
	has_attachments: boolean;
	is_bulk: boolean;
	visibility: Visibility;
	created_at: Date;
	updated_at: Date;
	sort_key: string;
	/** DECORATION_COLUMNS: the mailbox copies and links of this email. */
	copies: CopyJson[];
	links: LinkRow[];
}

interface DetailRow extends SummaryRow {
	bcc_recipients: unknown;
	in_reply_to: string | null;
	references: unknown;
	list_headers: Record<string, unknown> | null;
	body_text: string | null;
	body_html: string | null;
}

interface CopyJson {
	integration_id: string;
	provider_message_id: string;
	provider_thread_id: string | null;
	labels: unknown;
	is_read: boolean;
	direction: MailDirection;
	/** Epoch milliseconds. */
	deleted_at: number | null;
}

interface LinkRow {
	subject_id: string;
	record_type: 'person' | 'company';
	record_id: string;
	link_source: 'auto' | 'manual';
	name: string | null;
	email: string | null;
	domain: string | null;
}

function addresses(value: unknown): EmailAddressJson[] {
	if (!Array.isArray(value)) return [];
	return value
		.filter(
			(entry): entry is { email?: unknown; name?: unknown } => !!entry && typeof entry === 'object',
		)
		.filter((entry) => typeof entry.email === 'string')
		.map((entry) => ({
			name: typeof entry.name === 'string' && entry.name !== '' ? entry.name : null,
			email: entry.email as string,
		}));
}

function strings(value: unknown): string[] {
	return Array.isArray(value)
		? value.filter((entry): entry is string => typeof entry === 'string')
		: [];
}

const where = (conditions: Condition[]) =>
	conditions.map((condition) => `and (${condition.sql})`).join(' ');
const bindingsOf = (conditions: Condition[]) =>
	conditions.flatMap((condition) => condition.bindings);

/** Rows of the newest window the first pass reads. */
const windowRows = (limit: number) => Math.max(2000, 50 * (limit + 1));
/** Largest window read row by row; beyond it, matches are found by index. */
const MAX_WINDOW_ROWS = 30_000;
const WINDOW_PASSES = 3;

/**
 * Reads one page: `extra` adds conditions (the word search), the keyset continues after the
 * cursor, and each row comes back with its mailbox copies and links (one query each per page).
 *
 * No single plan is fast for both common and rare matches, so a filtered page is read in passes.
 * Window passes read the next rows in date order (a bounded index range, each row tested): a
 * common word or a busy person fills the page in the first window of 2,000. When a window had
 * some matches but too few, the next window is sized from the density it saw (up to 30,000
 * rows). When matches look rare (none seen, or a window would be larger), the last pass finds
 * every remaining match through the indexes (GIN for words, the person's or company's email ids,
 * the label index) and sorts them.
 */
export async function selectEmailPage(
	database: ReadDatabase,
	workspaceId: string,
	options: ListEmailsOptions,
	extra: Condition[] = [],
): Promise<Page<EmailSummary>> {
	requireUuid(workspaceId, 'workspaceId');
	const limit = pageLimit(options.limit);
	const filters = filterConditions(workspaceId, options);
	const bounds = [...filters.bounds];
	if (options.cursor) {
		const { key, id } = decodeCursor(options.cursor);
		bounds.push({ sql: '(e.sent_at_key, e.id) < (?::timestamptz, ?::uuid)', bindings: [key, id] });
	}
	const { knex } = database;
	let rows: SummaryRow[] = [];
	let window = Math.max(1, options.firstPassRows ?? windowRows(limit));
	let after: Condition | undefined; // continues after the previous window
	// A thread is one conversation's few emails: window passes would read the date order in vain,
	// so its copies are found at once by the last pass (index mailbox_messages_thread).
	const rare = options.threadId !== undefined;
	if (rare) {
		rows = await allMatches(
			database,
			workspaceId,
			[...bounds, ...filters.set, ...extra],
			limit + 1,
		);
	}
	for (let pass = 0; !rare; pass++) {
		const range = after ? [...bounds, after] : bounds;
		const tested = [...range, ...filters.probe, ...extra];
		// The window's last row (its edge) and the matches down to it in one statement: the edge
		// is an InitPlan, so the page's index range stops there. Without an edge (fewer rows than
		// the window) the range runs to the oldest row: '-infinity' and the smallest uuid.
		const found = await knex.raw<{ rows: Array<SummaryRow & WindowEdge> }>(
			`with edge as (
				select e.sent_at_key as key, e.id from emails as e
				where e.workspace_id = ? ${where(range)}
				order by e.sent_at_key desc, e.id desc offset ? limit 1)
			 select ${SUMMARY_COLUMNS}, ${DECORATION_COLUMNS},
				(select key::text from edge) as edge_key, (select id from edge) as edge_id
			 from emails as e
			 where e.workspace_id = ? ${where(tested)}
			   and (e.sent_at_key, e.id) >= (
					coalesce((select key from edge), '-infinity'::timestamptz),
					coalesce((select id from edge), '00000000-0000-0000-0000-000000000000'::uuid))
			 order by e.sent_at_key desc, e.id desc
			 limit ?`,
			[
				workspaceId,
				...bindingsOf(range),
				window - 1,
				workspaceId,
				...bindingsOf(tested),
				limit + 1 - rows.length,
			],
		);
		rows = [...rows, ...found.rows];
		if (rows.length > limit) break;
		const windowEdge =
			found.rows.length > 0
				? edgeOf(found.rows[0]!)
				: await windowEdgeOf(database, workspaceId, range, window);
		if (!windowEdge) break;
		after = {
			sql: '(e.sent_at_key, e.id) < (?::timestamptz, ?::uuid)',
			bindings: [windowEdge.key, windowEdge.id],
		};
		const need = limit + 1 - rows.length;
		const next =
			found.rows.length > 0 ? Math.ceil((2 * need * window) / found.rows.length) : Infinity;
		if (next <= MAX_WINDOW_ROWS && pass + 1 < WINDOW_PASSES) {
			window = Math.max(window, next);
			continue;
		}
		const rest = [...bounds, after, ...filters.set, ...extra];
		rows = [...rows, ...(await allMatches(database, workspaceId, rest, need))];
		break;
	}
	const page = rows.slice(0, limit);
	const last = page[page.length - 1];
	return {
		items: page.map(summaryOf),
		nextCursor: rows.length > limit && last ? encodeCursor(last.sort_key, last.id) : null,
	};
}

/** The window edge columns of a page row (the same on every row of one statement). */
interface WindowEdge {
	edge_key: string | null;
	edge_id: string | null;
}

function edgeOf(row: WindowEdge): { key: string; id: string } | undefined {
	return row.edge_key !== null && row.edge_id !== null
		? { key: row.edge_key, id: row.edge_id }
		: undefined;
}

/** The window's last row when the page statement matched nothing (so carried no edge). */
async function windowEdgeOf(
	database: ReadDatabase,
	workspaceId: string,
	range: Condition[],
	window: number,
): Promise<{ key: string; id: string } | undefined> {
	const edge = await database.knex.raw<{ rows: Array<{ key: string; id: string }> }>(
		`select e.sent_at_key::text as key, e.id from emails as e
		 where e.workspace_id = ? ${where(range)}
		 order by e.sent_at_key desc, e.id desc offset ? limit 1`,
		[workspaceId, ...bindingsOf(range), window - 1],
	);
	return edge.rows[0];
}

/**
 * The first `count` of every match, newest first. Materialized and unordered, so the planner finds
 * all matches by index instead of walking the date order row by row (which never ends early when
 * matches are rare). Without JIT: compiling costs more than this query's few thousand rows.
 */
async function allMatches(
	database: ReadDatabase,
	workspaceId: string,
	conditions: Condition[],
	count: number,
): Promise<SummaryRow[]> {
	return database.knex.transaction(async (transaction) => {
		await transaction.raw('set local jit = off');
		const result = await transaction.raw<{ rows: SummaryRow[] }>(
			`with matched as materialized (
				select e.id, e.sent_at_key from emails as e where e.workspace_id = ? ${where(conditions)})
			 select ${SUMMARY_COLUMNS}, ${DECORATION_COLUMNS}
			 from matched join emails as e on e.id = matched.id
			 order by matched.sent_at_key desc, matched.id desc
			 limit ?`,
			[workspaceId, ...bindingsOf(conditions), count],
		);
		return result.rows;
	});
}

/** Links (not suppressed) of the given emails or events, with the linked record's name. */
export async function readLinks(
	database: ReadDatabase,
	workspaceId: string,
	subjectType: 'email' | 'calendar_event',
	ids: string[],
): Promise<LinkRow[]> {
	if (ids.length === 0) return [];
	const result = await database.knex.raw<{ rows: LinkRow[] }>(
		`select l.subject_id, l.record_type, l.record_id, l.link_source,
		        coalesce(p.full_name, c.name) as name, p.email, c.domain
		 from record_links as l
		 left join people as p on l.record_type = 'person' and p.id = l.record_id and p.workspace_id = l.workspace_id
		 left join companies as c on l.record_type = 'company' and c.id = l.record_id and c.workspace_id = l.workspace_id
		 where l.workspace_id = ? and l.subject_type = ? and l.subject_id = any(?::uuid[])
		   and l.link_source in ('auto', 'manual')
		 order by l.record_type desc, l.created_at, l.record_id`,
		[workspaceId, subjectType, ids],
	);
	return result.rows;
}

export function linkOf(row: LinkRow): LinkedRecord {
	return {
		recordType: row.record_type,
		recordId: row.record_id,
		linkSource: row.link_source,
		name: row.name,
		email: row.record_type === 'person' ? row.email : null,
		domain: row.record_type === 'company' ? row.domain : null,
	};
}

function summaryOf(row: SummaryRow): EmailSummary {
	const copies = row.copies ?? [];
	const live = copies.filter((copy) => copy.deleted_at === null);
	const labels = [...new Set(live.flatMap((copy) => strings(copy.labels)))].sort();
	return {
		id: row.id,
		internetMessageId: row.internet_message_id,
		subject: row.subject,
		snippet: row.snippet,
		from: row.from_email ? { name: row.from_name || null, email: row.from_email } : null,
		to: addresses(row.to_recipients),
		cc: addresses(row.cc_recipients),
		sentAt: iso(row.sent_at),
		hasAttachments: row.has_attachments,
		isBulk: row.is_bulk,
		visibility: row.visibility,
		labels,
		direction: live.some((copy) => copy.direction === 'outgoing') ? 'outgoing' : 'incoming',
		isRead: live.length > 0 && live.every((copy) => copy.is_read),
		mailboxes: copies.map((copy) => ({
			integrationId: copy.integration_id,
			providerMessageId: copy.provider_message_id,
			providerThreadId: copy.provider_thread_id,
			labels: strings(copy.labels),
			isRead: copy.is_read,
			direction: copy.direction,
			deletedAt: iso(copy.deleted_at),
		})),
		links: (row.links ?? []).map(linkOf),
		createdAt: iso(row.created_at) as string,
		updatedAt: iso(row.updated_at) as string,
	};
}

/**
 * A page of the workspace's emails, newest first, filtered; only emails a mailbox still holds
 * (not deleted) are listed.
 */
export async function listEmails(
	database: ReadDatabase,
	workspaceId: string,
	options: ListEmailsOptions = {},
): Promise<Page<EmailSummary>> {
	return selectEmailPage(database, workspaceId, options);
}

/**
 * One email of the workspace with its participants, every mailbox copy (deleted ones carry
 * deletedAt) and its links; null when the workspace has no email with this id.
 */
export async function getEmail(
	database: ReadDatabase,
	workspaceId: string,
	emailId: string,
): Promise<EmailDetail | null> {
	requireUuid(workspaceId, 'workspaceId');
	if (!isUuid(emailId)) return null;
	const result = await database.knex.raw<{ rows: DetailRow[] }>(
		`select ${DETAIL_COLUMNS} from emails as e where e.workspace_id = ? and e.id = ?`,
		[workspaceId, emailId],
	);
	const row = result.rows[0];
	if (!row) return null;
	const summary = summaryOf(row);
	const participants = await database.knex.raw<{
		rows: Array<{
			role: EmailParticipant['role'];
			address: string;
			display_name: string | null;
			person_id: string | null;
		}>;
	}>(
		`select role, address, display_name, person_id from email_participants
		 where workspace_id = ? and email_id = ?
		 order by array_position(array['from', 'reply_to', 'to', 'cc', 'bcc'], role), address`,
		[workspaceId, emailId],
	);
	return {
		...summary,
		bcc: addresses(row.bcc_recipients),
		inReplyTo: row.in_reply_to,
		references: strings(row.references),
		bodyText: row.body_text,
		bodyHtml: row.body_html,
		listHeaders: row.list_headers ?? {},
		participants: participants.rows.map((participant) => ({
			role: participant.role,
			address: participant.address,
			displayName: participant.display_name,
			personId: participant.person_id,
		})),
	};
}
