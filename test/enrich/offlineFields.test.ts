// Field extraction from a signature block: name (reconciled with the From header), title, company,
// LinkedIn, website, e-mail and postal address, each with confidence, excerpt and extractor.

import { enrichEmailOffline, extractSignatureFields } from '../../core/enrich';
import type { EmailForEnrichment, SignatureBlockResult, SignatureContact } from '../../core/enrich';

function block(lines: string[]): SignatureBlockResult {
	return { block: lines.join('\n'), lines, ownText: lines.join('\n'), method: 'delimiter' };
}

function from(fromEmail: string, fromName: string | null = null): EmailForEnrichment {
	return { fromEmail, fromName, text: null, html: null };
}

function values(contact: SignatureContact): Record<string, unknown> {
	return {
		fullName: contact.fullName?.value,
		jobTitle: contact.jobTitle?.value,
		company: contact.company?.value,
		phones: contact.phones.map((p) => p.value.e164),
		email: contact.email?.value,
		linkedinUrl: contact.linkedinUrl?.value,
		website: contact.website?.value,
		postalAddress: contact.postalAddress?.value,
	};
}

describe('name', () => {
	it('takes the signature’s name when it matches the From display name or address', () => {
		for (const [address, display] of [
			['jane.smith@acme.example', 'Smith, Jane'],
			['jane.smith@acme.example', 'jane.smith'],
			['jsmith@acme.example', null],
			['jane@acme.example', 'Jane'],
		] as const) {
			const contact = extractSignatureFields(
				block(['Jane Smith', 'CTO, Acme Inc.']),
				from(address, display),
			);
			expect(contact.fullName?.value).toBe('Jane Smith');
			expect(contact.fullName?.confidence).toBeGreaterThanOrEqual(0.9);
			expect(contact.fullName?.excerpt).toBe('Jane Smith');
			expect(contact.fullName?.extractor).toBe('signature');
		}
	});

	it('falls back to the display name when the block has no name line', () => {
		const contact = extractSignatureFields(
			block(['Head of Sales | Acme Inc.', 'T +1 415 555 0123']),
			from('jane.smith@acme.example', 'Smith, Jane'),
		);
		expect(contact.fullName?.value).toBe('Jane Smith');
		expect(contact.fullName?.confidence).toBeLessThan(0.9);
	});

	it('does not take a display name that is not a person', () => {
		const contact = extractSignatureFields(
			block(['Acme Inc.', 'T +1 415 555 0123']),
			from('sales@acme.example', 'Acme Sales Team'),
		);
		expect(contact.fullName).toBeUndefined();
	});

	it('drops honorifics and degrees from the name', () => {
		const contact = extractSignatureFields(
			block(['Dr. Katrin Vogel', 'Leiterin Einkauf']),
			from('k.vogel@acme-logistik.example', 'Katrin Vogel'),
		);
		expect(contact.fullName?.value).toBe('Katrin Vogel');
		expect(contact.fullName?.excerpt).toBe('Dr. Katrin Vogel');
	});

	it('drops pronouns and writes a name in capitals like the From name', () => {
		const email = from('jane.smith@acme.example', 'Jane Smith');
		expect(
			extractSignatureFields(block(['Jane Smith (she/her)', 'CTO']), email).fullName?.value,
		).toBe('Jane Smith');
		expect(extractSignatureFields(block(['JANE SMITH', 'CTO']), email).fullName?.value).toBe(
			'Jane Smith',
		);
	});

	it('does not take a team or a place for a name', () => {
		const contact = extractSignatureFields(
			block(['Senior Engineer', 'Platform Team', 'Acme Inc.']),
			from('x9@acme.example', null),
		);
		expect(contact.fullName).toBeUndefined();
	});

	it('reads Japanese names (family name first)', () => {
		const contact = extractSignatureFields(
			block(['株式会社さくら商事', '営業部 部長', '山田 太郎', 'TEL: 03-1234-5678']),
			from('taro@sakura.co.jp', '山田 太郎'),
		);
		expect(values(contact)).toMatchObject({
			fullName: '山田 太郎',
			jobTitle: '営業部 部長',
			company: '株式会社さくら商事',
			phones: ['+81312345678'],
		});
	});
});

