// Deterministic data for the widget tests: workspace A with a connected Google account (the
// emulator's sandbox mailbox, visibility everything), 10,000+ emails in bulk, one hostile-HTML
// email, people and companies, calendar events this month (timed, all-day, multi-day), and a
// workspace B with its own account, so a token of A can be shown refused on B.
import type { Knex } from 'knex';

import {
	connectIntegration,
	setIntegrationStatus,
	updateIntegrationSettings,
	type IntegrationStatus,
} from '../../../core/store/integrations';
import type { TokenCipher } from '../../../core/security/tokenCipher';

export const WORKSPACE_A = '00000000-0000-4000-8000-000000000001';
export const WORKSPACE_B = '00000000-0000-4000-8000-000000000002';
export const USER_A = 'user-a@crm.example';
export const EMAIL_COUNT = 10_050;
export const HOSTILE_SUBJECT = 'Quarterly report (hostile HTML test)';

const COMPANIES = [
	['acme.example', 'Acme Corporation'],
	['globex.example', 'Globex'],
	['initech.example', 'Initech'],
	['umbrella.example', 'Umbrella Health'],
	['hooli.example', 'Hooli'],
	['stark.example', 'Stark Industries'],
	['wayne.example', 'Wayne Enterprises'],
	['tyrell.example', 'Tyrell Corporation'],
] as const;

const FIRST = [
	'Ada',
	'Grace',
	'Alan',
	'Edsger',
	'Barbara',
	'Ken',
	'Margaret',
	'Linus',
	'Radia',
	'Tim',
];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Hamilton'];
const TOPICS = [
	'Contract renewal',
	'Pricing question',
	'Onboarding call',
	'Invoice',
	'Product demo',
	'Support ticket',
	'Partnership proposal',
	'Meeting notes',
	'Roadmap update',
	'Security review',
];

export interface SeededPerson {
	id: string;
	email: string;
	fullName: string;
	companyId: string;
}

export interface SeedResult {
	integrationId: string;
	integrationIdB: string;
	people: SeededPerson[];
	companies: Array<{ id: string; domain: string; name: string }>;
	hostileEmailId: string;
	emailCount: number;
	eventCount: number;
}

export interface SeedOptions {
	cipher: TokenCipher;
	/** The emulator's sandbox account and a token it accepts (send and create go to it). */
	googleEmail: string;
	googleAccessToken: string;
	/** Origin of the counting server: the hostile email points every URL there. */
	foreignOrigin: string;
	/** Reference clock (the events are placed in its month). */
	now: Date;
}

/** A connected integration in `workspaceId` with the given status (test scenarios). */
export async function seedIntegration(
	knex: Knex,
	options: Pick<SeedOptions, 'cipher' | 'googleEmail' | 'googleAccessToken'> & {
		workspaceId: string;
		userId?: string;
		provider?: 'google' | 'microsoft';
		status?: IntegrationStatus;
		lastSuccessAt?: Date | null;
		progress?: { done: number; total: number | null } | null;
	},
): Promise<string> {
	const { integration } = await connectIntegration(knex, options.cipher, {
		workspaceId: options.workspaceId,
		userId: options.userId ?? USER_A,
		provider: options.provider ?? 'google',
		accountEmail: options.googleEmail,
		displayName: 'Sandbox User',
		grantedScopes: [
			'openid',
			'email',
			'https://www.googleapis.com/auth/gmail.modify',
			'https://www.googleapis.com/auth/gmail.send',
			'https://www.googleapis.com/auth/calendar',
		],
		tokens: {
			accessToken: options.googleAccessToken,
			refreshToken: 'sandbox-refresh-token',
			expiresAt: new Date(Date.now() + 20 * 24 * 3600 * 1000),
		},
	});
	const key = { workspaceId: options.workspaceId, id: integration.id };
	await updateIntegrationSettings(knex, key, { visibility: 'everything' });
	// Nothing schedules a sync in the test server: the data is the seed's.
	await knex('integrations')
		.where({ workspace_id: key.workspaceId, id: key.id })
		.update({
			next_sync_at: null,
			last_success_at:
				options.lastSuccessAt === undefined
					? new Date(Date.now() - 5 * 60_000)
					: options.lastSuccessAt,
		});
	const status = options.status ?? 'connected';
	if (status !== 'connected') {
		await setIntegrationStatus(knex, key, {
			status,
			errorClass:
				status === 'requires_reauth'
					? 'auth_revoked'
					: status === 'throttled'
						? 'throttled'
						: status === 'failed'
							? 'unknown'
							: null,
			errorMessage:
				status === 'requires_reauth'
					? 'Google refused the stored token (invalid_grant): reconnect the account'
					: status === 'throttled'
						? 'Google rate limit reached: sync resumes shortly'
						: status === 'failed'
							? 'Google answered 500 three times'
							: null,
			throttledUntil: status === 'throttled' ? new Date(Date.now() + 10 * 60_000) : null,
			nextSyncAt: null,
		});
	}
	if (options.progress) {
		await knex('sync_runs').insert({
			workspace_id: options.workspaceId,
			integration_id: integration.id,
			kind: 'initial',
			status: 'running',
			worker_id: 'widget-test-seed',
			started_at: new Date(),
			progress: JSON.stringify({ ...options.progress, source: 'mail' }),
		});
	}
	return integration.id;
}

