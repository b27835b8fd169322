// Shared set-up of the widget API tests: the handler called as the CRM API node calls it (a path
// under the node's base, headers, query and JSON body), paths built from the route table, and
// emails or integrations written straight into the store for cases no provider can produce.
import type { Knex } from 'knex';

import { handleWidgetRequest, type WidgetRequest } from '../../core/api/handleWidgetRequest';
import {
	fillPath,
	WIDGET_ROUTES,
	type WidgetProvider,
	type WidgetRouteName,
} from '../../core/api/routeTable';
import type { ApiContext, ApiResponse } from '../../core/api/types';
import { emailRecordSchema, type EmailRecord } from '../../core/records/emailRecord';
import type { CrmDatabase } from '../../core/store/database';
import { upsertMailPage } from '../../core/store/emails';
import { createIntegrationAccess } from '../../core/sync/integrationAccess';
import type { ProviderApps } from '../../core/sync/providerApps';
import { syncIntegration } from '../../core/sync/syncIntegration';
import type { Emulator } from '../emulator';
import {
	apiCaller,
	appsFor,
	connectThroughConsent,
	tokenFor,
	WORKSPACE_A,
} from '../connect/support';

export {
	appsFor,
	connectThroughConsent,
	tokenFor,
	apiCaller,
	READ_WRITE,
	WORKSPACE_A,
	WORKSPACE_B,
	RETURN_URL,
} from '../connect/support';

export interface WidgetCallOptions {
	provider?: WidgetProvider | null;
	params?: Record<string, string>;
	query?: Record<string, string>;
	body?: unknown;
	token?: string;
	headers?: Record<string, string>;
	workspaceId?: string;
}

export interface WidgetCaller {
	/** Calls a route by name (its method and path from the route table). */
	(name: WidgetRouteName, options?: WidgetCallOptions): Promise<ApiResponse>;
	/** Calls a raw method and path (for paths the table does not hold). */
	raw(request: WidgetRequest): Promise<ApiResponse>;
	context: ApiContext;
}

export function widgetCaller(
	database: CrmDatabase,
	apps: ProviderApps,
	defaults: { workspaceId: string },
): WidgetCaller {
	const context: ApiContext = { database, apps };
	const call = (async (name, options = {}) => {
		const route = WIDGET_ROUTES.find((candidate) => candidate.name === name)!;
		const provider = route.perProvider ? (options.provider ?? 'google') : null;
		const path = fillPath(route, provider, {
			workspaceId: options.workspaceId ?? defaults.workspaceId,
			...(options.params ?? {}),
		});
		return handleWidgetRequest(context, {
			method: route.method,
			path,
			query: options.query ?? {},
			body: options.body,
			headers: {
				...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
				...(options.headers ?? {}),
			},
		});
	}) as WidgetCaller;
	call.raw = (request) => handleWidgetRequest(context, request);
	call.context = context;
	return call;
}

/** The JSON body of an answer, typed loosely for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const json = (response: ApiResponse): any => response.body;

/** An integration row inserted directly (no tokens: only for read routes). */
export async function insertIntegration(
	knex: Knex,
	values: {
		workspaceId: string;
		userId: string;
		email: string;
		provider?: WidgetProvider;
		visibility?: 'metadata' | 'subject' | 'everything';
	},
): Promise<string> {
	const visibility = values.visibility ?? 'everything';
	const [row] = (await knex('integrations')
		.insert({
			workspace_id: values.workspaceId,
			user_id: values.userId,
			provider: values.provider ?? 'google',
			account_email: values.email,
			status: 'connected',
			settings: JSON.stringify({ visibility }),
			visibility,
		})
		.returning('id')) as Array<{ id: string }>;
	return row!.id;
}

let sequence = 0;

