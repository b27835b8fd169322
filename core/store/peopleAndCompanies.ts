// People and companies of a workspace: create or update by email / domain, find, get. Values a user
// set by hand (manual_fields) are kept when an automatic writer (sync, enrichment, import) updates
// the record; a manual caller sets them and marks them. Every query is scoped by the workspace.
import type { Knex } from 'knex';

import { DOMAIN_PATTERN } from '../sync/blocklistFilter';
import { isFreeMailDomain } from '../sync/freeMailDomains';
import type { CrmDatabase } from './database';
import { CrmArgumentError, CrmRecordNotFoundError, isUuid } from './recordLinks';

export type Classification = 'lead' | 'customer' | 'vendor' | 'partner' | 'personal' | 'unknown';
export type RecordSource = 'sync' | 'manual' | 'import' | 'enrichment';

const CLASSIFICATIONS: readonly Classification[] = [
	'lead',
	'customer',
	'vendor',
	'partner',
	'personal',
	'unknown',
];

export interface PersonRecord {
	id: string;
	workspaceId: string;
	email: string;
	additionalEmails: string[];
	fullName: string | null;
	jobTitle: string | null;
	phones: string[];
	linkedinUrl: string | null;
	postalAddress: string | null;
	/** The person's YouTube channel: their comments on connected channels link to them. */
	youtubeChannelId: string | null;
	companyId: string | null;
	classification: Classification;
	externalId: string | null;
	source: RecordSource;
	/** Fields a user set by hand (camelCase names); automatic writers keep them. */
	manualFields: string[];
	createdAt: Date;
	updatedAt: Date;
}

export interface CompanyRecord {
	id: string;
	workspaceId: string;
	domain: string;
	name: string | null;
	classification: Classification;
	externalId: string | null;
	source: RecordSource;
	manualFields: string[];
	createdAt: Date;
	updatedAt: Date;
}

export interface PersonFields {
	/** Primary address (or, to find the person, any of their addresses). */
	email: string;
	additionalEmails?: string[];
	fullName?: string | null;
	jobTitle?: string | null;
	phones?: string[];
	linkedinUrl?: string | null;
	postalAddress?: string | null;
	youtubeChannelId?: string | null;
	companyId?: string | null;
	classification?: Classification;
	externalId?: string | null;
}

export interface CompanyFields {
	domain: string;
	name?: string | null;
	classification?: Classification;
	externalId?: string | null;
}

export interface UpsertOptions {
	/** A user's edit: sets the values even over earlier manual ones, and marks them manual. */
	manual?: boolean;
	/** What creates the row when it is new (default: 'manual' for a manual caller, else 'sync'). */
	source?: RecordSource;
}

export interface UpsertResult<T> {
	record: T;
	created: boolean;
}

export interface Page<T> {
	items: T[];
	/** Pass back as `cursor` for the next page; null on the last page. */
	nextCursor: string | null;
}

/** camelCase field → column, for the fields a caller may write. */
const PERSON_COLUMNS = {
	fullName: 'full_name',
	jobTitle: 'job_title',
	phones: 'phones',
	linkedinUrl: 'linkedin_url',
	postalAddress: 'postal_address',
	youtubeChannelId: 'youtube_channel_id',
	companyId: 'company_id',
	classification: 'classification',
	externalId: 'external_id',
	additionalEmails: 'additional_emails',
} as const;

const COMPANY_COLUMNS = {
	name: 'name',
	classification: 'classification',
	externalId: 'external_id',
} as const;

