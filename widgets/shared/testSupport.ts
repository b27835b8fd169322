// Browser-side helpers of the widget tests: the proxied test API server (test/widgets/support/
// apiServer.ts, started by web-test-runner.config.mjs) and its test-only routes.

export const API_BASE = `${location.origin}/crm-api`;
/** The same handler with no provider app configured. */
export const UNCONFIGURED_API_BASE = `${location.origin}/crm-api-unconfigured`;
export const WORKSPACE_A = '00000000-0000-4000-8000-000000000001';
export const WORKSPACE_B = '00000000-0000-4000-8000-000000000002';
export const READ_WRITE = ['integrations:read', 'integrations:write'];

async function json<T>(response: Response): Promise<T> {
	if (!response.ok) throw new Error(`${response.url}: ${response.status} ${await response.text()}`);
	return (await response.json()) as T;
}

/** A signed API token for `workspace` with `scopes` (15 minutes). */
export async function testToken(
	workspace: string = WORKSPACE_A,
	scopes: string[] = READ_WRITE,
	user = 'user-a@crm.example',
): Promise<string> {
	const query = new URLSearchParams({ workspace, scopes: scopes.join(','), user });
	return (await json<{ token: string }>(await fetch(`${API_BASE}/test-token?${query}`))).token;
}

export interface SeedInfo {
	integrationId: string;
	integrationIdB: string;
	people: Array<{ id: string; email: string; fullName: string; companyId: string }>;
	companies: Array<{ id: string; domain: string; name: string }>;
	hostileEmailId: string;
	emailCount: number;
	eventCount: number;
	foreignOrigin: string;
	/** The seed's reference time (events are in its month, UTC). */
	now: string;
}

/** What the server seeded (ids, counts, the foreign origin). */
export async function seedInfo(): Promise<SeedInfo> {
	return json<SeedInfo>(await fetch(`${API_BASE}/test-seed`));
}

export interface ScenarioOptions {
	status:
		| 'connected'
		| 'syncing'
		| 'throttled'
		| 'requires_reauth'
		| 'failed'
		| 'disconnected'
		| 'none';
	provider?: 'google' | 'microsoft';
	progress?: { done: number; total: number | null };
	lastSuccessAt?: string | null;
}

/** A fresh workspace with one integration in the given state (none for 'none'). */
export async function scenario(
	options: ScenarioOptions,
): Promise<{ workspaceId: string; integrationId: string | null; token: string }> {
	const created = await json<{ workspaceId: string; integrationId: string | null }>(
		await fetch(`${API_BASE}/test-scenario`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(options),
		}),
	);
	return { ...created, token: await testToken(created.workspaceId) };
}

/** Moves the scenario's running sync (finish: the sync succeeds, status connected). */
export async function setProgress(
	workspaceId: string,
	progress: { done: number; total: number | null; finish?: boolean },
): Promise<void> {
	await json(
		await fetch(`${API_BASE}/test-progress`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ workspaceId, ...progress }),
		}),
	);
}

/** Requests the "foreign origin" server received since the last reset. */
export async function foreignHits(): Promise<{ origin: string; hits: number; paths: string[] }> {
	return json(await fetch(`${API_BASE}/test-foreign`));
}

export async function resetForeignHits(): Promise<void> {
	await json(await fetch(`${API_BASE}/test-foreign/reset`, { method: 'POST' }));
}

/** Resolves when `predicate` holds (polled each animation frame), or rejects after `timeout` ms. */
export async function waitFor(
	predicate: () => unknown,
	timeout = 5000,
	message = 'condition',
): Promise<void> {
	const started = performance.now();
	while (!predicate()) {
		if (performance.now() - started > timeout) throw new Error(`Timed out waiting for ${message}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
