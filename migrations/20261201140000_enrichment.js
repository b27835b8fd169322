'use strict';
// Signature enrichment: which incoming mail enrichment has read (a mark per mailbox copy, so a run
// reads new mail only), the date of the email each value came from (a newer email's value wins),
// and the company website a signature gives.
//
// The mark lives on mailbox_messages, not on emails: emails carry stored generated search vectors
// that PostgreSQL recomputes on every update of the row, so marking 10,000 emails would re-index
// 10,000 bodies. The partial index holds only the copies still to read, so a run after a sync
// walks the new mail of its integration and nothing else.

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.alterTable('mailbox_messages', (table) => {
		table
			.timestamp('enriched_at', { useTz: true })
			.nullable()
			.comment(
				'When enrichment read this incoming copy (null: not yet); set without touching updated_at',
			);
	});
	await knex.raw(
		`create index mailbox_messages_unenriched on ?? (workspace_id, integration_id, email_id)
		 where enriched_at is null and direction = 'incoming' and deleted_at is null`,
		['mailbox_messages'],
	);
	await knex.schema.alterTable('enrichment_results', (table) => {
		table
			.timestamp('source_sent_at', { useTz: true })
			.nullable()
			.comment('Date of the source email: between two values, the newer email wins');
	});
	await knex.raw(
		`comment on column ??.field is 'full_name, job_title, company, phones, linkedin_url, website, postal_address, classification (person); name, website, classification (company)'`,
		['enrichment_results'],
	);
	await knex.schema.alterTable('companies', (table) => {
		table
			.text('website')
			.nullable()
			.comment('Company website (https://host), from a signature or set by hand');
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.alterTable('companies', (table) => {
		table.dropColumn('website');
	});
	await knex.raw(
		`comment on column ??.field is 'full_name, job_title, company, phones, linkedin_url, postal_address, classification'`,
		['enrichment_results'],
	);
	await knex.schema.alterTable('enrichment_results', (table) => {
		table.dropColumn('source_sent_at');
	});
	await knex.raw('drop index ??', ['mailbox_messages_unenriched']);
	await knex.schema.alterTable('mailbox_messages', (table) => {
		table.dropColumn('enriched_at');
	});
};
