'use strict';
// Record linking: additional addresses of a person, fields a user edited by hand (automatic
// writers keep them), manual unlinks that automatic linking never re-adds, and the indexes that
// let linking run as a few set-based statements over a whole workspace.

const LINK_SOURCES_BEFORE = ['auto', 'manual'];
const LINK_SOURCES = ['auto', 'manual', 'suppressed'];

/** SQL string literal of a constant of this file (DDL takes no bound parameters). */
const literal = (text) => `'${text.replace(/'/g, "''")}'`;

/**
 * @param {import('knex').Knex} knex
 * @param {string[]} sources
 */
async function setLinkSources(knex, sources) {
	await knex.raw('alter table ?? drop constraint ??', ['record_links', 'record_links_source']);
	await knex.raw(
		`alter table ?? add constraint ?? check (link_source in (${sources.map(literal).join(', ')}))`,
		['record_links', 'record_links_source'],
	);
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} column
 * @param {string} text
 */
async function commentColumn(knex, column, text) {
	await knex.raw(`comment on column ??.?? is ${literal(text)}`, ['record_links', column]);
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.alterTable('people', (table) => {
		table
			.specificType('additional_emails', 'text[]')
			.notNullable()
			.defaultTo('{}')
			.comment('Other addresses of the person, lower case; matched like the primary address');
		table
			.specificType('manual_fields', 'text[]')
			.notNullable()
			.defaultTo('{}')
			.comment('Columns a user set by hand; automatic writers (sync, enrichment) keep them');
	});
	await knex.schema.alterTable('companies', (table) => {
		table
			.specificType('manual_fields', 'text[]')
			.notNullable()
			.defaultTo('{}')
			.comment('Columns a user set by hand; automatic writers (sync, enrichment) keep them');
	});
	await knex.raw(
		'create index people_workspace_additional_emails on ?? using gin (additional_emails)',
		['people'],
	);
	// Addresses are stored lower case, but a host CRM may write people itself: match on lower().
	await knex.raw('create index people_workspace_lower_email on ?? (workspace_id, lower(email))', [
		'people',
	]);
	await knex.raw(
		`create index people_workspace_domain on ?? (workspace_id, split_part(email, '@', 2))`,
		['people'],
	);
	await knex.raw(
		'create index people_workspace_name on ?? (workspace_id, lower(full_name) text_pattern_ops)',
		['people'],
	);
	await knex.raw(
		'create index companies_workspace_name on ?? (workspace_id, lower(name) text_pattern_ops)',
		['companies'],
	);
	// Linking a batch reads participants by email_id and attendees by event_id, and links by
	// subject: the existing unique indexes lead with those columns, so no index is added for them.
	await setLinkSources(knex, LINK_SOURCES);
	await commentColumn(
		knex,
		'link_source',
		'auto: by address or domain; manual: by a user; suppressed: a user unlinked it (not a link: automatic linking never re-adds it)',
	);
	await commentColumn(knex, 'created_by', 'User who made a manual link or unlinked it');
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex('record_links').where({ link_source: 'suppressed' }).delete();
	await setLinkSources(knex, LINK_SOURCES_BEFORE);
	await commentColumn(
		knex,
		'link_source',
		'auto: by address or domain; manual: by a user from a widget',
	);
	await commentColumn(knex, 'created_by', 'User who made a manual link');
	await knex.raw('drop index ??', ['companies_workspace_name']);
	await knex.raw('drop index ??', ['people_workspace_name']);
	await knex.raw('drop index ??', ['people_workspace_domain']);
	await knex.raw('drop index ??', ['people_workspace_lower_email']);
	await knex.raw('drop index ??', ['people_workspace_additional_emails']);
	await knex.schema.alterTable('companies', (table) => {
		table.dropColumn('manual_fields');
	});
	await knex.schema.alterTable('people', (table) => {
		table.dropColumn('additional_emails');
		table.dropColumn('manual_fields');
	});
};
