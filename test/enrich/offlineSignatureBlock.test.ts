// Signature block detection without a model: quotes and forwards removed first (plain text and
// HTML), then delimiter, closing, tail and Gmail's signature container; footers, disclaimers and
// automated mail never count.

import { findSignatureBlock, htmlToText, ownText, stripQuotedText } from '../../core/enrich';
import type { EmailForEnrichment } from '../../core/enrich';

function mail(text: string | null, extra: Partial<EmailForEnrichment> = {}): EmailForEnrichment {
	return {
		fromEmail: 'jane.smith@acme.example',
		fromName: 'Jane Smith',
		text,
		html: null,
		...extra,
	};
}

const SIGNATURE = ['Jane Smith', 'Head of Sales, Acme Inc.', 'T +1 415 555 0123'];

describe('quoted replies and forwards are not the sender’s own text', () => {
	const intros: Array<[string, string]> = [
		['en', 'On Mon, Nov 30, 2026 at 9:00 AM Bob Jones <bob@other.example> wrote:'],
		['de', 'Am Mo., 30. Nov. 2026 um 09:00 Uhr schrieb Bob Jones <bob@other.example>:'],
		['fr', 'Le lun. 30 nov. 2026 à 09:00, Bob Jones <bob@other.example> a écrit :'],
		['es', 'El lun, 30 nov 2026 a las 9:00, Bob Jones (<bob@other.example>) escribió:'],
		['nl', 'Op ma 30 nov. 2026 om 09:00 schreef Bob Jones <bob@other.example>:'],
		['it', 'Il giorno lun 30 nov 2026 alle ore 09:00 Bob Jones <bob@other.example> ha scritto:'],
		['pt', 'Em seg., 30 de nov. de 2026 às 09:00, Bob Jones <bob@other.example> escreveu:'],
		['sv', 'Den mån 30 nov. 2026 kl 09:00 skrev Bob Jones <bob@other.example>:'],
		['ja', '2026年11月30日(月) 9:00 Bob Jones <bob@other.example>:'],
		['ja-verb', '2026/11/30 9:00 に Bob Jones <bob@other.example> が書きました:'],
	];
	it.each(intros)('removes a %s reply intro and what follows it', (_lang, intro) => {
		const text = `Thanks, works for me.\n\nBest regards,\n${SIGNATURE.join('\n')}\n\n${intro}\n\nHello Jane,\nBob Jones\nCEO, Other LLC\n+1 617 555 0111\n`;
		const own = stripQuotedText(text);
		expect(own).toContain('Jane Smith');
		expect(own).not.toContain('Bob Jones');
		expect(own).not.toContain('617');
		expect(findSignatureBlock(mail(text)).lines).toEqual(SIGNATURE);
	});

	it('does not take a sentence ending in "wrote:" for a reply intro', () => {
		const text = 'Le client a écrit :\n« livraison lundi »\n\nCordialement,\nJane Smith\nAcme SAS';
		expect(stripQuotedText(text)).toBe(text);
	});

	it('keeps a wrapped Gmail intro together ("… <" / "address> wrote:")', () => {
		const text =
			'Sounds good.\n\nOn Mon, Nov 30, 2026 at 9:00 AM Bob Jones <\nbob@other.example> wrote:\n> Hi\n> Bob Jones\n';
		expect(stripQuotedText(text)).toBe('Sounds good.');
	});

	it('drops > quoted lines and keeps a reply written below them (bottom-posting)', () => {
		const text =
			'On Mon, Nov 30, 2026 at 9:00 AM Bob <bob@other.example> wrote:\n> Can you do Monday?\n> --\n> Bob Jones\n> +1 617 555 0111\n\nYes, Monday works.\n\nCheers,\nJane Smith\nAcme Inc. | +1 415 555 0123\n';
		const result = findSignatureBlock(mail(text));
		expect(result.ownText).not.toContain('Bob');
		expect(result.ownText).toContain('Yes, Monday works.');
		expect(result.lines).toEqual(['Jane Smith', 'Acme Inc. | +1 415 555 0123']);
	});

	const headerBlocks: Array<[string, string]> = [
		[
			'en',
			'From: Bob Jones <bob@other.example>\nSent: Monday, November 30, 2026 9:00 AM\nTo: Jane Smith\nSubject: Offer',
		],
		[
			'de',
			'Von: Bob Jones <bob@other.example>\nGesendet: Montag, 30. November 2026 09:00\nAn: Jane Smith\nBetreff: Angebot',
		],
		[
			'fr',
			'De : Bob Jones <bob@other.example>\nEnvoyé : lundi 30 novembre 2026 09:00\nÀ : Jane Smith\nObjet : Offre',
		],
		[
			'es',
			'De: Bob Jones <bob@other.example>\nEnviado el: lunes, 30 de noviembre de 2026 9:00\nPara: Jane Smith\nAsunto: Oferta',
		],
		[
			'nl',
			'Van: Bob Jones <bob@other.example>\nVerzonden: maandag 30 november 2026 09:00\nAan: Jane Smith\nOnderwerp: Offerte',
		],
		[
			'it',
			'Da: Bob Jones <bob@other.example>\nInviato: lunedì 30 novembre 2026 09:00\nA: Jane Smith\nOggetto: Offerta',
		],
		[
			'da',
			'Fra: Bob Jones <bob@other.example>\nSendt: 30. november 2026 09:00\nTil: Jane Smith\nEmne: Tilbud',
		],
		[
			'cs',
			'Od: Bob Jones <bob@other.example>\nOdesláno: 30. listopadu 2026 9:00\nKomu: Jane Smith\nPředmět: Nabídka',
		],
		[
			'ja',
			'差出人: Bob Jones <bob@other.example>\n送信日時: 2026年11月30日 9:00\n宛先: Jane Smith\n件名: お見積り',
		],
		[
			'bold',
			'*From:* Bob Jones <bob@other.example>\n*Sent:* Monday, November 30, 2026 9:00 AM\n*To:* Jane Smith\n*Subject:* Offer',
		],
	];
	it.each(headerBlocks)('cuts at an Outlook header block (%s)', (_lang, header) => {
		const text = `See attached.\n\nKind regards\n${SIGNATURE.join('\n')}\n\n________________________________\n${header}\n\nHi Jane,\nBob Jones\n+1 617 555 0111\n`;
		const result = findSignatureBlock(mail(text));
		expect(result.lines).toEqual(SIGNATURE);
		expect(result.ownText).not.toContain('Bob');
		expect(result.ownText).not.toContain('____');
	});

	it.each([
		'-----Original Message-----',
		'-----Ursprüngliche Nachricht-----',
		'---------- Forwarded message ---------',
		'-------- Message transféré --------',
		'Begin forwarded message:',
	])('cuts at "%s"', (marker) => {
		const text = `FYI, see below.\n\n${marker}\nFrom: Bob Jones <bob@other.example>\nBob Jones\nCEO\n+1 617 555 0111\n`;
		expect(stripQuotedText(text)).toBe('FYI, see below.');
		const result = findSignatureBlock(mail(text));
		expect(result.block).toBeNull();
	});

	it('takes a signature above the quote (top-posting) and never the quoted one', () => {
		const text = `Agreed.\n\n-- \n${SIGNATURE.join('\n')}\n\nOn Mon, Nov 30, 2026 at 9:00 AM Bob Jones <bob@other.example> wrote:\n> Hi\n> -- \n> Bob Jones\n> CEO, Other LLC\n`;
		const result = findSignatureBlock(mail(text));
		expect(result.method).toBe('delimiter');
		expect(result.lines).toEqual(SIGNATURE);
	});

	it('finds no signature in a reply whose only signature is the quoted one', () => {
		const text =
			'ok\n\nOn Mon, Nov 30, 2026 at 9:00 AM Bob Jones <bob@other.example> wrote:\n> Hi\n> --\n> Bob Jones\n> CEO, Other LLC\n> +1 617 555 0111\n';
		expect(findSignatureBlock(mail(text)).block).toBeNull();
	});
});

