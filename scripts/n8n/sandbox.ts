// Fills a fresh n8n with what a newcomer needs to try crm-connect: the sandbox accounts' OAuth
// credentials connected through n8n's real OAuth flow against the emulator, the CRM Database
// credential, and every published example and template (inactive), each with its credentials.
import { publishedWorkflows, type PublishedWorkflow } from './examples';
import type { N8nCredential, N8nRest, StoredWorkflow, WorkflowJson } from './rest';

export interface SandboxEmulator {
	baseUrl: string;
	sandbox: {
		googleEmail: string;
		microsoftEmail: string;
		clientId: string;
		clientSecret: string;
		microsoftClientId: string;
		microsoftClientSecret: string;
	};
}

/** The credentials the sandbox creates: the names the examples refer to. */
export const SANDBOX_CREDENTIALS = {
	gmail: { name: 'Gmail account', type: 'gmailCrmOAuth2Api' },
	calendar: { name: 'Google Calendar account', type: 'googleCalendarCrmOAuth2Api' },
	ads: { name: 'Google Ads account', type: 'googleAdsCrmOAuth2Api' },
	youtube: { name: 'YouTube account', type: 'youTubeCrmOAuth2Api' },
	signIn: { name: 'Google Sign-In app', type: 'googleSignInCrmOAuth2Api' },
	microsoft: { name: 'Microsoft 365 account', type: 'microsoft365CrmOAuth2Api' },
	database: { name: 'CRM Database', type: 'crmDatabase' },
	apps: { name: 'CRM Connect Apps', type: 'crmConnectAppsApi' },
	aiModel: { name: 'CRM Connect AI Model (emulator)', type: 'crmConnectAiModelApi' },
	webhook: { name: 'CRM Webhook', type: 'crmWebhookApi' },
} as const;

/** The workspace the templates' by-hand paths name until a user puts theirs. */
export const SANDBOX_WORKSPACE_ID = '00000000-0000-4000-8000-000000000001';

export type SandboxCredentialKey = keyof typeof SANDBOX_CREDENTIALS;

/** Approves a consent page through the emulator's control API, as the account's user would. */
export function emulatorConsent(emulator: SandboxEmulator, email: string) {
	return async (url: string) => {
		const response = await fetch(`${emulator.baseUrl}/_emulator/consent`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ url, decision: 'approve', email }),
		});
		return (await response.json()) as { location: string; code?: string; error?: string };
	};
}

function oauthData(emulator: SandboxEmulator, key: SandboxCredentialKey): Record<string, unknown> {
	const { sandbox, baseUrl } = emulator;
	if (key === 'microsoft') {
		return {
			clientId: sandbox.microsoftClientId,
			clientSecret: sandbox.microsoftClientSecret,
			tenantId: 'common',
			customEndpoints: true,
			loginBaseUrl: baseUrl,
			graphBaseUrl: baseUrl,
		};
	}
	const data: Record<string, unknown> = {
		clientId: sandbox.clientId,
		clientSecret: sandbox.clientSecret,
		customEndpoints: true,
		authBaseUrl: baseUrl,
		tokenBaseUrl: baseUrl,
		apiBaseUrl: baseUrl,
	};
	// The emulator's Ads sandbox: its developer token, its manager account, and the Ads and Data
	// Manager APIs at the emulator too (their default base URLs are Google's).
	if (key === 'ads') {
		Object.assign(data, {
			developerToken: 'emu-dev-token',
			loginCustomerId: '1234567890',
			adsApiBaseUrl: baseUrl,
			dataManagerBaseUrl: baseUrl,
		});
	}
	return data;
}

/** Creates (or updates) one sandbox OAuth credential and connects it through n8n's OAuth flow. */
export async function connectSandboxCredential(
	rest: N8nRest,
	emulator: SandboxEmulator,
	key: Exclude<SandboxCredentialKey, 'database'>,
): Promise<N8nCredential> {
	const { name, type } = SANDBOX_CREDENTIALS[key];
	const credential = await rest.saveCredential(name, type, oauthData(emulator, key));
	const email =
		key === 'microsoft' ? emulator.sandbox.microsoftEmail : emulator.sandbox.googleEmail;
	await rest.connectOAuth2(credential.id, emulatorConsent(emulator, email));
	return credential;
}

