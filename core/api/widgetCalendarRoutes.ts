// Widget calendar routes: the events of the caller's integration (a range, a calendar), one event,
// links to people and companies. An event of another integration is "not found". Visibility is
// applied by the store's queries.
import { getEvent, listEvents, type EventRecordJson } from '../store/eventQueries';
import type { IntegrationView } from '../store/integrations';
import type { WidgetCall } from './handleWidgetRequest';
import { callerIntegration, requireCallerIntegration } from './widgetIntegrationRoutes';
import { changeLink } from './widgetMailRoutes';
import { ApiError, type ApiResponse } from './types';
import type { EventsListQuery, LinkBody } from './widgetSchemas';

export async function eventsListRoute(call: WidgetCall<EventsListQuery>): Promise<ApiResponse> {
	const { context, principal, query } = call;
	const integration = await callerIntegration(context.database.knex, principal, call.provider!);
	if (!integration) return { status: 200, body: { items: [], nextCursor: null } };
	const page = await listEvents(context.database, principal.workspaceId, {
		integrationId: integration.id,
		from: query.from,
		to: query.to,
		calendarId: query.calendar_id,
		cursor: query.cursor || null,
		limit: query.limit,
	});
	return { status: 200, body: page };
}

export async function visibleEvent(
	call: WidgetCall,
	integration: IntegrationView,
): Promise<EventRecordJson> {
	const event = await getEvent(call.context.database, call.principal.workspaceId, call.params.id!);
	if (!event || event.integrationId !== integration.id) {
		throw new ApiError(404, 'not_found', 'Event not found');
	}
	return event;
}

export async function eventsGetRoute(call: WidgetCall): Promise<ApiResponse> {
	const integration = await requireCallerIntegration(call);
	return { status: 200, body: { event: await visibleEvent(call, integration) } };
}

export async function eventsLinkRoute(call: WidgetCall<unknown, LinkBody>): Promise<ApiResponse> {
	const integration = await requireCallerIntegration(call);
	const event = await visibleEvent(call, integration);
	return await changeLink(call, 'calendar_event', event.id, call.route === 'events.link');
}
