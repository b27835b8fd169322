// Which found value goes into people and companies, and the writes that put it there.
//
// Rules:
// - Per field and extractor one stored value (enrichment_results): a newer email's value replaces
//   it unless markedly less confident (by MARKEDLY); an older email's value replaces it only when
//   markedly more confident. A re-read of the same email replaces it (the latest reading).
// - Per field, among extractors, the same rule picks the value for the record; a tie goes to the
//   model (grounded values only reach here), then the signature, then the domain guess.
// - A field in manual_fields (a user's edit) is never written. A value below APPLY_MIN is kept as
//   provenance but never written.
// - Phones are a list: the record keeps its numbers and gains new E.164 ones, never a duplicate;
//   types and the written form stay in enrichment_results.
// - Company: from the sender's domain, never a free-mail or one of the workspace's own domains.
//   The company is created when missing; its name (and website) is set when empty, or replaced when
//   the name on the record is one enrichment wrote and a newer value wins; a name from the host
//   CRM, an import or a user is kept. people.company_id is set when empty (and not manual).
// - `applied` is true on the stored values the record now carries.
import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';

import {
	readEnrichmentResults,
	roundConfidence,
	storedExcerpt,
	storedText,
	writeEnrichmentResults,
	type EnrichmentResultInput,
	type EnrichmentResultRecord,
	type EnrichmentSubjectType,
} from '../store/enrichment';
import type { Classification } from '../store/peopleAndCompanies';
import { pgJson } from '../store/pgText';
import { isFreeMailDomain } from '../sync/freeMailDomains';
import { CLASSIFICATION_THRESHOLD } from './classification';
import type { FoundValue, PhoneValue, SignatureContact } from './types';

/** How much less confident a newer value may be and still replace an older one. */
export const MARKEDLY = 0.2;
/** Values below this confidence are stored with their provenance but never written to a record. */
export const APPLY_MIN = 0.5;
/** At most this many numbers in a person's phones list from enrichment. */
const MAX_PHONES = 10;

/** A value with its provenance, as compared by the rules. */
export interface Candidate {
	value: unknown;
	confidence: number;
	extractor: string;
	sourceEmailId: string | null;
	sourceExcerpt: string | null;
	sourceSentAt: Date | null;
}

const timeOf = (candidate: Candidate) => candidate.sourceSentAt?.getTime() ?? -Infinity;

const extractorRank = (extractor: string) =>
	extractor.startsWith('llm:') ? 0 : extractor === 'signature' ? 1 : 2;

/** Whether `candidate` beats `current`: newer unless markedly less confident. */
export function beats(candidate: Candidate, current: Candidate): boolean {
	const a = timeOf(candidate);
	const b = timeOf(current);
	const ca = roundConfidence(candidate.confidence);
	const cb = roundConfidence(current.confidence);
	if (a > b) return ca >= cb - MARKEDLY;
	if (a < b) return ca > cb + MARKEDLY;
	if (ca !== cb) return ca > cb;
	return extractorRank(candidate.extractor) < extractorRank(current.extractor);
}

/** Whether a new finding should replace the stored value of the same field and extractor. */
export function replacesStored(candidate: Candidate, stored: Candidate | undefined): boolean {
	if (!stored) return true;
	if (candidate.sourceEmailId !== null && candidate.sourceEmailId === stored.sourceEmailId)
		return true;
	return beats(candidate, stored);
}

/** The value a record should carry among a field's values (one per extractor), or undefined. */
export function chooseValue<T extends Candidate>(values: T[]): T | undefined {
	let best: T | undefined;
	for (const value of values) {
		if (roundConfidence(value.confidence) < APPLY_MIN) continue;
		if (!best || beats(value, best)) best = value;
	}
	return best;
}

/** Union of two phone lists by E.164; `newer`'s type and written form win for the same number. */
export function mergePhoneLists(older: PhoneValue[], newer: PhoneValue[]): PhoneValue[] {
	const merged = new Map<string, PhoneValue>();
	for (const phone of older) merged.set(phone.e164, phone);
	for (const phone of newer) merged.set(phone.e164, phone);
	return [...merged.values()].slice(0, MAX_PHONES);
}

