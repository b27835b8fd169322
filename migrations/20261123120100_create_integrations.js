'use strict';
const { addIdAndWorkspace, addTimestamps } = require('./support/columns');

const STATUSES = ['connected', 'syncing', 'throttled', 'requires_reauth', 'failed', 'disconnected'];
const ERROR_CLASSES = [
	'temporary',
	'throttled',
	'cursor_expired',
	'insufficient_permissions',
	'auth_revoked',
	'unknown',
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.createTable('integrations', (table) => {
		table.comment(
			'A connected Google or Microsoft 365 account of a workspace, with its sync state',
		);
		addIdAndWorkspace(table, knex);
		table
			.text('provider')
			.notNullable()
			.checkIn(['google', 'microsoft'], 'integrations_provider')
			.comment('Identity provider: google or microsoft');
		table
			.text('account_email')
			.notNullable()
			.comment('Address of the connected account, lower case');
		table
			.text('account_id')
			.nullable()
			.comment("Provider's stable user id (Google sub, Graph user id)");
		table
			.text('display_name')
			.nullable()
			.comment('Name of the connected account, as the provider gives it');
		table
			.text('status')
			.notNullable()
			.defaultTo('connected')
			.checkIn(STATUSES, 'integrations_status')
			.comment(
				'State machine: connected, syncing, throttled, requires_reauth, failed, disconnected',
			);
		table
			.timestamp('throttled_until', { useTz: true })
			.nullable()
			.comment('While throttled: the provider asked us to wait until this time');
		table
			.text('error_class')
			.nullable()
			.checkIn(ERROR_CLASSES, 'integrations_error_class')
			.comment('Class of the last provider error; the state machine acts on it');
		table.text('error_message').nullable().comment('Last error, worded for the user');
		table
			.text('access_token_encrypted')
			.nullable()
			.comment('Access token, AES-256-GCM encrypted (never returned by any API)');
		table
			.text('refresh_token_encrypted')
			.nullable()
			.comment('Refresh token, AES-256-GCM encrypted (never returned by any API)');
		table
			.timestamp('token_expires_at', { useTz: true })
			.nullable()
			.comment('When the access token expires; refreshed 5 minutes before');
		table
			.jsonb('granted_scopes')
			.notNullable()
			.defaultTo('[]')
			.comment('OAuth scopes the user granted');
		table
			.jsonb('settings')
			.notNullable()
			.defaultTo('{}')
			.comment(
				'Sync settings: labels, folders, calendars, initial sync size, visibility, policies',
			);
		table
			.text('visibility')
			.notNullable()
			.defaultTo('everything')
			.checkIn(['metadata', 'subject', 'everything'], 'integrations_visibility')
			.comment('What workspace members may see of synced mail: metadata, subject, or everything');
		table
			.timestamp('last_success_at', { useTz: true })
			.nullable()
			.comment('End of the last sync that succeeded');
		table
			.timestamp('next_sync_at', { useTz: true })
			.nullable()
			.comment('When the scheduler should sync this integration next (null: not scheduled)');
		table.text('lease_owner').nullable().comment('Worker that holds the sync lease');
		table
			.timestamp('lease_expires_at', { useTz: true })
			.nullable()
			.comment('When the sync lease lapses and another worker may take it');
		table
			.timestamp('connected_at', { useTz: true })
			.nullable()
			.comment('When the account was (re)connected');
		table
			.timestamp('disconnected_at', { useTz: true })
			.nullable()
			.comment('When the account was disconnected (tokens revoked, synced data kept)');
		addTimestamps(table, knex);
		table.unique(['workspace_id', 'provider', 'account_email'], {
			indexName: 'integrations_workspace_account_unique',
		});
		table.index(['workspace_id', 'status'], 'integrations_workspace_status');
	});
	// The scheduler looks across workspaces for due integrations; a partial index keeps it small.
	await knex.raw(
		`create index integrations_due on ?? (next_sync_at) where status not in ('disconnected', 'requires_reauth')`,
		['integrations'],
	);

	await knex.schema.createTable('oauth_states', (table) => {
		table.comment('OAuth state values handed out for a connect flow: single use and short lived');
		addIdAndWorkspace(table, knex);
		table.text('nonce').notNullable().unique().comment('Random nonce carried in the signed state');
		table
			.text('provider')
			.notNullable()
			.checkIn(['google', 'microsoft'], 'oauth_states_provider')
			.comment('Provider the flow was started for');
		table.text('pkce_verifier_encrypted').nullable().comment('PKCE code verifier, encrypted');
		table.jsonb('requested_scopes').notNullable().defaultTo('[]').comment('Scopes asked for');
		table.text('redirect_after').nullable().comment('Where the widget returns once connected');
		table
			.timestamp('expires_at', { useTz: true })
			.notNullable()
			.comment('State is refused after this');
		table
			.timestamp('used_at', { useTz: true })
			.nullable()
			.comment('Set when the callback consumed it');
		table
			.timestamp('created_at', { useTz: true })
			.notNullable()
			.defaultTo(knex.fn.now())
			.comment('When the flow started');
		table.index(['workspace_id', 'expires_at'], 'oauth_states_workspace_expiry');
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.dropTable('oauth_states');
	await knex.schema.dropTable('integrations');
};
