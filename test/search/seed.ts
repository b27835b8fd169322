// Rows written straight into the CRM tables, as the sync engine and linking would leave them.
import { randomUUID } from 'node:crypto';

import type { CrmDatabase } from '../../core/store/database';

export const WORKSPACE = '11111111-1111-4111-8111-111111111111';
export const OTHER_WORKSPACE = '22222222-2222-4222-8222-222222222222';

type Visibility = 'metadata' | 'subject' | 'everything';

export async function insertIntegration(
	database: CrmDatabase,
	workspaceId: string,
	accountEmail = `owner-${randomUUID().slice(0, 8)}@acme.example`,
	visibility: Visibility = 'everything',
): Promise<string> {
	const [row] = await database
		.knex('integrations')
		.insert({
			workspace_id: workspaceId,
			provider: 'google',
			account_email: accountEmail,
			visibility,
		})
		.returning('id');
	return row.id as string;
}

export async function insertCompany(
	database: CrmDatabase,
	workspaceId: string,
	domain: string,
	name?: string,
): Promise<string> {
	const [row] = await database
		.knex('companies')
		.insert({ workspace_id: workspaceId, domain, name: name ?? null })
		.returning('id');
	return row.id as string;
}

export async function insertPerson(
	database: CrmDatabase,
	workspaceId: string,
	email: string,
	options: { fullName?: string; companyId?: string } = {},
): Promise<string> {
	const [row] = await database
		.knex('people')
		.insert({
			workspace_id: workspaceId,
			email,
			full_name: options.fullName ?? null,
			company_id: options.companyId ?? null,
		})
		.returning('id');
	return row.id as string;
}

export interface CopyInput {
	integrationId: string;
	labels?: string[];
	/** provider_thread_id of the copy. */
	threadId?: string | null;
	direction?: 'incoming' | 'outgoing';
	isRead?: boolean;
	deletedAt?: Date | null;
}

export interface EmailInput {
	subject?: string | null;
	snippet?: string | null;
	bodyText?: string | null;
	bodyHtml?: string | null;
	fromEmail?: string | null;
	fromName?: string | null;
	to?: Array<{ email: string; name?: string }>;
	sentAt?: Date | string | null;
	visibility?: Visibility;
	copies: CopyInput[];
	participants?: Array<{ role: string; address: string; personId?: string | null }>;
}

export async function insertEmail(
	database: CrmDatabase,
	workspaceId: string,
	input: EmailInput,
): Promise<string> {
	const { knex } = database;
	const [row] = await knex('emails')
		.insert({
			workspace_id: workspaceId,
			internet_message_id: `<${randomUUID()}@mail.example>`,
			subject: input.subject ?? null,
			snippet: input.snippet ?? null,
			body_text: input.bodyText ?? null,
			body_html: input.bodyHtml ?? null,
			from_email: input.fromEmail === undefined ? 'bob@globex.example' : input.fromEmail,
			from_name: input.fromName ?? null,
			to_recipients: JSON.stringify(input.to ?? []),
			sent_at: input.sentAt === undefined ? new Date('2026-11-01T10:00:00Z') : input.sentAt,
			visibility: input.visibility ?? 'everything',
		})
		.returning('id');
	const emailId = row.id as string;
	if (input.copies.length > 0) {
		await knex('mailbox_messages').insert(
			input.copies.map((copy) => ({
				workspace_id: workspaceId,
				email_id: emailId,
				integration_id: copy.integrationId,
				provider_message_id: randomUUID(),
				provider_thread_id: copy.threadId ?? null,
				labels: JSON.stringify(copy.labels ?? ['INBOX']),
				direction: copy.direction ?? 'incoming',
				is_read: copy.isRead ?? false,
				deleted_at: copy.deletedAt ?? null,
			})),
		);
	}
	if (input.participants?.length) {
		await knex('email_participants').insert(
			input.participants.map((participant) => ({
				workspace_id: workspaceId,
				email_id: emailId,
				role: participant.role,
				address: participant.address,
				person_id: participant.personId ?? null,
			})),
		);
	}
	return emailId;
}

export async function insertLink(
	database: CrmDatabase,
	workspaceId: string,
	link: {
		subjectType: 'email' | 'calendar_event';
		subjectId: string;
		recordType: 'person' | 'company';
		recordId: string;
		linkSource?: 'auto' | 'manual' | 'suppressed';
	},
): Promise<void> {
	await database.knex('record_links').insert({
		workspace_id: workspaceId,
		subject_type: link.subjectType,
		subject_id: link.subjectId,
		record_type: link.recordType,
		record_id: link.recordId,
		link_source: link.linkSource ?? 'auto',
	});
}
