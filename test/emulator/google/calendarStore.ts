// Per-account Calendar state: generated events stay as the generator made them; inserts, changes
// and deletions live in an overlay keyed by event id, each stamped with a change sequence number.
// A sync token is (calendar, sequence, cursor generation): an incremental list returns overlay
// entries with a higher sequence, and control.expireCursors(email, 'calendar') bumps the
// generation so every older token answers 410 fullSyncRequired.

import { createHash } from 'node:crypto';

import type { Account } from '../core/state';
import type { GeneratedCalendar, GeneratedEvent } from '../generator';
import { decodeToken, encodeToken } from './gmailEncoding';
import type { EventTime } from './calendarRecurrence';

export interface Attendee {
	email: string;
	displayName?: string;
	responseStatus: 'needsAction' | 'declined' | 'tentative' | 'accepted';
	organizer?: boolean;
	self?: boolean;
	optional?: boolean;
	comment?: string;
	additionalGuests?: number;
}

/** An event resource as the API returns it (fields in the API's order where it matters). */
export interface EventResource {
	kind: 'calendar#event';
	etag: string;
	id: string;
	status: 'confirmed' | 'tentative' | 'cancelled';
	htmlLink?: string;
	created?: string;
	updated?: string;
	summary?: string;
	description?: string;
	location?: string;
	colorId?: string;
	creator?: { email: string; displayName?: string; self?: boolean };
	organizer?: { email: string; displayName?: string; self?: boolean };
	start?: EventTime;
	end?: EventTime;
	endTimeUnspecified?: boolean;
	recurrence?: string[];
	recurringEventId?: string;
	originalStartTime?: EventTime;
	transparency?: string;
	visibility?: string;
	iCalUID?: string;
	sequence?: number;
	attendees?: Attendee[];
	hangoutLink?: string;
	conferenceData?: Record<string, unknown>;
	reminders?: { useDefault: boolean; overrides?: { method: string; minutes: number }[] };
	eventType?: string;
	[key: string]: unknown;
}

export interface StoredEvent {
	resource: EventResource;
	changeSeq: number;
	/** Deleted through the API: incremental results show a tombstone. */
	deleted: boolean;
}

export interface SyncTokenContent {
	c: string; // calendar id ('' for the calendar list)
	s: number; // change sequence at the time of the listing
	g: number; // cursor generation
}

export function etagFor(updated: string | undefined, seq: number): string {
	return `"${Date.parse(updated ?? '1970-01-01T00:00:00Z') * 1000 + (seq % 1000)}"`;
}

function compact<T extends Record<string, unknown>>(o: T): T {
	for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
	return o;
}

export function htmlLinkFor(eventId: string, calendarId: string): string {
	const eid = Buffer.from(`${eventId} ${calendarId}`).toString('base64').replace(/=+$/, '');
	return `https://www.google.com/calendar/event?eid=${eid}`;
}

export function resourceFromGenerated(e: GeneratedEvent): EventResource {
	return compact({
		kind: 'calendar#event' as const,
		etag: etagFor(e.updated, e.sequence),
		id: e.id,
		status: e.status,
		htmlLink: htmlLinkFor(e.id, e.calendarId),
		created: e.created,
		updated: e.updated,
		summary: e.summary,
		description: e.description,
		location: e.location,
		creator: { ...e.organizer },
		organizer: { ...e.organizer },
		start: { ...e.start },
		end: { ...e.end },
		recurrence: e.recurrence ? [...e.recurrence] : undefined,
		recurringEventId: e.recurringEventId,
		originalStartTime: e.originalStartTime ? { ...e.originalStartTime } : undefined,
		iCalUID: e.iCalUID,
		sequence: e.sequence,
		attendees: e.attendees.length > 0 ? e.attendees.map((a) => ({ ...a })) : undefined,
		hangoutLink: e.hangoutLink,
		conferenceData: e.conferenceData ? structuredClone(e.conferenceData) : undefined,
		reminders: { useDefault: true },
		eventType: 'default',
	});
}

export class CalendarAccountState {
	seq = 0;
	private readonly overlay = new Map<string, Map<string, StoredEvent>>();
	private readonly generatedCache = new Map<string, EventResource[]>();
	private idCounter = 0;

