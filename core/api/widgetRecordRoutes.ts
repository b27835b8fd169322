// Widget routes on the CRM's records: the link picker's search and "enrich now" of one person or
// company from its emails' signatures (core/enrich, offline unless a model is configured).
import { enrichRecord } from '../enrich/enrichWorkspace';
import { searchRecords } from '../store/recordSearch';
import type { WidgetCall } from './handleWidgetRequest';
import type { ApiResponse } from './types';
import type { RecordsSearchQuery } from './widgetSchemas';

export async function recordsSearchRoute(
	call: WidgetCall<RecordsSearchQuery>,
): Promise<ApiResponse> {
	const records = await searchRecords(call.context.database, call.principal.workspaceId, {
		q: call.query.q,
		type: call.query.type,
		limit: call.query.limit,
	});
	return { status: 200, body: { records } };
}

export async function recordsEnrichRoute(
	call: WidgetCall<unknown, { recordType: 'person' | 'company' }>,
): Promise<ApiResponse> {
	const result = await enrichRecord(
		{
			database: call.context.database,
			model: call.context.enrichmentModel ?? null,
			now: call.context.now,
		},
		{
			workspaceId: call.principal.workspaceId,
			subjectType: call.body.recordType,
			subjectId: call.params.id!,
		},
	);
	return { status: 200, body: { result } };
}
