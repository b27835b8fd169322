import { normalizeHeaders, type ProviderRequester } from '../http';

/** The part of gaxios' request options that googleapis hands its auth client. */
interface GoogleClientRequest {
	url: string | URL;
	method?: string;
	params?: Record<string, unknown>;
	headers?: Headers | Record<string, string>;
	data?: unknown;
	body?: unknown;
	responseType?: string;
}

function withParams(url: string | URL, params: Record<string, unknown> | undefined): string {
	const target = new URL(String(url));
	for (const [key, value] of Object.entries(params ?? {})) {
		if (value === undefined || value === null) continue;
		// Google takes repeated keys for lists (labelIds=INBOX&labelIds=UNREAD).
		for (const item of Array.isArray(value) ? value : [value])
			target.searchParams.append(key, String(item));
	}
	return target.toString();
}

/**
 * An object googleapis accepts as `auth` whose `request()` sends through a ProviderRequester, so
 * the official client shapes every request while n8n (or our token store) authenticates it. It
 * holds no token of its own, so token refreshes stay with whoever owns the credential.
 */
export function googleAuthAdapter(requester: ProviderRequester) {
	return {
		async request(options: GoogleClientRequest) {
			const url = withParams(options.url, options.params);
			const headers = normalizeHeaders(options.headers as Record<string, string>);
			delete headers.authorization; // the requester signs
			delete headers['content-length'];
			const payload = options.data ?? options.body;
			const response = await requester({
				method: (options.method ?? 'GET').toUpperCase() as 'GET',
				url,
				headers,
				body: payload as string | Buffer | object | undefined,
				responseType:
					options.responseType === 'arraybuffer'
						? 'buffer'
						: options.responseType === 'text'
							? 'text'
							: 'json',
			});
			return {
				data: response.body,
				status: response.status,
				statusText: '',
				headers: response.headers,
				config: { ...options, url },
				request: { responseURL: url },
			};
		},
		// googleapis asks for these on some paths; the requester handles the token itself.
		async getRequestHeaders() {
			return new Headers();
		},
	};
}
