// The actions a request performed that the workflow may be told of (the node's "Emit Actions"):
// one item per such request, describing what happened (who, which workspace, integration, email,
// record), never a token, a message body or an answer body. Every other request starts nothing.
import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

export type EmittedAction =
	| 'emailSent'
	| 'recordLinked'
	| 'connected'
	| 'disconnected'
	| 'signedIn';

export const ACTION_OPTIONS: Array<INodePropertyOptions & { value: EmittedAction }> = [
	{
		name: 'Email Sent',
		value: 'emailSent',
		description: 'An email was sent or a reply posted from a widget',
	},
	{
		name: 'Record Linked',
		value: 'recordLinked',
		description: 'An email or event was linked to a person or company',
	},
	{
		name: 'Connected',
		value: 'connected',
		description: 'A user connected (or reconnected) a Google or Microsoft 365 account',
	},
	{
		name: 'Disconnected',
		value: 'disconnected',
		description: 'A user disconnected an account',
	},
	{
		name: 'Signed In',
		value: 'signedIn',
		description: 'Someone signed in with Google',
	},
];

const ACTIONS = new Set<string>(ACTION_OPTIONS.map((option) => option.value));

/** The chosen actions from the node's parameter value (unknown entries dropped). */
export function chosenActions(value: unknown): Set<EmittedAction> {
	const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
	return new Set(
		list
			.map((entry) => String(entry).trim())
			.filter((entry): entry is EmittedAction => ACTIONS.has(entry)),
	);
}

/**
 * The payload of an API token, read without checking it: only used after the handler verified
 * the same token and answered 2xx, to say who acted.
 */
export function tokenClaims(authorization: string | undefined): {
	workspaceId?: string;
	userId?: string;
} {
	const match = /^Bearer\s+[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*\s*$/i.exec(
		authorization ?? '',
	);
	if (!match) return {};
	try {
		const payload = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as Record<
			string,
			unknown
		>;
		return {
			workspaceId: typeof payload.workspace_id === 'string' ? payload.workspace_id : undefined,
			userId: typeof payload.sub === 'string' ? payload.sub : undefined,
		};
	} catch {
		return {};
	}
}

function object(value: unknown): Record<string, unknown> {
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value) as unknown;
		} catch {
			return {};
		}
	}
	if (Buffer.isBuffer(value)) return object(value.toString('utf8'));
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.length > 0 ? value.slice(0, 512) : undefined;
}

/** The provider's thread id of a sent email, from its copy in the sender's mailbox. */
function threadIdOf(email: Record<string, unknown>): string | undefined {
	const copies = Array.isArray(email.mailboxes) ? email.mailboxes : [];
	for (const copy of copies) {
		const threadId = text(object(copy).providerThreadId);
		if (threadId) return threadId;
	}
	return undefined;
}

/** Drops the undefined fields, so items hold only what is known. */
function compact(item: Record<string, unknown>): IDataObject {
	return Object.fromEntries(
		Object.entries(item).filter(([, value]) => value !== undefined),
	) as IDataObject;
}

export interface WidgetActionInput {
	route: string;
	provider: string | null;
	params: Record<string, string>;
	status: number;
	authorization: string | undefined;
	requestBody: unknown;
	responseBody: unknown;
	at: Date;
}

/** The action a successful widget route performed, if it is one that can be emitted. */
export function widgetAction(
	input: WidgetActionInput,
): { action: EmittedAction; item: IDataObject } | null {
	if (input.status < 200 || input.status >= 300) return null;
	const who = tokenClaims(input.authorization);
	const base = {
		route: input.route,
		workspaceId: input.params.workspaceId?.toLowerCase() ?? who.workspaceId,
		userId: who.userId,
		provider: input.provider ?? undefined,
		at: input.at.toISOString(),
	};
	switch (input.route) {
		case 'emails.send':
		case 'emails.reply': {
			const email = object(object(input.responseBody).email);
			return {
				action: 'emailSent',
				item: compact({
					action: 'emailSent',
					...base,
					emailId: text(email.id),
					threadId: threadIdOf(email),
					inReplyToEmailId: input.route === 'emails.reply' ? input.params.id : undefined,
				}),
			};
		}
		case 'emails.link':
		case 'events.link': {
			const body = object(input.requestBody);
			return {
				action: 'recordLinked',
				item: compact({
					action: 'recordLinked',
					...base,
					emailId: input.route === 'emails.link' ? input.params.id : undefined,
					eventId: input.route === 'events.link' ? input.params.id : undefined,
					recordType: text(body.recordType),
					recordId: text(body.recordId),
				}),
			};
		}
		case 'integration.disconnect': {
			const integration = object(object(input.responseBody).integration);
			return {
				action: 'disconnected',
				item: compact({
					action: 'disconnected',
					...base,
					integrationId: text(integration.id),
					accountEmail: text(integration.accountEmail),
					dataDeleted: object(input.requestBody).deleteData === true,
				}),
			};
		}
		default:
			return null;
	}
}

/** The action of a successful legacy route (the connect flow's static paths), if any. */
export function staticRouteAction(input: {
	route: string;
	status: number;
	redirect?: string;
	authorization: string | undefined;
	requestBody: unknown;
	responseBody: unknown;
	at: Date;
}): { action: EmittedAction; item: IDataObject } | null {
	if (input.route === 'oauth/callback' && input.redirect) {
		let url: URL;
		try {
			url = new URL(input.redirect);
		} catch {
			return null;
		}
		if (url.searchParams.get('status') !== 'connected') return null;
		return {
			action: 'connected',
			item: compact({
				action: 'connected',
				route: 'oauth/callback',
				provider: url.searchParams.get('provider') ?? undefined,
				integrationId: url.searchParams.get('integrationId') ?? undefined,
				at: input.at.toISOString(),
			}),
		};
	}
	if (input.route === 'disconnect' && input.status >= 200 && input.status < 300) {
		const who = tokenClaims(input.authorization);
		const integration = object(object(input.responseBody).integration);
		return {
			action: 'disconnected',
			item: compact({
				action: 'disconnected',
				route: 'disconnect',
				workspaceId: who.workspaceId,
				userId: who.userId,
				integrationId: text(integration.id) ?? text(object(input.requestBody).integrationId),
				provider: text(integration.provider),
				accountEmail: text(integration.accountEmail),
				at: input.at.toISOString(),
			}),
		};
	}
	return null;
}