const ADDRESS = /^[^@\s<>(),;:"]{1,64}@[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/;

/** A lower-case, trimmed address, or a CrmArgumentError. */
export function normalizeAddress(input: unknown, field = 'email'): string {
	const text = String(input ?? '')
		.trim()
		.toLowerCase();
	if (!ADDRESS.test(text) || !text.split('@')[1].includes('.'))
		throw new CrmArgumentError(`${field} must be an email address (name@example.com)`);
	return text;
}

/** A lower-case host name from "acme.com", "@acme.com", "www.acme.com" or "https://acme.com/x". */
export function normalizeDomain(input: unknown): string {
	const text = String(input ?? '')
		.trim()
		.toLowerCase()
		.replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
		.replace(/[/?#].*$/, '')
		.replace(/^@/, '')
		.replace(/^www\./, '')
		.replace(/\.$/, '');
	if (!DOMAIN_PATTERN.test(text))
		throw new CrmArgumentError('domain must be a domain name (example.com)');
	return text;
}

function checkWorkspace(workspaceId: string) {
	if (!isUuid(workspaceId)) throw new CrmArgumentError('workspaceId must be a UUID');
}

interface PersonRow {
	id: string;
	workspace_id: string;
	email: string;
	additional_emails: string[];
	full_name: string | null;
	job_title: string | null;
	phones: string[];
	linkedin_url: string | null;
	postal_address: string | null;
	youtube_channel_id: string | null;
	company_id: string | null;
	classification: Classification;
	external_id: string | null;
	source: RecordSource;
	manual_fields: string[];
	created_at: Date;
	updated_at: Date;
}

interface CompanyRow {
	id: string;
	workspace_id: string;
	domain: string;
	name: string | null;
	classification: Classification;
	external_id: string | null;
	source: RecordSource;
	manual_fields: string[];
	created_at: Date;
	updated_at: Date;
}

export function toPersonRecord(row: PersonRow): PersonRecord {
	return {
		id: row.id,
		workspaceId: row.workspace_id,
		email: row.email,
		additionalEmails: row.additional_emails ?? [],
		fullName: row.full_name,
		jobTitle: row.job_title,
		phones: row.phones ?? [],
		linkedinUrl: row.linkedin_url,
		postalAddress: row.postal_address,
		youtubeChannelId: row.youtube_channel_id ?? null,
		companyId: row.company_id,
		classification: row.classification,
		externalId: row.external_id,
		source: row.source,
		manualFields: row.manual_fields ?? [],
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

export function toCompanyRecord(row: CompanyRow): CompanyRecord {
	return {
		id: row.id,
		workspaceId: row.workspace_id,
		domain: row.domain,
		name: row.name,
		classification: row.classification,
		externalId: row.external_id,
		source: row.source,
		manualFields: row.manual_fields ?? [],
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

/** The given writable fields, validated, as camelCase → column value. */
function personValues(
	fields: PersonFields,
	primary: string,
): Map<keyof typeof PERSON_COLUMNS, unknown> {
	const values = new Map<keyof typeof PERSON_COLUMNS, unknown>();
	for (const key of Object.keys(PERSON_COLUMNS) as Array<keyof typeof PERSON_COLUMNS>) {
		const value = fields[key];
		if (value === undefined) continue;
		if (key === 'additionalEmails') {
			if (!Array.isArray(value)) throw new CrmArgumentError('additionalEmails must be a list');
			const addresses = [
				...new Set(value.map((address) => normalizeAddress(address, 'additionalEmails'))),
			].filter((address) => address !== primary);
			values.set(key, addresses);
		} else if (key === 'phones') {
			if (!Array.isArray(value) || value.some((phone) => typeof phone !== 'string'))
				throw new CrmArgumentError('phones must be a list of texts');
			values.set(key, JSON.stringify(value));
		} else if (key === 'classification') {
			if (!CLASSIFICATIONS.includes(value as Classification))
				throw new CrmArgumentError(`classification must be one of ${CLASSIFICATIONS.join(', ')}`);
			values.set(key, value);
		} else if (key === 'companyId') {
			if (value !== null && !isUuid(value))
				throw new CrmRecordNotFoundError('company', String(value));
			values.set(key, value);
		} else {
			if (value !== null && typeof value !== 'string')
				throw new CrmArgumentError(`${key} must be a text`);
			const text = value === null ? null : value.trim();
			values.set(key, text === '' ? null : text);
		}
	}
	return values;
}

/**
 * What an update writes: a manual caller writes every given value and marks it manual; an
 * automatic caller skips manual fields and never erases a value (null is ignored).
 */
function updateFor<K extends string>(
	values: Map<K, unknown>,
	columns: Record<K, string>,
	manualFields: string[],
	manual: boolean,
): { update: Record<string, unknown>; manualFields: string[] } {
	const update: Record<string, unknown> = {};
	const marked = new Set(manualFields);
	for (const [key, value] of values) {
		if (manual) {
			update[columns[key]] = value;
			marked.add(key);
		} else if (!marked.has(key) && value !== null) {
			update[columns[key]] = value;
		}
	}
	return { update, manualFields: [...marked].sort() };
}

async function checkCompany(knex: Knex, workspaceId: string, companyId: unknown) {
	if (companyId === undefined || companyId === null) return;
	const found = await knex('companies')
		.where({ workspace_id: workspaceId, id: companyId })
		.first('id');
	if (!found) throw new CrmRecordNotFoundError('company', String(companyId));
}

/**
 * Creates the person with this address, or updates the person who has it (as primary or additional
 * address, case-insensitive).
 */
export async function upsertPersonByEmail(
	database: CrmDatabase,
	workspaceId: string,
	fields: PersonFields,
	options: UpsertOptions = {},
): Promise<UpsertResult<PersonRecord>> {
	checkWorkspace(workspaceId);
	const email = normalizeAddress(fields?.email);
	const values = personValues(fields, email);
	const manual = options.manual === true;
	try {
		return await upsertPersonRow(database, workspaceId, email, values, manual, options);
	} catch (error) {
		if ((error as { constraint?: string }).constraint === 'people_workspace_youtube_channel')
			throw new CrmArgumentError(
				'Another person of this workspace already has this YouTube channel ID',
			);
		throw error;
	}
}

async function upsertPersonRow(
	database: CrmDatabase,
	workspaceId: string,
	email: string,
	values: Map<keyof typeof PERSON_COLUMNS, unknown>,
	manual: boolean,
	options: UpsertOptions,
): Promise<UpsertResult<PersonRecord>> {
	return database.knex.transaction(async (trx) => {
		await checkCompany(trx, workspaceId, values.get('companyId'));
		for (let attempt = 0; ; attempt++) {
			const existing = (await trx('people')
				.where({ workspace_id: workspaceId })
				.andWhere((query) =>
					query
						.whereRaw('lower(email) = ?', [email])
						.orWhereRaw('additional_emails @> array[?]::text[]', [email]),
				)
				.orderByRaw('(lower(email) = ?) desc, created_at, id', [email])
				.forUpdate()
				.first()) as PersonRow | undefined;
			if (existing) {
				const { update, manualFields } = updateFor(
					values,
					PERSON_COLUMNS,
					existing.manual_fields ?? [],
					manual,
				);
				if (!manual && update.additional_emails) {
					// An automatic writer adds addresses; it never drops one.
					update.additional_emails = [
						...new Set([
							...(existing.additional_emails ?? []),
							...(update.additional_emails as string[]),
						]),
					].filter((address) => address !== existing.email);
				}
				if (
					Object.keys(update).length === 0 &&
					manualFields.length === (existing.manual_fields ?? []).length
				)
					return { record: toPersonRecord(existing), created: false };
				const [row] = (await trx('people')
					.where({ workspace_id: workspaceId, id: existing.id })
					.update({ ...update, manual_fields: manualFields, updated_at: trx.fn.now() })
					.returning('*')) as PersonRow[];
				return { record: toPersonRecord(row), created: false };
			}
			const insert: Record<string, unknown> = {
				workspace_id: workspaceId,
				email,
				source: options.source ?? (manual ? 'manual' : 'sync'),
				manual_fields: manual ? [...values.keys()].sort() : [],
			};
			for (const [key, value] of values) insert[PERSON_COLUMNS[key]] = value;
			const [row] = (await trx('people')
				.insert(insert)
				.onConflict(['workspace_id', 'email'])
				.ignore()
				.returning('*')) as PersonRow[];
			if (row) return { record: toPersonRecord(row), created: true };
			// Another writer created it meanwhile: update that row instead.
			if (attempt > 0) throw new Error(`Could not create or find the person ${email}`);
		}
	});
}

/** Creates the company with this domain, or updates it. Free-mail domains are refused. */
export async function upsertCompanyByDomain(
	database: CrmDatabase,
	workspaceId: string,
	fields: CompanyFields,
	options: UpsertOptions = {},
): Promise<UpsertResult<CompanyRecord>> {
	checkWorkspace(workspaceId);
	const domain = normalizeDomain(fields?.domain);
	if (isFreeMailDomain(domain))
		throw new CrmArgumentError(
			`${domain} is a free-mail domain: it is shared by many people, never a company`,
		);
	const values = new Map<keyof typeof COMPANY_COLUMNS, unknown>();
	for (const key of Object.keys(COMPANY_COLUMNS) as Array<keyof typeof COMPANY_COLUMNS>) {
		const value = fields[key];
		if (value === undefined) continue;
		if (key === 'classification' && !CLASSIFICATIONS.includes(value as Classification))
			throw new CrmArgumentError(`classification must be one of ${CLASSIFICATIONS.join(', ')}`);
		if (value !== null && typeof value !== 'string')
			throw new CrmArgumentError(`${key} must be a text`);
		const text = value === null ? null : value.trim();
		values.set(key, text === '' ? null : text);
	}
	const manual = options.manual === true;
	return database.knex.transaction(async (trx) => {
		const insert: Record<string, unknown> = {
			workspace_id: workspaceId,
			domain,
			source: options.source ?? (manual ? 'manual' : 'sync'),
			manual_fields: manual ? [...values.keys()].sort() : [],
		};
		for (const [key, value] of values) insert[COMPANY_COLUMNS[key]] = value;
		const [created] = (await trx('companies')
			.insert(insert)
			.onConflict(['workspace_id', 'domain'])
			.ignore()
			.returning('*')) as CompanyRow[];
		if (created) return { record: toCompanyRecord(created), created: true };
		const existing = (await trx('companies')
			.where({ workspace_id: workspaceId, domain })
			.forUpdate()
			.first()) as CompanyRow;
		const { update, manualFields } = updateFor(
			values,
			COMPANY_COLUMNS,
			existing.manual_fields ?? [],
			manual,
		);
		if (
			Object.keys(update).length === 0 &&
			manualFields.length === (existing.manual_fields ?? []).length
		)
			return { record: toCompanyRecord(existing), created: false };
		const [row] = (await trx('companies')
			.where({ workspace_id: workspaceId, id: existing.id })
			.update({ ...update, manual_fields: manualFields, updated_at: trx.fn.now() })
			.returning('*')) as CompanyRow[];
		return { record: toCompanyRecord(row), created: false };
	});
}

export async function getPerson(
	database: CrmDatabase,
	workspaceId: string,
	id: string,
): Promise<PersonRecord | null> {
	if (!isUuid(workspaceId) || !isUuid(id)) return null;
	const row = (await database.knex('people').where({ workspace_id: workspaceId, id }).first()) as
		| PersonRow
		| undefined;
	return row ? toPersonRecord(row) : null;
}

export async function getCompany(
	database: CrmDatabase,
	workspaceId: string,
	id: string,
): Promise<CompanyRecord | null> {
	if (!isUuid(workspaceId) || !isUuid(id)) return null;
	const row = (await database
		.knex('companies')
		.where({ workspace_id: workspaceId, id })
		.first()) as CompanyRow | undefined;
	return row ? toCompanyRecord(row) : null;
}

const MAX_LIMIT = 500;

function pageLimit(limit: number | undefined): number {
	if (limit === undefined) return 50;
	if (!Number.isInteger(limit) || limit < 1)
		throw new CrmArgumentError('limit must be a positive integer');
	return Math.min(limit, MAX_LIMIT);
}

function encodeCursor(key: string): string {
	return Buffer.from(JSON.stringify({ after: key })).toString('base64url');
}

function decodeCursor(cursor: string | null | undefined): string | null {
	if (!cursor) return null;
	try {
		const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
			after?: unknown;
		};
		if (typeof parsed.after === 'string') return parsed.after;
	} catch {
		// fall through
	}
	throw new CrmArgumentError('cursor is not one this operation returned');
}

const likePrefix = (prefix: string) => `${prefix.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;

export interface FindPeopleQuery {
	/** Any of the person's addresses (case-insensitive). */
	email?: string;
	/** Domain of the primary address. */
	domain?: string;
	/** Start of the full name (case-insensitive). */
	namePrefix?: string;
	companyId?: string;
	limit?: number;
	cursor?: string | null;
}

/** People of the workspace, ordered by primary address, a page at a time (keyset). */
export async function findPeople(
	database: CrmDatabase,
	workspaceId: string,
	query: FindPeopleQuery = {},
): Promise<Page<PersonRecord>> {
	checkWorkspace(workspaceId);
	const limit = pageLimit(query.limit);
	const after = decodeCursor(query.cursor);
	const builder = database.knex('people').where({ workspace_id: workspaceId });
	if (query.email !== undefined) {
		const email = normalizeAddress(query.email);
		builder.andWhere((where) =>
			where
				.whereRaw('lower(email) = ?', [email])
				.orWhereRaw('additional_emails @> array[?]::text[]', [email]),
		);
	}
	if (query.domain !== undefined)
		builder.whereRaw(`split_part(email, '@', 2) = ?`, [normalizeDomain(query.domain)]);
	if (query.namePrefix)
		builder.whereRaw(`lower(full_name) like ? escape '\\'`, [likePrefix(query.namePrefix.trim())]);
	if (query.companyId !== undefined) {
		if (!isUuid(query.companyId)) return { items: [], nextCursor: null };
		builder.where({ company_id: query.companyId });
	}
	if (after !== null) builder.where('email', '>', after);
	const rows = (await builder.orderBy('email').limit(limit + 1)) as PersonRow[];
	const items = rows.slice(0, limit).map(toPersonRecord);
	return {
		items,
		nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].email) : null,
	};
}

export interface FindCompaniesQuery {
	domain?: string;
	/** Start of the name (case-insensitive). */
	namePrefix?: string;
	limit?: number;
	cursor?: string | null;
}

/** Companies of the workspace, ordered by domain, a page at a time (keyset). */
export async function findCompanies(
	database: CrmDatabase,
	workspaceId: string,
	query: FindCompaniesQuery = {},
): Promise<Page<CompanyRecord>> {
	checkWorkspace(workspaceId);
	const limit = pageLimit(query.limit);
	const after = decodeCursor(query.cursor);
	const builder = database.knex('companies').where({ workspace_id: workspaceId });
	if (query.domain !== undefined) builder.where({ domain: normalizeDomain(query.domain) });
	if (query.namePrefix)
		builder.whereRaw(`lower(name) like ? escape '\\'`, [likePrefix(query.namePrefix.trim())]);
	if (after !== null) builder.where('domain', '>', after);
	const rows = (await builder.orderBy('domain').limit(limit + 1)) as CompanyRow[];
	const items = rows.slice(0, limit).map(toCompanyRecord);
	return {
		items,
		nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].domain) : null,
	};
}
