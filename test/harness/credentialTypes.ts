import type { ICredentialType } from 'n8n-workflow';

import { CrmDatabase } from '../../credentials/CrmDatabase.credentials';

/** Every credential type the package ships, by name. */
export const credentialTypes: Record<string, ICredentialType> = Object.fromEntries(
	[new CrmDatabase()].map((type) => [type.name, type]),
);

/** The type and the chain of types it extends (n8n walks `extends` to find e.g. `oAuth2Api`). */
export function credentialTypeChain(name: string): string[] {
	const chain: string[] = [];
	const visit = (typeName: string) => {
		const type = credentialTypes[typeName];
		for (const parent of type?.extends ?? []) {
			chain.push(parent);
			visit(parent);
		}
	};
	visit(name);
	return chain;
}
