'use strict';
const { addIdAndWorkspace, addIntegrationId, addTimestamps } = require('./support/columns');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.createTable('ad_conversions', (table) => {
		table.comment('Outbox of offline conversions to upload to Google Ads, with per-row errors');
		addIdAndWorkspace(table, knex);
		addIntegrationId(table, 'Google integration that uploads it', {
			nullable: true,
			onDelete: 'SET NULL',
		});
		table.text('customer_id').notNullable().comment('Google Ads customer id (digits only)');
		table.text('conversion_action').notNullable().comment('Conversion action resource name or id');
		table.text('gclid').nullable().comment('Google click id');
		table.text('gbraid').nullable().comment('App-to-web click id (iOS)');
		table.text('wbraid').nullable().comment('Web-to-app click id (iOS)');
		table
			.jsonb('user_identifiers')
			.notNullable()
			.defaultTo('[]')
			.comment('Hashed (SHA-256) email / phone identifiers for enhanced conversions');
		table
			.timestamp('conversion_at', { useTz: true })
			.notNullable()
			.comment('When the conversion happened');
		table.decimal('conversion_value', 18, 6).nullable().comment('Value of the conversion');
		table.string('currency_code', 3).nullable().comment('ISO 4217 currency');
		table
			.text('order_id')
			.nullable()
			.comment('Order / transaction id, also used for deduplication');
		table.text('dedupe_key').notNullable().comment('Key that makes enqueueing idempotent');
		table
			.text('status')
			.notNullable()
			.defaultTo('pending')
			.checkIn(['pending', 'uploading', 'uploaded', 'failed', 'rejected'], 'ad_conversions_status')
			.comment('pending, uploading, uploaded, failed (will retry) or rejected (will not)');
		table
			.text('upload_path')
			.nullable()
			.checkIn(['data_manager', 'click_conversions'], 'ad_conversions_upload_path')
			.comment('data_manager (events:ingest) or click_conversions (allowlisted accounts)');
		table.integer('attempts').notNullable().defaultTo(0).comment('Upload attempts so far');
		table.timestamp('next_attempt_at', { useTz: true }).nullable().comment('When to try again');
		table.text('last_error_code').nullable().comment('Partial-failure error code of this row');
		table.text('last_error_message').nullable().comment('Partial-failure message of this row');
		table.jsonb('last_error_details').nullable().comment('The partial-failure error as returned');
		table.timestamp('uploaded_at', { useTz: true }).nullable().comment('When the upload succeeded');
		addTimestamps(table, knex);
		table.check(
			'num_nonnulls(gclid, gbraid, wbraid) <= 1',
			undefined,
			'ad_conversions_one_click_id',
		);
		table.unique(['workspace_id', 'dedupe_key'], { indexName: 'ad_conversions_dedupe_unique' });
		table.index(['workspace_id', 'status', 'next_attempt_at'], 'ad_conversions_workspace_due');
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.dropTable('ad_conversions');
};
