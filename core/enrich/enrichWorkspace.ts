// The enrichment engine: reads mail people of the workspace sent, finds their signatures (offline,
// and through the model when one is configured), stores every value with its provenance and merges
// the winners into people and companies (mergePolicy.ts), classifies the senders
// (classification.ts).
//
// What it reads: incoming mail of an integration (mailbox_messages direction 'incoming'), not
// bulk, whose email is fully visible (visibility 'everything'), from senders who are people of
// the workspace (primary or additional address). It never reads outgoing mail bodies, bulk mail,
// or mail an integration shares as metadata or subject only: contact data is not derived from
// what the workspace may not read. Classification reads subjects (and snippets of fully visible
// mail) of the person's newest messages, never bodies.
//
// Incremental: each incoming copy is marked (mailbox_messages.enriched_at) once read, in the
// transaction that stores what it gave, so a run reads new mail only and a second run finds
// nothing. Copies of mail the integration may not fully read are left unmarked: they are read
// once their visibility allows it. enrichRecord re-reads a record's newest mail regardless of marks.
import type { Knex } from 'knex';

import type { CrmDatabase } from '../store/database';
import {
	getCompany,
	getPerson,
	type CompanyRecord,
	type PersonRecord,
} from '../store/peopleAndCompanies';
import { readEnrichmentResults } from '../store/enrichment';
import { pgText } from '../store/pgText';
import { CrmArgumentError, CrmRecordNotFoundError, isUuid } from '../store/recordLinks';
import { isFreeMailDomain } from '../sync/freeMailDomains';
import { readIntegrationSettings } from '../sync/integrationSettings';
import { classifyOffline, type ClassificationInput } from './classification';
import { enrichEmailOffline } from './index';
import {
	mergeFindings,
	type ClassificationFinding,
	type EmailFinding,
	type MergeContext,
} from './mergePolicy';
import { extractWithModel, type ModelSettings } from './modelClient';
import { classifyWithModel } from './modelClassification';
import type { EmailForEnrichment, SignatureBlockResult, SignatureContact } from './types';

export interface EnrichDeps {
	database: CrmDatabase;
	/** An OpenAI-compatible model; without it enrichment is offline only. */
	model?: ModelSettings | null;
	now?: () => Date;
}

export interface EnrichCounts {
	emailsScanned: number;
	signaturesFound: number;
	valuesFound: number;
	modelCalls: number;
	modelFallbacks: number;
	valuesRejected: number;
	peopleUpdated: number;
	companiesUpdated: number;
	classified: number;
}

export interface EnrichIntegrationResult {
	workspaceId: string;
	integrationId: string;
	skipped?: 'opted_out' | 'not_found';
	counts: EnrichCounts;
	/** false when `limit` stopped the run before the new mail was all read. */
	done: boolean;
}

export interface EnrichRecordResult {
	workspaceId: string;
	subjectType: 'person' | 'company';
	subjectId: string;
	counts: EnrichCounts;
}

export interface EnrichmentValue {
	field: string;
	value: unknown;
	confidence: number;
	extractor: string;
	sourceEmailId: string | null;
	sourceExcerpt: string | null;
	applied: boolean;
	updatedAt: string;
}

/** Emails read per transaction. */
const BATCH_SIZE = 500;
/** Model requests in flight at once. */
const MODEL_CONCURRENCY = 4;
/** enrichRecord reads this many of the record's newest emails. */
const RECORD_EMAILS = 50;
/** …from at most this many people of a company. */
const COMPANY_PEOPLE = 200;
/** Messages classification reads per person (newest first). */
const CLASSIFICATION_MESSAGES = 20;
/** Tries of a batch's transaction that PostgreSQL aborted as a deadlock. */
const WRITE_ATTEMPTS = 3;
/** Body characters given to the extractor: a signature sits in the sender's own (top) text. */
const MAX_BODY = 200_000;

const emptyCounts = (): EnrichCounts => ({
	emailsScanned: 0,
	signaturesFound: 0,
	valuesFound: 0,
	modelCalls: 0,
	modelFallbacks: 0,
	valuesRejected: 0,
	peopleUpdated: 0,
	companiesUpdated: 0,
	classified: 0,
});

function addCounts(total: EnrichCounts, part: Partial<EnrichCounts>) {
	for (const key of Object.keys(part) as Array<keyof EnrichCounts>) total[key] += part[key] ?? 0;
}

