import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { getLabels } from '../shared/gmailLabels';
import { googleAuthenticationProperty, googleCredentials } from '../shared/googleAuthentication';
import { pollGmail, type GmailTriggerSettings } from './gmailTriggerPoll';

export class GmailCrmTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gmail CRM Trigger',
		name: 'gmailCrmTrigger',
		icon: { light: 'file:gmailCrmTrigger.svg', dark: 'file:gmailCrmTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'New message',
		description:
			"Starts the workflow once for every new Gmail message, from Gmail's own history cursor",
		defaults: { name: 'Gmail CRM Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: googleCredentials('gmailCrmOAuth2Api'),
		properties: [
			googleAuthenticationProperty('Gmail CRM OAuth2 API'),
			{
				displayName:
					'Emits each new message once, as a CRM email record. The first activation only records where the mailbox stands; older mail is emitted only with "Include Mail Since".',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Label Names or IDs',
				name: 'labelIds',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getLabels' },
				default: [],
				description:
					'Only messages that have at least one of these labels (none chosen: every label). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Download Attachments',
						name: 'downloadAttachments',
						type: 'boolean',
						default: false,
						description:
							'Whether to output the attachments as binary data (attachment_0, attachment_1, …)',
					},
					{
						displayName: 'Include Mail Since',
						name: 'includeMailSince',
						type: 'dateTime',
						default: '',
						description:
							'On the first activation, also emit the mail received since this date (once)',
					},
					{
						displayName: 'Include Spam and Trash',
						name: 'includeSpamTrash',
						type: 'boolean',
						default: false,
						description: 'Whether to emit new messages that land in Spam or Trash',
					},
					{
						displayName: 'Skip Mail Sent by This Account',
						name: 'skipSent',
						type: 'boolean',
						default: true,
						description:
							'Whether to leave out mail this account sent (label SENT or from its address), so messages a workflow sends do not trigger it again',
					},
				],
			},
		],
	};

	methods = { loadOptions: { getLabels } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const options = this.getNodeParameter('options', {}) as Partial<GmailTriggerSettings>;
		const settings: GmailTriggerSettings = {
			labelIds: this.getNodeParameter('labelIds', []) as string[],
			downloadAttachments: options.downloadAttachments ?? false,
			includeMailSince: options.includeMailSince || undefined,
			includeSpamTrash: options.includeSpamTrash ?? false,
			skipSent: options.skipSent ?? true,
		};
		const items = await pollGmail(this, settings);
		return items.length ? [items] : null;
	}
}
