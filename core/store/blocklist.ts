// The workspace's blocklist: addresses (bob@spam.example) and domains (@spam.example) whose mail is
// never synced into the CRM.
//
// Adding an entry purges what it covers, in one transaction:
//   1. emails whose sender the entry covers, and outgoing emails (sent from a connected mailbox)
//      whose recipients (to, cc, bcc) are all blocked once the entry is added — with their mailbox
//      copies and participants (foreign-key cascade) and every record link of those emails;
//   2. people the sync or enrichment created (source 'sync' or 'enrichment', no field edited by hand, no external id, no manual
//      link) who are either covered by the entry (their primary address) or were participants of
//      the purged mail and now appear on no email or event and have no link left — with their
//      links and enrichment results (participants and attendees keep their rows, person_id null);
//   3. companies the sync or enrichment created (same conditions) whose domain a domain entry covers, or that the
//      purged mail linked and that now have no link and no people left — with their links and
//      enrichment results.
// People and companies a user created, edited, imported or linked by hand are never deleted, and
// calendar events are never deleted (the blocklist is about mail).
//
// Removing an entry lets the next sync bring its mail back: the mail cursors of the workspace's
// integrations are forgotten (sync_cursors rows deleted) and connected integrations are due now.
import { forgetCursors } from './cursors';
import type { CrmDatabase } from './database';
import { CrmArgumentError, isUuid } from './recordLinks';
import type { Page } from './peopleAndCompanies';
import { parseBlocklistPattern, type BlocklistKind } from '../sync/blocklistFilter';

export interface BlocklistEntry {
	id: string;
	workspaceId: string;
	pattern: string;
	kind: BlocklistKind;
	createdBy: string | null;
	createdAt: Date;
}

export interface BlocklistPurge {
	emails: number;
	people: number;
	companies: number;
	links: number;
}

interface EntryRow {
	id: string;
	workspace_id: string;
	pattern: string;
	kind: BlocklistKind;
	created_by: string | null;
	created_at: Date;
}

const toEntry = (row: EntryRow): BlocklistEntry => ({
	id: row.id,
	workspaceId: row.workspace_id,
	pattern: row.pattern,
	kind: row.kind,
	createdBy: row.created_by,
	createdAt: row.created_at,
});

function checkWorkspace(workspaceId: string) {
	if (!isUuid(workspaceId)) throw new CrmArgumentError('workspaceId must be a UUID');
}

/** Adds an address or @domain (validated, lower-cased) and purges what it covers (see above). */
export async function addToBlocklist(
	database: CrmDatabase,
	workspaceId: string,
	input: { pattern: string; userId?: string | null },
): Promise<{ entry: BlocklistEntry; created: boolean; purged: BlocklistPurge }> {
	checkWorkspace(workspaceId);
	const { pattern, kind } = parseBlocklistPattern(input.pattern);
	return database.knex.transaction(async (trx) => {
		const [inserted] = (await trx('blocklist')
			.insert({ workspace_id: workspaceId, pattern, kind, created_by: input.userId ?? null })
			.onConflict(['workspace_id', 'pattern'])
			.ignore()
			.returning('*')) as EntryRow[];
		const row =
			inserted ??
			((await trx('blocklist').where({ workspace_id: workspaceId, pattern }).first()) as EntryRow);
		const bindings = { workspaceId, pattern, kind };
		const run = async (sql: string) => (await trx.raw(sql, bindings)) as { rowCount: number };
		const covers = (address: string) =>
			`(case when :kind = 'domain' then split_part(lower(${address}), '@', 2) = substr(:pattern, 2)
			       else lower(${address}) = :pattern end)`;
		const blocked = (address: string) =>
			`exists (select 1 from blocklist b where b.workspace_id = :workspaceId
			          and b.pattern in (lower(${address}), '@' || split_part(lower(${address}), '@', 2)))`;

		await run(`create temp table purge_emails on commit drop as
		  select e.id from emails e where e.workspace_id = :workspaceId and ${covers('e.from_email')}
		  union
		  select e.id from emails e
		   where e.workspace_id = :workspaceId
		     and exists (select 1 from mailbox_messages m where m.email_id = e.id and m.direction = 'outgoing')
		     and exists (select 1 from email_participants p where p.email_id = e.id
		                  and p.role in ('to', 'cc', 'bcc') and ${covers('p.address')})
		     and not exists (select 1 from email_participants p where p.email_id = e.id
		                      and p.role in ('to', 'cc', 'bcc') and not ${blocked('p.address')})`);
		await run(`create temp table purge_people on commit drop as
		  select distinct p.person_id as id from email_participants p
		   where p.email_id in (select id from purge_emails) and p.person_id is not null
		  union
		  select p.id from people p where p.workspace_id = :workspaceId and ${covers('p.email')}`);
		await run(`create temp table purge_companies on commit drop as
		  select distinct l.record_id as id from record_links l
		   where l.workspace_id = :workspaceId and l.subject_type = 'email' and l.record_type = 'company'
		     and l.subject_id in (select id from purge_emails)
		  union
		  select c.id from companies c
		   where c.workspace_id = :workspaceId and :kind = 'domain' and c.domain = substr(:pattern, 2)`);

		let links = (
			await run(`delete from record_links l where l.workspace_id = :workspaceId
			   and l.subject_type = 'email' and l.subject_id in (select id from purge_emails)`)
		).rowCount;
		const emails = (
			await run(
				`delete from emails e where e.workspace_id = :workspaceId and e.id in (select id from purge_emails)`,
			)
		).rowCount;

		// Only rows the sync or enrichment made and nobody touched; covered by the entry, or left with nothing.
		const untouched = (
			table: string,
			type: string,
		) => `x.workspace_id = :workspaceId and x.source in ('sync', 'enrichment')
		   and x.manual_fields = '{}' and x.external_id is null
		   and not exists (select 1 from record_links l where l.workspace_id = :workspaceId
		                    and l.record_type = '${type}' and l.record_id = x.id and l.link_source = 'manual')`;
		await run(`create temp table purge_people_final on commit drop as
		  select x.id from people x where x.id in (select id from purge_people) and ${untouched('people', 'person')}
		   and (${covers('x.email')}
		        or (    not exists (select 1 from email_participants p where p.workspace_id = :workspaceId and p.person_id = x.id)
		            and not exists (select 1 from calendar_event_attendees a where a.workspace_id = :workspaceId and a.person_id = x.id)
		            and not exists (select 1 from record_links l where l.workspace_id = :workspaceId
		                             and l.record_type = 'person' and l.record_id = x.id and l.link_source <> 'suppressed')))`);
		links += (
			await run(`delete from record_links l where l.workspace_id = :workspaceId
			   and l.record_type = 'person' and l.record_id in (select id from purge_people_final)`)
		).rowCount;
		await run(`delete from enrichment_results r where r.workspace_id = :workspaceId
		   and r.subject_type = 'person' and r.subject_id in (select id from purge_people_final)`);
		const people = (
			await run(
				`delete from people x where x.workspace_id = :workspaceId and x.id in (select id from purge_people_final)`,
			)
		).rowCount;

		await run(`create temp table purge_companies_final on commit drop as
		  select x.id from companies x where x.id in (select id from purge_companies) and ${untouched('companies', 'company')}
		   and ((:kind = 'domain' and x.domain = substr(:pattern, 2))
		        or (    not exists (select 1 from people p where p.workspace_id = :workspaceId and p.company_id = x.id)
		            and not exists (select 1 from record_links l where l.workspace_id = :workspaceId
		                             and l.record_type = 'company' and l.record_id = x.id and l.link_source <> 'suppressed')))`);
		links += (
			await run(`delete from record_links l where l.workspace_id = :workspaceId
			   and l.record_type = 'company' and l.record_id in (select id from purge_companies_final)`)
		).rowCount;
		await run(`delete from enrichment_results r where r.workspace_id = :workspaceId
		   and r.subject_type = 'company' and r.subject_id in (select id from purge_companies_final)`);
		const companies = (
			await run(
				`delete from companies x where x.workspace_id = :workspaceId and x.id in (select id from purge_companies_final)`,
			)
		).rowCount;
		return {
			entry: toEntry(row),
			created: Boolean(inserted),
			purged: { emails, people, companies, links },
		};
	});
}

