import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { renewDueSubscriptions } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { CRM_ERRORS } from '../../helpers/errors';
import { toJson } from '../../helpers/parameters';
import { getCrmDatabase } from '../../transport';

/** The trigger's credential: its workspace and the secret its subscriptions' secrets are sealed with. */
export const WEBHOOK_CREDENTIAL = 'crmWebhookApi';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const description: INodeProperties[] = [
	{
		displayName:
			'Renews the WebSub subscriptions of the CRM Webhook credential’s workspace (every CRM Webhook Trigger using it) whose lease ends within two days. Run it on a schedule, for example once a day.',
		name: 'renewDueNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['webhookSubscription'], operation: ['renewDue'] } },
	},
];

/** The workspace and secret of the node's CRM Webhook credential; a bad field is named, never its value. */
async function webhookWorkspaceOf(this: IExecuteFunctions) {
	const credential = await this.getCredentials(WEBHOOK_CREDENTIAL);
	const workspaceId = String(credential.workspaceId ?? '').trim();
	const workspaceSecret = String(credential.secret ?? '');
	const problem = !UUID.test(workspaceId)
		? 'The CRM Webhook credential’s Workspace ID is not a UUID'
		: workspaceSecret.length < 16
			? 'The CRM Webhook credential’s Webhook Secret is shorter than 16 characters'
			: undefined;
	if (problem) {
		throw new NodeOperationError(this.getNode(), problem, {
			description: 'Fix the CRM Webhook credential of this node',
		});
	}
	return { workspaceId, workspaceSecret };
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { workspaceId, workspaceSecret } = await webhookWorkspaceOf.call(this);
	const database = await getCrmDatabase.call(this);
	return await forEachItem(this, CRM_ERRORS, async () => {
		const results = await renewDueSubscriptions({
			db: database.knex,
			workspaceId,
			workspaceSecret,
		});
		if (results.length === 0) {
			return {
				json: {
					workspaceId,
					renewed: 0,
					message: 'No subscription is due for renewal',
				},
			};
		}
		return results.map((result) => ({ json: toJson({ workspaceId, ...result }) }));
	});
}
