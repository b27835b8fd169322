// Deleting what one integration synced ("disconnect and delete my data"): its calendar events, its
// mailbox copies, the emails no other mailbox of the workspace still holds, the links of what was
// deleted, and its cursors (a later reconnect lists again from the horizon). People and companies
// stay: they belong to the CRM. One transaction.
import type { Knex } from 'knex';

import { forgetCursors } from './cursors';

/** The links of deleted calendar events (record_links has no foreign key to its subjects). */
async function deleteEventLinks(trx: Knex, workspaceId: string, eventIds: string[]): Promise<void> {
	if (eventIds.length === 0) return;
	await trx.raw(
		`delete from record_links where workspace_id = ? and subject_type = 'calendar_event'
		   and subject_id = any(?::uuid[])`,
		[workspaceId, eventIds],
	);
}

export async function deleteIntegrationData(
	db: Knex,
	key: { workspaceId: string; id: string },
): Promise<{ emails: number; events: number }> {
	return db.transaction(async (trx) => {
		const events = await trx.raw<{ rows: Array<{ id: string }> }>(
			`delete from calendar_events where workspace_id = ? and integration_id = ? returning id`,
			[key.workspaceId, key.id],
		);
		const eventIds = events.rows.map((row) => row.id);
		await deleteEventLinks(trx, key.workspaceId, eventIds);
		const copies = await trx.raw<{ rows: Array<{ email_id: string }> }>(
			`delete from mailbox_messages where workspace_id = ? and integration_id = ? returning email_id`,
			[key.workspaceId, key.id],
		);
		const touched = [...new Set(copies.rows.map((row) => row.email_id))];
		let emails = 0;
		if (touched.length) {
			const orphans = await trx.raw<{ rows: Array<{ id: string }> }>(
				`delete from emails as e where e.workspace_id = ? and e.id = any(?::uuid[])
				   and not exists (select 1 from mailbox_messages m
				                   where m.workspace_id = e.workspace_id and m.email_id = e.id)
				 returning e.id`,
				[key.workspaceId, touched],
			);
			const orphanIds = orphans.rows.map((row) => row.id);
			emails = orphanIds.length;
			if (orphanIds.length) {
				await trx.raw(
					`delete from record_links where workspace_id = ? and subject_type = 'email'
					   and subject_id = any(?::uuid[])`,
					[key.workspaceId, orphanIds],
				);
			}
		}
		await forgetCursors(trx, key.workspaceId, key.id);
		return { emails, events: eventIds.length };
	});
}

/**
 * Deleting one calendar's events of an integration (a calendar the user no longer syncs), with the
 * links of what was deleted; attendees go with their events. One transaction.
 */
export async function deleteCalendarEvents(
	db: Knex,
	key: { workspaceId: string; integrationId: string },
	providerCalendarId: string,
): Promise<number> {
	return db.transaction(async (trx) => {
		const events = await trx.raw<{ rows: Array<{ id: string }> }>(
			`delete from calendar_events
			 where workspace_id = ? and integration_id = ? and provider_calendar_id = ?
			 returning id`,
			[key.workspaceId, key.integrationId, providerCalendarId],
		);
		const eventIds = events.rows.map((row) => row.id);
		await deleteEventLinks(trx, key.workspaceId, eventIds);
		return eventIds.length;
	});
}
