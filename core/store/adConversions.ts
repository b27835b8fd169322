// ad_conversions: the outbox of offline conversions. A row is enqueued once per dedupe key, claimed
// (pending/failed → uploading) by one sender at a time, and ends uploaded, failed (to be tried
// again at next_attempt_at) or rejected (Google refused it; its error is kept on the row). Every
// query is scoped by workspace.
import type { Knex } from 'knex';

import type { ConversionUploadPath, ValidatedConversion } from '../ads/conversions';

export type AdConversionStatus = 'pending' | 'uploading' | 'uploaded' | 'failed' | 'rejected';

export interface AdConversion {
	id: string;
	workspaceId: string;
	integrationId: string | null;
	customerId: string;
	conversionAction: string;
	gclid: string | null;
	gbraid: string | null;
	wbraid: string | null;
	conversionAt: Date;
	value: number | null;
	currency: string | null;
	orderId: string | null;
	dedupeKey: string;
	status: AdConversionStatus;
	uploadPath: ConversionUploadPath;
	attempts: number;
	nextAttemptAt: Date | null;
	lastErrorCode: string | null;
	lastErrorMessage: string | null;
	lastErrorDetails: unknown;
	uploadedAt: Date | null;
	createdAt: Date;
	updatedAt: Date;
}

interface AdConversionRow {
	id: string;
	workspace_id: string;
	integration_id: string | null;
	customer_id: string;
	conversion_action: string;
	gclid: string | null;
	gbraid: string | null;
	wbraid: string | null;
	conversion_at: Date;
	conversion_value: string | null;
	currency_code: string | null;
	order_id: string | null;
	dedupe_key: string;
	status: AdConversionStatus;
	upload_path: ConversionUploadPath | null;
	attempts: number;
	next_attempt_at: Date | null;
	last_error_code: string | null;
	last_error_message: string | null;
	last_error_details: unknown;
	uploaded_at: Date | null;
	created_at: Date;
	updated_at: Date;
}

const toConversion = (row: AdConversionRow): AdConversion => ({
	id: row.id,
	workspaceId: row.workspace_id,
	integrationId: row.integration_id,
	customerId: row.customer_id,
	conversionAction: row.conversion_action,
	gclid: row.gclid,
	gbraid: row.gbraid,
	wbraid: row.wbraid,
	conversionAt: row.conversion_at,
	value: row.conversion_value === null ? null : Number(row.conversion_value),
	currency: row.currency_code,
	orderId: row.order_id,
	dedupeKey: row.dedupe_key,
	status: row.status,
	uploadPath: row.upload_path ?? 'data_manager',
	attempts: row.attempts,
	nextAttemptAt: row.next_attempt_at,
	lastErrorCode: row.last_error_code,
	lastErrorMessage: row.last_error_message,
	lastErrorDetails: row.last_error_details,
	uploadedAt: row.uploaded_at,
	createdAt: row.created_at,
	updatedAt: row.updated_at,
});

/**
 * Adds a conversion to the outbox. Idempotent: the same dedupe key in the same workspace returns
 * the row already there (`created: false`), whatever its status.
 */
export async function enqueueAdConversion(
	db: Knex,
	conversion: ValidatedConversion,
): Promise<{ conversion: AdConversion; created: boolean }> {
	const inserted = (await db('ad_conversions')
		.insert({
			workspace_id: conversion.workspaceId,
			integration_id: conversion.integrationId,
			customer_id: conversion.customerId,
			conversion_action: conversion.conversionActionId,
			gclid: conversion.gclid,
			gbraid: conversion.gbraid,
			wbraid: conversion.wbraid,
			conversion_at: conversion.conversionAt,
			conversion_value: conversion.value,
			currency_code: conversion.currency,
			order_id: conversion.orderId,
			dedupe_key: conversion.dedupeKey,
			status: 'pending',
			upload_path: conversion.uploadPath,
		})
		.onConflict(['workspace_id', 'dedupe_key'])
		.ignore()
		.returning('*')) as AdConversionRow[];
	if (inserted.length > 0) return { conversion: toConversion(inserted[0]), created: true };
	const existing = (await db('ad_conversions')
		.where({ workspace_id: conversion.workspaceId, dedupe_key: conversion.dedupeKey })
		.first()) as AdConversionRow;
	return { conversion: toConversion(existing), created: false };
}

