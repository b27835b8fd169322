import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	composeMime,
	GMAIL_REPLY_HEADERS,
	gmailReplyFields,
	parseAddressList,
} from '../../../../../core';
import { attachmentsFromBinary } from '../../../../shared/binaryAttachments';
import { forEachItem } from '../../../../shared/forEachItem';
import { gmailConnection, messageNotFound } from '../../../../shared/gmailConnection';
import { sentMessageItem } from '../../../../shared/gmailItems';
import { toNodeError } from '../../../../shared/providerErrors';
import { messageBodies } from '../../helpers/compose';
import type { SendOptions } from './send.operation';

const show = { resource: ['message'], operation: ['reply'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'replyOptions',
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
				description: 'More copy recipients, separated by commas',
			},
			{
				displayName: 'Reply to All',
				name: 'replyToAll',
				type: 'boolean',
				default: false,
				description: 'Whether to copy everyone on the original message, not only its sender',
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

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const connection = await gmailConnection(this);
	return await forEachItem(
		this,
		{ provider: 'Google', permission: 'gmail.send' },
		async (itemIndex) => {
			const messageId = this.getNodeParameter('messageId', itemIndex) as string;
			const options = this.getNodeParameter('replyOptions', itemIndex, {}) as SendOptions & {
				replyToAll?: boolean;
			};
			let original;
			try {
				({ data: original } = await connection.gmail.users.messages.get({
					userId: 'me',
					id: messageId,
					format: 'metadata',
					metadataHeaders: [...GMAIL_REPLY_HEADERS],
				}));
			} catch (error) {
				throw toNodeError(this.getNode(), error, {
					provider: 'Google',
					permission: 'gmail.readonly',
					notFound: messageNotFound(messageId),
					itemIndex,
				});
			}
			const { email: owner, senderNames } = await connection.account.owner();
			const { raw } = composeMime({
				from: options.senderName ? { name: options.senderName, email: owner } : undefined,
				...gmailReplyFields(original, {
					// The addresses the account sends as are its own too.
					ownAddresses: [owner, ...Object.keys(senderNames ?? {})],
					replyToAll: options.replyToAll,
					cc: options.cc,
				}),
				bcc: parseAddressList(options.bcc),
				...messageBodies(this, itemIndex),
				attachments: await attachmentsFromBinary(this, itemIndex, options.attachments),
			});
			const { data } = await connection.gmail.users.messages.send({
				userId: 'me',
				requestBody: { raw: raw.toString('base64url'), threadId: original.threadId },
			});
			return [await sentMessageItem(this, connection, data)];
		},
	);
}
