'use strict';
// Listing calendar events in one order: timed events start at starts_at, all-day events at the
// start of their first day (UTC). Generated columns hold that instant and the end, so a keyset page
// and a time range are one index range instead of two orders merged.

const START = `coalesce(starts_at, timezone('UTC', start_date::timestamp), '-infinity'::timestamptz)`;
const END = `coalesce(ends_at, timezone('UTC', end_date::timestamp), starts_at, timezone('UTC', start_date::timestamp), '-infinity'::timestamptz)`;

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.raw(
		`alter table ?? add column starts_key timestamptz generated always as (${START}) stored`,
		['calendar_events'],
	);
	await knex.raw(
		`comment on column ??.starts_key is 'Start of the event for listings: starts_at, or the first day at 00:00 UTC for all-day events (-infinity for a cancelled tombstone without times)'`,
		['calendar_events'],
	);
	await knex.raw(
		`alter table ?? add column ends_key timestamptz generated always as (${END}) stored`,
		['calendar_events'],
	);
	await knex.raw(
		`comment on column ??.ends_key is 'End of the event for time ranges: ends_at, or the exclusive end day at 00:00 UTC for all-day events'`,
		['calendar_events'],
	);
	await knex.raw(
		'create index calendar_events_workspace_starts_key on ?? (workspace_id, starts_key, id)',
		['calendar_events'],
	);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.raw('drop index ??', ['calendar_events_workspace_starts_key']);
	await knex.schema.alterTable('calendar_events', (table) => {
		table.dropColumn('ends_key');
		table.dropColumn('starts_key');
	});
};