/** What one email said about its sender. */
export interface EmailFinding {
	emailId: string;
	sentAt: Date | null;
	personId: string;
	/** The sender's address (decides the company domain). */
	senderAddress: string;
	contact: SignatureContact;
}

/** A person's classification, computed from their mail. */
export interface ClassificationFinding {
	personId: string;
	classification: Classification;
	confidence: number;
	reason: string;
	/** 'rules' or 'llm:<model>'. */
	extractor: string;
	/** The newest message classification read (its date orders the value). */
	sourceEmailId: string | null;
	sourceSentAt: Date | null;
}

export interface MergeContext {
	/** The workspace's own domains (and its accounts' domains): never a company. */
	ownDomains: ReadonlySet<string>;
}

export interface MergeCounts {
	peopleUpdated: number;
	companiesUpdated: number;
	classified: number;
	resultsWritten: number;
}

/** person field of enrichment_results → column, and the names manual_fields may use for it. */
const PERSON_TEXT_FIELDS = {
	full_name: 'fullName',
	job_title: 'jobTitle',
	linkedin_url: 'linkedinUrl',
	postal_address: 'postalAddress',
} as const;

const CONTACT_TEXT_FIELDS: Array<[keyof SignatureContact, string]> = [
	['fullName', 'full_name'],
	['jobTitle', 'job_title'],
	['company', 'company'],
	['linkedinUrl', 'linkedin_url'],
	['website', 'website'],
	['postalAddress', 'postal_address'],
];

interface PersonRow {
	id: string;
	email: string;
	full_name: string | null;
	job_title: string | null;
	phones: string[];
	linkedin_url: string | null;
	postal_address: string | null;
	company_id: string | null;
	classification: Classification;
	manual_fields: string[];
}

interface CompanyRow {
	id: string;
	domain: string;
	name: string | null;
	website: string | null;
	classification: Classification;
	manual_fields: string[];
}

const isManual = (manualFields: string[], camel: string, snake: string) =>
	manualFields.includes(camel) || manualFields.includes(snake);

/** The company domain of a sender, or null (free mail, own domain, no address). */
export function companyDomainOf(address: string, ownDomains: ReadonlySet<string>): string | null {
	const at = address.lastIndexOf('@');
	if (at < 0) return null;
	const domain = address
		.slice(at + 1)
		.trim()
		.toLowerCase();
	if (!domain.includes('.') || isFreeMailDomain(domain) || ownDomains.has(domain)) return null;
	return domain;
}

/** Whether a website belongs to the company's domain (acme.com, www.acme.com, acme.de for acme.com). */
function websiteMatches(website: string, domain: string): boolean {
	let host: string;
	try {
		host = new URL(website).hostname.toLowerCase().replace(/^www\./, '');
	} catch {
		return false;
	}
	if (host === domain || host.endsWith(`.${domain}`)) return true;
	const label = (name: string) => name.split('.').slice(-2)[0];
	return label(host) === label(domain) && label(domain).length >= 3;
}

type Key = string;
const keyOf = (type: EnrichmentSubjectType, id: string, field: string, extractor: string): Key =>
	`${type}|${id}|${field}|${extractor}`;

function candidateOf(found: FoundValue<unknown>, finding: EmailFinding, value: unknown): Candidate {
	return {
		value,
		confidence: found.confidence,
		extractor: found.extractor,
		sourceEmailId: finding.emailId,
		sourceExcerpt: storedExcerpt(found.excerpt),
		sourceSentAt: finding.sentAt,
	};
}

/**
 * Stores what the findings say and writes the winners into people and companies. Run inside the
 * batch's transaction; people and companies touched are locked in id order.
 */
