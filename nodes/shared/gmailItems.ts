import type { IExecuteFunctions, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import {
	classifyProviderError,
	fetchGmailMessages,
	gmailRawMessageToRecord,
	type EmailRecord,
	type GmailOwner,
	type ParsedAttachment,
} from '../../core';
import type { GmailConnection } from './gmailConnection';
import { toNodeError } from './providerErrors';

/** A Gmail API message resource. */
type GmailMessage = Parameters<typeof gmailRawMessageToRecord>[0];

/** An email record as an output item, its attachments as binary data when asked. */
export async function recordToItem(
	context: IExecuteFunctions | IPollFunctions,
	record: EmailRecord,
	attachments: ParsedAttachment[] | undefined,
	downloadAttachments: boolean,
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: record };
	if (downloadAttachments && attachments?.length) {
		item.binary = {};
		for (const [index, attachment] of attachments.entries()) {
			item.binary[`attachment_${index}`] = await context.helpers.prepareBinaryData(
				attachment.content,
				attachment.filename ?? `attachment_${index}`,
				attachment.mimeType,
			);
		}
	}
	return item;
}

/** A Gmail message fetched with format=raw as an output item: the email record, attachments as binary. */
async function messageToItem(
	context: IExecuteFunctions | IPollFunctions,
	message: GmailMessage,
	owner: GmailOwner,
	downloadAttachments: boolean,
): Promise<INodeExecutionData> {
	const { record, attachments } = await gmailRawMessageToRecord(message, owner);
	return await recordToItem(context, record, attachments, downloadAttachments);
}

/**
 * Messages as output items, in the order of `ids`, fetched through Gmail's batch endpoint (one
 * HTTP call per 50 messages). Messages deleted meanwhile are left out.
 */
export async function fetchMessageItems(
	context: IExecuteFunctions | IPollFunctions,
	connection: GmailConnection,
	ids: string[],
	downloadAttachments: boolean,
): Promise<INodeExecutionData[]> {
	if (ids.length === 0) return [];
	const fetched = await fetchGmailMessages(connection.requester, connection.apiBaseUrl, ids, {
		refreshAuthorization: connection.refreshAuthorization,
	});
	const owner = await connection.account.owner();
	const items: INodeExecutionData[] = [];
	for (const id of ids) {
		const message = fetched.get(id);
		if (message) items.push(await messageToItem(context, message, owner, downloadAttachments));
	}
	return items;
}

/** One message as an output item (messages.get format=raw). */
export async function fetchMessageItem(
	context: IExecuteFunctions,
	connection: GmailConnection,
	id: string,
	downloadAttachments: boolean,
): Promise<INodeExecutionData> {
	const { data } = await connection.gmail.users.messages.get({
		userId: 'me',
		id,
		format: 'raw',
	});
	return await messageToItem(context, data, await connection.account.owner(), downloadAttachments);
}

/**
 * The record of a message just sent. Reading it back needs a read permission; a credential that
 * may only send still gets the ids Gmail returned.
 */
export async function sentMessageItem(
	context: IExecuteFunctions,
	connection: GmailConnection,
	sent: GmailMessage,
): Promise<INodeExecutionData> {
	try {
		return await fetchMessageItem(context, connection, sent.id as string, false);
	} catch (error) {
		if (classifyProviderError(error).errorClass !== 'insufficient_permissions') {
			throw toNodeError(context.getNode(), error, {
				provider: 'Google',
				permission: 'gmail.readonly',
			});
		}
		return {
			json: {
				providerMessageId: sent.id ?? null,
				providerThreadId: sent.threadId ?? null,
				labels: sent.labelIds ?? [],
			},
		};
	}
}
