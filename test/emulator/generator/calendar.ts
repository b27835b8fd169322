// Deterministic calendars: a primary calendar, a team calendar the owner can write to and a
// colleague's calendar shared read-only. Event k of calendar c is a pure function of
// (seed, c, k); recurring masters may add an exception instance and a cancelled instance.

import type {
	CalendarSet,
	CalendarSetOptions,
	EventTime,
	GeneratedAddress,
	GeneratedCalendar,
	GeneratedEvent,
} from './index';
import { DEFAULT_NEWEST } from './mailbox';
import { businessContactAt } from './people';
import { Rng, Stream, hashSeed, rngFor } from './prng';

const DAY_MS = 86400000;
const HOME_ZONE = 'Europe/Berlin';
const ZONES = ['America/New_York', 'Asia/Tokyo', 'Europe/London'];

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC that `zone` observes at the instant `utcMs`. */
export function zoneOffsetMinutes(zone: string, utcMs: number): number {
	let f = formatters.get(zone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(zone, f);
	}
	const p: Record<string, number> = {};
	for (const part of f.formatToParts(new Date(utcMs)))
		if (part.type !== 'literal') p[part.type] = Number(part.value);
	const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
	return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/** The UTC instant of a wall-clock time in `zone` (two passes settle DST transitions). */
export function zonedToUtc(
	zone: string,
	y: number,
	mo: number,
	d: number,
	h: number,
	mi: number,
): number {
	const wall = Date.UTC(y, mo, d, h, mi);
	let utc = wall - zoneOffsetMinutes(zone, wall) * 60000;
	utc = wall - zoneOffsetMinutes(zone, utc) * 60000;
	return utc;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** RFC 3339 with the zone's offset at that instant, as Google writes event times. */
export function rfc3339InZone(utcMs: number, zone: string): string {
	const off = zoneOffsetMinutes(zone, utcMs);
	const d = new Date(utcMs + off * 60000);
	const sign = off < 0 ? '-' : '+';
	const abs = Math.abs(off);
	return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const dateOnly = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const basicUtc = (ms: number) =>
	new Date(ms)
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');

function base32hexId(rng: Rng, length: number): string {
	const alphabet = 'abcdefghijklmnopqrstuv0123456789';
	let s = '';
	for (let i = 0; i < length; i++) s += alphabet[rng.int(32)];
	return s;
}

function meetCode(rng: Rng): string {
	const letters = (n: number) =>
		Array.from({ length: n }, () => String.fromCharCode(97 + rng.int(26))).join('');
	return `${letters(3)}-${letters(4)}-${letters(3)}`;
}

const TIMED_SUMMARIES = [
	'Weekly sync',
	'Quarterly review with {company}',
	'1:1 {ownerFirst} / {name}',
	'Design review',
	'Lunch with {name}',
	'Call with the Tokyo office',
	'Customer demo – {company}',
	'Budget planning',
	'Interview: Senior Engineer',
	'Kick-off {company}',
	'Abstimmung Angebot {company}',
	'Point hebdo équipe',
	'打ち合わせ（{company}）',
];
const ALL_DAY_SUMMARIES = [
	'Company offsite',
	'Public holiday',
	'Vacation',
	'Trade fair – Hannover',
	'Team building day',
	'Conference: CRM Summit',
];
const LOCATIONS = [
	'Room 4.12 (Berlin HQ)',
	'Musterstraße 5, 10115 Berlin, Deutschland',
	'Café Example, 3 Sample Lane, London EC1A 1AA',
	'東京オフィス 会議室A',
	'1200 Example Street, New York, NY 10013',
	'Salle Lumière, 12 rue de l’Exemple, 75002 Paris',
];
const RESPONSES = ['needsAction', 'declined', 'tentative', 'accepted'] as const;

type Kind = 'timed' | 'all-day' | 'weekly' | 'monthly' | 'cancelled' | 'tentative';

export class GeneratedCalendarSet implements CalendarSet {
	readonly calendars: GeneratedCalendar[];
	private readonly seedHash: number;
	private readonly owner: GeneratedAddress;
	private readonly around: number;
	private readonly perCalendar: number;
	private readonly colleague: { name: string; email: string };

	constructor(options: CalendarSetOptions) {
		this.seedHash = hashSeed(options.seed);
		this.owner = options.owner;
		this.around = options.around?.getTime() ?? DEFAULT_NEWEST;
		this.perCalendar = options.eventsPerCalendar ?? 80;
		const rng = rngFor(this.seedHash, Stream.Calendar, 0);
		const c = businessContactAt(this.seedHash, 1_000_000 + rng.int(1000));
		this.colleague = { name: c.fullName, email: c.email };
		this.calendars = [
			{
				id: options.owner.email,
				summary: options.owner.email,
				timeZone: HOME_ZONE,
				accessRole: 'owner',
				primary: true,
				backgroundColor: '#9fe1e7',
			},
			{
				id: `c_${rng.hex(24)}@group.calendar.google.com`,
				summary: 'Team Sales',
				timeZone: HOME_ZONE,
				accessRole: 'writer',
				backgroundColor: '#f691b2',
			},
			{
				id: c.email,
				summary: c.fullName,
				timeZone: 'America/New_York',
				accessRole: 'reader',
				backgroundColor: '#cca6ac',
			},
		];
	}

	events(calendarId: string): GeneratedEvent[] {
		const ci = this.calendars.findIndex((c) => c.id === calendarId);
		if (ci < 0) return [];
		const out: GeneratedEvent[] = [];
		for (let k = 0; k < this.perCalendar; k++) out.push(...this.eventAt(ci, k));
		return out;
	}

	/** Event k of calendar ci, plus the exception instances of a recurring master. */
	private eventAt(ci: number, k: number): GeneratedEvent[] {
		const cal = this.calendars[ci];
		const rng = rngFor(this.seedHash, Stream.Event, ci * 1_000_000 + k);
		// The first events of each calendar cover every kind, so small sets still have them all.
		const kinds: Kind[] = ['timed', 'all-day', 'weekly', 'monthly', 'cancelled', 'tentative'];
		const kind: Kind =
			k < kinds.length
				? kinds[k]
				: rng.weighted<Kind>([
						['timed', 58],
						['all-day', 14],
						['weekly', 9],
						['monthly', 5],
						['cancelled', 8],
						['tentative', 3],
					]);
		const id = base32hexId(rng, 26);
		const contact = businessContactAt(this.seedHash, 2_000_000 + rng.int(300));
		const ownerFirst = (this.owner.name ?? this.owner.email).split(/[\s@]/)[0];
		const fill = (s: string) =>
			s
				.replace('{company}', contact.company)
				.replace('{name}', contact.first)
				.replace('{ownerFirst}', ownerFirst);
		const dayOffset =
			kind === 'weekly' || kind === 'monthly' ? -rng.range(30, 90) : rng.range(-60, 60);
		const base = new Date(this.around + dayOffset * DAY_MS);
		const y = base.getUTCFullYear();
		const mo = base.getUTCMonth();
		const d = kind === 'monthly' ? Math.min(base.getUTCDate(), 28) : base.getUTCDate();

		// Organizer: on the primary mostly the owner; on the team calendar the calendar itself;
		// on the shared calendar its owner (the colleague).
		let organizer: GeneratedEvent['organizer'];
		const ownerIsOrganizer = ci === 0 ? rng.chance(0.7) : false;
		if (ci === 0)
			organizer = ownerIsOrganizer
				? { email: this.owner.email, displayName: this.owner.name, self: true }
				: { email: contact.email, displayName: contact.fullName };
		else if (ci === 1) organizer = { email: cal.id, displayName: cal.summary, self: true };
		else organizer = { email: this.colleague.email, displayName: this.colleague.name };

		const attendees: GeneratedEvent['attendees'] = [];
		if (kind !== 'all-day' && rng.chance(0.8)) {
			const others = rng.range(1, 5);
			attendees.push({
				email: this.owner.email,
				displayName: this.owner.name,
				self: true,
				organizer: ownerIsOrganizer || undefined,
				responseStatus: ownerIsOrganizer ? 'accepted' : rng.pick(RESPONSES),
			});
			if (!ownerIsOrganizer && ci !== 1)
				attendees.push({
					email: organizer.email,
					displayName: organizer.displayName,
					organizer: true,
					responseStatus: 'accepted',
				});
			for (let a = 0; a < others; a++) {
				const p = businessContactAt(this.seedHash, 2_000_000 + rng.int(300));
				if (attendees.some((x) => x.email === p.email)) continue;
				attendees.push({
					email: p.email,
					displayName: rng.chance(0.7) ? p.fullName : undefined,
					responseStatus: rng.pick(RESPONSES),
					optional: rng.chance(0.15) || undefined,
				});
			}
		}
		const clean = <T extends object>(o: T): T => {
			for (const key of Object.keys(o) as (keyof T)[]) if (o[key] === undefined) delete o[key];
			return o;
		};
		attendees.forEach(clean);

		const createdMs =
			Math.min(base.getTime(), this.around) - rng.range(2, 40) * DAY_MS - rng.int(DAY_MS);
		const updatedMs = createdMs + rng.int(3 * DAY_MS);
		const common = {
			calendarId: cal.id,
			iCalUID: `${id}@google.com`,
			organizer: clean(organizer),
			attendees,
			created: new Date(createdMs).toISOString(),
			updated: new Date(updatedMs).toISOString(),
			sequence: rng.int(3),
		};

		if (kind === 'all-day') {
			const days = rng.weighted([
				[1, 6],
				[2, 2],
				[3, 1],
				[5, 1],
			] as const);
			const startMs = Date.UTC(y, mo, d);
			const ev: GeneratedEvent = {
				id,
				status: 'confirmed',
				summary: rng.pick(ALL_DAY_SUMMARIES),
				start: { date: dateOnly(startMs) },
				end: { date: dateOnly(startMs + days * DAY_MS) }, // exclusive, as Google stores it
				...common,
			};
			return [ev];
		}

		const zone = rng.weighted([
			[cal.timeZone, 55],
			[ZONES[0], 15],
			[ZONES[1], 12],
			[ZONES[2], 18],
		] as const);
		const hour = rng.range(8, 17);
		const minute = rng.pick([0, 0, 15, 30, 45]);
		const durationMin = rng.pick([30, 30, 45, 60, 60, 90]);
		const startUtc = zonedToUtc(zone, y, mo, d, hour, minute);
		const at = (utc: number): EventTime => ({ dateTime: rfc3339InZone(utc, zone), timeZone: zone });
		const ev: GeneratedEvent = {
			id,
			status: kind === 'cancelled' ? 'cancelled' : kind === 'tentative' ? 'tentative' : 'confirmed',
			summary: fill(
				kind === 'weekly'
					? rng.pick(['Weekly sync', 'Team stand-up', 'Pipeline review'])
					: kind === 'monthly'
						? rng.pick(['Monthly business review', 'Invoice run', 'Board prep'])
						: rng.pick(TIMED_SUMMARIES),
			),
			start: at(startUtc),
			end: at(startUtc + durationMin * 60000),
			...common,
		};
		if (rng.chance(0.4))
			ev.description = fill(
				rng.pick([
					'Agenda:\n1. Status\n2. Risks\n3. Next steps',
					'Dial-in details below.',
					'Please review the deck beforehand.',
					'Bitte Unterlagen vorab lesen.',
				]),
			);
		if (rng.chance(0.35)) ev.location = rng.pick(LOCATIONS);
		if (kind !== 'cancelled' && rng.chance(0.4)) {
			const code = meetCode(rng);
			const uri = `https://meet.google.com/${code}`;
			ev.conferenceData = {
				conferenceId: code,
				entryPoints: [{ entryPointType: 'video', uri, label: `meet.google.com/${code}` }],
				conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet' },
			};
			ev.hangoutLink = uri;
		}
		if (kind !== 'weekly' && kind !== 'monthly') return [ev];

		// Recurring master, with the local wall-clock time kept across DST changes.
		const weekday = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'][
			new Date(Date.UTC(y, mo, d)).getUTCDay()
		];
		const limit = rng.weighted([
			['', 2],
			[';COUNT=20', 1],
			[`;UNTIL=${basicUtc(this.around + 120 * DAY_MS)}`, 1],
		] as const);
		ev.recurrence = [
			kind === 'weekly'
				? `RRULE:FREQ=WEEKLY;BYDAY=${weekday}${limit}`
				: `RRULE:FREQ=MONTHLY;BYMONTHDAY=${d}${limit}`,
		];
		const occurrence = (n: number) =>
			kind === 'weekly'
				? zonedToUtc(zone, y, mo, d + 7 * n, hour, minute)
				: zonedToUtc(zone, y, mo + n, d, hour, minute);
		const instances: GeneratedEvent[] = [ev];
		const instance = (n: number): GeneratedEvent => {
			const original = occurrence(n);
			return {
				...ev,
				id: `${id}_${basicUtc(original)}`,
				recurrence: undefined,
				recurringEventId: id,
				originalStartTime: at(original),
				start: at(original),
				end: at(original + durationMin * 60000),
				attendees: ev.attendees.map((a) => ({ ...a })),
			};
		};
		if (k < kinds.length || rng.chance(0.6)) {
			// Moved by an hour and retitled: the classic edited single occurrence.
			const moved = instance(2);
			const shifted = occurrence(2) + 3600000;
			moved.start = at(shifted);
			moved.end = at(shifted + durationMin * 60000);
			moved.summary = `${ev.summary} (moved)`;
			moved.sequence = ev.sequence + 1;
			delete moved.recurrence;
			instances.push(clean(moved));
		}
		if (k < kinds.length || rng.chance(0.35)) {
			const cancelled = instance(3);
			cancelled.status = 'cancelled';
			delete cancelled.recurrence;
			instances.push(clean(cancelled));
		}
		return instances;
	}
}