/** Bindings with arrays: node-pg sends them as PostgreSQL arrays. */
const bind = (values: unknown[]) => values as unknown as Knex.RawBinding[];

function checkIds(ids: Record<string, unknown>) {
	for (const [name, value] of Object.entries(ids))
		if (!isUuid(value)) throw new CrmArgumentError(`${name} must be a UUID`);
}

/** Runs `work` over items with at most `limit` in flight, results in order. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>) {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}

/**
 * Runs `read` in a transaction with JIT off: each of these plans runs once per batch, and
 * compiling it costs PostgreSQL more than the query itself (as linking found).
 */
async function withoutJit<T>(knex: Knex, read: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
	return knex.transaction(async (trx) => {
		await trx.raw('set local jit = off');
		return read(trx);
	});
}

/** An email row as the batch reads it (bodies only where enrichment may read them). */
interface MailRow {
	copy_id: string | null;
	email_id: string;
	person_id: string | null;
	from_email: string | null;
	from_name: string | null;
	subject: string | null;
	body_text: string | null;
	body_html: string | null;
	is_bulk: boolean;
	readable: boolean;
	list_headers: Record<string, unknown> | null;
	sent_at: Date | null;
}

// The person of a sender: primary address first, then an additional one (each through its index).
const PERSON_OF_SENDER = `coalesce(
	(select p.id from people p where p.workspace_id = e.workspace_id and lower(p.email) = e.from_email
	  order by p.created_at, p.id limit 1),
	(select p.id from people p where p.workspace_id = e.workspace_id
	    and p.additional_emails @> array[e.from_email]
	  order by p.created_at, p.id limit 1))`;

// Bodies are read only for mail the extractor will see: fully visible, not bulk, from a person.
const MAIL_COLUMNS = (person: string) => `
	e.id as email_id, ${person} as person_id, e.from_email, e.from_name, e.is_bulk, e.sent_at,
	(e.visibility = 'everything') as readable,
	case when e.visibility = 'everything' then e.subject end as subject,
	case when e.visibility = 'everything' and not e.is_bulk and ${person} is not null
		then left(e.body_text, ${MAX_BODY}) end as body_text,
	case when e.visibility = 'everything' and not e.is_bulk and ${person} is not null
		then left(e.body_html, ${MAX_BODY}) end as body_html,
	case when e.visibility = 'everything' then e.list_headers end as list_headers`;

/** The workspace's own domains and those of its connected accounts: never a company. */
async function ownDomains(db: Knex, workspaceId: string): Promise<Set<string>> {
	const { rows } = await db.raw<{ rows: Array<{ domain: string }> }>(
		`select lower(ltrim(d.own, '@')) as domain
		   from workspace_settings s, jsonb_array_elements_text(s.own_domains) d(own)
		  where s.workspace_id = ?::uuid
		 union
		 select lower(split_part(i.account_email, '@', 2)) from integrations i
		  where i.workspace_id = ?::uuid`,
		[workspaceId, workspaceId],
	);
	return new Set(
		rows.map((row) => row.domain).filter((domain) => domain && !isFreeMailDomain(domain)),
	);
}

interface Extracted {
	finding: EmailFinding | null;
	counts: Partial<EnrichCounts>;
}

function emailOf(row: MailRow): EmailForEnrichment {
	return {
		id: row.email_id,
		fromEmail: row.from_email,
		fromName: row.from_name,
		subject: row.subject,
		text: row.body_text,
		html: row.body_html,
		isBulk: row.is_bulk,
		listHeaders: row.list_headers ?? {},
		sentAt: row.sent_at,
	};
}

const countValues = (contact: SignatureContact) =>
	(['fullName', 'jobTitle', 'company', 'linkedinUrl', 'website', 'postalAddress'] as const).filter(
		(field) => contact[field],
	).length + (contact.phones?.length ?? 0);

/**
 * Reads one email: offline extraction, then the model when configured. A failure of either never
 * fails the batch: the email gives no values (offline) or its offline values (model).
 */
