import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import {
	createGmailChangeSource,
	createGmailClient,
	gmailAccount,
	type GmailAccount,
	type GmailChangeSource,
	type ProviderRequester,
} from '../../core';
import { resolveGoogleCredential } from './googleAuthentication';
import { n8nAuthorizationRefresher, n8nRequester } from './providerTransport';

type GmailLabel = { id: string; name: string; type: string | null };

export interface GmailConnection {
	gmail: ReturnType<typeof createGmailClient>;
	requester: ProviderRequester;
	apiBaseUrl: string;
	/** Has n8n refresh the access token (for batch parts refused 401; see fetchGmailMessages). */
	refreshAuthorization(): Promise<void>;
	/** The connected account: its address and send-as names, each asked once per connection. */
	account: GmailAccount;
	/** The connected mailbox's address (users.getProfile, asked once per connection). */
	ownerEmail(): Promise<string>;
	/** The mailbox's labels (labels.list, asked once per connection). */
	labels(): Promise<GmailLabel[]>;
	/** The mailbox's change source with these options (see core's createGmailChangeSource). */
	changeSource(
		options: Omit<
			Parameters<typeof createGmailChangeSource>[3],
			'account' | 'refreshAuthorization'
		>,
	): GmailChangeSource;
}

/**
 * The Gmail client of the node's credential (the Gmail CRM node and its trigger); every request
 * goes through n8n's auth helpers.
 */
export async function gmailConnection(
	context: IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions,
): Promise<GmailConnection> {
	const { credentialType, apiBaseUrl } = await resolveGoogleCredential(
		context,
		'gmailCrmOAuth2Api',
	);
	const requester = n8nRequester(context, credentialType);
	const gmail = createGmailClient(requester, apiBaseUrl);
	const refreshAuthorization = n8nAuthorizationRefresher(context, credentialType, {
		method: 'GET',
		url: `${apiBaseUrl.replace(/\/+$/, '')}/gmail/v1/users/me/profile`,
	});
	const account = gmailAccount(gmail);
	let labels: Promise<GmailLabel[]> | undefined;
	return {
		gmail,
		requester,
		apiBaseUrl,
		refreshAuthorization,
		account,
		ownerEmail: account.email,
		labels() {
			labels ??= gmail.users.labels
				.list({ userId: 'me' })
				.then(({ data }) =>
					(data.labels ?? []).flatMap((label) =>
						label.id
							? [{ id: label.id, name: label.name ?? label.id, type: label.type ?? null }]
							: [],
					),
				);
			labels.catch(() => (labels = undefined)); // a failure is not remembered
			return labels;
		},
		changeSource: (options) =>
			createGmailChangeSource(requester, gmail, apiBaseUrl, {
				...options,
				account,
				refreshAuthorization,
			}),
	};
}

// What a 404 means, said whole: Gmail answers 404 alike for an id that never existed and one the
// account cannot see.
export const messageNotFound = (messageId: string) =>
	`Gmail has no message '${messageId}' (or the account cannot see it)`;

export const threadNotFound = (threadId: string) =>
	`Gmail has no thread '${threadId}' (or the account cannot see it)`;
