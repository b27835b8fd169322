import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { GRAPH_INLINE_ATTACHMENT_BYTES, sendGraphMail } from '../../../../../core';
import { attachmentsFromBinary } from '../../../../shared/binaryAttachments';
import { forEachItem } from '../../../../shared/forEachItem';
import { microsoftConnection } from '../../../../shared/microsoftConnection';

const show = { resource: ['message'], operation: ['send'] };

export const description: INodeProperties[] = [
	{
		displayName: 'To',
		name: 'toRecipients',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'ada@example.com, Bob <bob@example.com>',
		description:
			'Recipients separated by commas or semicolons; quote a name that has a comma ("Doe, Bob" &lt;bob@example.com&gt;)',
		displayOptions: { show },
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Body Format',
		name: 'bodyContentType',
		type: 'options',
		options: [
			{ name: 'Text', value: 'text' },
			{ name: 'HTML', value: 'html' },
		],
		default: 'text',
		displayOptions: { show },
	},
	{
		displayName: 'Body',
		name: 'bodyContent',
		type: 'string',
		typeOptions: { rows: 5 },
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Attachments',
				name: 'attachments',
				type: 'string',
				default: '',
				placeholder: 'data, invoice',
				description:
					'Comma-separated names of the input binary properties to attach (up to 3 MB each)',
			},
			{
				displayName: 'BCC',
				name: 'bccRecipients',
				type: 'string',
				default: '',
				description: 'Blind-copy recipients, separated by commas or semicolons',
			},
			{
				displayName: 'CC',
				name: 'ccRecipients',
				type: 'string',
				default: '',
				description: 'Copy recipients, separated by commas or semicolons',
			},
			{
				displayName: 'Reply To',
				name: 'replyTo',
				type: 'string',
				default: '',
				description: 'Addresses replies should go to, separated by commas or semicolons',
			},
			{
				displayName: 'Save to Sent Items',
				name: 'saveToSentItems',
				type: 'boolean',
				default: true,
				description:
					'Whether to keep a copy in Sent Items. Without one Microsoft keeps nothing, so the output record has no provider ID.',
			},
		],
	},
];

interface SendOptions {
	attachments?: string;
	bccRecipients?: string;
	ccRecipients?: string;
	replyTo?: string;
	saveToSentItems?: boolean;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await microsoftConnection(this);
	return await forEachItem(
		this,
		{ provider: 'Microsoft 365', permission: 'Mail.Send' },
		async (itemIndex) => {
			const options = this.getNodeParameter('options', itemIndex, {}) as SendOptions;
			const record = await sendGraphMail(
				connection.graph,
				{
					to: this.getNodeParameter('toRecipients', itemIndex) as string,
					cc: options.ccRecipients,
					bcc: options.bccRecipients,
					replyTo: options.replyTo,
					subject: this.getNodeParameter('subject', itemIndex) as string,
					bodyContentType: this.getNodeParameter('bodyContentType', itemIndex) as string,
					body: this.getNodeParameter('bodyContent', itemIndex) as string,
					attachments: await attachmentsFromBinary(this, itemIndex, options.attachments, {
						maxBytes: GRAPH_INLINE_ATTACHMENT_BYTES,
						reason: '3 MB, the most Microsoft Graph accepts in one request',
					}),
				},
				{
					saveToSentItems: options.saveToSentItems,
					context: await connection.messageContext(),
				},
			);
			return { json: record };
		},
	);
}
