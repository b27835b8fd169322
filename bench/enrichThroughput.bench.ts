// Enrichment throughput: one workspace with 10,000 incoming emails whose bodies the emulator's
// generator renders (business mail, replies and personal mail with their signatures, in five
// locales, text and HTML) from the generator's first 1,250 senders, each a person of the
// workspace. Times enrichIntegration end to end, offline (goal: 10,000 emails in under 10 s), then a second,
// incremental run that finds nothing new.
// Runs under `npm run bench enrichThroughput`. ENRICH_BENCH_EMAILS sets the number of emails.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

import { enrichEmailOffline } from '../core/enrich';
import { enrichIntegration } from '../core/enrich/enrichWorkspace';
import { closeDatabase, openDatabase } from '../core/store/database';
import { migrateToLatest } from '../core/store/migrations';
import { createMailbox } from '../test/emulator/generator';
import type { Bench } from './run';

const EMAILS = Number(process.env.ENRICH_BENCH_EMAILS ?? 10_000);
/** Senders: mail from others than the first PEOPLE senders is left out. */
const PEOPLE = Math.max(1, Math.round(EMAILS / 8));
const OWNER = { email: 'ana@acme.example', name: 'Ana Lima' };
/** Mail of these kinds comes from someone else and is not bulk. */
const INCOMING_KINDS = new Set(['business', 'reply', 'personal']);
const INSERT_CHUNK = 1_000;

function seconds(since: bigint): number {
	return Number(process.hrtime.bigint() - since) / 1e9;
}

const bind = (values: unknown[]) => values as unknown as Knex.RawBinding[];

