import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	graphMessageToRecord,
	graphPathSegment,
	retryWhileNotFound,
	type GraphMessage,
} from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { fetchMessageRecord, toRecipients } from '../../helpers/records';
import { microsoftConnection } from '../../transport';

const show = { resource: ['message'], operation: ['send'] };

/** Graph takes attachments inline up to a 4 MB request; larger ones need an upload session. */
const MAX_INLINE_ATTACHMENT_BYTES = 3 * 1024 * 1024;

export const description: INodeProperties[] = [
	{
		displayName: 'To',
		name: 'toRecipients',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'ada@example.com, Bob <bob@example.com>',
		description: 'Comma-separated recipients',
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
				description: 'Comma-separated blind-copy recipients',
			},
			{
				displayName: 'CC',
				name: 'ccRecipients',
				type: 'string',
				default: '',
				description: 'Comma-separated copy recipients',
			},
			{
				displayName: 'Reply To',
				name: 'replyTo',
				type: 'string',
				default: '',
				description: 'Comma-separated addresses replies should go to',
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

async function fileAttachments(
	context: IExecuteFunctions,
	itemIndex: number,
	propertyNames: string,
): Promise<IDataObject[]> {
	const attachments: IDataObject[] = [];
	for (const propertyName of propertyNames
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean)) {
		const binary = context.helpers.assertBinaryData(itemIndex, propertyName);
		const content = await context.helpers.getBinaryDataBuffer(itemIndex, propertyName);
		if (content.length > MAX_INLINE_ATTACHMENT_BYTES) {
			throw new NodeOperationError(
				context.getNode(),
				`The attachment "${binary.fileName ?? propertyName}" is larger than 3 MB, the most Microsoft Graph accepts in one request`,
				{ itemIndex },
			);
		}
		attachments.push({
			'@odata.type': '#microsoft.graph.fileAttachment',
			name: binary.fileName ?? propertyName,
			contentType: binary.mimeType || 'application/octet-stream',
			contentBytes: content.toString('base64'),
		});
	}
	return attachments;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await microsoftConnection(this);
	return await forEachItem(
		this,
		{ provider: 'Microsoft 365', permission: 'Mail.Send' },
		async (itemIndex) => {
			const options = this.getNodeParameter('options', itemIndex, {}) as SendOptions;
			const message: IDataObject = {
				subject: this.getNodeParameter('subject', itemIndex) as string,
				body: {
					contentType: this.getNodeParameter('bodyContentType', itemIndex) as string,
					content: this.getNodeParameter('bodyContent', itemIndex) as string,
				},
				toRecipients: toRecipients(this.getNodeParameter('toRecipients', itemIndex) as string),
				ccRecipients: toRecipients(options.ccRecipients ?? ''),
				bccRecipients: toRecipients(options.bccRecipients ?? ''),
				replyTo: toRecipients(options.replyTo ?? ''),
			};
			if (options.attachments) {
				message.attachments = await fileAttachments(this, itemIndex, options.attachments);
			}
			if (options.saveToSentItems === false) {
				// sendMail leaves no copy: describe what was sent.
				await connection.graph.post('/me/sendMail', { message, saveToSentItems: false });
				const owner = await connection.ownerEmail();
				const record = graphMessageToRecord(
					{
						...(message as Partial<GraphMessage>),
						id: '',
						from: { emailAddress: { address: owner } },
						isRead: true,
						isDraft: false,
						sentDateTime: new Date().toISOString(),
					},
					{ ownerEmail: owner },
				);
				return { json: record };
			}
			// A draft sent by id: its immutable id is the id of the copy in Sent Items.
			const draft = await connection.graph.post<GraphMessage>('/me/messages', message);
			await connection.graph.post(`/me/messages/${graphPathSegment(draft.id)}/send`, undefined);
			const record = await retryWhileNotFound(() => fetchMessageRecord(connection, draft.id));
			return { json: record };
		},
	);
}
