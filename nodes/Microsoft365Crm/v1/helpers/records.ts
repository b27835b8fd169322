import {
	GRAPH_MESSAGE_SELECT,
	graphMessageToRecord,
	graphPathSegment,
	type EmailRecord,
	type GraphMessage,
} from '../../../../core';
import type { MicrosoftConnection } from '../transport';

/** The message as an email record, fetched with every property a record needs. */
export async function fetchMessageRecord(
	connection: MicrosoftConnection,
	messageId: string,
): Promise<EmailRecord> {
	const message = await connection.graph.get<GraphMessage>(
		`/me/messages/${graphPathSegment(messageId)}`,
		{ select: GRAPH_MESSAGE_SELECT },
	);
	return await toRecord(connection, message);
}

export async function toRecord(
	connection: MicrosoftConnection,
	message: GraphMessage,
): Promise<EmailRecord> {
	return graphMessageToRecord(message, {
		ownerEmail: await connection.ownerEmail(),
		folderNames: await connection.folderNames(),
	});
}

/** Addresses from a comma-separated list ("a@x.com, Bob <b@y.com>") as Graph recipients. */
export function toRecipients(
	list: string,
): Array<{ emailAddress: { address: string; name?: string } }> {
	return list
		.split(/[,;]/)
		.map((entry) => entry.trim())
		.filter(Boolean)
		.map((entry) => {
			const match = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(entry);
			if (match) {
				const name = match[1].replace(/^"(.*)"$/, '$1').trim();
				return { emailAddress: name ? { address: match[2], name } : { address: match[2] } };
			}
			return { emailAddress: { address: entry } };
		});
}
