import { QueryInputError } from '../../core/store/emailQueries';
import { getEvent, listEvents, type ListEventsOptions } from '../../core/store/eventQueries';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import {
	insertCompany,
	insertIntegration,
	insertLink,
	insertPerson,
	OTHER_WORKSPACE,
	WORKSPACE,
} from './seed';

let test: TestDatabase;
let calendar: string;
let other: string;
let bob: string;
let globex: string;
const ids: Record<string, string> = {};

interface EventInput {
	title: string;
	integrationId?: string;
	calendarId?: string;
	startsAt?: string;
	endsAt?: string;
	startDate?: string;
	endDate?: string;
	status?: 'confirmed' | 'tentative' | 'cancelled';
	visibility?: 'metadata' | 'subject' | 'everything';
	attendees?: Array<{
		address: string;
		personId?: string;
		isOrganizer?: boolean;
		responseStatus?: string;
	}>;
	workspaceId?: string;
}

async function insertEvent(input: EventInput): Promise<string> {
	const workspaceId = input.workspaceId ?? WORKSPACE;
	const allDay = input.startDate !== undefined;
	const [row] = await test.database
		.knex('calendar_events')
		.insert({
			workspace_id: workspaceId,
			integration_id: input.integrationId ?? calendar,
			provider_calendar_id: input.calendarId ?? 'primary',
			provider_event_id: `evt-${Math.random().toString(36).slice(2)}`,
			title: input.title,
			description: `About ${input.title}`,
			location: 'Room 1',
			meeting_link: 'https://meet.example/abc',
			starts_at: input.startsAt ?? null,
			ends_at: input.endsAt ?? null,
			start_time_zone: allDay ? null : 'Europe/Berlin',
			end_time_zone: allDay ? null : 'Europe/Berlin',
			start_date: input.startDate ?? null,
			end_date: input.endDate ?? null,
			is_all_day: allDay,
			organizer_email: 'ana@acme.example',
			status: input.status ?? 'confirmed',
			visibility: input.visibility ?? 'everything',
		})
		.returning('id');
	for (const attendee of input.attendees ?? []) {
		await test.database.knex('calendar_event_attendees').insert({
			workspace_id: workspaceId,
			event_id: row.id,
			address: attendee.address,
			person_id: attendee.personId ?? null,
			is_organizer: attendee.isOrganizer ?? false,
			response_status: attendee.responseStatus ?? 'needsAction',
		});
	}
	return row.id as string;
}

