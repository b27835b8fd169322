// Email search on 1,000,000 emails of one workspace (plus 100,000 in two others): a page of 20
// for common and rare words, with and without filters, p50 / p95 of repeated searches through
// searchEmails (the whole call: language probe, page, mailbox copies and links). Goal: < 50 ms.
// The data is made by generate_series in PostgreSQL with Zipf-like word frequencies (a word's
// rank k is drawn with probability about 1/k), senders likewise, and mailbox copies, participants
// and links as sync and linking leave them. Size: SEARCH_BENCH_EMAILS (default 1,000,000).
import { randomBytes } from 'node:crypto';

import { closeDatabase, openDatabase, type CrmDatabase } from '../core/store/database';
import { searchEmails, type SearchEmailsOptions } from '../core/store/emailSearch';
import { migrateToLatest } from '../core/store/migrations';
import type { Bench, BenchContext } from './run';

const EMAILS = Number(process.env.SEARCH_BENCH_EMAILS ?? 1_000_000);
const OTHER_EMAILS = Math.round(EMAILS / 20);
const PEOPLE = 20_000;
const COMPANIES = 2_000;
const REPEATS = Number(process.env.SEARCH_BENCH_REPEATS ?? 40);
const SENTENCES = 20_000;
const SUBJECTS = 5_000;
const WORKSPACE = '11111111-1111-4111-8111-111111111111';
const OTHERS = ['22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];

// Business English, most frequent first; the rank decides how common a word is.
const WORDS = `the to and of a in for is on that you with this be we it at are as have will from
	your our can please by not if or all an me meeting thanks would about us so do any time next
	week call team project update today new there more know let get need one also just report
	review proposal contract invoice payment price quote order delivery schedule tomorrow monday
	friday office client customer account budget plan sales marketing product launch feedback
	agenda notes draft attached document file presentation deadline approval request support issue
	question answer follow discussion conference quarter revenue forecast pipeline partner vendor
	supplier shipment warehouse inventory logistics travel hotel flight lunch dinner coffee
	interview candidate hiring onboarding training workshop webinar newsletter announcement policy
	compliance security audit legal agreement signature renewal subscription license pricing
	discount campaign analytics dashboard metrics performance target goal strategy roadmap
	milestone release feature bug fix deployment server database migration integration
	api backup outage incident maintenance upgrade hardware laptop printer network password
	reset access permission holiday vacation birthday celebration congratulations welcome
	reminder confirmation cancellation reschedule availability calendar invitation summary
	minutes recording transcript slides spreadsheet estimate scope requirements specification
	design mockup prototype testing quality research survey results insights trends competitor
	acquisition merger investor board shareholder dividend tax accounting payroll expense
	reimbursement receipt refund credit debit bank transfer wire statement balance`
	.split(/\s+/)
	.filter(Boolean);
const SYNTHETIC_WORDS = 5000; // ranked after the words above: "term1", "term2", …
const FIRST_NAMES =
	'Ana Bob Carol Dave Eve Frank Grace Heidi Ivan Judy Mallory Niaj Olivia Peggy Rupert Sybil Trent Victor Walter Yolanda'.split(
		' ',
	);
const LAST_NAMES =
	'Smith Jones Garcia Miller Davis Lopez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Young'.split(
		' ',
	);

const literalArray = (values: string[]) =>
	`array[${values.map((value) => `'${value}'`).join(',')}]`;

function seconds(since: bigint): number {
	return Number(process.hrtime.bigint() - since) / 1e9;
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function fill(database: CrmDatabase, report: BenchContext['report']) {
	const { knex } = database;
	const vocabulary = `${literalArray(WORDS)} || array(select 'term' || i from generate_series(1, ${SYNTHETIC_WORDS}) as i)`;
	// A word of rank k (1-based) with probability ~ 1/k: exp(random * ln(n)).
	const word = `v.words[least(v.n, floor(exp(random() * ln(v.n)))::int)]`;
	await knex.raw(`set maintenance_work_mem = '512MB'`);

	let started = process.hrtime.bigint();
	await knex.raw(
		`insert into workspace_settings (workspace_id, search_language) values (?, 'english'), (?, 'english'), (?, 'german')`,
		[WORKSPACE, ...OTHERS],
	);
	await knex.raw(
		`insert into integrations (workspace_id, provider, account_email)
		 select ?::uuid, 'google', 'mailbox' || i || '@acme.example' from generate_series(1, 3) as i
		 union all select w::uuid, 'google', 'owner@other.example' from unnest(?::text[]) as w`,
		[WORKSPACE, OTHERS],
	);
	await knex.raw(
		`insert into companies (workspace_id, domain, name)
		 select ?, 'company' || i || '.example', 'Company ' || i from generate_series(1, ${COMPANIES}) as i`,
		[WORKSPACE],
	);
	await knex.raw(
		`insert into people (workspace_id, email, full_name, company_id)
		 select ?, 'person' || i || '@company' || (i % ${COMPANIES} + 1) || '.example',
		        (${literalArray(FIRST_NAMES)})[i % 20 + 1] || ' ' || (${literalArray(LAST_NAMES)})[(i / 20) % 20 + 1],
		        c.id
		 from generate_series(1, ${PEOPLE}) as i
		 join companies as c on c.workspace_id = ? and c.domain = 'company' || (i % ${COMPANIES} + 1) || '.example'`,
		[WORKSPACE, WORKSPACE],
	);

	// GIN and btree indexes are built once after the load (far faster than row by row); their
	// definitions are read back from the catalog so the bench builds exactly the migration's.
	const indexes = await knex.raw<{ rows: Array<{ name: string; definition: string }> }>(
		`select indexname as name, indexdef as definition from pg_indexes
		 where schemaname = current_schema() and tablename in ('emails', 'mailbox_messages', 'email_participants', 'record_links')
		   and indexname not like '%pkey' and indexname not like '%unique'`,
	);
	for (const index of indexes.rows) await knex.raw('drop index ??', [index.name]);

	const workspaces = [
		{ id: WORKSPACE, count: EMAILS },
		{ id: OTHERS[0], count: OTHER_EMAILS },
		{ id: OTHERS[1], count: OTHER_EMAILS },
	];
	// Bodies are 3 to 7 sentences and subjects one phrase, picked by a hash of the email's number
	// from tables of Zipf-distributed sentences (drawing every word per email is ten times slower).
	await knex.raw('create table bench_sentences (id int primary key, text text not null)');
	await knex.raw(
		`with v as (select ${vocabulary} as words, ${WORDS.length + SYNTHETIC_WORDS} as n)
		 insert into bench_sentences
		 select s, array_to_string(array(select ${word} from v, generate_series(1, 6 + s % 9)), ' ')
		 from generate_series(1, ${SENTENCES}) as s`,
	);
	await knex.raw('create table bench_subjects (id int primary key, text text not null)');
	await knex.raw(
		`with v as (select ${vocabulary} as words, ${WORDS.length + SYNTHETIC_WORDS} as n)
		 insert into bench_subjects
		 select s, initcap(array_to_string(array(select ${word} from v, generate_series(1, 2 + s % 5)), ' '))
		 from generate_series(1, ${SUBJECTS}) as s`,
	);
	const pick = (table: string, count: number, salt: string) =>
		`(select text from ${table} where id = 1 + ((hashint4(${salt}) & 2147483647) % ${count}))`;
	const batch = 100_000;
	for (const workspace of workspaces) {
		for (let offset = 0; offset < workspace.count; offset += batch) {
			const size = Math.min(batch, workspace.count - offset);
			// A sender of rank k with probability ~ 1/k; one in five emails is outgoing (from the owner);
			// one in 10,000 mentions "zanzibar"; dates spread over three years, newest last.
			await knex.raw(
				`with g as (select i, least(${PEOPLE}, floor(exp(random() * ln(${PEOPLE}))))::int as sender
				            from generate_series(?::int, ?::int) as i)
				 insert into emails (workspace_id, internet_message_id, subject, snippet, from_email, from_name,
				                     to_recipients, body_text, sent_at, visibility)
				 select ?::uuid, '<bench-' || g.i || '@mail.example>',
				        ${pick('bench_subjects', SUBJECTS, 'g.i')},
				        null,
				        case when g.i % 5 = 0 then 'mailbox1@acme.example'
				             else 'person' || g.sender || '@company' || (g.sender % ${COMPANIES} + 1) || '.example' end,
				        case when g.i % 5 = 0 then 'Ana Owner'
				             else (${literalArray(FIRST_NAMES)})[g.sender % 20 + 1] || ' ' || (${literalArray(LAST_NAMES)})[(g.sender / 20) % 20 + 1] end,
				        '[]'::jsonb,
				        (select string_agg(${pick('bench_sentences', SENTENCES, 'g.i * 8 + k')}, '. ')
				         from generate_series(1, 3 + g.i % 5) as k)
				          || case when g.i % 10000 = 7 then ' zanzibar' else '' end,
				        timestamptz '2024-01-01' + (g.i::float8 / ?) * interval '1095 days',
				        case when g.i % 100 = 0 then 'metadata' else 'everything' end
				 from g`,
				[offset + 1, offset + size, workspace.id, workspace.count],
			);
		}
	}
	report('fill emails', seconds(started), 's', `${EMAILS + 2 * OTHER_EMAILS} emails`);

	started = process.hrtime.bigint();
	// One mailbox copy each (outgoing in SENT), a participant matched to its person, and the
	// links linking would make (person and company).
	await knex.raw(
		`insert into mailbox_messages (workspace_id, email_id, integration_id, provider_message_id, labels, is_read, direction)
		 select e.workspace_id, e.id, i.id, e.internet_message_id,
		        case when e.from_email like 'mailbox%' then '["SENT"]'::jsonb
		             when hashtext(e.internet_message_id) % 7 = 0 then '["INBOX","IMPORTANT"]'::jsonb
		             else '["INBOX"]'::jsonb end,
		        hashtext(e.internet_message_id) % 3 <> 0,
		        case when e.from_email like 'mailbox%' then 'outgoing' else 'incoming' end
		 from emails as e
		 join lateral (select id from integrations where workspace_id = e.workspace_id order by account_email limit 1) as i on true`,
	);
	await knex.raw(
		`insert into email_participants (workspace_id, email_id, role, address, person_id)
		 select e.workspace_id, e.id, 'from', e.from_email, p.id
		 from emails as e left join people as p on p.workspace_id = e.workspace_id and p.email = e.from_email`,
	);
	await knex.raw(
		`insert into record_links (workspace_id, subject_type, subject_id, record_type, record_id, link_source)
		 select ep.workspace_id, 'email', ep.email_id, 'person', ep.person_id, 'auto'
		 from email_participants as ep where ep.person_id is not null
		 union all
		 select ep.workspace_id, 'email', ep.email_id, 'company', p.company_id, 'auto'
		 from email_participants as ep join people as p on p.id = ep.person_id where p.company_id is not null`,
	);
	report('fill copies, participants, links', seconds(started), 's');

	started = process.hrtime.bigint();
	for (const index of indexes.rows) await knex.raw(index.definition);
	report('build indexes', seconds(started), 's', `${indexes.rows.length} indexes`);
	started = process.hrtime.bigint();
	await knex.raw(
		'vacuum analyze emails, mailbox_messages, email_participants, record_links, people, companies',
	);
	report('vacuum analyze', seconds(started), 's');
}

const bench: Bench = {
	name: 'search',
	async run({ databaseUrl, report }) {
		// SEARCH_BENCH_SCHEMA keeps the filled schema for another run (to study plans); by default
		// a fresh schema is filled and dropped.
		const kept = process.env.SEARCH_BENCH_SCHEMA;
		const schema = kept ?? `bench_${randomBytes(4).toString('hex')}`;
		const database = openDatabase({ url: databaseUrl, schema, poolMax: 2 });
		try {
			await migrateToLatest(database);
			const filled = await database.knex('emails').first('id');
			if (!filled) await fill(database, report);
			const { knex } = database;
			const size = await knex.raw<{ rows: Array<{ bytes: string }> }>(
				`select pg_total_relation_size('emails')::text as bytes`,
			);
			report('emails table with indexes', Number(size.rows[0].bytes) / 1024 / 1024, 'MB');

			const busy = await knex.raw<{
				rows: Array<{ person_id: string; company_id: string; emails: string }>;
			}>(
				`select p.id as person_id, p.company_id, count(*)::text as emails from email_participants as ep
				 join people as p on p.id = ep.person_id where ep.workspace_id = ?
				 group by p.id order by count(*) desc limit 1`,
				[WORKSPACE],
			);
			const quiet = await knex.raw<{ rows: Array<{ person_id: string }> }>(
				`select p.id as person_id from people as p where p.workspace_id = ? and
				   (select count(*) from email_participants as ep where ep.workspace_id = p.workspace_id and ep.person_id = p.id) between 20 and 60 limit 1`,
				[WORKSPACE],
			);
			const frequency = async (word: string) => {
				const result = await knex.raw<{ rows: Array<{ count: string }> }>(
					`select count(*)::text as count from emails where workspace_id = ?
					 and (search_vector @@ websearch_to_tsquery('simple', ?) or search_vector_language @@ websearch_to_tsquery('english', ?))`,
					[WORKSPACE, word, word],
				);
				return Number(result.rows[0].count);
			};

			const scenarios: Array<{ name: string; options: SearchEmailsOptions; pages?: number }> = [
				{ name: 'common word "meeting"', options: { query: 'meeting' } },
				{ name: 'common word, 3rd page', options: { query: 'meeting' }, pages: 3 },
				{ name: 'mid word "invoice"', options: { query: 'invoice' } },
				{ name: 'uncommon word "term300"', options: { query: 'term300' } },
				{ name: 'rare word "zanzibar"', options: { query: 'zanzibar' } },
				{ name: 'no match "qwertyuiop"', options: { query: 'qwertyuiop' } },
				{ name: 'two words "contract renewal"', options: { query: 'contract renewal' } },
				{ name: 'phrase "budget approval"', options: { query: '"budget approval"' } },
				{ name: 'stemmed "meetings scheduled"', options: { query: 'meetings scheduled' } },
				{ name: 'sender name "Olivia Lee"', options: { query: 'Olivia Lee' } },
				{ name: 'common word + label SENT', options: { query: 'meeting', label: 'SENT' } },
				{
					name: 'common word + label IMPORTANT, last 30 days',
					options: { query: 'meeting', label: 'IMPORTANT', from: '2026-12-01' },
				},
				{
					name: 'mid word + busy person',
					options: { query: 'invoice', personId: busy.rows[0].person_id },
				},
				{
					name: 'common word + quiet person',
					options: {
						query: 'meeting',
						personId: quiet.rows[0]?.person_id ?? busy.rows[0].person_id,
					},
				},
				{
					name: 'common word + company',
					options: { query: 'meeting', companyId: busy.rows[0].company_id },
				},
				{ name: 'rare word + outgoing', options: { query: 'zanzibar', direction: 'outgoing' } },
				{ name: 'no words, newest page', options: {} },
				{ name: 'no words, busy person', options: { personId: busy.rows[0].person_id } },
				{ name: 'no words, 2025 only', options: { from: '2025-01-01', to: '2025-12-31' } },
			];
			for (const word of ['meeting', 'invoice', 'term300', 'zanzibar', 'olivia']) {
				report(`emails matching "${word}"`, await frequency(word), 'emails');
			}
			report('emails of the busy person', Number(busy.rows[0].emails), 'emails');

			for (const scenario of scenarios) {
				const timings: number[] = [];
				let rows = 0;
				for (let i = 0; i < REPEATS + 3; i++) {
					let cursor: string | null = null;
					let page: Awaited<ReturnType<typeof searchEmails>> | undefined;
					// Earlier pages of a deeper page are fetched untimed, as a reader got them before.
					for (let p = 1; p < (scenario.pages ?? 1); p++) {
						page = await searchEmails(database, WORKSPACE, {
							...scenario.options,
							limit: 20,
							cursor,
						});
						cursor = page.nextCursor;
					}
					const started = process.hrtime.bigint();
					page = await searchEmails(database, WORKSPACE, {
						...scenario.options,
						limit: 20,
						cursor,
					});
					const ms = seconds(started) * 1000;
					rows = page.items.length;
					if (i >= 3) timings.push(ms); // the first runs warm the cache
				}
				timings.sort((a, b) => a - b);
				report(
					`search page of 20: ${scenario.name}`,
					percentile(timings, 50),
					'ms p50',
					`p95 ${percentile(timings, 95).toFixed(1)} ms, ${rows} rows, ${REPEATS} runs`,
				);
			}
		} finally {
			if (!kept) await database.knex.raw('drop schema if exists ?? cascade', [schema]);
			await closeDatabase(database);
		}
	},
};

export default bench;
