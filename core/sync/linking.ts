// Record linking: participants and attendees to people by address (primary or additional, case
// insensitive), emails and events to people and companies, and contact creation per the policy
// (contactPolicy.ts). A handful of set-based statements in one transaction, whatever the number of
// emails: no query per row. Running it twice changes nothing; it never touches manual links and
// never re-adds what a user unlinked (record_links 'suppressed' rows hold the pair).

import type { CrmDatabase } from '../store/database';
import { isUuid, CrmArgumentError } from '../store/recordLinks';
import { contactCandidatesSql, contactPolicyBindings, uuidArrayLiteral } from './contactPolicy';
import { FREE_MAIL_DOMAIN_LIST } from './freeMailDomains';

export {
	linkManually,
	unlinkManually,
	listLinks,
	CrmRecordNotFoundError,
	type LinkTarget,
	type RecordLink,
} from '../store/recordLinks';

export interface LinkScope {
	/** Emails to link (e.g. those a sync page wrote). Omitted with a scope: none. */
	emailIds?: readonly string[];
	/** Calendar events to link. Omitted with a scope: none. */
	eventIds?: readonly string[];
}

export interface LinkResult {
	/** People created from participant addresses, per the contact creation policy. */
	peopleCreated: number;
	/** Companies created from their domains. */
	companiesCreated: number;
	/** Automatic email → person / company links added. */
	emailLinks: number;
	/** Automatic event → person / company links added. */
	eventLinks: number;
	/** Participant and attendee rows whose person changed. */
	participantsMatched: number;
	/** Automatic links removed because their address or domain no longer matches. */
	linksRemoved: number;
}

/** Memory for the hash joins of one linking run (a session default of 4 MB would spill to disk). */
const LINKING_WORK_MEM = '128MB';

/**
 * Links a workspace's emails and events (all of them, or those of `scope`) to people and
 * companies, creating people and companies as the contact creation policy allows.
 */
export async function linkRecords(
	database: CrmDatabase,
	workspaceId: string,
	scope?: LinkScope,
): Promise<LinkResult> {
	if (!isUuid(workspaceId)) throw new CrmArgumentError('workspaceId must be a UUID');
	const emailIds = scope ? (scope.emailIds ?? []).filter(isUuid) : null;
	const eventIds = scope ? (scope.eventIds ?? []).filter(isUuid) : null;
	const result: LinkResult = {
		peopleCreated: 0,
		companiesCreated: 0,
		emailLinks: 0,
		eventLinks: 0,
		participantsMatched: 0,
		linksRemoved: 0,
	};
	if (emailIds?.length === 0 && eventIds?.length === 0) return result;

	await database.knex.transaction(async (trx) => {
		// One linking run per workspace at a time: two runs would race on the same new addresses.
		await trx.raw(
			`select pg_advisory_xact_lock(hashtextextended('crm-connect:linking:' || ?, 0))`,
			[workspaceId],
		);
		await trx.raw(`set local work_mem = '${LINKING_WORK_MEM}'`);
		// Each plan here runs once: compiling it (JIT) costs more than it saves.
		await trx.raw('set local jit = off');
		const bindings = {
			...contactPolicyBindings(workspaceId, emailIds),
			eventIds: uuidArrayLiteral(eventIds ?? []),
			freeDomains: JSON.stringify(FREE_MAIL_DOMAIN_LIST),
		};
		const run = async (sql: string) => (await trx.raw(sql, bindings)) as { rowCount: number };
		if (emailIds === null) {
			// A whole workspace is joined wholesale: hash joins. Statistics of tables this very run
			// filled (record_links on a first run) would otherwise make row-by-row plans look cheap.
			await trx.raw('set local enable_nestloop = off');
		}

		await createAddressMap(run, emailIds !== null);
		if (emailIds === null || emailIds.length > 0) {
			const created = await createContacts(run, emailIds !== null);
			result.peopleCreated = created.people;
			result.companiesCreated = created.companies;
		}
		await run(`create temp table link_companies on commit drop as
		  select c.id, c.domain from companies c
		   where c.workspace_id = :workspaceId
		     and c.domain not in (select value from jsonb_array_elements_text(:freeDomains::jsonb))
		     and not exists (select 1 from workspace_settings o, jsonb_array_elements_text(o.own_domains) d(own)
		                      where o.workspace_id = :workspaceId and c.domain = lower(ltrim(d.own, '@')))`);
		await run('create unique index on link_companies (domain)');
		await run('analyze link_companies');

		if (emailIds === null || emailIds.length > 0) {
			const scoped = emailIds !== null;
			const emailScope = (column: string) =>
				scoped ? `and ${column} = any(:emailIds::uuid[])` : '';
			const links = await linkSubjects(run, {
				subjectType: 'email',
				rows: 'email_participants',
				subjectColumn: 'email_id',
				scope: emailScope,
			});
			result.participantsMatched += links.matched;
			result.emailLinks = links.added;
			result.linksRemoved += links.removed;
		}
		if (eventIds === null || eventIds.length > 0) {
			const scoped = eventIds !== null;
			const eventScope = (column: string) =>
				scoped ? `and ${column} = any(:eventIds::uuid[])` : '';
			const links = await linkSubjects(run, {
				subjectType: 'calendar_event',
				rows: 'calendar_event_attendees',
				subjectColumn: 'event_id',
				scope: eventScope,
			});
			result.participantsMatched += links.matched;
			result.eventLinks = links.added;
			result.linksRemoved += links.removed;
		}
	});
	return result;
}

