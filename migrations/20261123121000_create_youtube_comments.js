'use strict';
const { addIdAndWorkspace, addIntegrationId, addTimestamps } = require('./support/columns');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.createTable('youtube_comments', (table) => {
		table.comment('Comments on connected YouTube channels; shown in the inbox');
		addIdAndWorkspace(table, knex);
		addIntegrationId(table, 'Google integration of the channel');
		table.text('channel_id').notNullable().comment('YouTube channel id');
		table.text('video_id').nullable().comment('Video the comment is on');
		table.text('comment_id').notNullable().comment('YouTube comment id');
		table.text('thread_id').nullable().comment('Comment thread id');
		table.text('parent_id').nullable().comment('Parent comment id for replies');
		table.text('author_display_name').nullable().comment('Author name');
		table.text('author_channel_id').nullable().comment("Author's channel id");
		table.text('text_original').nullable().comment('Comment text as written');
		table.text('text_display').nullable().comment('Comment as YouTube renders it (HTML)');
		table.integer('like_count').notNullable().defaultTo(0).comment('Likes');
		table.timestamp('published_at', { useTz: true }).nullable().comment('When it was posted');
		table.timestamp('provider_updated_at', { useTz: true }).nullable().comment('Last edit');
		table.boolean('is_read').notNullable().defaultTo(false).comment('Read in the inbox');
		addTimestamps(table, knex);
		table.unique(['workspace_id', 'comment_id'], { indexName: 'youtube_comments_unique' });
		table.index(
			['workspace_id', 'channel_id', 'published_at'],
			'youtube_comments_workspace_channel',
		);
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.dropTable('youtube_comments');
};
