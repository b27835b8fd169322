// The word condition of searchEmails (core/store/emailSearch.ts) as a Condition a caller can
// combine with its own (the widget API's unread filter), for selectEmailPage. Same rules: the
// `simple` config and the workspace's language, websearch syntax, masked text never indexed.
import type { Condition } from './emailQueries';

export { emailWordCondition } from './emailSearch';

/** Emails a mailbox of this integration holds and has not read. */
export function unreadCondition(integrationId: string): Condition {
	return {
		sql: `coalesce((select true from mailbox_messages as u
			where u.workspace_id = e.workspace_id and u.email_id = e.id and u.integration_id = ?
			  and u.deleted_at is null and not u.is_read limit 1), false)`,
		bindings: [integrationId],
	};
}