export async function saveDatabaseCredential(
	rest: N8nRest,
	database: { url: string; schema: string },
): Promise<N8nCredential> {
	const { name, type } = SANDBOX_CREDENTIALS.database;
	return await rest.saveCredential(name, type, {
		connectionType: 'url',
		url: database.url,
		schema: database.schema,
		ssl: 'disable',
		autoMigrate: true,
	});
}

/** What the CRM Connect Apps credential holds beside the sandbox's OAuth apps. */
export interface ConnectAppsSecrets {
	/** Where the CRM API node's routes answer (the OAuth callback comes back there). */
	publicBaseUrl: string;
	/** Keyring text, `keyId:base64key` per line. */
	tokenKeys: string;
	/** HS256 secret the CRM backend signs its API tokens with. */
	apiSigningSecret: string;
	/** Origins the connect flow may return to. */
	allowedReturnOrigins: string;
}

/** The CRM Connect Apps credential of the sandbox: the emulator's Google and Microsoft apps. */
export async function saveConnectAppsCredential(
	rest: N8nRest,
	emulator: SandboxEmulator,
	secrets: ConnectAppsSecrets,
): Promise<N8nCredential> {
	const { name, type } = SANDBOX_CREDENTIALS.apps;
	const { sandbox, baseUrl } = emulator;
	return await rest.saveCredential(name, type, {
		googleClientId: sandbox.clientId,
		googleClientSecret: sandbox.clientSecret,
		microsoftClientId: sandbox.microsoftClientId,
		microsoftClientSecret: sandbox.microsoftClientSecret,
		microsoftTenant: 'common',
		...secrets,
		customEndpoints: true,
		googleAuthBaseUrl: baseUrl,
		googleTokenBaseUrl: baseUrl,
		googleApiBaseUrl: baseUrl,
		microsoftLoginBaseUrl: baseUrl,
		graphBaseUrl: baseUrl,
	});
}

/** Where the emulator's OpenAI-compatible model surface answers, and the key it accepts. */
export interface SandboxModel {
	/** Base URL ending in /v1 (the emulator's `urls.openai`). */
	baseUrl: string;
	apiKey: string;
	model: string;
}

/**
 * The CRM Connect AI Model credential of the sandbox: the emulator's OpenAI-compatible surface, so
 * "Use AI Model" can be tried without a real key. Templates do not need it (the model is off by
 * default) and name no model credential.
 */
export async function saveAiModelCredential(
	rest: N8nRest,
	model: SandboxModel,
): Promise<N8nCredential> {
	const { name, type } = SANDBOX_CREDENTIALS.aiModel;
	return await rest.saveCredential(name, type, {
		provider: 'openai',
		apiKey: model.apiKey,
		baseUrl: model.baseUrl,
		model: model.model,
	});
}

/**
 * The CRM Webhook credential of the sandbox workspace, so the conversion webhook template can be
 * published and called at once; the secret is the caller's to keep (it stays in the data folder).
 */
export async function saveWebhookCredential(
	rest: N8nRest,
	webhook: { workspaceId: string; secret: string },
): Promise<N8nCredential> {
	const { name, type } = SANDBOX_CREDENTIALS.webhook;
	return await rest.saveCredential(name, type, webhook);
}

interface NodeTypeDescription {
	name: string;
	version: number | number[];
	credentials?: Array<{
		name: string;
		required?: boolean;
		displayOptions?: { show?: Record<string, unknown[]> };
	}>;
	properties?: Array<{ name: string; default?: unknown }>;
}

/**
 * Gives every node that needs a credential and names none the one credential of that type, as
 * the editor does when a workflow is opened with a single matching credential.
 */
