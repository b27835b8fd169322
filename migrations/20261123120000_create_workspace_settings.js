'use strict';
const { addTimestamps } = require('./support/columns');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.createTable('workspace_settings', (table) => {
		table.comment('Per-workspace settings of crm-connect: own domains and contact creation policy');
		table.uuid('workspace_id').primary().comment('Workspace (tenant) these settings belong to');
		table
			.jsonb('own_domains')
			.notNullable()
			.defaultTo('[]')
			.comment('Domains of the workspace itself (never become companies or contacts), lower case');
		table
			.text('contact_creation_policy')
			.notNullable()
			.defaultTo('sent_and_received')
			.checkIn(['sent_and_received', 'sent', 'none'], 'workspace_settings_contact_policy')
			.comment('Which mail creates contacts: sent and received, sent only, or none');
		table
			.text('default_visibility')
			.notNullable()
			.defaultTo('everything')
			.checkIn(['metadata', 'subject', 'everything'], 'workspace_settings_default_visibility')
			.comment('Visibility given to new integrations: metadata only, subject, or everything');
		addTimestamps(table, knex);
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.dropTable('workspace_settings');
};
