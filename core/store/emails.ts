// Emails, their mailbox copies and their participants, written set-based: one statement per table
// per page (arrays bound once and unnested in PostgreSQL), never a query per message. Within a
// workspace the same Message-ID is one email; each connected mailbox holding it has its own copy
// (labels, read state, direction, tombstone). Every string is cleaned for PostgreSQL first
// (pgText), so a hostile message is stored as well as it can be and never fails its page.
import type { Knex } from 'knex';

import type { EmailAddress, EmailRecord } from '../records/emailRecord';
import { pgJson, pgKey, pgText, pgTextMax } from './pgText';

export interface MailCopyInput {
	record: EmailRecord;
	/** When the mailbox received it (epoch ms). */
	receivedAt: number | null;
}

export interface MailWriteScope {
	workspaceId: string;
	integrationId: string;
	/** The sync source that reports these copies (gmail:<labels>, graph:<folder>). */
	sourceKey: string;
	/** The listing under way (initial or resync), or null while following changes. */
	listingMark: string | null;
	/** The integration's visibility, given to emails first stored through it. */
	visibility: 'metadata' | 'subject' | 'everything';
}

export interface MailWriteResult {
	/** Mailbox copies created. */
	created: number;
	/** Mailbox copies whose labels, read state, direction or tombstone changed. */
	updated: number;
	/** Ids of the emails the page touched (for linking). */
	emailIds: string[];
}

/** Bindings with arrays (unnested in SQL): node-pg sends them as PostgreSQL arrays. */
const bind = (values: unknown[]) => values as unknown as Knex.RawBinding[];

// Caps: PostgreSQL's btree keys stop near 2,700 bytes and tsvector at 1 MB; mail has no limits.
const MAX_ADDRESS = 512;
const MAX_NAME = 1_000;
const MAX_SUBJECT = 10_000;
const MAX_SNIPPET = 2_000;
const MAX_BODY = 500_000;
const MAX_RECIPIENTS = 10_000;

/** The workspace-wide key of an email: its Message-ID, or one derived from the provider's id. */
export function emailKeyOf(record: EmailRecord, integrationId: string): string {
	const messageId = pgText(record.internetMessageId)?.trim();
	if (messageId) return pgKey(messageId);
	// Without a Message-ID the copy cannot be matched across mailboxes: key it to this mailbox.
	return pgKey(
		`<${record.provider}.${integrationId}.${record.providerMessageId}@crm-connect.invalid>`,
	);
}

function cleanAddress(address: EmailAddress | null): EmailAddress | null {
	if (!address) return null;
	const email = pgText(address.email)?.trim().toLowerCase() ?? '';
	if (!email || email.length > MAX_ADDRESS) return null;
	return { name: pgTextMax(address.name, MAX_NAME), email };
}

function cleanAddresses(list: EmailAddress[]): EmailAddress[] {
	const result: EmailAddress[] = [];
	for (const address of list) {
		if (result.length >= MAX_RECIPIENTS) break;
		const clean = cleanAddress(address);
		if (clean) result.push(clean);
	}
	return result;
}

/** An ISO timestamp PostgreSQL takes, or null (unparsable, or a year it cannot store). */
function isoOrNull(value: string | number | null | undefined): string | null {
	if (value === null || value === undefined || value === '') return null;
	const date = new Date(value);
	const time = date.getTime();
	if (Number.isNaN(time)) return null;
	const year = date.getUTCFullYear();
	return year < 1 || year > 9999 ? null : date.toISOString();
}

interface EmailRow {
	key: string;
	inReplyTo: string | null;
	references: string;
	subject: string | null;
	snippet: string | null;
	fromEmail: string | null;
	fromName: string | null;
	to: string;
	cc: string;
	bcc: string;
	bodyText: string | null;
	bodyHtml: string | null;
	sentAt: string | null;
	hasAttachments: boolean;
	isBulk: boolean;
	listHeaders: string;
	participants: Array<{ role: string; address: string; name: string | null }>;
}

