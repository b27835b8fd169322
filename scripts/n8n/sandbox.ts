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
} as const;

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
	if (key === 'ads') Object.assign(data, { developerToken: 'sandbox-developer-token' });
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

/** Imports every published example and template, inactive, under a name that says what it is. */
export async function importPublishedWorkflows(
	rest: N8nRest,
	adapt: (workflow: WorkflowJson, published: PublishedWorkflow) => WorkflowJson = (workflow) =>
		workflow,
	wanted: (name: string) => boolean = () => true,
): Promise<Array<PublishedWorkflow & { stored: StoredWorkflow }>> {
	const imported: Array<PublishedWorkflow & { stored: StoredWorkflow }> = [];
	for (const published of publishedWorkflows()) {
		if (!wanted(published.name)) continue;
		const workflow = await withDefaultCredentials(rest, adapt(published.workflow, published));
		imported.push({ ...published, stored: await rest.importWorkflow(workflow, published.name) });
	}
	return imported;
}