	constructor(private readonly account: Account) {}

	static of(account: Account): CalendarAccountState {
		let state = account.surfaceState.get('calendar') as CalendarAccountState | undefined;
		if (!state) {
			state = new CalendarAccountState(account);
			account.surfaceState.set('calendar', state);
		}
		return state;
	}

	get generation(): number {
		return this.account.cursorGeneration.calendar ?? 0;
	}

	get owner(): string {
		return this.account.email;
	}

	calendars(): GeneratedCalendar[] {
		return this.account.calendars.calendars;
	}

	/** 'primary' and the owner's address both name the primary calendar. */
	calendar(id: string): GeneratedCalendar | undefined {
		const list = this.calendars();
		if (id === 'primary') return list.find((c) => c.primary) ?? list[0];
		return list.find((c) => c.id.toLowerCase() === id.toLowerCase());
	}

	private generated(calendarId: string): EventResource[] {
		let cached = this.generatedCache.get(calendarId);
		if (!cached) {
			cached = this.account.calendars.events(calendarId).map(resourceFromGenerated);
			this.generatedCache.set(calendarId, cached);
		}
		return cached;
	}

	private overlayOf(calendarId: string): Map<string, StoredEvent> {
		let o = this.overlay.get(calendarId);
		if (!o) {
			o = new Map();
			this.overlay.set(calendarId, o);
		}
		return o;
	}

	/** Every event of a calendar (masters, single events, exceptions), overlay applied. */
	events(calendarId: string): { resource: EventResource; changeSeq: number; deleted: boolean }[] {
		const overlay = this.overlayOf(calendarId);
		const out: { resource: EventResource; changeSeq: number; deleted: boolean }[] = [];
		const seen = new Set<string>();
		for (const r of this.generated(calendarId)) {
			const o = overlay.get(r.id);
			out.push(o ?? { resource: r, changeSeq: 0, deleted: false });
			seen.add(r.id);
		}
		for (const [id, o] of overlay) {
			if (!seen.has(id)) out.push(o);
		}
		return out;
	}

	find(
		calendarId: string,
		eventId: string,
	): { resource: EventResource; changeSeq: number; deleted: boolean } | undefined {
		const o = this.overlayOf(calendarId).get(eventId);
		if (o) return o;
		const g = this.generated(calendarId).find((r) => r.id === eventId);
		return g ? { resource: g, changeSeq: 0, deleted: false } : undefined;
	}

	/** Stores a new version of an event (insert, patch, update, delete, outside change). */
	put(calendarId: string, resource: EventResource, deleted = false): StoredEvent {
		this.seq += 1;
		const stored: StoredEvent = { resource, changeSeq: this.seq, deleted };
		this.overlayOf(calendarId).set(resource.id, stored);
		return stored;
	}

	changedSince(calendarId: string, seq: number): StoredEvent[] {
		return [...this.overlayOf(calendarId).values()]
			.filter((e) => e.changeSeq > seq)
			.sort((a, b) => a.changeSeq - b.changeSeq);
	}

	newEventId(): string {
		for (;;) {
			this.idCounter += 1;
			// Event ids use base32hex characters (a-v, 0-9), as the API requires.
			const digest = createHash('sha1')
				.update(`${this.account.email}\u0000event\u0000${this.idCounter}`)
				.digest();
			let id = '';
			for (let i = 0; i < 26; i++)
				id += '0123456789abcdefghijklmnopqrstuv'[digest[i % digest.length] & 31];
			if (!this.calendars().some((c) => this.find(c.id, id))) return id;
		}
	}

	syncToken(calendarId: string, seq = this.seq): string {
		return (
			'CP' + encodeToken({ c: calendarId, s: seq, g: this.generation } satisfies SyncTokenContent)
		);
	}

	/** undefined = malformed; 'expired' = older generation (410). */
	readSyncToken(token: string, calendarId: string): SyncTokenContent | 'expired' | undefined {
		if (!token.startsWith('CP')) return undefined;
		const content = decodeToken<SyncTokenContent>(token.slice(2));
		if (!content || typeof content.s !== 'number' || content.c !== calendarId) return undefined;
		if (content.g !== this.generation || content.s > this.seq) return 'expired';
		return content;
	}
}
