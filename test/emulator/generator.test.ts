// The deterministic mailbox and calendar generator: determinism, O(1) random access, MIME that a
// standard parser reads back to the declared fields, threads, variety, signature truths, memory.
import PostalMime from 'postal-mime';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import {
	createCalendarSet,
	createMailbox,
	type GeneratedEvent,
	type GeneratedMessage,
	type Mailbox,
} from './generator';
import { encodeText, type Charset } from './generator/charsets';
import { zoneOffsetMinutes } from './generator/calendar';

const owner = { email: 'alex.morgan@example.com', name: 'Alex Morgan' };
const SAMPLE = 500;
const STREAMED = 10_000;

/** postal-mime keeps the CRLF that precedes a boundary; compare bodies without trailing newlines. */
const norm = (s?: string) => s?.replace(/\r\n/g, '\n').replace(/\n+$/, '');
const digits = (s: string) => s.replace(/\D/g, '');

function headerBlock(raw: Buffer): string {
	const text = raw.toString('latin1');
	return text.slice(0, text.indexOf('\r\n\r\n'));
}

describe('mailbox generator', () => {
	let mailbox: Mailbox;
	let sample: GeneratedMessage[];

	beforeAll(() => {
		mailbox = createMailbox({ seed: 'generator-test', count: SAMPLE, owner });
		sample = [...mailbox.messages()];
	});

	test('is deterministic: same seed gives the same bytes, another seed different ones', () => {
		const again = createMailbox({ seed: 'generator-test', count: SAMPLE, owner });
		const other = createMailbox({ seed: 'another-seed', count: SAMPLE, owner });
		let differing = 0;
		for (const i of [0, 1, 7, 42, 250, 499]) {
			const m = mailbox.messageAt(i);
			expect(again.messageAt(i).raw().equals(m.raw())).toBe(true);
			expect(again.messageAt(i).id).toBe(m.id);
			if (!other.messageAt(i).raw().equals(m.raw())) differing++;
		}
		expect(differing).toBe(6);
		// raw() is rebuilt on each call, identically.
		expect(sample[3].raw().equals(sample[3].raw())).toBe(true);
	});

	test('random access is O(1) and matches the stream; ids invert; dates strictly increase', () => {
		const big = createMailbox({ seed: 42, count: 1_000_000, owner });
		const t0 = performance.now();
		const last = big.messageAt(999_999);
		const raw = last.raw();
		expect(performance.now() - t0).toBeLessThan(100);
		const streamed = [...big.messages(999_995)];
		expect(streamed).toHaveLength(5);
		expect(streamed[4].raw().equals(raw)).toBe(true);
		expect(streamed[4].id).toBe(last.id);

		for (const i of [0, 1, 8, 999, 123_456, 500_000, 999_998, 999_999]) {
			const m = big.messageAt(i);
			expect(m.id).toMatch(/^[0-9a-f]{16}$/);
			expect(big.indexOfId(m.id)).toBe(i);
		}
		expect(big.indexOfId('0000000000000000')).toBeUndefined();
		expect(big.indexOfId('not-an-id')).toBeUndefined();
		expect(() => big.messageAt(1_000_000)).toThrow(RangeError);

		for (const from of [0, 400_000, 999_000]) {
			let prev = -Infinity;
			for (const m of big.messages(from, from + 1000)) {
				expect(m.internalDate).toBeGreaterThan(prev);
				prev = m.internalDate;
			}
		}
		const newest = Date.UTC(2026, 10, 1, 9);
		expect(last.internalDate).toBeLessThanOrEqual(newest);
		expect(newest - big.messageAt(0).internalDate).toBeGreaterThan(300 * 86400_000);
		expect(sample[SAMPLE - 1].internalDate - sample[0].internalDate).toBeGreaterThan(
			60 * 86400_000,
		);
	});

	test('every sampled message parses with postal-mime to its declared fields', async () => {
		for (const m of sample) {
			const raw = m.raw();
			const head = headerBlock(raw);
			// CRLF everywhere, and no bare LF.
			expect(raw.toString('latin1').replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
			expect(head).toMatch(/^MIME-Version: 1\.0\r\n/);
			expect(head).toContain(`Message-ID: ${m.messageIdHeader}`);

			const parsed = await PostalMime.parse(raw);
			expect(parsed.subject).toBe(m.subject);
			expect(parsed.from?.address).toBe(m.from.email);
			expect(parsed.from?.name || undefined).toBe(m.from.name);
			expect(parsed.to?.map((a) => a.address)).toEqual(m.to.map((a) => a.email));
			expect(parsed.to?.map((a) => a.name || undefined)).toEqual(m.to.map((a) => a.name));
			expect((parsed.cc ?? []).map((a) => [a.address, a.name])).toEqual(
				m.cc.map((a) => [a.email, a.name]),
			);
			expect(parsed.messageId).toBe(m.messageIdHeader);
			expect(parsed.inReplyTo).toBe(m.inReplyTo);
			expect(new Date(parsed.date!).getTime()).toBe(m.internalDate);
			expect(norm(parsed.text)).toBe(norm(m.text));
			expect(norm(parsed.html)).toBe(norm(m.html));
			expect(
				parsed.attachments.map((a) => [
					a.filename,
					a.mimeType,
					(a.content as ArrayBuffer).byteLength,
				]),
			).toEqual(m.attachments.map((a) => [a.filename, a.mimeType, a.size]));
			expect(m.text ?? m.html).toBeTruthy();
			expect(m.snippet.length).toBeGreaterThan(0);
			expect(
				Array.from(m.snippet.replace(/&(amp|lt|gt|quot|#39);/g, '_')).length,
			).toBeLessThanOrEqual(200);
			if (m.text)
				expect(m.snippet.slice(0, 20)).toBe(
					m.text
						.replace(/\s+/g, ' ')
						.trim()
						.replace(/&/g, '&amp;')
						.replace(/'/g, '&#39;')
						.replace(/"/g, '&quot;')
						.replace(/</g, '&lt;')
						.replace(/>/g, '&gt;')
						.slice(0, 20),
				);

			// The body really is in the declared charset: its Content-Type says so, and an 8bit part
			// holds the charset's own bytes.
			const charset = m.charset as Charset;
			expect(raw.toString('latin1')).toMatch(
				new RegExp(`charset="${charset.replace('-', '\\-')}"`, 'i'),
			);
			if (m.text && /Content-Transfer-Encoding: 8bit\r\n\r\n/.test(raw.toString('latin1'))) {
				const line = m.text.split('\n').find((l) => /[\u0080-\uffff]/.test(l));
				if (line && !m.html?.includes(line))
					expect(raw.includes(encodeText(line, charset))).toBe(true);
			}
		}
	});

	test('threads link replies to earlier messages of the same thread', async () => {
		let replies = 0;
		for (const m of sample) {
			const members = mailbox.threadMessageIndices(m.threadId);
			expect(members).toContain(m.index);
			expect(members[0]).toBe(mailbox.indexOfId(m.threadId));
			const position = members.indexOf(m.index);
			if (position === 0) {
				expect(m.threadId).toBe(m.id);
				expect(m.inReplyTo).toBeUndefined();
				continue;
			}
			replies++;
			const earlier = members.slice(0, position).map((i) => mailbox.messageAt(i));
			expect(m.references).toEqual(earlier.map((e) => e.messageIdHeader));
			expect(m.inReplyTo).toBe(earlier[earlier.length - 1].messageIdHeader);
			expect(m.internalDate).toBeGreaterThan(earlier[earlier.length - 1].internalDate);
			expect(m.subject).toMatch(
				/^(Re: |AW: |Automatic reply: |Out of Office: |Automatische Antwort: |Réponse automatique : |自動応答: )/,
			);
			expect(m.subject.endsWith(earlier[0].subject)).toBe(true);
			const parsed = await PostalMime.parse(m.raw());
			const references = parsed.headers.find((h) => h.key === 'references')?.value ?? '';
			expect(references.split(/\s+/)).toEqual(m.references);
		}
		expect(replies).toBeGreaterThan(50);
		// Only a thread's first message names it.
		const reply = sample.find((m) => m.threadId !== m.id)!;
		expect(mailbox.threadMessageIndices(reply.id)).toEqual([]);
	});

	test('the variety is all present at realistic ratios', () => {
		const raws = sample.map((m) => m.raw().toString('latin1'));
		const heads = sample.map((m) => headerBlock(m.raw()));
		const count = (pred: (m: GeneratedMessage, i: number) => boolean) => sample.filter(pred).length;
		const kinds = new Set(sample.map((m) => m.kind));
		expect([...kinds].sort()).toEqual([
			'auto-reply',
			'business',
			'draft',
			'newsletter',
			'personal',
			'reply',
			'scheduled',
			'sent',
		]);

		const has = (re: RegExp) => raws.filter((r) => re.test(r)).length;
		expect(has(/Content-Type: multipart\/alternative/)).toBeGreaterThan(SAMPLE * 0.3);
		expect(has(/Content-Type: multipart\/mixed/)).toBeGreaterThan(20);
		expect(has(/Content-Transfer-Encoding: quoted-printable/)).toBeGreaterThan(50);
		expect(
			has(/Content-Type: text\/(plain|html)[^\r]*\r\nContent-Transfer-Encoding: base64/),
		).toBeGreaterThan(30);
		expect(has(/Content-Transfer-Encoding: 8bit/)).toBeGreaterThan(10);
		expect(has(/Content-Transfer-Encoding: 7bit/)).toBeGreaterThan(50);
		for (const cs of ['UTF-8', 'ISO-8859-1', 'windows-1252', 'Shift_JIS', 'us-ascii'])
			expect(has(new RegExp(`charset="${cs}"`))).toBeGreaterThan(10);
		expect(heads.filter((h) => /=\?[^?]+\?B\?/.test(h)).length).toBeGreaterThan(10);
		expect(heads.filter((h) => /=\?[^?]+\?Q\?/.test(h)).length).toBeGreaterThan(10);
		expect(heads.filter((h) => /^Subject:[^\r]*=\?Shift_JIS\?/m.test(h)).length).toBeGreaterThan(3);

		const newsletters = sample.filter((m) => m.kind === 'newsletter');
		expect(newsletters.length / SAMPLE).toBeGreaterThan(0.15);
		for (const m of newsletters) {
			const h = headerBlock(m.raw());
			expect(h).toMatch(/\r\nList-Id: [^\r]*<[^>]+>/);
			expect(h).toMatch(/\r\nList-Unsubscribe: <mailto:[^>]+>, <https:[^>]+>/);
			expect(h).toContain('\r\nPrecedence: bulk');
		}
		expect(newsletters.some((m) => m.text === undefined && m.html)).toBe(true);
		for (const m of sample.filter((x) => x.kind === 'auto-reply'))
			expect(headerBlock(m.raw())).toContain('\r\nAuto-Submitted: auto-replied');

		const domains = sample.map((m) => m.from.email.split('@')[1]);
		expect(
			domains.filter((d) =>
				[
					'gmail.com',
					'outlook.com',
					'yahoo.com',
					'hotmail.com',
					'gmx.de',
					'web.de',
					'orange.fr',
					'yahoo.co.jp',
				].includes(d),
			).length,
		).toBeGreaterThan(20);
		expect(domains.filter((d) => d.endsWith('.example')).length).toBeGreaterThan(SAMPLE * 0.4);

		const sent = sample.filter((m) => m.kind === 'sent');
		expect(sent.length).toBeGreaterThan(30);
		for (const m of sent) {
			expect(m.from).toEqual(owner);
			expect(m.labelIds).toContain('SENT');
			expect(m.labelIds).not.toContain('INBOX');
		}
		for (const m of sample.filter((x) => x.kind === 'draft'))
			expect(m.labelIds).toEqual(expect.arrayContaining(['DRAFT']));
		for (const m of sample.filter((x) => x.kind === 'scheduled'))
			expect(m.labelIds).toContain('SCHEDULED');

		const labelIds = new Set(mailbox.labels.map((l) => l.id));
		for (const m of sample) for (const l of m.labelIds) expect(labelIds.has(l)).toBe(true);
		const used = (id: string) => count((m) => m.labelIds.includes(id));
		for (const id of [
			'INBOX',
			'UNREAD',
			'STARRED',
			'IMPORTANT',
			'CATEGORY_PERSONAL',
			'CATEGORY_PROMOTIONS',
			'CATEGORY_UPDATES',
			'CATEGORY_SOCIAL',
			'Label_1',
			'Label_2',
		])
			expect(used(id)).toBeGreaterThan(0);
		expect(used('UNREAD')).toBeLessThan(SAMPLE * 0.4);
		expect(mailbox.labels.filter((l) => l.type === 'user').map((l) => l.name)).toEqual(
			expect.arrayContaining(['Clients', 'Invoices']),
		);
		expect(mailbox.labels.find((l) => l.id === 'Label_1')).toEqual({
			id: 'Label_1',
			name: 'Clients',
			type: 'user',
		});

		const attachments = sample.flatMap((m) => m.attachments);
		expect(attachments.some((a) => a.mimeType === 'application/pdf')).toBe(true);
		expect(attachments.some((a) => a.mimeType === 'image/png')).toBe(true);
		expect(attachments.some((a) => /[\u0080-\uffff]/.test(a.filename))).toBe(true);
		const pdf = sample.find((m) => m.attachments.some((a) => a.mimeType === 'application/pdf'))!;
		expect(pdf.raw().toString('latin1')).toContain(
			Buffer.from('%PDF-1.4').toString('base64').slice(0, 8),
		);

		expect(
			sample.some((m) => m.html?.includes('<table') && m.signature?.layout === 'html-table'),
		).toBe(true);
		expect(sample.some((m) => m.text?.includes('\n-- \n'))).toBe(true);
		expect(sample.some((m) => m.text?.includes('\n> '))).toBe(true);
		// Typography in legacy and Unicode charsets: curly quotes, en dashes, guillemets, the euro.
		expect(sample.some((m) => /[\u2013\u2019\u201c«]/.test(m.subject))).toBe(true);
		expect(
			sample.some((m) => m.charset === 'windows-1252' && /[\u2019\u201c€]/.test(m.text ?? '')),
		).toBe(true);
	});

	test("signatures' true values appear in the text, with phones in national formats", () => {
		const signed = sample.filter((m) => m.signature);
		expect(signed.length).toBeGreaterThan(60);
		const written: string[] = [];
		for (const m of signed) {
			const s = m.signature!;
			const text = m.text!;
			expect(s.email).toBe(m.from.email);
			expect(text).toContain(s.fullName);
			if (s.jobTitle) expect(text).toContain(s.jobTitle);
			if (s.company) expect(text).toContain(s.company);
			if (s.address) expect(text).toContain(s.address);
			if (s.linkedinUrl) expect(text).toContain(s.linkedinUrl.replace('https://www.', ''));
			expect(s.phones.length).toBeGreaterThan(0);
			expect(s.phonesAsWritten).toHaveLength(s.phones.length);
			s.phones.forEach((e164, k) => {
				const w = s.phonesAsWritten![k];
				expect(text).toContain(w);
				expect(e164).toMatch(/^\+[1-9]\d{7,14}$/);
				// Written digits, minus a trunk 0 and a "(0)", are the E.164 digits' tail.
				expect(digits(e164).endsWith(digits(w.replace('(0)', '')).replace(/^0/, ''))).toBe(true);
				written.push(w);
			});
			if (s.layout === 'html-table') expect(m.html).toContain(`href="tel:${s.phones[0]}"`);
		}
		const formats = [
			/^\(\d{3}\) 555-01\d\d$/,
			/^\+44 20 7946 \d{4}$|^020 7946 \d{4}$/,
			/^\+49 \d\d /,
			/^0\d( \d\d){4}$/,
			/^0\d{1,2}-\d{4}-\d{4}$|^\+81 /,
		];
		for (const f of formats) expect(written.some((w) => f.test(w))).toBe(true);
	});

	// 10,000 here; `npm run bench` streams 100,000 (bench/generator.bench.ts).
	test(`streaming ${STREAMED.toLocaleString('en')} raw messages keeps the heap flat`, () => {
		setFlagsFromString('--expose-gc');
		const gc = runInNewContext('gc') as () => void;
		const big = createMailbox({ seed: 'memory', count: STREAMED, owner });
		gc();
		const before = process.memoryUsage().heapUsed;
		let bytes = 0;
		let peak = 0;
		for (const m of big.messages()) {
			bytes += m.raw().length;
			if (m.index % 2_000 === 0) {
				gc();
				peak = Math.max(peak, process.memoryUsage().heapUsed - before);
			}
		}
		gc();
		const grown = process.memoryUsage().heapUsed - before;
		// Holding the messages would cost far more than these bounds (several KB each).
		expect(bytes / STREAMED).toBeGreaterThan(1000);
		expect(grown).toBeLessThan(4 * 1024 * 1024);
		expect(peak).toBeLessThan(8 * 1024 * 1024);
	});
});

describe('calendar generator', () => {
	const set = createCalendarSet({ seed: 'generator-test', owner });
	const all = set.calendars.flatMap((c) => set.events(c.id));

	test('three calendars: primary, writable team, shared read-only', () => {
		expect(set.calendars).toHaveLength(3);
		expect(set.calendars[0]).toMatchObject({
			id: owner.email,
			primary: true,
			accessRole: 'owner',
			timeZone: 'Europe/Berlin',
		});
		expect(set.calendars.map((c) => c.accessRole)).toEqual(['owner', 'writer', 'reader']);
		expect(set.events('nobody@example.com')).toEqual([]);
		expect(
			JSON.stringify(createCalendarSet({ seed: 'generator-test', owner }).events(owner.email)),
		).toBe(JSON.stringify(set.events(owner.email)));
		expect(
			JSON.stringify(createCalendarSet({ seed: 'other', owner }).events(owner.email)),
		).not.toBe(JSON.stringify(set.events(owner.email)));
		expect(all.length).toBeGreaterThan(200);
		expect(all.length).toBeLessThan(400);
		expect(new Set(all.map((e) => `${e.calendarId}/${e.id}`)).size).toBe(all.length);
	});

	test('timed events carry dateTime with the zone offset, across time zones', () => {
		const timed = all.filter((e) => e.start.dateTime);
		const zones = new Set(timed.map((e) => e.start.timeZone));
		for (const z of ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Europe/London'])
			expect(zones.has(z)).toBe(true);
		for (const e of timed) {
			const start = Date.parse(e.start.dateTime!);
			expect(Date.parse(e.end.dateTime!)).toBeGreaterThan(start);
			const off = zoneOffsetMinutes(e.start.timeZone!, start);
			const sign = off < 0 ? '-' : '+';
			const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, '0');
			const mm = String(Math.abs(off) % 60).padStart(2, '0');
			expect(e.start.dateTime!.endsWith(`${sign}${hh}:${mm}`)).toBe(true);
		}
	});

	test('all-day, recurring with exceptions, cancelled, attendees, Meet links, locations', () => {
		const allDay = all.filter((e) => e.start.date);
		expect(allDay.length).toBeGreaterThan(10);
		for (const e of allDay) {
			expect(e.start.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
			expect(e.end.date! > e.start.date!).toBe(true); // end is exclusive
			expect(e.start.dateTime).toBeUndefined();
		}
		const masters = all.filter((e) => e.recurrence);
		expect(
			masters.some((e) => /^RRULE:FREQ=WEEKLY;BYDAY=(MO|TU|WE|TH|FR|SA|SU)/.test(e.recurrence![0])),
		).toBe(true);
		expect(masters.some((e) => /^RRULE:FREQ=MONTHLY;BYMONTHDAY=\d+/.test(e.recurrence![0]))).toBe(
			true,
		);
		for (const m of masters.filter((x) => x.recurrence![0].includes('WEEKLY'))) {
			const local = new Date(
				Date.parse(m.start.dateTime!) +
					zoneOffsetMinutes(m.start.timeZone!, Date.parse(m.start.dateTime!)) * 60000,
			);
			expect(m.recurrence![0]).toContain(
				`BYDAY=${['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'][local.getUTCDay()]}`,
			);
		}
		const instances = all.filter((e) => e.recurringEventId);
		expect(instances.some((e) => e.status === 'confirmed')).toBe(true);
		expect(instances.some((e) => e.status === 'cancelled')).toBe(true);
		for (const inst of instances) {
			const master = all.find(
				(e) => e.id === inst.recurringEventId && e.calendarId === inst.calendarId,
			)!;
			expect(master.recurrence).toBeDefined();
			expect(inst.iCalUID).toBe(master.iCalUID);
			expect(inst.originalStartTime?.dateTime).toBeDefined();
			expect(inst.id.startsWith(`${master.id}_`)).toBe(true);
			expect(inst.recurrence).toBeUndefined();
		}
		expect(
			all.filter((e) => e.status === 'cancelled' && !e.recurringEventId).length,
		).toBeGreaterThan(3);
		expect(all.some((e) => e.status === 'tentative')).toBe(true);

		const statuses = new Set(all.flatMap((e) => e.attendees.map((a) => a.responseStatus)));
		expect([...statuses].sort()).toEqual(['accepted', 'declined', 'needsAction', 'tentative']);
		expect(all.some((e) => e.attendees.some((a) => a.self && a.email === owner.email))).toBe(true);
		expect(all.some((e) => e.attendees.some((a) => a.optional))).toBe(true);
		expect(all.some((e) => e.organizer.self)).toBe(true);
		expect(all.some((e) => !e.organizer.self)).toBe(true);

		const meet = all.filter((e: GeneratedEvent) => e.conferenceData);
		expect(meet.length).toBeGreaterThan(20);
		for (const e of meet) {
			expect(e.hangoutLink).toBe(e.conferenceData!.entryPoints[0].uri);
			expect(e.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
			expect(e.conferenceData!.conferenceSolution.key.type).toBe('hangoutsMeet');
		}
		expect(all.filter((e) => e.location).length).toBeGreaterThan(20);
		for (const e of all) {
			expect(e.id).toMatch(/^[a-v0-9]{5,1024}(_\d{8}T\d{6}Z)?$/);
			expect(Date.parse(e.updated)).toBeGreaterThanOrEqual(Date.parse(e.created));
		}
	});
});
