// The n8n REST API as the editor in a browser uses it: owner setup, login (session cookie),
// credentials (with the OAuth connect flow), workflows (import, activate, deactivate) and
// executions. `npm start` and the end-to-end suite drive n8n only through this and n8n's CLI.
import { parse as parseFlatted } from 'flatted';

export interface N8nOwner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export interface N8nCredential {
	id: string;
	name: string;
	type: string;
}

export interface WorkflowJson {
	name?: string;
	nodes: Array<{
		name: string;
		type: string;
		credentials?: Record<string, { id?: string; name: string }>;
		[key: string]: unknown;
	}>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface StoredWorkflow {
	id: string;
	name: string;
	versionId: string;
	active: boolean;
	activeVersionId?: string | null;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	finished: boolean;
	startedAt: string;
	stoppedAt: string | null;
}

export interface ExecutionDetail extends ExecutionSummary {
	data: {
		resultData: {
			runData: Record<
				string,
				Array<{
					data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
					error?: { message?: string };
				}>
			>;
			error?: { message?: string; description?: string };
		};
	};
}

export class N8nApiError extends Error {
	constructor(
		readonly status: number,
		readonly path: string,
		readonly body: unknown,
	) {
		super(
			`n8n answered ${status} to ${path}: ${typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body).slice(0, 300)}`,
		);
		this.name = 'N8nApiError';
	}
}

export class N8nRest {
	private cookie = '';
	/** n8n ties a session to a browser id header. */
	private readonly browserId = `crm-connect-${process.pid}`;

	constructor(readonly baseUrl: string) {}