type Run = (sql: string) => Promise<{ rowCount: number }>;

/**
 * link_addresses: every address of the workspace's people → one person (for a scoped run, only the
 * addresses on the scope's emails and events). A primary address wins over an additional one;
 * between two people claiming the same address, the older one.
 */
async function createAddressMap(run: Run, scoped: boolean): Promise<void> {
	let primary = '';
	let additional = '';
	if (scoped) {
		await run(`create temp table link_scope_addresses on commit drop as
		  select lower(address) as address from email_participants
		   where workspace_id = :workspaceId and email_id = any(:emailIds::uuid[])
		  union
		  select lower(address) from calendar_event_attendees
		   where workspace_id = :workspaceId and event_id = any(:eventIds::uuid[])`);
		primary = 'and lower(p.email) in (select address from link_scope_addresses)';
		additional = 'and p.additional_emails && array(select address from link_scope_addresses)';
	}
	await run(`create temp table link_addresses on commit drop as
	  select distinct on (address) address, person_id from (
	    select lower(p.email) as address, p.id as person_id, 0 as rank, p.created_at
	      from people p where p.workspace_id = :workspaceId ${primary}
	    union all
	    select lower(a.address), p.id, 1, p.created_at
	      from people p, unnest(p.additional_emails) as a(address)
	     where p.workspace_id = :workspaceId ${additional}
	  ) addresses
	  order by address, rank, created_at, person_id`);
	await run('create unique index on link_addresses (address)');
}

/** People for candidate addresses nobody has, companies for their domains (never free mail). */
async function createContacts(
	run: Run,
	scoped: boolean,
): Promise<{ people: number; companies: number }> {
	await run(`create temp table link_candidates on commit drop as ${contactCandidatesSql(scoped)}`);
	const companies = await run(`insert into companies (workspace_id, domain, source)
	  select distinct :workspaceId::uuid, split_part(c.address, '@', 2), 'sync' from link_candidates c
	   where split_part(c.address, '@', 2) not in (select value from jsonb_array_elements_text(:freeDomains::jsonb))
	     and not exists (select 1 from companies x where x.workspace_id = :workspaceId and x.domain = split_part(c.address, '@', 2))
	  on conflict (workspace_id, domain) do nothing`);
	const people = await run(`with created as (
	    insert into people (workspace_id, email, full_name, company_id, source)
	    select :workspaceId::uuid, c.address, nullif(btrim(c.display_name, ' "'''), ''), x.id, 'sync'
	      from link_candidates c
	      left join companies x on x.workspace_id = :workspaceId and x.domain = split_part(c.address, '@', 2)
	           and x.domain not in (select value from jsonb_array_elements_text(:freeDomains::jsonb))
	     where not exists (select 1 from link_addresses a where a.address = c.address)
	    on conflict (workspace_id, email) do nothing
	    returning id, email
	  )
	  insert into link_addresses (address, person_id) select email, id from created
	  on conflict (address) do nothing`);
	// People without a company get the one of their domain (unless a user set it by hand).
	await run(`update people p set company_id = x.id, updated_at = now()
	    from companies x
	   where p.workspace_id = :workspaceId and p.company_id is null
	     and not ('company_id' = any(p.manual_fields))
	     and x.workspace_id = :workspaceId and x.domain = split_part(lower(p.email), '@', 2)
	     and x.domain not in (select value from jsonb_array_elements_text(:freeDomains::jsonb))
	     ${scoped ? 'and lower(p.email) in (select address from link_candidates)' : ''}`);
	return { people: people.rowCount, companies: companies.rowCount };
}

