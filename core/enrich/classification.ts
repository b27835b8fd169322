// Offline classification of a contact from the mail exchanged with them (subjects and snippets
// only): what they bill us for makes them a vendor, replies to our quotes a lead, what we bill them
// a customer, partnership talk a partner, private mail from a free-mail address personal. Anything
// else is `unknown`, an honest answer and the default. Rules are words in several languages, read
// as whole words, never a model.
import type { Classification } from '../store/peopleAndCompanies';

export type { Classification };

/** What classification reads about one contact (the model path gets exactly this, no bodies). */
export interface ClassificationInput {
	contactEmail: string;
	/** The contact's address is at a free-mail provider. */
	freeMail: boolean;
	/** Newest first. */
	messages: Array<{
		direction: 'incoming' | 'outgoing';
		subject: string | null;
		snippet: string | null;
		/** An incoming message answering one of ours (In-Reply-To / References). */
		isReplyToOurs: boolean;
		/** Mailbox labels or folder names of the copy (e.g. Gmail's user label "Clients"). */
		labels?: string[];
	}>;
}

export interface ClassificationResult {
	classification: Classification;
	/** 0 … 1. */
	confidence: number;
	/** Why, in a sentence a user can check (the words and messages that decided). */
	reason: string;
}

// Billing documents, in English, German, French, Spanish, Italian, Portuguese, Dutch and Swedish.
const BILLING = [
	'invoice',
	'invoices',
	'invoiced',
	'payment',
	'payment due',
	'receipt',
	'billing',
	'statement of account',
	'remittance',
	'rechnung',
	'zahlung',
	'zahlungserinnerung',
	'quittung',
	'mahnung',
	'facture',
	'paiement',
	'reçu',
	'factura',
	'pago',
	'recibo',
	'fattura',
	'pagamento',
	'ricevuta',
	'fatura',
	'nota fiscal',
	'factuur',
	'betaling',
	'faktura',
	'betalning',
];

// Quotes and proposals we send, in the same languages.
const QUOTES = [
	'quote',
	'quotation',
	'proposal',
	'offer',
	'estimate',
	'pricing',
	'angebot',
	'kostenvoranschlag',
	'devis',
	'proposition commerciale',
	'offre',
	'presupuesto',
	'cotización',
	'cotizacion',
	'propuesta',
	'preventivo',
	'offerta',
	'orçamento',
	'orcamento',
	'proposta',
	'offerte',
	'prijsopgave',
	'offert',
];

// Orders and contracts the contact placed with us (what makes a customer besides our invoices).
const ORDERS = [
	'order confirmation',
	'purchase order',
	'your order',
	'auftragsbestätigung',
	'bestellung',
	'confirmation de commande',
	'bon de commande',
	'pedido',
	"conferma d'ordine",
	'ordine',
	'orderbevestiging',
	'renewal',
	'subscription renewal',
];

const PARTNERSHIP = [
	'partnership',
	'partner program',
	'partner programme',
	'reseller',
	'referral partner',
	'co-marketing',
	'joint venture',
	'distribution agreement',
	'affiliate',
	'partnerschaft',
	'vertriebspartner',
	'wiederverkäufer',
	'partenariat',
	'revendeur',
	'asociación',
	'distribuidor',
	'partenariato',
	'rivenditore',
	'parceria',
	'revendedor',
	'partnerschap',
];

// Words of business mail in general: a free-mail contact who writes them is not "personal".
const BUSINESS = [...BILLING, ...QUOTES, ...ORDERS, ...PARTNERSHIP, 'contract', 'meeting', 'demo'];

const CLIENT_LABELS = /^(?:clients?|customers?|kunden|clientes?|klanten)$/i;

/**
 * A matcher of whole words or phrases (letters of any script count as word characters). A plain
 * alternation without the word-boundary lookarounds answers most texts (no match) first: it is
 * several times faster, and a text it rejects cannot match the exact pattern.
 */
