import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { DatabaseSettingsInput } from '../../core';

// Shared by the CRM node and the CRM API node: both open the database of a `CRM Database` credential.
/** Maps the `CRM Database` credential onto the engine's settings. */
export function databaseSettingsFromCredential(
	credential: ICredentialDataDecryptedObject,
): DatabaseSettingsInput {
	const common = {
		ssl: credential.ssl as DatabaseSettingsInput['ssl'],
		schema: (credential.schema as string | undefined) || 'crm',
		autoMigrate: credential.autoMigrate !== false,
	};
	if (credential.connectionType === 'url') {
		return { ...common, url: credential.url as string };
	}
	return {
		...common,
		host: credential.host as string,
		port: credential.port as number,
		database: credential.database as string,
		user: credential.user as string,
		password: credential.password as string,
	};
}
