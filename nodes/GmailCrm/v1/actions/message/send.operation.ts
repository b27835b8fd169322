import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { composeMime, parseAddressList } from '../../../../../core';
import { attachmentsFromBinary } from '../../../../shared/binaryAttachments';
import { forEachItem } from '../../../../shared/forEachItem';
import { gmailConnection } from '../../../../shared/gmailConnection';
import { sentMessageItem } from '../../../../shared/gmailItems';
import { messageBodies } from '../../helpers/compose';
import { bodyProperties } from './common.descriptions';

const show = { resource: ['message'], operation: ['send'] };

export const description: INodeProperties[] = [
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Ann Lee <ann@example.com>, bob@example.com',
		description: 'Recipients, separated by commas',
		displayOptions: { show },
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		displayOptions: { show },
	},
	...bodyProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Attachments',
				name: 'attachments',
				type: 'string',
				default: '',
				placeholder: 'data, invoice',
				description: 'Names of the input binary properties to attach, separated by commas',
			},
			{
				displayName: 'BCC',
				name: 'bcc',
				type: 'string',
				default: '',
				description: 'Blind-copy recipients, separated by commas',
			},
			{
				displayName: 'CC',
				name: 'cc',
				type: 'string',
				default: '',
				description: 'Copy recipients, separated by commas',
			},
			{
				displayName: 'Reply To',
				name: 'replyTo',
				type: 'string',
				default: '',
				description: 'Addresses replies should go to, separated by commas',
			},
			{
				displayName: 'Sender Name',
				name: 'senderName',
				type: 'string',
				default: '',
				description: 'Name shown as the sender, beside the connected address',
			},
		],
	},
];

export interface SendOptions {
	attachments?: string;
	bcc?: string;
	cc?: string;
	replyTo?: string;
	senderName?: string;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await gmailConnection(this);
	return await forEachItem(
		this,
		{ provider: 'Google', permission: 'gmail.send' },
		async (itemIndex) => {
			const to = parseAddressList(this.getNodeParameter('to', itemIndex) as string);
			if (to.length === 0) {
				throw new NodeOperationError(this.getNode(), 'Give at least one recipient in "To"', {
					itemIndex,
				});
			}
			const options = this.getNodeParameter('options', itemIndex, {}) as SendOptions;
			const { raw } = composeMime({
				from: options.senderName
					? { name: options.senderName, email: await connection.ownerEmail() }
					: undefined,
				to,
				cc: parseAddressList(options.cc),
				bcc: parseAddressList(options.bcc),
				replyTo: parseAddressList(options.replyTo),
				subject: this.getNodeParameter('subject', itemIndex, '') as string,
				...messageBodies(this, itemIndex),
				attachments: await attachmentsFromBinary(this, itemIndex, options.attachments),
			});
			const { data } = await connection.gmail.users.messages.send({
				userId: 'me',
				requestBody: { raw: raw.toString('base64url') },
			});
			return [await sentMessageItem(this, connection, data)];
		},
	);
}
