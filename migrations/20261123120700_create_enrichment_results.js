'use strict';
const { addIdAndWorkspace, addTimestamps } = require('./support/columns');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.createTable('enrichment_results', (table) => {
		table.comment('Values found by enrichment, one row per field, with where each came from');
		addIdAndWorkspace(table, knex);
		table
			.text('subject_type')
			.notNullable()
			.checkIn(['person', 'company'], 'enrichment_results_subject_type')
			.comment('person or company');
		table.uuid('subject_id').notNullable().comment('Id of the person or company');
		table
			.text('field')
			.notNullable()
			.comment(
				'full_name, job_title, company, phones, linkedin_url, postal_address, classification',
			);
		table.jsonb('value').notNullable().comment('The value found');
		table.decimal('confidence', 4, 3).notNullable().defaultTo(0).comment('0 … 1');
		table
			.text('extractor')
			.notNullable()
			.comment('What found it: signature (deterministic), domain, or llm:<model>');
		table
			.uuid('source_email_id')
			.nullable()
			.references('id')
			.inTable('emails')
			.onDelete('SET NULL')
			.comment('Email whose signature or content gave the value');
		table.text('source_excerpt').nullable().comment('The lines the value was read from');
		table
			.boolean('applied')
			.notNullable()
			.defaultTo(false)
			.comment('Whether the value was written to the person or company');
		addTimestamps(table, knex);
		table.unique(['workspace_id', 'subject_type', 'subject_id', 'field', 'extractor'], {
			indexName: 'enrichment_results_unique',
		});
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.dropTable('enrichment_results');
};
