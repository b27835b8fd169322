import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { openDatabase, type CrmDatabase } from '../../core';
import { databaseSettingsFromCredential } from '../shared/crmDatabaseCredential';

export const DATABASE_CREDENTIAL = 'crmDatabase';
export const WEBHOOK_CREDENTIAL = 'crmWebhookApi';
/** The webhook (by name) WebSub hubs call: GET to verify, POST to deliver. */
export const YOUTUBE_WEBHOOK = 'youtube';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TriggerContext {
	database: CrmDatabase;
	workspaceId: string;
	workspaceSecret: string;
}

/** Thrown when the credentials cannot be used: the message names the field, never its value. */
export class TriggerSetupError extends Error {}

/** The database and workspace of this node's two credentials, migrations applied. */
export async function triggerContextOf(
	this: IWebhookFunctions | IHookFunctions,
): Promise<TriggerContext> {
	const webhook = await this.getCredentials(WEBHOOK_CREDENTIAL);
	const workspaceId = String(webhook.workspaceId ?? '').trim();
	const workspaceSecret = String(webhook.secret ?? '');
	if (!UUID.test(workspaceId)) {
		throw new TriggerSetupError('The CRM Webhook credential’s Workspace ID is not a UUID');
	}
	if (workspaceSecret.length < 16) {
		throw new TriggerSetupError(
			'The CRM Webhook credential’s Webhook Secret is shorter than 16 characters',
		);
	}
	const database = openDatabase(
		databaseSettingsFromCredential(await this.getCredentials(DATABASE_CREDENTIAL)),
	);
	await database.ready();
	return { database, workspaceId, workspaceSecret };
}
