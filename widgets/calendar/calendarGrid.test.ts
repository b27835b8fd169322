// The calendar's pure date math, run in Chromium (its Intl and time-zone data are the ones the
// widget uses).
import { expect } from '@open-wc/testing';
import {
	addDays,
	addMonths,
	daysBetween,
	eventSpan,
	eventsByDay,
	isPlainDate,
	isSpanning,
	isTimeZone,
	layoutDay,
	queryRange,
	rangeTitle,
	shiftDate,
	startOfWeek,
	todayIn,
	visibleRange,
	zonedParts,
	zonedToInstant,
	type PlaceableEvent,
} from './calendarGrid';

const timed = (startsAt: string, endsAt: string): PlaceableEvent => ({
	isAllDay: false,
	startsAt,
	endsAt,
	startDate: null,
	endDate: null,
});
const allDay = (startDate: string, endDate: string): PlaceableEvent => ({
	isAllDay: true,
	startsAt: null,
	endsAt: null,
	startDate,
	endDate,
});

describe('calendarGrid', () => {
	it('does day arithmetic on plain dates, across months, years and leap days', () => {
		expect(addDays('2026-12-31', 1)).to.equal('2027-01-01');
		expect(addDays('2024-03-01', -1)).to.equal('2024-02-29');
		expect(addMonths('2026-01-31', 1)).to.equal('2026-02-28');
		expect(addMonths('2024-01-31', 1)).to.equal('2024-02-29');
		expect(addMonths('2026-03-31', -1)).to.equal('2026-02-28');
		expect(addMonths('2026-12-15', 1)).to.equal('2027-01-15');
		expect(daysBetween('2026-12-30', '2027-01-02')).to.equal(3);
		expect(isPlainDate('2026-02-30')).to.equal(false);
		expect(isPlainDate('2026-02-28')).to.equal(true);
		expect(isPlainDate('2026-2-28')).to.equal(false);
	});

	it('lays out whole weeks around a month for any first weekday', () => {
		// 1 Dec 2026 is a Tuesday, 1 Jan 2027 a Friday.
		expect(visibleRange('month', '2026-12-17', 1)).to.deep.equal({
			start: '2026-11-30',
			end: '2027-01-04',
		});
		expect(visibleRange('month', '2026-12-17', 0)).to.deep.equal({
			start: '2026-11-29',
			end: '2027-01-03',
		});
		// February 2026 starts on a Sunday and fills exactly four weeks.
		expect(visibleRange('month', '2026-02-10', 0)).to.deep.equal({
			start: '2026-02-01',
			end: '2026-03-01',
		});
		expect(visibleRange('week', '2026-12-03', 1)).to.deep.equal({
			start: '2026-11-30',
			end: '2026-12-07',
		});
		expect(visibleRange('day', '2026-12-03', 1)).to.deep.equal({
			start: '2026-12-03',
			end: '2026-12-04',
		});
		expect(startOfWeek('2026-12-06', 1)).to.equal('2026-11-30');
		expect(startOfWeek('2026-12-06', 0)).to.equal('2026-12-06');
		expect(shiftDate('month', '2026-01-31', 1)).to.equal('2026-02-28');
		expect(shiftDate('week', '2026-12-03', -1)).to.equal('2026-11-26');
		expect(shiftDate('day', '2026-12-31', 1)).to.equal('2027-01-01');
	});

	it('places an instant on the day and minute of a zone', () => {
		const instant = Date.parse('2026-12-15T10:30:00Z');
		expect(zonedParts(instant, 'Pacific/Kiritimati')).to.deep.equal({
			date: '2026-12-16',
			minutes: 30,
		});
		expect(zonedParts(instant, 'America/Los_Angeles')).to.deep.equal({
			date: '2026-12-15',
			minutes: 150,
		});
		expect(zonedParts(instant, 'UTC')).to.deep.equal({ date: '2026-12-15', minutes: 630 });
		expect(todayIn('Pacific/Kiritimati', instant)).to.equal('2026-12-16');
		// Berlin springs forward at 01:00 UTC on 29 March 2026: 01:59 CET, then 03:00 CEST.
		expect(zonedParts(Date.parse('2026-03-29T00:59:00Z'), 'Europe/Berlin')).to.deep.equal({
			date: '2026-03-29',
			minutes: 119,
		});
		expect(zonedParts(Date.parse('2026-03-29T01:00:00Z'), 'Europe/Berlin')).to.deep.equal({
			date: '2026-03-29',
			minutes: 180,
		});
		// India is 5:30 ahead, Nepal 5:45.
		expect(zonedParts(Date.parse('2026-12-15T18:30:00Z'), 'Asia/Kolkata').date).to.equal(
			'2026-12-16',
		);
		expect(zonedParts(Date.parse('2026-12-15T18:14:59Z'), 'Asia/Kathmandu')).to.deep.equal({
			date: '2026-12-15',
			minutes: 1439,
		});
		expect(isTimeZone('Europe/Berlin')).to.equal(true);
		expect(isTimeZone('Mars/Olympus_Mons')).to.equal(false);
	});

	it('turns a wall time of a zone into its instant, across daylight-saving changes', () => {
		const iso = (ms: number) => new Date(ms).toISOString();
		expect(iso(zonedToInstant('2026-12-15', 9 * 60, 'Europe/Berlin'))).to.equal(
			'2026-12-15T08:00:00.000Z',
		);
		expect(iso(zonedToInstant('2026-07-15', 9 * 60, 'Europe/Berlin'))).to.equal(
			'2026-07-15T07:00:00.000Z',
		);
		expect(iso(zonedToInstant('2026-12-16', 30, 'Pacific/Kiritimati'))).to.equal(
			'2026-12-15T10:30:00.000Z',
		);
		// 02:30 does not exist on 8 Mar 2026 in New York: it is read as 03:30 EDT.
		expect(iso(zonedToInstant('2026-03-08', 150, 'America/New_York'))).to.equal(
			'2026-03-08T07:30:00.000Z',
		);
		// 01:30 happens twice on 1 Nov 2026: the first (EDT) is taken.
		expect(iso(zonedToInstant('2026-11-01', 90, 'America/New_York'))).to.equal(
			'2026-11-01T05:30:00.000Z',
		);
	});

	it('keeps all-day dates whatever the zone and moves timed events with it', () => {
		const holiday = allDay('2026-12-10', '2026-12-12');
		for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles', 'Pacific/Pago_Pago', 'UTC']) {
			expect(eventSpan(holiday, zone)).to.deep.equal({ start: '2026-12-10', end: '2026-12-12' });
		}
		const call = timed('2026-12-15T10:30:00Z', '2026-12-15T11:00:00Z');
		expect(eventSpan(call, 'Pacific/Kiritimati')).to.deep.equal({
			start: '2026-12-16',
			end: '2026-12-17',
		});
		expect(eventSpan(call, 'America/Los_Angeles')).to.deep.equal({
			start: '2026-12-15',
			end: '2026-12-16',
		});
		// Ending exactly at midnight does not reach into the next day.
		const evening = timed('2026-12-15T17:00:00Z', '2026-12-15T23:00:00Z');
		expect(eventSpan(evening, 'Europe/Berlin')).to.deep.equal({
			start: '2026-12-15',
			end: '2026-12-16',
		});
		expect(isSpanning(evening, 'Europe/Berlin')).to.equal(false);
		// 22:30–04:30 in Kolkata: across midnight, two days, shown in the all-day strip.
		expect(isSpanning(evening, 'Asia/Kolkata')).to.equal(true);
		// An all-day event without an end covers its one day.
		expect(eventSpan(allDay('2026-12-10', ''), 'UTC')).to.deep.equal({
			start: '2026-12-10',
			end: '2026-12-11',
		});
	});

	it('lists each day’s events, multi-day ones on every day they cover, clipped to the range', () => {
		const trip = allDay('2026-11-29', '2026-12-03');
		const lunch = timed('2026-12-01T12:00:00Z', '2026-12-01T13:00:00Z');
		const breakfast = timed('2026-12-01T08:00:00Z', '2026-12-01T09:00:00Z');
		const byDay = eventsByDay([lunch, breakfast, trip], '2026-11-30', '2026-12-05', 'UTC');
		expect([...byDay.keys()]).to.deep.equal([
			'2026-11-30',
			'2026-12-01',
			'2026-12-02',
			'2026-12-03',
			'2026-12-04',
		]);
		expect(byDay.get('2026-11-30')).to.deep.equal([trip]);
		expect(byDay.get('2026-12-01')).to.deep.equal([trip, breakfast, lunch]);
		expect(byDay.get('2026-12-02')).to.deep.equal([trip]);
		expect(byDay.get('2026-12-03')).to.deep.equal([]);
	});

	it('shares the width of overlapping timed events in lanes', () => {
		const a = timed('2026-12-01T09:00:00Z', '2026-12-01T10:00:00Z');
		const b = timed('2026-12-01T09:30:00Z', '2026-12-01T10:30:00Z');
		const c = timed('2026-12-01T11:00:00Z', '2026-12-01T11:05:00Z');
		const late = timed('2026-12-01T23:00:00Z', '2026-12-02T01:00:00Z');
		const boxes = layoutDay([c, b, a, late], '2026-12-01', 'UTC');
		const of = (event: PlaceableEvent) => boxes.find((box) => box.event === event)!;
		expect([of(a).top, of(a).height, of(a).lane, of(a).lanes]).to.deep.equal([540, 60, 0, 2]);
		expect([of(b).top, of(b).lane, of(b).lanes]).to.deep.equal([570, 1, 2]);
		// A five-minute event stays tall enough to click, alone in its cluster.
		expect([of(c).top, of(c).height, of(c).lanes]).to.deep.equal([660, 15, 1]);
		// Crossing midnight: spanning, so not a box of the time grid.
		expect(boxes).to.have.length(3);
	});

	it('asks the API for a range that holds the days in every zone', () => {
		const range = queryRange('2026-12-01', '2026-12-02');
		expect(range).to.deep.equal({
			from: '2026-11-30T00:00:00.000Z',
			to: '2026-12-03T00:00:00.000Z',
		});
		// The first and last instants of the day in the zones furthest east and west.
		const inRange = (iso: string) => iso >= range.from && iso < range.to;
		const dayStart = (zone: string) =>
			new Date(zonedToInstant('2026-12-01', 0, zone)).toISOString();
		const dayEnd = (zone: string) =>
			new Date(zonedToInstant('2026-12-02', 0, zone) - 1).toISOString();
		for (const zone of ['Pacific/Kiritimati', 'Etc/GMT+12', 'America/Los_Angeles', 'UTC']) {
			expect(inRange(dayStart(zone)), zone).to.equal(true);
			expect(inRange(dayEnd(zone)), zone).to.equal(true);
		}
	});

	it('titles the range in the locale', () => {
		expect(rangeTitle('month', '2026-12-17', 1, 'en-US')).to.equal('December 2026');
		expect(rangeTitle('month', '2026-12-17', 1, 'de-DE')).to.equal('Dezember 2026');
		expect(rangeTitle('day', '2026-12-01', 1, 'en-US')).to.equal('Tuesday, December 1, 2026');
		const week = rangeTitle('week', '2026-12-03', 1, 'en-US');
		expect(week).to.match(/^Nov 30\s*–\s*Dec 6, 2026$/);
	});
});