	async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			redirect: 'manual',
		});
		const setCookie = response.headers.get('set-cookie');
		if (setCookie) this.cookie = setCookie.split(';')[0];
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// HTML or plain text
		}
		if (!response.ok) throw new N8nApiError(response.status, path, parsed);
		return ((parsed as { data?: T } | undefined)?.data ?? parsed) as T;
	}

	/** Creates the owner on a fresh instance (or logs in when one exists). */
	async signIn(owner: N8nOwner): Promise<void> {
		try {
			await this.request('POST', '/rest/owner/setup', owner);
		} catch (error) {
			if (!(error instanceof N8nApiError) || error.status !== 400) throw error;
		}
		await this.request('POST', '/rest/login', {
			emailOrLdapLoginId: owner.email,
			password: owner.password,
		});
	}

	/** The session cookie, for a browser that should open the editor signed in. */
	get sessionCookie(): string {
		return this.cookie;
	}

	async credentials(): Promise<N8nCredential[]> {
		return await this.request<N8nCredential[]>('GET', '/rest/credentials');
	}

	/** Creates a credential, or updates the one of the same type and name. */
	async saveCredential(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<N8nCredential> {
		const existing = (await this.credentials()).find((c) => c.type === type && c.name === name);
		if (existing) {
			await this.request('PATCH', `/rest/credentials/${existing.id}`, { name, type, data });
			return existing;
		}
		return await this.request<N8nCredential>('POST', '/rest/credentials', { name, type, data });
	}

	async deleteCredential(id: string): Promise<void> {
		await this.request('DELETE', `/rest/credentials/${id}`);
	}

	/**
	 * The editor's "Connect" button: n8n gives the provider's consent URL, the consent is approved
	 * (here by the emulator's control API, as a user's click would), and the provider redirects to
	 * n8n's callback, which exchanges the code and stores the tokens.
	 */
	async connectOAuth2(
		credentialId: string,
		approve: (consentUrl: string) => Promise<{ location: string; code?: string; error?: string }>,
	): Promise<void> {
		const consentUrl = await this.request<string>(
			'GET',
			`/rest/oauth2-credential/auth?id=${credentialId}`,
		);
		const consent = await approve(consentUrl);
		if (!consent.code)
			throw new Error(`the consent was not given: ${consent.error ?? consent.location}`);
		const response = await fetch(consent.location, {
			headers: { cookie: this.cookie, 'browser-id': this.browserId },
			redirect: 'manual',
		});
		const page = await response.text();
		if (!response.ok || /error/i.test(/<title>([^<]*)<\/title>/i.exec(page)?.[1] ?? '')) {
			throw new Error(`n8n's OAuth callback failed (${response.status}): ${page.slice(0, 300)}`);
		}
		const stored = await this.request<{ data?: { oauthTokenData?: unknown } }>(
			'GET',
			`/rest/credentials/${credentialId}?includeData=true`,
		);
		if (!stored.data?.oauthTokenData)
			throw new Error('n8n stored no OAuth tokens after the callback');
	}

	/**
	 * A dropdown of a node's parameter as the editor fills it (`loadOptionsMethod`), run with a
	 * stored credential: the node's own code with the credential's tokens, so a revoked grant or an
	 * unreachable host shows here as the editor shows it.
	 */
	async loadOptions(options: {
		nodeType: string;
		version: number;
		methodName: string;
		credentials: Record<string, { id: string; name: string }>;
		parameters?: Record<string, unknown>;
	}): Promise<Array<{ name: string; value: string | number }>> {
		// n8n looks the credential up in the project the editor is working in.
		const project = await this.request<{ id: string }>('GET', '/rest/projects/personal');
		return await this.request('POST', '/rest/dynamic-node-parameters/options', {
			projectId: project.id,
			nodeTypeAndVersion: { name: options.nodeType, version: options.version },
			path: 'parameters.options',
			methodName: options.methodName,
			credentials: options.credentials,
			currentNodeParameters: options.parameters ?? {},
		});
	}

	/**
	 * The credential test as the editor runs it (Save, Retest): the stored secrets merged in by n8n.
	 * For an OAuth2 credential the editor sends no tokens: n8n 2.x tests the connection itself only
	 * before it is connected, and shows a connected one as working without a test.
	 */
	async testCredential(credentialId: string): Promise<{ status: 'OK' | 'Error'; message: string }> {
		const stored = await this.request<N8nCredential & { data: Record<string, unknown> }>(
			'GET',
			`/rest/credentials/${credentialId}?includeData=true`,
		);
		const data = { ...stored.data };
		delete data.oauthTokenData;
		return await this.request('POST', '/rest/credentials/test', {
			credentials: { ...stored, data },
		});
	}

	/** Imports a workflow as published (inactive), credentials resolved by type and name. */
	async importWorkflow(
		workflow: WorkflowJson,
		name = workflow.name ?? 'Imported workflow',
	): Promise<StoredWorkflow> {
		const credentials = await this.credentials();
		const nodes = workflow.nodes.map((node) => {
			if (!node.credentials) return node;
			const resolved: Record<string, { id: string; name: string }> = {};
			for (const [type, reference] of Object.entries(node.credentials)) {
				const match =
					credentials.find((c) => c.type === type && c.name === reference.name) ??
					credentials.find((c) => c.type === type);
				if (!match) throw new Error(`no ${type} credential for node "${node.name}" of "${name}"`);
				resolved[type] = { id: match.id, name: match.name };
			}
			return { ...node, credentials: resolved };
		});
		const existing = (await this.request<StoredWorkflow[]>('GET', '/rest/workflows')).find(
			(w) => w.name === name,
		);
		if (existing)
			await this.request('DELETE', `/rest/workflows/${existing.id}`).catch(async () => {
				await this.request('POST', `/rest/workflows/${existing.id}/archive`);
				await this.request('DELETE', `/rest/workflows/${existing.id}`);
			});
		return await this.request<StoredWorkflow>('POST', '/rest/workflows', {
			name,
			nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? { executionOrder: 'v1' },
			active: false,
		});
	}

	async workflow(id: string): Promise<StoredWorkflow> {
		return await this.request<StoredWorkflow>('GET', `/rest/workflows/${id}`);
	}

	async activate(id: string): Promise<StoredWorkflow> {
		const { versionId } = await this.workflow(id);
		return await this.request<StoredWorkflow>('POST', `/rest/workflows/${id}/activate`, {
			versionId,
		});
	}

	async deactivate(id: string): Promise<StoredWorkflow> {
		return await this.request<StoredWorkflow>('POST', `/rest/workflows/${id}/deactivate`, {});
	}

	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = await this.request<{ results: ExecutionSummary[] }>(
			'GET',
			`/rest/executions?filter=${filter}&limit=100`,
		);
		return page.results;
	}

	async execution(id: string): Promise<ExecutionDetail> {
		const raw = await this.request<ExecutionSummary & { data: string }>(
			'GET',
			`/rest/executions/${id}`,
		);
		return { ...raw, data: parseFlatted(raw.data) as ExecutionDetail['data'] };
	}

	/** The JSON of every item a node output in the workflow's finished executions, oldest first. */
	async outputs(workflowId: string, nodeName: string): Promise<Array<Record<string, unknown>>> {
		const runs = (await this.executions(workflowId)).sort((a, b) => Number(a.id) - Number(b.id));
		const items: Array<Record<string, unknown>> = [];
		for (const run of runs) {
			if (!run.finished && run.status !== 'success') continue;
			const detail = await this.execution(run.id);
			for (const task of detail.data.resultData.runData[nodeName] ?? []) {
				for (const item of task.data?.main?.[0] ?? []) items.push(item.json);
			}
		}
		return items;
	}
}
