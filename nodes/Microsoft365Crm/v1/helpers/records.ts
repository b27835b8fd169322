import {
	fetchGraphMessageRecord,
	graphMessageToRecord,
	type EmailRecord,
	type GraphMessage,
} from '../../../../core';
import type { MicrosoftConnection } from '../../../shared/microsoftConnection';

/** The message as an email record, fetched with every property a record needs. */
export async function fetchMessageRecord(
	connection: MicrosoftConnection,
	messageId: string,
): Promise<EmailRecord> {
	return await fetchGraphMessageRecord(
		connection.graph,
		messageId,
		await connection.messageContext(),
	);
}

export async function toRecord(
	connection: MicrosoftConnection,
	message: GraphMessage,
): Promise<EmailRecord> {
	return graphMessageToRecord(message, await connection.messageContext());
}
