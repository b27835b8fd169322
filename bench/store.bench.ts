// The PostgreSQL layer: migrating a fresh schema, idempotent batched upserts of emails, and keyset
// pagination over them — the access patterns every sync and widget query builds on.
import { randomBytes } from 'node:crypto';

import { closeDatabase, openDatabase } from '../core/store/database';
import { migrateToLatest } from '../core/store/migrations';
import type { Bench } from './run';

const WORKSPACE = '11111111-1111-4111-8111-111111111111';
const ROWS = 10_000;
const BATCH = 500;

function seconds(since: bigint): number {
	return Number(process.hrtime.bigint() - since) / 1e9;
}

const bench: Bench = {
	name: 'store',
	async run({ databaseUrl, report }) {
		const schema = `bench_${randomBytes(4).toString('hex')}`;
		const database = openDatabase({ url: databaseUrl, schema });
		try {
			let started = process.hrtime.bigint();
			await migrateToLatest(database);
			report('migrate fresh schema', seconds(started) * 1000, 'ms');

			const rows = Array.from({ length: ROWS }, (_, i) => ({
				workspace_id: WORKSPACE,
				internet_message_id: `<bench-${i}@example.com>`,
				subject: `Message ${i}`,
				snippet: 'Lorem ipsum dolor sit amet '.repeat(4),
				from_email: `sender${i % 300}@example.com`,
				to_recipients: JSON.stringify([{ email: 'owner@example.com' }]),
				body_text: 'Body '.repeat(200),
				sent_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
			}));
			const upsertAll = async () => {
				for (let i = 0; i < rows.length; i += BATCH) {
					await database
						.knex('emails')
						.insert(rows.slice(i, i + BATCH))
						.onConflict(['workspace_id', 'internet_message_id'])
						.merge(['subject', 'snippet', 'body_text', 'updated_at']);
				}
			};
			started = process.hrtime.bigint();
			await upsertAll();
			const insertSeconds = seconds(started);
			report(
				`upsert ${ROWS} new emails (batches of ${BATCH})`,
				ROWS / insertSeconds,
				'rows/s',
				`${(insertSeconds * 1000).toFixed(0)} ms`,
			);
			started = process.hrtime.bigint();
			await upsertAll();
			const againSeconds = seconds(started);
			report(
				`upsert the same ${ROWS} again (idempotent)`,
				ROWS / againSeconds,
				'rows/s',
				`${(againSeconds * 1000).toFixed(0)} ms`,
			);

			started = process.hrtime.bigint();
			let pages = 0;
			let cursor: { sent_at: Date; id: string } | undefined;
			for (;;) {
				const query = database
					.knex('emails')
					.select('id', 'sent_at', 'subject')
					.where({ workspace_id: WORKSPACE })
					.orderBy([
						{ column: 'sent_at', order: 'desc' },
						{ column: 'id', order: 'desc' },
					])
					.limit(50);
				if (cursor) query.whereRaw('(sent_at, id) < (?, ?)', [cursor.sent_at, cursor.id]);
				const page = await query;
				if (page.length === 0) break;
				pages++;
				cursor = page[page.length - 1];
			}
			const pageSeconds = seconds(started);
			report(
				'keyset pages of 50 (newest first)',
				(pageSeconds * 1000) / pages,
				'ms/page',
				`${pages} pages`,
			);
		} finally {
			await database.knex.raw('drop schema if exists ?? cascade', [schema]);
			await closeDatabase(database);
		}
	},
};

export default bench;
