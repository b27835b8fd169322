import { randomBytes } from 'node:crypto';

import {
	composeMime,
	parseAddressList,
	parseMime,
	replyReferences,
	replySubject,
} from '../../core';

const CRLF_LINES = /^(?:[^\r\n]*\r\n)*[^\r\n]*$/;

describe('composeMime', () => {
	it('composes text + HTML + attachments that parse back exactly', async () => {
		const pdf = randomBytes(5000);
		const image = randomBytes(300);
		const text =
			'Hello Zoë,\nthe offer is attached — €1 200.\n\n\tIndented line\r\nand a long line '.concat(
				'x'.repeat(300),
			);
		const html = '<p>Hello <b>Zoë</b>, see <img src="cid:logo@crm"> 日本語</p>';
		const subject = 'Angebot für Müller & Söhne — Q3 «Premium» 🚀 '.repeat(3).trim();
		const { raw, messageId } = composeMime({
			from: { name: 'Sandbox, User', email: 'sandbox@crm-connect.test' },
			to: ['Zoë Ångström <zoe@example.com>', '"Doe, Jane" <jane@example.org>'],
			cc: [{ name: 'Plain Name', email: 'cc@example.net' }],
			bcc: [{ email: 'hidden@example.net' }],
			replyTo: ['replies@crm-connect.test'],
			subject,
			text,
			html,
			attachments: [
				{ filename: 'Angebot Nr. 7 (final).pdf', mimeType: 'application/pdf', content: pdf },
				{
					filename: 'logo-größe-✓.png',
					mimeType: 'image/png',
					content: image,
					contentId: 'logo@crm',
					inline: true,
				},
			],
			inReplyTo: '<parent@example.com>',
			references: ['<root@example.com>', '<parent@example.com>'],
		});
		const wire = raw.toString('utf8');
		expect(wire).toMatch(/^[\t\r\n\x20-\x7e]*$/); // 7-bit clean on the wire
		expect(wire).toMatch(CRLF_LINES);
		for (const line of wire.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);

		const parsed = await parseMime(raw);
		expect(parsed.messageId).toBe(messageId);
		expect(messageId).toMatch(/^<[^@\s]+@crm-connect\.test>$/);
		expect(parsed.subject).toBe(subject);
		expect(parsed.from).toEqual({ name: 'Sandbox, User', email: 'sandbox@crm-connect.test' });
		expect(parsed.to).toEqual([
			{ name: 'Zoë Ångström', email: 'zoe@example.com' },
			{ name: 'Doe, Jane', email: 'jane@example.org' },
		]);
		expect(parsed.cc).toEqual([{ name: 'Plain Name', email: 'cc@example.net' }]);
		expect(parsed.bcc).toEqual([{ name: null, email: 'hidden@example.net' }]);
		expect(parsed.replyTo).toEqual([{ name: null, email: 'replies@crm-connect.test' }]);
		expect(parsed.text).toBe(text);
		expect(parsed.html).toBe(html);
		expect(parsed.inReplyTo).toBe('<parent@example.com>');
		expect(parsed.references).toEqual(['<root@example.com>', '<parent@example.com>']);
		expect(parsed.attachments).toHaveLength(2);
		expect(parsed.attachments[0]).toMatchObject({
			filename: 'Angebot Nr. 7 (final).pdf',
			mimeType: 'application/pdf',
			inline: false,
		});
		expect(parsed.attachments[0].content.equals(pdf)).toBe(true);
		expect(parsed.attachments[1]).toMatchObject({
			filename: 'logo-größe-✓.png',
			mimeType: 'image/png',
			contentId: '<logo@crm>',
			inline: true,
		});
		expect(parsed.attachments[1].content.equals(image)).toBe(true);
		expect(parsed.date).not.toBeNull();
	});

	it('sends a text-only message as a single text/plain part', async () => {
		const { raw } = composeMime({ to: ['a@example.com'], subject: 'Plain', text: 'Just text' });
		const wire = raw.toString('utf8');
		expect(wire).not.toMatch(/multipart/);
		expect(wire).toMatch(/Content-Type: text\/plain; charset=UTF-8/);
		const parsed = await parseMime(raw);
		expect(parsed.text).toBe('Just text');
		expect(parsed.html).toBeNull();
		expect(parsed.subject).toBe('Plain');
	});

	it('uses multipart/alternative for text and HTML without attachments', async () => {
		const { raw } = composeMime({ to: ['a@example.com'], text: 'T', html: '<p>H</p>' });
		expect(raw.toString()).toMatch(/multipart\/alternative/);
		expect(raw.toString()).not.toMatch(/multipart\/mixed/);
		const parsed = await parseMime(raw);
		expect([parsed.text, parsed.html]).toEqual(['T', '<p>H</p>']);
	});

	it('keeps ASCII subjects readable and protects ones that look like encoded words', async () => {
		const readable = composeMime({ to: ['a@x.com'], subject: 'Quarterly review', text: '' });
		expect(readable.raw.toString()).toContain('Subject: Quarterly review\r\n');
		const tricky = '=?UTF-8?B?Zm9v?= is not an encoded word';
		const parsed = await parseMime(composeMime({ to: ['a@x.com'], subject: tricky }).raw);
		expect(parsed.subject).toBe(tricky);
	});
});

describe('reply helpers', () => {
	it('prefixes Re: once', () => {
		expect(replySubject('Offer')).toBe('Re: Offer');
		expect(replySubject('Re: Offer')).toBe('Re: Offer');
		expect(replySubject('RE:Offer')).toBe('RE:Offer');
		expect(replySubject(null)).toBe('Re: ');
	});

	it('extends the References chain with the original message', () => {
		expect(replyReferences('<a@x> <b@x>', '<b@x>', '<c@x>')).toEqual(['<a@x>', '<b@x>', '<c@x>']);
		expect(replyReferences(null, '<b@x>', '<c@x>')).toEqual(['<b@x>', '<c@x>']);
		expect(replyReferences(null, null, '<c@x>')).toEqual(['<c@x>']);
		expect(replyReferences(['<c@x>'], null, '<c@x>')).toEqual(['<c@x>']);
	});

	it('parses address lists as users type them', () => {
		expect(parseAddressList('Ann <ann@x.com>, "Doe, Bob" <bob@y.com>;carl@z.com')).toEqual([
			{ name: 'Ann', email: 'ann@x.com' },
			{ name: 'Doe, Bob', email: 'bob@y.com' },
			{ name: null, email: 'carl@z.com' },
		]);
		expect(parseAddressList('  ')).toEqual([]);
	});
});
