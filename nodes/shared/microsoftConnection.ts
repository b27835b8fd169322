import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import { DEFAULT_GRAPH_BASE_URL, GraphSession } from '../../core';
import { n8nRequester } from './providerTransport';

const MICROSOFT_CREDENTIAL = 'microsoft365CrmOAuth2Api';

/** Well-known folders a record's folder id is named after (labels: inbox, sentitems, …). */
const WELL_KNOWN_FOLDERS = [
	'inbox',
	'sentitems',
	'drafts',
	'deleteditems',
	'archive',
	'junkemail',
	'outbox',
];

export interface MicrosoftConnection {
	graph: GraphSession;
	/** The connected mailbox's address (GET /me, asked once per connection). */
	ownerEmail(): Promise<string>;
	/** Folder id → well-known name, for the folders that have one (asked once, in one $batch). */
	folderNames(): Promise<Record<string, string>>;
	/** What a message record needs to know about the mailbox (owner, folder names). */
	messageContext(): Promise<{ ownerEmail: string; folderNames: Record<string, string> }>;
	/** The id of the default calendar (records carry the calendar they came from). */
	defaultCalendarId(): Promise<string>;
}

interface BatchResponse {
	responses?: Array<{ id: string; status: number; body?: { id?: string } }>;
}

/**
 * The Graph session of the Microsoft 365 credential (the Microsoft 365 CRM node and its trigger);
 * every request goes through n8n's auth helpers.
 */
export async function microsoftConnection(
	context: IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions,
): Promise<MicrosoftConnection> {
	const credential = await context.getCredentials(MICROSOFT_CREDENTIAL);
	const graphBaseUrl =
		credential.customEndpoints && credential.graphBaseUrl
			? String(credential.graphBaseUrl)
			: DEFAULT_GRAPH_BASE_URL;
	const graph = new GraphSession(n8nRequester(context, MICROSOFT_CREDENTIAL), graphBaseUrl);
	let owner: Promise<string> | undefined;
	let folders: Promise<Record<string, string>> | undefined;
	let calendar: Promise<string> | undefined;
	const ownerEmail = () =>
		(owner ??= graph
			.get<{ mail?: string | null; userPrincipalName?: string | null }>('/me', {
				select: ['mail', 'userPrincipalName'],
			})
			.then((me) => (me.mail ?? me.userPrincipalName ?? '').toLowerCase()));
	const folderNames = () =>
		(folders ??= graph
			.post<BatchResponse>('/$batch', {
				requests: WELL_KNOWN_FOLDERS.map((name) => ({
					id: name,
					method: 'GET',
					url: `/me/mailFolders/${name}?$select=id`,
				})),
			})
			.then((batch) => {
				const names: Record<string, string> = {};
				// A mailbox may lack some of them (no archive folder): those answer 404, skipped.
				for (const response of batch.responses ?? []) {
					if (response.status === 200 && response.body?.id) names[response.body.id] = response.id;
				}
				return names;
			}));
	return {
		graph,
		ownerEmail,
		folderNames,
		messageContext: async () => ({
			ownerEmail: await ownerEmail(),
			folderNames: await folderNames(),
		}),
		defaultCalendarId: () =>
			(calendar ??= graph
				.get<{ id: string }>('/me/calendar', { select: ['id'] })
				.then((found) => found.id)),
	};
}

/** The 404 sentences of Microsoft 365 operations: what was missing, by its kind and id. */
export function microsoftNotFound(
	kind: 'message' | 'mail folder' | 'event' | 'calendar',
	id: string,
): string {
	return `Microsoft 365 has no ${kind} '${id}' (or the account cannot see it)`;
}
