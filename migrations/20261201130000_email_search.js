'use strict';
// Email search: two generated tsvector columns with GIN indexes (the language-neutral `simple`
// config, and the workspace's language for stemming), the workspace's search language, the keyset
// order of listings (newest first, undated mail last) and an index for the label filter.
//
// Languages are kept as text, not regconfig: pg_upgrade refuses databases with regconfig columns,
// and ours usually shares n8n's database. A CASE over the server's built-in configurations turns
// the text into a regconfig constant, so the generated column stays immutable.
//
// Masked text is never indexed: an email whose visibility is `metadata` has only its sender in the
// vectors, `subject` adds the subject, `everything` adds the body. A word search therefore cannot
// reveal what a reader may not see, and a visibility change re-indexes the row by itself.

/** Characters of each field that are indexed: a tsvector is limited to 1 MB, bodies are not. */
const SUBJECT_CHARS = 2000;
const SENDER_CHARS = 500;
// Worst case (every word distinct, one-character CJK words) is about 6.5 bytes of tsvector per
// indexed character: 100,000 characters stay well below the limit.
const BODY_CHARS = 100000;

/** SQL string literal of a constant of this file or a configuration name read from the catalog. */
const literal = (text) => `'${String(text).replace(/'/g, "''")}'`;

/** @param {import('knex').Knex} knex */
async function builtInLanguages(knex) {
	const result = await knex.raw(
		`select cfgname::text as name from pg_catalog.pg_ts_config
		 where cfgnamespace = 'pg_catalog'::regnamespace order by cfgname`,
	);
	return result.rows.map((row) => row.name);
}

/** The regconfig constant a language column names ('simple' for anything unknown). */
function configOf(column, languages) {
	const branches = languages
		.filter((name) => name !== 'simple')
		.map((name) => `when ${literal(name)} then ${literal(name)}::regconfig`)
		.join(' ');
	return `(case ${column} ${branches} else 'simple'::regconfig end)`;
}

/** The weighted document of an email under a text search configuration, masked by visibility. */
function documentVector(config) {
	const subject = `case when visibility = 'metadata' then '' else left(coalesce(subject, ''), ${SUBJECT_CHARS}) end`;
	// The address whole (bob@globex.example), with its domain (globex.example) and in parts.
	const address = `left(coalesce(from_email, ''), ${SENDER_CHARS})`;
	const sender = `left(coalesce(from_name, ''), ${SENDER_CHARS}) || ' ' || ${address} || ' ' || replace(${address}, '@', ' ') || ' ' || translate(${address}, '@.', '  ')`;
	const body = `case when visibility = 'everything' then left(coalesce(body_text, snippet, ''), ${BODY_CHARS}) else '' end`;
	return `setweight(to_tsvector(${config}, ${subject}), 'A') || setweight(to_tsvector(${config}, ${sender}), 'B') || setweight(to_tsvector(${config}, ${body}), 'C')`;
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	const languages = await builtInLanguages(knex);
	const allowed = languages.map(literal).join(', ');
	const schema = (await knex.raw('select current_schema() as name')).rows[0].name;

	await knex.raw(
		`alter table ?? add column search_language text not null default 'english'
		 constraint workspace_settings_search_language check (search_language in (${allowed}))`,
		['workspace_settings'],
	);
	await knex.raw(
		`comment on column ??.search_language is 'Language of word search (a PostgreSQL text search configuration): stems words, e.g. meetings finds meeting'`,
		['workspace_settings'],
	);

	await knex.raw(
		`alter table ?? add column search_language text not null default 'simple'
		 constraint emails_search_language check (search_language in (${allowed}))`,
		['emails'],
	);
	await knex.raw(
		`comment on column ??.search_language is 'Text search configuration of search_vector_language, taken from the workspace when the row is inserted'`,
		['emails'],
	);
	await knex.raw(
		`update ?? as e set search_language = coalesce(
			(select s.search_language from ?? as s where s.workspace_id = e.workspace_id), 'english')`,
		['emails', 'workspace_settings'],
	);
	await knex.raw(
		`alter table ?? add column search_vector tsvector generated always as (${documentVector("'simple'::regconfig")}) stored`,
		['emails'],
	);
	await knex.raw(
		`comment on column ??.search_vector is 'Words of subject (A), sender (B) and body (C) under the simple config, without what the visibility masks'`,
		['emails'],
	);
	await knex.raw(
		`alter table ?? add column search_vector_language tsvector generated always as (${documentVector(configOf('search_language', languages))}) stored`,
		['emails'],
	);
	await knex.raw(
		`comment on column ??.search_vector_language is 'The same words stemmed in search_language'`,
		['emails'],
	);
	await knex.raw(
		`alter table ?? add column sent_at_key timestamptz generated always as (coalesce(sent_at, '-infinity'::timestamptz)) stored`,
		['emails'],
	);
	await knex.raw(
		`comment on column ??.sent_at_key is 'sent_at, or -infinity for undated mail: the keyset order of listings (newest first, undated last)'`,
		['emails'],
	);
	await knex.raw('create index emails_search_vector on ?? using gin (search_vector)', ['emails']);
	await knex.raw(
		'create index emails_search_vector_language on ?? using gin (search_vector_language)',
		['emails'],
	);
	await knex.raw(
		'create index emails_workspace_sent_at_key on ?? (workspace_id, sent_at_key, id)',
		['emails'],
	);

	// A label filter on a rare label finds its copies through this index instead of every email.
	await knex.raw('create index mailbox_messages_labels on ?? using gin (labels jsonb_path_ops)', [
		'mailbox_messages',
	]);

	// The sync engine inserts emails without knowing the search language: the row takes its
	// workspace's (english when the workspace has no settings row, like the column default).
	await knex.raw(
		`create function ??.emails_set_search_language() returns trigger language plpgsql as $fn$
		begin
			new.search_language := coalesce(
				(select s.search_language from ??.workspace_settings as s where s.workspace_id = new.workspace_id),
				'english');
			return new;
		end
		$fn$`,
		[schema, schema],
	);
	await knex.raw(
		`create trigger emails_search_language before insert on ?? for each row execute function ??.emails_set_search_language()`,
		['emails', schema],
	);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	const schema = (await knex.raw('select current_schema() as name')).rows[0].name;
	await knex.raw('drop trigger emails_search_language on ??', ['emails']);
	await knex.raw('drop function ??.emails_set_search_language()', [schema]);
	await knex.raw('drop index ??', ['mailbox_messages_labels']);
	await knex.raw('drop index ??', ['emails_workspace_sent_at_key']);
	await knex.raw('drop index ??', ['emails_search_vector_language']);
	await knex.raw('drop index ??', ['emails_search_vector']);
	await knex.schema.alterTable('emails', (table) => {
		table.dropColumn('sent_at_key');
		table.dropColumn('search_vector_language');
		table.dropColumn('search_vector');
		table.dropColumn('search_language');
	});
	await knex.schema.alterTable('workspace_settings', (table) => {
		table.dropColumn('search_language');
	});
};
