'use strict';
const { addIdAndWorkspace } = require('./support/columns');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.createTable('record_links', (table) => {
		table.comment('Links from emails and events to people and companies, automatic or manual');
		addIdAndWorkspace(table, knex);
		table
			.text('subject_type')
			.notNullable()
			.checkIn(['email', 'calendar_event'], 'record_links_subject_type')
			.comment('What is linked: email or calendar_event');
		table.uuid('subject_id').notNullable().comment('Id of the email or event');
		table
			.text('record_type')
			.notNullable()
			.checkIn(['person', 'company'], 'record_links_record_type')
			.comment('What it is linked to: person or company');
		table.uuid('record_id').notNullable().comment('Id of the person or company');
		table
			.text('link_source')
			.notNullable()
			.checkIn(['auto', 'manual'], 'record_links_source')
			.comment('auto: by address or domain; manual: by a user from a widget');
		table.text('created_by').nullable().comment('User who made a manual link');
		table
			.timestamp('created_at', { useTz: true })
			.notNullable()
			.defaultTo(knex.fn.now())
			.comment('When the link was made');
		table.unique(['workspace_id', 'subject_type', 'subject_id', 'record_type', 'record_id'], {
			indexName: 'record_links_unique',
		});
		table.index(['workspace_id', 'record_type', 'record_id'], 'record_links_workspace_record');
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.dropTable('record_links');
};