async function extract(deps: EnrichDeps, row: MailRow): Promise<Extracted> {
	const counts: Partial<EnrichCounts> = {};
	if (!row.person_id || !row.from_email) return { finding: null, counts };
	const email = emailOf(row);
	let block: SignatureBlockResult;
	let contact: SignatureContact;
	try {
		({ block, contact } = enrichEmailOffline(email));
	} catch {
		// A message the extractor cannot read (broken markup, hostile text): no values from it.
		return { finding: null, counts };
	}
	if (block.block) counts.signaturesFound = 1;
	if (deps.model && block.block) {
		counts.modelCalls = 1;
		try {
			const answer = await extractWithModel(deps.model, { block, email, offline: contact });
			contact = answer.contact;
			if (answer.outcome === 'fallback') counts.modelFallbacks = 1;
			counts.valuesRejected = answer.rejected.length;
		} catch {
			counts.modelFallbacks = 1;
		}
	}
	counts.valuesFound = countValues(contact);
	return {
		finding: {
			emailId: row.email_id,
			sentAt: row.sent_at,
			personId: row.person_id,
			senderAddress: row.from_email,
			contact,
		},
		counts,
	};
}

interface ClassificationRow {
	person_id: string;
	person_email: string;
	email_id: string;
	direction: 'incoming' | 'outgoing';
	subject: string | null;
	snippet: string | null;
	sent_at: Date | null;
	reply_to_ours: boolean;
	labels: string[] | null;
}

/**
 * What classification reads about each person: their newest messages (from them, or sent by one
 * of our mailboxes to them), subjects always, snippets of fully visible mail only.
 */
async function classificationInputs(
	db: Knex,
	workspaceId: string,
	personIds: string[],
): Promise<Map<string, { input: ClassificationInput; newest: ClassificationRow | null }>> {
	// Set-based for the whole batch: a lateral query per person would scan the emails once each.
	const { rows } = await db.raw<{ rows: ClassificationRow[] }>(
		`with addresses as (
		   select p.id as person_id, lower(p.email) as person_email, a.address
		     from people p, unnest(array[lower(p.email)] || p.additional_emails) as a(address)
		    where p.workspace_id = :workspaceId and p.id = any(:personIds::uuid[])
		 ),
		 involved as (
		   select distinct on (a.person_id, q.email_id) a.person_id, a.person_email, q.email_id, q.role
		     from addresses a
		     join email_participants q on q.workspace_id = :workspaceId and q.address = a.address
		    order by a.person_id, q.email_id, (q.role = 'from') desc
		 ),
		 ranked as (
		   select i.person_id, i.person_email, e.id as email_id,
		          case when i.role = 'from' then 'incoming' else 'outgoing' end as direction,
		          e.subject, case when e.visibility = 'everything' then e.snippet end as snippet,
		          e.sent_at, case when i.role = 'from' then e.in_reply_to end as in_reply_to,
		          row_number() over (partition by i.person_id order by e.sent_at desc nulls last, e.id) as n
		     from involved i
		     -- By primary key, one email at a time: a hash join would read the workspace's emails.
		     cross join lateral (
		       select x.* from emails x where x.workspace_id = :workspaceId and x.id = i.email_id limit 1
		     ) e
		    where e.visibility <> 'metadata' and not e.is_bulk
		      and (i.role = 'from' or exists (
		            select 1 from mailbox_messages om where om.workspace_id = :workspaceId
		               and om.email_id = e.id and om.direction = 'outgoing'))
		 )
		 select r.person_id, r.person_email, r.email_id, r.direction, r.subject, r.snippet, r.sent_at,
		        (r.in_reply_to is not null and exists (
		           select 1 from emails o join mailbox_messages om on om.email_id = o.id
		            where o.workspace_id = :workspaceId and o.internet_message_id = r.in_reply_to
		              and om.workspace_id = :workspaceId and om.direction = 'outgoing')) as reply_to_ours,
		        (select array_agg(distinct l.label) from mailbox_messages lm,
		                jsonb_array_elements_text(lm.labels) as l(label)
		          where lm.workspace_id = :workspaceId and lm.email_id = r.email_id) as labels
		   from ranked r
		  where r.n <= ${CLASSIFICATION_MESSAGES}
		  order by r.person_id, r.n`,
		{ workspaceId, personIds } as unknown as Record<string, Knex.RawBinding>,
	);
	const inputs = new Map<
		string,
		{ input: ClassificationInput; newest: ClassificationRow | null }
	>();
	for (const row of rows) {
		let entry = inputs.get(row.person_id);
		if (!entry) {
			entry = {
				input: {
					contactEmail: row.person_email,
					freeMail: isFreeMailDomain(row.person_email),
					messages: [],
				},
				newest: row,
			};
			inputs.set(row.person_id, entry);
		}
		entry.input.messages.push({
			direction: row.direction,
			subject: pgText(row.subject),
			snippet: pgText(row.snippet),
			isReplyToOurs: row.reply_to_ours,
			labels: row.labels ?? [],
		});
	}
	return inputs;
}

