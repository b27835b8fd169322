'use strict';

// What the mail sync engine needs on each mailbox copy to reconcile a complete listing: which
// source reported the copy last, when the mailbox received it (the horizon is a time), and the
// listing that last saw it (copies a complete listing did not see, within its horizon, were
// deleted meanwhile).

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.alterTable('mailbox_messages', (table) => {
		table
			.text('source_key')
			.nullable()
			.comment('Sync source that last reported the copy (gmail:<labels> or graph:<folder>)');
		table
			.timestamp('received_at', { useTz: true })
			.nullable()
			.comment('When the mailbox received it (Gmail internalDate, Graph receivedDateTime)');
		table
			.text('listing_mark')
			.nullable()
			.comment('Id of the last listing (initial sync or resync) that saw the copy');
		table.index(
			['workspace_id', 'integration_id', 'source_key', 'received_at'],
			'mailbox_messages_source_received',
		);
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.alterTable('mailbox_messages', (table) => {
		table.dropIndex([], 'mailbox_messages_source_received');
		table.dropColumn('listing_mark');
		table.dropColumn('received_at');
		table.dropColumn('source_key');
	});
};
