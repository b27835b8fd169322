'use strict';
const { addIdAndWorkspace, addIntegrationId, addTimestamps } = require('./support/columns');

const ACTIONS = [
	'ads-conversion-callback',
	'ads-performance-alert',
	'ads-webhook',
	'youtube-webhook',
	'youtube-verify',
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.createTable('webhook_receipts', (table) => {
		table.comment('Every authenticated webhook call received, kept to deduplicate and audit');
		addIdAndWorkspace(table, knex);
		table
			.text('action')
			.notNullable()
			.checkIn(ACTIONS, 'webhook_receipts_action')
			.comment('Handler the call was for');
		table.text('dedupe_key').notNullable().comment('Provider event id or a hash of the body');
		table.jsonb('payload').notNullable().comment('Parsed body');
		table
			.timestamp('received_at', { useTz: true })
			.notNullable()
			.defaultTo(knex.fn.now())
			.comment('When it arrived');
		table
			.integer('delivery_count')
			.notNullable()
			.defaultTo(1)
			.comment('Times the same call arrived');
		table.unique(['workspace_id', 'action', 'dedupe_key'], {
			indexName: 'webhook_receipts_unique',
		});
		table.index(['workspace_id', 'received_at'], 'webhook_receipts_workspace_received');
	});

	await knex.schema.createTable('webhook_subscriptions', (table) => {
		table.comment('Push subscriptions (YouTube WebSub) to renew before their lease ends');
		addIdAndWorkspace(table, knex);
		addIntegrationId(table, 'Integration the subscription serves', { nullable: true });
		table.text('hub_url').notNullable().comment('Hub the subscription is held at');
		table.text('topic_url').notNullable().comment('Topic subscribed to');
		table.text('callback_url').notNullable().comment('Our webhook URL given to the hub');
		table
			.text('secret_encrypted')
			.notNullable()
			.comment('hub.secret for X-Hub-Signature, encrypted');
		table.text('verify_token').notNullable().comment('hub.verify_token expected on verification');
		table
			.text('status')
			.notNullable()
			.defaultTo('pending')
			.checkIn(['pending', 'active', 'expired', 'failed'], 'webhook_subscriptions_status')
			.comment('pending (awaiting verification), active, expired or failed');
		table
			.timestamp('lease_expires_at', { useTz: true })
			.nullable()
			.comment('When the hub lease ends');
		addTimestamps(table, knex);
		table.unique(['workspace_id', 'topic_url', 'callback_url'], {
			indexName: 'webhook_subscriptions_unique',
		});
		table.index(['lease_expires_at'], 'webhook_subscriptions_lease');
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.dropTable('webhook_subscriptions');
	await knex.schema.dropTable('webhook_receipts');
};
