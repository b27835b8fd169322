// Rows for the enrichment engine's tests, written straight into the CRM tables as the sync engine
// and linking leave them: a workspace, its integrations, people, and mail with its mailbox copy and
// participants.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

export interface SeedMail {
	integrationId: string;
	from: string | null;
	fromName?: string | null;
	to?: string[];
	subject?: string | null;
	snippet?: string | null;
	text?: string | null;
	html?: string | null;
	sentAt?: Date | null;
	direction?: 'incoming' | 'outgoing';
	isBulk?: boolean;
	visibility?: 'metadata' | 'subject' | 'everything';
	inReplyTo?: string | null;
	messageId?: string;
	labels?: string[];
}

export class EngineSeed {
	constructor(
		readonly knex: Knex,
		readonly workspaceId: string = randomUUID(),
	) {}

	async settings(ownDomains: string[]) {
		await this.knex('workspace_settings')
			.insert({
				workspace_id: this.workspaceId,
				own_domains: JSON.stringify(ownDomains),
				contact_creation_policy: 'sent_and_received',
			})
			.onConflict('workspace_id')
			.merge();
	}

	async integration(
		accountEmail: string,
		settings: Record<string, unknown> = {},
		visibility: 'metadata' | 'subject' | 'everything' = 'everything',
	): Promise<string> {
		const [row] = (await this.knex('integrations')
			.insert({
				workspace_id: this.workspaceId,
				provider: 'google',
				account_email: accountEmail,
				settings: JSON.stringify(settings),
				visibility,
			})
			.returning('id')) as Array<{ id: string }>;
		return row.id;
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

	async mail(input: SeedMail): Promise<string> {
		const messageId = input.messageId ?? `<${randomUUID()}@mail.example>`;
		const [email] = (await this.knex('emails')
			.insert({
				workspace_id: this.workspaceId,
				internet_message_id: messageId,
				in_reply_to: input.inReplyTo ?? null,
				subject: input.subject === undefined ? 'Hello' : input.subject,
				snippet: input.snippet ?? (input.text ?? '').slice(0, 120),
				from_email: input.from,
				from_name: input.fromName ?? null,
				to_recipients: JSON.stringify((input.to ?? []).map((address) => ({ email: address }))),
				body_text: input.text ?? null,
				body_html: input.html ?? null,
				sent_at: input.sentAt === undefined ? new Date('2026-11-01T10:00:00Z') : input.sentAt,
				is_bulk: input.isBulk ?? false,
				visibility: input.visibility ?? 'everything',
			})
			.returning('id')) as Array<{ id: string }>;
		await this.knex('mailbox_messages').insert({
			workspace_id: this.workspaceId,
			email_id: email.id,
			integration_id: input.integrationId,
			provider_message_id: randomUUID(),
			direction: input.direction ?? 'incoming',
			labels: JSON.stringify(input.labels ?? ['INBOX']),
		});
		const participants = [
			...(input.from ? [['from', input.from]] : []),
			...(input.to ?? []).map((address) => ['to', address]),
		].map(([role, address]) => ({
			workspace_id: this.workspaceId,
			email_id: email.id,
			role,
			address,
		}));
		if (participants.length > 0) await this.knex('email_participants').insert(participants);
		return email.id;
	}

	/** Every row of the tables enrichment may write, for comparing two states. */
	async snapshot(): Promise<Record<string, unknown[]>> {
		const tables = ['people', 'companies', 'enrichment_results', 'mailbox_messages'];
		const result: Record<string, unknown[]> = {};
		for (const table of tables)
			result[table] = await this.knex(table)
				.where({ workspace_id: this.workspaceId })
				.orderBy('id')
				.select('*');
		result.emails = await this.knex('emails')
			.where({ workspace_id: this.workspaceId })
			.orderBy('id')
			.select('id', 'updated_at', 'visibility');
		return result;
	}
}

/** A plain-text email body: the sender's text, then a signature. */
export function body(text: string, signature: string[]): string {
	return `${text}\n\nBest regards,\n${signature.join('\n')}\n`;
}
