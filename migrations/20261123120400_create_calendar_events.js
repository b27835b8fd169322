'use strict';
const { addIdAndWorkspace, addIntegrationId, addTimestamps } = require('./support/columns');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.createTable('calendar_events', (table) => {
		table.comment('Calendar events synced from Google Calendar or Microsoft 365');
		addIdAndWorkspace(table, knex);
		addIntegrationId(table, 'Integration the event was synced through');
		table
			.text('provider_calendar_id')
			.notNullable()
			.comment('Google calendar id or Graph calendar id');
		table.text('provider_event_id').notNullable().comment('Google event id or Graph event id');
		table.text('ical_uid').nullable().comment('iCalendar UID shared by all copies of the event');
		table
			.text('recurring_event_id')
			.nullable()
			.comment('Master event id for an instance of a series');
		table.text('title').nullable().comment('Title (summary)');
		table.text('description').nullable().comment('Description');
		table.text('location').nullable().comment('Location as written');
		table.text('meeting_link').nullable().comment('Video meeting link (Meet, Teams, …)');
		table
			.timestamp('starts_at', { useTz: true })
			.nullable()
			.comment('Start instant of a timed event (null for all-day events)');
		table
			.timestamp('ends_at', { useTz: true })
			.nullable()
			.comment('End instant of a timed event (null for all-day events)');
		table.text('start_time_zone').nullable().comment('IANA time zone of the start');
		table.text('end_time_zone').nullable().comment('IANA time zone of the end');
		table.date('start_date').nullable().comment('First day of an all-day event');
		table
			.date('end_date')
			.nullable()
			.comment('Day after the last day of an all-day event (exclusive)');
		table.boolean('is_all_day').notNullable().defaultTo(false).comment('All-day event');
		table
			.jsonb('attendees')
			.notNullable()
			.defaultTo('[]')
			.comment('Attendees: [{ email, name, responseStatus, optional, organizer }]');
		table.text('organizer_email').nullable().comment('Organizer address, lower case');
		table.text('organizer_name').nullable().comment('Organizer display name');
		table
			.text('status')
			.notNullable()
			.defaultTo('confirmed')
			.checkIn(['confirmed', 'tentative', 'cancelled'], 'calendar_events_status')
			.comment('confirmed, tentative or cancelled');
		table
			.timestamp('provider_updated_at', { useTz: true })
			.nullable()
			.comment('Last change at the provider');
		table
			.text('visibility')
			.notNullable()
			.defaultTo('everything')
			.checkIn(['metadata', 'subject', 'everything'], 'calendar_events_visibility')
			.comment('Visibility inherited from the integration');
		// A cancelled tombstone may carry no times; any other event needs a start.
		table.check(
			"(is_all_day and start_date is not null) or (not is_all_day and starts_at is not null) or status = 'cancelled'",
			undefined,
			'calendar_events_has_start',
		);
		addTimestamps(table, knex);
		table.unique(['workspace_id', 'integration_id', 'provider_calendar_id', 'provider_event_id'], {
			indexName: 'calendar_events_provider_unique',
		});
		table.index(['workspace_id', 'starts_at'], 'calendar_events_workspace_starts_at');
		table.index(['workspace_id', 'start_date'], 'calendar_events_workspace_start_date');
		table.index(['workspace_id', 'ical_uid'], 'calendar_events_workspace_ical_uid');
	});

	await knex.schema.createTable('calendar_event_attendees', (table) => {
		table.comment('Attendees of an event, one row each, for set-based linking by address');
		addIdAndWorkspace(table, knex);
		table
			.uuid('event_id')
			.notNullable()
			.references('id')
			.inTable('calendar_events')
			.onDelete('CASCADE')
			.comment('The event');
		table.text('address').notNullable().comment('Attendee address, lower case');
		table.text('display_name').nullable().comment('Attendee name');
		table
			.text('response_status')
			.notNullable()
			.defaultTo('needsAction')
			.checkIn(
				['needsAction', 'accepted', 'declined', 'tentative'],
				'calendar_event_attendees_response',
			)
			.comment('needsAction, accepted, declined or tentative');
		table
			.boolean('is_organizer')
			.notNullable()
			.defaultTo(false)
			.comment('Attendee is the organizer');
		table.boolean('is_optional').notNullable().defaultTo(false).comment('Optional attendee');
		table
			.uuid('person_id')
			.nullable()
			.references('id')
			.inTable('people')
			.onDelete('SET NULL')
			.comment('Person matched by address');
		table.unique(['event_id', 'address'], { indexName: 'calendar_event_attendees_unique' });
		table.index(['workspace_id', 'address'], 'calendar_event_attendees_workspace_address');
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.dropTable('calendar_event_attendees');
	await knex.schema.dropTable('calendar_events');
};
