'use strict';
const { addIdAndWorkspace, addIntegrationId, addTimestamps } = require('./support/columns');

const SOURCE_TYPES = [
	'gmail_label',
	'graph_mail_folder',
	'google_calendar',
	'graph_calendar',
	'youtube_channel',
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.createTable('sync_cursors', (table) => {
		table.comment(
			'Provider cursors per source (label, folder, calendar); advanced in the same transaction as the rows',
		);
		addIdAndWorkspace(table, knex);
		addIntegrationId(table, 'Integration the source belongs to');
		table
			.text('source_type')
			.notNullable()
			.checkIn(SOURCE_TYPES, 'sync_cursors_source_type')
			.comment('gmail_label, graph_mail_folder, google_calendar, graph_calendar, youtube_channel');
		table.text('source_id').notNullable().comment('Label id, folder id, calendar id or channel id');
		table
			.text('cursor')
			.nullable()
			.comment('Gmail historyId, Calendar nextSyncToken, Graph deltaLink, or last seen comment');
		table
			.jsonb('backfill_state')
			.notNullable()
			.defaultTo('{}')
			.comment('Resumable backfill: page token, horizon, counts');
		table
			.timestamp('backfill_completed_at', { useTz: true })
			.nullable()
			.comment('When the initial backfill reached its horizon');
		table
			.timestamp('last_full_sync_at', { useTz: true })
			.nullable()
			.comment('Last full (re)sync of the source');
		addTimestamps(table, knex);
		table.unique(['workspace_id', 'integration_id', 'source_type', 'source_id'], {
			indexName: 'sync_cursors_source_unique',
		});
	});

	await knex.schema.createTable('sync_runs', (table) => {
		table.comment('One sync of an integration: progress, counts and outcome, shown by the widgets');
		addIdAndWorkspace(table, knex);
		addIntegrationId(table, 'Integration synced');
		table
			.text('kind')
			.notNullable()
			.checkIn(['initial', 'incremental', 'full_resync', 'manual'], 'sync_runs_kind')
			.comment('initial, incremental, full_resync (after an expired cursor) or manual');
		table
			.text('status')
			.notNullable()
			.defaultTo('running')
			.checkIn(['running', 'succeeded', 'failed', 'throttled'], 'sync_runs_status')
			.comment('running, succeeded, failed or throttled');
		table.text('worker_id').nullable().comment('Worker that ran it');
		table
			.timestamp('started_at', { useTz: true })
			.notNullable()
			.defaultTo(knex.fn.now())
			.comment('Start');
		table.timestamp('finished_at', { useTz: true }).nullable().comment('End');
		table
			.jsonb('progress')
			.notNullable()
			.defaultTo('{}')
			.comment('Progress while running: { done, total, source }');
		table
			.jsonb('counts')
			.notNullable()
			.defaultTo('{}')
			.comment('Outcome: { fetched, created, updated, deleted, skipped, failed }');
		table.text('error_class').nullable().comment('Error class when it failed');
		table.text('error_message').nullable().comment('Error worded for the user');
		table.index(
			['workspace_id', 'integration_id', 'started_at'],
			'sync_runs_workspace_integration',
		);
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.dropTable('sync_runs');
	await knex.schema.dropTable('sync_cursors');
};
