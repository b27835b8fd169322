// Which participant addresses may create people and companies. The policy comes from the workspace
// (workspace_settings.contact_creation_policy), overridden per integration by
// settings.contactCreation unless that says 'workspace_default':
//   sent_and_received  every participant of the account's mail (sender and recipients);
//   sent               only the recipients (to, cc, bcc) of mail the account sent;
//   none               nobody.
// Whatever the policy, an address never creates a contact when it is a group address (noreply@,
// info@, support@ …), on bulk mail (emails.is_bulk), at one of the workspace's own domains (or a
// subdomain of one), blocklisted, or one of the workspace's connected accounts. Free-mail addresses
// create people but never companies (freeMailDomains.ts). The rules are SQL conditions, so linking
// selects candidates for a million emails in one statement.
import type { Knex } from 'knex';

import type { IntegrationSettings } from './integrationSettings';
import { blockedAddressSql } from './blocklistFilter';

export type ContactCreationPolicy = 'sent_and_received' | 'sent' | 'none';

const POLICIES: readonly ContactCreationPolicy[] = ['sent_and_received', 'sent', 'none'];

/** The policy an integration follows: its own setting, or the workspace's. */
export function effectiveContactPolicy(
	workspacePolicy: string | null | undefined,
	integrationSetting: IntegrationSettings['contactCreation'] | string | null | undefined,
): ContactCreationPolicy {
	if (POLICIES.includes(integrationSetting as ContactCreationPolicy))
		return integrationSetting as ContactCreationPolicy;
	if (POLICIES.includes(workspacePolicy as ContactCreationPolicy))
		return workspacePolicy as ContactCreationPolicy;
	return 'sent_and_received';
}

/**
 * Local parts of shared or automatic mailboxes: they stand for a team or a machine, not a person.
 * A `+tag` is ignored (noreply+123@ is noreply@).
 */
export const GROUP_LOCAL_PARTS: readonly string[] = [
	'noreply',
	'no-reply',
	'no_reply',
	'donotreply',
	'do-not-reply',
	'do_not_reply',
	'info',
	'support',
	'sales',
	'billing',
	'invoices?',
	'accounts?',
	'accounting',
	'notifications?',
	'notify',
	'alerts?',
	'mailer-daemon',
	'postmaster',
	'hostmaster',
	'webmaster',
	'abuse',
	'admin',
	'administrator',
	'root',
	'contact',
	'hello',
	'team',
	'help',
	'helpdesk',
	'service',
	'customerservice',
	'feedback',
	'newsletters?',
	'news',
	'marketing',
	'updates?',
	'bounces?',
	'jobs',
	'careers',
	'hr',
	'office',
	'press',
	'security',
	'privacy',
	'legal',
	'orders?',
	'receipts?',
	'calendar-notification',
];

/** Local parts that mark an automatic sender whatever follows (noreply-12345@, bounce-abc@). */
const GROUP_PREFIXES = ['no-?reply', 'do-?not-?reply', 'bounces?[-+._]', 'mailer-daemon'];

/**
 * One regular expression over the local part (before '@'), written in the subset shared by
 * JavaScript and PostgreSQL's `~` operator.
 */
export const GROUP_LOCAL_PART_PATTERN = `^((${GROUP_LOCAL_PARTS.join('|')})(\\+.*)?|(${GROUP_PREFIXES.join('|')}).*)$`;

const groupLocalPart = new RegExp(GROUP_LOCAL_PART_PATTERN);

/** Whether an address is a group (shared, automatic) mailbox. */
export function isGroupAddress(address: string): boolean {
	const at = address.lastIndexOf('@');
	return groupLocalPart.test((at >= 0 ? address.slice(0, at) : address).trim().toLowerCase());
}

/** What an address must look like to become a contact: one '@', a dotted domain, no spaces. */
export const CONTACT_ADDRESS_PATTERN = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';