function hostileHtml(foreign: string): string {
	return [
		`<meta http-equiv="refresh" content="0;url=${foreign}/meta-refresh">`,
		`<style>body{background:url('${foreign}/css-background')} @import url('${foreign}/css-import');</style>`,
		'<h1>Quarterly report</h1>',
		'<p>Revenue is <b>up</b> 12%. Details below.</p>',
		`<script>fetch('${foreign}/script-fetch');window.parent.__crmHostileRan=true;</script>`,
		`<img src="${foreign}/remote-image.png" alt="tracking pixel" onerror="window.parent.__crmHostileRan=true">`,
		`<img src="x" onerror="fetch('${foreign}/onerror')">`,
		`<a href="javascript:fetch('${foreign}/javascript-url')">Click me</a>`,
		`<a href="${foreign}/plain-link">A plain link</a>`,
		`<div style="background-image:url(${foreign}/inline-style)" onmouseover="fetch('${foreign}/onmouseover')">Hover</div>`,
		`<form action="${foreign}/form" method="post"><input name="password" value="secret"><button>Send</button></form>`,
		`<iframe src="${foreign}/iframe"></iframe>`,
		`<svg onload="fetch('${foreign}/svg-onload')"><circle r="4"></circle></svg>`,
		`<link rel="stylesheet" href="${foreign}/link-stylesheet">`,
		`<object data="${foreign}/object"></object>`,
		`<video poster="${foreign}/video-poster"></video>`,
	].join('\n');
}

