import CrmCalendar from './calendar.component';
import type {} from '../shared/recordLinkEvent';
import type { CrmEventCreateDetail, CrmEventSelectDetail } from './calendarTypes';

export default CrmCalendar;
export { CrmCalendar };
export type {
	CalendarEvent,
	CrmCalendarRecordLinkDetail,
	CrmEventCreateDetail,
	CrmEventSelectDetail,
} from './calendarTypes';

if (!customElements.get('crm-calendar')) customElements.define('crm-calendar', CrmCalendar);

declare global {
	interface HTMLElementTagNameMap {
		'crm-calendar': CrmCalendar;
	}
	// `crm-record-link` is typed for both widgets in ../shared/recordLinkEvent.
	interface GlobalEventHandlersEventMap {
		'crm-event-select': CustomEvent<CrmEventSelectDetail>;
		'crm-event-create': CustomEvent<CrmEventCreateDetail>;
	}
}