export async function mergeFindings(
	trx: Knex.Transaction,
	workspaceId: string,
	findings: EmailFinding[],
	classifications: ClassificationFinding[],
	context: MergeContext,
): Promise<MergeCounts> {
	const counts: MergeCounts = {
		peopleUpdated: 0,
		companiesUpdated: 0,
		classified: 0,
		resultsWritten: 0,
	};
	const personIds = [
		...new Set([
			...findings.map((finding) => finding.personId),
			...classifications.map((c) => c.personId),
		]),
	].sort();
	if (personIds.length === 0) return counts;

	// The batch's findings reduced to one candidate per person, field and extractor (older first,
	// so that the reduction sees time move forward).
	const ordered = [...findings].sort(
		(a, b) => (a.sentAt?.getTime() ?? -Infinity) - (b.sentAt?.getTime() ?? -Infinity),
	);
	const candidates = new Map<Key, EnrichmentResultInput>();
	const offer = (
		type: EnrichmentSubjectType,
		id: string,
		field: string,
		candidate: Candidate,
		combine?: (stored: Candidate) => Candidate,
	) => {
		const key = keyOf(type, id, field, candidate.extractor);
		const current = candidates.get(key);
		const next = current && combine ? combine(current) : candidate;
		if (!current || combine || replacesStored(candidate, current))
			candidates.set(key, { subjectType: type, subjectId: id, field, ...next });
	};
	const personDomain = new Map<string, string>();
	for (const finding of ordered) {
		const domain = companyDomainOf(finding.senderAddress, context.ownDomains);
		if (domain && !personDomain.has(finding.personId)) personDomain.set(finding.personId, domain);
		for (const [name, field] of CONTACT_TEXT_FIELDS) {
			const found = finding.contact[name] as FoundValue<string> | undefined;
			if (!found || typeof found.value !== 'string' || !found.value.trim()) continue;
			// Cleaned and cut as stored, so the record and its stored value always agree.
			const value = storedText(found.value).trim();
			if (value) offer('person', finding.personId, field, candidateOf(found, finding, value));
		}
		const phonesByExtractor = new Map<string, FoundValue<PhoneValue>[]>();
		for (const phone of finding.contact.phones ?? []) {
			if (!phone?.value?.e164) continue;
			const list = phonesByExtractor.get(phone.extractor) ?? [];
			list.push(phone);
			phonesByExtractor.set(phone.extractor, list);
		}
		for (const [extractor, phones] of phonesByExtractor) {
			const candidate: Candidate = {
				value: phones.map((phone) => pgJson(phone.value)),
				confidence: Math.max(...phones.map((phone) => phone.confidence)),
				extractor,
				sourceEmailId: finding.emailId,
				sourceExcerpt: storedExcerpt([...new Set(phones.map((phone) => phone.excerpt))].join('\n')),
				sourceSentAt: finding.sentAt,
			};
			offer('person', finding.personId, 'phones', candidate, (earlier) => ({
				...candidate,
				value: mergePhoneLists(earlier.value as PhoneValue[], candidate.value as PhoneValue[]),
				confidence: Math.max(earlier.confidence, candidate.confidence),
			}));
		}
	}
	for (const found of classifications)
		candidates.set(keyOf('person', found.personId, 'classification', found.extractor), {
			subjectType: 'person',
			subjectId: found.personId,
			field: 'classification',
			value: found.classification,
			confidence: found.confidence,
			extractor: found.extractor,
			sourceEmailId: found.sourceEmailId,
			sourceExcerpt: storedExcerpt(found.reason),
			sourceSentAt: found.sourceSentAt,
		});

	const people = (await trx('people')
		.where({ workspace_id: workspaceId })
		.whereIn('id', personIds)
		.orderBy('id')
		.forUpdate()
		.select(
			'id',
			'email',
			'full_name',
			'job_title',
			'phones',
			'linkedin_url',
			'postal_address',
			'company_id',
			'classification',
			'manual_fields',
		)) as PersonRow[];
	const personById = new Map(people.map((person) => [person.id, person]));

	// Companies of the senders' domains: created when missing (linking may not have made them).
	const domains = [...new Set(personDomain.values())].sort();
	let companies: CompanyRow[] = [];
	if (domains.length > 0) {
		const created = (await trx.raw(
			`insert into companies (workspace_id, domain, source)
			 select ?::uuid, d, 'enrichment' from unnest(?::text[]) as d
			 on conflict (workspace_id, domain) do nothing`,
			[workspaceId, domains as unknown as Knex.RawBinding],
		)) as { rowCount: number };
		counts.companiesUpdated += created.rowCount;
		companies = (await trx('companies')
			.where({ workspace_id: workspaceId })
			.whereIn('domain', domains)
			.orderBy('id')
			.forUpdate()
			.select(
				'id',
				'domain',
				'name',
				'website',
				'classification',
				'manual_fields',
			)) as CompanyRow[];
	}
	const companyByDomain = new Map(companies.map((company) => [company.domain, company]));
	const companyOfPerson = (personId: string) => {
		const domain = personDomain.get(personId);
		return domain ? companyByDomain.get(domain) : undefined;
	};
	// Company values follow from the person's: the signature's company name and website.
	for (const input of [...candidates.values()]) {
		if (input.subjectType !== 'person') continue;
		const company = companyOfPerson(input.subjectId);
		if (!company) continue;
		if (input.field === 'company') offerCompany(company, 'name', input);
		if (input.field === 'website' && websiteMatches(String(input.value), company.domain))
			offerCompany(company, 'website', input);
	}
	function offerCompany(company: CompanyRow, field: string, input: EnrichmentResultInput) {
		const key = keyOf('company', company.id, field, input.extractor);
		const current = candidates.get(key);
		if (!current || beats(input, current))
			candidates.set(key, { ...input, subjectType: 'company', subjectId: company.id, field });
	}

	// Stored values of everything touched; a candidate replaces its row when the rules say so.
	const stored = await readEnrichmentResults(trx, workspaceId, {
		people: personIds,
		companies: companies.map((company) => company.id),
	});
	type Stored = EnrichmentResultRecord | EnrichmentResultInput;
	const effective = new Map<Key, Stored>();
	// The same rows by subject and field, for choosing among extractors.
	const byField = new Map<string, Map<Key, Stored>>();
	const put = (key: Key, row: Stored) => {
		effective.set(key, row);
		const fieldKey = `${row.subjectType}|${row.subjectId}|${row.field}`;
		const rows = byField.get(fieldKey) ?? new Map<Key, Stored>();
		rows.set(key, row);
		byField.set(fieldKey, rows);
	};
	for (const row of stored)
		put(keyOf(row.subjectType, row.subjectId, row.field, row.extractor), row);
	// What the records carried from enrichment before this batch: enrichment may replace only that.
	const appliedBefore = new Set(
		stored
			.filter((row) => row.applied)
			.map(
				(row) => `${row.subjectType}|${row.subjectId}|${row.field}|${JSON.stringify(row.value)}`,
			),
	);
	const wroteBefore = (type: EnrichmentSubjectType, id: string, field: string, value: unknown) =>
		value !== null && appliedBefore.has(`${type}|${id}|${field}|${JSON.stringify(value)}`);
	// Keys whose value, confidence or source this batch changes; `applied` is settled at the end.
	const changed = new Set<Key>();
	for (const [key, candidate] of candidates) {
		const current = effective.get(key) as EnrichmentResultRecord | undefined;
		let next: EnrichmentResultInput | undefined;
		if (candidate.field === 'phones' && current) {
			// A list: numbers add up; the newer source (and its types) leads.
			const newer = timeOf(candidate) >= timeOf(current);
			const value = newer
				? mergePhoneLists(current.value as PhoneValue[], candidate.value as PhoneValue[])
				: mergePhoneLists(candidate.value as PhoneValue[], current.value as PhoneValue[]);
			next = {
				...(newer ? candidate : current),
				value,
				confidence: Math.max(current.confidence, candidate.confidence),
			};
		} else if (candidate.field === 'classification') {
			// Recomputed from the person's newest mail each time: the new answer is the answer.
			next = candidate;
		} else if (replacesStored(candidate, current)) {
			next = candidate;
		}
		if (!next || (current && sameStored(current, next))) continue;
		changed.add(key);
		put(key, { ...next, applied: current?.applied ?? false });
	}

	const valuesOf = (type: EnrichmentSubjectType, id: string, field: string) => [
		...(byField.get(`${type}|${id}|${field}`)?.values() ?? []),
	];
	const appliedNow = new Map<Key, boolean>();
	const markApplied = (
		type: EnrichmentSubjectType,
		id: string,
		field: string,
		isApplied: (row: EnrichmentResultInput) => boolean,
	) => {
		for (const row of valuesOf(type, id, field))
			appliedNow.set(keyOf(type, id, field, row.extractor), isApplied(row));
	};

	const companyClassification = new Map<string, EnrichmentResultInput>();
	const personUpdates: RowUpdate[] = [];
	for (const personId of personIds) {
		const person = personById.get(personId);
		if (!person) continue;
		const manual = person.manual_fields ?? [];
		const update: Record<string, unknown> = {};
		for (const [field, camel] of Object.entries(PERSON_TEXT_FIELDS) as Array<
			[keyof typeof PERSON_TEXT_FIELDS, string]
		>) {
			const chosen = chooseValue(valuesOf('person', personId, field));
			if (chosen && !isManual(manual, camel, field) && person[field] !== chosen.value)
				update[field] = chosen.value;
			const carried = (update[field] ?? person[field]) as string | null;
			markApplied('person', personId, field, (row) => row === chosen && carried === row.value);
		}

		const phoneRows = valuesOf('person', personId, 'phones').filter(
			(row) => roundConfidence(row.confidence) >= APPLY_MIN,
		);
		let phones = person.phones ?? [];
		if (!isManual(manual, 'phones', 'phones')) {
			const added = phoneRows
				.flatMap((row) => (row.value as PhoneValue[]).map((phone) => phone.e164))
				.filter((e164, index, all) => !phones.includes(e164) && all.indexOf(e164) === index);
			if (added.length > 0) {
				phones = [...phones, ...added].slice(0, Math.max(MAX_PHONES, phones.length));
				update.phones = JSON.stringify(phones);
			}
		}
		markApplied('person', personId, 'phones', (row) =>
			(row.value as PhoneValue[]).every((phone) => phones.includes(phone.e164)),
		);

		const company = companyOfPerson(personId);
		let companyId = person.company_id;
		if (company && companyId === null && !isManual(manual, 'companyId', 'company_id')) {
			companyId = company.id;
			update.company_id = companyId;
		}
		markApplied('person', personId, 'company', () => Boolean(company) && companyId === company?.id);

		const classification = chooseValue(valuesOf('person', personId, 'classification'));
		let classified = person.classification;
		if (
			classification &&
			classification.value !== 'unknown' &&
			roundConfidence(classification.confidence) >= CLASSIFICATION_THRESHOLD &&
			!isManual(manual, 'classification', 'classification') &&
			classification.value !== person.classification
		) {
			classified = classification.value as Classification;
			update.classification = classified;
			counts.classified++;
		}
		markApplied(
			'person',
			personId,
			'classification',
			(row) => row === classification && row.value === classified,
		);
		if (
			company &&
			classification &&
			['lead', 'customer', 'vendor', 'partner'].includes(String(classification.value)) &&
			roundConfidence(classification.confidence) >= CLASSIFICATION_THRESHOLD
		) {
			const current = companyClassification.get(company.id);
			if (!current || beats(classification, current))
				companyClassification.set(company.id, {
					...classification,
					subjectType: 'company',
					subjectId: company.id,
					field: 'classification',
				});
		}

		if (Object.keys(update).length > 0) personUpdates.push({ id: personId, values: update });
	}
	counts.peopleUpdated = await updateRows(
		trx,
		'people',
		workspaceId,
		PERSON_UPDATE_COLUMNS,
		personUpdates,
	);

	// Company classification follows its people's (a business classification only).
	for (const input of companyClassification.values()) {
		const key = keyOf('company', input.subjectId, 'classification', input.extractor);
		const current = effective.get(key);
		if (current && sameStored(current, input)) continue;
		changed.add(key);
		put(key, {
			...input,
			applied: current && 'applied' in current ? current.applied : false,
		});
	}

	const companyUpdates: RowUpdate[] = [];
	for (const company of companies) {
		const manual = company.manual_fields ?? [];
		const update: Record<string, unknown> = {};
		for (const field of ['name', 'website'] as const) {
			const rows = valuesOf('company', company.id, field);
			const chosen = chooseValue(rows);
			// Enrichment replaces only what it wrote itself (or fills an empty field).
			const ours = wroteBefore('company', company.id, field, company[field]);
			if (
				chosen &&
				!isManual(manual, field, field) &&
				(company[field] === null || ours) &&
				company[field] !== chosen.value
			)
				update[field] = chosen.value;
			const carried = (update[field] ?? company[field]) as string | null;
			markApplied('company', company.id, field, (row) => row === chosen && carried === row.value);
		}
		const rows = valuesOf('company', company.id, 'classification');
		const chosen = chooseValue(rows);
		const ours = wroteBefore('company', company.id, 'classification', company.classification);
		if (
			chosen &&
			roundConfidence(chosen.confidence) >= CLASSIFICATION_THRESHOLD &&
			!isManual(manual, 'classification', 'classification') &&
			(company.classification === 'unknown' || ours) &&
			company.classification !== chosen.value
		)
			update.classification = chosen.value;
		const carried = update.classification ?? company.classification;
		markApplied(
			'company',
			company.id,
			'classification',
			(row) => row === chosen && carried === row.value,
		);
		if (Object.keys(update).length > 0) companyUpdates.push({ id: company.id, values: update });
	}
	counts.companiesUpdated += await updateRows(
		trx,
		'companies',
		workspaceId,
		COMPANY_UPDATE_COLUMNS,
		companyUpdates,
	);
	// One statement for the batch's values: the changed ones, and those whose `applied` flips.
	const storedApplied = new Map(
		stored.map((row) => [
			keyOf(row.subjectType, row.subjectId, row.field, row.extractor),
			row.applied,
		]),
	);
	const toWrite: EnrichmentResultInput[] = [];
	for (const [key, row] of effective) {
		const applied = appliedNow.get(key) ?? ('applied' in row ? row.applied : false);
		if (changed.has(key) || storedApplied.get(key) !== applied) toWrite.push({ ...row, applied });
	}
	counts.resultsWritten = await writeEnrichmentResults(trx, workspaceId, toWrite);
	return counts;
}