export async function withDefaultCredentials(
	rest: N8nRest,
	workflow: WorkflowJson,
): Promise<WorkflowJson> {
	const types = await rest.request<NodeTypeDescription[]>('GET', '/types/nodes.json');
	const credentials = await rest.credentials();
	const nodes = workflow.nodes.map((node) => {
		if (node.credentials && Object.keys(node.credentials).length) return node;
		const version = Number(node.typeVersion ?? 1);
		const description = types.find(
			(type) =>
				type.name === node.type &&
				(Array.isArray(type.version) ? type.version.includes(version) : type.version === version),
		);
		const parameters = (node.parameters ?? {}) as Record<string, unknown>;
		const needed = (description?.credentials ?? []).find((credential) => {
			if (!credential.required) return false;
			return Object.entries(credential.displayOptions?.show ?? {}).every(([parameter, values]) => {
				const value =
					parameters[parameter] ??
					description?.properties?.find((property) => property.name === parameter)?.default;
				return values.includes(value);
			});
		});
		const match = needed && credentials.filter((credential) => credential.type === needed.name);
		if (!needed || !match || match.length !== 1) return node;
		return { ...node, credentials: { [needed.name]: { id: match[0].id, name: match[0].name } } };
	});
	return { ...workflow, nodes };
}

/** The sub-workflow a node calls by name (an Execute Workflow node's `cachedResultName`). */
function calledWorkflowName(node: WorkflowJson['nodes'][number]): string | undefined {
	const reference = (node.parameters as { workflowId?: unknown } | undefined)?.workflowId as
		| { __rl?: boolean; value?: string; cachedResultName?: string }
		| undefined;
	return reference?.__rl && !reference.value ? reference.cachedResultName : undefined;
}

/**
 * Imports every published example and template, inactive, under a name that says what it is. A
 * template that calls a sub-workflow names it (ids differ between n8n instances): the sub-workflow
 * is imported first and the call pointed at its id, as a user picking it from the list would.
 */
export async function importPublishedWorkflows(
	rest: N8nRest,
	adapt: (workflow: WorkflowJson, published: PublishedWorkflow) => WorkflowJson = (workflow) =>
		workflow,
	wanted: (name: string) => boolean = () => true,
): Promise<Array<PublishedWorkflow & { stored: StoredWorkflow }>> {
	const published = publishedWorkflows();
	const calls = (workflow: WorkflowJson) =>
		workflow.nodes.map(calledWorkflowName).filter((name): name is string => Boolean(name));
	const called = new Set(published.flatMap((entry) => calls(entry.workflow)));
	// Sub-workflows first, then the rest, each group in publishing order.
	const ordered = [
		...published.filter((entry) => called.has(entry.workflow.name ?? '')),
		...published.filter((entry) => !called.has(entry.workflow.name ?? '')),
	];
	const imported: Array<PublishedWorkflow & { stored: StoredWorkflow }> = [];
	const storedIds = new Map<string, { id: string; name: string }>();
	let existing: Array<{ id: string; name: string }> | undefined;
	for (const entry of ordered) {
		if (!wanted(entry.name)) continue;
		const adapted = adapt(entry.workflow, entry);
		// A sub-workflow imported by an earlier run (npm start keeps what a user has) is used as is.
		for (const target of calls(adapted)) {
			if (storedIds.has(target)) continue;
			existing ??= await rest.request<Array<{ id: string; name: string }>>(
				'GET',
				'/rest/workflows',
			);
			const source = published.find((one) => one.workflow.name === target);
			const found = existing.find((one) => one.name === source?.name);
			if (found) storedIds.set(target, found);
		}
		const nodes = adapted.nodes.map((node) => {
			const target = calledWorkflowName(node);
			const stored = target ? storedIds.get(target) : undefined;
			if (!stored) return node;
			const parameters = node.parameters as { workflowId: object };
			return {
				...node,
				parameters: {
					...parameters,
					workflowId: {
						...parameters.workflowId,
						value: stored.id,
						cachedResultName: stored.name,
					},
				},
			};
		});
		const workflow = await withDefaultCredentials(rest, { ...adapted, nodes });
		const stored = await rest.importWorkflow(workflow, entry.name);
		if (entry.workflow.name)
			storedIds.set(entry.workflow.name, { id: stored.id, name: entry.name });
		imported.push({ ...entry, stored });
	}
	// Callers read them in publishing order.
	return published.flatMap((entry) => imported.filter((one) => one.name === entry.name));
}