function emailRowOf(input: MailCopyInput, integrationId: string): EmailRow {
	const { record } = input;
	const from = cleanAddress(record.from);
	const to = cleanAddresses(record.to);
	const cc = cleanAddresses(record.cc);
	const bcc = cleanAddresses(record.bcc);
	const replyTo = cleanAddresses(record.replyTo);
	const participants: EmailRow['participants'] = [];
	const seen = new Set<string>();
	const add = (role: string, list: EmailAddress[]) => {
		for (const { email, name } of list) {
			const key = `${role}\u0001${email}`;
			if (seen.has(key)) continue;
			seen.add(key);
			participants.push({ role, address: email, name });
		}
	};
	add('from', from ? [from] : []);
	add('to', to);
	add('cc', cc);
	add('bcc', bcc);
	add('reply_to', replyTo);
	return {
		key: emailKeyOf(record, integrationId),
		inReplyTo: record.inReplyTo ? pgKey(record.inReplyTo) : null,
		references: JSON.stringify(pgJson(record.references.slice(0, 1_000)).map((id) => pgKey(id))),
		subject: pgTextMax(record.subject, MAX_SUBJECT),
		snippet: pgTextMax(record.snippet, MAX_SNIPPET),
		fromEmail: from?.email ?? null,
		fromName: from?.name ?? null,
		to: JSON.stringify(to),
		cc: JSON.stringify(cc),
		bcc: JSON.stringify(bcc),
		bodyText: pgTextMax(record.bodyText, MAX_BODY),
		bodyHtml: pgTextMax(record.bodyHtml, MAX_BODY),
		sentAt: isoOrNull(record.date) ?? isoOrNull(input.receivedAt),
		hasAttachments: record.attachments.length > 0,
		isBulk: record.isBulk,
		listHeaders: JSON.stringify(pgJson(record.listHeaders)),
		participants,
	};
}

// On conflict (the email is already stored, from this mailbox or another): what a new copy adds.
const EMAIL_MERGE: Array<[column: string, merged: string]> = [
	['in_reply_to', 'coalesce(excluded.in_reply_to, e.in_reply_to)'],
	[
		'"references"',
		`case when excluded."references" = '[]'::jsonb then e."references" else excluded."references" end`,
	],
	['subject', 'coalesce(excluded.subject, e.subject)'],
	['snippet', 'coalesce(excluded.snippet, e.snippet)'],
	['from_email', 'coalesce(excluded.from_email, e.from_email)'],
	['from_name', 'coalesce(excluded.from_name, e.from_name)'],
	[
		'to_recipients',
		`case when excluded.to_recipients = '[]'::jsonb then e.to_recipients else excluded.to_recipients end`,
	],
	[
		'cc_recipients',
		`case when excluded.cc_recipients = '[]'::jsonb then e.cc_recipients else excluded.cc_recipients end`,
	],
	// Bcc is only known to the sender's copy: never lose it to a recipient's copy.
	[
		'bcc_recipients',
		`case when excluded.bcc_recipients = '[]'::jsonb then e.bcc_recipients else excluded.bcc_recipients end`,
	],
	['body_text', 'coalesce(excluded.body_text, e.body_text)'],
	['body_html', 'coalesce(excluded.body_html, e.body_html)'],
	['sent_at', 'coalesce(e.sent_at, excluded.sent_at)'],
	['has_attachments', 'e.has_attachments or excluded.has_attachments'],
	['is_bulk', 'e.is_bulk or excluded.is_bulk'],
	['list_headers', 'e.list_headers || excluded.list_headers'],
];

