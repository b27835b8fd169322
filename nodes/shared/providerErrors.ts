import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { ProviderHttpError, classifyProviderError } from '../../core';

export interface ProviderErrorContext {
	/** "Google" or "Microsoft 365". */
	provider: string;
	/** The permission the operation needs, worded as the provider names it (gmail.send, Mail.Send). */
	permission?: string;
	/**
	 * What a 404 means here, said whole: "Microsoft 365 has no mail folder 'AAMk…' (or the account
	 * cannot see it)". Every operation that reads or changes one named thing gives it.
	 */
	notFound?: string;
	itemIndex?: number;
}

/**
 * Turns a provider failure into an n8n error whose message says what to do: reconnect, grant a
 * permission, wait, or fix the input.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	context: ProviderErrorContext,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (!(error instanceof ProviderHttpError)) {
		// A thrown string or plain object would otherwise become an error with an empty message.
		const cause = error instanceof Error ? error : new Error(String(error));
		return new NodeOperationError(node, cause, { itemIndex: context.itemIndex });
	}
	const classified = classifyProviderError(error);
	const { provider, permission, itemIndex } = context;
	let message = `${provider} answered: ${error.message}`;
	let description: string | undefined;
	switch (classified.errorClass) {
		case 'insufficient_permissions':
			message = permission
				? `The ${provider} connection lacks the ${permission} permission — reconnect the credential and grant it`
				: `The ${provider} connection lacks a permission this operation needs — reconnect the credential and grant every permission asked`;
			description = error.message;
			break;
		case 'auth_revoked':
			message = `The ${provider} connection is no longer authorized — reconnect the credential`;
			description = error.message;
			break;
		case 'throttled': {
			const wait =
				classified.retryAfterMs !== undefined
					? ` Try again in ${Math.ceil(classified.retryAfterMs / 1000)} s.`
					: '';
			message = `${provider} is rate limiting this account.${wait}`;
			description = error.message;
			break;
		}
		case 'not_found':
			message = context.notFound ?? `${provider} has no such item (or the account cannot see it)`;
			description = error.message;
			break;
		case 'temporary':
			message = `${provider} had a temporary failure (retried without success): ${error.message}`;
			break;
		default:
			break;
	}
	return new NodeApiError(node, (error.body ?? {}) as JsonObject, {
		message,
		description,
		httpCode: String(error.status),
		itemIndex,
	});
}
