'use strict';
// YouTube comments in the inbox, linked to people: a person may carry the id of their YouTube
// channel (set by a user or the host CRM — YouTube shows no e-mail address of a commenter), and
// record_links may link a comment (subject_type 'youtube_comment') to that person.

const SUBJECTS_BEFORE = ['email', 'calendar_event'];
const SUBJECTS = ['email', 'calendar_event', 'youtube_comment'];

/** SQL string literal of a constant of this file (DDL takes no bound parameters). */
const literal = (text) => `'${text.replace(/'/g, "''")}'`;

/**
 * @param {import('knex').Knex} knex
 * @param {string[]} subjects
 */
async function setLinkSubjects(knex, subjects) {
	await knex.raw('alter table ?? drop constraint ??', [
		'record_links',
		'record_links_subject_type',
	]);
	await knex.raw(
		`alter table ?? add constraint ?? check (subject_type in (${subjects.map(literal).join(', ')}))`,
		['record_links', 'record_links_subject_type'],
	);
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.alterTable('people', (table) => {
		table
			.text('youtube_channel_id')
			.nullable()
			.comment("The person's YouTube channel id (UC…): their comments are linked to them");
	});
	// One person per channel in a workspace, so a comment links to one person at most.
	await knex.raw(
		'create unique index people_workspace_youtube_channel on ?? (workspace_id, youtube_channel_id) where youtube_channel_id is not null',
		['people'],
	);
	await setLinkSubjects(knex, SUBJECTS);
	await knex.raw(
		`comment on column ??.?? is ${literal('What is linked: email, calendar_event or youtube_comment')}`,
		['record_links', 'subject_type'],
	);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex('record_links').where({ subject_type: 'youtube_comment' }).delete();
	await setLinkSubjects(knex, SUBJECTS_BEFORE);
	await knex.raw(
		`comment on column ??.?? is ${literal('What is linked: email or calendar_event')}`,
		['record_links', 'subject_type'],
	);
	await knex.raw('drop index ??', ['people_workspace_youtube_channel']);
	await knex.schema.alterTable('people', (table) => {
		table.dropColumn('youtube_channel_id');
	});
};