const bench: Bench = {
	name: 'enrichThroughput',
	async run({ databaseUrl, report }) {
		const schema = `bench_${randomBytes(4).toString('hex')}`;
		const database = openDatabase({ url: databaseUrl, schema, poolMax: 4 });
		const workspaceId = randomUUID();
		try {
			await migrateToLatest(database);
			const { knex } = database;
			let started = process.hrtime.bigint();
			await knex('workspace_settings').insert({
				workspace_id: workspaceId,
				own_domains: JSON.stringify(['acme.example']),
				contact_creation_policy: 'sent_and_received',
			});
			const [integration] = (await knex('integrations')
				.insert({ workspace_id: workspaceId, provider: 'google', account_email: OWNER.email })
				.returning('id')) as Array<{ id: string }>;

			// The generator's messages, oldest first, until EMAILS incoming ones.
			const mailbox = createMailbox({ seed: 'enrich-bench', count: EMAILS * 10, owner: OWNER });
			const mail: Array<{
				messageId: string;
				subject: string;
				from: string;
				fromName: string | null;
				text: string | null;
				html: string | null;
				sentAt: string;
				signed: boolean;
			}> = [];
			const senders = new Map<string, string | null>();
			for (const message of mailbox.messages()) {
				if (!INCOMING_KINDS.has(message.kind) || message.from.email === OWNER.email) continue;
				const sender = message.from.email.toLowerCase();
				if (!senders.has(sender) && senders.size >= PEOPLE) continue;
				mail.push({
					messageId: message.messageIdHeader,
					subject: message.subject,
					from: sender,
					fromName: message.from.name ?? null,
					text: message.text ?? null,
					html: message.html ?? null,
					sentAt: new Date(message.internalDate).toISOString(),
					signed: Boolean(message.signature),
				});
				if (!senders.has(sender)) senders.set(sender, message.from.name ?? null);
				if (mail.length >= EMAILS) break;
			}
			await knex.raw(
				`insert into people (workspace_id, email, full_name, source)
				 select ?::uuid, email, name, 'sync' from unnest(?::text[], ?::text[]) as t(email, name)`,
				bind([workspaceId, [...senders.keys()], [...senders.values()]]),
			);
			for (let start = 0; start < mail.length; start += INSERT_CHUNK) {
				const chunk = mail.slice(start, start + INSERT_CHUNK);
				const column = <T>(pick: (row: (typeof mail)[number]) => T) => chunk.map(pick);
				await knex.raw(
					`with inserted as (
					   insert into emails (workspace_id, internet_message_id, subject, snippet, from_email,
					     from_name, to_recipients, body_text, body_html, sent_at)
					   select :workspaceId::uuid, message_id, subject, left(coalesce(text, ''), 200), from_email,
					     from_name, :to::jsonb, text, html, sent_at
					     from unnest(:messageIds::text[], :subjects::text[], :froms::text[], :names::text[],
					       :texts::text[], :htmls::text[], :sentAt::timestamptz[])
					       as t(message_id, subject, from_email, from_name, text, html, sent_at)
					   returning id, from_email
					 ),
					 copies as (
					   insert into mailbox_messages (workspace_id, email_id, integration_id,
					     provider_message_id, direction, labels)
					   select :workspaceId::uuid, id, :integrationId::uuid, id::text, 'incoming', '["INBOX"]'
					     from inserted
					 )
					 insert into email_participants (workspace_id, email_id, role, address)
					 select :workspaceId::uuid, id, 'from', from_email from inserted
					 union all
					 select :workspaceId::uuid, id, 'to', :owner from inserted`,
					{
						workspaceId,
						integrationId: integration.id,
						owner: OWNER.email,
						to: JSON.stringify([{ email: OWNER.email, name: OWNER.name }]),
						messageIds: column((row) => row.messageId),
						subjects: column((row) => row.subject),
						froms: column((row) => row.from),
						names: column((row) => row.fromName),
						texts: column((row) => row.text),
						htmls: column((row) => row.html),
						sentAt: column((row) => row.sentAt),
					} as unknown as Record<string, Knex.RawBinding>,
				);
			}
			await knex.raw('analyze');
			const signed = mail.filter((row) => row.signed).length;
			report(
				'seed the workspace',
				seconds(started),
				's',
				`${mail.length} incoming emails (${signed} signed) from ${senders.size} people`,
			);

			// The extractor alone on the same emails, in this process: what of the run is not the database.
			started = process.hrtime.bigint();
			for (const row of mail)
				enrichEmailOffline({
					fromEmail: row.from,
					fromName: row.fromName,
					subject: row.subject,
					text: row.text,
					html: row.html,
				});
			report('offline extraction alone (no database)', seconds(started), 's');

			const deps = { database };
			const cpu = process.cpuUsage();
			started = process.hrtime.bigint();
			const first = await enrichIntegration(deps, {
				workspaceId,
				integrationId: integration.id,
			});
			const firstSeconds = seconds(started);
			report(
				`enrich ${mail.length} emails (offline, first run)`,
				firstSeconds,
				's',
				`goal < 10 s; ${first.counts.signaturesFound} signatures, ${first.counts.valuesFound} values, ${first.counts.peopleUpdated} people and ${first.counts.companiesUpdated} companies updated, ${first.counts.classified} classified`,
			);
			const used = process.cpuUsage(cpu);
			report('enrichment throughput', mail.length / firstSeconds, 'emails/s');
			report(
				'CPU of this process during the first run',
				(used.user + used.system) / 1e6,
				's',
				'the rest of the wall time is PostgreSQL, or waiting for a core',
			);

			started = process.hrtime.bigint();
			const second = await enrichIntegration(deps, {
				workspaceId,
				integrationId: integration.id,
			});
			report(
				'enrich again (incremental: nothing new)',
				seconds(started) * 1000,
				'ms',
				`${second.counts.emailsScanned} emails read`,
			);
			const results = (await knex('enrichment_results')
				.where({ workspace_id: workspaceId })
				.count({ count: '*' })) as Array<{ count: string }>;
			report('enrichment results stored', Number(results[0].count), 'rows');
		} finally {
			await database.knex.raw('drop schema if exists ?? cascade', [schema]);
			await closeDatabase(database);
		}
	},
};

export default bench;
