import type { IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

import { openDatabase, type CrmDatabase } from '../../../../core';
import { databaseSettingsFromCredential } from '../../../shared/crmDatabaseCredential';

export { databaseSettingsFromCredential };

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
