'use strict';
const { addIdAndWorkspace } = require('./support/columns');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.createTable('blocklist', (table) => {
		table.comment('Addresses and domains whose mail is never synced into the CRM');
		addIdAndWorkspace(table, knex);
		table
			.text('pattern')
			.notNullable()
			.comment('An address (a@b.com) or a domain (@b.com), lower case');
		table
			.text('kind')
			.notNullable()
			.checkIn(['address', 'domain'], 'blocklist_kind')
			.comment('address or domain');
		table.text('created_by').nullable().comment('User who added the entry');
		table
			.timestamp('created_at', { useTz: true })
			.notNullable()
			.defaultTo(knex.fn.now())
			.comment('When the entry was added');
		table.unique(['workspace_id', 'pattern'], { indexName: 'blocklist_workspace_pattern_unique' });
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.dropTable('blocklist');
};
