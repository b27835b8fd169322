import {
	NodeOperationError,
	type ILoadOptionsFunctions,
	type INode,
	type INodePropertyOptions,
} from 'n8n-workflow';

import { gmailConnection, type GmailConnection } from './gmailConnection';
import { toNodeError } from './providerErrors';

/** The mailbox's labels, for the Gmail node and its trigger: system labels first, then by name. */
export async function getLabels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	try {
		const connection = await gmailConnection(this);
		return (await connection.labels())
			.sort(
				(a, b) =>
					Number(a.type === 'user') - Number(b.type === 'user') || a.name.localeCompare(b.name),
			)
			.map((label) => ({ name: label.name, value: label.id }));
	} catch (error) {
		throw toNodeError(this.getNode(), error, { provider: 'Google', permission: 'gmail.readonly' });
	}
}

/**
 * Fails when Gmail has no label with one of `labelIds` (a typo in an expression, a label deleted
 * since it was chosen), naming them: a filter on a missing label would never match. The labels
 * are read once per connection, however many items or polls ask.
 */
export async function assertGmailLabels(
	node: INode,
	connection: GmailConnection,
	labelIds: string[],
	itemIndex?: number,
): Promise<void> {
	if (labelIds.length === 0) return;
	const known = new Set((await connection.labels()).map((label) => label.id));
	const unknown = [...new Set(labelIds)].filter((id) => !known.has(id));
	if (unknown.length === 0) return;
	const named = unknown.map((id) => `'${id}'`).join(', ');
	throw new NodeOperationError(
		node,
		unknown.length === 1
			? `Gmail has no label ${named} — choose one from the list`
			: `Gmail has no labels ${named} — choose them from the list`,
		{ itemIndex },
	);
}