/** A sender that died mid-upload leaves rows `uploading`; after this long they are due again. */
export const STALE_UPLOADING_MS = 15 * 60_000;

/**
 * Claims the workspace's due rows for one sender: pending ones, failed ones whose next attempt
 * has come, and rows left `uploading` by a sender that stopped. They become `uploading` with one
 * more attempt; SKIP LOCKED keeps two senders from claiming the same row.
 */
export async function claimDueAdConversions(
	db: Knex,
	workspaceId: string,
	now: Date,
	limit = 100,
): Promise<AdConversion[]> {
	const staleBefore = new Date(now.getTime() - STALE_UPLOADING_MS);
	const rows = (await db('ad_conversions')
		.whereIn(
			'id',
			db('ad_conversions')
				.select('id')
				.where('workspace_id', workspaceId)
				.andWhere((due) =>
					due
						.where('status', 'pending')
						.orWhere((failed) =>
							failed
								.where('status', 'failed')
								.andWhere((at) =>
									at.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now),
								),
						)
						.orWhere((stale) =>
							stale.where('status', 'uploading').andWhere('updated_at', '<', staleBefore),
						),
				)
				.orderBy('created_at')
				.limit(limit)
				.forUpdate()
				.skipLocked(),
		)
		.andWhere('workspace_id', workspaceId)
		.update({
			status: 'uploading',
			attempts: db.raw('attempts + 1'),
			updated_at: now,
		})
		.returning('*')) as AdConversionRow[];
	return rows.map(toConversion).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

export interface AdConversionError {
	code: string;
	message: string;
	details?: unknown;
}

export async function markAdConversionsUploaded(
	db: Knex,
	workspaceId: string,
	ids: string[],
	now: Date,
): Promise<void> {
	if (ids.length === 0) return;
	await db('ad_conversions')
		.where('workspace_id', workspaceId)
		.whereIn('id', ids)
		.andWhere('status', 'uploading')
		.update({
			status: 'uploaded',
			uploaded_at: now,
			next_attempt_at: null,
			last_error_code: null,
			last_error_message: null,
			last_error_details: null,
			updated_at: now,
		});
}

/** Google refused the row itself: it stays rejected, with the error as Google gave it. */
export async function markAdConversionRejected(
	db: Knex,
	workspaceId: string,
	id: string,
	error: AdConversionError,
	now: Date,
): Promise<void> {
	await db('ad_conversions')
		.where({ workspace_id: workspaceId, id, status: 'uploading' })
		.update({
			status: 'rejected',
			next_attempt_at: null,
			last_error_code: error.code,
			last_error_message: error.message,
			last_error_details: error.details === undefined ? null : JSON.stringify(error.details),
			updated_at: now,
		});
}

/** The upload failed for a reason that may pass (throttling, an outage): try again at `nextAttemptAt`. */
export async function markAdConversionFailed(
	db: Knex,
	workspaceId: string,
	id: string,
	error: AdConversionError,
	nextAttemptAt: Date,
	now: Date,
): Promise<void> {
	await db('ad_conversions')
		.where({ workspace_id: workspaceId, id, status: 'uploading' })
		.update({
			status: 'failed',
			next_attempt_at: nextAttemptAt,
			last_error_code: error.code,
			last_error_message: error.message,
			last_error_details: error.details === undefined ? null : JSON.stringify(error.details),
			updated_at: now,
		});
}

export async function getAdConversion(
	db: Knex,
	workspaceId: string,
	id: string,
): Promise<AdConversion | undefined> {
	const row = (await db('ad_conversions').where({ workspace_id: workspaceId, id }).first()) as
		| AdConversionRow
		| undefined;
	return row ? toConversion(row) : undefined;
}

export async function listAdConversions(
	db: Knex,
	workspaceId: string,
	options: { statuses?: AdConversionStatus[]; limit?: number } = {},
): Promise<AdConversion[]> {
	const query = db('ad_conversions')
		.where('workspace_id', workspaceId)
		.orderBy([
			{ column: 'created_at', order: 'desc' },
			{ column: 'id', order: 'asc' },
		])
		.limit(Math.min(Math.max(options.limit ?? 100, 1), 1000));
	if (options.statuses?.length) query.whereIn('status', options.statuses);
	return ((await query) as AdConversionRow[]).map(toConversion);
}
