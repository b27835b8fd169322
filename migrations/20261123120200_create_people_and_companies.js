'use strict';
const { addIdAndWorkspace, addTimestamps } = require('./support/columns');

const CLASSIFICATIONS = ['lead', 'customer', 'vendor', 'partner', 'personal', 'unknown'];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.createTable('companies', (table) => {
		table.comment('Companies known to the workspace, matched to mail by domain');
		addIdAndWorkspace(table, knex);
		table
			.text('domain')
			.notNullable()
			.comment('Company web/mail domain, lower case (never a free-mail domain)');
		table.text('name').nullable().comment('Company name (from a signature, enrichment or the CRM)');
		table
			.text('classification')
			.notNullable()
			.defaultTo('unknown')
			.checkIn(CLASSIFICATIONS, 'companies_classification')
			.comment('lead, customer, vendor, partner, personal or unknown');
		table
			.text('external_id')
			.nullable()
			.comment('Id of the matching record in the host CRM, if any');
		table
			.text('source')
			.notNullable()
			.defaultTo('sync')
			.checkIn(['sync', 'manual', 'import', 'enrichment'], 'companies_source')
			.comment('What created the row');
		addTimestamps(table, knex);
		table.unique(['workspace_id', 'domain'], { indexName: 'companies_workspace_domain_unique' });
		table.index(['workspace_id', 'external_id'], 'companies_workspace_external');
	});

	await knex.schema.createTable('people', (table) => {
		table.comment('People known to the workspace, matched to mail and events by address');
		addIdAndWorkspace(table, knex);
		table.text('email').notNullable().comment('Primary address, lower case');
		table.text('full_name').nullable().comment('Full name');
		table.text('job_title').nullable().comment('Job title');
		table.jsonb('phones').notNullable().defaultTo('[]').comment('Phone numbers, E.164 where known');
		table.text('linkedin_url').nullable().comment('LinkedIn profile URL');
		table.text('postal_address').nullable().comment('Postal address as one text');
		table
			.uuid('company_id')
			.nullable()
			.references('id')
			.inTable('companies')
			.onDelete('SET NULL')
			.comment('Company the person works for');
		table
			.text('classification')
			.notNullable()
			.defaultTo('unknown')
			.checkIn(CLASSIFICATIONS, 'people_classification')
			.comment('lead, customer, vendor, partner, personal or unknown');
		table
			.text('external_id')
			.nullable()
			.comment('Id of the matching record in the host CRM, if any');
		table
			.text('source')
			.notNullable()
			.defaultTo('sync')
			.checkIn(['sync', 'manual', 'import', 'enrichment'], 'people_source')
			.comment('What created the row');
		addTimestamps(table, knex);
		table.unique(['workspace_id', 'email'], { indexName: 'people_workspace_email_unique' });
		table.index(['workspace_id', 'company_id'], 'people_workspace_company');
		table.index(['workspace_id', 'external_id'], 'people_workspace_external');
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.dropTable('people');
	await knex.schema.dropTable('companies');
};
