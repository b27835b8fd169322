// The widgets' only way to the CRM API: one call per named route of core/api/routeTable, with the
// workspace in the path and a short-lived bearer token the CRM's backend signs.
import {
	WIDGET_ROUTES,
	fillPath,
	type WidgetProvider,
	type WidgetRouteName,
} from '../../core/api/routeTable';

/** Gives a fresh token (the CRM's backend signs one); called before each request. */
export type TokenProvider = () => string | Promise<string>;

export interface ApiClientOptions {
	/** The CRM API node's base URL: `<n8n>/webhook/<webhookId>/crm-api`. */
	apiBase: string;
	workspaceId: string;
	token?: string;
	tokenProvider?: TokenProvider;
	/** Test hook; default: the page's fetch. */
	fetch?: typeof fetch;
}

export interface CallOptions {
	provider?: WidgetProvider;
	/** Path parameters besides the workspace (`id`). */
	params?: Record<string, string>;
	query?: Record<string, string | number | boolean | undefined | null>;
	body?: unknown;
	signal?: AbortSignal;
}

/** An answer other than 2xx, with the API's stable code and a message fit to show. */
export class CrmApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
		this.name = 'CrmApiError';
	}
}

export class CrmApiClient {
	constructor(readonly options: ApiClientOptions) {}

	/** The URL of one call (exposed for links and tests). */
	url(name: WidgetRouteName, call: CallOptions = {}): string {
		const route = WIDGET_ROUTES.find((candidate) => candidate.name === name);
		if (!route) throw new Error(`Unknown route ${name}`);
		const path = fillPath(route, route.perProvider ? (call.provider ?? 'google') : null, {
			...call.params,
			workspaceId: this.options.workspaceId,
		});
		const url = new URL(`${this.options.apiBase.replace(/\/+$/, '')}/${path}`);
		for (const [key, value] of Object.entries(call.query ?? {})) {
			if (value !== undefined && value !== null && value !== '')
				url.searchParams.set(key, String(value));
		}
		return url.toString();
	}

	async call<T>(name: WidgetRouteName, call: CallOptions = {}): Promise<T> {
		const route = WIDGET_ROUTES.find((candidate) => candidate.name === name)!;
		const token = this.options.tokenProvider
			? await this.options.tokenProvider()
			: this.options.token;
		const headers: Record<string, string> = { accept: 'application/json' };
		if (token) headers.authorization = `Bearer ${token}`;
		let body: string | undefined;
		if (route.method === 'POST') {
			headers['content-type'] = 'application/json';
			body = JSON.stringify(call.body ?? {});
		}
		const doFetch = this.options.fetch ?? globalThis.fetch.bind(globalThis);
		let response: Response;
		try {
			response = await doFetch(this.url(name, call), {
				method: route.method,
				headers,
				body,
				signal: call.signal,
				credentials: 'omit',
			});
		} catch (error) {
			if ((error as Error)?.name === 'AbortError') throw error;
			throw new CrmApiError(0, 'network', 'The CRM API cannot be reached');
		}
		const text = await response.text();
		let json: unknown = undefined;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			// not JSON: handled below
		}
		if (!response.ok) {
			const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
			throw new CrmApiError(
				response.status,
				error?.code ?? 'http_error',
				error?.message ?? `The CRM API answered ${response.status}`,
			);
		}
		return json as T;
	}
}
