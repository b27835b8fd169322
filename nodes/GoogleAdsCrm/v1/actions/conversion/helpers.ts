import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import type { AdConversion } from '../../../../../core';

/** An outbox row as the node outputs it (times as ISO strings). */
export function outboxItem(row: AdConversion, extra: IDataObject = {}): INodeExecutionData {
	return {
		json: {
			id: row.id,
			workspaceId: row.workspaceId,
			customerId: row.customerId,
			conversionAction: row.conversionAction,
			gclid: row.gclid,
			gbraid: row.gbraid,
			wbraid: row.wbraid,
			conversionAt: row.conversionAt.toISOString(),
			value: row.value,
			currency: row.currency,
			orderId: row.orderId,
			dedupeKey: row.dedupeKey,
			status: row.status,
			uploadPath: row.uploadPath,
			attempts: row.attempts,
			nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
			errorCode: row.lastErrorCode,
			errorMessage: row.lastErrorMessage,
			errorDetails: (row.lastErrorDetails ?? null) as IDataObject | null,
			uploadedAt: row.uploadedAt?.toISOString() ?? null,
			createdAt: row.createdAt.toISOString(),
			...extra,
		},
	};
}

/** The item's workspace id, checked: every outbox query is scoped by it. */
export function workspaceIdOf(context: IExecuteFunctions, itemIndex: number): string {
	const value = String(context.getNodeParameter('workspaceId', itemIndex) ?? '').trim();
	if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
		throw new NodeOperationError(
			context.getNode(),
			`Workspace ID '${value}' is not a UUID — give the CRM workspace the outbox belongs to`,
			{ itemIndex },
		);
	}
	return value;
}