/** SQL of the effective policy of integration `i`, given workspace_settings `ws` (left joined). */
export const EFFECTIVE_POLICY_SQL = `case when i.settings->>'contactCreation' in ('sent_and_received', 'sent', 'none')
	then i.settings->>'contactCreation' else coalesce(ws.contact_creation_policy, 'sent_and_received') end`;

/**
 * SQL selecting the addresses (lower case, with a display name seen) that may create a person,
 * from the emails of `:emailIds` (a uuid[] literal) or, unscoped, from all of the workspace's mail.
 * Addresses that already belong to a person are not excluded here; linking does that. Named
 * bindings: contactPolicyBindings().
 */
export function contactCandidatesSql(scoped: boolean): string {
	const scope = scoped ? 'and p.email_id = any(:emailIds::uuid[])' : '';
	return `with policy as (
	   select i.id, ${EFFECTIVE_POLICY_SQL} as policy
	     from integrations i left join workspace_settings ws on ws.workspace_id = i.workspace_id
	    where i.workspace_id = :workspaceId
	 ),
	 -- Materialized: the address conditions below then run once per address, not once per row.
	 seen as materialized (
	   select lower(p.address) as address, max(p.display_name) as display_name
	     from email_participants p
	     join emails e on e.id = p.email_id and e.workspace_id = :workspaceId and not e.is_bulk
	     join mailbox_messages m on m.email_id = p.email_id and m.workspace_id = :workspaceId and m.deleted_at is null
	     join policy on policy.id = m.integration_id
	    where p.workspace_id = :workspaceId ${scope}
	      and (   (policy.policy = 'sent_and_received' and p.role in ('from', 'to', 'cc', 'bcc'))
	           or (policy.policy = 'sent' and m.direction = 'outgoing' and p.role in ('to', 'cc', 'bcc')))
	    group by lower(p.address)
	 )
	 select s.address, s.display_name from seen s
	  where ${contactAddressConditionSql('s.address')}`;
}

/**
 * A uuid[] literal of ids already checked to be UUIDs. `column = any(:ids::uuid[])` is an index
 * condition whatever the planner believes about the table's size, so a scoped run reads only its
 * own rows.
 */
export function uuidArrayLiteral(ids: readonly string[]): string {
	return `{${ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id)).join(',')}}`;
}

/** The named bindings of contactCandidatesSql and contactAddressConditionSql. */
export function contactPolicyBindings(
	workspaceId: string,
	emailIds: readonly string[] | null = null,
): Record<string, string> {
	return {
		workspaceId,
		emailIds: uuidArrayLiteral(emailIds ?? []),
		groupPattern: GROUP_LOCAL_PART_PATTERN,
		addressPattern: CONTACT_ADDRESS_PATTERN,
	};
}

/** The addresses that may create a person, as rows (see contactCandidatesSql). */
export async function listContactCandidates(
	knex: Knex,
	workspaceId: string,
	emailIds: readonly string[] | null = null,
): Promise<Array<{ address: string; display_name: string | null }>> {
	const result = await knex.raw<{ rows: Array<{ address: string; display_name: string | null }> }>(
		contactCandidatesSql(emailIds !== null),
		contactPolicyBindings(workspaceId, emailIds),
	);
	return result.rows;
}

/**
 * The address filters of the policy as one SQL condition on a lower-case address column, with
 * named bindings :workspaceId, :groupPattern and :addressPattern.
 */
export function contactAddressConditionSql(address: string): string {
	const domain = `split_part(${address}, '@', 2)`;
	return `${address} ~ :addressPattern
	    and split_part(${address}, '@', 1) !~ :groupPattern
	    and not exists (select 1 from integrations a where a.workspace_id = :workspaceId and lower(a.account_email) = ${address})
	    and not exists (
	      select 1 from workspace_settings o, jsonb_array_elements_text(o.own_domains) d(own)
	       where o.workspace_id = :workspaceId
	         and (${domain} = lower(ltrim(d.own, '@')) or ${domain} like '%.' || lower(ltrim(d.own, '@'))))
	    and not ${blockedAddressSql(address)}`;
}
