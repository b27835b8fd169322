// Which function answers each widget route (a route missing here answers 501).
import type { WidgetHandler } from './handleWidgetRequest';
import type { WidgetRouteName } from './routeTable';
import { eventsGetRoute, eventsLinkRoute, eventsListRoute } from './widgetCalendarRoutes';
import {
	integrationConnectRoute,
	integrationDisconnectRoute,
	integrationProgressRoute,
	integrationSettingsRoute,
	integrationsListRoute,
	integrationStatusRoute,
	syncNowRoute,
} from './widgetIntegrationRoutes';
import { emailsGetRoute, emailsLinkRoute, emailsListRoute } from './widgetMailRoutes';
import {
	calendarsRoute,
	emailsReadRoute,
	emailsReplyRoute,
	emailsSendRoute,
	eventsCreateRoute,
	mailLabelsRoute,
} from './widgetProviderRoutes';
import { recordsEnrichRoute, recordsSearchRoute } from './widgetRecordRoutes';

export const WIDGET_HANDLERS: Partial<Record<WidgetRouteName, WidgetHandler>> = {
	'integrations.list': integrationsListRoute,
	'integration.status': integrationStatusRoute,
	'integration.connect': integrationConnectRoute,
	'integration.settings': integrationSettingsRoute,
	'integration.disconnect': integrationDisconnectRoute,
	'integration.progress': integrationProgressRoute,
	'mail.sync': syncNowRoute,
	'mail.labels': mailLabelsRoute,
	'emails.list': emailsListRoute,
	'emails.get': emailsGetRoute,
	'emails.send': emailsSendRoute,
	'emails.reply': emailsReplyRoute,
	'emails.read': emailsReadRoute,
	'emails.link': emailsLinkRoute,
	'emails.unlink': emailsLinkRoute,
	'calendar.sync': syncNowRoute,
	'calendar.calendars': calendarsRoute,
	'events.list': eventsListRoute,
	'events.get': eventsGetRoute,
	'events.create': eventsCreateRoute,
	'events.link': eventsLinkRoute,
	'events.unlink': eventsLinkRoute,
	'records.search': recordsSearchRoute,
	'records.enrich': recordsEnrichRoute,
};