async function classify(
	deps: EnrichDeps,
	personIds: string[],
	workspaceId: string,
	counts: EnrichCounts,
): Promise<ClassificationFinding[]> {
	const inputs = await withoutJit(deps.database.knex, (trx) =>
		classificationInputs(trx, workspaceId, personIds),
	);
	const entries = [...inputs.entries()];
	return mapLimit(entries, deps.model ? MODEL_CONCURRENCY : 1, async ([personId, entry]) => {
		let answer = classifyOffline(entry.input);
		let extractor = 'rules';
		if (deps.model) {
			counts.modelCalls++;
			try {
				const model = await classifyWithModel(deps.model, entry.input);
				if (model.outcome === 'model') {
					answer = model;
					extractor = `llm:${deps.model.model}`;
				} else counts.modelFallbacks++;
			} catch {
				counts.modelFallbacks++;
			}
		}
		return {
			personId,
			classification: answer.classification,
			confidence: answer.confidence,
			reason: answer.reason,
			extractor,
			sourceEmailId: entry.newest?.email_id ?? null,
			sourceSentAt: entry.newest?.sent_at ?? null,
		};
	});
}

/**
 * Extracts, classifies and merges one batch of mail, and marks the copies read (`copyIds`), in one
 * transaction. Enrichment batches of a workspace run one at a time.
 */
async function prepareBatch(
	deps: EnrichDeps,
	workspaceId: string,
	rows: MailRow[],
	counts: EnrichCounts,
): Promise<{ findings: EmailFinding[]; classifications: ClassificationFinding[] }> {
	const extracted = await mapLimit(rows, deps.model ? MODEL_CONCURRENCY : 1, (row) =>
		extract(deps, row),
	);
	const findings: EmailFinding[] = [];
	for (const item of extracted) {
		addCounts(counts, item.counts);
		if (item.finding) findings.push(item.finding);
	}
	const personIds = [...new Set(findings.map((finding) => finding.personId))].sort();
	const classifications =
		personIds.length > 0 ? await classify(deps, personIds, workspaceId, counts) : [];
	return { findings, classifications };
}

/**
 * Merges what a batch found and marks its copies read (`copyIds`), in one transaction.
 * Enrichment transactions of a workspace run one at a time.
 */
async function writeBatch(
	deps: EnrichDeps,
	workspaceId: string,
	prepared: { findings: EmailFinding[]; classifications: ClassificationFinding[] },
	copyIds: string[],
	context: MergeContext,
	counts: EnrichCounts,
): Promise<void> {
	const now = (deps.now ?? (() => new Date()))();
	const write = () =>
		deps.database.knex.transaction(async (trx) => {
			await trx.raw(
				`select pg_advisory_xact_lock(hashtextextended('crm-connect:enrich:' || ?, 0))`,
				[workspaceId],
			);
			await trx.raw('set local jit = off');
			const merged = await mergeFindings(
				trx,
				workspaceId,
				prepared.findings,
				prepared.classifications,
				context,
			);
			if (copyIds.length > 0)
				// The mark is enrichment's own: updated_at stays the sync's.
				await trx.raw(
					`update mailbox_messages set enriched_at = ?
					  where workspace_id = ?::uuid and id = any(?::uuid[]) and enriched_at is null`,
					bind([now, workspaceId, copyIds]),
				);
			return merged;
		});
	for (let attempt = 1; ; attempt++) {
		try {
			const merged = await write();
			counts.peopleUpdated += merged.peopleUpdated;
			counts.companiesUpdated += merged.companiesUpdated;
			counts.classified += merged.classified;
			return;
		} catch (error) {
			// Linking updates people in its own order: a deadlock with it is retried, whole.
			const code = (error as { code?: string }).code;
			if (attempt >= WRITE_ATTEMPTS || (code !== '40P01' && code !== '40001')) throw error;
		}
	}
}

