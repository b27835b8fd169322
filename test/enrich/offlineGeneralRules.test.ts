// General rules added after the held-out mail showed them missing: each is checked here on mail
// written for this test, so the rule is proven apart from the fixture that revealed it.
import { enrichEmailOffline } from '../../core/enrich';

function plain(fromEmail: string, fromName: string, text: string) {
	return { fromEmail, fromName, subject: null, text, html: null };
}

describe('offline extractor: general rules', () => {
	it('cuts a reply intro in a language it has no words for, when quoted lines follow', () => {
		const { block, contact } = enrichEmailOffline(
			plain(
				'ana@sever-trans.ro',
				'Ana Popescu',
				'Bună ziua,\n\nConfirm livrarea.\n\nCu stimă,\nAna Popescu\nManager Logistică\nSever Trans SRL\n\nÎn 3 nov. 2026, la 10:15, Ion Vasile <ion@vasile-impex.ro> a scris:\n> Când livrați?\n> Ion Vasile\n> Director, Vasile Impex SRL\n',
			),
		);
		expect(block.lines).toEqual(['Ana Popescu', 'Manager Logistică', 'Sever Trans SRL']);
		expect(contact.email).toBeUndefined();
		expect(JSON.stringify(contact)).not.toContain('Vasile');
	});

	it('takes the line between the name and the company as the title, even written like a name', () => {
		const { contact } = enrichEmailOffline(
			plain(
				'p.hale@hale-moor.co.uk',
				'Hale, Pippa',
				'Hi,\n\nViewing confirmed for 4pm.\n\nThanks\nPippa Hale\nSenior Lettings Negotiator\nHale & Moor Estates Ltd\nT: 020 7946 0321\n',
			),
		);
		expect(contact.jobTitle?.value).toBe('Senior Lettings Negotiator');
		expect(contact.company?.value).toBe('Hale & Moor Estates Ltd');
	});

	it('keeps a legal form after a comma with the company, drops honorifics, knows s.r.o.', () => {
		const pt = enrichEmailOffline(
			plain(
				'nuno@douro-vinhos.pt',
				'Nuno Sá',
				'Caro cliente,\n\nSegue a fatura.\n\nCumprimentos,\nNuno Sá\nGestor Comercial\nDouro Vinhos, Lda.\nT. +351 22 123 4567\n',
			),
		);
		expect(pt.contact.company?.value).toBe('Douro Vinhos, Lda.');
		const mx = enrichEmailOffline(
			plain(
				'rocio@grupo-azteca.mx',
				'Rocío Méndez',
				'Buen día,\n\nAdjunto la cotización.\n\nSaludos,\nLic. Rocío Méndez\nGerente de Ventas\nGrupo Azteca S.A. de C.V.\n',
			),
		);
		expect(mx.contact.fullName?.value).toBe('Rocío Méndez');
		const cz = enrichEmailOffline(
			plain(
				'jan.novak@brno-stroje.cz',
				'Jan Novák',
				'Dobrý den,\n\nposílám nabídku.\n\nS pozdravem\nJan Novák\nObchodní ředitel\nBrno Stroje s.r.o.\nIČO: 12345678\n',
			),
		);
		expect(cz.contact.company?.value).toBe('Brno Stroje s.r.o.');
		expect(cz.block.lines).not.toContain('IČO: 12345678');
	});

	it('ends the block at an Austrian company-register line', () => {
		const { block } = enrichEmailOffline(
			plain(
				'k.huber@alpen-handel.at',
				'Karin Huber',
				'Grüß Gott,\n\nanbei das Angebot.\n\nLiebe Grüße\nKarin Huber\nEinkaufsleiterin\nAlpen Handel GmbH\nT +43 1 234 56 78\nAlpen Handel GmbH | FN 654321x | Handelsgericht Wien | UID ATU87654321\n',
			),
		);
		expect(block.lines).toEqual([
			'Karin Huber',
			'Einkaufsleiterin',
			'Alpen Handel GmbH',
			'T +43 1 234 56 78',
		]);
	});
});
