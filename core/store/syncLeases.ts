// Sync leases on integrations: which worker syncs an integration now, until when. Leasing picks
// due integrations with FOR UPDATE SKIP LOCKED, so any number of workers can lease at the same
// time and each integration goes to exactly one of them. Times are the database's clock, the one
// clock all workers share.
import type { Knex } from 'knex';

/** A knex instance or transaction, or a CrmDatabase (whose pool is used). */
export type LeaseDb = Knex | { knex: Knex };
const knexOf = (db: LeaseDb): Knex => (typeof db === 'function' ? db : db.knex);

export interface LeasedIntegration {
	workspaceId: string;
	integrationId: string;
	leaseOwner: string;
}

/** SQL condition: the integration is due for a scheduled sync (any lease aside). */
export const DUE_CONDITION = `status not in ('disconnected', 'requires_reauth')
	and next_sync_at is not null and next_sync_at <= now()
	and (throttled_until is null or throttled_until <= now())
	and coalesce(settings->>'syncEnabled', 'true') <> 'false'`;

const FREE_LEASE = `(lease_owner is null or lease_expires_at is null or lease_expires_at <= now())`;

/** Leases up to `limit` due integrations (most overdue first) to `workerId` for `leaseMs`. */
export async function leaseDueIntegrations(
	database: LeaseDb,
	options: { workerId: string; limit: number; leaseMs: number },
): Promise<LeasedIntegration[]> {
	const { rows } = await knexOf(database).raw<{
		rows: Array<{ workspace_id: string; id: string; lease_owner: string }>;
	}>(
		`update integrations set lease_owner = ?, lease_expires_at = now() + ? * interval '1 millisecond'
		where id in (
			select id from integrations
			where ${DUE_CONDITION} and ${FREE_LEASE}
			order by next_sync_at, id
			for update skip locked
			limit ?
		) and ${FREE_LEASE}
		returning workspace_id, id, lease_owner`,
		[options.workerId, options.leaseMs, options.limit],
	);
	return rows.map((row) => ({
		workspaceId: row.workspace_id,
		integrationId: row.id,
		leaseOwner: row.lease_owner,
	}));
}

/**
 * Takes the lease of one integration for `owner` (a manual sync): free, lapsed, or already the
 * owner's. False when another worker holds it.
 */
export async function acquireLease(
	db: Knex,
	workspaceId: string,
	integrationId: string,
	owner: string,
	leaseMs: number,
): Promise<boolean> {
	const count = await db('integrations')
		.where({ workspace_id: workspaceId, id: integrationId })
		.andWhere((query) => query.whereRaw(FREE_LEASE).orWhere({ lease_owner: owner }))
		.update({
			lease_owner: owner,
			lease_expires_at: db.raw(`now() + ? * interval '1 millisecond'`, [leaseMs]),
		});
	return count > 0;
}

/** Extends the lease while `owner` still holds it; false when it was lost. */
export async function renewLease(
	db: Knex,
	workspaceId: string,
	integrationId: string,
	owner: string,
	leaseMs: number,
): Promise<boolean> {
	const count = await db('integrations')
		.where({ workspace_id: workspaceId, id: integrationId, lease_owner: owner })
		.andWhere('lease_expires_at', '>', db.fn.now())
		.update({ lease_expires_at: db.raw(`now() + ? * interval '1 millisecond'`, [leaseMs]) });
	return count > 0;
}

/** Whether `owner` holds a live lease on the integration. */
export async function holdsLease(
	db: Knex,
	workspaceId: string,
	integrationId: string,
	owner: string,
): Promise<boolean> {
	const row = (await db('integrations')
		.where({ workspace_id: workspaceId, id: integrationId, lease_owner: owner })
		.andWhere('lease_expires_at', '>', db.fn.now())
		.first('id')) as { id: string } | undefined;
	return !!row;
}

/** Gives the lease back (only the owner's). */
export async function releaseLease(
	database: LeaseDb,
	workspaceId: string,
	integrationId: string,
	owner: string,
): Promise<void> {
	await knexOf(database)('integrations')
		.where({ workspace_id: workspaceId, id: integrationId, lease_owner: owner })
		.update({ lease_owner: null, lease_expires_at: null });
}
