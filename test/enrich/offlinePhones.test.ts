// Phone numbers in signatures: E.164 through libphonenumber-js, country hints from the sender's
// domain and the signature text, type from labels or the numbering plan, identifiers refused.

import { countryOfDomain, extractSignatureFields, phonesInLine } from '../../core/enrich';
import type { PhoneValue } from '../../core/enrich';

function phonesOf(lines: string[], fromEmail = 'jane@acme.example'): PhoneValue[] {
	return extractSignatureFields(
		{ block: lines.join('\n'), lines, ownText: lines.join('\n'), method: 'delimiter' },
		{ fromEmail, fromName: 'Jane Smith', text: null, html: null },
	).phones.map((p) => p.value);
}

const e164 = (lines: string[], fromEmail?: string) => phonesOf(lines, fromEmail).map((p) => p.e164);

describe('country from the sender’s domain', () => {
	it.each([
		['acme.de', 'DE'],
		['acme.co.uk', 'GB'],
		['acme.fr', 'FR'],
		['acme.es', 'ES'],
		['acme.nl', 'NL'],
		['acme.it', 'IT'],
		['acme.pt', 'PT'],
		['acme.com.br', 'BR'],
		['acme.co.jp', 'JP'],
		['acme.se', 'SE'],
		['acme.pl', 'PL'],
		['acme.ch', 'CH'],
		['acme.at', 'AT'],
		['acme.be', 'BE'],
		['acme.com', undefined],
		['acme.io', undefined],
	])('%s → %s', (domain, country) => {
		expect(countryOfDomain(domain)).toBe(country);
	});

	it.each([
		['Tel. 030 23125123', 'jane@acme.de', '+493023125123'],
		['Tel 020 7946 0123', 'jane@acme.co.uk', '+442079460123'],
		['Tél. 01 42 68 53 00', 'jane@acme.fr', '+33142685300'],
		['Tel. 912 345 678', 'jane@acme.es', '+34912345678'],
		['Tel. 020 123 4567', 'jane@acme.nl', '+31201234567'],
		['Tel. 06 9876 5432', 'jane@acme.it', '+390698765432'],
		['Tel. 21 123 4567', 'jane@acme.pt', '+351211234567'],
		['Tel. (11) 3456-7890', 'jane@acme.com.br', '+551134567890'],
		['TEL 03-1234-5678', 'jane@acme.co.jp', '+81312345678'],
		['Tel 08-123 456 78', 'jane@acme.se', '+46812345678'],
		['Tel. 22 123 45 67', 'jane@acme.pl', '+48221234567'],
		['Tel. 044 123 45 67', 'jane@acme.ch', '+41441234567'],
	])('%s from %s → %s', (line, fromEmail, expected) => {
		expect(e164(['Jane Smith', line], fromEmail)).toEqual([expected]);
	});
});

describe('country from the signature text', () => {
	it('from a number written internationally in the same block', () => {
		expect(e164(['Tel. +49 30 23125123', 'Mobil 0152 28817123'])).toEqual([
			'+493023125123',
			'+4915228817123',
		]);
	});

	it('from the postal address', () => {
		expect(e164(['Seestrasse 21, 8002 Zürich, Schweiz', 'Tel. 044 123 45 67'])).toEqual([
			'+41441234567',
		]);
		expect(e164(['12 rue de la Paix, 75002 Paris, France', 'Tél. 01 42 68 53 00'])).toEqual([
			'+33142685300',
		]);
	});

	it('writes (0) trunk prefixes and 00 international prefixes as E.164', () => {
		expect(e164(['T +49 (0)89 99998-381', 'T 0044 20 7946 0123'])).toEqual([
			'+498999998381',
			'+442079460123',
		]);
	});
});

describe('type', () => {
	const labelled: Array<[string, PhoneValue['type']]> = [
		['Mobile: +1 415 555 0123', 'mobile'],
		['Mob +44 20 7946 0123', 'mobile'],
		['M +1 415 555 0123', 'mobile'],
		['Cell: +1 415 555 0123', 'mobile'],
		['Mobil: +49 30 23125123', 'mobile'],
		['Handy +49 30 23125123', 'mobile'],
		['Portable : +33 1 42 68 53 00', 'mobile'],
		['Móvil: +34 912 345 678', 'mobile'],
		['Cel.: +55 11 3456-7890', 'mobile'],
		['携帯: +81 3-1234-5678', 'mobile'],
		['Tel: +1 415 555 0123', 'office'],
		['T +1 415 555 0123', 'office'],
		['Phone: +1 415 555 0123', 'office'],
		['Office +1 415 555 0123', 'office'],
		['Direct: +1 415 555 0123', 'office'],
		['DDI +44 20 7946 0123', 'office'],
		['Telefon: +49 30 23125123', 'office'],
		['Fon +49 30 23125123', 'office'],
		['Tél. : +33 1 42 68 53 00', 'office'],
		['Standard +33 1 42 68 53 00', 'office'],
		['電話: +81 3-1234-5678', 'office'],
		['TEL：+81 3-1234-5678', 'office'],
		['Fax: +1 415 555 0124', 'fax'],
		['F +49 30 23125124', 'fax'],
		['+1 415 555 0123 (mobile)', 'mobile'],
	];
	it.each(labelled)('%s → %s', (line, type) => {
		const phones = phonesOf([line]);
		expect(phones).toHaveLength(1);
		expect(phones[0].type).toBe(type);
	});

	it('labels side by side on one line each name their own number', () => {
		expect(
			phonesOf(['T +1 415 555 0123 | M +1 212 555 0199 | F +1 415 555 0124']).map((p) => p.type),
		).toEqual(['office', 'mobile', 'fax']);
	});

	it('without a label, from the numbering plan', () => {
		expect(phonesOf(['+49 152 28817123'])[0].type).toBe('mobile');
		expect(phonesOf(['+49 30 23125123'])[0].type).toBe('office');
	});

	it('keeps the number as written', () => {
		expect(phonesOf(['Tel.: +49 (0)30 23125-123'])[0].written).toBe('+49 (0)30 23125-123');
	});
});

describe('what is not a phone', () => {
	it.each([
		['a date', 'Meeting on 01.12.2026 and 2026-12-01'],
		['a year range', '2019-2024'],
		['a postal code', '10115 Berlin'],
		['a VAT number', 'USt-IdNr.: DE123456789'],
		['a VAT number with spaces', 'VAT No. GB 123 4567 89'],
		['a register number', 'Amtsgericht Hamburg HRB 1234567'],
		['a SIRET', 'SIRET 123 456 789 00012'],
		['an IBAN', 'IBAN DE89 3704 0044 0532 0130 00'],
		['a Japanese postal code', '〒100-0011 東京都千代田区'],
		['a Brazilian postal code', 'São Paulo - SP, 01310-100'],
		['an order number', 'Order no. 40004421234'],
		['an invalid unlabelled number', '1234567'],
		['an invalid number that is too long', 'Tel: 12345678901234567890'],
	])('%s', (_what, line) => {
		expect(e164([line])).toEqual([]);
	});

	it('reads the same number once', () => {
		expect(e164(['T +1 415 555 0123', 'Phone: (415) 555-0123'])).toEqual(['+14155550123']);
	});

	it('phonesInLine works on its own with an explicit country list', () => {
		expect(phonesInLine('Tel. 030 23125123', ['DE']).map((p) => p.e164)).toEqual(['+493023125123']);
		expect(phonesInLine('Tel. 030 23125123', () => ['DE']).map((p) => p.e164)).toEqual([
			'+493023125123',
		]);
	});
});
