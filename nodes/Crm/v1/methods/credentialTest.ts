import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { testDatabaseSettings } from '../../../../core';
import { databaseSettingsFromCredential } from '../transport';

/** The `CRM Database` credential's test: connect once and report the server version. */
export async function crmDatabaseConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const settings = databaseSettingsFromCredential(credential.data ?? {});
		const result = await testDatabaseSettings(settings);
		const schemaNote = result.schemaExists
			? ''
			: `; schema "${settings.schema}" will be created on first use`;
		return {
			status: 'OK',
			message: `Connected to PostgreSQL ${result.serverVersion} (database ${result.database}${schemaNote})`,
		};
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}
