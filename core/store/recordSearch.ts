// People and companies for a link picker: what a user types matched against the start of a name
// (or of any word of it), of an address or of a domain, case-insensitive, a few at a time.
import type { CrmDatabase } from './database';
import { CrmArgumentError, isUuid } from './recordLinks';

export interface RecordSearchHit {
	recordType: 'person' | 'company';
	id: string;
	name: string | null;
	email: string | null;
	domain: string | null;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/** Up to `limit` people and up to `limit` companies (one type with `type`), by name. */
export async function searchRecords(
	database: Pick<CrmDatabase, 'knex'>,
	workspaceId: string,
	options: { q?: string; type?: 'person' | 'company'; limit?: number },
): Promise<RecordSearchHit[]> {
	if (!isUuid(workspaceId)) throw new CrmArgumentError('workspaceId must be a UUID');
	const limit = Math.min(50, Math.max(1, Math.floor(options.limit ?? 20)));
	const q = (options.q ?? '').replaceAll('\u0000', '').trim().toLowerCase().slice(0, 200);
	const start = `${escapeLike(q)}%`;
	const word = `% ${escapeLike(q)}%`;
	const hits: RecordSearchHit[] = [];
	if (options.type !== 'company') {
		const people = database
			.knex('people')
			.select('id', 'full_name', 'email')
			.where({ workspace_id: workspaceId })
			.orderByRaw('lower(full_name) nulls last, email')
			.limit(limit);
		if (q) {
			people.andWhere((where) =>
				where
					.whereRaw(`lower(full_name) like ? escape '\\'`, [start])
					.orWhereRaw(`lower(full_name) like ? escape '\\'`, [word])
					.orWhereRaw(`email like ? escape '\\'`, [start]),
			);
		}
		for (const row of (await people) as Array<{
			id: string;
			full_name: string | null;
			email: string;
		}>) {
			hits.push({
				recordType: 'person',
				id: row.id,
				name: row.full_name,
				email: row.email,
				domain: null,
			});
		}
	}
	if (options.type !== 'person') {
		const companies = database
			.knex('companies')
			.select('id', 'name', 'domain')
			.where({ workspace_id: workspaceId })
			.orderByRaw('lower(name) nulls last, domain')
			.limit(limit);
		if (q) {
			companies.andWhere((where) =>
				where
					.whereRaw(`lower(name) like ? escape '\\'`, [start])
					.orWhereRaw(`lower(name) like ? escape '\\'`, [word])
					.orWhereRaw(`domain like ? escape '\\'`, [start]),
			);
		}
		for (const row of (await companies) as Array<{
			id: string;
			name: string | null;
			domain: string;
		}>) {
			hits.push({
				recordType: 'company',
				id: row.id,
				name: row.name,
				email: null,
				domain: row.domain,
			});
		}
	}
	return hits;
}