const EMAIL_UPSERT_SQL = `
with input as (
	select * from unnest(
		?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
		?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::boolean[], ?::text[]
	) as t(internet_message_id, in_reply_to, refs, subject, snippet, from_email, from_name, to_r,
		cc_r, bcc_r, body_text, body_html, sent_at, has_attachments, is_bulk, list_headers)
),
-- What VISIBILITY_SQL gives an email whose only copy is this integration's: a new email is
-- stored with it at once (no second write of the row and its search vectors).
integration_visibility as (
	select (array['metadata', 'subject', 'everything'])[case i.visibility
		when 'metadata' then 1 when 'subject' then 2 else 3 end] as visibility
	from integrations i
	where i.id = ?::uuid
),
upserted as (
	insert into emails as e (workspace_id, internet_message_id, in_reply_to, "references", subject,
		snippet, from_email, from_name, to_recipients, cc_recipients, bcc_recipients, body_text,
		body_html, sent_at, has_attachments, is_bulk, list_headers, visibility)
	select ?::uuid, internet_message_id, in_reply_to, refs::jsonb, subject, snippet, from_email,
		from_name, to_r::jsonb, cc_r::jsonb, bcc_r::jsonb, body_text, body_html,
		sent_at::timestamptz, has_attachments, is_bulk, list_headers::jsonb,
		coalesce((select visibility from integration_visibility), ?)
	from input
	on conflict (workspace_id, internet_message_id) do update set
		${EMAIL_MERGE.map(([column, merged]) => `${column} = ${merged}`).join(',\n\t\t')},
		updated_at = now()
	where (${EMAIL_MERGE.map(([column]) => `e.${column}`).join(', ')})
		is distinct from (${EMAIL_MERGE.map(([, merged]) => merged).join(', ')})
	returning e.id, e.internet_message_id, (e.xmax = 0) as inserted
)
select i.internet_message_id as key,
	coalesce(u.id, (select x.id from emails x
		where x.workspace_id = ?::uuid and x.internet_message_id = i.internet_message_id)) as id,
	(u.id is not null) as written, coalesce(u.inserted, false) as inserted
from input i
left join upserted u on u.internet_message_id = i.internet_message_id`;

const COPY_UPSERT_SQL = `
with input as (
	select * from unnest(?::text[], ?::text[], ?::uuid[], ?::text[], ?::boolean[], ?::text[], ?::text[])
		as t(provider_message_id, provider_thread_id, email_id, labels, is_read, direction, received_at)
),
before as (
	select m.provider_message_id, m.email_id, m.provider_thread_id, m.labels, m.is_read, m.direction,
		m.deleted_at
	from mailbox_messages m
	where m.workspace_id = ?::uuid and m.integration_id = ?::uuid
		and m.provider_message_id in (select provider_message_id from input)
),
upserted as (
	insert into mailbox_messages as m (workspace_id, integration_id, email_id, provider_message_id,
		provider_thread_id, labels, is_read, direction, source_key, received_at, listing_mark)
	select ?::uuid, ?::uuid, email_id, provider_message_id, provider_thread_id, labels::jsonb, is_read,
		direction, ?, received_at::timestamptz, ?
	from input
	on conflict (workspace_id, integration_id, provider_message_id) do update set
		email_id = excluded.email_id,
		provider_thread_id = excluded.provider_thread_id,
		labels = excluded.labels,
		is_read = excluded.is_read,
		direction = excluded.direction,
		source_key = excluded.source_key,
		received_at = coalesce(excluded.received_at, m.received_at),
		listing_mark = coalesce(excluded.listing_mark, m.listing_mark),
		deleted_at = null,
		updated_at = now()
	where (m.email_id, m.provider_thread_id, m.labels, m.is_read, m.direction, m.source_key,
			m.received_at, m.listing_mark, m.deleted_at)
		is distinct from (excluded.email_id, excluded.provider_thread_id, excluded.labels,
			excluded.is_read, excluded.direction, excluded.source_key,
			coalesce(excluded.received_at, m.received_at),
			coalesce(excluded.listing_mark, m.listing_mark), null::timestamptz)
	returning m.provider_message_id
)
select
	count(*) filter (where b.provider_message_id is null) as created,
	count(*) filter (where b.provider_message_id is not null and (
		(b.email_id, b.provider_thread_id, b.labels, b.is_read, b.direction)
			is distinct from (i.email_id, i.provider_thread_id, i.labels::jsonb, i.is_read, i.direction)
		or b.deleted_at is not null)) as updated
from upserted u
join input i on i.provider_message_id = u.provider_message_id
left join before b on b.provider_message_id = u.provider_message_id`;

const PARTICIPANTS_SQL = `
insert into email_participants as p (workspace_id, email_id, role, address, display_name)
select ?::uuid, email_id, role, address, display_name
from unnest(?::uuid[], ?::text[], ?::text[], ?::text[]) as t(email_id, role, address, display_name)
on conflict (email_id, role, address) do update set display_name = excluded.display_name
where excluded.display_name is not null and p.display_name is distinct from excluded.display_name`;

