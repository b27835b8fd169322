// The address-list parser every recipient field and header goes through, rule by rule.
import { AddressListError, parseAddressList } from '../../core';

describe('parseAddressList', () => {
	it('keeps a quoted display name with a comma together', () => {
		expect(parseAddressList('"Doe, Bob" <bob@example.com>')).toEqual([
			{ name: 'Doe, Bob', email: 'bob@example.com' },
		]);
		expect(
			parseAddressList('"Doe, Bob" <bob@example.com>, Ann Lee <ann@example.com>; carl@example.com'),
		).toEqual([
			{ name: 'Doe, Bob', email: 'bob@example.com' },
			{ name: 'Ann Lee', email: 'ann@example.com' },
			{ name: null, email: 'carl@example.com' },
		]);
	});

	it('unescapes quotes and backslashes inside a quoted name', () => {
		expect(parseAddressList('"Bob \\"The Builder\\" Doe" <bob@example.com>')).toEqual([
			{ name: 'Bob "The Builder" Doe', email: 'bob@example.com' },
		]);
		expect(parseAddressList('"C:\\\\Temp; Admin" <admin@example.com>')).toEqual([
			{ name: 'C:\\Temp; Admin', email: 'admin@example.com' },
		]);
	});

	it('reads bare addresses, angle addresses without a name and comments', () => {
		expect(parseAddressList('ann@example.com')).toEqual([{ name: null, email: 'ann@example.com' }]);
		expect(parseAddressList('<ann@example.com>')).toEqual([
			{ name: null, email: 'ann@example.com' },
		]);
		// An old-style comment is the only name there is; next to a phrase it is dropped.
		expect(parseAddressList('bob@example.com (Bob Doe, Sales)')).toEqual([
			{ name: 'Bob Doe, Sales', email: 'bob@example.com' },
		]);
		expect(parseAddressList('Bob (work) <bob@example.com> (nested (comment))')).toEqual([
			{ name: 'Bob', email: 'bob@example.com' },
		]);
	});

	it('flattens groups, empty ones included, and goes on after them', () => {
		expect(
			parseAddressList('Team: a@example.com, "B, Bee" <b@example.com>;, c@example.com'),
		).toEqual([
			{ name: null, email: 'a@example.com' },
			{ name: 'B, Bee', email: 'b@example.com' },
			{ name: null, email: 'c@example.com' },
		]);
		expect(parseAddressList('undisclosed-recipients:;')).toEqual([]);
		expect(parseAddressList('Team: a@example.com')).toEqual([
			{ name: null, email: 'a@example.com' },
		]);
	});

	it('takes ; as a separator as people type it, and skips empty entries', () => {
		expect(parseAddressList(' a@example.com ;b@example.com,, ; c@example.com ,')).toEqual([
			{ name: null, email: 'a@example.com' },
			{ name: null, email: 'b@example.com' },
			{ name: null, email: 'c@example.com' },
		]);
		expect(parseAddressList('')).toEqual([]);
		expect(parseAddressList('  ')).toEqual([]);
		expect(parseAddressList(null)).toEqual([]);
	});

	it('accepts quoted local parts, domain literals, international addresses and source routes', () => {
		expect(parseAddressList('"john doe"@example.com')).toEqual([
			{ name: null, email: '"john doe"@example.com' },
		]);
		expect(parseAddressList('root@[192.0.2.1]')).toEqual([
			{ name: null, email: 'root@[192.0.2.1]' },
		]);
		expect(parseAddressList('Jörg <jörg@bücher.example>')).toEqual([
			{ name: 'Jörg', email: 'jörg@bücher.example' },
		]);
		expect(parseAddressList('<@relay.example:ann@example.com>')).toEqual([
			{ name: null, email: 'ann@example.com' },
		]);
	});

	it('decodes encoded words in display names (headers as they arrive)', () => {
		expect(
			parseAddressList('=?UTF-8?B?SsO2cmc=?= =?UTF-8?Q?M=C3=BCller?= <jm@example.com>'),
		).toEqual([{ name: 'JörgMüller', email: 'jm@example.com' }]);
		expect(parseAddressList('"=?ISO-8859-1?Q?Andr=E9?= Pirard" <pirard@example.be>')).toEqual([
			{ name: 'André Pirard', email: 'pirard@example.be' },
		]);
	});

	it('names the bad address when an entry is not one', () => {
		const failure = (text: string) => {
			try {
				parseAddressList(text);
			} catch (error) {
				expect(error).toBeInstanceOf(AddressListError);
				return (error as Error).message;
			}
			throw new Error(`no error for ${text}`);
		};
		// The comma split an unquoted name: the message says so.
		expect(failure('Doe, Bob <bob@example.com>')).toBe(
			'"Doe" is not an email address (a display name with a comma needs quotes: "Doe, Bob" <bob@example.com>)',
		);
		expect(failure('ann@example.com, bob')).toBe('"bob" is not an email address');
		expect(failure('Bob bob@example.com')).toMatch(
			/^"Bob bob@example.com" is not an email address \(put a display name before an address in angle brackets/,
		);
		expect(failure('Bob <bob@>')).toBe('"Bob <bob@>" is not an email address');
		expect(failure('a@b@c')).toBe('"a@b@c" is not an email address');
		expect(failure('"Doe, Bob <bob@example.com>')).toMatch(/a quote is not closed/);
		expect(failure('Bob <bob@example.com')).toMatch(/an angle bracket is not closed/);
		expect(failure('Bob <bob@example.com> Smith')).toMatch(/text after the address/);
		expect(failure('ann..lee@example.com')).toBe('"ann..lee@example.com" is not an email address');
	});
});
