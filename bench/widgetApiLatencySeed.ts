// Email rows for the widget API's latency measurements (bench/widgetApiLatency.bench.ts and the
// real-n8n e2e): generated inside PostgreSQL with generate_series, in batches, as the sync engine
// would leave them (an email row plus its copy in one mailbox of the integration), newest one
// minute apart, so a million rows take a minute rather than an hour of client inserts.
import type { Client } from 'pg';

export interface EmailSeed {
	schema: string;
	workspaceId: string;
	integrationId: string;
	count: number;
	/** Rows per INSERT (default 100,000). */
	batch?: number;
	/** Prefix of the Message-IDs, so two seeds in one workspace do not collide. */
	prefix?: string;
	/** Skip triggers and foreign-key checks while inserting (superuser only; much faster). */
	fast?: boolean;
}

const identifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Inserts `count` emails and their mailbox copies; returns how long it took (ms). */
export async function seedEmails(client: Client, seed: EmailSeed): Promise<number> {
	const started = Date.now();
	const schema = identifier(seed.schema);
	const batch = seed.batch ?? 100_000;
	const prefix = seed.prefix ?? 'seed';
	// Fast: the GIN indexes (word search, labels) are dropped for the load and built again after,
	// from their own definitions, which is several times quicker than maintaining them row by row.
	let ginIndexes: string[] = [];
	if (seed.fast) {
		await client.query('set session_replication_role = replica');
		ginIndexes = (
			await client.query<{ name: string; definition: string }>(
				`select indexname as name, indexdef as definition from pg_indexes
				 where schemaname = $1 and tablename in ('emails', 'mailbox_messages')
				 and indexdef ilike '%using gin%'`,
				[seed.schema],
			)
		).rows.map((row) => {
			return row.definition;
		});
		for (const definition of ginIndexes) {
			const name = /index\s+(\S+)\s+on/i.exec(definition)?.[1];
			if (name) await client.query(`drop index ${schema}.${name}`);
		}
	}
	try {
		for (let from = 1; from <= seed.count; from += batch) {
			const to = Math.min(seed.count, from + batch - 1);
			await client.query(
				`with inserted as (
					insert into ${schema}.emails
						(workspace_id, internet_message_id, subject, snippet, from_email, from_name,
						 to_recipients, body_text, sent_at, visibility)
					select $1::uuid, '<' || $3 || '-' || g || '@bench.example>',
						'Quarterly update ' || g, 'Hello, here is the update number ' || g,
						'sender' || (g % 997) || '@customer' || (g % 89) || '.example',
						'Sender ' || (g % 997),
						jsonb_build_array(jsonb_build_object('name', 'Me', 'email', 'me@crm.example')),
						'Hello, here is the update number ' || g || '. Regards',
						now() - make_interval(mins => g), 'everything'
					from generate_series($4::int, $5::int) as g
					returning id, internet_message_id
				)
				insert into ${schema}.mailbox_messages
					(workspace_id, email_id, integration_id, provider_message_id, provider_thread_id,
					 labels, is_read, direction)
				select $1::uuid, id, $2::uuid, 'm-' || md5(internet_message_id),
					't-' || md5(internet_message_id), '["INBOX"]'::jsonb, false, 'incoming'
				from inserted`,
				[seed.workspaceId, seed.integrationId, prefix, from, to],
			);
		}
	} finally {
		if (seed.fast) {
			await client.query('set session_replication_role = origin');
			for (const definition of ginIndexes) await client.query(definition);
		}
	}
	// As autovacuum leaves a table soon after a load: statistics, and a visibility map that lets
	// the keyset probes be index-only scans (without it each probe fetches every heap row it passes).
	await client.query(`vacuum (analyze) ${schema}.emails`);
	await client.query(`vacuum (analyze) ${schema}.mailbox_messages`);
	return Date.now() - started;
}

/** p50 / p95 / max of a list of milliseconds. */
export function percentiles(times: number[]): { p50: number; p95: number; max: number } {
	const sorted = [...times].sort((a, b) => a - b);
	const at = (share: number) =>
		sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
	return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]! };
}
