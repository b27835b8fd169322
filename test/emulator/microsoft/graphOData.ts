/**
 * The slice of OData that Graph's mail and calendar endpoints accept here: `Prefer` headers,
 * `$select`, `$top`/`$skip`, `$orderby=receivedDateTime` and a `$filter` subset. Anything outside
 * the subset is rejected with Graph's 400 rather than silently ignored, so a caller relying on an
 * unsupported filter finds out in tests instead of in production.
 */
import { graphError } from '../core/http';

export interface GraphPreferences {
	maxPageSize?: number;
	immutableIds: boolean;
	bodyContentType?: 'text' | 'html';
	timeZone?: string;
	/** values to echo in `Preference-Applied` */
	applied: string[];
}

export function parsePrefer(header: string | undefined): GraphPreferences {
	const prefs: GraphPreferences = { immutableIds: false, applied: [] };
	if (!header) return prefs;
	// Several Prefer headers arrive joined with ", "; values are quoted and never hold commas.
	for (const part of header.split(',')) {
		const match = /^\s*([A-Za-z.-]+)\s*=\s*"?([^"]*)"?\s*$/.exec(part);
		if (!match) continue;
		const name = match[1].toLowerCase();
		const value = match[2].trim();
		if (name === 'odata.maxpagesize') {
			const size = Number(value);
			if (Number.isInteger(size) && size > 0) {
				prefs.maxPageSize = size;
				prefs.applied.push(`odata.maxpagesize=${size}`);
			}
		} else if (name === 'idtype' && value.toLowerCase() === 'immutableid') {
			prefs.immutableIds = true;
			prefs.applied.push('IdType="ImmutableId"');
		} else if (name === 'outlook.body-content-type') {
			const type = value.toLowerCase();
			if (type === 'text' || type === 'html') {
				prefs.bodyContentType = type;
				prefs.applied.push(`outlook.body-content-type="${type}"`);
			}
		} else if (name === 'outlook.timezone') {
			prefs.timeZone = value;
			prefs.applied.push(`outlook.timezone="${value}"`);
		}
	}
	return prefs;
}

export function parseSelect(query: URLSearchParams): string[] | undefined {
	const raw = query.get('$select') ?? query.get('select');
	if (!raw) return undefined;
	return raw
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

/** Keeps `id`, `@odata.*` annotations and the selected properties (case-insensitive, as Graph). */
export function applySelect<T extends Record<string, unknown>>(
	resource: T,
	select: string[] | undefined,
): Record<string, unknown> {
	if (!select) return resource;
	const wanted = new Set(select.map((s) => s.toLowerCase()));
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(resource)) {
		if (key === 'id' || key.startsWith('@odata.') || wanted.has(key.toLowerCase()))
			out[key] = value;
	}
	return out;
}

export function badRequest(message: string, code = 'BadRequest') {
	return graphError(400, code, message);
}

export function parseTopSkip(query: URLSearchParams): { top?: number; skip?: number } {
	const result: { top?: number; skip?: number } = {};
	for (const name of ['top', 'skip'] as const) {
		const raw = query.get(`$${name}`);
		if (raw === null) continue;
		const value = Number(raw);
		if (!Number.isInteger(value) || value < 0) {
			throw badRequest(`Invalid value '${raw}' for query option '$${name}'.`);
		}
		result[name] = value;
	}
	if (result.top !== undefined && result.top > 1000) result.top = 1000;
	return result;
}

export interface MessageFilter {
	receivedFrom?: number; // inclusive, ms
	receivedUntil?: number; // exclusive, ms
	isRead?: boolean;
	hasAttachments?: boolean;
	isDraft?: boolean;
	conversationId?: string;
	internetMessageId?: string;
	/** `from/emailAddress/address eq '…'` (compared without case, as Exchange does). */
	fromAddress?: string;
	/** $search terms: every one must match (property: subject, from, to, body, or any). */
	search?: SearchTerm[];
}

export interface SearchTerm {
	property: 'any' | 'subject' | 'from' | 'to' | 'body';
	text: string;
}

/**
 * `$search="…"` on messages (KQL subset): words and "quoted phrases", optionally prefixed with
 * subject:, from:, to: (also cc/bcc) or body:; all must match, case-insensitively. Graph wants the
 * value itself in double quotes, and refuses $search together with $orderby.
 */
