import { calendar_v3 } from '@googleapis/calendar';
import { gmail_v1 } from '@googleapis/gmail';

import type { ProviderRequester } from '../http';
import { googleAuthAdapter } from './googleAuthAdapter';

import { GOOGLE_API_BASE_URL } from '../endpoints';

export const DEFAULT_GOOGLE_API_BASE_URL = GOOGLE_API_BASE_URL;

function rootUrl(baseUrl: string | undefined): string {
	return `${(baseUrl || DEFAULT_GOOGLE_API_BASE_URL).replace(/\/+$/, '')}/`;
}

/** The official Gmail v1 client, sending through the requester. */
export function createGmailClient(
	requester: ProviderRequester,
	apiBaseUrl?: string,
): gmail_v1.Gmail {
	return new gmail_v1.Gmail({
		rootUrl: rootUrl(apiBaseUrl),
		auth: googleAuthAdapter(requester) as never,
		retry: false, // retries are the requester's, with our policy
	});
}

/** The official Calendar v3 client, sending through the requester. */
export function createCalendarClient(
	requester: ProviderRequester,
	apiBaseUrl?: string,
): calendar_v3.Calendar {
	return new calendar_v3.Calendar({
		rootUrl: rootUrl(apiBaseUrl),
		auth: googleAuthAdapter(requester) as never,
		retry: false,
	});
}
