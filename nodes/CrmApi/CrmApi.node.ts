import type {
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { CONNECT_APPS_CREDENTIAL, DATABASE_CREDENTIAL } from './apiContext';
import { crmConnectAppsTest } from './credentialTest';
import { apiWebhooks } from './routes';
import { serveApiRequest } from './serve';

/**
 * Serves the workspace connect flow to the CRM over HTTP while its workflow is active: connect
 * URL, OAuth callback, status, settings, disconnect and resync, under `<n8n>/webhook/crm-api/`.
 * Every request is answered by the node itself, without an execution.
 */
// Nothing is registered with a third party (the routes are n8n's own webhooks), so there is no
// webhookMethods lifecycle; the node has no output because no request starts an execution.
export class CrmApi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM API',
		name: 'crmApi',
		icon: { light: 'file:crmApi.svg', dark: 'file:crmApi.dark.svg' },
		group: ['trigger'],
		// Version 2: for a version 1 webhook node n8n evaluates an expression on every request
		// ($parameter.options.binaryData), which takes an expression sandbox (about 40 ms); from
		// version 2 it reads the body by its content type alone.
		version: 2,
		subtitle: 'Connect flow for the CRM',
		description:
			"Serves the CRM's connect flow over HTTP: connect URL, OAuth callback, status, settings, disconnect and resync",
		defaults: { name: 'CRM API' },
		inputs: [],
		outputs: [],
		credentials: [
			{ name: DATABASE_CREDENTIAL, required: true },
			{ name: CONNECT_APPS_CREDENTIAL, required: true, testedBy: 'crmConnectAppsTest' },
		],
		webhooks: apiWebhooks(),
		properties: [
			{
				displayName:
					'While the workflow is active, the routes answer at <n8n webhook URL>/crm-api/… (connect-url, oauth/callback, status, settings, disconnect, resync). Put <n8n webhook URL>/crm-api into the CRM Connect Apps credential as Public Base URL. Requests start no execution; one active CRM API node per n8n.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
		],
	};

	methods = { credentialTest: { crmConnectAppsTest } };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await serveApiRequest.call(this);
	}
}