/** Seeds both workspaces; one insert per table for the bulk mail (seconds, not minutes). */
export async function seedWidgetData(knex: Knex, options: SeedOptions): Promise<SeedResult> {
	const integrationId = await seedIntegration(knex, { ...options, workspaceId: WORKSPACE_A });
	const integrationIdB = await seedIntegration(knex, {
		...options,
		workspaceId: WORKSPACE_B,
		userId: 'user-b@crm.example',
	});

	const companies = (await knex('companies')
		.insert(
			COMPANIES.map(([domain, name]) => ({
				workspace_id: WORKSPACE_A,
				domain,
				name,
				classification: 'customer',
				source: 'manual',
			})),
		)
		.returning(['id', 'domain', 'name'])) as Array<{ id: string; domain: string; name: string }>;
	const peopleRows = [];
	for (let index = 0; index < 40; index++) {
		const first = FIRST[index % FIRST.length]!;
		const last = LAST[index % LAST.length]!;
		const company = companies[index % companies.length]!;
		peopleRows.push({
			workspace_id: WORKSPACE_A,
			email: `${first}.${last}${index}@${company.domain}`.toLowerCase(),
			full_name: `${first} ${last}`,
			job_title: index % 3 === 0 ? 'Head of Sales' : 'Engineer',
			company_id: company.id,
			classification: 'customer',
			source: 'manual',
		});
	}
	const people = (
		(await knex('people')
			.insert(peopleRows)
			.returning(['id', 'email', 'full_name', 'company_id'])) as Array<{
			id: string;
			email: string;
			full_name: string;
			company_id: string;
		}>
	).map((row) => ({
		id: row.id,
		email: row.email,
		fullName: row.full_name,
		companyId: row.company_id,
	}));
	// Workspace B has its own person, never visible from A.
	await knex('people').insert({
		workspace_id: WORKSPACE_B,
		email: 'only-in-b@other.example',
		full_name: 'Only In B',
		source: 'manual',
	});

	// The bulk mail: generated in SQL from a series, newest first every 37 minutes from the
	// reference time. Every third message is sent, every fourth unread, threads of three.
	const now = options.now;
	await knex.raw(
		`with people_list as (
			select row_number() over (order by email) - 1 as n, email, full_name from people where workspace_id = :ws
		), series as (
			select g as i from generate_series(1, :count) as g
		)
		insert into emails (workspace_id, internet_message_id, subject, snippet, from_email, from_name,
			to_recipients, body_text, body_html, sent_at, has_attachments, visibility)
		select :ws::uuid, '<seed-' || s.i || '@crm-connect.test>',
			(array[${TOPICS.map((topic) => `'${topic}'`).join(',')}])[1 + s.i % ${TOPICS.length}] || ' #' || s.i,
			'Message ' || s.i || ' about ' || (array[${TOPICS.map((topic) => `'${topic.toLowerCase()}'`).join(',')}])[1 + s.i % ${TOPICS.length}],
			case when s.i % 3 = 0 then :own::text else p.email end,
			case when s.i % 3 = 0 then 'Sandbox User' else p.full_name end,
			case when s.i % 3 = 0
				then jsonb_build_array(jsonb_build_object('name', p.full_name, 'email', p.email))
				else jsonb_build_array(jsonb_build_object('name', 'Sandbox User', 'email', :own::text)) end,
			'Hello,' || chr(10) || chr(10) || 'This is message ' || s.i || '.' || chr(10) || chr(10) || 'Regards',
			case when s.i % 5 = 0 then '<p>This is <b>message ' || s.i || '</b>.</p>' else null end,
			:now::timestamptz - (s.i * interval '37 minutes'),
			s.i % 11 = 0,
			'everything'
		from series as s join people_list as p on p.n = s.i % (select count(*) from people_list)`,
		{ ws: WORKSPACE_A, count: EMAIL_COUNT, own: options.googleEmail, now: now.toISOString() },
	);
	await knex.raw(
		`insert into mailbox_messages (workspace_id, email_id, integration_id, provider_message_id,
			provider_thread_id, labels, is_read, direction)
		select e.workspace_id, e.id, :integration::uuid, 'seed-' || substring(e.internet_message_id from '[0-9]+'),
			'thread-' || (substring(e.internet_message_id from '[0-9]+')::int / 3),
			case when e.from_email = :own::text then '["SENT"]'::jsonb
				when substring(e.internet_message_id from '[0-9]+')::int % 7 = 0 then '["INBOX","IMPORTANT"]'::jsonb
				else '["INBOX"]'::jsonb end,
			substring(e.internet_message_id from '[0-9]+')::int % 4 <> 0,
			case when e.from_email = :own::text then 'outgoing' else 'incoming' end
		from emails as e where e.workspace_id = :ws`,
		{ ws: WORKSPACE_A, integration: integrationId, own: options.googleEmail },
	);
	// One thread reaches far beyond the inbox's first page of 200: seed-9001 joins the thread of
	// the newest bulk emails (seed-1, seed-2), so only the API can show it in that thread.
	await knex('mailbox_messages')
		.where({ workspace_id: WORKSPACE_A, provider_message_id: 'seed-9001' })
		.update({ provider_thread_id: 'thread-0' });
	await knex.raw(
		`insert into email_participants (workspace_id, email_id, role, address, display_name, person_id)
		select e.workspace_id, e.id, 'from', e.from_email, e.from_name, p.id
		from emails as e left join people as p on p.workspace_id = e.workspace_id and p.email = e.from_email
		where e.workspace_id = :ws
		union all
		select e.workspace_id, e.id, 'to', r->>'email', r->>'name', p.id
		from emails as e cross join lateral jsonb_array_elements(e.to_recipients) as r
			left join people as p on p.workspace_id = e.workspace_id and p.email = r->>'email'
		where e.workspace_id = :ws`,
		{ ws: WORKSPACE_A },
	);

	// The hostile email: the newest of the inbox, unread.
	const hostilePerson = people[0]!;
	const [hostile] = (await knex('emails')
		.insert({
			workspace_id: WORKSPACE_A,
			internet_message_id: '<hostile@crm-connect.test>',
			subject: HOSTILE_SUBJECT,
			snippet: 'Revenue is up 12%. Details below.',
			from_email: hostilePerson.email,
			from_name: hostilePerson.fullName,
			to_recipients: JSON.stringify([{ name: 'Sandbox User', email: options.googleEmail }]),
			body_text: 'Quarterly report\n\nRevenue is up 12%. Details below.',
			body_html: hostileHtml(options.foreignOrigin),
			sent_at: new Date(now.getTime() - 60_000),
			visibility: 'everything',
		})
		.returning('id')) as Array<{ id: string }>;
	await knex('mailbox_messages').insert({
		workspace_id: WORKSPACE_A,
		email_id: hostile!.id,
		integration_id: integrationId,
		provider_message_id: 'seed-hostile',
		provider_thread_id: 'thread-hostile',
		labels: JSON.stringify(['INBOX']),
		is_read: false,
		direction: 'incoming',
	});
	await knex('email_participants').insert([
		{
			workspace_id: WORKSPACE_A,
			email_id: hostile!.id,
			role: 'from',
			address: hostilePerson.email,
			display_name: hostilePerson.fullName,
			person_id: hostilePerson.id,
		},
		{
			workspace_id: WORKSPACE_A,
			email_id: hostile!.id,
			role: 'to',
			address: options.googleEmail,
			display_name: 'Sandbox User',
		},
	]);

	// Workspace B: a few emails of its own.
	await knex.raw(
		`insert into emails (workspace_id, internet_message_id, subject, from_email, from_name, sent_at, visibility)
		select :ws::uuid, '<b-' || g || '@crm-connect.test>', 'Workspace B secret ' || g, 'only-in-b@other.example',
			'Only In B', :now::timestamptz - g * interval '1 hour', 'everything'
		from generate_series(1, 5) as g`,
		{ ws: WORKSPACE_B, now: now.toISOString() },
	);
	await knex.raw(
		`insert into mailbox_messages (workspace_id, email_id, integration_id, provider_message_id, labels, is_read, direction)
		select workspace_id, id, :integration::uuid, internet_message_id, '["INBOX"]'::jsonb, false, 'incoming'
		from emails where workspace_id = :ws`,
		{ ws: WORKSPACE_B, integration: integrationIdB },
	);

	const eventCount = await seedEvents(knex, integrationId, people, now);
	return {
		integrationId,
		integrationIdB,
		people,
		companies,
		hostileEmailId: hostile!.id,
		emailCount: EMAIL_COUNT + 1,
		eventCount,
	};
}