describe('HTML', () => {
	it('turns blocks into lines, decodes entities and drops style, script and head', () => {
		const html =
			'<html><head><title>x</title><style>p{color:red}</style></head><body><script>alert(1)</script><p>Caf&eacute; &amp; more&nbsp;here</p><div>Line&#160;two<br>Line &#x33;</div><ul><li>a</li><li>b</li></ul></body></html>';
		expect(htmlToText(html)).toBe('Café & more here\n\nLine two\nLine 3\n\na\nb');
	});

	it('joins table cells with " | " and reads a cell with line breaks line by line', () => {
		expect(htmlToText('<table><tr><td>Tel</td><td>+1 415 555 0123</td></tr></table>')).toBe(
			'Tel | +1 415 555 0123',
		);
		expect(
			htmlToText('<table><tr><td><b>Jane Smith</b></td><td>CTO<br>Acme Inc.</td></tr></table>'),
		).toBe('Jane Smith\nCTO\nAcme Inc.');
	});

	it('removes Gmail quote containers and keeps the gmail_signature as the block', () => {
		const html =
			'<div dir="ltr">Sounds good.<br><br><div class="gmail_signature">Jane Smith<br>Head of Sales, Acme Inc.<br>T +1 415 555 0123</div></div>' +
			'<div class="gmail_quote"><div class="gmail_attr">On Mon, Bob Jones wrote:</div><blockquote class="gmail_quote"><div>Hi<br>Bob Jones<br>CEO, Other LLC<br>+1 617 555 0111</div></blockquote></div>';
		const result = findSignatureBlock(mail(null, { html }));
		expect(result.ownText).not.toContain('Bob');
		expect(result.lines).toEqual(SIGNATURE);
	});

	it('uses the gmail_signature container when nothing else marks the block', () => {
		const html =
			'<div>Here you go.</div><div class="gmail_signature"><div>Jane Smith</div><div>Acme Inc.</div></div>';
		const result = findSignatureBlock(mail(null, { html }));
		expect(result.method).toBe('html');
		expect(result.lines).toEqual(['Jane Smith', 'Acme Inc.']);
	});

	it('stops at Outlook’s appendonsend and divRplyFwdMsg markers', () => {
		for (const marker of ['<div id="appendonsend"></div>', '<div id="divRplyFwdMsg">']) {
			const html = `<p>Yes.</p><p>Best regards<br>${SIGNATURE.join('<br>')}</p>${marker}<hr><p><b>From:</b> Bob Jones<br><b>Sent:</b> Monday<br><b>To:</b> Jane</p><p>Bob Jones<br>+1 617 555 0111</p>`;
			const result = findSignatureBlock(mail(null, { html }));
			expect(result.lines).toEqual(SIGNATURE);
			expect(result.ownText).not.toContain('Bob');
		}
	});

	it('cuts at <hr> followed by a From: header block', () => {
		const html = `<p>Yes.</p><p>Best regards<br>${SIGNATURE.join('<br>')}</p><hr><p><b>Von:</b> Bob Jones<br><b>Gesendet:</b> Montag<br><b>An:</b> Jane<br><b>Betreff:</b> x</p><p>Bob Jones<br>+1 617 555 0111</p>`;
		const result = findSignatureBlock(mail(null, { html }));
		expect(result.ownText).not.toContain('Bob');
		expect(result.lines).toEqual(SIGNATURE);
	});

	it('reads Outlook’s MsoNormal paragraphs as lines and its empty paragraphs as breaks', () => {
		const html =
			'<div class=WordSection1><p class=MsoNormal>Hi Tom,<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Please find the quote attached.<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>' +
			SIGNATURE.map((l) => `<p class=MsoNormal>${l}<o:p></o:p></p>`).join('') +
			"<p class=MsoNormal><o:p>&nbsp;</o:p></p><div style='border:none;border-top:solid #E1E1E1 1.0pt'><p class=MsoNormal><b>From:</b> Bob &lt;bob@other.example&gt;<br><b>Sent:</b> Monday<br><b>To:</b> Jane<br><b>Subject:</b> Quote<o:p></o:p></p></div><p class=MsoNormal>Bob Jones<br>+1 617 555 0111</p></div>";
		const result = findSignatureBlock(mail(null, { html }));
		expect(result.ownText).toBe(
			`Hi Tom,\n\nPlease find the quote attached.\n\n${SIGNATURE.join('\n')}`,
		);
		expect(result.lines).toEqual(SIGNATURE);
	});

	it('removes Apple Mail and Thunderbird quotes (blockquote type=cite)', () => {
		const html = `<div>Fine by me.</div><div><br></div><div>Cheers,<br>${SIGNATURE.join('<br>')}</div><div class="moz-cite-prefix">On 30.11.26 Bob wrote:</div><blockquote type="cite"><div>Bob Jones<br>+1 617 555 0111</div></blockquote>`;
		const result = findSignatureBlock(mail(null, { html }));
		expect(result.ownText).not.toContain('Bob');
		expect(result.lines).toEqual(SIGNATURE);
	});

	it('prefers the HTML when the text part is only a stub', () => {
		const html = `<p>Details inside.</p><p>Kind regards<br>${SIGNATURE.join('<br>')}</p>`;
		const result = findSignatureBlock(
			mail('Your mail client does not show HTML.', {
				html: html + '<p>' + 'x '.repeat(100) + '</p>',
			}),
		);
		expect(ownText(mail('x', { html }))).toContain('Jane Smith');
		expect(result.ownText).toContain('Details inside.');
	});
});