/**
 * Sets person_id of participant (or attendee) rows from their address, clearing it where the
 * address no longer belongs to anyone (rows already right are not written), then the automatic
 * links of emails or events to the people of their rows and to the companies of their domains:
 * adds the missing ones, removes automatic ones that no longer follow from an address. Manual and
 * suppressed pairs are never written: they hold the unique key.
 */
async function linkSubjects(
	run: Run,
	options: {
		subjectType: 'email' | 'calendar_event';
		rows: string;
		subjectColumn: string;
		scope: (column: string) => string;
	},
): Promise<{ matched: number; added: number; removed: number }> {
	const { subjectType, rows, subjectColumn, scope } = options;
	// One read of the rows gives their person (the one of their address) and company; the update,
	// and the links, follow from it.
	await run(`create temp table link_rows on commit drop as
	  select p.id, p.${subjectColumn} as subject_id, p.person_id as previous_person_id, a.person_id, c.id as company_id
	    from ${rows} p
	    left join link_addresses a on a.address = lower(p.address)
	    left join link_companies c on c.domain = split_part(lower(p.address), '@', 2)
	   where p.workspace_id = :workspaceId ${scope(`p.${subjectColumn}`)}`);
	const matched = await run(`update ${rows} p set person_id = r.person_id
	    from link_rows r
	   where r.previous_person_id is distinct from r.person_id
	     and p.id = r.id and p.person_id is distinct from r.person_id`);
	await run(`create temp table link_wanted on commit drop as
	  select r.subject_id, 'person'::text as record_type, r.person_id as record_id
	    from link_rows r where r.person_id is not null
	  union
	  select r.subject_id, 'company', r.company_id from link_rows r where r.company_id is not null`);
	await run('analyze link_wanted');
	const removed = await run(`delete from record_links l
	   where l.workspace_id = :workspaceId and l.subject_type = '${subjectType}' and l.link_source = 'auto'
	     ${scope('l.subject_id')}
	     and not exists (select 1 from link_wanted w
	                      where w.subject_id = l.subject_id and w.record_type = l.record_type and w.record_id = l.record_id)`);
	// The missing pairs first, in a statement of their own: an insert that probed record_links
	// while writing to it would rescan its own new rows for every row it writes.
	await run(`create temp table link_missing on commit drop as
	  select w.* from link_wanted w
	   where not exists (select 1 from record_links l
	                      where l.workspace_id = :workspaceId and l.subject_type = '${subjectType}'
	                        and l.subject_id = w.subject_id and l.record_type = w.record_type and l.record_id = w.record_id
	                        ${scope('l.subject_id')})`);
	// Written in the order of the unique index, each with an id drawn from gen_random_uuid() as the
	// column default would, the ids handed out in ascending order: both btrees then take the new
	// links page after page instead of at random, which for millions of links is most of the cost.
	const added =
		await run(`insert into record_links (id, workspace_id, subject_type, subject_id, record_type, record_id, link_source)
	  select i.id, :workspaceId::uuid, '${subjectType}', m.subject_id, m.record_type, m.record_id, 'auto'
	    from (select w.*, row_number() over (order by w.subject_id, w.record_type, w.record_id) as n from link_missing w) m
	    join (select u.id, row_number() over (order by u.id) as n
	            from (select gen_random_uuid() as id from link_missing) u) i on i.n = m.n
	   order by m.n
	  on conflict (workspace_id, subject_type, subject_id, record_type, record_id) do nothing`);
	await run('drop table link_rows, link_wanted, link_missing');
	return { matched: matched.rowCount, added: added.rowCount, removed: removed.rowCount };
}
