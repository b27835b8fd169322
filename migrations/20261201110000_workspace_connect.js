'use strict';
// The workspace connect flow: who connected an account, which key seals its tokens, and what an
// OAuth state was handed out for (the user, and the integration a reconnect targets).

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.alterTable('integrations', (table) => {
		table
			.text('user_id')
			.nullable()
			.comment(
				'CRM user who connected the account (the JWT subject); null before the connect flow',
			);
		table
			.text('token_key_id')
			.nullable()
			.comment(
				'Id of the key that sealed the stored tokens, so a key rotation finds rows to re-encrypt',
			);
		table.index(['workspace_id', 'user_id'], 'integrations_workspace_user');
		table.index(['token_key_id'], 'integrations_token_key');
	});
	await knex.schema.alterTable('oauth_states', (table) => {
		table.text('user_id').nullable().comment('CRM user who started the connect flow');
		table
			.uuid('integration_id')
			.nullable()
			.comment('Integration a reconnect was started for (null: a new account)');
		table.text('login_hint').nullable().comment('Account address suggested to the provider');
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.alterTable('oauth_states', (table) => {
		table.dropColumn('login_hint');
		table.dropColumn('integration_id');
		table.dropColumn('user_id');
	});
	await knex.schema.alterTable('integrations', (table) => {
		table.dropIndex(['token_key_id'], 'integrations_token_key');
		table.dropIndex(['workspace_id', 'user_id'], 'integrations_workspace_user');
		table.dropColumn('token_key_id');
		table.dropColumn('user_id');
	});
};
