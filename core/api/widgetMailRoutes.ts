// Widget mail routes: the emails of the caller's mailbox (list with search and filters, one with
// its HTML sanitised on the server), links to people and companies. Every email is looked at
// through the caller's integration of the path's provider: an email no mailbox of it holds is
// "not found", whatever else the workspace holds. Visibility (metadata, subject, everything) is
// applied by the store's queries.
import { sanitizeEmailHtml } from '../mail/sanitizeHtml';
import {
	getEmail,
	readLinks,
	linkOf,
	selectEmailPage,
	type Condition,
	type EmailDetail,
	type EmailSummary,
} from '../store/emailQueries';
import { emailWordCondition, unreadCondition } from '../store/emailWordSearch';
import { linkManually, unlinkManually } from '../store/recordLinks';
import type { IntegrationView } from '../store/integrations';
import type { WidgetCall } from './handleWidgetRequest';
import { callerIntegration, requireCallerIntegration } from './widgetIntegrationRoutes';
import { ApiError, type ApiResponse } from './types';
import type { EmailsListQuery, LinkBody } from './widgetSchemas';

export async function emailsListRoute(call: WidgetCall<EmailsListQuery>): Promise<ApiResponse> {
	const { context, principal, query } = call;
	const integration = await callerIntegration(context.database.knex, principal, call.provider!);
	if (!integration) return { status: 200, body: { items: [], nextCursor: null } };
	const extra: Condition[] = [];
	const words = await emailWordCondition(context.database, principal.workspaceId, query.q);
	if (words === null) return { status: 200, body: { items: [], nextCursor: null } };
	if (words) extra.push(words);
	if (query.unread) extra.push(unreadCondition(integration.id));
	const page = await selectEmailPage(
		context.database,
		principal.workspaceId,
		{
			integrationId: integration.id,
			label: query.label,
			threadId: query.thread,
			personId: query.person_id,
			companyId: query.company_id,
			direction: query.direction,
			cursor: query.cursor || null,
			limit: query.limit,
		},
		extra,
	);
	return {
		status: 200,
		body: { ...page, items: page.items.map((email) => asSeenBy(email, integration.id)) },
	};
}

/**
 * An email as the caller's mailbox holds it: only the caller's own copies (a colleague's mailbox
 * ids are not the widget's to see), and read state, labels and direction of those copies, so a
 * colleague's unread copy of a shared email does not show it unread to the caller.
 */
export function asSeenBy<T extends EmailSummary>(email: T, integrationId: string): T {
	const own = email.mailboxes.filter((copy) => copy.integrationId === integrationId);
	const live = own.filter((copy) => copy.deletedAt === null);
	const basis = live.length > 0 ? live : own;
	return {
		...email,
		mailboxes: own,
		isRead: basis.length > 0 && basis.every((copy) => copy.isRead),
		labels: [...new Set(live.flatMap((copy) => copy.labels))].sort(),
		direction: basis.some((copy) => copy.direction === 'outgoing') ? 'outgoing' : 'incoming',
	};
}

/** The email if a mailbox of the caller's integration holds (or held) it; 404 otherwise. */
export async function visibleEmail(
	call: WidgetCall,
	integration: IntegrationView,
): Promise<EmailDetail> {
	const email = await getEmail(call.context.database, call.principal.workspaceId, call.params.id!);
	if (!email || !email.mailboxes.some((copy) => copy.integrationId === integration.id)) {
		throw new ApiError(404, 'not_found', 'Email not found');
	}
	return email;
}

export async function emailsGetRoute(call: WidgetCall): Promise<ApiResponse> {
	const integration = await requireCallerIntegration(call);
	const email = asSeenBy(await visibleEmail(call, integration), integration.id);
	return {
		status: 200,
		body: {
			email: {
				...email,
				bodyHtml: email.bodyHtml === null ? null : sanitizeEmailHtml(email.bodyHtml),
			},
		},
	};
}

async function linksOf(call: WidgetCall, subjectType: 'email' | 'calendar_event', id: string) {
	const rows = await readLinks(call.context.database, call.principal.workspaceId, subjectType, [
		id,
	]);
	return rows.map(linkOf);
}

/**
 * Links (`link`) or unlinks one email or event the caller may see to the body's record, and answers
 * the subject's links afterwards.
 */
export async function changeLink(
	call: WidgetCall<unknown, LinkBody>,
	subjectType: 'email' | 'calendar_event',
	subjectId: string,
	link: boolean,
): Promise<ApiResponse> {
	const target = {
		subjectType,
		subjectId,
		recordType: call.body.recordType,
		recordId: call.body.recordId,
		userId: call.principal.userId,
	};
	if (link) await linkManually(call.context.database, call.principal.workspaceId, target);
	else await unlinkManually(call.context.database, call.principal.workspaceId, target);
	return { status: 200, body: { links: await linksOf(call, subjectType, subjectId) } };
}

export async function emailsLinkRoute(call: WidgetCall<unknown, LinkBody>): Promise<ApiResponse> {
	const integration = await requireCallerIntegration(call);
	const email = await visibleEmail(call, integration);
	return await changeLink(call, 'email', email.id, call.route === 'emails.link');
}
