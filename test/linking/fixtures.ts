// Test data written straight into the CRM tables, as the sync engine will write it: an email row,
// its mailbox copy (direction, integration) and one participant row per address and role.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

export interface MailInput {
	integrationId: string;
	direction: 'incoming' | 'outgoing';
	from: string;
	to?: string[];
	cc?: string[];
	bcc?: string[];
	isBulk?: boolean;
	names?: Record<string, string>;
}

export class Fixtures {
	constructor(
		readonly knex: Knex,
		readonly workspaceId: string = randomUUID(),
	) {}

	async settings(values: {
		ownDomains?: string[];
		policy?: 'sent_and_received' | 'sent' | 'none';
	}) {
		await this.knex('workspace_settings')
			.insert({
				workspace_id: this.workspaceId,
				own_domains: JSON.stringify(values.ownDomains ?? []),
				contact_creation_policy: values.policy ?? 'sent_and_received',
			})
			.onConflict('workspace_id')
			.merge();
	}

	async integration(accountEmail: string, settings: Record<string, unknown> = {}): Promise<string> {
		const [row] = (await this.knex('integrations')
			.insert({
				workspace_id: this.workspaceId,
				provider: 'google',
				account_email: accountEmail,
				settings: JSON.stringify(settings),
			})
			.returning('id')) as Array<{ id: string }>;
		return row.id;
	}

	async mail(input: MailInput): Promise<string> {
		const to = input.to ?? [];
		const cc = input.cc ?? [];
		const bcc = input.bcc ?? [];
		const [email] = (await this.knex('emails')
			.insert({
				workspace_id: this.workspaceId,
				internet_message_id: `<${randomUUID()}@test.example>`,
				subject: 'Hello',
				from_email: input.from,
				to_recipients: JSON.stringify(to.map((address) => ({ email: address }))),
				cc_recipients: JSON.stringify(cc.map((address) => ({ email: address }))),
				sent_at: new Date(),
				is_bulk: input.isBulk ?? false,
			})
			.returning('id')) as Array<{ id: string }>;
		await this.knex('mailbox_messages').insert({
			workspace_id: this.workspaceId,
			email_id: email.id,
			integration_id: input.integrationId,
			provider_message_id: randomUUID(),
			direction: input.direction,
		});
		const rows = [
			['from', input.from] as const,
			...to.map((address) => ['to', address] as const),
			...cc.map((address) => ['cc', address] as const),
			...bcc.map((address) => ['bcc', address] as const),
		].map(([role, address]) => ({
			workspace_id: this.workspaceId,
			email_id: email.id,
			role,
			address,
			display_name: input.names?.[address] ?? null,
		}));
		await this.knex('email_participants').insert(rows);
		return email.id;
	}

	async event(integrationId: string, attendees: string[]): Promise<string> {
		const [event] = (await this.knex('calendar_events')
			.insert({
				workspace_id: this.workspaceId,
				integration_id: integrationId,
				provider_calendar_id: 'primary',
				provider_event_id: randomUUID(),
				title: 'Meeting',
				starts_at: new Date(),
				ends_at: new Date(Date.now() + 3_600_000),
			})
			.returning('id')) as Array<{ id: string }>;
		if (attendees.length > 0)
			await this.knex('calendar_event_attendees').insert(
				attendees.map((address) => ({
					workspace_id: this.workspaceId,
					event_id: event.id,
					address,
				})),
			);
		return event.id;
	}

	async person(email: string, values: Record<string, unknown> = {}): Promise<string> {
		const [row] = (await this.knex('people')
			.insert({ workspace_id: this.workspaceId, email, ...values })
			.returning('id')) as Array<{ id: string }>;
		return row.id;
	}

	async company(domain: string, values: Record<string, unknown> = {}): Promise<string> {
		const [row] = (await this.knex('companies')
			.insert({ workspace_id: this.workspaceId, domain, ...values })
			.returning('id')) as Array<{ id: string }>;
		return row.id;
	}

	async peopleEmails(): Promise<string[]> {
		return (await this.knex('people')
			.where({ workspace_id: this.workspaceId })
			.orderBy('email')
			.pluck('email')) as string[];
	}

	async companyDomains(): Promise<string[]> {
		return (await this.knex('companies')
			.where({ workspace_id: this.workspaceId })
			.orderBy('domain')
			.pluck('domain')) as string[];
	}

	async personId(email: string): Promise<string | undefined> {
		const row = (await this.knex('people')
			.where({ workspace_id: this.workspaceId })
			.whereRaw('lower(email) = ?', [email])
			.first('id')) as { id: string } | undefined;
		return row?.id;
	}

	/** Live links as "subjectType:subjectId>recordType:recordId(source)" lines. */
	async links(): Promise<string[]> {
		const rows = (await this.knex('record_links')
			.where({ workspace_id: this.workspaceId })
			.orderBy(['subject_type', 'subject_id', 'record_type', 'record_id'])) as Array<{
			subject_type: string;
			subject_id: string;
			record_type: string;
			record_id: string;
			link_source: string;
		}>;
		return rows.map(
			(row) =>
				`${row.subject_type}:${row.subject_id}>${row.record_type}:${row.record_id}(${row.link_source})`,
		);
	}

	async linkedRecords(
		subjectId: string,
	): Promise<Array<{ type: string; id: string; source: string }>> {
		const rows = (await this.knex('record_links')
			.where({ workspace_id: this.workspaceId, subject_id: subjectId })
			.orderBy(['record_type', 'record_id'])) as Array<{
			record_type: string;
			record_id: string;
			link_source: string;
		}>;
		return rows.map((row) => ({
			type: row.record_type,
			id: row.record_id,
			source: row.link_source,
		}));
	}
}
