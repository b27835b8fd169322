import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import { createGmailClient, type ProviderRequester } from '../../../../core';
import { resolveGoogleCredential } from '../../../shared/googleAuthentication';
import { n8nRequester } from '../../../shared/providerTransport';

export interface GmailConnection {
	gmail: ReturnType<typeof createGmailClient>;
	requester: ProviderRequester;
	apiBaseUrl: string;
	/** The connected mailbox's address (users.getProfile, asked once per connection). */
	ownerEmail(): Promise<string>;
}

/** The Gmail client of this node's credential; every request goes through n8n's auth helpers. */
export async function gmailConnection(
	context: IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions,
): Promise<GmailConnection> {
	const { credentialType, apiBaseUrl } = await resolveGoogleCredential(
		context,
		'gmailCrmOAuth2Api',
	);
	const requester = n8nRequester(context, credentialType);
	const gmail = createGmailClient(requester, apiBaseUrl);
	let owner: Promise<string> | undefined;
	return {
		gmail,
		requester,
		apiBaseUrl,
		ownerEmail: () =>
			(owner ??= gmail.users
				.getProfile({ userId: 'me' })
				.then(({ data }) => (data.emailAddress ?? '').toLowerCase())),
	};
}