// The most restrictive visibility among the integrations holding a live copy of each email.
const VISIBILITY_SQL = `
update emails e set visibility = v.visibility, updated_at = now()
from (
	select m.email_id,
		(array['metadata', 'subject', 'everything'])[min(case i.visibility
			when 'metadata' then 1 when 'subject' then 2 else 3 end)] as visibility
	from mailbox_messages m
	join integrations i on i.id = m.integration_id
	where m.workspace_id = ?::uuid and m.email_id = any(?::uuid[]) and m.deleted_at is null
	group by m.email_id
) v
where e.workspace_id = ?::uuid and e.id = v.email_id and e.visibility is distinct from v.visibility`;

/**
 * Stores one page of a mailbox: emails (one per Message-ID in the workspace), the mailbox's
 * copies (a copy seen again loses its tombstone) and the participants, in a few statements.
 * Run it inside the page's transaction, with the cursor write.
 */
export async function upsertMailPage(
	db: Knex,
	scope: MailWriteScope,
	items: MailCopyInput[],
): Promise<MailWriteResult> {
	if (items.length === 0) return { created: 0, updated: 0, emailIds: [] };
	// Last report of a copy wins; one email row per key (ON CONFLICT touches a row once per
	// statement), and keys in order so that two mailboxes writing the same emails never deadlock.
	const copies = new Map<string, { input: MailCopyInput; key: string }>();
	const emails = new Map<string, EmailRow>();
	for (const input of items) {
		const row = emailRowOf(input, scope.integrationId);
		copies.set(pgKey(input.record.providerMessageId), { input, key: row.key });
		emails.set(row.key, row);
	}
	const emailRows = [...emails.values()].sort((a, b) =>
		a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
	);
	const column = <T>(pick: (row: EmailRow) => T) => emailRows.map(pick);

	const { rows: written } = await db.raw<{
		rows: Array<{ key: string; id: string; written: boolean; inserted: boolean }>;
	}>(
		EMAIL_UPSERT_SQL,
		bind([
			column((row) => row.key),
			column((row) => row.inReplyTo),
			column((row) => row.references),
			column((row) => row.subject),
			column((row) => row.snippet),
			column((row) => row.fromEmail),
			column((row) => row.fromName),
			column((row) => row.to),
			column((row) => row.cc),
			column((row) => row.bcc),
			column((row) => row.bodyText),
			column((row) => row.bodyHtml),
			column((row) => row.sentAt),
			column((row) => row.hasAttachments),
			column((row) => row.isBulk),
			column((row) => row.listHeaders),
			scope.integrationId,
			scope.workspaceId,
			scope.visibility,
			scope.workspaceId,
		]),
	);
	const idByKey = new Map(written.map((row) => [row.key, row.id]));

	// Participants of the emails this page wrote (an email stored unchanged already has them).
	const participantRows: Array<[string, string, string, string | null]> = [];
	for (const row of written) {
		if (!row.written) continue;
		for (const participant of emails.get(row.key)?.participants ?? [])
			participantRows.push([row.id, participant.role, participant.address, participant.name]);
	}
	if (participantRows.length > 0) {
		participantRows.sort((a, b) =>
			a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0,
		);
		await db.raw(
			PARTICIPANTS_SQL,
			bind([
				scope.workspaceId,
				participantRows.map((row) => row[0]),
				participantRows.map((row) => row[1]),
				participantRows.map((row) => row[2]),
				participantRows.map((row) => row[3]),
			]),
		);
	}

	const copyRows = [...copies.entries()]
		.map(([providerMessageId, { input, key }]) => ({
			providerMessageId,
			threadId: pgKey(input.record.providerThreadId ?? '') || null,
			emailId: idByKey.get(key)!,
			labels: JSON.stringify(pgJson(input.record.labels)),
			isRead: input.record.isRead,
			direction: input.record.direction,
			receivedAt: isoOrNull(input.receivedAt),
		}))
		.sort((a, b) => (a.providerMessageId < b.providerMessageId ? -1 : 1));
	const { rows: counted } = await db.raw<{ rows: Array<{ created: string; updated: string }> }>(
		COPY_UPSERT_SQL,
		bind([
			copyRows.map((row) => row.providerMessageId),
			copyRows.map((row) => row.threadId),
			copyRows.map((row) => row.emailId),
			copyRows.map((row) => row.labels),
			copyRows.map((row) => row.isRead),
			copyRows.map((row) => row.direction),
			copyRows.map((row) => row.receivedAt),
			scope.workspaceId,
			scope.integrationId,
			scope.workspaceId,
			scope.integrationId,
			scope.sourceKey,
			scope.listingMark,
		]),
	);
	const emailIds = [...new Set(written.map((row) => row.id))];
	// An email this page inserted has this integration's copy only, and its visibility already.
	const inserted = new Set(written.filter((row) => row.inserted).map((row) => row.id));
	await refreshEmailVisibility(
		db,
		scope.workspaceId,
		emailIds.filter((id) => !inserted.has(id)),
	);
	return {
		created: Number(counted[0]?.created ?? 0),
		updated: Number(counted[0]?.updated ?? 0),
		emailIds,
	};
}

