// Hostile and malformed input: huge lines, many lines, NUL bytes, broken or deeply nested HTML and
// inputs shaped to make backtracking patterns explode. Each must finish (jest's timeout is the
// only clock here) with a sane result: no throw, no value that is not in the input.

import { enrichEmailOffline, htmlToText, stripQuotedText } from '../../core/enrich';
import type { EmailForEnrichment } from '../../core/enrich';

function run(text: string | null, html: string | null = null) {
	const email: EmailForEnrichment = {
		fromEmail: 'jane.smith@acme.example',
		fromName: 'Jane Smith',
		text,
		html,
	};
	const result = enrichEmailOffline(email);
	expect(result.block.lines.length).toBeLessThanOrEqual(25);
	for (const line of result.block.lines) expect(line.length).toBeLessThanOrEqual(1000);
	return result;
}

const SIGNATURE = '\n\n-- \nJane Smith\nCTO, Acme Inc.\n+1 415 555 0123';

describe('hostile plain text', () => {
	it.each([
		['a 200 KB single line', 'x'.repeat(200_000)],
		['200 KB of words on one line', 'Hello world '.repeat(17_000)],
		['50,000 spaces', ' '.repeat(50_000)],
		["'a@' repeated 100,000 times", 'a@'.repeat(100_000)],
		['200,000 digits', '1'.repeat(200_000)],
		['digits and spaces', '1 '.repeat(100_000)],
		['plus signs and digits', '+1 '.repeat(60_000)],
		['dots and hyphens', '.-'.repeat(100_000)],
		['an endless URL host', 'www.' + 'a.'.repeat(60_000) + 'com'],
		['an endless e-mail local part', 'a.'.repeat(60_000) + '@acme.example'],
		['unclosed brackets', '('.repeat(100_000)],
		['a reply intro without an end', 'On Mon, 1 Dec 2026 wrote '.repeat(8_000)],
		['quote markers only', '> '.repeat(100_000)],
		['closing words without a line break', 'Best regards '.repeat(15_000)],
	])('%s', (_what, text) => {
		const result = run(text);
		expect(result.contact.phones.length).toBeLessThanOrEqual(25);
		// Nothing that reads as a person's signature is in these.
		expect(result.contact.fullName).toBeUndefined();
	});

	it.each([
		[
			'5,000 lines with numbers',
			Array.from(
				{ length: 5000 },
				(_, i) => `Line ${i} call 415 555 ${String(i % 10000).padStart(4, '0')}`,
			).join('\n'),
		],
		['20,000 delimiter lines', '-- \n'.repeat(20_000)],
		['20,000 closing lines', 'Best regards,\n'.repeat(20_000)],
		['10,000 header lines', 'From: a\nSent: b\n'.repeat(10_000)],
		['5,000 lines of "a@"', ('a@'.repeat(1000) + '\n').repeat(5000)],
		['lines of 10,000 characters', ('y'.repeat(10_000) + '\n').repeat(40)],
	])('%s', (_what, text) => {
		run(text);
	});

	it('keeps working around NUL bytes and control characters', () => {
		const result = run(
			'Hi\u0000\u0000\n\nBest,\nJane Smith\u0000\nCTO, Acme Inc.\u0007\n+1 415 555 0123\u0000',
		);
		expect(result.contact.phones.map((p) => p.value.e164)).toEqual(['+14155550123']);
		expect(result.contact.fullName?.value).toBe('Jane Smith');
	});

	it('finds a real signature after 100 KB of body', () => {
		const body = 'This is a long paragraph about the project. '.repeat(2_300);
		const result = run(body + SIGNATURE);
		expect(result.block.method).toBe('delimiter');
		expect(result.contact.phones.map((p) => p.value.e164)).toEqual(['+14155550123']);
	});

	it('a 200 KB signature line is not a signature', () => {
		const result = run(
			'Best,\n' + 'Jane Smith | CTO | Acme Inc. | +1 415 555 0123 | '.repeat(4_000),
		);
		expect(result.contact.fullName).toBeUndefined();
	});

	it('reads a 5 MB body of 400-character lines', () => {
		run(('z '.repeat(200) + '\n').repeat(12_500) + SIGNATURE);
	});

	it('stripQuotedText copes with 100,000 lines', () => {
		const text = Array.from({ length: 100_000 }, (_, i) => (i % 2 ? '> quoted' : 'own')).join('\n');
		expect(stripQuotedText(text).split('\n').length).toBe(50_000);
	});
});

describe('hostile HTML', () => {
	it.each([
		['100,000 "<"', '<'.repeat(100_000)],
		['50,000 unclosed "<div"', '<div'.repeat(50_000)],
		['an attribute of 200 KB', `<div class="${'x'.repeat(200_000)}">hi</div>`],
		['an unclosed comment', '<!--' + 'x'.repeat(200_000)],
		['an unclosed style', '<style>' + 'a{}'.repeat(50_000)],
		['20,000 style elements', '<style>a{}</style>x'.repeat(20_000)],
		['entities of every kind', '&amp;&#x1F600;&#99999999;&#0;&#xD800;&bogus;&'.repeat(10_000)],
		['20,000 nested quotes', '<blockquote type="cite">'.repeat(20_000) + 'x'],
		[
			'unclosed gmail_signature containers',
			'<div class="gmail_signature">'.repeat(10_000) + 'Jane',
		],
		['table cells without rows', '<td>x'.repeat(50_000)],
	])('%s', (_what, html) => {
		run(null, html);
		expect(typeof htmlToText(html)).toBe('string');
	});

	it('reads 50,000 nested divs', () => {
		const html =
			'<div>'.repeat(50_000) +
			'Thanks,<br>Jane Smith<br>CTO, Acme Inc.<br>+1 415 555 0123' +
			'</div>'.repeat(50_000);
		const result = run(null, html);
		expect(result.contact.phones.map((p) => p.value.e164)).toEqual(['+14155550123']);
	});

	it('reads broken HTML as well as it can', () => {
		const result = run(
			null,
			'<p>Ok.</p><p>Best,<br><b>Jane <i>Smith</p><table><tr><td>CTO, Acme Inc.<td>+1 415 555 0123<!-- unclosed',
		);
		expect(result.contact.fullName?.value).toBe('Jane Smith');
		expect(result.contact.phones.map((p) => p.value.e164)).toEqual(['+14155550123']);
	});

	it('keeps working around NUL bytes in HTML', () => {
		const result = run(null, '<p>Ok.</p><p>Best,<br>Jane\u0000 Smith<br>+1 415\u0000 555 0123</p>');
		expect(result.block.lines.length).toBeGreaterThan(0);
	});
});