describe('title and company', () => {
	const cases: Array<[string[], string, string, string]> = [
		[['Jane Smith', 'Head of Sales, Acme GmbH'], 'jane@acme.example', 'Head of Sales', 'Acme GmbH'],
		[['Jane Smith', 'CTO @ Foo Labs'], 'jane@foo.example', 'CTO', 'Foo Labs'],
		[['Jane Smith', 'Director | Bar SA'], 'jane@bar.example', 'Director', 'Bar SA'],
		[
			['Jane Smith | Geschäftsführer | Weber Maschinenbau GmbH'],
			'j@weber.example',
			'Geschäftsführer',
			'Weber Maschinenbau GmbH',
		],
		[
			['Jean Martin', 'Directeur commercial', 'Lumière SAS'],
			'jm@lumiere.example',
			'Directeur commercial',
			'Lumière SAS',
		],
		[
			['Ana García', 'Director de Ventas', 'Soluciones Ibéricas S.L.'],
			'ana@solib.example',
			'Director de Ventas',
			'Soluciones Ibéricas S.L.',
		],
		[
			['Eva Bakker • Projectleider • Hollands Glas B.V. • +31 10 234 5699'],
			'eva@hollandsglas.example',
			'Projectleider',
			'Hollands Glas B.V.',
		],
		[
			['Marco Rossi', 'Responsabile Acquisti – Rossi Trasporti S.p.A.'],
			'marco@rossi.example',
			'Responsabile Acquisti',
			'Rossi Trasporti S.p.A.',
		],
		[
			['Rafael Souza', 'Gerente Comercial', 'Terra Verde Agronegócios Ltda.'],
			'rafael@tv.example',
			'Gerente Comercial',
			'Terra Verde Agronegócios Ltda.',
		],
		[
			['Karin Holm, Ekonomichef, Fjällgruppen AB, 031-123 45 67'],
			'karin@fjallgruppen.example',
			'Ekonomichef',
			'Fjällgruppen AB',
		],
		[
			['Jan Kowalski', 'Kierownik Sprzedaży', 'Polbud Sp. z o.o.'],
			'jan@polbud.example',
			'Kierownik Sprzedaży',
			'Polbud Sp. z o.o.',
		],
		[
			['Ashley Coleman', 'VP, Business Development, Brightwater Analytics, Inc.'],
			'ashley@brightwater-analytics.example',
			'VP, Business Development',
			'Brightwater Analytics, Inc.',
		],
		[
			['Thomas Berger', 'Bankettleiter', 'Alpenblick Hotels GmbH'],
			'tb@alpenblick-hotels.example',
			'Bankettleiter',
			'Alpenblick Hotels GmbH',
		],
	];
	it.each(cases)('%j', (lines, address, title, company) => {
		const contact = extractSignatureFields(block(lines), from(address));
		expect(contact.jobTitle?.value).toBe(title);
		expect(contact.company?.value).toBe(company);
		expect(contact.jobTitle?.excerpt).toBe(lines.find((l) => l.includes(title)));
	});

	it('takes a company without a legal form when the sender’s domain names it', () => {
		const contact = extractSignatureFields(
			block(['Sophie Laurent', 'Gérante – Atelier Laurent', '01 42 68 53 00']),
			from('sophie.laurent@atelier-laurent.example', 'Sophie Laurent'),
		);
		expect(contact.company?.value).toBe('Atelier Laurent');
		expect(contact.company?.confidence).toBeLessThan(0.8);
	});

	it('separates a name and a title written on one line without a separator', () => {
		const contact = extractSignatureFields(
			block(['Jane Smith CTO', 'Acme Inc.']),
			from('jane.smith@acme.example', 'Jane Smith'),
		);
		expect(contact.fullName?.value).toBe('Jane Smith');
		expect(contact.jobTitle?.value).toBe('CTO');
	});

	it('reads labelled fields ("Company: …", "Position: …")', () => {
		const contact = extractSignatureFields(
			block(['Name: Jane Smith', 'Position: Head of Sales', 'Company: Acme Ltd']),
			from('jane@acme.example'),
		);
		expect(contact.fullName?.value).toBe('Jane Smith');
		expect(contact.jobTitle?.value).toBe('Head of Sales');
		expect(contact.company?.value).toBe('Acme Ltd');
	});

	it('does not take a tagline for a title or a company', () => {
		const contact = extractSignatureFields(
			block(['Jane Smith', 'Your partner for logistics!', 'Building better software solutions']),
			from('jane@acme.example', 'Jane Smith'),
		);
		expect(contact.jobTitle).toBeUndefined();
		expect(contact.company).toBeUndefined();
	});

	it('does not read a legal footer’s "Geschäftsführer: …" as the sender’s title', () => {
		const contact = extractSignatureFields(
			block(['Lena Wagner', 'Acme GmbH', 'Geschäftsführer: Max Muster, Erika Muster']),
			from('lena@acme.example', 'Lena Wagner'),
		);
		expect(contact.jobTitle).toBeUndefined();
		expect(contact.fullName?.value).toBe('Lena Wagner');
	});
});