export function parseMessageSearch(
	raw: string | null,
	orderBy: string | null,
): SearchTerm[] | undefined {
	if (raw === null) return undefined;
	const value = raw.trim();
	if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) {
		throw badRequest(
			`Syntax error: character '${value[0] ?? ''}' is not valid at position 0 in '${value}'.`,
		);
	}
	if (orderBy)
		throw badRequest(
			"The query parameter '$orderBy' is not supported with '$search'.",
			'ErrorInvalidUrlQuery',
		);
	const inner = value.slice(1, -1).replace(/\\"/g, '"');
	const terms: SearchTerm[] = [];
	for (const match of inner.matchAll(/(?:(\w+):)?(?:"([^"]*)"|(\S+))/g)) {
		const prefix = match[1]?.toLowerCase();
		const text = (match[2] ?? match[3] ?? '').toLowerCase();
		if (!text) continue;
		const property =
			prefix === 'subject' || prefix === 'from' || prefix === 'body'
				? prefix
				: prefix === 'to' || prefix === 'cc' || prefix === 'bcc' || prefix === 'participants'
					? 'to'
					: 'any';
		terms.push({ property, text: prefix && property === 'any' ? `${prefix}:${text}` : text });
	}
	return terms;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function parseDateLiteral(raw: string): number {
	const value = raw.replace(/^'(.*)'$/, '$1');
	if (!ISO_DATE.test(value)) throw badRequest(`The DateTimeOffset text '${raw}' is not valid.`);
	const ms = Date.parse(
		/T/.test(value) && !/(Z|[+-]\d{2}:\d{2})$/.test(value) ? `${value}Z` : value,
	);
	if (Number.isNaN(ms)) throw badRequest(`The DateTimeOffset text '${raw}' is not valid.`);
	return ms;
}

function parseBool(raw: string): boolean {
	if (raw === 'true') return true;
	if (raw === 'false') return false;
	throw badRequest(`Invalid boolean literal '${raw}'.`);
}

function parseString(raw: string): string {
	const match = /^'((?:[^']|'')*)'$/.exec(raw);
	if (!match) throw badRequest(`Invalid string literal ${raw}.`);
	return match[1].replace(/''/g, "'");
}

/** `receivedDateTime ge/gt/le/lt`, `isRead eq`, `hasAttachments eq`, `isDraft eq`, `conversationId eq`, `internetMessageId eq`, `from/emailAddress/address eq`, joined by `and`. */
export function parseMessageFilter(raw: string | null): MessageFilter {
	const filter: MessageFilter = {};
	if (!raw || !raw.trim()) return filter;
	const clauses = raw.trim().split(/\s+and\s+/i);
	for (const clause of clauses) {
		const match = /^\(?\s*([A-Za-z]+(?:\/[A-Za-z]+)*)\s+(eq|ne|ge|gt|le|lt)\s+(.+?)\s*\)?$/i.exec(
			clause.trim(),
		);
		if (!match) throw badRequest(`Invalid filter clause: ${clause}`, 'BadRequest');
		const property = match[1].toLowerCase();
		const op = match[2].toLowerCase();
		const literal = match[3];
		if (property === 'receiveddatetime') {
			const ms = parseDateLiteral(literal);
			if (op === 'ge') filter.receivedFrom = Math.max(filter.receivedFrom ?? -Infinity, ms);
			else if (op === 'gt')
				filter.receivedFrom = Math.max(filter.receivedFrom ?? -Infinity, ms + 1);
			else if (op === 'lt') filter.receivedUntil = Math.min(filter.receivedUntil ?? Infinity, ms);
			else if (op === 'le')
				filter.receivedUntil = Math.min(filter.receivedUntil ?? Infinity, ms + 1);
			else throw badRequest(`Unsupported operator '${op}' for receivedDateTime.`);
		} else if (property === 'isread' || property === 'hasattachments' || property === 'isdraft') {
			if (op !== 'eq' && op !== 'ne')
				throw badRequest(`Unsupported operator '${op}' for ${match[1]}.`);
			const value = parseBool(literal) === (op === 'eq');
			if (property === 'isread') filter.isRead = value;
			else if (property === 'hasattachments') filter.hasAttachments = value;
			else filter.isDraft = value;
		} else if (property === 'from/emailaddress/address') {
			if (op !== 'eq') throw badRequest(`Unsupported operator '${op}' for ${match[1]}.`);
			filter.fromAddress = parseString(literal).toLowerCase();
		} else if (property === 'conversationid' || property === 'internetmessageid') {
			if (op !== 'eq') throw badRequest(`Unsupported operator '${op}' for ${match[1]}.`);
			if (property === 'conversationid') filter.conversationId = parseString(literal);
			else filter.internetMessageId = parseString(literal);
		} else {
			throw badRequest(
				`Could not find a property named '${match[1]}' on type 'microsoft.graph.message'.`,
				'RequestBroker--ParseUri',
			);
		}
	}
	return filter;
}

export function parseOrderBy(raw: string | null): 'asc' | 'desc' {
	if (!raw) return 'desc';
	const match = /^\s*receivedDateTime(?:\s+(asc|desc))?\s*$/i.exec(raw);
	if (!match) throw badRequest(`Unsupported $orderby expression '${raw}'.`);
	return (match[1]?.toLowerCase() as 'asc' | 'desc' | undefined) ?? 'asc';
}

/** Graph's `dateTime` format: no offset, seven fractional digits. */
export function graphDateTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000');
}

/** Graph's DateTimeOffset format for message timestamps: whole seconds, `Z`. */
export function graphTimestamp(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Opaque paging/delta tokens: base64url JSON. Validity is checked by the callers. */
export function encodeToken(payload: unknown): string {
	return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeToken<T>(token: string): T | undefined {
	try {
		const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
		return value && typeof value === 'object' ? (value as T) : undefined;
	} catch {
		return undefined;
	}
}
