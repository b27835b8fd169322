import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { ACTION_OPTIONS } from './actions';
import { CONNECT_APPS_CREDENTIAL, DATABASE_CREDENTIAL, SIGN_IN_CREDENTIAL } from './apiContext';
import { crmConnectAppsTest } from './credentialTest';
import { apiWebhooks } from './routes';
import { serveApiRequest } from './serve';

/**
 * Serves the CRM's embedded widgets and connect flow over HTTP while its workflow is active: the
 * widget API (integrations, mail, calendar, records) under `<n8n>/webhook/<webhookId>/crm-api/`,
 * and the connect flow, Sign in with Google, the widget bundle and the OpenAPI document under
 * `<n8n>/webhook/crm-api/`. Every request is answered by the node itself, without an execution;
 * only the actions chosen under "Emit Actions" also hand the workflow an item.
 */
// Nothing is registered with a third party (the routes are n8n's own webhooks), so there is no
// webhookMethods lifecycle.
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
		subtitle: 'Widget API and connect flow for the CRM',
		description:
			"Serves the CRM's widgets over HTTP: mail, calendar and integration routes, the connect flow, Sign in with Google, the widget bundle and its OpenAPI document",
		defaults: { name: 'CRM API' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: DATABASE_CREDENTIAL, required: true },
			{ name: CONNECT_APPS_CREDENTIAL, required: true, testedBy: 'crmConnectAppsTest' },
			{ name: SIGN_IN_CREDENTIAL, required: false },
		],
		webhooks: apiWebhooks(),
		properties: [
			{
				displayName:
					'While the workflow is active, the widget API answers at <n8n webhook URL>/<webhook ID>/crm-api (the widgets\' api-base; <n8n webhook URL>/crm-api/openapi.json names it) and the connect flow at <n8n webhook URL>/crm-api (put that into the CRM Connect Apps credential as Public Base URL). Embed the widgets with <script type="module" src="<n8n webhook URL>/crm-api/widgets.js">. Requests start no execution; one active CRM API node per n8n.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Emit Actions',
				name: 'emitActions',
				type: 'multiOptions',
				options: ACTION_OPTIONS,
				default: [],
				description:
					'Actions that also start an execution of this workflow with one item describing them (who, which workspace, email or record; never a token or a message body). Every other request starts nothing.',
			},
		],
	};

	methods = { credentialTest: { crmConnectAppsTest } };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await serveApiRequest.call(this);
	}
}
