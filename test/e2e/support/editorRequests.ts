// Requests the n8n editor makes on a user's behalf, for the end-to-end suite.
import { N8nApiError } from '../../../scripts/n8n/rest';
import type { CrmN8n } from './crmN8n';

// The editor sends the node's current parameters (defaults included) with each dropdown request.
const DROPDOWNS = {
	gmail: {
		node: 'gmailCrm',
		method: 'getLabels',
		type: 'gmailCrmOAuth2Api',
		parameters: { authentication: 'oAuth2', resource: 'message', operation: 'addLabels' },
	},
	calendar: {
		node: 'googleCalendarCrm',
		method: 'getCalendars',
		type: 'googleCalendarCrmOAuth2Api',
		parameters: { authentication: 'oAuth2', resource: 'event', operation: 'getMany' },
	},
	microsoft: {
		node: 'microsoft365Crm',
		method: 'getMailFolders',
		type: 'microsoft365CrmOAuth2Api',
		parameters: { resource: 'message', operation: 'move' },
	},
} as const;

export async function dropdown(
	crm: CrmN8n,
	key: keyof typeof DROPDOWNS,
	credential: { id: string; name: string } = crm.credentials[key],
) {
	const { node, method, type, parameters } = DROPDOWNS[key];
	return await crm.rest.loadOptions({
		parameters,
		nodeType: `n8n-nodes-crm-connect.${node}`,
		version: 1,
		methodName: method,
		credentials: { [type]: { id: credential.id, name: credential.name } },
	});
}

/** The message n8n answers a request with, for a failure the editor shows. */
export async function failureOf(run: () => Promise<unknown>): Promise<string> {
	try {
		await run();
	} catch (error) {
		return error instanceof N8nApiError
			? String((error.body as { message?: string })?.message ?? error.message)
			: String(error);
	}
	throw new Error('expected a failure');
}
