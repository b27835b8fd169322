// The word condition of searchEmails (core/store/emailSearch.ts) as a Condition a caller can
// combine with its own (the widget API's unread filter), for selectEmailPage. Same rules: the
// `simple` config and the workspace's language, websearch syntax, masked text never indexed.
import type { Condition, ReadDatabase } from './emailQueries';
import { normalizeSearchQuery } from './emailSearch';

const DEFAULT_LANGUAGE = 'english';

/**
 * The condition on `e` for the words of `query`: undefined when there is no query, `null` when
 * the query has no searchable word (it matches nothing).
 */
export async function emailWordCondition(
	database: ReadDatabase,
	workspaceId: string,
	query: string | undefined,
): Promise<Condition | null | undefined> {
	const text = normalizeSearchQuery(query);
	if (text === '') return undefined;
	const probe = await database.knex.raw<{
		rows: Array<{ language: string; simple_nodes: number; language_nodes: number }>;
	}>(
		`select s.language,
		        numnode(websearch_to_tsquery('simple', ?::text)) as simple_nodes,
		        numnode(websearch_to_tsquery(s.language::regconfig, ?::text)) as language_nodes
		 from (select coalesce(
		         (select search_language from workspace_settings where workspace_id = ?), ?) as language) as s`,
		[text, text, workspaceId, DEFAULT_LANGUAGE],
	);
	const { language, simple_nodes: simpleNodes, language_nodes: languageNodes } = probe.rows[0]!;
	const branches: Condition[] = [];
	if (simpleNodes > 0) {
		branches.push({
			sql: `e.search_vector @@ websearch_to_tsquery('simple', ?::text)`,
			bindings: [text],
		});
	}
	if (languageNodes > 0 && language !== 'simple') {
		branches.push({
			sql: 'e.search_vector_language @@ websearch_to_tsquery(?::regconfig, ?::text)',
			bindings: [language, text],
		});
	}
	if (branches.length === 0) return null;
	return {
		sql: branches.map((branch) => branch.sql).join(' or '),
		bindings: branches.flatMap((branch) => branch.bindings),
	};
}

/** Emails a mailbox of this integration holds and has not read. */
export function unreadCondition(integrationId: string): Condition {
	return {
		sql: `coalesce((select true from mailbox_messages as u
			where u.workspace_id = e.workspace_id and u.email_id = e.id and u.integration_id = ?
			  and u.deleted_at is null and not u.is_read limit 1), false)`,
		bindings: [integrationId],
	};
}
