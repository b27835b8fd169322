// What the three widgets share: the connection attributes (`api-base`, `workspace-id`, `token`,
// `provider`, `theme`), the `tokenProvider` property, and a CrmApiClient built from them.
import { LitElement, type PropertyDeclarations } from 'lit';

import type { WidgetProvider } from '../../core/api/routeTable';
import { CrmApiClient, CrmApiError, type TokenProvider } from './apiClient';

export class CrmWidgetElement extends LitElement {
	// Lit's reactive properties, declared here rather than with decorators, whose generated calls
	// weighed about 0.4 KB min+gzip in the widget bundle. Internal state also says attribute: false
	// (implied by state: true) so custom-elements.json lists no attribute for it.
	static override properties: PropertyDeclarations = {
		apiBase: { attribute: 'api-base' },
		workspaceId: { attribute: 'workspace-id' },
		token: {},
		provider: { reflect: true },
		theme: { reflect: true },
		tokenProvider: { attribute: false },
	};

	/** The CRM API node's base URL: `<n8n>/webhook/<webhookId>/crm-api`. */
	apiBase = '';

	/** The workspace (UUID) the token was signed for. */
	workspaceId = '';

	/** A short-lived API token signed by the CRM's backend (or use `tokenProvider`). */
	token = '';

	/** The provider whose integration the widget shows. */
	provider: WidgetProvider = 'google';

	/** `light`, `dark`, or `auto` (follows the system; also when absent). */
	theme?: 'light' | 'dark' | 'auto';

	/** Called before each request for a fresh token; wins over `token`. */
	tokenProvider?: TokenProvider;

	#cachedClient?: { key: string; client: CrmApiClient };

	/** The API client for the current attributes (rebuilt when they change). */
	protected get client(): CrmApiClient {
		const key = `${this.apiBase}\n${this.workspaceId}\n${this.token}`;
		if (this.#cachedClient?.key !== key) {
			this.#cachedClient = {
				key,
				client: new CrmApiClient({
					apiBase: this.#resolvedApiBase(),
					workspaceId: this.workspaceId,
					token: this.token || undefined,
					tokenProvider: () => (this.tokenProvider ? this.tokenProvider() : this.token),
				}),
			};
		}
		return this.#cachedClient.client;
	}

	/** Whether the attributes needed to call the API are there. */
	protected get configured(): boolean {
		return Boolean(this.apiBase && this.workspaceId && (this.token || this.tokenProvider));
	}

	/** `api-base` made absolute against the page (a relative base is allowed). */
	#resolvedApiBase(): string {
		return new URL(this.apiBase, document.baseURI).href;
	}
}

/** The message to show for a failed call: the API's own when it sent one. */
export function errorMessage(error: unknown): string {
	// A CrmApiError's message is the API's own.
	if (error instanceof Error) return error.message;
	return String(error);
}

export { CrmApiError };