beforeAll(async () => {
	test = await createTestDatabase();
	const { database } = test;
	calendar = await insertIntegration(database, WORKSPACE, 'ana@acme.example');
	other = await insertIntegration(database, WORKSPACE, 'sales@acme.example');
	globex = await insertCompany(database, WORKSPACE, 'globex.example', 'Globex');
	bob = await insertPerson(database, WORKSPACE, 'bob@globex.example', {
		fullName: 'Bob',
		companyId: globex,
	});
	ids.kickoff = await insertEvent({
		title: 'Kickoff',
		startsAt: '2026-11-02T09:00:00Z',
		endsAt: '2026-11-02T10:00:00Z',
		attendees: [
			{ address: 'bob@globex.example', personId: bob, responseStatus: 'accepted' },
			{ address: 'ana@acme.example', isOrganizer: true, responseStatus: 'accepted' },
		],
	});
	// All-day on 2026-11-02 (sorts at 00:00 UTC, before the kickoff).
	ids.offsite = await insertEvent({
		title: 'Offsite',
		startDate: '2026-11-02',
		endDate: '2026-11-03',
	});
	ids.review = await insertEvent({
		title: 'Review',
		startsAt: '2026-11-04T15:00:00Z',
		endsAt: '2026-11-04T16:00:00Z',
		calendarId: 'team@group.calendar.google.com',
		integrationId: other,
		visibility: 'subject',
	});
	await insertLink(database, WORKSPACE, {
		subjectType: 'calendar_event',
		subjectId: ids.review,
		recordType: 'company',
		recordId: globex,
		linkSource: 'manual',
	});
	ids.private = await insertEvent({
		title: 'Doctor',
		startsAt: '2026-11-05T08:00:00Z',
		endsAt: '2026-11-05T09:00:00Z',
		visibility: 'metadata',
	});
	ids.cancelled = await insertEvent({
		title: 'Cancelled sync',
		startsAt: '2026-11-03T08:00:00Z',
		endsAt: '2026-11-03T09:00:00Z',
		status: 'cancelled',
	});
	// A week-long conference that started before the range queried below.
	ids.conference = await insertEvent({
		title: 'Conference',
		startDate: '2026-10-30',
		endDate: '2026-11-06',
	});
	// Bob attends, but the user unlinked him.
	ids.unlinked = await insertEvent({
		title: 'Unlinked',
		startsAt: '2026-11-06T09:00:00Z',
		endsAt: '2026-11-06T10:00:00Z',
		attendees: [{ address: 'bob@globex.example', personId: bob }],
	});
	await insertLink(database, WORKSPACE, {
		subjectType: 'calendar_event',
		subjectId: ids.unlinked,
		recordType: 'person',
		recordId: bob,
		linkSource: 'suppressed',
	});
	await insertLink(database, WORKSPACE, {
		subjectType: 'calendar_event',
		subjectId: ids.unlinked,
		recordType: 'company',
		recordId: globex,
		linkSource: 'suppressed',
	});
	const foreign = await insertIntegration(database, OTHER_WORKSPACE, 'ana@acme.example');
	ids.foreign = await insertEvent({
		title: 'Foreign',
		startsAt: '2026-11-02T09:00:00Z',
		endsAt: '2026-11-02T10:00:00Z',
		integrationId: foreign,
		workspaceId: OTHER_WORKSPACE,
	});
});
afterAll(async () => {
	await test.drop();
});

const name = (id: string) => Object.keys(ids).find((key) => ids[key] === id);
async function listed(options: ListEventsOptions): Promise<Array<string | undefined>> {
	const page = await listEvents(test.database, WORKSPACE, { limit: 200, ...options });
	return page.items.map((item) => name(item.id));
}

it('lists in start order, all-day events at the start of their day, cancelled left out', async () => {
	expect(await listed({})).toEqual([
		'conference',
		'offsite',
		'kickoff',
		'review',
		'private',
		'unlinked',
	]);
	expect(await listed({ includeCancelled: true })).toEqual([
		'conference',
		'offsite',
		'kickoff',
		'cancelled',
		'review',
		'private',
		'unlinked',
	]);
});

it('a time range gives the events that overlap it', async () => {
	expect(await listed({ from: '2026-11-04T00:00:00Z', to: '2026-11-05T00:00:00Z' })).toEqual([
		'conference',
		'review',
	]);
	expect(await listed({ from: '2026-11-02', to: '2026-11-02' })).toEqual([
		'conference',
		'offsite',
		'kickoff',
	]);
	expect(await listed({ from: '2026-11-06T09:30:00Z' })).toEqual(['unlinked']);
	expect(await listed({ to: '2026-11-01' })).toEqual(['conference']);
});

it('filters by calendar, integration, person and company, honouring unlinks', async () => {
	expect(await listed({ calendarId: 'team@group.calendar.google.com' })).toEqual(['review']);
	expect(await listed({ integrationId: other })).toEqual(['review']);
	expect(await listed({ personId: bob })).toEqual(['kickoff']);
	expect(await listed({ companyId: globex })).toEqual(['kickoff', 'review']);
	expect(await listed({ companyId: globex, from: '2026-11-03' })).toEqual(['review']);
});

