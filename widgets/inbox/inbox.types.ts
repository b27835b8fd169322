// The JSON the inbox reads from the widget API (core/store/emailQueries' EmailSummary and
// EmailDetail), declared here so the browser bundle does not type-check server modules.
// `crm-record-link` is typed for both widgets in ../shared/recordLinkEvent.
import type {} from '../shared/recordLinkEvent';

export interface EmailAddress {
	name: string | null;
	email: string;
}

export interface LinkedRecord {
	recordType: 'person' | 'company';
	recordId: string;
	linkSource?: 'auto' | 'manual';
	name: string | null;
	email: string | null;
	domain: string | null;
}

export interface MailboxCopy {
	providerThreadId: string | null;
}

export interface EmailSummary {
	id: string;
	subject: string | null;
	snippet: string | null;
	from: EmailAddress | null;
	to: EmailAddress[];
	sentAt: string | null;
	hasAttachments?: boolean;
	labels: string[];
	direction: 'incoming' | 'outgoing';
	isRead: boolean;
	mailboxes?: MailboxCopy[];
	links: LinkedRecord[];
}

export interface EmailDetail extends EmailSummary {
	cc?: EmailAddress[];
	bodyText: string | null;
	/** Sanitised by the server; shown only inside the sandboxed frame. */
	bodyHtml: string | null;
}

export interface RecordMatch {
	recordType: 'person' | 'company';
	id: string;
	name: string | null;
	email: string | null;
	domain: string | null;
}

export interface EmailPage {
	items: EmailSummary[];
	nextCursor: string | null;
}

/** `crm-email-select`: the user opened an email. */
export interface CrmEmailSelectDetail {
	emailId: string;
	email: EmailSummary;
}

/** `crm-record-link`: a person or company was linked to (or unlinked from) an email. */
export interface CrmRecordLinkDetail {
	emailId: string;
	action: 'link' | 'unlink';
	recordType: 'person' | 'company';
	recordId: string;
	links: LinkedRecord[];
}

/** `crm-email-send`: a reply was sent and stored. */
export interface CrmEmailSendDetail {
	inReplyTo: string;
	email: EmailSummary;
}

declare module '../shared/events' {
	interface CrmEventDetailMap {
		'crm-email-select': CrmEmailSelectDetail;
		'crm-email-send': CrmEmailSendDetail;
	}
}

declare global {
	interface GlobalEventHandlersEventMap {
		'crm-email-select': CustomEvent<CrmEmailSelectDetail>;
		'crm-email-send': CustomEvent<CrmEmailSendDetail>;
	}
}
