// Message wording per locale. Templates are written with plain ASCII punctuation; `typography`
// turns it into curly quotes and dashes when the message's charset can carry them, which is how
// Windows-1252 and UTF-8 mail ends up with bytes above 0x7F even in English.

import { Charset } from './charsets';
import { Locale } from './people';
import { Rng } from './prng';

export interface Vars {
	first: string;
	last: string;
	full: string;
	company: string;
	project: string;
	invoice: string;
	order: string;
	amount: string;
	day: string;
	brand: string;
	ownerFirst: string;
}

export function fill(template: string, v: Vars): string {
	return template.replace(
		/\{(\w+)\}/g,
		(_, k: string) => (v as unknown as Record<string, string>)[k] ?? k,
	);
}

/** Curly quotes, en dashes and ellipses, only where the charset has them. */
export function typography(text: string, charset: Charset, locale: Locale): string {
	if (charset !== 'windows-1252' && charset !== 'utf-8') return text;
	let t = text.replace(/(\w)'(\w)/g, '$1\u2019$2').replace(/ - /g, ' \u2013 ');
	if (locale === 'us' || locale === 'uk') t = t.replace(/"([^"\n]+)"/g, '\u201c$1\u201d');
	return t.replace(/\.\.\./g, '\u2026');
}

export function amountFor(rng: Rng, locale: Locale, charset: Charset): string {
	const n = rng.range(12, 980) * 50;
	const grouped = (sep: string) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
	const euro = charset === 'iso-8859-1' || charset === 'us-ascii' ? 'EUR' : '€';
	switch (locale) {
		case 'us':
			return charset === 'windows-1252' ? `€${grouped(',')}.00` : `$${grouped(',')}.00`;
		case 'uk':
			return charset === 'us-ascii' ? `GBP ${grouped(',')}.00` : `£${grouped(',')}.00`;
		case 'de':
			return `${grouped('.')},00 ${euro}`;
		case 'fr':
			return `${grouped(' ')},00 ${euro}`;
		case 'jp':
			return `${grouped(',')}00円`;
	}
}

export const DAYS: Record<Locale, string[]> = {
	us: ['Monday', 'Tuesday', 'Thursday', 'Friday', 'the 14th'],
	uk: ['Monday', 'Wednesday', 'Thursday', 'Friday', 'the 21st'],
	de: ['Montag', 'Dienstag', 'Donnerstag', 'Freitag', 'Ende der Woche'],
	fr: ['lundi', 'mardi', 'jeudi', 'vendredi', 'la fin de la semaine'],
	jp: ['月曜日', '火曜日', '木曜日', '金曜日', '来週'],
};

export const PROJECTS = [
	'Atlas',
	'Beacon',
	'Cobalt',
	'Delta',
	'Evergreen',
	'Falcon',
	'Granite',
	'Horizon',
];

interface LocaleTexts {
	businessSubjects: string[];
	businessGreetings: string[];
	businessParagraphs: string[];
	personalSubjects: string[];
	personalGreetings: string[];
	personalParagraphs: string[];
	ownerReplies: string[];
	contactReplies: string[];
	closings: string[];
	personalClosings: string[];
	autoReplyPrefix: string;
	autoReply: string;
	quoteIntro: string; // {date} {name}
}