/** An email record as a provider would give it; fields overridable. */
export function emailRecord(overrides: Partial<EmailRecord> = {}): EmailRecord {
	sequence++;
	return emailRecordSchema.parse({
		provider: 'google',
		providerMessageId: `direct-${sequence}`,
		providerThreadId: `thread-${sequence}`,
		internetMessageId: `<direct-${sequence}-${Date.now()}@test.example>`,
		inReplyTo: null,
		references: [],
		subject: `Direct message ${sequence}`,
		snippet: `Snippet ${sequence}`,
		from: { name: 'Olga Outside', email: 'olga@outside.example' },
		to: [{ name: null, email: 'owner@acme.example' }],
		cc: [],
		bcc: [],
		replyTo: [],
		date: new Date(Date.UTC(2026, 10, 1, 12, sequence % 60)).toISOString(),
		labels: ['INBOX'],
		isRead: false,
		isDraft: false,
		direction: 'incoming',
		bodyText: `Body text ${sequence}`,
		bodyHtml: null,
		attachments: [],
		isBulk: false,
		listHeaders: {},
		sizeEstimate: null,
		...overrides,
	});
}

/** Stores emails in an integration's mailbox as the mail sync would; returns their ids in order. */
export async function storeEmails(
	database: CrmDatabase,
	scope: {
		workspaceId: string;
		integrationId: string;
		visibility?: 'metadata' | 'subject' | 'everything';
	},
	records: EmailRecord[],
): Promise<string[]> {
	await database.knex.transaction((trx) =>
		upsertMailPage(
			trx,
			{
				workspaceId: scope.workspaceId,
				integrationId: scope.integrationId,
				sourceKey: 'gmail:INBOX,SENT',
				listingMark: null,
				visibility: scope.visibility ?? 'everything',
			},
			records.map((record) => ({ record, receivedAt: Date.parse(record.date ?? '') || null })),
		),
	);
	const ids: string[] = [];
	for (const record of records) {
		const row = (await database.knex('mailbox_messages').first('email_id').where({
			workspace_id: scope.workspaceId,
			integration_id: scope.integrationId,
			provider_message_id: record.providerMessageId,
		})) as { email_id: string };
		ids.push(row.email_id);
	}
	return ids;
}

export type WidgetTestProvider = 'google' | 'microsoft';

/** One sync of an integration of workspace A against the emulator, as the engine runs it. */
export async function syncWorkspaceA(
	database: CrmDatabase,
	emu: Emulator,
	integrationId: string,
): Promise<void> {
	const apps = appsFor(emu);
	const synced = await syncIntegration(
		{
			database,
			access: createIntegrationAccess({ database, apps }),
			endpoints: { googleApiBaseUrl: emu.baseUrl, graphBaseUrl: emu.baseUrl },
			workerId: 'widget-api-test',
			paceGmail: false,
		},
		{ workspaceId: WORKSPACE_A, integrationId },
	);
	expect(synced.outcome).toBe('succeeded');
}

/**
 * The widget tests' workspace A: Ann connects a Google and a Microsoft 365 account through the
 * emulator's consent and each is synced; Bob has a Google integration of his own (no mail).
 */
export async function annAndBobInWorkspaceA(
	database: CrmDatabase,
	emu: Emulator,
	accounts: Record<WidgetTestProvider, string>,
): Promise<{
	api: WidgetCaller;
	integrations: Record<WidgetTestProvider, string>;
	ann: string;
	bob: string;
}> {
	const apps = appsFor(emu);
	const api = widgetCaller(database, apps, { workspaceId: WORKSPACE_A });
	const legacy = apiCaller(database, apps);
	const integrations: Record<WidgetTestProvider, string> = { google: '', microsoft: '' };
	for (const provider of ['google', 'microsoft'] as const) {
		const { result } = await connectThroughConsent(legacy, emu, {
			provider,
			email: accounts[provider],
			userId: 'ann',
		});
		integrations[provider] = result.integrationId!;
		await syncWorkspaceA(database, emu, integrations[provider]);
	}
	await insertIntegration(database.knex, {
		workspaceId: WORKSPACE_A,
		userId: 'bob',
		email: 'bob@acme.example',
	});
	return {
		api,
		integrations,
		ann: await tokenFor(WORKSPACE_A, 'ann'),
		bob: await tokenFor(WORKSPACE_A, 'bob'),
	};
}