/** Sets each email's visibility to the most restrictive of the integrations holding a copy. */
export async function refreshEmailVisibility(
	db: Knex,
	workspaceId: string,
	emailIds: string[],
): Promise<void> {
	if (emailIds.length === 0) return;
	await db.raw(VISIBILITY_SQL, bind([workspaceId, emailIds, workspaceId]));
}

/**
 * Tombstones the copies the provider reported deleted (or moved out of what the source covers).
 * With `sourceKey`, only copies that source reported last: a message moved to another synced
 * folder keeps the copy that folder wrote.
 */
export async function tombstoneMailboxCopies(
	db: Knex,
	scope: { workspaceId: string; integrationId: string; sourceKey?: string },
	providerMessageIds: string[],
	at: Date,
): Promise<number> {
	if (providerMessageIds.length === 0) return 0;
	const query = db('mailbox_messages')
		.where({ workspace_id: scope.workspaceId, integration_id: scope.integrationId })
		.whereRaw(
			'provider_message_id = any(?::text[])',
			bind([[...new Set(providerMessageIds.map((id) => pgKey(id)))]]),
		)
		.whereNull('deleted_at');
	if (scope.sourceKey) query.andWhere({ source_key: scope.sourceKey });
	return await query.update({ deleted_at: at, updated_at: db.fn.now() });
}

/**
 * Stores a read state the user set in the mailbox (the provider already holds it), on the live
 * copy of one message. `labels` are the message's labels as the provider now answers them (Gmail
 * keeps the read state as the UNREAD label), so the sync's next look at the message finds nothing
 * to change; omitted, the labels are kept (Outlook's read state is not a label).
 */
export async function setMailboxCopyRead(
	db: Knex,
	scope: { workspaceId: string; integrationId: string },
	providerMessageId: string,
	state: { isRead: boolean; labels?: string[] },
): Promise<number> {
	return await db('mailbox_messages')
		.where({
			workspace_id: scope.workspaceId,
			integration_id: scope.integrationId,
			provider_message_id: pgKey(providerMessageId),
		})
		.whereNull('deleted_at')
		.update({
			is_read: state.isRead,
			...(state.labels ? { labels: JSON.stringify(pgJson(state.labels)) } : {}),
			updated_at: db.fn.now(),
		});
}

/**
 * After a complete listing: the source's live copies the listing did not see, received within the
 * listing's horizon (`receivedSince`; null = the whole source), were deleted meanwhile.
 */
export async function reconcileMailboxListing(
	db: Knex,
	scope: {
		workspaceId: string;
		integrationId: string;
		sourceKey: string;
		listingMark: string;
		receivedSince: Date | null;
	},
	at: Date,
): Promise<number> {
	const query = db('mailbox_messages')
		.where({
			workspace_id: scope.workspaceId,
			integration_id: scope.integrationId,
			source_key: scope.sourceKey,
		})
		.whereNull('deleted_at')
		.andWhereRaw('listing_mark is distinct from ?', [scope.listingMark]);
	if (scope.receivedSince) query.andWhere('received_at', '>=', scope.receivedSince);
	return await query.update({ deleted_at: at, updated_at: db.fn.now() });
}
