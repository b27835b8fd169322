// The visible text of <crm-calendar>, English by default; pages override any key through the
// `strings` property (and `locale`, which the dates and times follow through Intl).

export const CALENDAR_STRINGS = {
	/** BCP 47 locale for dates and times; empty: the browser's. */
	locale: '',
	calendar: 'Calendar',
	today: 'Today',
	previousMonth: 'Previous month',
	nextMonth: 'Next month',
	previousWeek: 'Previous week',
	nextWeek: 'Next week',
	previousDay: 'Previous day',
	nextDay: 'Next day',
	view: 'View',
	month: 'Month',
	week: 'Week',
	day: 'Day',
	calendarFilter: 'Calendar',
	allCalendars: 'All calendars',
	sync: 'Sync now',
	syncQueued: 'Sync started',
	newEvent: 'New event',
	loading: 'Loading events…',
	empty: 'No events in this period',
	truncated: 'Showing the first {count} events of this period',
	allDay: 'All day',
	time: 'Time',
	more: '+{count} more',
	noTitle: '(No title)',
	close: 'Close',
	location: 'Location',
	joinMeeting: 'Join meeting',
	organizer: 'Organizer',
	attendees: 'Attendees',
	noAttendees: 'No attendees',
	optional: 'optional',
	accepted: 'Accepted',
	declined: 'Declined',
	tentative: 'Maybe',
	needsAction: 'No response',
	linkedRecords: 'Linked records',
	noLinks: 'No linked records',
	linkSearch: 'Link a person or company',
	link: 'Link {name}',
	unlink: 'Unlink {name}',
	person: 'Person',
	company: 'Company',
	noMatches: 'No matches',
	title: 'Title',
	start: 'Start',
	end: 'End',
	attendeesInput: 'Attendees (emails, comma-separated)',
	cancel: 'Cancel',
	create: 'Create',
	endBeforeStart: 'The end must be after the start.',
} as const;

export type CalendarStringKey = keyof typeof CALENDAR_STRINGS;
export type CalendarStrings = Record<CalendarStringKey, string>;

/** A string with its {placeholders} filled. */
export function fill(template: string, values: Record<string, string | number>): string {
	return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
		key in values ? String(values[key]) : whole,
	);
}
