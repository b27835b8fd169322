// One Microsoft 365 calendar as a change source: a Graph calendarView delta over a fixed window
// (calendarView delta demands startDateTime and endDateTime, and its deltaLink keeps them). A round
// starts without a link, follows @odata.nextLink one page per read and ends at a deltaLink, from
// which the next round reads the changes since. Series come expanded into their occurrences;
// `@removed` entries (deleted, cancelled, or moved out of the window) are tombstones. Graph
// answering 410 to a link starts a new listing of the same window (a resync).
import type { CalendarEventRecord } from '../../records/calendarEventRecord';
import type {
	CalendarChangeSource,
	CalendarItem,
	CalendarStartOptions,
	ChangeRead,
} from '../changeSources';
import { classifyProviderError } from '../providerErrors';
import { graphEventToRecord, type GraphEvent } from './graphEventRecords';
import { graphPathSegment, type GraphPage, type GraphSession } from './graphSession';

/** Where a Graph calendar's delta stands; plain JSON. */
export type GraphCalendarCursor = {
	v: 1;
	/** The calendar's id (the default calendar resolved to its id). */
	calendarId: string;
	/** The round's next request: a nextLink while paging, the deltaLink at its end, null to start. */
	link: string | null;
	/** What the round is: a first listing, the relisting after an expired cursor, or changes. */
	phase: 'initial' | 'resync' | 'changes';
	/** The window (ISO 8601 instants): events overlapping it are listed and followed. */
	windowStart: string;
	windowEnd: string;
};

export interface GraphCalendarSourceOptions {
	/** 'primary' (the default calendar) or a Graph calendar id. */
	calendar: string;
	/** The connected mailbox's address (attendee `self`). */
	ownerEmail: string;
	/** odata.maxpagesize (default 100). */
	pageSize?: number;
	/** How far ahead of now a new window reaches (default 365 days). */
	windowDaysAhead?: number;
	/** Without `since`: how far back a new window reaches (default 5 years). */
	windowDaysBack?: number;
	now?: () => Date;
	/** An event Graph sent that could not be read as a record (it is left out of the page). */
	onUnreadable?: (eventId: string, error: unknown) => void;
}

export const GRAPH_CALENDAR_WINDOW_DAYS_AHEAD = 365;
const DAY_MS = 86_400_000;

export class GraphCalendarSource implements CalendarChangeSource<GraphCalendarCursor> {
	constructor(
		private readonly session: GraphSession,
		private readonly options: GraphCalendarSourceOptions,
	) {}

	/** The calendar's id: the alias 'primary' is Graph's default calendar. */
	async resolveCalendarId(): Promise<string> {
		const calendar = this.options.calendar;
		const path =
			calendar === 'primary' ? '/me/calendar' : `/me/calendars/${graphPathSegment(calendar)}`;
		const found = await this.session.get<{ id: string }>(path, { select: ['id'] });
		return found.id;
	}

	async start(options: CalendarStartOptions = {}): Promise<GraphCalendarCursor> {
		const now = (this.options.now ?? (() => new Date()))().getTime();
		const since =
			options.since?.getTime() ?? now - (this.options.windowDaysBack ?? 5 * 365) * DAY_MS;
		const ahead = this.options.windowDaysAhead ?? GRAPH_CALENDAR_WINDOW_DAYS_AHEAD;
		return {
			v: 1,
			calendarId: await this.resolveCalendarId(),
			link: null,
			phase: 'initial',
			windowStart: new Date(since).toISOString(),
			windowEnd: new Date(now + ahead * DAY_MS).toISOString(),
		};
	}

	async read(given: GraphCalendarCursor): Promise<ChangeRead<GraphCalendarCursor, CalendarItem>> {
		const cursor: GraphCalendarCursor = { ...given };
		const prefer = [`odata.maxpagesize=${this.options.pageSize ?? 100}`, 'outlook.timezone="UTC"'];
		let page: GraphPage<GraphEvent>;
		try {
			page =
				cursor.link === null
					? await this.session.get<GraphPage<GraphEvent>>(
							`/me/calendars/${graphPathSegment(cursor.calendarId)}/calendarView/delta`,
							{
								query: { startDateTime: cursor.windowStart, endDateTime: cursor.windowEnd },
								prefer,
							},
						)
					: // A nextLink or deltaLink carries its own query; only the preferences go again.
						await this.session.get<GraphPage<GraphEvent>>(cursor.link, { prefer });
		} catch (error) {
			// 410 syncStateNotFound / resyncRequired: Graph forgot the round; list the window again.
			if (cursor.link !== null && classifyProviderError(error).errorClass === 'cursor_expired') {
				return { outcome: 'cursor_expired', cursor: { ...cursor, link: null, phase: 'resync' } };
			}
			throw error;
		}

		const listing = cursor.phase !== 'changes';
		const items: CalendarItem[] = [];
		const deleted: string[] = [];
		for (const event of page.value ?? []) {
			if (!event?.id) continue;
			if (event['@removed']) {
				deleted.push(event.id);
				continue;
			}
			let record: CalendarEventRecord;
			try {
				record = graphEventToRecord(event, {
					calendarId: cursor.calendarId,
					ownerEmail: this.options.ownerEmail,
				});
			} catch (error) {
				this.options.onUnreadable?.(event.id, error);
				continue;
			}
			items.push({ record, version: versionOf(event) });
		}

		const nextLink = page['@odata.nextLink'];
		const deltaLink = page['@odata.deltaLink'];
		if (!nextLink && !deltaLink) {
			throw new Error(
				'Microsoft Graph ended a calendar delta page without a nextLink or deltaLink',
			);
		}
		const next: GraphCalendarCursor = nextLink
			? { ...cursor, link: nextLink }
			: { ...cursor, link: deltaLink!, phase: 'changes' };
		return {
			outcome: 'changes',
			items,
			// A listing has no tombstones: what it does not hold is gone.
			deleted: listing ? [] : deleted,
			cursor: next,
			hasMore: Boolean(nextLink),
			...(listing
				? {
						listing: {
							reason: cursor.phase === 'resync' ? ('resync' as const) : ('initial' as const),
							complete: !nextLink,
						},
					}
				: {}),
		};
	}
}

function versionOf(event: GraphEvent): string | null {
	const tagged = event as GraphEvent & { changeKey?: string | null; '@odata.etag'?: string };
	return tagged.changeKey ?? tagged['@odata.etag'] ?? null;
}