export const TEXTS: Record<Locale, LocaleTexts> = {
	us: {
		businessSubjects: [
			'Proposal for {project}',
			'Invoice {invoice}',
			'Follow-up: contract renewal',
			'Quarterly review agenda',
			'Order {order} shipped',
			'Meeting next {day}?',
			'Question about the {project} rollout',
			'Pricing for {company}',
		],
		businessGreetings: ['Hi {first},', 'Hello {first},', 'Dear {full},', 'Good morning {first},'],
		businessParagraphs: [
			"Thanks for taking the time to meet with us last week. As discussed, I've attached our proposal for the {project} project.",
			"Could you confirm whether the revised timeline still works for your team? We'd like to start the rollout on {day}.",
			'Our finance team has issued invoice {invoice} for {amount}, due within 30 days.',
			'I wanted to follow up on the contract renewal. The updated terms are below; let me know if anything needs adjusting.',
			"We're putting together the agenda for the quarterly review. Is there anything you'd like us to cover?",
			'The shipment for order {order} left our warehouse this morning and should arrive by {day}.',
			"Happy to jump on a call if that's easier - I'm free most afternoons this week.",
			'Our team calls it the "fast track" option: same scope, delivered two weeks earlier...',
		],
		personalSubjects: [
			'Dinner on {day}?',
			'Photos from the weekend',
			'Happy birthday!',
			'Quick question',
			'Weekend plans',
		],
		personalGreetings: ['Hey {first}!', 'Hi {first},', '{first} -'],
		personalParagraphs: [
			'Are we still on for dinner on {day}? I booked a table for 7.',
			'Here are the photos from the weekend - the one at the lake came out great.',
			'Happy birthday! Hope you have a wonderful day.',
			'Can you send me the recipe you mentioned? I want to try it this weekend.',
			"Let me know if you need a ride to the airport, I'm around.",
		],
		ownerReplies: [
			"Thanks {first}, that works for me. I'll get back to you by {day}.",
			'Got it, thanks! Looping in the team.',
			'Sounds good. Could you send over the updated numbers before {day}?',
		],
		contactReplies: [
			'Great, thanks for the quick reply.',
			'Sounds good - see you then.',
			'Perfect. I have updated the document accordingly.',
			'Thanks! One more question: does the quote include onboarding?',
		],
		closings: ['Best regards,', 'Kind regards,', 'Thanks,', 'Best,', 'Cheers,'],
		personalClosings: ['xx', 'Talk soon!', 'Cheers', ''],
		autoReplyPrefix: 'Automatic reply: ',
		autoReply:
			"Thank you for your message. I'm out of the office until {day} with limited access to email. For urgent matters please contact our office.",
		quoteIntro: 'On {date}, {name} wrote:',
	},
	uk: {
		businessSubjects: [
			'Proposal for {project}',
			'Invoice {invoice} attached',
			'Renewal of your service agreement',
			'Catch-up on {day}?',
			'Order {order} dispatched',
			'Quick question re {project}',
		],
		businessGreetings: ['Hi {first},', 'Dear {first},', 'Morning {first},'],
		businessParagraphs: [
			'Many thanks for your time earlier. Please find attached our proposal for {project}.',
			'Could you let me know whether {day} still suits for the workshop? Happy to rearrange if not.',
			'Please find attached invoice {invoice} for {amount}, payable within 30 days.',
			'Your order {order} was dispatched this morning and should be with you by {day}.',
			"Just following up on my last email - do let me know if you've had a chance to review.",
		],
		personalSubjects: ['Drinks on {day}?', 'Holiday photos', 'Happy birthday!', 'Sunday lunch'],
		personalGreetings: ['Hiya {first},', 'Hi {first}!'],
		personalParagraphs: [
			'Fancy drinks on {day}? The usual place?',
			'Holiday photos attached - the weather was brilliant.',
			"Hope you're well! Are you free for Sunday lunch?",
		],
		ownerReplies: [
			'Thanks {first}, {day} works well.',
			'Lovely, thank you. Will review and revert.',
		],
		contactReplies: [
			'Brilliant, thanks.',
			'Perfect - see you then.',
			"Thanks, that's very helpful.",
		],
		closings: ['Kind regards,', 'Best wishes,', 'Many thanks,', 'Regards,'],
		personalClosings: ['x', 'Cheers!', ''],
		autoReplyPrefix: 'Out of Office: ',
		autoReply:
			'Thank you for your email. I am currently on annual leave, returning on {day}. I will reply as soon as possible on my return.',
		quoteIntro: 'On {date}, {name} wrote:',
	},
	de: {
		businessSubjects: [
			'Angebot für {project}',
			'Rechnung Nr. {invoice}',
			'Rückfrage zum Zeitplan',
			'Terminvorschlag für nächste Woche',
			'Lieferung zu Auftrag {order}',
			'Verlängerung des Wartungsvertrags',
			'Ihre Anfrage zu {project}',
		],
		businessGreetings: [
			'Hallo {first},',
			'Guten Tag {full},',
			'Liebe(r) {first},',
			'Sehr geehrte Damen und Herren,',
		],
		businessParagraphs: [
			'vielen Dank für das angenehme Gespräch. Anbei erhalten Sie unser Angebot für das Projekt {project}.',
			'könnten Sie mir bitte bestätigen, ob der überarbeitete Zeitplan für Ihr Team passt? Wir würden gern am {day} starten.',
			'unsere Buchhaltung hat die Rechnung {invoice} über {amount} erstellt. Zahlbar innerhalb von 14 Tagen ohne Abzug.',
			'die Lieferung zu Auftrag {order} hat heute unser Lager verlassen und sollte bis {day} bei Ihnen sein.',
			'gern können wir auch kurz telefonieren - ich bin diese Woche fast jeden Nachmittag erreichbar.',
			'anbei die gewünschten Unterlagen. Für Rückfragen stehe ich Ihnen gern zur Verfügung.',
		],
		personalSubjects: [
			'Kaffee am {day}?',
			'Fotos vom Wochenende',
			'Alles Gute zum Geburtstag!',
			'Grüße aus dem Urlaub',
		],
		personalGreetings: ['Hi {first}!', 'Hallo {first},'],
		personalParagraphs: [
			'Hast du am {day} Zeit für einen Kaffee?',
			'Hier die Fotos vom Wochenende - war schön mit euch!',
			'Alles Gute zum Geburtstag! Lass dich feiern.',
			'Viele Grüße aus dem Urlaub, das Wetter ist großartig.',
		],
		ownerReplies: [
			'Danke {first}, das passt. Ich melde mich bis {day}.',
			'Vielen Dank, ich schaue es mir an und gebe Ihnen Bescheid.',
		],
		contactReplies: [
			'Vielen Dank für die schnelle Rückmeldung.',
			'Prima, dann machen wir es so.',
			'Danke! Eine Frage noch: Ist die Schulung im Preis enthalten?',
		],
		closings: ['Viele Grüße', 'Mit freundlichen Grüßen', 'Beste Grüße', 'Freundliche Grüße'],
		personalClosings: ['LG', 'Bis bald!', ''],
		autoReplyPrefix: 'Automatische Antwort: ',
		autoReply:
			'Vielen Dank für Ihre Nachricht. Ich bin bis {day} nicht im Büro und habe nur eingeschränkt Zugriff auf meine E-Mails. In dringenden Fällen wenden Sie sich bitte an unser Büro.',
		quoteIntro: 'Am {date} schrieb {name}:',
	},
	fr: {
		businessSubjects: [
			'Proposition commerciale - {project}',
			'Facture n° {invoice}',
			'Réunion de suivi',
			'Commande {order} expédiée',
			'Question sur le déploiement {project}',
			'Renouvellement du contrat « {project} »',
		],
		businessGreetings: ['Bonjour {first},', 'Bonjour Madame, Monsieur,', 'Cher {first},'],
		businessParagraphs: [
			'merci pour notre échange de la semaine dernière. Vous trouverez ci-joint notre proposition pour le projet {project}.',
			'pourriez-vous me confirmer que le nouveau calendrier convient à votre équipe ? Nous aimerions démarrer {day}.',
			"notre service comptable a émis la facture {invoice} d'un montant de {amount}, payable à 30 jours.",
			"la livraison de la commande {order} a quitté notre entrepôt ce matin et devrait arriver d'ici {day}.",
			"je reste à votre disposition pour un appel si c'est plus simple.",
		],
		personalSubjects: [
			'Déjeuner {day} ?',
			'Photos du week-end',
			'Joyeux anniversaire !',
			'Petite question',
		],
		personalGreetings: ['Salut {first} !', 'Coucou {first},'],
		personalParagraphs: [
			'Tu es libre {day} pour un déjeuner ?',
			"Voici les photos du week-end, c'était génial !",
			'Joyeux anniversaire ! Passe une excellente journée.',
		],
		ownerReplies: [
			"Merci {first}, cela me convient. Je reviens vers vous d'ici {day}.",
			'Bien reçu, merci beaucoup.',
		],
		contactReplies: [
			'Merci pour votre retour rapide.',
			'Parfait, à bientôt.',
			'Très bien, je mets à jour le document en conséquence.',
		],
		closings: ['Cordialement,', 'Bien à vous,', 'Bonne journée,', 'Meilleures salutations,'],
		personalClosings: ['Bises', 'À plus !', ''],
		autoReplyPrefix: 'Réponse automatique : ',
		autoReply:
			"Merci pour votre message. Je suis absent(e) jusqu'à {day} et n'aurai qu'un accès limité à ma messagerie.",
		quoteIntro: 'Le {date}, {name} a écrit :',
	},
	jp: {
		businessSubjects: [
			'お見積りのご送付（{project}）',
			'請求書送付のご案内',
			'打ち合わせ日程のご相談',
			'ご注文{order}の出荷について',
			'{project}プロジェクトの進捗について',
		],
		businessGreetings: ['{last}様', '{full}様'],
		businessParagraphs: [
			'いつも大変お世話になっております。',
			'先日はお打ち合わせのお時間をいただき、誠にありがとうございました。',
			'{project}の件につきまして、お見積書を添付いたしましたのでご確認ください。',
			'請求書番号{invoice}（{amount}）を発行いたしました。お支払い期限は月末となります。',
			'ご注文{order}の商品は本日出荷いたしました。{day}までに到着する予定です。',
			'ご不明な点がございましたら、お気軽にお問い合わせください。',
		],
		personalSubjects: ['週末の写真', 'ランチのお誘い', 'お誕生日おめでとう！'],
		personalGreetings: ['{first}さん', '{first}ちゃん'],
		personalParagraphs: [
			'週末の写真を送ります。楽しかったね！',
			'{day}にランチでもどうですか？',
			'お誕生日おめでとう！素敵な一年になりますように。',
		],
		ownerReplies: [
			'ご連絡ありがとうございます。承知いたしました。',
			'資料をお送りいただきありがとうございます。{day}までに確認いたします。',
		],
		contactReplies: [
			'早速のご返信ありがとうございます。',
			'承知いたしました。引き続きよろしくお願いいたします。',
		],
		closings: ['よろしくお願いいたします。', '引き続きよろしくお願い申し上げます。'],
		personalClosings: ['またね！', ''],
		autoReplyPrefix: '自動応答: ',
		autoReply:
			'メールありがとうございます。{day}まで不在にしております。戻り次第ご連絡いたします。',
		quoteIntro: '{date} {name} のメッセージ:',
	},
};

