// Shapes shared by the enrichment steps: the email as enrichment reads it, what a signature gives,
// and where each value came from (provenance travels with the value, never beside it).

/** The parts of a stored email that enrichment reads. */
export interface EmailForEnrichment {
	/** Id of the stored email (provenance); absent for ad-hoc text. */
	id?: string;
	fromEmail: string | null;
	fromName: string | null;
	subject?: string | null;
	text: string | null;
	html: string | null;
	/** Bulk or automatic mail (List-Id, Precedence: bulk, Auto-Submitted …): never a signature. */
	isBulk?: boolean;
	listHeaders?: Record<string, unknown>;
	sentAt?: Date | null;
}

/** One value with where it came from. */
export interface FoundValue<T> {
	value: T;
	/** 0 … 1. */
	confidence: number;
	/** 'signature' (offline, from the signature block), 'domain' (from the sender's domain), 'llm:<model>'. */
	extractor: string;
	/** The source line(s) the value was read from. */
	excerpt: string;
}

export type PhoneType = 'mobile' | 'office' | 'fax' | 'other';

export interface PhoneValue {
	/** E.164, e.g. +4930123456. */
	e164: string;
	type: PhoneType;
	/** As written in the signature. */
	written: string;
}

/** What one signature says about its sender. */
export interface SignatureContact {
	fullName?: FoundValue<string>;
	jobTitle?: FoundValue<string>;
	company?: FoundValue<string>;
	phones: FoundValue<PhoneValue>[];
	/** https://www.linkedin.com/in/<slug> */
	linkedinUrl?: FoundValue<string>;
	/** https://host (no path unless written). */
	website?: FoundValue<string>;
	postalAddress?: FoundValue<string>;
	/** An address written in the signature (lower case). */
	email?: FoundValue<string>;
}

export interface SignatureBlockResult {
	/** The signature lines joined by \n, or null when there is none. */
	block: string | null;
	/** Trimmed, non-empty signature lines, without the closing phrase and the "-- " delimiter. */
	lines: string[];
	/** The sender's own text: quoted replies and forwarded mail removed, HTML turned into text. */
	ownText: string;
	/** How the block was found. */
	method: 'delimiter' | 'closing' | 'tail' | 'html' | null;
	/** Why there is no block: automated mail, no own text, or nothing that reads as a signature. */
	skipped?: 'automated' | 'empty' | 'no-signature';
}