function vocabulary(words: string[]): { test(text: string): boolean } {
	const escaped = words
		.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'))
		.sort((a, b) => b.length - a.length);
	const quick = new RegExp(escaped.join('|'), 'i');
	const exact = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})(?![\\p{L}\\p{N}])`, 'iu');
	return { test: (text) => quick.test(text) && exact.test(text) };
}

const BILLING_WORDS = vocabulary(BILLING);
const QUOTE_WORDS = vocabulary(QUOTES);
const ORDER_WORDS = vocabulary(ORDERS);
const PARTNER_WORDS = vocabulary(PARTNERSHIP);
const BUSINESS_WORDS = vocabulary(BUSINESS);

/** Texts are cut before matching: a subject or snippet is short, a hostile one need not be. */
const MAX_TEXT = 1_000;

/** Confidence to write a classification to the person or company. */
export const CLASSIFICATION_THRESHOLD = 0.6;

interface Evidence {
	classification: Exclude<Classification, 'unknown'>;
	count: number;
	/** Tie-break between rules with as much evidence: the more specific first. */
	rank: number;
	example: string;
}

const quoteText = (text: string) => `"${text.length > 80 ? `${text.slice(0, 77)}…` : text}"`;

/** The offline rules. Deterministic: the same messages give the same answer. */
export function classifyOffline(input: ClassificationInput): ClassificationResult {
	const evidence = new Map<Evidence['classification'], Evidence>();
	const add = (classification: Evidence['classification'], rank: number, example: string) => {
		const found = evidence.get(classification);
		if (found) found.count++;
		else evidence.set(classification, { classification, count: 1, rank, example });
	};
	let business = false;
	for (const message of input.messages) {
		const subject = (message.subject ?? '').slice(0, MAX_TEXT);
		const text = `${subject}\n${(message.snippet ?? '').slice(0, MAX_TEXT)}`;
		const example = subject || (message.snippet ?? '').slice(0, 80);
		// Business words matter only to tell a free-mail contact's private mail from the rest.
		if (input.freeMail && !business && BUSINESS_WORDS.test(text)) business = true;
		if ((message.labels ?? []).some((label) => CLIENT_LABELS.test(label)))
			add('customer', 0, `labelled ${(message.labels ?? []).find((l) => CLIENT_LABELS.test(l))}`);
		if (message.direction === 'outgoing') {
			// What we bill them, or their order confirmed by us: they buy from us.
			if (BILLING_WORDS.test(text) || ORDER_WORDS.test(text)) add('customer', 0, example);
		} else {
			if (BILLING_WORDS.test(text)) add('vendor', 2, example);
			else if (ORDER_WORDS.test(text)) add('customer', 0, example);
			else if (message.isReplyToOurs && QUOTE_WORDS.test(text)) add('lead', 1, example);
		}
		if (PARTNER_WORDS.test(text)) add('partner', 3, example);
	}
	const best = [...evidence.values()].sort((a, b) => b.count - a.count || a.rank - b.rank)[0];
	if (best) {
		const confidence = Math.min(0.9, 0.6 + 0.1 * (best.count - 1));
		const what: Record<Evidence['classification'], string> = {
			customer: 'we bill them or they order from us',
			vendor: 'they send us billing mail',
			lead: 'they replied to our quote or proposal',
			partner: 'partnership or reseller mail',
			personal: '',
		};
		return {
			classification: best.classification,
			confidence,
			reason: `${what[best.classification]} (${best.count} message${best.count > 1 ? 's' : ''}, e.g. ${quoteText(best.example)})`,
		};
	}
	if (input.freeMail && input.messages.length > 0 && !business)
		return {
			classification: 'personal',
			confidence: 0.6,
			reason: `free-mail address and only personal correspondence (${input.messages.length} message${input.messages.length > 1 ? 's' : ''})`,
		};
	return { classification: 'unknown', confidence: 0.3, reason: 'no rule matched the mail' };
}