it('masks per visibility and outputs plain JSON records', async () => {
	const page = await listEvents(test.database, WORKSPACE, { from: '2026-11-04', to: '2026-11-05' });
	const events = Object.fromEntries(page.items.map((item) => [name(item.id), item]));
	expect(events.review).toMatchObject({
		title: 'Review',
		description: null,
		location: null,
		meetingLink: null,
		visibility: 'subject',
	});
	expect(events.conference).toMatchObject({
		title: 'Conference',
		description: 'About Conference',
		isAllDay: true,
		startDate: '2026-10-30',
		endDate: '2026-11-06',
		startsAt: null,
	});
	const doctor = await getEvent(test.database, WORKSPACE, ids.private);
	expect(doctor).toMatchObject({
		title: null,
		description: null,
		location: null,
		meetingLink: null,
		visibility: 'metadata',
	});
	expect(JSON.stringify(doctor)).not.toMatch(/Doctor|Room 1|meet\.example/);
	expect(JSON.parse(JSON.stringify(page))).toEqual(page);
});

it('gets one event with attendees and links; not another workspace', async () => {
	const kickoff = await getEvent(test.database, WORKSPACE, ids.kickoff);
	expect(kickoff).toMatchObject({
		title: 'Kickoff',
		startsAt: '2026-11-02T09:00:00.000Z',
		endsAt: '2026-11-02T10:00:00.000Z',
		startTimeZone: 'Europe/Berlin',
		calendarId: 'primary',
		organizer: { email: 'ana@acme.example', name: null },
		attendees: [
			{
				email: 'ana@acme.example',
				isOrganizer: true,
				responseStatus: 'accepted',
				personId: null,
				name: null,
				isOptional: false,
			},
			{
				email: 'bob@globex.example',
				isOrganizer: false,
				responseStatus: 'accepted',
				personId: bob,
				name: null,
				isOptional: false,
			},
		],
		links: [],
	});
	const review = await getEvent(test.database, WORKSPACE, ids.review);
	expect(review?.links).toEqual([
		{
			recordType: 'company',
			recordId: globex,
			linkSource: 'manual',
			name: 'Globex',
			email: null,
			domain: 'globex.example',
		},
	]);
	expect(await getEvent(test.database, OTHER_WORKSPACE, ids.kickoff)).toBeNull();
	expect(await getEvent(test.database, WORKSPACE, ids.foreign)).toBeNull();
	expect(await getEvent(test.database, WORKSPACE, 'nope')).toBeNull();
	const theirs = await listEvents(test.database, OTHER_WORKSPACE, {});
	expect(theirs.items.map((item) => item.id)).toEqual([ids.foreign]);
	expect(
		await listed({
			integrationId: (
				await test.database.knex('integrations').where({ workspace_id: OTHER_WORKSPACE }).first()
			).id,
		}),
	).toEqual([]);
});

it('pages with a keyset across equal starts without gaps or repeats', async () => {
	const workspace = '77777777-7777-4777-8777-777777777777';
	const own = await insertIntegration(test.database, workspace);
	for (let i = 0; i < 12; i++) {
		await insertEvent({
			workspaceId: workspace,
			integrationId: own,
			title: `same ${i}`,
			startsAt: '2026-11-10T09:00:00.000001Z',
			endsAt: '2026-11-10T10:00:00Z',
		});
	}
	for (let i = 0; i < 5; i++)
		await insertEvent({
			workspaceId: workspace,
			integrationId: own,
			title: `day ${i}`,
			startDate: `2026-11-1${i}`,
			endDate: `2026-11-2${i}`,
		});
	const expected = (
		await test.database.knex.raw<{ rows: Array<{ id: string }> }>(
			`select id from calendar_events where workspace_id = ? order by coalesce(starts_at, start_date::timestamp at time zone 'UTC'), id`,
			[workspace],
		)
	).rows.map((row) => row.id);
	for (const limit of [1, 4, 17]) {
		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const page: Awaited<ReturnType<typeof listEvents>> = await listEvents(
				test.database,
				workspace,
				{ limit, cursor },
			);
			seen.push(...page.items.map((item) => item.id));
			cursor = page.nextCursor;
		} while (cursor);
		expect(seen).toEqual(expected);
	}
	await expect(listEvents(test.database, workspace, { cursor: 'x' })).rejects.toThrow(
		QueryInputError,
	);
	await expect(listEvents(test.database, workspace, { personId: 'x' })).rejects.toThrow(
		QueryInputError,
	);
});
