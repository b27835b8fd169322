// Word search over a workspace's emails: the words of subject, sender and body, matched with
// websearch_to_tsquery (quotes for phrases, `or`, `-word`; never a syntax error) under the
// language-neutral `simple` config or the workspace's language (stemmed: "meetings" finds
// "meeting"), combined with the list filters and the same keyset order (newest first).
//
// Masked text is not in the search vectors (see migration 20261201130000_email_search), so an
// email shown as metadata only never matches words of its subject or body.
import {
	QueryInputError,
	requireUuid,
	selectEmailPage,
	type Condition,
	type EmailSummary,
	type ListEmailsOptions,
	type Page,
	type ReadDatabase,
} from './emailQueries';

export interface SearchEmailsOptions extends ListEmailsOptions {
	/** Words as a person types them; empty or absent lists without a word condition. */
	query?: string;
}

/** Longest query text used; the rest is ignored (a search box never needs more). */
const MAX_QUERY_CHARS = 1000;
const DEFAULT_LANGUAGE = 'english';

/** The query text PostgreSQL can take: no NUL (text rejects it), bounded length. */
export function normalizeSearchQuery(query: string | undefined | null): string {
	if (query === undefined || query === null) return '';
	if (typeof query !== 'string') throw new QueryInputError('query must be a text');
	return query.replaceAll('\u0000', ' ').slice(0, MAX_QUERY_CHARS).trim();
}

/**
 * The condition on `e` for the words of `query`: undefined when there is no query, `null` when
 * the query has no searchable word (it matches nothing). searchEmails uses it, and so can a caller
 * that combines it with its own conditions for selectEmailPage (see emailWordSearch.ts).
 */
export async function emailWordCondition(
	database: ReadDatabase,
	workspaceId: string,
	query: string | undefined,
): Promise<Condition | null | undefined> {
	const text = normalizeSearchQuery(query);
	if (text === '') return undefined;
	// The workspace's language, and whether each config leaves any word of the query (an empty
	// tsquery would match nothing and make PostgreSQL print a notice).
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
	// The tsquery is a constant of the statement, so the planner estimates from the index
	// statistics how common the words are and picks the index to read.
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

/**
 * Emails of the workspace whose words match `query`, with the filters of listEmails, newest first.
 * A query with no searchable word (only punctuation, or stop words in every config) matches nothing.
 */
export async function searchEmails(
	database: ReadDatabase,
	workspaceId: string,
	options: SearchEmailsOptions = {},
): Promise<Page<EmailSummary>> {
	requireUuid(workspaceId, 'workspaceId');
	const words = await emailWordCondition(database, workspaceId, options.query);
	if (words === undefined) return selectEmailPage(database, workspaceId, options);
	if (words === null) return { items: [], nextCursor: null };
	return selectEmailPage(database, workspaceId, options, [words]);
}

/**
 * Sets the workspace's search language (a PostgreSQL text search configuration such as english,
 * german, french, simple) and re-indexes its emails under it, in batches so no statement holds
 * many rows. Returns how many emails were re-indexed.
 */
export async function setWorkspaceSearchLanguage(
	database: ReadDatabase,
	workspaceId: string,
	language: string,
	options: { batchSize?: number } = {},
): Promise<{ language: string; reindexed: number }> {
	requireUuid(workspaceId, 'workspaceId');
	const known = await database.knex.raw<{ rows: Array<{ name: string }> }>(
		`select cfgname::text as name from pg_catalog.pg_ts_config
		 where cfgnamespace = 'pg_catalog'::regnamespace and cfgname = ?`,
		[String(language).toLowerCase()],
	);
	const name = known.rows[0]?.name;
	if (!name)
		throw new QueryInputError(
			`${language} is not a text search language of this PostgreSQL server`,
		);
	await database.knex.raw(
		`insert into workspace_settings (workspace_id, search_language) values (?, ?)
		 on conflict (workspace_id) do update set search_language = excluded.search_language, updated_at = now()`,
		[workspaceId, name],
	);
	const batchSize = options.batchSize ?? 5000;
	let reindexed = 0;
	for (;;) {
		const result = await database.knex.raw<{ rowCount: number }>(
			`update emails set search_language = ?
			 where id in (select id from emails where workspace_id = ? and search_language <> ? limit ?)`,
			[name, workspaceId, name, batchSize],
		);
		reindexed += result.rowCount;
		if (result.rowCount < batchSize) break;
	}
	return { language: name, reindexed };
}