export interface Newsletter {
	subject: string;
	headline: string;
	items: { title: string; blurb: string; url: string }[];
	footer: string;
}

export function newsletterContent(
	rng: Rng,
	brandName: string,
	domain: string,
	topic: string,
	locale: Locale,
	issue: number,
): Newsletter {
	const url = (p: string) =>
		`https://${domain}/${p}?utm_source=newsletter&utm_medium=email&utm_campaign=${issue}`;
	if (locale === 'de')
		return {
			subject: rng.pick([
				'Nur heute: 20 % Rabatt auf alles',
				'Neu im Sortiment: Herbstkollektion',
				`${brandName}: Ihre Wochenangebote`,
			]),
			headline: 'Unsere Angebote der Woche',
			items: [
				{
					title: 'Wintermäntel',
					blurb: 'Jetzt ab 89,00 EUR - solange der Vorrat reicht.',
					url: url('maentel'),
				},
				{ title: 'Küchenhelfer', blurb: 'Praktisch, schön und günstig.', url: url('kueche') },
			],
			footer: 'Sie erhalten diese E-Mail, weil Sie unseren Newsletter abonniert haben. Abmelden: ',
		};
	if (locale === 'fr')
		return {
			subject: rng.pick([
				`Les nouveautés de la semaine chez ${brandName}`,
				'Offre spéciale : -30 % sur la collection été',
				'Votre sélection « coups de cœur »',
			]),
			headline: 'Nos coups de cœur',
			items: [
				{
					title: 'Bougies parfumées',
					blurb: "À partir de 19,90 € - l'idée cadeau parfaite.",
					url: url('bougies'),
				},
				{ title: 'Linge de maison', blurb: "Jusqu'à -30 % cette semaine.", url: url('linge') },
			],
			footer:
				'Vous recevez cet e-mail car vous êtes inscrit(e) à notre lettre d’information. Se désabonner : ',
		};
	if (locale === 'jp')
		return {
			subject: rng.pick([
				'【さくらマート】週末限定セールのお知らせ',
				'【さくらマート】新商品入荷のご案内',
				'ポイント2倍キャンペーン開催中',
			]),
			headline: '今週のおすすめ',
			items: [
				{ title: '季節の果物セット', blurb: '産地直送、3,980円（税込）。', url: url('fruits') },
				{ title: '日用品まとめ買い', blurb: '最大20％オフ。', url: url('daily') },
			],
			footer: '配信停止をご希望の方はこちら: ',
		};
	const byTopic: Record<string, () => Newsletter> = {
		news: () => ({
			subject: `${brandName}: ${rng.range(3, 9)} stories you missed this week`,
			headline: 'This week in brief',
			items: [
				{
					title: 'Why small teams ship faster',
					blurb: 'A look at how five startups organise their week.',
					url: url('small-teams'),
				},
				{
					title: 'The quiet return of email',
					blurb: 'Newsletters are having a moment again.',
					url: url('email'),
				},
				{
					title: 'Five charts on remote work',
					blurb: 'What the latest survey says.',
					url: url('charts'),
				},
			],
			footer: "You're receiving this because you subscribed at lumen-weekly.example. Unsubscribe: ",
		}),
		deals: () => ({
			subject: rng.pick([
				'Up to 40% off - this weekend only \u{1F389}',
				'Your cart misses you',
				'New arrivals just dropped',
			]),
			headline: 'Deals picked for you',
			items: [
				{
					title: 'Noise-cancelling headphones',
					blurb: 'Now $129 (was $199).',
					url: url('headphones'),
				},
				{ title: 'Smart desk lamp', blurb: 'Save 25% today.', url: url('lamp') },
			],
			footer: 'You are receiving this email because you opted in to offers. Unsubscribe: ',
		}),
		bank: () => ({
			subject: 'Your monthly statement is ready',
			headline: 'Your statement is ready to view',
			items: [
				{
					title: 'View statement',
					blurb: 'Log in to online banking to see this month’s transactions.',
					url: url('statement'),
				},
			],
			footer: 'Pinecone Bank is a fictional bank. Manage email preferences: ',
		}),
		social: () => ({
			subject: rng.pick([
				'You have 3 new connection requests',
				'Jordan Ellis commented on your post',
				'Your weekly profile views',
			]),
			headline: 'See what you missed',
			items: [
				{
					title: 'New connection requests',
					blurb: 'Jordan Ellis and 2 others want to connect.',
					url: url('invitations'),
				},
				{
					title: 'Profile views',
					blurb: 'Your profile was viewed 14 times this week.',
					url: url('views'),
				},
			],
			footer: 'Unsubscribe from these notifications: ',
		}),
		travel: () => ({
			subject: rng.pick([
				'Fares from £39 to Lisbon',
				'Your trip is coming up - check in now',
				'Autumn sale: save on city breaks',
			]),
			headline: 'Where to next?',
			items: [
				{
					title: 'Lisbon from £39',
					blurb: 'Book by Sunday for travel until March.',
					url: url('lisbon'),
				},
				{ title: 'Check in online', blurb: 'Save time at the airport.', url: url('check-in') },
			],
			footer: 'Update your preferences or unsubscribe: ',
		}),
		dev: () => ({
			subject: `DevDigest #${issue}: type-safe SQL, faster builds`,
			headline: 'Top threads this week',
			items: [
				{ title: 'Type-safe SQL without an ORM', blurb: '42 replies', url: url('t/typesafe-sql') },
				{ title: 'Cutting CI time in half', blurb: '17 replies', url: url('t/ci-time') },
			],
			footer: 'You are subscribed to the weekly digest. Unsubscribe: ',
		}),
	};
	return byTopic[topic]();
}
