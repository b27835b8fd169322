// `crm-record-link` comes from two widgets with one name: <crm-inbox> names the email, <crm-calendar>
// the event. It is typed here once, as the union of both details, so a page listening for it sees
// which one it got (`'emailId' in event.detail`).
import type { CrmCalendarRecordLinkDetail } from '../calendar/calendarTypes';
import type { CrmRecordLinkDetail } from '../inbox/inbox.types';

export type CrmRecordLinkEventDetail = CrmRecordLinkDetail | CrmCalendarRecordLinkDetail;

declare module './events' {
	interface CrmEventDetailMap {
		'crm-record-link': CrmRecordLinkEventDetail;
	}
}

declare global {
	interface GlobalEventHandlersEventMap {
		'crm-record-link': CustomEvent<CrmRecordLinkEventDetail>;
	}
}