describe('where the block is', () => {
	it('uses the "-- " delimiter and leaves the closing and the delimiter out', () => {
		const result = findSignatureBlock(
			mail(`Hi Bob,\n\nAttached.\n\nBest,\nJane\n\n-- \n${SIGNATURE.join('\n')}\n`),
		);
		expect(result.method).toBe('delimiter');
		expect(result.lines).toEqual(SIGNATURE);
		expect(result.block).toBe(SIGNATURE.join('\n'));
	});

	const closings = [
		'Best regards,',
		'Kind regards',
		'Regards,',
		'Thanks,',
		'Cheers!',
		'Best,',
		'Mit freundlichen Grüßen',
		'Viele Grüße',
		'Beste Grüße',
		'Cordialement,',
		'Bien à vous,',
		'Bien cordialement,',
		'Saludos,',
		'Un saludo,',
		'Atentamente,',
		'Met vriendelijke groet,',
		'Groeten,',
		'Cordiali saluti',
		'Distinti saluti',
		'Atenciosamente,',
		'Abraços,',
		'Med vänliga hälsningar',
		'Pozdrawiam',
		'よろしくお願いいたします。',
		'よろしくお願いします。',
		'Danke und Gruß',
		'Herzliche Grüße aus Berlin',
		'Greetings from Lisbon,',
		'Bedankt en groet,',
		'Med venlig hilsen',
		'Abs,',
	];
	it.each(closings)('starts the block after the closing "%s"', (closing) => {
		const result = findSignatureBlock(
			mail(`Hello,\n\nplease find the offer attached.\n\n${closing}\n${SIGNATURE.join('\n')}`),
		);
		expect(result.method).toBe('closing');
		expect(result.lines).toEqual(SIGNATURE);
	});

	it('reads a bilingual closing and leaves a first-name sign-off above the full signature out', () => {
		const result = findSignatureBlock(
			mail(`Attached.\n\nBest regards / Mit freundlichen Grüßen\nJane\n\n${SIGNATURE.join('\n')}`),
		);
		expect(result.method).toBe('closing');
		expect(result.lines).toEqual(SIGNATURE);
	});

	it('keeps a name written on the closing line ("Cheers, Jane Smith")', () => {
		const result = findSignatureBlock(
			mail('Done.\n\nCheers, Jane Smith\nAcme Inc. | +1 415 555 0123'),
		);
		expect(result.lines).toEqual(['Jane Smith', 'Acme Inc. | +1 415 555 0123']);
	});

	it('reads the last paragraph as the block when it looks like a signature', () => {
		const result = findSignatureBlock(
			mail(`Please call me about the renewal.\n\n${SIGNATURE.join('\n')}\nwww.acme.example`),
		);
		expect(result.method).toBe('tail');
		expect(result.lines).toEqual([...SIGNATURE, 'www.acme.example']);
	});

	it('leaves the last sentence out when the signature follows it without a blank line', () => {
		const result = findSignatureBlock(
			mail(`Hi Bob,\n\nPlease confirm by Friday.\n${SIGNATURE.join('\n')}`),
		);
		expect(result.method).toBe('tail');
		expect(result.lines).toEqual(SIGNATURE);
	});

	it('does not take a closing link or a question for a signature', () => {
		for (const ending of [
			'Here is the link:\nhttps://docs.example/abc',
			'Did you see www.acme.example?',
		]) {
			expect(
				findSignatureBlock(mail(`Hi Bob,\n\nthe draft is ready.\n\n${ending}`)).block,
			).toBeNull();
		}
	});

	it('finds nothing when the last paragraph is prose', () => {
		const result = findSignatureBlock(
			mail('Hi,\n\nThe meeting moved to Thursday at ten, in the usual room on the second floor.'),
		);
		expect(result.block).toBeNull();
		expect(result.skipped).toBe('no-signature');
	});

	it('ends the block at a P.S.', () => {
		const result = findSignatureBlock(
			mail(`Ok.\n\nThanks,\n${SIGNATURE.join('\n')}\n\nP.S. The deck is in the shared drive.`),
		);
		expect(result.lines).toEqual(SIGNATURE);
	});

	it('treats a lone first name after a closing as a sign-off, not a signature', () => {
		expect(
			findSignatureBlock(mail('Sure.\n\nThanks,\nJake\n\nSent from my iPhone')).block,
		).toBeNull();
	});

	it.each([
		'Sent from my iPhone',
		'Von meinem iPhone gesendet',
		'Envoyé de mon iPhone',
		'Enviado desde mi iPhone',
		'Get Outlook for iOS',
		'Get Outlook for Android',
	])('leaves the mobile footer "%s" out', (footer) => {
		const result = findSignatureBlock(mail(`Ok.\n\nBest,\n${SIGNATURE.join('\n')}\n\n${footer}`));
		expect(result.lines).toEqual(SIGNATURE);
	});

	it.each([
		'CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and may be privileged. If you are not the intended recipient, please delete it.',
		'This e-mail and any files transmitted with it are confidential and intended solely for the use of the individual to whom they are addressed.',
		'Diese E-Mail enthält vertrauliche und/oder rechtlich geschützte Informationen. Wenn Sie nicht der richtige Adressat sind, informieren Sie bitte sofort den Absender.',
		'Ce message et toutes les pièces jointes sont confidentiels et établis à l’intention exclusive de ses destinataires.',
	])('leaves a legal disclaimer out', (disclaimer) => {
		for (const gap of ['\n\n', '\n']) {
			const result = findSignatureBlock(
				mail(`Ok.\n\nKind regards,\n${SIGNATURE.join('\n')}${gap}${disclaimer}`),
			);
			expect(result.lines).toEqual(SIGNATURE);
		}
	});

	it('ends the block at company register lines', () => {
		const result = findSignatureBlock(
			mail(
				`Anbei.\n\nMit freundlichen Grüßen\n${SIGNATURE.join('\n')}\nAcme GmbH · Sitz: Hamburg · Amtsgericht Hamburg HRB 123456\nGeschäftsführer: Max Muster`,
			),
		);
		expect(result.lines).toEqual(SIGNATURE);
	});

	it('drops image placeholders', () => {
		const result = findSignatureBlock(
			mail(
				`Ok.\n\n-- \n[image: Acme logo]\n${SIGNATURE.join('\n')}\n[cid:image001.png@01DA1234.5678]`,
			),
		);
		expect(result.lines).toEqual(SIGNATURE);
	});

	it('returns an empty own text as skipped "empty"', () => {
		expect(findSignatureBlock(mail('   \n\n ')).skipped).toBe('empty');
		expect(findSignatureBlock(mail(null)).skipped).toBe('empty');
	});
});

describe('automated mail', () => {
	it.each([
		[{ isBulk: true }],
		[{ fromEmail: 'no-reply@acme.example' }],
		[{ fromEmail: 'noreply@acme.example' }],
		[{ fromEmail: 'notifications@github.example' }],
		[{ fromEmail: 'do-not-reply@bank.example' }],
		[{ listHeaders: { 'List-Unsubscribe': '<mailto:u@acme.example>' } }],
		[{ listHeaders: { 'Auto-Submitted': 'auto-generated' } }],
		[{ listHeaders: { Precedence: 'bulk' } }],
	])('is skipped (%j)', (extra) => {
		const result = findSignatureBlock(mail(`News.\n\n-- \n${SIGNATURE.join('\n')}`, extra));
		expect(result.skipped).toBe('automated');
		expect(result.block).toBeNull();
	});

	it('is not skipped for Auto-Submitted: no', () => {
		const result = findSignatureBlock(
			mail(`News.\n\n-- \n${SIGNATURE.join('\n')}`, { listHeaders: { 'Auto-Submitted': 'no' } }),
		);
		expect(result.lines).toEqual(SIGNATURE);
	});
});
