import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { toNodeError } from '../../../shared/providerErrors';
import { gmailConnection } from '../transport';

/** The mailbox's labels: system labels first, then the user's, by name. */
export async function getLabels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	try {
		const { gmail } = await gmailConnection(this);
		const { data } = await gmail.users.labels.list({ userId: 'me' });
		return (data.labels ?? [])
			.filter((label) => label.id)
			.sort(
				(a, b) =>
					Number(a.type === 'user') - Number(b.type === 'user') ||
					(a.name ?? '').localeCompare(b.name ?? ''),
			)
			.map((label) => ({ name: label.name ?? (label.id as string), value: label.id as string }));
	} catch (error) {
		throw toNodeError(this.getNode(), error, { provider: 'Google', permission: 'gmail.readonly' });
	}
}