describe('LinkedIn, website and e-mail', () => {
	it.each([
		'linkedin.com/in/JaneSmith',
		'www.linkedin.com/in/janesmith/',
		'http://www.linkedin.com/in/janesmith',
		'https://de.linkedin.com/in/janesmith?trk=x',
		'LinkedIn: /in/janesmith',
	])('normalises %s', (written) => {
		const contact = extractSignatureFields(
			block(['Jane Smith', written]),
			from('jane@acme.example'),
		);
		expect(contact.linkedinUrl?.value).toBe('https://www.linkedin.com/in/janesmith');
		expect(contact.linkedinUrl?.excerpt).toBe(written);
	});

	it('ignores company pages and social links as websites', () => {
		const contact = extractSignatureFields(
			block([
				'Jane Smith',
				'linkedin.com/company/acme',
				'twitter.com/acme',
				'www.Acme.example/de/',
			]),
			from('jane@acme.example'),
		);
		expect(contact.linkedinUrl).toBeUndefined();
		expect(contact.website?.value).toBe('https://www.acme.example/de');
	});

	it('normalises a written host to https://host and prefers the sender’s own domain', () => {
		const contact = extractSignatureFields(
			block(['Jane Smith', 'Book a call: calendly.com/jane', 'http://acme.example']),
			from('jane@acme.example'),
		);
		expect(contact.website?.value).toBe('https://acme.example');
	});

	it('takes an e-mail address written in the block, in lower case, and no website from it', () => {
		const contact = extractSignatureFields(
			block(['Jane Smith', 'E: Jane.Smith@Acme.example']),
			from('jane.smith@acme.example'),
		);
		expect(contact.email?.value).toBe('jane.smith@acme.example');
		expect(contact.website).toBeUndefined();
	});
});

