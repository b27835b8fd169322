import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { checkConnection, getMigrationStatus } from '../../../../../core';
import { forEachItem } from '../../../../shared/forEachItem';
import { getCrmDatabase } from '../../transport';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await forEachItem(this, { provider: 'PostgreSQL' }, async () => {
		const database = await getCrmDatabase.call(this, { migrate: false });
		const connection = await checkConnection(database);
		const migrations = await getMigrationStatus(database);
		return {
			json: {
				connected: true,
				serverVersion: connection.serverVersion,
				database: connection.database,
				schema: connection.schema,
				latencyMs: connection.latencyMs,
				schemaExists: migrations.schemaExists,
				migrationsApplied: migrations.applied.length,
				migrationsPending: migrations.pending,
			},
		};
	});
}
