// The blocklist as the sync engine and linking read it. An entry is an address (bob@spam.example)
// or a domain (@spam.example); a domain entry covers that exact domain only, not its subdomains, so
// what an entry covers is always predictable from its text. Matching is case-insensitive.
import type { CrmDatabase } from '../store/database';

export interface BlocklistMatcher {
	/** Whether mail from or to this address is blocked. */
	blocks(address: string): boolean;
	/** Number of entries loaded (for logs and tests). */
	readonly size: number;
}

export type BlocklistKind = 'address' | 'domain';

export class BlocklistPatternError extends Error {
	readonly code = 'invalid_blocklist_pattern';
	constructor(pattern: string) {
		super(
			`"${pattern.slice(0, 200)}" is not an address (name@example.com) or a domain (@example.com)`,
		);
		this.name = 'BlocklistPatternError';
	}
}

/** A host name: dotted labels, lower case. */
export const DOMAIN_PATTERN =
	/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;
const LOCAL_PART = /^[^\s@<>()[\]\\,;:"]{1,64}$/;

/**
 * Validates and normalises an entry: lower case, trimmed; "@example.com" and "example.com" are the
 * domain, "name@example.com" the address. Throws BlocklistPatternError otherwise.
 */
export function parseBlocklistPattern(input: string): { pattern: string; kind: BlocklistKind } {
	const text = String(input ?? '')
		.trim()
		.toLowerCase();
	const at = text.lastIndexOf('@');
	if (at <= 0) {
		const domain = at === 0 ? text.slice(1) : text;
		if (DOMAIN_PATTERN.test(domain)) return { pattern: `@${domain}`, kind: 'domain' };
		throw new BlocklistPatternError(input);
	}
	const local = text.slice(0, at);
	const domain = text.slice(at + 1);
	if (LOCAL_PART.test(local) && DOMAIN_PATTERN.test(domain))
		return { pattern: text, kind: 'address' };
	throw new BlocklistPatternError(input);
}

/** A matcher over given entries (patterns as stored: lower case, domains with a leading '@'). */
export function blocklistMatcher(
	entries: ReadonlyArray<{ pattern: string; kind: BlocklistKind }>,
): BlocklistMatcher {
	const addresses = new Set<string>();
	const domains = new Set<string>();
	for (const entry of entries) {
		if (entry.kind === 'domain') domains.add(entry.pattern.replace(/^@/, ''));
		else addresses.add(entry.pattern);
	}
	return {
		size: addresses.size + domains.size,
		blocks(address: string) {
			const normalized = String(address ?? '')
				.trim()
				.toLowerCase();
			if (addresses.has(normalized)) return true;
			const at = normalized.lastIndexOf('@');
			return at >= 0 && domains.has(normalized.slice(at + 1));
		},
	};
}

/**
 * The workspace's blocklist, loaded once for a sync: the engine skips an email whose sender is
 * blocked, and outgoing mail whose recipients are all blocked.
 */
export async function loadBlocklist(
	database: CrmDatabase,
	workspaceId: string,
): Promise<BlocklistMatcher> {
	const rows = (await database
		.knex('blocklist')
		.select('pattern', 'kind')
		.where({ workspace_id: workspaceId })) as Array<{ pattern: string; kind: BlocklistKind }>;
	return blocklistMatcher(rows);
}

/**
 * SQL condition "this lower-case address is blocked in the workspace" (named binding :workspaceId),
 * answered by the blocklist's unique (workspace_id, pattern) index.
 */
export function blockedAddressSql(address: string): string {
	return `exists (select 1 from blocklist b where b.workspace_id = :workspaceId
	          and b.pattern in (${address}, '@' || split_part(${address}, '@', 2)))`;
}
