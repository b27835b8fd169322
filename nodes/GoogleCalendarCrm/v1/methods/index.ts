import { getCalendars } from '../../../shared/calendarLists';

export const loadOptions = { getCalendars };