interface RowUpdate {
	id: string;
	/** column → new value (phones as JSON text). */
	values: Record<string, unknown>;
}

/** Columns merging writes, with their SQL types (jsonb travels as text). */
const PERSON_UPDATE_COLUMNS: Record<string, string> = {
	full_name: 'text',
	job_title: 'text',
	linkedin_url: 'text',
	postal_address: 'text',
	phones: 'jsonb',
	company_id: 'uuid',
	classification: 'text',
};
const COMPANY_UPDATE_COLUMNS: Record<string, string> = {
	name: 'text',
	website: 'text',
	classification: 'text',
};

/**
 * Writes the batch's changes to people or companies in one statement: each column is set only
 * on the rows that change it. Returns the number of rows written.
 */
async function updateRows(
	trx: Knex.Transaction,
	table: 'people' | 'companies',
	workspaceId: string,
	columns: Record<string, string>,
	updates: RowUpdate[],
): Promise<number> {
	if (updates.length === 0) return 0;
	const sorted = [...updates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const names = Object.keys(columns);
	const arrayType = (type: string) => (type === 'jsonb' ? 'text' : type);
	const bindings: unknown[] = [sorted.map((update) => update.id)];
	for (const name of names) {
		bindings.push(sorted.map((update) => (name in update.values ? update.values[name] : null)));
		bindings.push(sorted.map((update) => name in update.values));
	}
	bindings.push(workspaceId);
	const result = (await trx.raw(
		`update ${table} x set
			${names
				.map((name) => {
					const value = columns[name] === 'jsonb' ? `t.${name}::jsonb` : `t.${name}`;
					return `${name} = case when t.set_${name} then ${value} else x.${name} end`;
				})
				.join(',\n\t\t\t')},
			updated_at = now()
		  from unnest(?::uuid[], ${names
				.map((name) => `?::${arrayType(columns[name])}[], ?::boolean[]`)
				.join(', ')})
			as t(id, ${names.map((name) => `${name}, set_${name}`).join(', ')})
		 where x.workspace_id = ?::uuid and x.id = t.id`,
		bindings as unknown as Knex.RawBinding[],
	)) as { rowCount: number };
	return result.rowCount;
}

/** Whether a stored row already holds this value, confidence and source. */
function sameStored(
	current: EnrichmentResultRecord | EnrichmentResultInput,
	next: EnrichmentResultInput,
): boolean {
	return (
		isDeepStrictEqual(current.value, next.value) &&
		roundConfidence(current.confidence) === roundConfidence(next.confidence) &&
		current.sourceEmailId === next.sourceEmailId &&
		(current.sourceExcerpt ?? null) === (next.sourceExcerpt ?? null) &&
		(current.sourceSentAt?.getTime() ?? null) === (next.sourceSentAt?.getTime() ?? null)
	);
}