/**
 * Enriches the integration's new incoming mail (see the top of this file). With
 * `onlyIfAutoEnrich` (the after-sync path) an integration whose autoEnrich setting is off is
 * skipped; an explicit call runs regardless.
 */
export async function enrichIntegration(
	deps: EnrichDeps,
	input: {
		workspaceId: string;
		integrationId: string;
		onlyIfAutoEnrich?: boolean;
		limit?: number;
	},
): Promise<EnrichIntegrationResult> {
	const { workspaceId, integrationId } = input;
	checkIds({ workspaceId, integrationId });
	if (input.limit !== undefined && (!Number.isInteger(input.limit) || (input.limit as number) < 1))
		throw new CrmArgumentError('limit must be a positive integer');
	const counts = emptyCounts();
	const result: EnrichIntegrationResult = { workspaceId, integrationId, counts, done: true };
	const { knex } = deps.database;
	const integration = (await knex('integrations')
		.where({ workspace_id: workspaceId, id: integrationId })
		.first('id', 'settings', 'visibility')) as
		| { id: string; settings: unknown; visibility: string }
		| undefined;
	if (!integration) return { ...result, skipped: 'not_found' };
	const settings = readIntegrationSettings(integration.settings);
	if (input.onlyIfAutoEnrich === true && !settings.autoEnrich)
		return { ...result, skipped: 'opted_out' };
	// Mail shared as metadata or subject only is never read; its copies stay unmarked.
	if (integration.visibility !== 'everything' || settings.visibility !== 'everything')
		return result;

	const context: MergeContext = { ownDomains: await ownDomains(knex, workspaceId) };
	let after: [string, string] = [
		'00000000-0000-0000-0000-000000000000',
		'00000000-0000-0000-0000-000000000000',
	];
	let remaining = input.limit ?? Infinity;
	// One batch's transaction writes while the next batch is read and extracted: the extractor's
	// CPU time and PostgreSQL's writing time overlap instead of adding up.
	let writing: Promise<void> | null = null;
	const written = async () => {
		const pending = writing;
		writing = null;
		if (pending) await pending;
	};
	try {
		for (;;) {
			const size = Math.min(BATCH_SIZE, remaining);
			const { rows } = await withoutJit(knex, (trx) =>
				trx.raw<{ rows: MailRow[] }>(
					`select m.id as copy_id, ${MAIL_COLUMNS('s.person_id')}
					   from mailbox_messages m
					   join emails e on e.id = m.email_id and e.workspace_id = m.workspace_id
					   cross join lateral (select ${PERSON_OF_SENDER} as person_id) s
					  where m.workspace_id = ?::uuid and m.integration_id = ?::uuid
					    and m.enriched_at is null and m.direction = 'incoming' and m.deleted_at is null
					    and (m.email_id, m.id) > (?::uuid, ?::uuid)
					  order by m.email_id, m.id
					  limit ${size}`,
					[workspaceId, integrationId, after[0], after[1]],
				),
			);
			if (rows.length === 0) break;
			const last = rows[rows.length - 1];
			after = [last.email_id, last.copy_id as string];
			counts.emailsScanned += rows.length;
			// Read (and so marked): everything but mail another mailbox shares less visibly.
			const readable = rows.filter((row) => row.readable);
			const prepared = await prepareBatch(
				deps,
				workspaceId,
				readable.filter((row) => !row.is_bulk),
				counts,
			);
			await written();
			writing = writeBatch(
				deps,
				workspaceId,
				prepared,
				readable.map((row) => row.copy_id as string),
				context,
				counts,
			);
			// Awaited before the next write (or below); a failure is not unhandled meanwhile.
			writing.catch(() => undefined);
			remaining -= rows.length;
			if (remaining <= 0) {
				const more = await knex('mailbox_messages')
					.where({
						workspace_id: workspaceId,
						integration_id: integrationId,
						direction: 'incoming',
					})
					.whereNull('enriched_at')
					.whereNull('deleted_at')
					.whereRaw('(email_id, id) > (?::uuid, ?::uuid)', after)
					.first('id');
				result.done = !more;
				break;
			}
			if (rows.length < size) break;
		}
		await written();
	} finally {
		// A read or extraction failed while a write was under way: let the write end first.
		await (writing as Promise<void> | null)?.catch(() => undefined);
	}
	return result;
}

