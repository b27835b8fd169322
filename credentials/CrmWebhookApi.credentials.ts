import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * A workspace's webhook secret for the CRM Webhook Trigger: callers prove themselves with it (the
 * secret in a header, or an HMAC-SHA256 signature made with it), and the WebSub secrets stored for
 * the workspace's YouTube subscriptions are encrypted with a key derived from it.
 */
// Nothing to call to test a shared secret: it is checked on every webhook call instead.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class CrmWebhookApi implements ICredentialType {
	name = 'crmWebhookApi';

	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
	displayName = 'CRM Webhook';

	icon: Icon = {
		light: 'file:../nodes/CrmWebhook/crmWebhook.svg',
		dark: 'file:../nodes/CrmWebhook/crmWebhook.dark.svg',
	};

	documentationUrl =
		'https://github.com/crm-connect/n8n-nodes-crm-connect/blob/main/docs/nodes/crm-webhook.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Workspace ID',
			name: 'workspaceId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '11111111-1111-4111-8111-111111111111',
			description:
				'The CRM workspace (UUID) the calls belong to; receipts and people are looked up in it',
		},
		{
			displayName: 'Webhook Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'At least 16 characters, e.g. the output of `openssl rand -base64 32`. Senders put it in the X-CRM-Webhook-Secret header or sign with it (X-CRM-Webhook-Signature). Changing it ends the YouTube subscriptions made with the old one until the workflow is activated again.',
		},
	];
}