/**
 * Removes an entry; its mail comes back with the next sync: every integration of the workspace
 * forgets its mail cursors (contract: a missing cursor means relist from the horizon) and the
 * integrations that are not disconnected become due now.
 */
export async function removeFromBlocklist(
	database: CrmDatabase,
	workspaceId: string,
	input: { pattern: string },
): Promise<{ removed: boolean; integrationsRelisted: number }> {
	checkWorkspace(workspaceId);
	const { pattern } = parseBlocklistPattern(input.pattern);
	return database.knex.transaction(async (trx) => {
		const removed = await trx('blocklist').where({ workspace_id: workspaceId, pattern }).delete();
		if (removed === 0) return { removed: false, integrationsRelisted: 0 };
		const integrations = (await trx('integrations')
			.where({ workspace_id: workspaceId })
			.whereNot({ status: 'disconnected' })
			.update({ next_sync_at: trx.fn.now(), updated_at: trx.fn.now() })
			.returning('id')) as Array<{ id: string }>;
		// A workspace has a handful of integrations; forgetCursors is the cursors module's one way in.
		for (const { id } of integrations) {
			await forgetCursors(trx, workspaceId, id, 'gmail_label');
			await forgetCursors(trx, workspaceId, id, 'graph_mail_folder');
		}
		return { removed: true, integrationsRelisted: integrations.length };
	});
}

/** The entries, ordered by pattern, a page at a time (keyset). */
export async function listBlocklist(
	database: CrmDatabase,
	workspaceId: string,
	query: { limit?: number; cursor?: string | null } = {},
): Promise<Page<BlocklistEntry>> {
	checkWorkspace(workspaceId);
	const limit = query.limit === undefined ? 50 : query.limit;
	if (!Number.isInteger(limit) || limit < 1)
		throw new CrmArgumentError('limit must be a positive integer');
	const size = Math.min(limit, 500);
	let after: string | null = null;
	if (query.cursor) {
		try {
			const parsed = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as {
				after?: unknown;
			};
			if (typeof parsed.after === 'string') after = parsed.after;
		} catch {
			// refused below
		}
		if (after === null) throw new CrmArgumentError('cursor is not one this operation returned');
	}
	const builder = database.knex('blocklist').where({ workspace_id: workspaceId });
	if (after !== null) builder.where('pattern', '>', after);
	const rows = (await builder.orderBy('pattern').limit(size + 1)) as EntryRow[];
	const items = rows.slice(0, size).map(toEntry);
	return {
		items,
		nextCursor:
			rows.length > size
				? Buffer.from(JSON.stringify({ after: items[items.length - 1].pattern })).toString(
						'base64url',
					)
				: null,
	};
}