/** Enriches one person or company from their newest mail, whether read before or not. */
export async function enrichRecord(
	deps: EnrichDeps,
	input: { workspaceId: string; subjectType: 'person' | 'company'; subjectId: string },
): Promise<EnrichRecordResult> {
	const { workspaceId, subjectType, subjectId } = input;
	checkIds({ workspaceId });
	if (subjectType !== 'person' && subjectType !== 'company')
		throw new CrmArgumentError('subjectType must be person or company');
	const { knex } = deps.database;
	const counts = emptyCounts();
	// The record's people: the person, or up to COMPANY_PEOPLE people of the company.
	let people: Array<{ id: string; addresses: string[] }>;
	if (subjectType === 'person') {
		const person = await getPerson(deps.database, workspaceId, subjectId);
		if (!person) throw new CrmRecordNotFoundError('person', subjectId);
		people = [{ id: person.id, addresses: [person.email, ...person.additionalEmails] }];
	} else {
		if (!(await getCompany(deps.database, workspaceId, subjectId)))
			throw new CrmRecordNotFoundError('company', subjectId);
		const rows = (await knex('people')
			.where({ workspace_id: workspaceId, company_id: subjectId })
			.orderBy('id')
			.limit(COMPANY_PEOPLE)
			.select('id', 'email', 'additional_emails')) as Array<{
			id: string;
			email: string;
			additional_emails: string[];
		}>;
		people = rows.map((row) => ({
			id: row.id,
			addresses: [row.email, ...(row.additional_emails ?? [])],
		}));
	}
	const personOf = new Map<string, string>();
	for (const person of people)
		for (const address of person.addresses)
			if (!personOf.has(address.toLowerCase())) personOf.set(address.toLowerCase(), person.id);
	const result: EnrichRecordResult = { workspaceId, subjectType, subjectId, counts };
	if (personOf.size === 0) return result;

	const { rows } = await withoutJit(knex, (trx) =>
		trx.raw<{ rows: MailRow[] }>(
			`select null::uuid as copy_id, ${MAIL_COLUMNS('a.person_id')}
			   from unnest(?::text[], ?::uuid[]) as a(address, person_id)
			   join emails e on e.workspace_id = ?::uuid and e.from_email = a.address
			  where e.visibility = 'everything' and not e.is_bulk
			    and exists (select 1 from mailbox_messages m where m.workspace_id = e.workspace_id
			                 and m.email_id = e.id and m.direction = 'incoming' and m.deleted_at is null)
			  order by e.sent_at desc nulls last, e.id
			  limit ${RECORD_EMAILS}`,
			bind([[...personOf.keys()], [...personOf.values()], workspaceId]),
		),
	);
	counts.emailsScanned = rows.length;
	const context: MergeContext = { ownDomains: await ownDomains(knex, workspaceId) };
	const prepared = await prepareBatch(deps, workspaceId, rows, counts);
	await writeBatch(deps, workspaceId, prepared, [], context, counts);
	return result;
}

/** The values enrichment stored for a person or company, with their provenance. */
export async function getEnrichment(
	database: CrmDatabase,
	input: { workspaceId: string; subjectType: 'person' | 'company'; subjectId: string },
): Promise<{ subject: PersonRecord | CompanyRecord; values: EnrichmentValue[] }> {
	const { workspaceId, subjectType, subjectId } = input;
	checkIds({ workspaceId });
	if (subjectType !== 'person' && subjectType !== 'company')
		throw new CrmArgumentError('subjectType must be person or company');
	const subject =
		subjectType === 'person'
			? await getPerson(database, workspaceId, subjectId)
			: await getCompany(database, workspaceId, subjectId);
	if (!subject) throw new CrmRecordNotFoundError(subjectType, subjectId);
	const rows = await readEnrichmentResults(
		database.knex,
		workspaceId,
		subjectType === 'person' ? { people: [subject.id] } : { companies: [subject.id] },
	);
	return {
		subject,
		values: rows.map((row) => ({
			field: row.field,
			value: row.value,
			confidence: row.confidence,
			extractor: row.extractor,
			sourceEmailId: row.sourceEmailId,
			sourceExcerpt: row.sourceExcerpt,
			applied: row.applied,
			updatedAt: row.updatedAt.toISOString(),
		})),
	};
}