describe('postal address', () => {
	const cases: Array<[string[], string]> = [
		[
			['Musterstraße 12', '10115 Berlin', 'Deutschland'],
			'Musterstraße 12, 10115 Berlin, Deutschland',
		],
		[['12 rue de l’Exemple, 75002 Paris, France'], '12 rue de l’Exemple, 75002 Paris, France'],
		[
			['1200 Market Street, Suite 400', 'Philadelphia, PA 19107'],
			'1200 Market Street, Suite 400, Philadelphia, PA 19107',
		],
		[
			['12 Sample Lane, London EC1A 1AA, United Kingdom'],
			'12 Sample Lane, London EC1A 1AA, United Kingdom',
		],
		[['Storgatan 12, 111 51 Stockholm'], 'Storgatan 12, 111 51 Stockholm'],
		[
			['Av. Paulista, 1000 - Bela Vista, São Paulo - SP, 01310-100'],
			'Av. Paulista, 1000 - Bela Vista, São Paulo - SP, 01310-100',
		],
		[
			['〒100-0011 東京都千代田区見本町1-2-3 見本ビル5F'],
			'〒100-0011 東京都千代田区見本町1-2-3 見本ビル5F',
		],
		[['Acme GmbH · Hafenstraße 12 · 20457 Hamburg'], 'Hafenstraße 12, 20457 Hamburg'],
		[['10 Sample Street', 'London', 'SW1A 2AA'], '10 Sample Street, London, SW1A 2AA'],
		[
			['123 Main St.', 'Suite 200', 'San Francisco, CA 94105'],
			'123 Main St., Suite 200, San Francisco, CA 94105',
		],
		[['Keizersgracht 123', '1015 CJ Amsterdam'], 'Keizersgracht 123, 1015 CJ Amsterdam'],
	];
	it.each(cases)('%j', (addressLines, expected) => {
		const contact = extractSignatureFields(
			block(['Jane Smith', ...addressLines, 'T +1 415 555 0123']),
			from('jane@acme.example'),
		);
		expect(contact.postalAddress?.value).toBe(expected);
		expect(contact.postalAddress?.excerpt).toBe(addressLines.join('\n'));
		// No phone taken from the address's digits.
		expect(contact.phones.map((p) => p.value.e164)).toEqual(['+14155550123']);
	});
});

describe('the whole path', () => {
	it('takes every value from the sender’s block and nothing from the quote', () => {
		const email: EmailForEnrichment = {
			id: 'e1',
			fromEmail: 'lukas.mueller@nordlicht.example',
			fromName: 'Müller, Lukas',
			text: [
				'Hallo Frau Weber,',
				'',
				'anbei das Angebot.',
				'',
				'Mit freundlichen Grüßen',
				'',
				'Lukas Müller',
				'Leitung Vertrieb',
				'Nordlicht Software GmbH',
				'Musterstraße 12',
				'10115 Berlin',
				'Tel.: 030 23125-123',
				'Mobil: 0152 28817123',
				'www.nordlicht.example',
				'',
				'Von: Anna Weber <anna@kunde.example>',
				'Gesendet: Montag, 30. November 2026 10:00',
				'An: Lukas Müller',
				'Betreff: Angebot',
				'',
				'Anna Weber',
				'Einkaufsleiterin, Kunde AG',
				'Tel 089 99998123',
			].join('\n'),
			html: null,
		};
		const { block: found, contact } = enrichEmailOffline(email);
		expect(found.method).toBe('closing');
		expect(values(contact)).toEqual({
			fullName: 'Lukas Müller',
			jobTitle: 'Leitung Vertrieb',
			company: 'Nordlicht Software GmbH',
			phones: ['+493023125123', '+4915228817123'],
			email: undefined,
			linkedinUrl: undefined,
			website: 'https://www.nordlicht.example',
			postalAddress: 'Musterstraße 12, 10115 Berlin',
		});
		expect(contact.phones.map((p) => p.value.type)).toEqual(['office', 'mobile']);
		for (const value of [
			contact.fullName,
			contact.jobTitle,
			contact.company,
			contact.website,
			contact.postalAddress,
			...contact.phones,
		]) {
			expect(value?.extractor).toBe('signature');
			expect(value?.confidence).toBeGreaterThan(0);
			expect(value?.confidence).toBeLessThanOrEqual(1);
			expect(found.block).toContain(value?.excerpt.split('\n')[0]);
		}
	});

	it('returns no values when there is no block', () => {
		const { block: found, contact } = enrichEmailOffline({
			fromEmail: 'jane@acme.example',
			fromName: 'Jane Smith',
			text: 'ok',
			html: null,
		});
		expect(found.block).toBeNull();
		expect(contact).toEqual({ phones: [] });
	});

	it('is deterministic', () => {
		const email = from('jane.smith@acme.example', 'Jane Smith');
		email.text =
			'Hi\n\n-- \nJane Smith\nCTO, Acme Inc.\n+1 415 555 0123\nlinkedin.com/in/janesmith';
		expect(enrichEmailOffline(email)).toEqual(enrichEmailOffline({ ...email }));
	});
});