const day = (year: number, month: number, date: number) =>
	new Date(Date.UTC(year, month, date)).toISOString().slice(0, 10);
const at = (year: number, month: number, date: number, hour: number, minute = 0) =>
	new Date(Date.UTC(year, month, date, hour, minute));

/** Events of the reference month (UTC): timed ones on weekdays, all-day, multi-day, a cancelled one. */
async function seedEvents(
	knex: Knex,
	integrationId: string,
	people: SeededPerson[],
	now: Date,
): Promise<number> {
	const year = now.getUTCFullYear();
	const month = now.getUTCMonth();
	const attendee = (person: SeededPerson, status = 'accepted') => ({
		email: person.email,
		name: person.fullName,
		responseStatus: status,
		optional: false,
		organizer: false,
	});
	const base = {
		workspace_id: WORKSPACE_A,
		integration_id: integrationId,
		provider_calendar_id: 'primary',
		visibility: 'everything',
		status: 'confirmed',
		organizer_email: 'sandbox@crm-connect.test',
		organizer_name: 'Sandbox User',
	};
	const rows: Array<Record<string, unknown>> = [];
	for (let date = 1; date <= 28; date++) {
		const weekday = new Date(Date.UTC(year, month, date)).getUTCDay();
		if (weekday === 0 || weekday === 6) continue;
		const person = people[date % people.length]!;
		rows.push({
			...base,
			provider_event_id: `seed-standup-${date}`,
			ical_uid: `seed-standup-${date}@crm-connect.test`,
			title: 'Team standup',
			starts_at: at(year, month, date, 9),
			ends_at: at(year, month, date, 9, 15),
			start_time_zone: 'UTC',
			end_time_zone: 'UTC',
			attendees: JSON.stringify([attendee(person)]),
		});
		if (date % 3 === 0) {
			rows.push({
				...base,
				provider_event_id: `seed-call-${date}`,
				ical_uid: `seed-call-${date}@crm-connect.test`,
				title: `Call with ${person.fullName}`,
				description: 'Discuss the renewal and next steps.',
				location: 'Video call',
				meeting_link: `https://meet.google.com/abc-defg-${String(date).padStart(3, '0')}`,
				starts_at: at(year, month, date, 14),
				ends_at: at(year, month, date, 15),
				start_time_zone: 'Europe/Berlin',
				end_time_zone: 'Europe/Berlin',
				attendees: JSON.stringify([
					attendee(person),
					attendee(people[(date + 1) % people.length]!, 'tentative'),
				]),
			});
		}
	}
	rows.push(
		{
			...base,
			provider_event_id: 'seed-all-day',
			ical_uid: 'seed-all-day@crm-connect.test',
			title: 'Company holiday',
			is_all_day: true,
			start_date: day(year, month, 10),
			end_date: day(year, month, 11),
		},
		{
			...base,
			provider_event_id: 'seed-multi-day',
			ical_uid: 'seed-multi-day@crm-connect.test',
			title: 'Sales offsite',
			location: 'Lisbon',
			is_all_day: true,
			start_date: day(year, month, 15),
			end_date: day(year, month, 18),
		},
		{
			...base,
			provider_event_id: 'seed-overnight',
			ical_uid: 'seed-overnight@crm-connect.test',
			title: 'Data migration window',
			starts_at: at(year, month, 20, 22),
			ends_at: at(year, month, 21, 4),
			start_time_zone: 'UTC',
			end_time_zone: 'UTC',
		},
		{
			...base,
			provider_event_id: 'seed-cancelled',
			title: 'Cancelled meeting',
			status: 'cancelled',
			starts_at: at(year, month, 12, 11),
			ends_at: at(year, month, 12, 12),
		},
	);
	await knex('calendar_events').insert(rows);
	// The attendees as the calendar sync stores them: one row each (what the API reads), matched to
	// people by address.
	await knex.raw(
		`insert into calendar_event_attendees (workspace_id, event_id, address, display_name,
			response_status, is_organizer, is_optional, person_id)
		select e.workspace_id, e.id, a->>'email', a->>'name', a->>'responseStatus',
			coalesce((a->>'organizer')::boolean, false), coalesce((a->>'optional')::boolean, false), p.id
		from calendar_events as e cross join lateral jsonb_array_elements(e.attendees) as a
			left join people as p on p.workspace_id = e.workspace_id and p.email = a->>'email'
		where e.workspace_id = :ws`,
		{ ws: WORKSPACE_A },
	);
	return rows.length;
}
