import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IPollFunctions,
} from 'n8n-workflow';

import { openDatabase, type CrmDatabase, type DatabaseSettingsInput } from '../../../../core';

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

/**
 * The pooled database of the node's `CRM Database` credential (one pool per credential settings,
 * shared by every execution in this process), with migrations applied first when the credential
 * asks for it.
 */
export async function getCrmDatabase(
	this: IExecuteFunctions | IPollFunctions,
	options: { migrate?: boolean } = {},
): Promise<CrmDatabase> {
	const credential = await this.getCredentials('crmDatabase');
	const database = openDatabase(databaseSettingsFromCredential(credential));
	if (options.migrate !== false) await database.ready();
	return database;
}
