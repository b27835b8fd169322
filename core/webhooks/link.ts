// Finds the person a webhook is about, within its workspace only: by an address in the payload
// (primary or additional address), else by the click id seen before — an earlier receipt with the
// same gclid that named an address, or a conversion in the outbox whose hashed user identifiers
// (SHA-256 of the lower-case address, as Google wants them) match a person.
import type { Knex } from 'knex';

import type { NormalisedWebhook } from './normalise';

export interface LinkedPerson {
	id: string;
	email: string;
	fullName: string | null;
	/** How the person was found. */
	matchedBy: 'email' | 'gclid';
}

interface PersonRow {
	id: string;
	email: string;
	full_name: string | null;
}

async function personByEmail(db: Knex, workspaceId: string, email: string) {
	return (await db('people')
		.select('id', 'email', 'full_name')
		.where({ workspace_id: workspaceId })
		.andWhere((where) =>
			where
				.whereRaw('lower(email) = ?', [email])
				.orWhereRaw('additional_emails @> array[?]::text[]', [email]),
		)
		.orderBy('created_at')
		.first()) as PersonRow | undefined;
}

// The names a click id goes by in stored payloads (see normalise.ts).
const GCLID_FIELDS = ['gclid', 'gcl_id', 'GCLID'];
const EMAIL_FIELDS = ['email', 'user_email'];

async function personByGclid(db: Knex, workspaceId: string, gclid: string) {
	const fromReceipts = (await db('webhook_receipts as r')
		.join('people as p', (join) =>
			join
				.on('p.workspace_id', '=', 'r.workspace_id')
				.andOn(
					db.raw(
						`lower(p.email) = lower(coalesce(${EMAIL_FIELDS.map(() => 'r.payload->>?').join(', ')}))`,
						EMAIL_FIELDS,
					),
				),
		)
		.select('p.id', 'p.email', 'p.full_name')
		.where('r.workspace_id', workspaceId)
		.andWhere((where) => {
			for (const name of GCLID_FIELDS) where.orWhereRaw('r.payload->>? = ?', [name, gclid]);
		})
		.orderBy('r.received_at', 'desc')
		.first()) as PersonRow | undefined;
	if (fromReceipts) return fromReceipts;
	return (await db('ad_conversions as c')
		.join('people as p', 'p.workspace_id', 'c.workspace_id')
		.select('p.id', 'p.email', 'p.full_name')
		.where({ 'c.workspace_id': workspaceId, 'c.gclid': gclid })
		.whereRaw(
			`exists (select 1 from jsonb_array_elements(c.user_identifiers) as identifier,
				jsonb_each_text(case when jsonb_typeof(identifier) = 'object' then identifier else '{}'::jsonb end) as pair
				where pair.value = encode(sha256(convert_to(lower(p.email), 'UTF8')), 'hex'))`,
		)
		.orderBy('c.created_at', 'desc')
		.first()) as PersonRow | undefined;
}

/** The person the webhook names, or null when none can be told. */
export async function linkWebhookToPerson(
	db: Knex,
	workspaceId: string,
	normalised: NormalisedWebhook,
): Promise<LinkedPerson | null> {
	const email = 'email' in normalised ? normalised.email : null;
	if (email) {
		const person = await personByEmail(db, workspaceId, email);
		if (person) {
			return { id: person.id, email: person.email, fullName: person.full_name, matchedBy: 'email' };
		}
	}
	const gclid = 'gclid' in normalised ? normalised.gclid : null;
	if (gclid) {
		const person = await personByGclid(db, workspaceId, gclid);
		if (person) {
			return { id: person.id, email: person.email, fullName: person.full_name, matchedBy: 'gclid' };
		}
	}
	return null;
}
